//! What the messages look like on the wire: headers, parts, links, attachments, signatures.

use crate::helpers::{spawn_app, TestApp};
use std::time::Duration;
use undersign::config::DkimSettings;
use undersign::mail::{Attachment, Composed, ExtraHeaders};

/// A message with everything a petition batch or an alert may carry.
fn full_message() -> Composed {
    Composed {
        to: "minister@energy.example".into(),
        to_name: Some("Marta Kovač".into()),
        subject: "Stop the dam: 1,204 signatures".into(),
        text: "Dear Minister,\n\nThe signers are attached.\n".into(),
        html: Some("<p>Dear Minister,</p><p>The signers are attached.</p>".into()),
        attachments: vec![Attachment {
            filename: "signatures.csv".into(),
            content_type: "text/csv; charset=utf-8".into(),
            bytes: "name,country\nAna Petrović,HR\n".as_bytes().to_vec(),
        }],
        headers: ExtraHeaders {
            reply_to: Some("Ana <ana@rivercommons.example>".into()),
            in_reply_to: Some("<batch-1.target-1@rivercommons.example>".into()),
            references: Some("<batch-1.target-1@rivercommons.example>".into()),
            list_id: Some("River Commons alerts <alerts.rivercommons.example>".into()),
            list_unsubscribe: Some("<http://undersign.test/unsubscribe/abc>".into()),
            one_click_unsubscribe: true,
            auto_submitted: false,
            feedback_id: Some("a-1:stop-the-dam:alert:rivercommons.example".into()),
        },
    }
}

async fn send(app: &TestApp, mailer: &undersign::mail::transport::Mailer, message: &Composed) {
    let result = mailer
        .send(
            message,
            "<batch-2.target-1@rivercommons.example>",
            uuid::Uuid::nil(),
        )
        .await;
    assert_eq!(result, undersign::mail::transport::SendResult::Sent);
    assert_eq!(app.wait_for_mail(1, Duration::from_secs(5)).await.len(), 1);
}

#[actix_web::test]
async fn a_message_carries_its_attachment_and_every_extra_header() {
    let app = spawn_app().await;
    let mailer = app.mailer(&app.smtp.url());

    send(&app, &mailer, &full_message()).await;

    let mail = &app.smtp.messages()[0];
    assert_eq!(
        mail.message_id().as_deref(),
        Some("batch-2.target-1@rivercommons.example"),
        "the caller's Message-ID is kept"
    );
    for (header, expected) in [
        ("MIME-Version", "1.0"),
        ("Reply-To", "Ana <ana@rivercommons.example>"),
        ("In-Reply-To", "<batch-1.target-1@rivercommons.example>"),
        ("References", "<batch-1.target-1@rivercommons.example>"),
        (
            "List-Id",
            "River Commons alerts <alerts.rivercommons.example>",
        ),
        (
            "List-Unsubscribe",
            "<http://undersign.test/unsubscribe/abc>",
        ),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ] {
        assert_eq!(
            mail.header(header).as_deref().map(str::trim),
            Some(expected),
            "{header}"
        );
    }
    assert_eq!(mail.header("Auto-Submitted"), None);
    assert!(mail
        .html_body()
        .unwrap()
        .contains("The signers are attached."));
    assert_eq!(
        mail.attachments(),
        vec![(
            "signatures.csv".to_string(),
            "name,country\nAna Petrović,HR\n".as_bytes().to_vec()
        )]
    );
}

