//! A supporter's data on request, through the real binary: export everything held on them,
//! then erase it — and a scan of every column of every table finds them nowhere.

use crate::alerts::{csv_of, draft, import, send_now};
use crate::batches::count;
use crate::cli::undersign;
use crate::helpers::{spawn_app, TestApp, SECRET_KEY};
use diesel::RunQueryDsl;

/// Rows of any table whose text, JSON or bytes hold `needle` (case-insensitive), as
/// `table.column` with the count.
fn everywhere(app: &TestApp, needle: &str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        data_type: String,
    }
    let mut conn = app.conn();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea') \
           AND table_name NOT LIKE '\\_\\_%'",
    )
    .load(&mut conn)
    .unwrap();
    let mut found = Vec::new();
    for c in columns {
        let test = if c.data_type == "bytea" {
            format!(
                "(position(convert_to($1, 'UTF8') IN {col}) > 0 OR position(convert_to(lower($1), 'UTF8') IN {col}) > 0)",
                col = c.column_name
            )
        } else {
            format!(
                "strpos(lower({col}::text), lower($1)) > 0",
                col = c.column_name
            )
        };
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM \"{}\" WHERE {test}",
            c.table_name
        ))
        .bind::<diesel::sql_types::Text, _>(needle)
        .get_result(&mut conn)
        .unwrap();
        if n.n > 0 {
            found.push(format!("{}.{} ({})", c.table_name, c.column_name, n.n));
        }
    }
    found
}

fn run(app: &TestApp, args: &[&str]) -> String {
    let out = undersign(app)
        .args(args)
        .env(
            "UNDERSIGN_SECRET_KEY",
            std::str::from_utf8(SECRET_KEY).unwrap(),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[actix_web::test]
async fn a_supporter_gets_everything_held_on_them_and_after_an_erase_no_table_names_them() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign_and_confirm(&slug, "Zorana Vuković", "zorana.v@example.org", true)
        .await;
    app.sign_and_confirm(&slug, "Ben Other", "ben@example.org", true)
        .await;
    diesel::sql_query(
        "UPDATE signatures SET postcode = '11000', \
         comment = CASE WHEN name = 'Zorana Vuković' THEN 'Zorana Vuković says: save the river' END",
    )
    .execute(&mut app.conn())
    .unwrap();
    import(&app, &csv_of(&["zorana.v@example.org"]), false).await;
    let id = draft(&app, "", "The vote is on Tuesday").await;
    send_now(&app, id).await;
    app.drain().await;
    let counted = count(
        &app,
        "SELECT signatures::bigint AS n FROM campaign_counters",
    );

    let exported: serde_json::Value = serde_json::from_str(&run(
        &app,
        &["supporters", "export", "Zorana.V@example.org"],
    ))
    .unwrap();
    assert_eq!(exported["supporter"]["email"], "zorana.v@example.org");
    assert_eq!(exported["signatures"][0]["name"], "Zorana Vuković");
    assert_eq!(exported["signatures"][0]["postcode"], "11000");
    assert!(
        exported["supporter"]["alerts_consent"]["wording"].is_string(),
        "{exported}"
    );
    assert_eq!(
        exported["alerts_received"][0]["subject"],
        "The vote is on Tuesday"
    );
    assert!(
        !exported.to_string().contains("ben@example.org"),
        "nobody else's data"
    );

    let said = run(&app, &["supporters", "erase", "zorana.v@example.org"]);
    assert!(
        said.starts_with("erased: 1 signatures kept as anonymous"),
        "{said}"
    );
    assert!(!said.contains('@'), "{said}");
    assert_eq!(
        everywhere(&app, "zorana.v@example.org"),
        Vec::<String>::new(),
        "the address is nowhere"
    );
    assert_eq!(
        everywhere(&app, "Zorana Vuković"),
        Vec::<String>::new(),
        "the name is nowhere"
    );
    assert_eq!(
        count(
            &app,
            "SELECT signatures::bigint AS n FROM campaign_counters"
        ),
        counted,
        "the count does not move"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM signatures WHERE postcode = '11000'"
        ),
        1,
        "only Ben's"
    );
    assert!(
        !everywhere(&app, "ben@example.org").is_empty(),
        "the other supporter is untouched"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM audit_log WHERE action IN ('export supporter', 'erase supporter')"),
        2
    );
    let again = undersign(&app)
        .args(["supporters", "export", "zorana.v@example.org"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no supporter has that address"));
}

#[actix_web::test]
async fn an_editor_finds_a_supporter_downloads_their_data_and_erases_them_from_the_admin() {
    use undersign::organizers::Role;
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign_and_confirm(&slug, "Aram Petrosyan", "aram@example.org", true)
        .await;
    let editor = app.admin(Role::Editor).await;
    let found = editor.page("/admin/supporters?q=aram").await;
    let link = found
        .split("href=\"")
        .find_map(|rest| {
            rest.split('"')
                .next()
                .filter(|h| h.starts_with("/admin/supporters/0"))
        })
        .unwrap_or_else(|| panic!("a link to the supporter: {found}"))
        .to_string();
    let page = editor.page(&link).await;
    assert!(
        page.contains("aram@example.org") && page.contains("Aram Petrosyan"),
        "{page}"
    );

    let export = editor.get(&format!("{link}/export")).await;
    assert_eq!(export.status().as_u16(), 200);
    assert!(export.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let doc: serde_json::Value = export.json().await.unwrap();
    assert_eq!(doc["signatures"][0]["name"], "Aram Petrosyan");

    let unticked = editor.post(&format!("{link}/erase"), &[]).await;
    assert_eq!(
        unticked.status().as_u16(),
        422,
        "nothing erased without the box ticked"
    );
    assert!(!everywhere(&app, "aram@example.org").is_empty());
    let erased = editor
        .post(&format!("{link}/erase"), &[("confirm", "yes")])
        .await;
    assert_eq!(erased.status().as_u16(), 200);
    assert!(erased
        .text()
        .await
        .unwrap()
        .contains("The supporter was erased"));
    assert_eq!(everywhere(&app, "aram@example.org"), Vec::<String>::new());
    let after = editor.page(&link).await;
    assert!(
        !after.contains("aram@example.org") && !after.contains("Aram Petrosyan"),
        "what is left of them names nobody: {after}"
    );

    let viewer = app.admin(Role::Viewer).await;
    assert_eq!(
        viewer.get(&link).await.status().as_u16(),
        403,
        "viewers never see a supporter's data"
    );
}
