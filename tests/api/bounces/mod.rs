//! Mail that comes back, end to end: messages leave with their own VERP envelope sender, the
//! real SMTP server takes them with 250, and what comes back later is piped to the real
//! `undersign bounces ingest`, which acts on it.

use crate::alerts::{alerts_received, csv_of, draft, import, send_now};
use crate::batches::count;
use crate::cli::undersign;
use crate::helpers::{spawn_app, TestApp, BOUNCE_ADDRESS, SECRET_KEY};
use crate::smtp_server::ReceivedMessage;
use std::io::Write;
use std::process::{Output, Stdio};
use undersign::mail::verp;

/// Pipes `message` to `undersign bounces ingest` as an MTA would.
fn ingest(app: &TestApp, message: &str) -> Output {
    let mut child = undersign(app)
        .args(["bounces", "ingest"])
        .env(
            "UNDERSIGN_SECRET_KEY",
            std::str::from_utf8(SECRET_KEY).unwrap(),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A Postfix-shaped DSN for `original`, sent back to its envelope sender.
pub fn postfix_dsn(original: &ReceivedMessage, status: &str, diagnostic: &str) -> String {
    let to = &original.rcpt_to[0];
    let action = if status.starts_with('5') {
        "failed"
    } else {
        "delayed"
    };
    let headers: String = original
        .raw
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .replace("\r\n", "\n");
    format!(
        "Return-Path: <>\n\
         Delivered-To: {sender}\n\
         From: MAILER-DAEMON@relay.rivercommons.example (Mail Delivery System)\n\
         To: {sender}\n\
         Subject: Undelivered Mail Returned to Sender\n\
         Message-Id: <20261204.{status}.{to}@relay.rivercommons.example>\n\
         Auto-Submitted: auto-replied\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B1\"\n\
         \n\
         --B1\n\
         Content-Type: text/plain\n\
         \n\
         I'm sorry to have to inform you that your message could not\n\
         be delivered to one or more recipients.\n\
         \n\
         --B1\n\
         Content-Type: message/delivery-status\n\
         \n\
         Reporting-MTA: dns; relay.rivercommons.example\n\
         \n\
         Final-Recipient: rfc822; {to}\n\
         Action: {action}\n\
         Status: {status}\n\
         Diagnostic-Code: smtp; {diagnostic}\n\
         \n\
         --B1\n\
         Content-Type: text/rfc822-headers\n\
         \n\
         {headers}\n\
         --B1--\n",
        sender = original.mail_from,
    )
}

/// An ARF complaint quoting `original`'s headers, sent to a feedback-loop address (not VERP).
fn arf_complaint(original: &ReceivedMessage) -> String {
    let n = original.rcpt_to[0].replace(['@', '.'], "-");
    let headers: String = original
        .raw
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .replace("\r\n", "\n");
    format!(
        "From: staff@hotmail.com\n\
         To: fbl@rivercommons.example\n\
         Subject: complaint about message from 192.0.2.10\n\
         Message-ID: <fbl.{n}@feedback.example>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\
         \n\
         --F\n\
         Content-Type: text/plain\n\
         \n\
         This is an email abuse report for an email message received.\n\
         --F\n\
         Content-Type: message/feedback-report\n\
         \n\
         Feedback-Type: abuse\n\
         User-Agent: SomeGenerator/1.0\n\
         Version: 1\n\
         \n\
         --F\n\
         Content-Type: text/rfc822-headers\n\
         \n\
         {headers}\n\
         --F--\n"
    )
}

fn received_by<'a>(messages: &'a [ReceivedMessage], to: &str) -> &'a ReceivedMessage {
    messages
        .iter()
        .find(|m| m.rcpt_to[0] == to)
        .unwrap_or_else(|| panic!("nothing reached {to}"))
}

/// A campaign with one official, three signatures cut and delivered to them: its slug and
/// the message the official's server took.
async fn petition_to(app: &TestApp, name: &str, email: &str) -> (String, ReceivedMessage) {
    let slug = app
        .import(&crate::batches::letter("manual", &[(name, email)]), true)
        .await;
    crate::batches::add_signatures(app, &slug, 1, 3, true);
    let cut = undersign(app)
        .args(["campaign", "deliver-now", &slug])
        .output()
        .unwrap();
    assert!(cut.status.success());
    app.make_outbox_due();
    app.drain().await;
    let sent = app.smtp.messages();
    let batch = received_by(&sent, email).clone();
    (slug, batch)
}

