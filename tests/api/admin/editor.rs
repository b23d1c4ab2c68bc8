//! Creating a campaign from a pasted or uploaded letter and editing every part of it,
//! through HTTP.

use super::Admin;
use crate::helpers::{spawn_app, TestApp, RIVER_COMMONS};
use undersign::campaigns::{self, Campaign};
use undersign::organizers::Role;

impl TestApp {
    /// The campaign behind `slug` as stored now.
    pub fn stored_campaign(&self, slug: &str) -> Campaign {
        campaigns::find_by_slug(&mut self.conn(), slug)
            .unwrap()
            .expect("the campaign exists")
    }
}

/// The editor's form for `c` exactly as stored, as (field, value) pairs to change and send.
pub fn form_of(c: &Campaign) -> Vec<(String, String)> {
    let row = &c.row;
    let mut f: Vec<(String, String)> = vec![
        ("title".into(), row.title.clone()),
        ("headline".into(), row.headline.clone().unwrap_or_default()),
        ("intro".into(), row.intro.clone().unwrap_or_default()),
        ("slug".into(), row.slug.clone()),
        (
            "goal".into(),
            row.goal.map(|g| g.to_string()).unwrap_or_default(),
        ),
        ("delivery".into(), row.delivery.to_string()),
        (
            "delivery_window".into(),
            row.delivery_window
                .as_ref()
                .map(|w| w.to_string())
                .unwrap_or_default(),
        ),
        (
            "delivery_min".into(),
            row.delivery_min.map(|n| n.to_string()).unwrap_or_default(),
        ),
        ("reply_to".into(), row.reply_to.clone().unwrap_or_default()),
        (
            "organisation".into(),
            row.organisation.clone().unwrap_or_default(),
        ),
        (
            "privacy_url".into(),
            row.privacy_url.clone().unwrap_or_default(),
        ),
        ("revision".into(), row.revision.to_string()),
        (
            "letter_date".into(),
            row.letter_date.clone().unwrap_or_default(),
        ),
        (
            "recipients".into(),
            undersign::domain::letter::blocks::recipients_text(&c.recipients),
        ),
        ("subject".into(), row.subject.clone().unwrap_or_default()),
        (
            "salutation".into(),
            row.salutation.clone().unwrap_or_default(),
        ),
        ("body".into(), row.body.clone()),
        ("closing".into(), row.closing.clone().unwrap_or_default()),
        (
            "signer".into(),
            c.signer
                .as_ref()
                .map(undersign::domain::letter::blocks::signer_text)
                .unwrap_or_default(),
        ),
        ("cc".into(), c.cc.join("\n")),
    ];
    if row.public_log {
        f.push(("public_log".into(), "yes".into()));
    }
    if row.include_postcode {
        f.push(("include_postcode".into(), "yes".into()));
    }
    for (i, ask) in c.asks.iter().enumerate() {
        let n = i + 1;
        f.push((format!("ask-{n}-text"), ask.clone()));
        f.push((format!("ask-{n}-position"), n.to_string()));
    }
    for (i, t) in c.targets.iter().enumerate() {
        let n = i + 1;
        f.push((format!("target-{n}-id"), t.id.to_string()));
        f.push((format!("target-{n}-name"), t.name.clone()));
        f.push((
            format!("target-{n}-title"),
            t.title.clone().unwrap_or_default(),
        ));
        f.push((format!("target-{n}-email"), t.email.clone()));
        f.push((
            format!("target-{n}-timezone"),
            t.timezone.clone().unwrap_or_default(),
        ));
    }
    f
}

/// `form` with `field` set to `value` (added when absent).
pub fn with(mut form: Vec<(String, String)>, field: &str, value: &str) -> Vec<(String, String)> {
    match form.iter_mut().find(|(f, _)| f == field) {
        Some(pair) => pair.1 = value.to_string(),
        None => form.push((field.to_string(), value.to_string())),
    }
    form
}

impl Admin {
    /// Posts `form` (with the session's token) to the editor of `slug`.
    pub async fn save(&self, slug: &str, form: &[(String, String)]) -> reqwest::Response {
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(f, v)| (f.as_str(), v.as_str())).collect();
        self.post(&format!("/admin/campaigns/{slug}/edit"), &fields)
            .await
    }

    /// Uploads `file` as `letter_file` in a multipart form.
    pub async fn upload_letter(&self, file: &str) -> reqwest::Response {
        let boundary = "----undersign-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"letter\"\r\n\r\n\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"letter_file\"; filename=\"letter.md\"\r\nContent-Type: text/markdown\r\n\r\n{file}\r\n\
             --{boundary}--\r\n",
            self.csrf_token
        );
        self.client
            .post(format!("{}/admin/campaigns", self.address))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[actix_web::test]
