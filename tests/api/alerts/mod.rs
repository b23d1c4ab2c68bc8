//! Action alerts end to end: composing, fan-out, sending through the real SMTP server, and
//! every guard on the way (consent, unsubscribes, the do-not-mail list, the frequency cap,
//! cancel and pause).

mod cli;
mod faults;
mod guards;
mod rate;
mod sending;

use crate::helpers::{TestApp, SECRET_KEY};
use undersign::alerts::compose::{self, DraftInput};
use undersign::alerts::control::{self, When};
use undersign::db::{self, types::AlertId};
use undersign::organizers::audit::Actor;
use undersign::supporters::import::ImportReport;

/// A supporter list in the import format, one consenting row per address.
pub fn csv_of(addresses: &[&str]) -> String {
    let mut csv = String::from("email,name,country,consent_date\n");
    for (i, address) in addresses.iter().enumerate() {
        csv.push_str(&format!("{address},Supporter {i},AM,2026-11-01\n"));
    }
    csv
}

/// Imports `csv` as the command line would.
pub async fn import(app: &TestApp, csv: &str, dry_run: bool) -> ImportReport {
    let csv = csv.as_bytes().to_vec();
    db::run(&app.pool, move |conn| {
        undersign::supporters::import::import(
            conn,
            SECRET_KEY,
            std::io::Cursor::new(csv),
            "test list",
            dry_run,
            Actor::CommandLine,
            &|_| {},
        )
    })
    .await
    .expect("the import runs")
}

/// Writes a draft asking for action on `slug` (empty: none) to everyone.
pub async fn draft(app: &TestApp, slug: &str, subject: &str) -> AlertId {
    let input = DraftInput {
        subject: subject.into(),
        body: "The ministers meet **tomorrow**. Please sign before they do.".into(),
        campaign: slug.into(),
        audience: "all".into(),
        ..DraftInput::default()
    };
    db::run(&app.pool, move |conn| {
        let draft = compose::check(conn, &input)?;
        anyhow::Ok(compose::create(conn, Actor::CommandLine, &draft)?)
    })
    .await
    .expect("a draft")
}

/// Sends draft `id` now and skips the undo window; returns the messages queued.
pub async fn send_now(app: &TestApp, id: AlertId) -> usize {
    let cap = app.settings.alert_cap;
    let sent = db::run(&app.pool, move |conn| {
        control::send(
            conn,
            Actor::CommandLine,
            id,
            When::Now,
            cap,
            "undersign.test",
        )
    })
    .await
    .expect("sent");
    app.make_outbox_due();
    sent.queued
}

/// The alert messages the SMTP server received.
pub fn alerts_received(app: &TestApp) -> Vec<crate::smtp_server::ReceivedMessage> {
    app.smtp
        .messages()
        .into_iter()
        .filter(|m| m.header("List-Id").is_some())
        .collect()
}

/// Fans out due alerts and marks finished ones sent, as `deliver` does.
pub async fn run_due(app: &TestApp) -> undersign::alerts::due::DueAlerts {
    let cap = app.settings.alert_cap;
    db::run(&app.pool, move |conn| {
        anyhow::Ok(undersign::alerts::due::run_due(
            conn,
            chrono::Utc::now(),
            cap,
            "undersign.test",
        )?)
    })
    .await
    .expect("the due pass")
}
