//! The import graph's promises: the mail layer and the settings name nothing above them (each
//! kind of mail is registered from the composition root), and only the web layer itself and
//! the command line name the web layer.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    files(dir, "rs")
}

/// Every file ending in `.{extension}` under `dir`, with its text.
fn files(dir: &Path, extension: &str) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            let text = std::fs::read_to_string(&path).unwrap();
            found.push((path, text));
        }
    }
    found
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The files among `files` that name `module`, as `crate::module` or `super::…::module`.
fn naming(files: &[(PathBuf, String)], module: &str) -> Vec<String> {
    files
        .iter()
        .filter(|(_, text)| text.contains(&format!("crate::{module}")))
        .map(|(path, _)| path.strip_prefix(src()).unwrap().display().to_string())
        .collect()
}

#[test]
fn the_mail_layer_and_the_settings_name_no_domain_module_above_them() {
    let mut files = sources(&src().join("mail"));
    files.push((
        src().join("config.rs"),
        std::fs::read_to_string(src().join("config.rs")).unwrap(),
    ));
    assert!(files.len() > 10, "the mail layer's files were read");
    for above in [
        "batches",
        "web",
        "cli",
        "signatures",
        "campaigns",
        "organizers",
        "supporters",
        "alerts",
        "mail_kinds",
    ] {
        assert_eq!(
            naming(&files, above),
            Vec::<String>::new(),
            "files below {above} that name it"
        );
    }
}

#[test]
fn only_the_web_layer_and_the_command_line_name_the_web_layer() {
    let outside: Vec<_> = sources(&src())
        .into_iter()
        .filter(|(path, _)| {
            let relative = path.strip_prefix(src()).unwrap();
            !relative.starts_with("web")
                && !relative.starts_with("cli")
                && relative != Path::new("cli.rs")
                && relative != Path::new("main.rs")
        })
        .collect();
    assert!(!outside.is_empty());
    assert_eq!(naming(&outside, "web"), Vec::<String>::new());
}

#[test]
fn only_the_command_line_prints_everything_else_returns_what_it_did() {
    let printing: Vec<String> = sources(&src())
        .into_iter()
        .filter(|(path, _)| {
            let relative = path.strip_prefix(src()).unwrap();
            !relative.starts_with("cli") && relative != Path::new("main.rs")
        })
        .filter(|(_, text)| {
            ["println!", "eprintln!", "print!(", "eprint!("]
                .iter()
                .any(|m| text.contains(m))
        })
        .map(|(path, _)| path.strip_prefix(src()).unwrap().display().to_string())
        .collect();
    assert_eq!(printing, Vec::<String>::new());
}

#[test]
fn errors_know_no_admin_screen_and_no_admin_screen_needs_the_dashboard() {
    let errors = std::fs::read_to_string(src().join("web/errors.rs")).unwrap();
    assert!(
        !errors.contains("admin::") && !errors.contains("super::admin"),
        "web/errors.rs names the admin: the admin's layout is chosen in web/error_pages.rs"
    );
    let screens: Vec<_> = sources(&src().join("web/admin"))
        .into_iter()
        .filter(|(path, _)| !path.ends_with("dashboard.rs") && !path.ends_with("mod.rs"))
        .filter(|(_, text)| text.contains("dashboard::") || text.contains("super::dashboard"))
        .map(|(path, _)| path.strip_prefix(src()).unwrap().display().to_string())
        .collect();
    assert_eq!(
        screens,
        Vec::<String>::new(),
        "screens that reach into the dashboard (the campaign comes from managed::ManagedCampaign)"
    );
}

#[test]
fn no_template_writes_a_path_of_the_site_by_hand() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut by_hand = Vec::new();
    for (path, text) in files(&templates, "html") {
        for attribute in ["href=\"/", "action=\"/", "src=\"/"] {
            if text.contains(attribute) {
                by_hand.push(format!(
                    "{}: {attribute}…",
                    path.strip_prefix(&templates).unwrap().display()
                ));
            }
        }
    }
    assert_eq!(
        by_hand,
        Vec::<String>::new(),
        "paths go through crate::urls"
    );
}