async fn a_pasted_letter_becomes_a_draft_that_opens_in_the_editor_beside_its_text() {
    let app = spawn_app().await;
    let editor = app.admin(Role::Editor).await;

    let response = editor
        .post("/admin/campaigns", &[("letter", RIVER_COMMONS)])
        .await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/admin/campaigns/stop-the-dam/edit");
    let c = app.stored_campaign("stop-the-dam");
    assert_eq!(c.row.status.as_str(), "draft");
    assert_eq!(c.asks.len(), 4);
    assert_eq!(c.targets[0].email, "minister@energy.example");
    assert_eq!(app.audit_actions(), vec!["create"]);
    let page = editor.get(location(&response)).await;
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    for expected in [
        "name=\"title\"",
        "value=\"stop-the-dam\"",
        "id=\"ask-4-text\"",
        "id=\"ask-7-text\"",
        "value=\"Marta Kovač\"",
        "id=\"target-2-name\"",
        "value=\"daily 09:00 Europe/Brussels\"",
        "Next delivery: ",
        "Download the letter as a PDF",
    ] {
        assert!(page.contains(expected), "the editor shows {expected:?}");
    }
}

#[actix_web::test]
async fn an_uploaded_letter_file_becomes_a_draft_the_same_way() {
    let app = spawn_app().await;
    let editor = app.admin(Role::Editor).await;

    let response = editor.upload_letter(RIVER_COMMONS).await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/admin/campaigns/stop-the-dam/edit");
    assert_eq!(app.stored_campaign("stop-the-dam").asks.len(), 4);
}

#[actix_web::test]
async fn a_letter_that_cannot_be_used_comes_back_with_its_reason_and_nothing_is_stored() {
    let app = spawn_app().await;
    app.import(
        "+++\nslug = \"taken\"\n+++\nDear Minister,\n\nPlease act.\n",
        false,
    )
    .await;
    let editor = app.admin(Role::Editor).await;
    let before = app.campaign_count();
    let many_asks = format!(
        "Dear Minister,\n\nWe ask that you:\n\n{}\nRegards,\nAna",
        "- stop\n".repeat(20_000)
    );
    for (letter, reason) in [
        ("   ", "Paste the letter, or choose its file."),
        (
            "+++\nslug = \"x\"\nDear Minister,",
            "The front matter opened by +++ on line 1 is never closed",
        ),
        (
            "+++\ngoal = -5\n+++\nDear Minister,",
            "Goal: Write the goal as a whole number of signatures from 1",
        ),
        (
            "+++\n[[targets]]\nname = \"Jane\"\nemail = \"jane@localhost\"\n+++\nDear Minister,",
            "Target &#34;Jane&#34;",
        ),
        (
            "+++\nslug = \"taken\"\n+++\nDear Minister, <b>now</b>",
            "A campaign with the slug &#34;taken&#34; already exists: change `slug`",
        ),
        ("Dear Minister,\0", "This is not plain text"),
        (
            "+++\ntitle = \"Stop\\u0000the dam\"\n+++\nDear Minister,",
            "writes a control character (such as \\u0000) in a setting",
        ),
        (
            &many_asks,
            "The letter has 20000 asks; a letter may have at most 100",
        ),
    ] {
        let response = editor.post("/admin/campaigns", &[("letter", letter)]).await;

        let shown: String = letter.chars().take(80).collect();
        assert_eq!(response.status().as_u16(), 422, "{shown:?}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains(reason),
            "{shown:?} is refused with {reason:?}"
        );
        assert!(
            page.contains("href=\"#letter\""),
            "the summary links the field"
        );
        assert!(page.contains("aria-describedby=\"letter-error\""));
        if letter.contains("<b>") {
            assert!(
                page.contains("Dear Minister, &#60;b&#62;now&#60;/b&#62;</textarea>"),
                "the pasted text is kept, escaped"
            );
        }
    }
    assert_eq!(app.campaign_count(), before, "nothing was stored");
}

