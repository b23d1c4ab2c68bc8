//! Bad input: a clear message and no change; nothing a client sends causes a 5xx.

use crate::helpers::spawn_app;
use rand::{Rng, SeedableRng};

#[actix_web::test]
async fn invalid_fields_get_422_with_the_form_re_rendered_values_kept_and_a_message_each() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    // (name, email, country, field with the message, words of the message)
    let cases = [
        (
            "",
            "ana@example.org",
            "HR",
            "name",
            "Please enter your name",
        ),
        (
            "Ana\u{202E}evil",
            "ana@example.org",
            "HR",
            "name",
            "invisible formatting",
        ),
        (
            "Ana\u{0007}",
            "ana@example.org",
            "HR",
            "name",
            "Your name contains a control character",
        ),
        ("Ana", "", "HR", "email", "Please enter your e-mail address"),
        ("Ana", "ana@[192.0.2.1]", "HR", "email", "IP address"),
        ("Ana", "ana@192.0.2.1", "HR", "email", "IP address"),
        (
            "Ana",
            "ana@localhost",
            "HR",
            "email",
            "Please enter the full domain name after the @",
        ),
        (
            "Ana",
            "not-an-address",
            "HR",
            "email",
            "look like an e-mail address",
        ),
        (
            "Ana",
            "ana@example.org",
            "",
            "country",
            "Please choose your country",
        ),
        (
            "Ana",
            "ana@example.org",
            "XX",
            "country",
            "Please choose a country from the list",
        ),
    ];
    for (name, email, country, field, words) in cases {
        let response = app
            .post_form(
                &format!("/c/{slug}/sign"),
                &[
                    ("name", name),
                    ("email", email),
                    ("country", country),
                    ("postcode", "10020"),
                ],
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            422,
            "{field}: {name:?} {email:?} {country:?}"
        );
        let page = response.text().await.unwrap();
        let message = field_message(&page, field);
        assert!(!words.is_empty());
        assert!(
            message.contains(words),
            "{field}: {message:?} says {words:?}"
        );
        let described_by = if field == "email" {
            "email-hint email-error".to_string()
        } else {
            format!("{field}-error")
        };
        assert!(
            page.contains(&format!("aria-describedby=\"{described_by}\"")),
            "the {field} input points at its message"
        );
        assert!(page.contains("value=\"10020\""), "values are kept");
    }
    assert_eq!(app.signature_total(), 0);
    assert_eq!(app.outbox_total(), 0);
}

#[actix_web::test]
async fn names_with_links_piled_marks_or_direction_marks_and_invisible_comments_are_refused() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let link = "Please enter just your name, without a web address or an e-mail address.";
    let marks = "Your name piles too many accents or marks on one letter.";
    let direction = "Your name contains invisible formatting characters.";
    let nothing = "Your comment has no visible text.";
    let zalgo = format!("A{}na", "\u{0301}".repeat(119));
    // (name, comment, field with the message, its words)
    let cases = [
        ("Click https://evil.example/confirm now", "", "name", link),
        ("Visit evil.example today", "", "name", link),
        ("Ana ana@example.org", "", "name", link),
        (zalgo.as_str(), "", "name", marks),
        ("Ana\u{200F}", "", "name", direction),
        ("Ana", "\u{200B}", "comment", "invisible characters"),
        ("Ana", "\u{200D}\u{200C}\u{2800}", "comment", nothing),
    ];
    for (name, comment, field, words) in cases {
        let response = app
            .post_form(
                &format!("/c/{slug}/sign"),
                &[
                    ("name", name),
                    ("email", "ana@example.org"),
                    ("country", "HR"),
                    ("comment", comment),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422, "{name:?} {comment:?}");
        let page = response.text().await.unwrap();
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{name:?}");
        assert!(
            page.contains(words),
            "{name:?} {comment:?}: expected {words:?}"
        );
    }
    assert_eq!(app.signature_total(), 0);
    assert_eq!(app.outbox_total(), 0);
}

/// The text of the message shown for `field` (panics when there is none).
fn field_message(page: &str, field: &str) -> String {
    let start = format!("<p class=\"field-error\" id=\"{field}-error\">");
    let at = page
        .find(&start)
        .unwrap_or_else(|| panic!("no message tied to {field}"));
    let rest = &page[at + start.len()..];
    rest[..rest.find("</p>").unwrap()].to_string()
}