async fn alert_to_three(app: &TestApp, subject: &str) -> Vec<ReceivedMessage> {
    let id = draft(app, "", subject).await;
    send_now(app, id).await;
    app.drain().await;
    alerts_received(app)
}

#[actix_web::test]
async fn every_message_leaves_with_an_envelope_sender_that_names_its_own_row() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let received = alert_to_three(&app, "The vote is on Tuesday").await;
    assert_eq!(received.len(), 2);
    let bounces = verp::BounceAddress::parse(BOUNCE_ADDRESS).unwrap();
    for m in &received {
        let tokens = bounces.tokens_in(&m.mail_from);
        assert_eq!(tokens.len(), 1, "{}", m.mail_from);
        let row = verp::verify(SECRET_KEY, tokens[0]).expect("a token we made");
        let message_id: String = {
            use diesel::prelude::*;
            use undersign::db::schema::outbox;
            outbox::table
                .find(row)
                .select(outbox::message_id)
                .first(&mut app.conn())
                .unwrap()
        };
        assert_eq!(
            message_id.trim_matches(['<', '>']),
            m.message_id().unwrap(),
            "the row it names is this message's"
        );
        let feedback = m.header("Feedback-ID").expect("a Feedback-ID");
        assert!(
            feedback.ends_with(":alert:rivercommons.example") && !feedback.contains('@'),
            "{feedback}"
        );
    }
}

#[actix_web::test]
async fn a_hard_bounce_piped_to_ingest_suppresses_the_address_and_the_next_alert_skips_it() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org", "cem@example.org"]),
        false,
    )
    .await;
    let first = alert_to_three(&app, "First").await;
    let dsn = postfix_dsn(
        received_by(&first, "ben@example.org"),
        "5.1.1",
        "550 5.1.1 <ben@example.org>: Recipient address rejected: User unknown",
    );
    let said = stdout(&ingest(&app, &dsn));
    assert!(
        said.starts_with("hard bounce 5.1.1 for message") && said.contains("address suppressed"),
        "{said}"
    );
    assert!(!said.contains('@'), "no address in what it prints: {said}");
    assert_eq!(
        app.suppression_of("ben@example.org").as_deref(),
        Some("bounced")
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM bounces WHERE class = 'hard' AND alert_id IS NOT NULL"
        ),
        1,
        "recorded against the alert"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM outbox WHERE state = 'failed' AND last_error LIKE 'bounced after it was accepted: 5.1.1%'"),
        1,
        "the message is failed as a 5xx would have made it, without the address"
    );

    // The MTA delivers the same bounce twice: nothing more changes.
    let again = stdout(&ingest(&app, &dsn));
    assert!(again.contains("already recorded"), "{again}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM bounces"), 1);

    app.smtp.clear();
    let second = alert_to_three(&app, "Second").await;
    let mut to: Vec<&str> = second.iter().map(|m| m.rcpt_to[0].as_str()).collect();
    to.sort();
    assert!(!to.contains(&"ben@example.org"), "{to:?}");
}

#[actix_web::test]
async fn a_complaint_stops_every_alert_to_that_supporter() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let first = alert_to_three(&app, "First").await;
    let said = stdout(&ingest(
        &app,
        &arf_complaint(received_by(&first, "ana@example.org")),
    ));
    assert!(
        said.starts_with("complaint for message") && said.contains("address suppressed"),
        "{said}"
    );
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("complained")
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM bounces WHERE class = 'complaint' AND alert_id IS NOT NULL"
        ),
        1
    );
}