#[actix_web::test]
async fn a_viewer_is_refused_creating_and_editing_by_the_server() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let viewer = app.admin(Role::Viewer).await;
    let before = app.stored_campaign(&slug);

    for path in [
        "/admin/campaigns/new".to_string(),
        format!("/admin/campaigns/{slug}/edit"),
    ] {
        assert_eq!(viewer.get(&path).await.status().as_u16(), 403, "{path}");
    }
    let created = viewer
        .post(
            "/admin/campaigns",
            &[("letter", "Dear Minister,\n\nPlease.")],
        )
        .await;
    assert_eq!(created.status().as_u16(), 403);
    let edited = viewer
        .save(&slug, &with(form_of(&before), "title", "Changed"))
        .await;
    assert_eq!(edited.status().as_u16(), 403);

    assert_eq!(app.campaign_count(), 1);
    assert_eq!(app.stored_campaign(&slug).row.title, before.row.title);
}

#[actix_web::test]
async fn asks_are_reordered_removed_and_added_and_stay_so() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);
    let (first, second, third, fourth) = (&c.asks[0], &c.asks[1], &c.asks[2], &c.asks[3]);

    let mut form = with(form_of(&c), "ask-1-position", "4");
    form = with(form, "ask-4-position", "1");
    form = with(form, "ask-2-remove", "yes");
    form = with(form, "ask-5-text", "Answer within 30 days.");
    form = with(form, "ask-5-position", "");
    let response = editor.save(&slug, &form).await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/admin/campaigns/{slug}/edit?saved")
    );
    let asks = app.stored_campaign(&slug).asks;
    assert_eq!(
        asks,
        vec![
            fourth.clone(),
            third.clone(),
            first.clone(),
            "Answer within 30 days.".to_string()
        ]
    );
    assert!(!asks.contains(second));
    let page = editor.get(location(&response)).await.text().await.unwrap();
    assert!(page.contains("Your changes are saved."));
    assert!(app.audit_actions().contains(&"edit".to_string()));
}

#[actix_web::test]
async fn every_part_is_saved_and_a_new_target_on_a_live_campaign_shows_at_once() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let editor = app.admin(Role::Editor).await;
    let public = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(!public.contains("Ilir Deda, Governor"));
    let c = app.stored_campaign(&slug);

    let mut form = form_of(&c);
    for (field, value) in [
        ("title", "Halt the Varna dam"),
        ("headline", "No dam before the hearings"),
        ("intro", "Line one.\r\n\r\nLine two."),
        ("goal", "7500"),
        ("closes_at", "2099-03-01T17:00"),
        ("delivery", "weekly MON 10:00 utc"),
        ("delivery_window", "mon-fri 09:00-17:00"),
        ("delivery_min", "25"),
        ("reply_to", "campaigns@rivercommons.example"),
        ("public_log", "yes"),
        ("target-2-name", "Ilir Deda"),
        ("target-2-title", "Governor"),
        ("target-2-email", "governor@north.example"),
        ("target-2-timezone", "europe/tirane"),
    ] {
        form = with(form, field, value);
    }
    let response = editor.save(&slug, &form).await;

    assert_eq!(response.status().as_u16(), 303);
    let saved = app.stored_campaign(&slug);
    assert_eq!(saved.row.title, "Halt the Varna dam");
    assert_eq!(
        saved.row.headline.as_deref(),
        Some("No dam before the hearings")
    );
    assert_eq!(saved.row.intro.as_deref(), Some("Line one.\n\nLine two."));
    assert_eq!(saved.row.goal, Some(7500));
    assert_eq!(
        saved.row.closes_at.unwrap().to_rfc3339(),
        "2099-03-01T17:00:00+00:00"
    );
    assert_eq!(saved.row.delivery.to_string(), "weekly mon 10:00 UTC");
    assert_eq!(
        saved
            .row
            .delivery_window
            .as_ref()
            .map(|w| w.to_string())
            .as_deref(),
        Some("mon,tue,wed,thu,fri 09:00-17:00")
    );
    assert_eq!(saved.row.delivery_min, Some(25));
    assert_eq!(
        saved.row.reply_to.as_deref(),
        Some("campaigns@rivercommons.example")
    );
    assert!(saved.row.public_log);
    assert_eq!(saved.targets.len(), 2);
    assert_eq!(saved.targets[0].id, c.targets[0].id, "kept in place");
    assert_eq!(saved.targets[1].timezone.as_deref(), Some("Europe/Tirane"));
    let public = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(
        public.contains("<strong>Ilir Deda</strong>, Governor"),
        "the public page shows the new target at once"
    );
}