#[actix_web::test]
async fn each_length_limit_is_the_domains_in_the_form_attribute_and_the_message() {
    use undersign::domain::{email::EMAIL_MAX_BYTES, name::NAME_MAX_CHARS, text};
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    for (field, max) in [
        ("name", NAME_MAX_CHARS),
        ("email", EMAIL_MAX_BYTES),
        ("postcode", text::POSTCODE_MAX_CHARS),
        ("comment", text::COMMENT_MAX_CHARS),
    ] {
        let tag = &page[page.find(&format!("id=\"{field}\"")).unwrap()..];
        let tag = &tag[..tag.find('>').unwrap()];
        assert!(
            tag.contains(&format!("maxlength=\"{max}\"")),
            "{field}: {tag}"
        );
    }
    // Over the limit by one and by far: the message names the domain's limit.
    for (field, value, said) in [
        (
            "name",
            "a".repeat(NAME_MAX_CHARS + 1),
            format!("at most {NAME_MAX_CHARS} characters"),
        ),
        (
            "name",
            "a".repeat(501),
            format!("at most {NAME_MAX_CHARS} characters"),
        ),
        (
            "postcode",
            "1".repeat(text::POSTCODE_MAX_CHARS + 1),
            format!("at most {} characters", text::POSTCODE_MAX_CHARS),
        ),
        (
            "comment",
            "a".repeat(4001),
            format!(
                "at most {} characters (it has 4001)",
                text::COMMENT_MAX_CHARS
            ),
        ),
    ] {
        let mut fields = vec![
            ("name", "Ana"),
            ("email", "ana@example.org"),
            ("country", "HR"),
        ];
        fields.retain(|(f, _)| *f != field);
        fields.push((field, &value));
        let response = app.post_form(&format!("/c/{slug}/sign"), &fields).await;
        assert_eq!(response.status().as_u16(), 422, "{field}");
        let message = field_message(&response.text().await.unwrap(), field);
        assert!(
            message.contains(&said),
            "{field}: {message:?} names {said:?}"
        );
    }
    assert_eq!(app.signature_total(), 0);
}

#[actix_web::test]
async fn names_in_any_script_are_welcome_and_stored_nfc_and_idn_domains_as_punycode() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let names = [
        ("Անի Հակոբյան", "ani@example.am"),
        ("Əli İsmayılov", "ali@example.az"),
        ("ნინო ბერიძე", "nino@example.ge"),
        ("ليلى حسن", "layla@example.org"),
        ("Jose\u{301} Nún\u{303}ez", "jose@bücher.example"),
    ];
    for (name, email) in names {
        let response = app.sign(&slug, name, email).await;
        assert_eq!(response.status().as_u16(), 303, "{name}");
    }
    assert_eq!(app.signature_total(), 5);
    assert_eq!(
        app.signature_rows()
            .iter()
            .filter(|s| s.name == "José Núñez")
            .count(),
        1,
        "names are stored in NFC"
    );
    assert_eq!(
        app.supporter_rows()
            .iter()
            .filter(|s| s.email == "jose@xn--bcher-kva.example")
            .count(),
        1
    );
}

#[actix_web::test]
async fn an_oversized_body_gets_413_and_changes_nothing() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let huge = format!(
        "name=Ana&email=ana%40example.org&country=HR&comment={}",
        "x".repeat(64 * 1024)
    );
    let response = app
        .post_raw(
            &format!("/c/{slug}/sign"),
            "application/x-www-form-urlencoded",
            huge.into_bytes(),
        )
        .await;
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(app.signature_total(), 0);
}

#[actix_web::test]
async fn nothing_a_client_sends_causes_a_server_error() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let sign = format!("/c/{slug}/sign");
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut bodies: Vec<(&str, Vec<u8>)> = Vec::new();
    for _ in 0..30 {
        let len = rng.gen_range(0..2000);
        bodies.push((
            "application/x-www-form-urlencoded",
            (0..len).map(|_| rng.gen()).collect(),
        ));
    }
    bodies.push((
        "application/x-www-form-urlencoded",
        b"name=%FF%FE%FD&email=%C3%28%40example.org&country=%80%80".to_vec(),
    ));
    for field in [
        "name", "email", "country", "postcode", "comment", "updates", "website",
    ] {
        bodies.push((
            "application/x-www-form-urlencoded",
            format!("name=Ana&email=ana%40example.org&country=HR&{field}=a%00b").into_bytes(),
        ));
    }
    bodies.push((
        "application/x-www-form-urlencoded",
        b"name=A&name=B&email=a%40b.org&email=c%40d.org&country=HR&country=XX".to_vec(),
    ));
    bodies.push((
        "application/x-www-form-urlencoded",
        b"%%%&&&===&name&email=&=x".to_vec(),
    ));
    bodies.push((
        "application/json",
        br#"{"name":"Ana","email":"ana@example.org"}"#.to_vec(),
    ));
    bodies.push((
        "multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAna\r\n--x--".to_vec(),
    ));
    bodies.push(("text/plain", b"hello".to_vec()));
    bodies.push(("", Vec::new()));
    for (content_type, body) in bodies {
        let response = app.post_raw(&sign, content_type, body.clone()).await;
        assert!(
            response.status().as_u16() < 500,
            "{} for {content_type} {:?}",
            response.status(),
            String::from_utf8_lossy(&body)
        );
    }
    for path in [
        "/c/%FF",
        "/c/a%00b",
        "/c/..%2F..%2Fetc",
        "/confirm/%00",
        "/confirm/a%2Fb",
        "/api/v1/campaigns/%E2%80%AE",
        "/c/",
        "/assets/../Cargo.toml",
        "/c/stop-the-dam/thanks?x=%00",
    ] {
        let response = app.get(path).await;
        assert!(
            response.status().as_u16() < 500,
            "{} for GET {path}",
            response.status()
        );
    }
    assert_eq!(
        app.signature_rows()
            .iter()
            .filter(|s| s.name.contains('\u{FFFD}'))
            .count(),
        0,
        "undecodable bytes never reach the database"
    );
}