#[actix_web::test]
async fn a_long_link_stays_on_one_unbroken_line_in_the_raw_message() {
    let app = spawn_app().await;
    let mailer = app.mailer(&app.smtp.url());
    let link = format!(
        "https://act.rivercommons-foundation.example/confirm/{}",
        "iK7oQ2wNBOzxIPM5rT8uVbA3cD9eF1gH4jK6lM0nP2q"
    );
    let message = Composed {
        text: format!("Hello Ana,\n\nPlease confirm: {link}\n\nThank you, Ćiro!\n"),
        html: Some(format!("<p><a href=\"{link}\">Confirm</a> – {link}</p>")),
        attachments: Vec::new(),
        ..full_message()
    };

    send(&app, &mailer, &message).await;

    let raw = &app.smtp.messages()[0].raw;
    let whole_lines = raw
        .split("\r\n")
        .filter(|line| line.contains(&link))
        .count();
    assert_eq!(
        whole_lines, 2,
        "text and HTML each keep the link whole:\n{raw}"
    );
    assert!(!raw.contains("quoted-printable"), "{raw}");
}

#[actix_web::test]
async fn a_link_inside_a_paragraph_too_long_for_one_line_stays_whole_in_the_raw_message() {
    let app = spawn_app().await;
    let mailer = app.mailer(&app.smtp.url());
    let link = "https://act.rivercommons.example/reports/varna-gorge-dam-assessment-2027";
    let paragraph = format!(
        "{} {link} {}",
        "Община Варна и река ".repeat(40).trim_end(),
        "the valley ".repeat(60).trim_end()
    );
    let message = Composed {
        text: format!("Dear Minister,\n\n{paragraph}\n"),
        html: Some(format!(
            "<p>{paragraph} <a href=\"{link}\">the report</a></p>"
        )),
        attachments: Vec::new(),
        ..full_message()
    };

    send(&app, &mailer, &message).await;

    let raw = &app.smtp.messages()[0].raw;
    assert!(!raw.contains("quoted-printable"), "{raw}");
    assert!(!raw.contains("base64"), "{raw}");
    assert_eq!(
        raw.split("\r\n").filter(|line| line.contains(link)).count(),
        3,
        "the link is whole in the text part and twice in the HTML part:\n{raw}"
    );
    assert!(raw.split("\r\n").all(|line| line.len() <= 998));
}

#[actix_web::test]
async fn a_long_official_title_reaches_the_inbox_as_one_whole_display_name() {
    let app = spawn_app().await;
    let mailer = app.mailer(&app.smtp.url());
    let names = [
        "Permanent Under-Secretary of State for Foreign, Commonwealth and Development Affairs",
        "Ana Babić, Permanent Under-Secretary of State for Foreign Affairs",
        "Постоянный заместитель министра иностранных дел Российской Федерации",
    ];
    for name in names {
        let message = Composed {
            to_name: Some(name.into()),
            ..full_message()
        };
        let sent = mailer
            .send(
                &message,
                "<batch-2.target-1@rivercommons.example>",
                uuid::Uuid::nil(),
            )
            .await;
        assert_eq!(sent, undersign::mail::transport::SendResult::Sent);
    }

    let received = app.wait_for_mail(names.len(), Duration::from_secs(5)).await;
    assert_eq!(received.len(), names.len());
    for (m, name) in received.iter().zip(names) {
        let parsed = mail_parser::MessageParser::default()
            .parse(m.raw.as_bytes())
            .expect("the message parses");
        let to = parsed.to().and_then(|to| to.first()).expect("a To header");
        assert_eq!(to.name(), Some(name), "{}", m.raw);
        assert_eq!(to.address(), Some("minister@energy.example"));
        assert_eq!(m.rcpt_to, ["minister@energy.example"]);
        let to_line = m.raw.split("\r\nTo: ").nth(1).unwrap_or_default();
        if name.is_ascii() {
            assert!(
                to_line.starts_with('"'),
                "an ASCII name is quoted: {to_line}"
            );
        }
    }
}