#[actix_web::test]
async fn each_field_that_needs_fixing_gets_its_message_and_every_value_is_kept() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);
    let before = app.table_fingerprint("campaigns") + app.table_fingerprint("asks");
    for (field, value, message) in [
        ("title", " ", "Give the campaign a title."),
        ("title", "Tab\there", "control character"),
        ("headline", &"h".repeat(301), "Use at most 300 characters."),
        ("slug", "Stop The Dam", "Use only lower-case letters"),
        ("goal", "lots", "Write the goal as a whole number"),
        (
            "closes_at",
            "2001-01-01T00:00",
            "This time has already passed.",
        ),
        ("closes_at", "next week", "Write the closing time as a date"),
        (
            "delivery",
            "hourly",
            "&#34;hourly&#34; is not a delivery schedule",
        ),
        (
            "delivery_window",
            "weekends",
            "Write the window as days and hours",
        ),
        (
            "delivery_min",
            "0",
            "Write the smallest batch as a whole number",
        ),
        (
            "reply_to",
            "not an address",
            "Write the Reply-To as one e-mail address",
        ),
        ("ask-2-position", "second", "Write the position as a number"),
        (
            "ask-3-text",
            "Bidi \u{202E}trick",
            "change the direction of the text",
        ),
        ("target-1-name", "", "Give the target&#39;s name."),
        (
            "target-1-email",
            "minister@[127.0.0.1]",
            "Write the target&#39;s e-mail address",
        ),
        (
            "target-1-timezone",
            "Mars/Olympus",
            "is not a known time zone",
        ),
    ] {
        let form = with(with(form_of(&c), "title", "Kept title <i>"), field, value);

        let response = editor.save(&slug, &form).await;

        assert_eq!(response.status().as_u16(), 422, "{field} = {value:?}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains(message),
            "{field} = {value:?} says {message:?}"
        );
        assert!(
            page.contains(&format!("<a href=\"#{field}\">")),
            "{field} in the summary"
        );
        assert!(
            attribute(&page, field, "aria-describedby")
                .unwrap_or_default()
                .split(' ')
                .any(|id| id == format!("{field}-error")),
            "{field} is described by its message"
        );
        assert_eq!(
            attribute(&page, field, "aria-invalid").as_deref(),
            Some("true")
        );
        assert!(page.contains("<title>Error: "));
        assert_eq!(
            kept_value(&page, field),
            escaped(value),
            "{field} keeps what was written"
        );
        if field != "title" {
            assert_eq!(
                kept_value(&page, "title"),
                "Kept title &#60;i&#62;",
                "other values are kept"
            );
        }
        if field != "target-1-email" {
            assert_eq!(
                kept_value(&page, "target-1-email"),
                "minister@energy.example"
            );
        }
    }
    assert_eq!(
        app.table_fingerprint("campaigns") + app.table_fingerprint("asks"),
        before,
        "nothing was stored"
    );
}

#[actix_web::test]
async fn a_slug_another_campaign_has_is_refused_at_the_slug_field() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    app.import(
        "+++\nslug = \"other\"\n+++\nDear Minister,\n\nPlease.\n",
        false,
    )
    .await;
    let editor = app.admin(Role::Editor).await;
    let form = with(form_of(&app.stored_campaign(&slug)), "slug", "other");

    let response = editor.save(&slug, &form).await;

    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(
        "<span class=\"field-error\" id=\"slug-error\">Another campaign already uses this address. Choose another.</span>"
    ));
    assert!(page.contains("value=\"other\""));
    assert_eq!(app.stored_campaign(&slug).row.slug, slug);
}

#[actix_web::test]
async fn a_save_from_an_editor_opened_before_another_save_is_refused_with_the_values_kept() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let (first, second) = (app.admin(Role::Editor).await, app.admin(Role::Owner).await);
    // Both open the editor on the same revision.
    let opened = form_of(&app.stored_campaign(&slug));
    let first_save = first
        .save(&slug, &with(opened.clone(), "title", "Halt the dam now"))
        .await;
    assert_eq!(first_save.status().as_u16(), 303);

    let late = second
        .save(&slug, &with(opened, "title", "Stop the Varna Gorge dam"))
        .await;

    assert_eq!(late.status().as_u16(), 409);
    let page = late.text().await.unwrap();
    assert!(page.contains("Someone saved this campaign after you opened it"));
    assert!(
        page.contains("href=\"#revision\""),
        "the summary leads to the message"
    );
    assert!(
        page.contains("value=\"Stop the Varna Gorge dam\""),
        "the values are kept"
    );
    assert_eq!(
        app.stored_campaign(&slug).row.title,
        "Halt the dam now",
        "nothing undone"
    );

    // Saving again from the re-shown form is a deliberate choice, and it is taken.
    let marker = "name=\"revision\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let current = &page[start..][..page[start..].find('"').unwrap()];
    let again = with(
        with(
            form_of(&app.stored_campaign(&slug)),
            "title",
            "Stop the Varna Gorge dam",
        ),
        "revision",
        current,
    );
    assert_eq!(second.save(&slug, &again).await.status().as_u16(), 303);
    assert_eq!(
        app.stored_campaign(&slug).row.title,
        "Stop the Varna Gorge dam"
    );
}

