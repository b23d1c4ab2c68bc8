//! The labelled corpus under `tests/fixtures/bounces/`: delivery status notifications as
//! Postfix, Exim, Exchange, Gmail, Outlook, Yahoo and others shape them, feedback reports with
//! and without the original, auto-replies, challenge-response mails and garbage. Every one is
//! read as its label says.

use std::path::PathBuf;
use undersign::bounces::{classify, Class};
use undersign::mail::verp::BounceAddress;

#[derive(serde::Deserialize)]
struct Labels {
    fixture: Vec<Label>,
}

#[derive(serde::Deserialize)]
struct Label {
    file: String,
    shape: String,
    class: String,
    status: Option<String>,
    token: Option<String>,
    message_id: Option<String>,
}

fn corpus() -> (PathBuf, Vec<Label>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bounces");
    let labels = std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml");
    let labels: Labels = toml::from_str(&labels).expect("labels.toml parses");
    (dir, labels.fixture)
}

#[test]
fn every_fixture_is_read_as_its_label_says() {
    let (dir, labels) = corpus();
    assert!(
        labels.len() >= 60,
        "a corpus of at least 60 messages, not {}",
        labels.len()
    );
    let bounces = BounceAddress::parse("bounces@act.example").unwrap();
    let mut wrong = Vec::new();
    for label in &labels {
        let raw = std::fs::read(dir.join(&label.file)).unwrap_or_else(|_| panic!("{}", label.file));
        let report = classify(&raw);
        let expected = Class::parse(&label.class)
            .unwrap_or_else(|| panic!("{}: class {:?}", label.file, label.class));
        if report.class != expected {
            wrong.push(format!(
                "{} ({}): read as {:?} {:?} {:?}, labelled {:?}",
                label.file, label.shape, report.class, report.status, report.detail, expected
            ));
        }
        if let Some(status) = &label.status {
            if report.class == expected && report.status.as_ref() != Some(status) {
                wrong.push(format!(
                    "{} ({}): status {:?}, labelled {status}",
                    label.file, label.shape, report.status
                ));
            }
        }
        if let Some(token) = &label.token {
            if !bounces.tokens_in(&report.text).contains(&token.as_str()) {
                wrong.push(format!(
                    "{} ({}): token {token} not found",
                    label.file, label.shape
                ));
            }
        }
        if let Some(id) = &label.message_id {
            if matches!(expected, Class::Complaint | Class::Hard | Class::Soft)
                && !report.original_ids.contains(id)
            {
                wrong.push(format!(
                    "{} ({}): original {id} not found in {:?}",
                    label.file, label.shape, report.original_ids
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} misread:\n{}",
        wrong.len(),
        labels.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_class_is_in_the_corpus_and_every_file_is_labelled() {
    let (dir, labels) = corpus();
    for class in [
        "hard",
        "soft",
        "complaint",
        "auto_reply",
        "delivered",
        "unreadable",
    ] {
        assert!(
            labels.iter().any(|l| l.class == class),
            "no {class} fixture"
        );
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".eml"))
        .collect();
    files.sort();
    let mut labelled: Vec<String> = labels.iter().map(|l| l.file.clone()).collect();
    labelled.sort();
    assert_eq!(
        files, labelled,
        "each .eml has one label and each label one file"
    );
}

#[test]
fn a_cut_or_mangled_message_is_read_as_something_never_a_crash() {
    // An MTA retries a pipe that crashed, for days: every input must come back as a class.
    let (dir, labels) = corpus();
    let mut seed: u64 = 0x5eed_b00c;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for label in &labels {
        let raw = std::fs::read(dir.join(&label.file)).unwrap();
        for cut in (0..raw.len()).step_by(61) {
            let _ = classify(&raw[..cut]);
        }
        for _ in 0..20 {
            let mut mangled = raw.clone();
            for _ in 0..8 {
                let at = (next() as usize) % mangled.len().max(1);
                if let Some(b) = mangled.get_mut(at) {
                    *b = (next() & 0xff) as u8;
                }
            }
            let _ = classify(&mangled);
        }
    }
    let _ = classify(&[0xff; 10_000]);
    let _ = classify(b"Content-Type: multipart/report; boundary=\"x\"\n\n--x\nContent-Type: message/delivery-status\n\n");
}
