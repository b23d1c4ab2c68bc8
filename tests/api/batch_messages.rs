//! What a target reads: the batch message rendered from the rows it covers.

use crate::batches::{add_signatures, deliver_now, letter, mark_all_sent};
use crate::helpers::{spawn_app, TestApp, BASE_URL};
use diesel::RunQueryDsl;
use undersign::batches::message::{self, BatchContext, BatchMessage, Which};
use undersign::db;

const KEY: &[u8] = b"test secret key, at least 32 bytes long";

fn context(attachment_max: usize) -> BatchContext<'static> {
    BatchContext {
        base_url: BASE_URL,
        secret_key: KEY,
        attachment_max,
        now: chrono::Utc::now(),
    }
}

async fn preview(app: &TestApp, slug: &str) -> Vec<BatchMessage> {
    let slug = slug.to_string();
    db::run(&app.pool, move |conn| {
        undersign::batches::preview(
            conn,
            &slug,
            None,
            &context(message::DEFAULT_ATTACHMENT_MAX),
            false,
        )
    })
    .await
    .unwrap()
    .into_iter()
    .map(|next| match next {
        undersign::batches::Next::Message(m) => *m,
        undersign::batches::Next::NothingNew { target_name } => {
            panic!("nothing new for {target_name}")
        }
    })
    .collect()
}

