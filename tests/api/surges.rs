//! Surges through the real `deliver`: an IP hash or e-mail domain behind more signatures in an
//! hour than UNDERSIGN_FLAG_HOURLY is flagged at the top of the campaign's dashboard.

use crate::batches::{add_signatures, letter};
use crate::cli::undersign;
use crate::helpers::spawn_app;
use diesel::RunQueryDsl;
use undersign::organizers::Role;

#[actix_web::test]
async fn deliver_flags_an_ip_hash_and_a_domain_behind_a_surge_and_nothing_under_the_limit() {
    let app = spawn_app().await;
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 6, true);
    diesel::sql_query(
        "UPDATE signatures SET ip_hash = CASE WHEN name IN ('Signer 1', 'Signer 2') THEN 'quiet' ELSE 'busyhash' END, \
                created_at = date_trunc('hour', now()) + interval '1 minute'",
    )
    .execute(&mut app.conn())
    .unwrap();
    let dashboard = format!("/admin/campaigns/{slug}");
    let owner = app.admin(Role::Owner).await;
    assert!(!owner.page(&dashboard).await.contains("Unusual numbers"));

    let out = undersign(&app)
        .arg("deliver")
        .env("UNDERSIGN_FLAG_HOURLY", "3")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = owner.page(&dashboard).await;
    assert!(
        page.contains("Unusual numbers of signatures from one place"),
        "{page}"
    );
    assert!(
        page.contains("4 from one IP address (keyed hash busyhash)"),
        "{page}"
    );
    assert!(page.contains("6 from addresses at example.org"), "{page}");
    assert!(
        !page.contains("quiet"),
        "two in an hour is not a surge: {page}"
    );

    // A second run changes nothing.
    let again = undersign(&app)
        .arg("deliver")
        .env("UNDERSIGN_FLAG_HOURLY", "3")
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(
        crate::batches::count(&app, "SELECT count(*) AS n FROM campaign_flags"),
        2
    );
}