#[actix_web::test]
async fn a_forged_token_and_an_auto_reply_change_nothing() {
    let app = spawn_app().await;
    import(&app, &csv_of(&["ana@example.org"]), false).await;
    let first = alert_to_three(&app, "First").await;
    let original = received_by(&first, "ana@example.org");

    // The same bounce, its token altered by one digit and the original's headers left out.
    let mut forged = original.clone();
    let token = verp::BounceAddress::parse(BOUNCE_ADDRESS)
        .unwrap()
        .tokens_in(&original.mail_from)[0]
        .to_string();
    let last = token.chars().last().unwrap();
    let altered = format!(
        "{}{}",
        &token[..token.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    forged.mail_from = original.mail_from.replace(&token, &altered);
    forged.raw = "Subject: x\r\n\r\n".into();
    let said = stdout(&ingest(
        &app,
        &postfix_dsn(&forged, "5.1.1", "550 5.1.1 User unknown"),
    ));
    assert!(said.contains("names none of our messages"), "{said}");
    assert_eq!(app.suppression_of("ana@example.org"), None);

    let reply = format!(
        "From: Ana <ana@example.org>\nTo: {}\nSubject: Automatic reply: First\nAuto-Submitted: auto-replied\n\
         Message-ID: <ooo.1@example.org>\n\nI am out of the office until Monday.\n",
        original.mail_from
    );
    let said = stdout(&ingest(&app, &reply));
    assert!(
        said.starts_with("auto-reply (ignored) for message"),
        "{said}"
    );
    assert_eq!(app.suppression_of("ana@example.org"), None);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE state = 'sent'"
        ),
        1
    );
}

#[actix_web::test]
async fn three_soft_bounces_in_an_addresss_last_five_messages_suppress_it() {
    let app = spawn_app().await;
    import(&app, &csv_of(&["ana@example.org"]), false).await;
    let mut said = Vec::new();
    for i in 0..3 {
        app.smtp.clear();
        // One alert a day is the cap: each comes as if on its own day.
        diesel::RunQueryDsl::execute(
            diesel::sql_query("UPDATE outbox SET sent_at = sent_at - interval '2 days', created_at = created_at - interval '2 days'"),
            &mut app.conn(),
        )
        .unwrap();
        let got = alert_to_three(&app, &format!("Alert {i}")).await;
        let dsn = postfix_dsn(
            received_by(&got, "ana@example.org"),
            "4.2.2",
            "452 4.2.2 Mailbox full",
        );
        said.push(stdout(&ingest(&app, &dsn)));
    }
    assert!(
        said[0].starts_with("soft bounce 4.2.2") && !said[0].contains("suppressed"),
        "{said:?}"
    );
    assert!(!said[1].contains("suppressed"), "{said:?}");
    assert!(said[2].contains("address suppressed"), "{said:?}");
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("bounced")
    );
}

#[actix_web::test]
async fn a_hard_bounce_from_an_officials_server_marks_the_target_failed_as_a_5xx_does() {
    let app = spawn_app().await;
    let (_, batch) = petition_to(&app, "Marta Kovač", "minister@energy.example").await;
    let batch = &batch;
    let said = stdout(&ingest(
        &app,
        &postfix_dsn(batch, "5.2.1", "550 5.2.1 Mailbox disabled"),
    ));
    assert!(said.starts_with("hard bounce 5.2.1"), "{said}");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM targets WHERE failed_at IS NOT NULL"
        ),
        1,
        "the dashboard's failed-target alert and `campaign retry-target` take it from here"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM batch_targets WHERE state = 'failed'"
        ),
        1
    );
    assert_eq!(
        app.suppression_count(),
        0,
        "an official's address is never suppressed"
    );
}

