use crate::alerts::{alerts_received, csv_of, import};
use crate::batches::count;
use crate::helpers::spawn_app;
use undersign::organizers::Role;

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

#[actix_web::test]
async fn an_editor_composes_previews_tests_and_sends_an_alert_once() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let editor = app.admin(Role::Editor).await;

    let invalid = editor
        .post(
            "/admin/alerts",
            &[
                ("subject", ""),
                ("body", ""),
                ("campaign", "no-such"),
                ("audience", "all"),
            ],
        )
        .await;
    assert_eq!(invalid.status().as_u16(), 422);
    let page = invalid.text().await.unwrap();
    assert!(page.contains("Give the alert a subject."), "{page}");
    assert!(page.contains("There is no action"));
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM alerts"),
        0,
        "nothing stored"
    );

    let created = editor
        .post(
            "/admin/alerts",
            &[
                ("subject", "The ministers meet tomorrow"),
                ("body", "Please **sign** before they do."),
                ("campaign", slug.as_str()),
                ("audience", "all"),
            ],
        )
        .await;
    assert_eq!(created.status().as_u16(), 303);
    let alert = location(&created);
    let page = editor.page(&alert).await;
    assert!(
        page.contains("<strong>2</strong> supporters will receive it"),
        "{page}"
    );

    let html = editor.get(&format!("{alert}/preview/html")).await;
    assert_eq!(html.status().as_u16(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains("<strong>sign</strong>") && html.contains("/c/stop-the-dam?source=a-"));
    let text = editor.page(&format!("{alert}/preview/text")).await;
    assert!(
        text.starts_with("Subject: The ministers meet tomorrow"),
        "{text}"
    );

    assert_eq!(
        editor
            .post(&format!("{alert}/test"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    app.drain().await;
    let test = alerts_received(&app);
    assert_eq!(test.len(), 1);
    assert_eq!(test[0].rcpt_to, ["editor@rivercommons.example"]);

    let send = format!("{alert}/send");
    let (first, second) = tokio::join!(
        editor.post(&send, &[("when", "now")]),
        editor.post(&send, &[("when", "now")]),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "a double click sends once");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND supporter_id IS NOT NULL"
        ),
        2
    );
    app.drain().await;
    assert_eq!(
        alerts_received(&app).len(),
        1,
        "nothing leaves inside the undo window"
    );

    app.make_outbox_due();
    app.drain().await;
    assert_eq!(alerts_received(&app).len(), 3);
    let page = editor.page(&alert).await;
    assert!(page.contains("<td>2</td>"), "two sent: {page}");
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM audit_log WHERE action IN ('create alert', 'test alert', 'send alert')"),
        3
    );
}

#[actix_web::test]
async fn cancelling_inside_the_undo_window_sends_nothing_and_a_viewer_can_only_read() {
    let app = spawn_app().await;
    import(&app, &csv_of(&["ana@example.org"]), false).await;
    let editor = app.admin(Role::Editor).await;
    let created = editor
        .post(
            "/admin/alerts",
            &[
                ("subject", "Oops"),
                ("body", "Wrong text"),
                ("audience", "all"),
            ],
        )
        .await;
    let alert = location(&created);
    assert_eq!(
        editor
            .post(&format!("{alert}/send"), &[("when", "now")])
            .await
            .status()
            .as_u16(),
        303
    );

    let viewer = app.admin(Role::Viewer).await;
    assert_eq!(viewer.get(&alert).await.status().as_u16(), 200);
    assert_eq!(
        viewer
            .post(&format!("{alert}/cancel"), &[])
            .await
            .status()
            .as_u16(),
        403
    );

    assert_eq!(
        editor
            .post(&format!("{alert}/cancel"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        editor
            .post(&format!("{alert}/cancel"), &[])
            .await
            .status()
            .as_u16(),
        409
    );
    app.make_outbox_due();
    app.drain().await;
    assert!(alerts_received(&app).is_empty());
    assert!(editor.page(&alert).await.contains("cancelled"));
}

#[actix_web::test]
async fn pausing_holds_the_remaining_messages_until_resumed() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let editor = app.admin(Role::Editor).await;
    let created = editor
        .post(
            "/admin/alerts",
            &[
                ("subject", "Hold on"),
                ("body", "Soon"),
                ("audience", "all"),
            ],
        )
        .await;
    let alert = location(&created);
    editor
        .post(&format!("{alert}/send"), &[("when", "now")])
        .await;
    assert_eq!(
        editor
            .post(&format!("{alert}/pause"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    app.make_outbox_due();
    app.drain().await;
    assert!(alerts_received(&app).is_empty(), "held while paused");
    assert!(editor.page(&alert).await.contains("paused"));

    assert_eq!(
        editor
            .post(&format!("{alert}/resume"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    app.drain().await;
    assert_eq!(alerts_received(&app).len(), 2);
}

#[actix_web::test]
async fn an_editor_imports_supporters_after_a_dry_run_and_finds_one_by_address() {
    let app = spawn_app().await;
    let editor = app.admin(Role::Editor).await;
    let csv = "email;name;country;consent_date\nana@example.org;Ana;AM;2026-11-01\nbad;Ben;AM;2026-11-01\n";
    let dry = editor
        .post(
            "/admin/supporters/import",
            &[("csv", csv), ("source", "fair")],
        )
        .await;
    assert_eq!(dry.status().as_u16(), 200);
    let page = dry.text().await.unwrap();
    assert!(page.contains("Import 1 supporters"), "{page}");
    assert!(page.contains("Line 3"));
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM supporters"),
        0,
        "a dry run first"
    );

    let done = editor
        .post(
            "/admin/supporters/import",
            &[("csv", csv), ("source", "fair"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(done.status().as_u16(), 200);
    assert!(done
        .text()
        .await
        .unwrap()
        .contains("Imported: 1 supporters added."));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM supporters WHERE source = 'fair'"
        ),
        1
    );

    let list = editor.page("/admin/supporters?q=ana%40exa").await;
    assert!(
        list.contains("ana@example.org") && list.contains("subscribed"),
        "{list}"
    );
    let viewer = app.admin(Role::Viewer).await;
    let counts = viewer.page("/admin/supporters?q=ana").await;
    assert!(
        !counts.contains("ana@example.org"),
        "a viewer sees counts, not people"
    );
    assert_eq!(
        viewer
            .post("/admin/supporters/import", &[("csv", csv)])
            .await
            .status()
            .as_u16(),
        403
    );
}