async fn queued(app: &TestApp, id: uuid::Uuid, attachment_max: usize) -> BatchMessage {
    db::run(&app.pool, move |conn| {
        message::render(conn, Which::Queued(id), &context(attachment_max), false)
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn the_first_message_carries_the_whole_letter_the_signers_and_a_csv_but_no_addresses() {
    let app = spawn_app().await;
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 120, true);
    diesel::sql_query("UPDATE signatures SET comment = 'Comment of ' || name")
        .execute(&mut app.conn())
        .unwrap();

    let m = &preview(&app, &slug).await[0];

    assert_eq!(m.to, "minister@energy.example");
    assert!(m.subject.contains("120 signatures"), "{}", m.subject);
    assert!(
        m.text
            .starts_with("March 2, 2027\n\nHon. Marta Kovač\nMinister of Energy\n"),
        "the letter as written, its date and recipients first: {}",
        m.text
    );
    assert!(
        m.text
            .contains("\n\nDear Minister Kovač and Governor Deda:\n\nOn behalf of River Commons"),
        "its own salutation greets a target it names: {}",
        m.text
    );
    assert!(
        m.text.contains("Postpone the licensing vote"),
        "the letter is in it"
    );
    assert!(m.text.contains("- Signer 1 (HR): \"Comment of Signer 1\""));
    assert!(
        m.text.contains("... and 20 more."),
        "100 inline, the rest in the CSV"
    );
    assert!(m.html.contains("<li>Signer 100 (HR)"), "{}", m.html);
    let (name, csv) = m.csv.as_ref().expect("the CSV is attached");
    assert_eq!(name, "stop-the-dam-signatures-1-120.csv");
    let csv = String::from_utf8(csv.clone()).unwrap();
    assert_eq!(csv.lines().count(), 121);
    assert!(
        csv.starts_with("\u{FEFF}number,name,country,comment,signed_at\r\n1,Signer 1,HR,"),
        "a byte order mark and CRLF, so spreadsheets read the names right: {csv:?}"
    );
    assert_eq!(m.in_reply_to, None);
    for (part, body) in [("text", &m.text), ("HTML", &m.html), ("CSV", &csv)] {
        assert!(
            !body.contains("@example.org"),
            "no signer's address in the {part}"
        );
    }
}

#[actix_web::test]
async fn a_follow_up_for_one_signer_says_one_person_names_who_gathered_it_and_links_once() {
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
    add_signatures(&app, &slug, 4, 1, true);
    let second = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;

    let m = queued(&app, second, message::DEFAULT_ATTACHMENT_MAX).await;

    assert!(
        m.subject.ends_with("1 new signature, 4 in all"),
        "{}",
        m.subject
    );
    assert!(m.text.contains("1 more person has signed"), "{}", m.text);
    assert!(m.text.contains("\nSigner 4:\n"), "{}", m.text);
    assert!(
        !m.text.contains("4–4") && !m.html.contains("4–4"),
        "{}",
        m.text
    );
    assert!(
        m.html
            .contains("<h2 style=\"font-size: 1.1em\">Signer 4</h2>"),
        "{}",
        m.html
    );
    for part in [&m.text, &m.html] {
        assert!(
            part.contains("Every signer confirmed their e-mail address before their signature was counted; the signatures were gathered by River Commons."),
            "{part}"
        );
    }
    let link = "http://undersign.test/c/stop-the-dam";
    assert_eq!(m.text.matches(link).count(), 1, "{}", m.text);
    assert_eq!(
        m.html.matches(&format!("href=\"{link}\"")).count(),
        1,
        "{}",
        m.html
    );
}

#[actix_web::test]
async fn links_to_the_site_in_a_letter_arrive_absolute_in_the_message_to_officials() {
    let app = spawn_app().await;
    let marked = letter("manual", &[("Marta Kovač", "minister@energy.example")]).replacen(
        "Postpone the licensing vote",
        "Postpone the licensing vote (see [our report](/reports/varna) and [the asks](#asks))",
        1,
    );
    let slug = app.import(&marked, true).await;
    add_signatures(&app, &slug, 1, 2, true);

    let m = &preview(&app, &slug).await[0];

    assert!(
        m.html
            .contains("href=\"http://undersign.test/reports/varna\""),
        "{}",
        m.html
    );
    assert!(
        m.html
            .contains("href=\"http://undersign.test/c/stop-the-dam#asks\""),
        "{}",
        m.html
    );
    assert!(
        m.text.contains("(http://undersign.test/reports/varna)"),
        "{}",
        m.text
    );
    assert!(!m.html.contains("href=\"/reports"), "{}", m.html);
}

#[actix_web::test]
async fn later_messages_carry_the_asks_and_a_link_and_thread_under_the_first() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 3, true);
    let first = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;
    mark_all_sent(&app);
    add_signatures(&app, &slug, 4, 2, true);
    let second = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;

    let m = queued(&app, second, message::DEFAULT_ATTACHMENT_MAX).await;

    let first_id = format!("<batch.{first}@rivercommons.example>");
    assert_eq!(m.in_reply_to.as_deref(), Some(first_id.as_str()));
    assert_eq!(m.references.as_deref(), Some(first_id.as_str()));
    assert!(
        m.subject.ends_with("2 new signatures, 5 in all"),
        "{}",
        m.subject
    );
    assert!(m.text.contains("2 more people have signed"), "{}", m.text);
    assert!(
        m.text.contains("1. Postpone the licensing vote"),
        "{}",
        m.text
    );
    assert!(m.text.contains(&format!("The letter: {BASE_URL}/c/{slug}")));
    assert!(!m.text.contains("Sincerely"), "not the whole letter again");
    assert!(m.text.contains("Signers 4–5:"), "{}", m.text);
    let csv = String::from_utf8(m.csv.unwrap().1).unwrap();
    assert!(
        csv.contains("\n4,Signer 4,") && csv.contains("\n5,Signer 5,"),
        "{csv}"
    );
    assert!(!csv.contains("Signer 3"));
}

#[actix_web::test]
async fn a_csv_too_large_to_attach_becomes_a_signed_link() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 50, true);
    let id = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;

    let m = queued(&app, id, 1000).await;

    assert!(m.csv.is_none());
    let link = m
        .text
        .lines()
        .find(|l| l.starts_with(&format!("{BASE_URL}/d/")))
        .expect("a download link");
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(
        undersign::batches::link::verify(KEY, token, chrono::Utc::now()),
        Ok(id)
    );
}

