//! Petition batches: cutting in one transaction, who receives what, and the delivery log.

use crate::helpers::{spawn_app, TestApp, RIVER_COMMONS};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use undersign::batches::{self, delivery, CutReason};
use undersign::db;

/// A letter with `schedule` and the targets given as `(name, email)`.
pub fn letter(schedule: &str, targets: &[(&str, &str)]) -> String {
    let mut front = format!("+++\nslug = \"stop-the-dam\"\ndelivery = \"{schedule}\"\n");
    for (name, email) in targets {
        front.push_str(&format!(
            "[[targets]]\nname = \"{name}\"\nemail = \"{email}\"\n"
        ));
    }
    let body = RIVER_COMMONS
        .split("+++\n")
        .nth(2)
        .expect("the letter after the front matter");
    format!("{front}+++\n{body}")
}

/// A live campaign delivered by hand to one target, Marta Kovač; returns its slug.
pub async fn one_target_by_hand(app: &TestApp) -> String {
    app.import(
        &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
        true,
    )
    .await
}

/// Adds `n` signatures named "Signer {from + i}" straight to the database, confirmed when
/// `confirmed`, and counts them as confirming would.
pub fn add_signatures(app: &TestApp, slug: &str, from: usize, n: usize, confirmed: bool) {
    diesel::sql_query(
        "WITH c AS (SELECT id FROM campaigns WHERE slug = $1), \
         s AS (INSERT INTO supporters (id, email, email_canonical) \
               SELECT gen_random_uuid(), 'signer' || i || '@example.org', \
                      'signer' || i || '@example.org' \
               FROM generate_series($2::int, $3::int) i RETURNING id, email) \
         INSERT INTO signatures (id, campaign_id, supporter_id, name, country, comment, state, \
                                 confirmed_at) \
         SELECT gen_random_uuid(), c.id, s.id, 'Signer ' || substr(s.email, 7, strpos(s.email, '@') - 7), \
                'HR', 'Comment of ' || s.email, 'counted', \
                CASE WHEN $4 THEN now() + substr(s.email, 7, strpos(s.email, '@') - 7)::int * interval '1 millisecond' END \
         FROM c, s",
    )
    .bind::<Text, _>(slug)
    .bind::<diesel::sql_types::Integer, _>(from as i32)
    .bind::<diesel::sql_types::Integer, _>((from + n - 1) as i32)
    .bind::<diesel::sql_types::Bool, _>(confirmed)
    .execute(&mut app.conn())
    .expect("signatures are added");
    diesel::sql_query(
        "UPDATE campaign_counters cc SET signatures = (SELECT count(*) FROM signatures s \
         WHERE s.campaign_id = cc.campaign_id AND s.state = 'counted' AND s.confirmed_at IS NOT NULL)",
    )
    .execute(&mut app.conn())
    .expect("counters are set");
}

/// Runs one SQL query returning a single bigint `n`.
pub fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<N>(&mut app.conn())
        .expect(sql)
        .n
}

/// `campaign deliver-now` as the library runs it.
pub async fn deliver_now(app: &TestApp, slug: &str) -> batches::CampaignDelivery {
    let slug = slug.to_string();
    db::run(&app.pool, move |conn| {
        batches::deliver_now(
            conn,
            &slug,
            chrono::Utc::now(),
            "rivercommons.example",
            undersign::organizers::audit::Actor::CommandLine,
        )
    })
    .await
    .expect("deliver-now works")
}

/// Marks every queued batch message sent, as the outbox would after a 250.
pub fn mark_all_sent(app: &TestApp) {
    let mut conn = app.conn();
    let ids: Vec<uuid::Uuid> = undersign::db::schema::batch_targets::table
        .filter(undersign::db::schema::batch_targets::state.eq("queued"))
        .select(undersign::db::schema::batch_targets::id)
        .load(&mut conn)
        .unwrap();
    for id in ids {
        delivery::record_outcome(
            &mut conn,
            id,
            &delivery::Outcome::Sent {
                at: chrono::Utc::now(),
            },
        )
        .unwrap();
    }
}

/// `(signer name, batch seq)` for every signature of the campaign in a batch.
fn membership(app: &TestApp) -> Vec<(String, i64)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    diesel::sql_query(
        "SELECT s.name, b.seq::bigint AS seq FROM signatures s \
         JOIN batch_signatures m ON m.signature_id = s.id JOIN batches b ON b.id = m.batch_id \
         ORDER BY s.name",
    )
    .load::<Row>(&mut app.conn())
    .unwrap()
    .into_iter()
    .map(|r| (r.name, r.seq))
    .collect()
}

