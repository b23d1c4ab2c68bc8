//! The signature list, its search and paging, the held signatures and their release, through
//! HTTP.

use super::Admin;
use crate::batches::{add_signatures, count};
use crate::helpers::{spawn_app, TestApp};
use diesel::prelude::*;
use diesel::sql_types::Text;
use undersign::organizers::Role;

/// The signer names in the order a list page shows them.
fn names_on(page: &str) -> Vec<String> {
    page.split("<tr>\n<td>")
        .skip(1)
        .map(|row| row[..row.find('<').unwrap()].to_string())
        .collect()
}

/// The `rel="next"` link of `page`, unescaped.
fn next_link(page: &str) -> Option<String> {
    let end = page.find("\" rel=\"next\"")?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(page[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

/// Every name, following the pages from `first`; and how many pages that took.
async fn all_pages(admin: &Admin, first: &str) -> (Vec<String>, usize) {
    let (mut names, mut pages, mut path) = (Vec::new(), 0, first.to_string());
    loop {
        let response = admin.get(&path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let page = response.text().await.unwrap();
        names.extend(names_on(&page));
        pages += 1;
        match next_link(&page) {
            Some(next) => path = next,
            None => return (names, pages),
        }
    }
}

fn names_in_order(app: &TestApp, order: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    diesel::sql_query(format!("SELECT name FROM signatures ORDER BY {order}"))
        .load::<Name>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

#[actix_web::test]
async fn paging_returns_every_signature_exactly_once_in_order() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    add_signatures(&app, &slug, 1, 60, true);
    add_signatures(&app, &slug, 61, 60, false);
    let viewer = app.admin(Role::Viewer).await;

    let (all, pages) = all_pages(&viewer, &format!("/admin/campaigns/{slug}/signatures")).await;
    assert_eq!(pages, 3, "120 signatures, 50 a page");
    assert_eq!(
        all,
        names_in_order(&app, "id DESC"),
        "newest first, each once"
    );

    let (found, pages) = all_pages(
        &viewer,
        &format!("/admin/campaigns/{slug}/signatures?q=sIGNER"),
    )
    .await;
    assert_eq!(pages, 3);
    assert_eq!(
        found,
        names_in_order(&app, "lower(name COLLATE \"und-x-icu\") COLLATE \"C\", id"),
        "a name search pages in name order, each once"
    );

    let broken = viewer
        .get(&format!(
            "/admin/campaigns/{slug}/signatures?after=not-a-cursor"
        ))
        .await;
    assert_eq!(broken.status().as_u16(), 422);
}

#[actix_web::test]
async fn search_finds_by_the_start_of_a_name_and_editors_by_e_mail() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    add_signatures(&app, &slug, 1, 30, true);
    app.sign(&slug, "Ćiro Babić", "Ciro.Babic@Example.net")
        .await;
    let editor = app.admin(Role::Editor).await;
    let viewer = app.admin(Role::Viewer).await;
    let search = |q: &str| {
        format!(
            "/admin/campaigns/{slug}/signatures?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        )
    };

    let page = editor.page(&search("signer 2")).await;
    let mut expected: Vec<String> = std::iter::once(2)
        .chain(20..=29)
        .map(|i| format!("Signer {i}"))
        .collect();
    expected.sort();
    assert_eq!(names_on(&page), expected);
    let page = editor.page(&search("ćiro")).await;
    assert_eq!(names_on(&page), ["Ćiro Babić"], "any script, any case");

    let page = editor.page(&search(" ciro.babic@example.NET ")).await;
    assert_eq!(names_on(&page), ["Ćiro Babić"], "by canonical address");
    assert!(
        page.contains("Ciro.Babic<wbr>@example.net"),
        "editors see e-mails (a narrow column may wrap them at the @)"
    );

    let refused = viewer.get(&search("ciro.babic@example.net")).await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("for editors and owners"));
    assert!(names_on(&page).is_empty());
    let page = viewer.page(&search("ćiro")).await;
    assert_eq!(names_on(&page), ["Ćiro Babić"]);
    assert!(
        !page.contains("@example.net"),
        "a viewer sees no e-mail addresses"
    );
    for bad in ["ciro@", "ci\0ro", "ci\u{1b}ro", &"a".repeat(400)] {
        let response = editor.get(&search(bad)).await;
        assert_eq!(response.status().as_u16(), 422, "{bad:?}");
    }
}

/// Signs `slug` with the honeypot filled in: the submission is held.
async fn sign_as_bot(app: &TestApp, slug: &str, name: &str, email: &str) {
    let response = app
        .post_form(
            &format!("/c/{slug}/sign"),
            &[
                ("name", name),
                ("email", email),
                ("country", "HR"),
                ("website", "http://spam.example"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

fn held_id(app: &TestApp, email: &str) -> String {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    diesel::sql_query(
        "SELECT s.id::text AS id FROM signatures s JOIN supporters p ON p.id = s.supporter_id \
         WHERE p.email_canonical = $1 AND s.state = 'held'",
    )
    .bind::<Text, _>(email)
    .get_result::<Id>(&mut app.conn())
    .unwrap()
    .id
}

#[actix_web::test]
async fn an_editor_releases_a_held_signature_and_its_supporter_is_asked_to_confirm() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    sign_as_bot(&app, &slug, "Vesna Perić", "vesna@example.org").await;
    let id = held_id(&app, "vesna@example.org");
    let release = format!("/admin/campaigns/{slug}/signatures/{id}/release");
    let viewer = app.admin(Role::Viewer).await;
    let editor = app.admin(Role::Editor).await;

    let dashboard = viewer.page(&format!("/admin/campaigns/{slug}")).await;
    assert!(dashboard.contains("<strong>1</strong> held for review"));
    let held = viewer.page(&format!("/admin/campaigns/{slug}/held")).await;
    assert!(held.contains("held: honeypot"));
    assert!(
        !held.contains("/release\""),
        "a viewer gets no release button"
    );

    let refused = viewer.post(&release, &[]).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM signatures WHERE state = 'held'"
        ),
        1,
        "a viewer changes nothing"
    );

    let held = editor.page(&format!("/admin/campaigns/{slug}/held")).await;
    assert!(held.contains(&format!("action=\"{release}\"")));
    let response = editor.post(&release, &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let back = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(back, format!("/admin/campaigns/{slug}/held?done=mailed"));
    assert!(
        editor
            .page(&back)
            .await
            .contains("the supporter has been sent a confirmation e-mail"),
        "the organizer is told what the release did"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM signatures WHERE state = 'counted' AND confirmed_at IS NULL"
        ),
        1,
        "released: waiting for its supporter"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'release'"
        ),
        1
    );
    app.drain().await;
    let mail = app.smtp.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].rcpt_to, ["vesna@example.org"]);
    assert_eq!(app.confirm_from(&mail[0]).await.status().as_u16(), 200);
    let dashboard = editor.page(&format!("/admin/campaigns/{slug}")).await;
    for figure in [
        "<strong>1</strong> confirmed",
        "<strong>0</strong> waiting for confirmation",
        "<strong>0</strong> held for review",
    ] {
        assert!(dashboard.contains(figure), "{figure}");
    }
    assert_eq!(
        editor.post(&release, &[]).await.status().as_u16(),
        409,
        "released once"
    );
}

#[actix_web::test]
async fn a_signature_whose_confirmation_the_daily_cap_kept_back_is_shown_and_an_editor_sends_it() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let cap = undersign::signatures::mail_cap::MAILS_PER_MAILBOX_PER_CAMPAIGN as usize;
    for i in 0..cap {
        let email = format!("ana+{i}@example.org");
        assert_eq!(
            app.sign(&slug, "Someone", &email).await.status().as_u16(),
            303
        );
    }
    assert_eq!(
        app.sign(&slug, "Ana Petrović", "ana@example.org")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.outbox_total(),
        cap as i64,
        "the cap kept the last one back"
    );
    let editor = app.admin(Role::Editor).await;

    let dashboard = editor.page(&format!("/admin/campaigns/{slug}")).await;
    assert!(
        dashboard.contains("1 of them sent no e-mail"),
        "the dashboard says one waits without an e-mail"
    );
    let held = editor.page(&format!("/admin/campaigns/{slug}/held")).await;
    assert_eq!(names_on(&held), ["Ana Petrović"]);
    assert!(held.contains("no confirmation e-mail sent"));
    let id: uuid::Uuid = {
        use undersign::db::schema::{signatures, supporters};
        signatures::table
            .inner_join(supporters::table)
            .filter(supporters::email.eq("ana@example.org"))
            .select(signatures::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let release = format!("/admin/campaigns/{slug}/signatures/{id}/release");
    assert!(held.contains(&format!("action=\"{release}\"")));

    let response = editor.post(&release, &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    let back = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("/admin/campaigns/{slug}/held?done=confirmation-sent")
    );
    let held = editor.page(&back).await;
    assert!(held.contains("the supporter has been sent a confirmation e-mail"));
    assert!(
        names_on(&held).is_empty(),
        "nothing waits without an e-mail any more"
    );
    app.drain().await;
    let to_ana: Vec<_> = app
        .smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to == ["ana@example.org"])
        .collect();
    assert_eq!(to_ana.len(), 1);
    assert_eq!(app.confirm_from(&to_ana[0]).await.status().as_u16(), 200);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM signatures WHERE confirmed_at IS NOT NULL"
        ),
        1
    );
}

