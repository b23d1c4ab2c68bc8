use crate::batches::count;
use crate::helpers::{spawn_app, SECRET_KEY};
use diesel::connection::SimpleConnection;

#[actix_web::test]
async fn the_readable_rows_of_an_older_release_become_keyed_hashes_and_are_dropped() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.conn()
        .batch_execute(
            "CREATE TABLE suppressions_readable (email_canonical text PRIMARY KEY, \
                 reason text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()); \
             INSERT INTO suppressions_readable VALUES ('gone@bounced.example', 'SMTP 550: no such user'); \
             UPDATE supporters SET unsubscribed_at = now();",
        )
        .unwrap();

    let hashed =
        undersign::mail::suppressions::hash_readable_rows(&mut app.conn(), SECRET_KEY).unwrap();

    assert_eq!(hashed, 2);
    assert_eq!(
        app.suppression_of("gone@bounced.example").as_deref(),
        Some("bounced")
    );
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'suppressions_readable'"
        ),
        0,
        "no readable list is left behind"
    );
    assert_eq!(
        undersign::mail::suppressions::hash_readable_rows(&mut app.conn(), SECRET_KEY).unwrap(),
        0,
        "a second start has nothing left to do"
    );
}

#[actix_web::test]
async fn opting_in_again_lifts_an_unsubscribe_but_never_a_bounce() {
    let app = spawn_app().await;
    let first = app.live_campaign().await;
    app.sign_and_confirm(&first, "Ana", "ana@example.org", true)
        .await;
    let token = undersign::supporters::unsubscribe_token(SECRET_KEY, app.first_supporter_id());
    app.post_form(
        &format!("/unsubscribe/{token}"),
        &[("List-Unsubscribe", "One-Click")],
    )
    .await;
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("unsubscribed")
    );

    let second = app.live_campaign_at("second-action").await;
    app.sign_and_confirm(&second, "Ana", "ana@example.org", true)
        .await;

    assert_eq!(
        app.suppression_of("ana@example.org"),
        None,
        "a fresh, confirmed opt-in"
    );
    assert_eq!(app.unsubscribed_count(), 0);
}
