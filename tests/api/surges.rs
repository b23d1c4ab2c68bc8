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
    assert!(page.contains("/held?ip=busyhash\">busyhash</a>)"), "{page}");
    assert!(
        page.contains("6 from addresses at <a href=") && page.contains("held?domain=example.org"),
        "{page}"
    );
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

#[actix_web::test]
async fn the_held_list_narrows_to_a_name_a_domain_an_ip_hash_and_a_time_window() {
    let app = spawn_app().await;
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 6, false);
    diesel::sql_query(
        "UPDATE signatures SET state = 'held', held_reason = 'rate limit', \
                ip_hash = CASE WHEN name IN ('Signer 1', 'Signer 2', 'Signer 3') THEN 'busyhash' ELSE 'other' END, \
                created_at = CASE WHEN name = 'Signer 6' THEN '2026-01-01T12:00:00Z' ELSE now() END",
    )
    .execute(&mut app.conn())
    .unwrap();
    diesel::sql_query(
        "UPDATE supporters SET email = replace(email, 'example.org', 'throwaway.example'), \
                email_canonical = replace(email_canonical, 'example.org', 'throwaway.example') \
         WHERE email_canonical IN ('signer4@example.org', 'signer5@example.org')",
    )
    .execute(&mut app.conn())
    .unwrap();
    let editor = app.admin(Role::Editor).await;
    let held = |query: &str| {
        let path = format!("/admin/campaigns/{slug}/held?{query}");
        let editor = &editor;
        async move {
            let page = editor.page(&path).await;
            let mut names: Vec<String> = (1..=6)
                .map(|i| format!("Signer {i}"))
                .filter(|n| page.contains(&format!(">{n}<")))
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(held("").await.len(), 6);
    assert_eq!(
        held("ip=busyhash").await,
        ["Signer 1", "Signer 2", "Signer 3"]
    );
    assert_eq!(
        held("domain=%40Throwaway.example").await,
        ["Signer 4", "Signer 5"]
    );
    assert_eq!(held("name=signer+6").await, ["Signer 6"]);
    assert_eq!(
        held("until=2026-01-01").await,
        ["Signer 6"],
        "the whole day of the last date"
    );
    assert_eq!(
        held("since=2026-01-02&ip=other").await,
        ["Signer 4", "Signer 5"]
    );
    let bad = editor
        .get(&format!("/admin/campaigns/{slug}/held?since=yesterday"))
        .await;
    assert_eq!(bad.status().as_u16(), 422);
}