#[actix_web::test]
async fn a_signature_confirmed_in_a_transaction_open_while_a_batch_is_cut_is_in_the_next_batch() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 1, true);
    add_signatures(&app, &slug, 2, 1, false);
    // The second supporter confirms; the transaction stays open (a slow request).
    let mut late = app.conn();
    diesel::sql_query("BEGIN").execute(&mut late).unwrap();
    diesel::sql_query(
        "UPDATE signatures SET confirmed_at = now() - interval '1 minute' WHERE name = 'Signer 2'",
    )
    .execute(&mut late)
    .unwrap();

    let first = deliver_now(&app, &slug).await;
    diesel::sql_query("COMMIT").execute(&mut late).unwrap();
    mark_all_sent(&app);
    let second = deliver_now(&app, &slug).await;

    assert_eq!(first.cut, Some((CutReason::Manual, 1)));
    assert_eq!(
        second.cut,
        Some((CutReason::Manual, 1)),
        "the late signature is not skipped"
    );
    assert_eq!(
        membership(&app),
        vec![("Signer 1".to_string(), 1), ("Signer 2".to_string(), 2)]
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM batch_targets WHERE first_number = 2 AND last_number = 2"
        ),
        1
    );
}

#[actix_web::test]
async fn a_target_added_to_a_live_campaign_receives_everyone_who_signed_before() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 3, true);
    deliver_now(&app, &slug).await;
    mark_all_sent(&app);
    add_signatures(&app, &slug, 4, 2, true);
    diesel::sql_query(
        "INSERT INTO targets (id, campaign_id, position, name, email) \
         SELECT gen_random_uuid(), id, 2, 'Ivo Horvat', 'ivo@parliament.example' FROM campaigns",
    )
    .execute(&mut app.conn())
    .unwrap();

    let second = deliver_now(&app, &slug).await;

    let sent: Vec<(String, i64)> = second
        .dispatched
        .iter()
        .map(|d| (d.target_name.clone(), d.signatures))
        .collect();
    assert_eq!(
        sent,
        vec![
            ("Marta Kovač".to_string(), 2),
            ("Ivo Horvat".to_string(), 5)
        ]
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM batch_targets bt JOIN targets t ON t.id = bt.target_id WHERE t.name = 'Ivo Horvat' AND bt.first_number = 1 AND bt.last_number = 5 AND bt.from_seq = 0 AND bt.to_seq = 2"),
        1
    );
}

#[actix_web::test]
async fn unconfirmed_held_and_invalid_signatures_are_never_put_in_a_batch() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 4, true);
    add_signatures(&app, &slug, 5, 2, false);
    diesel::sql_query("UPDATE signatures SET state = 'held' WHERE name = 'Signer 1'")
        .execute(&mut app.conn())
        .unwrap();
    diesel::sql_query("UPDATE signatures SET state = 'invalid' WHERE name = 'Signer 2'")
        .execute(&mut app.conn())
        .unwrap();

    let done = deliver_now(&app, &slug).await;

    assert_eq!(done.cut, Some((CutReason::Manual, 2)));
    let names: Vec<String> = membership(&app).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, vec!["Signer 3".to_string(), "Signer 4".to_string()]);
}

#[actix_web::test]
async fn scheduled_passes_at_the_same_moment_cut_one_batch_per_tick() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter(
                "every 3",
                &[
                    ("Marta Kovač", "minister@energy.example"),
                    ("Ivo Horvat", "ivo@parliament.example"),
                ],
            ),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 5, true);

    let pass = || {
        db::run(&app.pool, |conn| {
            batches::run_due(conn, chrono::Utc::now(), "rivercommons.example", false)
        })
    };
    let (a, b, c) = futures::join!(pass(), pass(), pass());
    let passes = [a.unwrap(), b.unwrap(), c.unwrap()];

    let cuts: usize = passes.iter().flatten().filter(|p| p.cut.is_some()).count();
    assert_eq!(cuts, 1);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batches"), 1);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batch_targets"), 2);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM signatures s WHERE NOT EXISTS \
             (SELECT 1 FROM batch_signatures m WHERE m.signature_id = s.id)"
        ),
        0
    );
}