#[actix_web::test]
async fn ingest_asks_the_mta_to_try_again_later_when_the_database_is_down() {
    let app = spawn_app().await;
    let output = {
        let mut cmd = undersign(&app);
        cmd.env("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none");
        let mut child = cmd
            .args(["bounces", "ingest"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"Subject: x\n\nhello\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_eq!(
        output.status.code(),
        Some(75),
        "EX_TEMPFAIL: the MTA keeps the message"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database"), "{stderr}");
}

#[actix_web::test]
async fn a_mail_to_the_list_unsubscribe_mailto_address_unsubscribes_only_that_supporter() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let first = alert_to_three(&app, "First").await;
    let header = received_by(&first, "ana@example.org")
        .header("List-Unsubscribe")
        .expect("List-Unsubscribe");
    let (https, mailto) = header.split_once(", ").expect("two URIs");
    assert!(
        https.starts_with("<http") && https.contains("/unsubscribe/"),
        "the one-click link comes first: {header}"
    );
    let mailbox = mailto
        .strip_prefix("<mailto:")
        .and_then(|m| m.strip_suffix("?subject=unsubscribe>"))
        .unwrap_or_else(|| panic!("{mailto}"));
    let request = format!(
        "From: Ana <ana@example.org>\nTo: {mailbox}\nSubject: unsubscribe\nMessage-ID: <u.1@example.org>\n\n"
    );
    let said = stdout(&ingest(&app, &request));
    assert!(
        said.starts_with("unsubscribe request for message"),
        "{said}"
    );
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(app.suppression_of("ben@example.org"), None);
}

#[actix_web::test]
async fn a_maildir_of_bounces_is_read_in_one_run_and_a_second_run_changes_nothing() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let first = alert_to_three(&app, "First").await;
    let mailbox = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-data")
        .join(format!("bounces-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(mailbox.join("new")).unwrap();
    let hard = postfix_dsn(
        received_by(&first, "ana@example.org"),
        "5.1.1",
        "550 5.1.1 User unknown",
    );
    let soft = postfix_dsn(
        received_by(&first, "ben@example.org"),
        "4.2.2",
        "452 4.2.2 Mailbox full",
    );
    std::fs::write(mailbox.join("new/1.eml"), hard).unwrap();
    std::fs::write(mailbox.join("new/2.eml"), soft).unwrap();
    let run = || {
        let output = undersign(&app)
            .args(["bounces", "ingest"])
            .arg(&mailbox)
            .env(
                "UNDERSIGN_SECRET_KEY",
                std::str::from_utf8(SECRET_KEY).unwrap(),
            )
            .output()
            .unwrap();
        stdout(&output)
    };
    assert_eq!(run().trim(), "2 messages read: hard 1, soft 1");
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("bounced")
    );
    assert_eq!(
        app.suppression_of("ben@example.org"),
        None,
        "one soft bounce is not three"
    );
    run();
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM bounces"),
        2,
        "recorded once"
    );
    std::fs::remove_dir_all(&mailbox).ok();
}

#[actix_web::test]
async fn an_alert_pauses_itself_once_complaints_pass_a_tenth_of_a_percent_of_a_thousand_deliveries()
{
    let app = spawn_app().await;
    let addresses: Vec<String> = (0..1_005).map(|i| format!("s{i}@example.org")).collect();
    let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    import(&app, &csv_of(&refs), false).await;
    let id = draft(&app, "", "The vote is on Tuesday").await;
    assert_eq!(send_now(&app, id).await, 1_005);
    // Five wait for later, so there is something left to stop.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE outbox SET next_attempt_at = now() + interval '1 day' WHERE id IN \
             (SELECT id FROM outbox WHERE alert_id IS NOT NULL ORDER BY id LIMIT 5)",
        ),
        &mut app.conn(),
    )
    .unwrap();
    assert_eq!(app.drain().await.sent, 1_000);
    let sent = alerts_received(&app);
    let paused = || {
        count(
            &app,
            "SELECT count(*) AS n FROM alerts WHERE state = 'paused' \
             AND paused_reason LIKE '%reported as spam, more than 0.1%'",
        )
    };

    stdout(&ingest(&app, &arf_complaint(&sent[0])));
    assert_eq!(paused(), 0, "1 in 1,000 is 0.1%: not more");
    stdout(&ingest(&app, &arf_complaint(&sent[1])));
    assert_eq!(paused(), 1, "2 in 1,000 is more than 0.1%");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE state = 'held'"
        ),
        5,
        "what was left waits for an organizer"
    );
}

#[actix_web::test]
async fn the_delivery_log_shows_what_an_officials_server_sent_back_after_taking_the_petition() {
    let app = spawn_app().await;
    let (slug, batch) = petition_to(&app, "Ivo Horvat", "ivo@parliament.example").await;
    let dsn = postfix_dsn(&batch, "4.2.2", "452 4.2.2 Mailbox full, will retry");
    assert!(stdout(&ingest(&app, &dsn)).starts_with("soft bounce 4.2.2"));
    let log = stdout(
        &undersign(&app)
            .args(["campaign", "deliveries", &slug])
            .output()
            .unwrap(),
    );
    assert!(
        log.contains(
            "sent (came back: bounced for now after it was accepted: 4.2.2 452 4.2.2 Mailbox full"
        ),
        "{log}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM targets WHERE failed_at IS NOT NULL"
        ),
        0,
        "a soft bounce fails nothing"
    );
}