#[actix_web::test]
async fn an_archived_campaign_cannot_be_edited() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let form = form_of(&app.stored_campaign(&slug));
    let archive = editor
        .post(&format!("/admin/campaigns/{slug}/archive"), &[])
        .await;
    assert_eq!(archive.status().as_u16(), 303);

    let edit = format!("/admin/campaigns/{slug}/edit");
    assert_eq!(editor.get(&edit).await.status().as_u16(), 409);
    assert_eq!(
        editor
            .save(&slug, &with(form, "title", "New"))
            .await
            .status()
            .as_u16(),
        409
    );
}

/// I5: what an organizer types, in any field, is text on every admin page and the preview.
#[actix_web::test]
async fn markup_typed_into_any_field_is_shown_as_text_in_the_editor_preview_and_dashboard() {
    let app = spawn_app().await;
    let editor = app.admin(Role::Editor).await;
    const PAYLOADS: [&str; 3] = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "</textarea><b>bold</b>{{7*7}}",
    ];
    let letter = format!(
        "+++\nslug = \"xss\"\n[[targets]]\nname = \"T\"\nemail = \"t@example.org\"\n+++\nDear Minister,\n\n{}\n",
        PAYLOADS.join("\n\n")
    );
    let created = editor
        .post("/admin/campaigns", &[("letter", &letter)])
        .await;
    assert_eq!(created.status().as_u16(), 303);
    let mut form = form_of(&app.stored_campaign("xss"));
    for (i, field) in [
        "title",
        "headline",
        "intro",
        "ask-1-text",
        "target-1-name",
        "target-1-title",
    ]
    .iter()
    .enumerate()
    {
        form = with(form, field, &format!("{} {}", PAYLOADS[i % 3], i));
    }
    assert_eq!(editor.save("xss", &form).await.status().as_u16(), 303);

    for path in [
        "/admin",
        "/admin/campaigns/xss",
        "/admin/campaigns/xss/edit",
        "/admin/campaigns/xss/preview",
        "/admin/campaigns/xss/preview/messages",
    ] {
        let response = editor.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let page = response.text().await.unwrap();
        for raw in ["<script>", "<img src=x", "<b>bold</b>", "</textarea><b>"] {
            assert!(!page.contains(raw), "{path} carries {raw:?} unescaped");
        }
    }
    let edit = editor
        .get("/admin/campaigns/xss/edit")
        .await
        .text()
        .await
        .unwrap();
    assert!(edit.contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62; 0\""));
    assert!(edit.contains("&#60;/textarea&#62;&#60;b&#62;bold&#60;/b&#62;{{7*7}} 2</textarea>"));
}

#[actix_web::test]
async fn a_target_that_was_sent_signatures_stays_and_the_remove_box_says_why() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    crate::batches::add_signatures(&app, &slug, 1, 2, true);
    let editor = app.admin(Role::Editor).await;
    let sent = editor
        .post(&format!("/admin/campaigns/{slug}/deliver-now"), &[])
        .await;
    assert_eq!(sent.status().as_u16(), 303);
    let c = app.stored_campaign(&slug);

    let response = editor
        .save(&slug, &with(form_of(&c), "target-1-remove", "yes"))
        .await;

    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(
        "<span class=\"field-error\" id=\"target-1-remove-error\">Marta Kovač has already been sent signatures"
    ));
    assert!(page.contains("<a href=\"#target-1-remove\">"));
    assert_eq!(
        app.stored_campaign(&slug).targets.len(),
        1,
        "the target stays"
    );
}