#[actix_web::test]
async fn a_held_signature_of_a_supporter_who_already_signed_is_not_released() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Vesna Perić", "vesna@example.org").await;
    sign_as_bot(&app, &slug, "Vesna P.", "Vesna@Example.org").await;
    let id = held_id(&app, "vesna@example.org");
    let editor = app.admin(Role::Editor).await;
    let before = app.table_fingerprint("signatures");

    let response = editor
        .post(
            &format!("/admin/campaigns/{slug}/signatures/{id}/release"),
            &[],
        )
        .await;

    assert_eq!(response.status().as_u16(), 409);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("already has a signature in this campaign"));
    assert_eq!(
        app.table_fingerprint("signatures"),
        before,
        "nothing changed"
    );
}

#[actix_web::test]
async fn signer_names_and_comments_are_escaped_on_every_signature_page() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let payload = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    diesel::sql_query(
        "WITH p AS (INSERT INTO supporters (id, email, email_canonical) \
                    VALUES (gen_random_uuid(), 'x@example.org', 'x@example.org') RETURNING id) \
         INSERT INTO signatures (id, campaign_id, supporter_id, name, country, comment, state, held_reason) \
         SELECT gen_random_uuid(), c.id, p.id, $1, 'HR', $1, 'held', 'honeypot' \
         FROM campaigns c, p",
    )
    .bind::<Text, _>(payload)
    .execute(&mut app.conn())
    .unwrap();
    let editor = app.admin(Role::Editor).await;

    for path in ["", "/signatures", "/signatures?q=%3Cscript", "/held"] {
        let page = editor.page(&format!("/admin/campaigns/{slug}{path}")).await;
        assert!(
            page.contains("&#60;script&#62;alert(1)"),
            "{path} shows the name"
        );
        assert!(!page.contains("<script>"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
    }
}