#[actix_web::test]
async fn fetch_reads_the_pop3_mailbox_acts_on_each_message_and_deletes_only_what_it_recorded() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org"]),
        false,
    )
    .await;
    let first = alert_to_three(&app, "First").await;
    let pop3 = crate::pop3_server::Pop3Server::start("bounces", "s3cret");
    pop3.deliver(&postfix_dsn(
        received_by(&first, "ana@example.org"),
        "5.1.1",
        "550 5.1.1 User unknown",
    ));
    pop3.deliver(&format!(
        "From: Ben <ben@example.org>\nTo: {}\nSubject: Out of office\nAuto-Submitted: auto-replied\n\
         Message-ID: <ooo.2@example.org>\n\n..back on Monday.\n",
        received_by(&first, "ben@example.org").mail_from
    ));
    let fetch = |url: &str, database: Option<&str>| {
        let mut cmd = undersign(&app);
        cmd.args(["bounces", "fetch"])
            .env("UNDERSIGN_BOUNCE_MAILBOX", url)
            .env(
                "UNDERSIGN_SECRET_KEY",
                std::str::from_utf8(SECRET_KEY).unwrap(),
            );
        if let Some(database) = database {
            cmd.env("DATABASE_URL", database);
        }
        cmd.output().unwrap()
    };

    let refused = fetch(&pop3.url("bounces", "wrong"), None);
    assert_eq!(
        refused.status.code(),
        Some(75),
        "a refused sign-in is tried again later"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refused the user or password"));
    assert!(
        !String::from_utf8_lossy(&refused.stderr).contains("wrong"),
        "no password in what it prints"
    );
    assert_eq!(pop3.waiting(), 2);

    let said = stdout(&fetch(&pop3.url("bounces", "s3cret"), None));
    assert_eq!(said.trim(), "2 messages read: auto_reply 1, hard 1");
    assert_eq!(pop3.waiting(), 0, "each deleted once recorded");
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("bounced")
    );
    assert_eq!(app.suppression_of("ben@example.org"), None);

    // With the database away nothing is recorded, so nothing is deleted.
    pop3.deliver(&postfix_dsn(
        received_by(&first, "ben@example.org"),
        "5.1.1",
        "550 5.1.1 User unknown",
    ));
    let down = fetch(
        &pop3.url("bounces", "s3cret"),
        Some("postgresql://nobody@127.0.0.1:9/none"),
    );
    assert_eq!(down.status.code(), Some(75));
    assert_eq!(pop3.waiting(), 1, "kept for the next run");
    assert_eq!(
        stdout(&fetch(&pop3.url("bounces", "s3cret"), None)).trim(),
        "1 messages read: hard 1"
    );
}

#[actix_web::test]
async fn organizers_see_what_came_back_and_only_editors_read_the_messages_kept_for_them() {
    use undersign::organizers::Role;
    let app = spawn_app().await;
    import(&app, &csv_of(&["ana@example.org"]), false).await;
    let first = alert_to_three(&app, "First").await;
    stdout(&ingest(
        &app,
        &postfix_dsn(
            received_by(&first, "ana@example.org"),
            "5.1.1",
            "550 5.1.1 User unknown",
        ),
    ));
    stdout(&ingest(
        &app,
        "From: someone@example.net\nTo: bounces@rivercommons.example\nSubject: <b>stop</b>\n\
         Message-ID: <h.1@example.net>\n\nPlease stop <script>alert(1)</script> writing to me.\n",
    ));

    let editor = app.admin(Role::Editor).await;
    let page = editor.page("/admin/supporters/returned").await;
    assert!(
        page.contains("<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>"),
        "{page}"
    );
    assert!(
        page.contains("5.1.1") && page.contains("<td>alert</td>"),
        "{page}"
    );
    assert!(
        page.contains("Please stop &#60;script&#62;alert(1)&#60;/script&#62; writing"),
        "kept, escaped: {page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    let unread = editor.page("/admin/supporters/returned?unread=1").await;
    assert!(
        unread.contains("Please stop") && !unread.contains("User unknown"),
        "{unread}"
    );

    let viewer = app.admin(Role::Viewer).await;
    let page = viewer.page("/admin/supporters/returned").await;
    assert!(
        page.contains("<td>1</td>") && !page.contains("Please stop"),
        "viewers see counts only"
    );
}