#[actix_web::test]
async fn the_download_link_streams_the_whole_csv_and_refuses_changed_or_expired_tokens() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 5000, true);
    let id = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;
    let now = chrono::Utc::now();
    let token = undersign::batches::link::token(KEY, id, now + chrono::Duration::days(30));

    let response = app.get(&format!("/d/{token}")).await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("stop-the-dam-signatures-1-5000.csv"));
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with("\u{FEFF}number,".as_bytes()),
        "a byte order mark first, as in the attachment"
    );
    let body = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(body.lines().count(), 5001);
    assert!(body
        .lines()
        .nth(5000)
        .unwrap()
        .starts_with("5000,Signer 5000,HR,"));
    assert!(
        body.starts_with("number,name,country,comment,signed_at\r\n"),
        "no e-mail address column"
    );

    let expired = undersign::batches::link::token(KEY, id, now - chrono::Duration::seconds(1));
    assert_eq!(
        app.get(&format!("/d/{expired}")).await.status().as_u16(),
        410
    );
    let changed = token.replacen('.', ".1", 1);
    assert_eq!(
        app.get(&format!("/d/{changed}")).await.status().as_u16(),
        404
    );
    assert_eq!(app.get("/d/nonsense").await.status().as_u16(), 404);
}

#[actix_web::test]
async fn a_markdown_letter_arrives_with_its_lists_and_emphasis_in_both_parts() {
    let app = spawn_app().await;
    let letter = include_str!("../fixtures/letters/markdown-front-matter.md").replace(
        "We would be glad to show",
        "We would be *very* glad to show",
    );
    let slug = app.import(&letter, true).await;
    add_signatures(&app, &slug, 1, 3, true);

    let messages = preview(&app, &slug).await;

    let m = messages
        .iter()
        .find(|m| m.to == "priya.raman@riverton.example")
        .expect("a message to the councillor");
    for expected in [
        "<p>Dear Councillor Raman,</p>",
        "<li><strong>Reject</strong> planning application 27/0412;</li>",
        "<li>Designate the Eastside wetlands as a local nature reserve; and</li>",
        "<p>We would be <em>very</em> glad to show the committee around the site.</p>",
    ] {
        assert!(
            m.html.contains(expected),
            "the HTML part has {expected:?}: {}",
            m.html
        );
    }
    for expected in [
        "\nDear Councillor Raman,\n",
        "\n- Reject planning application 27/0412;\n\
         - Designate the Eastside wetlands as a local nature reserve; and\n\
         - Commission a flood-risk study",
        "\nWe would be very glad to show the committee around the site.\n",
    ] {
        assert!(
            m.text.contains(expected),
            "the text part has {expected:?}: {}",
            m.text
        );
    }
    for part in [&m.html, &m.text] {
        assert!(
            !part.contains("**") && !part.contains("*very*"),
            "no Markdown marks are left: {part}"
        );
    }
    assert!(
        !m.text.contains('<'),
        "no HTML in the text part: {}",
        m.text
    );
}

/// A Markdown letter whose asks carry emphasis, with one target.
const MARKDOWN_ASKS: &str = "+++
slug = \"full-assessment\"
delivery = \"manual\"
[[targets]]
name = \"Marta Kovač\"
email = \"minister@energy.example\"
+++
Dear Minister Kovač,

The **assessment** was published in part only. We ask that you:

- Publish the _full_ assessment.
- **Halt** the works until it is read.

Kind regards,

Ana Horvat
";

#[actix_web::test]
async fn the_inline_markdown_of_asks_is_rendered_on_the_page_and_in_the_message_to_officials() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.import(MARKDOWN_ASKS, true).await;
    add_signatures(&app, &slug, 1, 2, true);
    deliver_now(&app, &slug).await;
    mark_all_sent(&app);
    add_signatures(&app, &slug, 3, 1, true);
    let second = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;

    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    let m = queued(&app, second, message::DEFAULT_ATTACHMENT_MAX).await;

    for html in [&page, &m.html] {
        assert!(
            html.contains("<li>Publish the <em>full</em> assessment.</li>"),
            "{html}"
        );
        assert!(
            html.contains("<li><strong>Halt</strong> the works until it is read.</li>"),
            "{html}"
        );
        assert!(
            !html.contains("_full_") && !html.contains("**Halt**"),
            "{html}"
        );
    }
    assert!(
        m.text
            .contains("1. Publish the full assessment.\n2. Halt the works until it is read."),
        "{}",
        m.text
    );
}