#[actix_web::test]
async fn the_confirmation_is_marked_auto_generated_and_has_an_html_part() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;

    app.sign(&slug, "Ana", "ana@example.org").await;
    app.drain().await;

    let mail = &app.wait_for_mail(1, Duration::from_secs(5)).await[0];
    assert_eq!(
        mail.header("MIME-Version").as_deref().map(str::trim),
        Some("1.0")
    );
    assert_eq!(
        mail.header("Auto-Submitted").as_deref().map(str::trim),
        Some("auto-generated")
    );
    let html = mail.html_body().expect("an HTML part");
    let link = mail
        .link_starting_with("http://undersign.test/confirm/")
        .unwrap();
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
}

/// The DKIM-Signature header of a message sent with the key in `key_file`, as the test SMTP
/// server received it.
async fn dkim_signature(app: &TestApp, key_file: &std::path::Path) -> String {
    let dkim = DkimSettings {
        key_file: key_file.to_path_buf(),
        selector: "mail2026".into(),
    };
    let mailer = app.mailer(&app.smtp.url()).with_dkim(&dkim).unwrap();
    send(app, &mailer, &full_message()).await;
    app.smtp.messages()[0]
        .header("DKIM-Signature")
        .expect("a DKIM-Signature header")
}

#[actix_web::test]
async fn with_a_dkim_key_every_message_is_signed_for_the_senders_domain() {
    let app = spawn_app().await;
    let key_file = std::env::temp_dir().join(format!("undersign-dkim-{}.key", app.smtp.port()));
    // A fresh Ed25519 key: base64 of its 32 secret bytes.
    let secret: [u8; 32] = rand::random();
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, secret);
    std::fs::write(&key_file, encoded).unwrap();

    let signature = dkim_signature(&app, &key_file).await;
    std::fs::remove_file(&key_file).unwrap();

    for part in [
        "a=ed25519-sha256",
        "d=rivercommons.example",
        "s=mail2026",
        "bh=",
        "b=",
    ] {
        assert!(signature.contains(part), "{part} in {signature}");
    }
}

#[actix_web::test]
async fn with_an_rsa_dkim_key_every_message_carries_an_rsa_sha256_signature() {
    let app = spawn_app().await;
    // A fresh 2048-bit RSA key in PKCS#1 PEM, as `openssl rsa -traditional` writes it: no
    // private key lives in the repository, not even a test one.
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem =
        rsa::pkcs1::EncodeRsaPrivateKey::to_pkcs1_pem(&key, rsa::pkcs1::LineEnding::LF).unwrap();
    let key_file = std::env::temp_dir().join(format!("undersign-dkim-{}.pem", app.smtp.port()));
    std::fs::write(&key_file, pem.as_bytes()).unwrap();

    let signature = dkim_signature(&app, &key_file).await;
    std::fs::remove_file(&key_file).unwrap();

    for part in [
        "a=rsa-sha256",
        "d=rivercommons.example",
        "s=mail2026",
        "bh=",
    ] {
        assert!(signature.contains(part), "{part} in {signature}");
    }
    let b: String = signature
        .split(';')
        .map(str::trim)
        .find_map(|tag| tag.strip_prefix("b="))
        .expect("a b= tag")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert_eq!(
        b.len(),
        344,
        "a 2048-bit RSA signature is 256 bytes, 344 characters of base64: {b}"
    );
}

#[test]
fn a_dkim_key_file_that_holds_no_key_is_refused_with_the_variable_to_fix() {
    let key_file = std::env::temp_dir().join("undersign-dkim-not-a-key.pem");
    std::fs::write(
        &key_file,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let mailer = undersign::mail::transport::Mailer::new(
        &undersign::config::MailSink::Files(std::env::temp_dir().join("undersign-dkim-mail")),
        "River Commons <actions@rivercommons.example>",
        1,
    )
    .unwrap();
    let error = mailer
        .with_dkim(&DkimSettings {
            key_file: key_file.clone(),
            selector: "s".into(),
        })
        .err()
        .expect("refused")
        .to_string();
    std::fs::remove_file(&key_file).unwrap();
    assert!(error.contains("UNDERSIGN_DKIM_KEY_FILE"), "{error}");
}
