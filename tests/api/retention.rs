//! Retention through the real `deliver`: a campaign closed more than UNDERSIGN_RETENTION_DAYS
//! ago has its signers' details anonymised once, its counts untouched, unless it is on hold.

use crate::batches::{add_signatures, count, letter};
use crate::cli::undersign;
use crate::helpers::spawn_app;
use diesel::RunQueryDsl;

fn deliver(app: &crate::helpers::TestApp, args: &[&str]) -> String {
    let out = undersign(app).arg("deliver").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[actix_web::test]
async fn deliver_anonymises_a_campaign_closed_past_retention_once_and_never_one_on_hold() {
    let app = spawn_app().await;
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 3, true);
    diesel::sql_query(
        "UPDATE signatures SET postcode = '10000', comment = 'for the river', ip_hash = 'abc'",
    )
    .execute(&mut app.conn())
    .unwrap();
    let closed = undersign(&app)
        .args(["campaign", "close", &slug])
        .output()
        .unwrap();
    assert!(
        closed.status.success(),
        "{}",
        String::from_utf8_lossy(&closed.stderr)
    );
    let named =
        "SELECT count(*) AS n FROM signatures WHERE name LIKE 'Signer %' AND comment IS NOT NULL";
    let counted = count(
        &app,
        "SELECT signatures::bigint AS n FROM campaign_counters",
    );

    // Closed yesterday: nothing yet, and the dashboard says when.
    diesel::sql_query("UPDATE campaigns SET closed_at = now() - interval '1 day'")
        .execute(&mut app.conn())
        .unwrap();
    assert!(!deliver(&app, &[]).contains("retention"));
    let owner = app.admin(undersign::organizers::Role::Owner).await;
    let dashboard = owner.page(&format!("/admin/campaigns/{slug}")).await;
    assert!(
        dashboard.contains("will be anonymised on")
            && dashboard.contains("(180 days after it closed)"),
        "{dashboard}"
    );

    let editor = owner.page(&format!("/admin/campaigns/{slug}/edit")).await;
    assert!(
        editor.contains("name=\"retention_hold\""),
        "the hold is a flag in the editor"
    );

    // On hold, past retention: kept.
    diesel::sql_query(
        "UPDATE campaigns SET closed_at = now() - interval '181 days', retention_hold = true",
    )
    .execute(&mut app.conn())
    .unwrap();
    assert!(!deliver(&app, &[]).contains("retention"));
    assert_eq!(count(&app, named), 3);

    // Hold lifted: a dry run says what would happen and changes nothing; then it happens once.
    diesel::sql_query("UPDATE campaigns SET retention_hold = false")
        .execute(&mut app.conn())
        .unwrap();
    let dry = deliver(&app, &["--dry-run"]);
    assert!(
        dry.contains(&format!(
            "retention: would anonymise 3 signatures of {slug}"
        )),
        "{dry}"
    );
    assert_eq!(count(&app, named), 3);
    let real = deliver(&app, &[]);
    assert!(
        real.contains(&format!("retention: anonymised 3 signatures of {slug}")),
        "{real}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM signatures WHERE name = '' AND postcode IS NULL AND comment IS NULL AND ip_hash IS NULL"),
        3
    );
    assert!(
        !deliver(&app, &[]).contains("retention"),
        "a second run changes nothing"
    );
    assert_eq!(
        count(
            &app,
            "SELECT signatures::bigint AS n FROM campaign_counters"
        ),
        counted,
        "counts never move"
    );
    let dashboard = owner.page(&format!("/admin/campaigns/{slug}")).await;
    assert!(dashboard.contains("were anonymised on"), "{dashboard}");
}

#[actix_web::test]
async fn a_retention_period_that_is_not_a_number_of_days_is_refused_with_the_variable_to_fix() {
    let app = spawn_app().await;
    for bad in ["0", "-3", "half a year"] {
        let out = undersign(&app)
            .arg("deliver")
            .env("UNDERSIGN_RETENTION_DAYS", bad)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("UNDERSIGN_RETENTION_DAYS"),
            "{bad}"
        );
    }
}
