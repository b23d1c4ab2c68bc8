//! Every change leaves exactly one entry in the audit log, written by the service inside the
//! change's own transaction, whether it came from the admin or the command line; a refusal
//! leaves none, and a change whose entry cannot be written does not happen.

use crate::batches::{add_signatures, letter, one_target_by_hand};
use crate::cli::{text, undersign};
use crate::helpers::{spawn_app, TestApp};
use diesel::prelude::*;
use undersign::db::schema::{audit_log, campaigns};
use undersign::organizers::Role;

/// Every entry as (action, via), oldest first.
fn entries(app: &TestApp) -> Vec<(String, String)> {
    audit_log::table
        .order(audit_log::id)
        .select((audit_log::action, audit_log::via))
        .load(&mut app.conn())
        .unwrap()
}

fn status_of(app: &TestApp, slug: &str) -> String {
    campaigns::table
        .filter(campaigns::slug.eq(slug))
        .select(campaigns::status)
        .first(&mut app.conn())
        .unwrap()
}

fn signature_id(app: &TestApp, name: &str) -> String {
    use undersign::db::schema::signatures;
    let id: uuid::Uuid = signatures::table
        .filter(signatures::name.eq(name))
        .select(signatures::id)
        .first(&mut app.conn())
        .unwrap();
    id.to_string()
}

/// That `step` wrote exactly one entry, for `action` (by `via`, when given), or none.
fn assert_wrote(app: &TestApp, before: usize, step: &str, wrote: Option<&str>, via: Option<&str>) {
    let after = entries(app);
    match wrote {
        Some(action) => {
            assert_eq!(after.len(), before + 1, "{step} writes one entry");
            let (got, by) = after.last().unwrap();
            assert_eq!(got, action, "{step}");
            if let Some(via) = via {
                assert_eq!(by, via, "{step}");
            }
        }
        None => assert_eq!(after.len(), before, "{step} is refused and writes nothing"),
    }
}

/// Runs `undersign args…`; whether it succeeded, with its stderr.
fn run(app: &TestApp, args: &[&str]) -> (bool, String) {
    let output = undersign(app).args(args).output().unwrap();
    (output.status.success(), text(&output).1)
}

#[actix_web::test]
async fn each_state_changing_command_writes_one_entry_by_the_command_line_and_a_refusal_none() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let dir = std::env::temp_dir().join(format!("undersign-audit-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("letter.txt");
    std::fs::write(
        &file,
        letter("manual", &[("Marta Kovač", "minister@energy.example")]),
    )
    .unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "+++\nslug = \"Not A Slug\"\n+++\nDear Minister,\n").unwrap();
    let file = file.to_str().unwrap();
    let slug = "stop-the-dam";

    // (arguments, the entry a success writes, or None for a refusal)
    let steps: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["campaign", "import", bad.to_str().unwrap()], None),
        (vec!["campaign", "import", file], Some("create")),
        (vec!["campaign", "close", slug], None), // a draft that was never launched
        (vec!["campaign", "launch", slug], Some("launch")),
        (vec!["campaign", "launch", "no-such-action"], None),
        (
            vec![
                "campaign",
                "preview",
                slug,
                "--send-test-to",
                "me@rivercommons.example",
            ],
            Some("send-test"),
        ),
        (vec!["campaign", "deliver-now", slug], Some("deliver-now")),
        (
            vec!["campaign", "retry-target", slug, "nobody@energy.example"],
            None,
        ),
        (vec!["campaign", "export", slug], Some("export")),
        (vec!["campaign", "close", slug], Some("close")),
        (vec!["campaign", "reopen", slug], Some("reopen")),
        (
            vec!["user", "add", "ana@rivercommons.example"],
            Some("add organizer"),
        ),
        (vec!["user", "add", "ana@rivercommons.example"], None),
    ];
    for (args, wrote) in steps {
        if args[..2] == ["campaign", "preview"] {
            add_signatures(&app, slug, 1, 2, true);
        }
        let before = entries(&app).len();
        let (ok, stderr) = run(&app, &args);
        assert_eq!(
            ok,
            wrote.is_some(),
            "{args:?} succeeds, or is refused: {stderr}"
        );
        assert_wrote(
            &app,
            before,
            &format!("{args:?}"),
            wrote,
            Some("command line"),
        );
    }
}