#[actix_web::test]
async fn an_uploaded_file_that_is_not_text_is_refused_at_the_file_field() {
    let app = spawn_app().await;
    let editor = app.admin(Role::Editor).await;

    let response = editor.upload_letter("Dear Minister,\u{FFFD}\u{0}").await;

    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"letter_file-error\">This is not plain text"));
    assert_eq!(app.campaign_count(), 0);
}

#[actix_web::test]
async fn the_address_of_the_new_campaign_page_is_not_given_to_a_campaign() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;

    let edited = editor
        .save(
            &slug,
            &with(form_of(&app.stored_campaign(&slug)), "slug", "new"),
        )
        .await;
    let created = editor
        .post(
            "/admin/campaigns",
            &[("letter", "+++\ntitle = \"New\"\n+++\nDear Minister,\n")],
        )
        .await;

    assert_eq!(edited.status().as_u16(), 422);
    assert!(edited
        .text()
        .await
        .unwrap()
        .contains("id=\"slug-error\">This address is reserved"));
    assert_eq!(created.status().as_u16(), 303);
    assert_eq!(
        created.headers()["location"],
        "/admin/campaigns/new-2/edit",
        "a title that would make it gets the next free address"
    );
}

#[actix_web::test]
async fn a_save_is_audited_with_each_changed_part_before_and_after_and_a_target_address_change() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);
    let old_goal = c.row.goal.expect("the letter sets a goal").to_string();

    let mut form = with(form_of(&c), "goal", "7500");
    form = with(form, "target-1-email", "minister.office@energy.example");
    assert_eq!(editor.save(&slug, &form).await.status().as_u16(), 303);

    #[derive(diesel::QueryableByName)]
    struct Detail {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        detail: serde_json::Value,
    }
    let row: Detail = diesel::RunQueryDsl::get_result(
        diesel::sql_query("SELECT detail FROM audit_log WHERE action = 'edit'"),
        &mut app.conn(),
    )
    .unwrap();
    let changed = &row.detail["changed"];
    assert_eq!(changed["goal"]["before"].to_string(), old_goal, "{changed}");
    assert_eq!(changed["goal"]["after"], 7500, "{changed}");
    assert_eq!(
        changed["targets"]["after"][0]["email"], "minister.office@energy.example",
        "{changed}"
    );
    assert_eq!(
        changed["targets"]["before"][0]["email"],
        "minister@energy.example"
    );
    assert!(
        changed.get("title").is_none(),
        "only what changed: {changed}"
    );
    let owner = app.admin(Role::Owner).await;
    let audit = owner.page("/admin/audit").await;
    assert!(
        audit.contains(&format!("goal from {old_goal} to 7500")),
        "{audit}"
    );
}

#[actix_web::test]
async fn the_organisation_privacy_notice_and_postcode_question_are_set_in_the_editor() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, true).await;
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);

    let mut form = with(form_of(&c), "organisation", "Friends of the Varna");
    form = with(form, "privacy_url", "https://varna.example/privacy");
    form.push(("include_postcode".into(), "yes".into()));
    assert_eq!(editor.save(&slug, &form).await.status().as_u16(), 303);

    let row = app.stored_campaign(&slug).row;
    assert_eq!(row.organisation.as_deref(), Some("Friends of the Varna"));
    assert_eq!(
        row.privacy_url.as_deref(),
        Some("https://varna.example/privacy")
    );
    assert!(row.include_postcode);
    let page = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;
    assert!(page.contains("value=\"Friends of the Varna\""), "{page}");
    assert!(page.contains(
        "id=\"include_postcode\" name=\"include_postcode\" type=\"checkbox\" value=\"yes\" checked"
    ));

    let bad = with(
        form_of(&app.stored_campaign(&slug)),
        "privacy_url",
        "javascript:alert(1)",
    );
    let refused = editor.save(&slug, &bad).await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Write the privacy notice&#39;s web address"),
        "{page}"
    );
    assert!(
        page.contains("value=\"javascript:alert(1)\""),
        "the value is kept"
    );
    assert_eq!(
        app.stored_campaign(&slug).row.privacy_url.as_deref(),
        Some("https://varna.example/privacy"),
        "nothing changed"
    );
}

