use super::{csv_of, import};
use crate::batches::count;
use crate::helpers::{spawn_app, SECRET_KEY};

#[actix_web::test]
async fn an_import_reports_bad_rows_by_line_and_keeps_the_good_ones() {
    let app = spawn_app().await;
    let csv = "email,name,country,consent_date,language\n\
               ana@example.org,Ana,AM,2026-11-01,hy\n\
               not-an-address,Ben,AM,2026-11-01,\n\
               cem@example.org,Cem,Narnia,2026-11-01,\n\
               dara@example.org,Dara,AZ,yesterday,\n\
               emil@example.org,Emil,RU,2026-11-02T10:00:00Z,ru\n\
               ANA@example.org,Ana again,AM,2026-11-01,\n";
    let report = import(&app, csv, false).await;

    assert_eq!(
        (report.valid, report.invalid, report.added),
        (2, 3, 2),
        "{report:?}"
    );
    let lines: Vec<u64> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(
        report.problems[1].reason.contains("country"),
        "{:?}",
        report.problems[1]
    );
    assert!(report.problems[2].reason.contains("consent_date"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM supporters WHERE alerts_consent_at IS NOT NULL \
                     AND source = 'test list' AND language IN ('hy', 'ru')"
        ),
        2
    );
}

#[actix_web::test]
async fn a_file_with_a_bom_and_semicolons_imports_and_a_second_import_changes_nothing() {
    let app = spawn_app().await;
    let csv = "\u{feff}Email;Name;Country;Consent_Date;Source\n\
               ana@example.org;Ana Petrović;HR;2026-11-01;fair stall\n\
               ben@example.org;Ben;AM;2026-11-01;\n";
    let first = import(&app, csv, false).await;
    assert_eq!(
        (first.valid, first.added, first.invalid),
        (2, 2, 0),
        "{first:?}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM supporters WHERE name = 'Ana Petrović' AND source = 'fair stall'"),
        1
    );

    let again = import(&app, csv, false).await;
    assert_eq!((again.added, again.already_present), (0, 2), "{again:?}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM supporters"), 2);
}

#[actix_web::test]
async fn an_import_never_enrols_an_address_that_unsubscribed_bounced_or_complained() {
    let app = spawn_app().await;
    import(&app, &csv_of(&["left@example.org"]), false).await;
    let id: uuid::Uuid = {
        use diesel::prelude::*;
        undersign::db::schema::supporters::table
            .select(undersign::db::schema::supporters::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let token = undersign::supporters::unsubscribe_token(SECRET_KEY, id);
    app.post_form(
        &format!("/unsubscribe/{token}"),
        &[("List-Unsubscribe", "One-Click")],
    )
    .await;
    {
        use undersign::mail::suppressions::{add, Reason};
        add(
            &mut app.conn(),
            SECRET_KEY,
            &[
                ("bounced@example.org", Reason::Bounced, None),
                ("angry@example.org", Reason::Complained, None),
            ],
        )
        .unwrap();
    }
    let list = csv_of(&[
        "left@example.org",
        "bounced@example.org",
        "angry@example.org",
        "new@example.org",
    ]);

    let dry = import(&app, &list, true).await;
    assert_eq!(
        (dry.valid, dry.refused, dry.added, dry.already_present),
        (4, 3, 1, 0),
        "{dry:?}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM supporters"),
        1,
        "a dry run changes nothing"
    );

    let done = import(&app, &list, false).await;
    assert_eq!((done.refused, done.added), (3, 1), "{done:?}");
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM supporters WHERE email_canonical IN ('bounced@example.org', 'angry@example.org')"),
        0
    );
    assert_eq!(
        app.unsubscribed_count(),
        1,
        "the unsubscribed supporter stays unsubscribed"
    );
}

#[actix_web::test]
async fn a_file_without_the_required_columns_is_refused_whole() {
    let app = spawn_app().await;
    let result = {
        let csv = b"email,name\nana@example.org,Ana\n".to_vec();
        undersign::db::run(&app.pool, move |conn| {
            undersign::supporters::import::import(
                conn,
                SECRET_KEY,
                std::io::Cursor::new(csv),
                "x",
                false,
                undersign::organizers::audit::Actor::CommandLine,
                &|_| {},
            )
        })
        .await
    };
    let error = result.expect_err("refused").to_string();
    assert!(error.contains("country"), "{error}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM supporters"), 0);
}