#[actix_web::test]
async fn each_change_in_the_admin_writes_one_entry_for_its_organizer_and_a_refusal_none() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = one_target_by_hand(&app).await;
    let draft = app
        .import(
            "+++\nslug = \"draft\"\n+++\nDear Minister,\n\nPlease.\n",
            false,
        )
        .await;
    add_signatures(&app, &slug, 1, 3, true);
    let signer = signature_id(&app, "Signer 2");
    let owner = app.admin(Role::Owner).await;
    let editor_id = {
        app.organizer_account("editor@rivercommons.example", Role::Editor)
            .await;
        app.organizer_id("editor@rivercommons.example")
    };
    let own_id = app.organizer_id("owner@rivercommons.example");
    let campaign = |part: &str| format!("/admin/campaigns/{slug}/{part}");

    type Step<'a> = (String, Vec<(&'a str, &'a str)>, Option<&'a str>);
    let steps: Vec<Step> = vec![
        (format!("/admin/campaigns/{draft}/launch"), vec![], None), // no target
        (format!("/admin/campaigns/{draft}/close"), vec![], None),  // never launched
        (campaign("preview/send-test"), vec![], Some("send-test")),
        (campaign("deliver-now"), vec![], Some("deliver-now")),
        (
            campaign(&format!("signatures/{signer}/invalidate")),
            vec![],
            Some("invalidate"),
        ),
        (
            campaign(&format!("signatures/{signer}/invalidate")),
            vec![],
            None, // not counted any more
        ),
        (
            campaign(&format!("signatures/{signer}/release")),
            vec![],
            Some("release"),
        ),
        (campaign("archive"), vec![], None), // live
        (campaign("close"), vec![], Some("close")),
        (campaign("archive"), vec![], Some("archive")),
        (campaign("unarchive"), vec![], Some("unarchive")),
        (campaign("reopen"), vec![], Some("reopen")),
        (campaign("delete"), vec![], None), // not a draft
        (
            format!("/admin/campaigns/{draft}/delete"),
            vec![],
            Some("delete"),
        ),
        (
            "/admin/users/invite".into(),
            vec![("email", "editor@rivercommons.example"), ("role", "editor")],
            None, // has an account already
        ),
        (
            "/admin/users/invite".into(),
            vec![("email", "new@rivercommons.example"), ("role", "viewer")],
            Some("invite"),
        ),
        (
            format!("/admin/users/{own_id}/role"),
            vec![("role", "viewer")],
            None, // oneself
        ),
        (
            format!("/admin/users/{editor_id}/role"),
            vec![("role", "viewer")],
            Some("role"),
        ),
        (
            format!("/admin/users/{editor_id}/remove"),
            vec![],
            Some("remove"),
        ),
        (
            "/admin/account/password".into(),
            vec![
                ("current", "not my password"),
                ("new", "a new long password"),
                ("confirm", "a new long password"),
            ],
            None,
        ),
        (
            "/admin/account/password".into(),
            vec![
                ("current", crate::admin::PASSWORD),
                ("new", "a new long password"),
                ("confirm", "a new long password"),
            ],
            Some("change password"),
        ),
    ];
    for (path, fields, wrote) in steps {
        let before = entries(&app).len();
        let response = owner.post(&path, &fields).await;
        let status = response.status().as_u16();
        if wrote.is_some() {
            assert!(
                status == 303 || status == 200,
                "{path}: {status} {}",
                response.text().await.unwrap()
            );
        } else {
            assert!((400..500).contains(&status), "{path} is refused: {status}");
        }
        assert_wrote(&app, before, &path, wrote, Some("admin"));
    }

    // The two forms with bodies of their own: a new campaign and the editor's save.
    let letter = "+++\nslug = \"fresh\"\n+++\nDear Minister,\n\nPlease.\n";
    let form = super::editor::form_of(&app.stored_campaign(&slug));
    type Post<'a> = (String, Vec<(String, String)>, Option<&'a str>);
    let posts: Vec<Post> = vec![
        (
            "/admin/campaigns".into(),
            vec![("letter".into(), "Dear Minister,\0".into())],
            None,
        ),
        (
            "/admin/campaigns".into(),
            vec![("letter".into(), letter.into())],
            Some("create"),
        ),
        (
            campaign("edit"),
            super::editor::with(form.clone(), "goal", "lots"),
            None,
        ),
        (
            campaign("edit"),
            super::editor::with(form, "title", "A new title"),
            Some("edit"),
        ),
    ];
    for (path, fields, wrote) in posts {
        let before = entries(&app).len();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(f, v)| (f.as_str(), v.as_str()))
            .collect();
        let status = owner.post(&path, &fields).await.status().as_u16();
        assert_eq!(status, if wrote.is_some() { 303 } else { 422 }, "{path}");
        assert_wrote(&app, before, &path, wrote, None);
    }
    let page = owner.page("/admin/audit").await;
    assert!(
        page.contains("command line"),
        "the imports say who made them"
    );
}

#[actix_web::test]
async fn a_change_whose_audit_entry_cannot_be_written_is_not_made() {
    let app = spawn_app().await;
    let slug = one_target_by_hand(&app).await;
    let owner = app.admin(Role::Owner).await;
    use diesel::connection::SimpleConnection;
    app.conn()
        .batch_execute(
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'the audit log is full'; END $$; \
         CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
         FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        )
        .unwrap();

    let response = owner
        .post(&format!("/admin/campaigns/{slug}/close"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(
        status_of(&app, &slug),
        "live",
        "the admin's close was undone"
    );

    let (ok, _) = run(&app, &["campaign", "close", &slug]);
    assert!(!ok);
    assert_eq!(
        status_of(&app, &slug),
        "live",
        "the command's close was undone"
    );

    let (ok, _) = run(&app, &["user", "add", "ana@rivercommons.example"]);
    assert!(!ok);
    use undersign::db::schema::organizers;
    let accounts: i64 = organizers::table
        .filter(organizers::email.eq("ana@rivercommons.example"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(accounts, 0, "no account without its entry");
}