#[actix_web::test]
async fn the_letters_recipients_are_proposed_as_targets_and_saved_once_given_an_address() {
    let app = spawn_app().await;
    let letter = format!(
        "+++\nslug = \"salmon\"\n+++\n{}",
        include_str!("../../fixtures/letters/three-recipients-cc.txt")
    );
    let slug = app.import(&letter, false).await;
    let editor = app.admin(Role::Editor).await;

    let page = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;

    assert!(page.contains("Proposed target 1"), "{page}");
    assert!(page.contains("value=\"Senator Rosa Delgado\""), "{page}");
    assert!(page.contains("value=\"Chair, Senate Committee on Natural Resources\""));
    assert!(page.contains("value=\"Director Janet Morales\""));
    let proposed = |email: &str| {
        let mut form = form_of(&app.stored_campaign(&slug));
        for (field, value) in [
            ("target-1-id", ""),
            ("target-1-name", "Senator Rosa Delgado"),
            (
                "target-1-title",
                "Chair, Senate Committee on Natural Resources",
            ),
            ("target-1-email", email),
            ("target-1-proposed", "yes"),
        ] {
            form.push((field.to_string(), value.to_string()));
        }
        form
    };
    let untouched = editor.save(&slug, &proposed("")).await;
    assert_eq!(
        untouched.status().as_u16(),
        303,
        "a proposal left alone is not an error"
    );
    assert!(app.stored_campaign(&slug).targets.is_empty());

    let taken = editor
        .save(&slug, &proposed("rosa.delgado@senate.example"))
        .await;
    assert_eq!(taken.status().as_u16(), 303);
    let targets = app.stored_campaign(&slug).targets;
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].name, "Senator Rosa Delgado");
    assert_eq!(targets[0].email, "rosa.delgado@senate.example");
    let page = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;
    assert!(
        !page.contains("Proposed target"),
        "no more proposals once it has a target"
    );
}

#[actix_web::test]
async fn the_letters_parts_are_corrected_in_the_editor_and_the_page_and_the_officials_see_the_correction(
) {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);

    let mut form = with(
        form_of(&c),
        "signer",
        "Ana Petrović\nCampaigns Director\nRiver Commons\nana@rivercommons.example",
    );
    form = with(form, "subject", "Postpone the Varna Gorge licensing vote");
    form = with(
        form,
        "cc",
        "Parliamentary Committee on Energy\nOmbudsperson",
    );
    let body = format!("{}\n\nWe thank you for your time.", c.row.body);
    form = with(form, "body", &body);
    assert_eq!(editor.save(&slug, &form).await.status().as_u16(), 303);

    let stored = app.stored_campaign(&slug);
    let signer = stored.signer.clone().expect("a signer");
    assert_eq!(signer.contact, ["ana@rivercommons.example"]);
    assert_eq!(signer.organisation.as_deref(), Some("River Commons"));
    assert_eq!(
        stored.row.subject.as_deref(),
        Some("Postpone the Varna Gorge licensing vote")
    );
    assert_eq!(
        stored.cc,
        ["Parliamentary Committee on Energy", "Ombudsperson"]
    );
    assert_eq!(stored.row.body, body);
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(
        page.contains("We thank you for your time."),
        "the page shows the correction"
    );
    assert!(page.contains("cc: Parliamentary Committee on Energy, Ombudsperson"));
    assert!(page.contains("Re: Postpone the Varna Gorge licensing vote"));
    let edit = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;
    let saved = &edit[edit
        .find("The letter as saved")
        .expect("the saved letter beside the form")..];
    assert!(
        saved.contains("We thank you for your time."),
        "the letter beside the form is the saved one"
    );

    let emptied = with(form_of(&stored), "body", "  ");
    let refused = editor.save(&slug, &emptied).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("The letter needs its text."));
    let nul = with(form_of(&stored), "salutation", "Dear\u{0}Minister");
    assert_eq!(editor.save(&slug, &nul).await.status().as_u16(), 422);
    assert_eq!(app.stored_campaign(&slug).row.body, body, "nothing changed");
}

#[actix_web::test]
async fn the_closing_time_is_written_and_shown_in_the_organizers_time_zone() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let page = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;
    assert!(
        page.contains(
            "name=\"closes_at_zone\" type=\"text\" spellcheck=\"false\" value=\"Europe/Brussels\""
        ),
        "the schedule's zone to start with"
    );

    let mut form = with(
        form_of(&app.stored_campaign(&slug)),
        "closes_at",
        "2030-03-01T17:00",
    );
    form.push(("closes_at_zone".into(), "Europe/Brussels".into()));
    assert_eq!(editor.save(&slug, &form).await.status().as_u16(), 303);

    let stored = app
        .stored_campaign(&slug)
        .row
        .closes_at
        .expect("a closing time");
    assert_eq!(
        stored.to_rfc3339(),
        "2030-03-01T16:00:00+00:00",
        "17:00 in Brussels is 16:00 UTC in winter"
    );
    let page = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;
    assert!(
        page.contains("value=\"2030-03-01T17:00\""),
        "shown again in the organizer's zone"
    );

    let mut bad = with(
        form_of(&app.stored_campaign(&slug)),
        "closes_at",
        "2030-03-01T17:00",
    );
    bad.push(("closes_at_zone".into(), "Mars/Olympus".into()));
    let refused = editor.save(&slug, &bad).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Write the time zone by its name"));
}