#[actix_web::test]
async fn a_dry_run_reports_the_batch_it_would_cut_and_changes_nothing() {
    let app = spawn_app().await;
    let slug = app
        .import(
            &letter("every 2", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 2, true);

    let report = db::run(&app.pool, |conn| {
        batches::run_due(conn, chrono::Utc::now(), "rivercommons.example", true)
    })
    .await
    .unwrap();

    assert_eq!(
        batches::report::pass_lines(&report, true),
        vec![
            "stop-the-dam: would cut a batch of 2 signature(s) (every)".to_string(),
            "stop-the-dam: would send 2 signature(s) to Marta Kovač".to_string(),
        ]
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batches"), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batch_signatures"), 0);
}

#[actix_web::test]
async fn a_campaign_past_its_closing_time_is_closed_and_sends_a_final_batch() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("on close", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 3, true);
    let pass = || {
        db::run(&app.pool, |conn| {
            batches::run_due(conn, chrono::Utc::now(), "rivercommons.example", false)
        })
    };
    assert!(
        pass().await.unwrap().is_empty(),
        "nothing is due before the close"
    );
    diesel::sql_query("UPDATE campaigns SET closes_at = now() - interval '1 minute'")
        .execute(&mut app.conn())
        .unwrap();

    let done = pass().await.unwrap();

    assert_eq!(done[0].cut, Some((CutReason::Close, 3)));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM campaigns WHERE status = 'closed' AND closed_at IS NOT NULL"
        ),
        1
    );
}

#[actix_web::test]
async fn the_action_page_says_what_was_delivered_to_whom_only_when_the_log_is_public() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let public = letter("manual", &[("Philip T. Reeker", "reeker@state.example")]).replacen(
        "+++\n",
        "+++\npublic_log = true\n",
        1,
    );
    let slug = app.import(&public, true).await;
    add_signatures(&app, &slug, 1, 1204, true);
    deliver_now(&app, &slug).await;
    mark_all_sent(&app);
    let quiet = app
        .import(
            &letter("manual", &[("Philip T. Reeker", "reeker@state.example")])
                .replace("stop-the-dam", "quiet"),
            true,
        )
        .await;
    add_signatures(&app, &quiet, 2000, 3, true);
    deliver_now(&app, &quiet).await;
    mark_all_sent(&app);

    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    let quiet_page = app.get(&format!("/c/{quiet}")).await.text().await.unwrap();

    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    assert!(
        page.contains("1,204 signatures delivered to Philip T. Reeker on <time"),
        "{page}"
    );
    assert!(page.contains(&format!(">{today}</time>")));
    assert!(!quiet_page.contains("delivered to"));
}

#[actix_web::test]
async fn a_deleted_signature_leaves_no_batch_membership_behind() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = one_target_by_hand(&app).await;
    add_signatures(&app, &slug, 1, 3, true);
    deliver_now(&app, &slug).await;

    diesel::sql_query("DELETE FROM supporters WHERE email = 'signer2@example.org'")
        .execute(&mut app.conn())
        .unwrap();

    assert_eq!(
        membership(&app),
        [("Signer 1".to_string(), 1), ("Signer 3".to_string(), 1)]
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM batch_signatures"),
        2,
        "no membership of a signature that is gone"
    );
}

#[actix_web::test]
async fn a_signature_held_and_counted_again_is_delivered_once_whenever_it_comes_back() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = one_target_by_hand(&app).await;
    let set_state = |name: &str, state: &str| {
        diesel::sql_query("UPDATE signatures SET state = $1 WHERE name = $2")
            .bind::<Text, _>(state)
            .bind::<Text, _>(name)
            .execute(&mut app.conn())
            .unwrap();
    };
    add_signatures(&app, &slug, 1, 2, true);
    deliver_now(&app, &slug).await;
    set_state("Signer 1", "held");
    set_state("Signer 1", "counted");
    add_signatures(&app, &slug, 3, 1, true);
    set_state("Signer 3", "held");

    let while_held = deliver_now(&app, &slug).await;
    set_state("Signer 3", "counted");
    let released = deliver_now(&app, &slug).await;

    assert_eq!(
        while_held.cut, None,
        "a delivered signature is not sent again"
    );
    assert_eq!(released.cut, Some((CutReason::Manual, 1)));
    assert_eq!(
        membership(&app),
        [
            ("Signer 1".to_string(), 1),
            ("Signer 2".to_string(), 1),
            ("Signer 3".to_string(), 2)
        ]
    );
}