/// The opening tag of the form control whose id is `id`.
fn control<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!(" id=\"{id}\"");
    let at = page
        .find(&format!("<input{marker}"))
        .or_else(|| page.find(&format!("<textarea{marker}")))
        .or_else(|| page.find(&format!("<select{marker}")))
        .unwrap_or_else(|| panic!("no control with id {id}"));
    let end = at + page[at..].find('>').expect("the tag ends");
    &page[at..=end]
}

/// An attribute of the control `id`, as written in the page.
fn attribute(page: &str, id: &str, name: &str) -> Option<String> {
    crate::helpers::html_attribute(control(page, id), name)
}

/// What the control `id` shows: an input's value, a textarea's text, a select's chosen option.
fn kept_value(page: &str, id: &str) -> String {
    let tag = control(page, id);
    if tag.starts_with("<textarea") {
        let at = page.find(tag).unwrap() + tag.len();
        return page[at..at + page[at..].find("</textarea>").unwrap()].to_string();
    }
    if tag.starts_with("<select") {
        let at = page.find(tag).unwrap();
        let options = &page[at..at + page[at..].find("</select>").unwrap()];
        let chosen = options.find(" selected").expect("an option is chosen");
        let open = options[..chosen].rfind("<option").unwrap();
        return crate::helpers::html_attribute(&options[open..], "value").unwrap_or_default();
    }
    attribute(page, id, "value").unwrap_or_default()
}

/// `text` as the templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[actix_web::test]
async fn a_bad_setting_is_refused_in_the_same_words_by_the_letter_file_and_by_the_editor() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);
    let dir = std::env::temp_dir().join(format!("undersign-settings-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let letter = "Dear Minister,\n\nPlease stop the dam.\n";
    // (front matter line, editor field, editor value): the same bad value through each door.
    let table = [
        ("goal = 0", "goal", "0"),
        ("goal = 2000000000", "goal", "2000000000"),
        ("delivery = \"hourly\"", "delivery", "hourly"),
        (
            "delivery_window = \"weekends\"",
            "delivery_window",
            "weekends",
        ),
        ("delivery_min = 0", "delivery_min", "0"),
        ("delivery_min = 99999999999", "delivery_min", "99999999999"),
        (
            "reply_to = \"not an address\"",
            "reply_to",
            "not an address",
        ),
        (
            "privacy_url = \"javascript:alert(1)\"",
            "privacy_url",
            "javascript:alert(1)",
        ),
        (
            "privacy_url = \"https://example.org/aaaa…\"",
            "privacy_url",
            "https://example.org/aaaa…",
        ),
    ];
    for (line, field, value) in table {
        let (line, value) = if value.ends_with('…') {
            let long = format!("https://example.org/{}", "a".repeat(2000));
            (format!("privacy_url = \"{long}\""), long)
        } else {
            (line.to_string(), value.to_string())
        };
        let file = dir.join("letter.txt");
        std::fs::write(&file, format!("+++\n{line}\n+++\n{letter}")).unwrap();
        let imported = crate::cli::undersign(&app)
            .args(["campaign", "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        let (_, said_by_file) = crate::cli::text(&imported);
        assert!(!imported.status.success(), "{line} is refused");
        let words = said_by_file
            .split_once(&format!("{field}: "))
            .unwrap_or_else(|| panic!("{line}: the file's refusal names {field}: {said_by_file}"))
            .1
            .trim()
            .to_string();

        let response = editor.save(&slug, &with(form_of(&c), field, &value)).await;

        assert_eq!(response.status().as_u16(), 422, "{field} = {value:?}");
        let page = response.text().await.unwrap();
        let at_field = format!(
            "<span class=\"field-error\" id=\"{field}-error\">{}</span>",
            escaped(&words)
        );
        assert!(
            page.contains(&at_field),
            "{field} = {value:?}: the editor says what the file said ({words:?})"
        );
    }
}
