//! The test harness: a PostgreSQL for the whole run (the managed local cluster under
//! `target/test-pg`, or `DATABASE_URL`), a fresh database per test cloned from a migrated
//! template and dropped afterwards, a real SMTP server, and the app on port 0.

use crate::smtp_server::SmtpServer;
use diesel::{Connection, PgConnection, RunQueryDsl};
use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;
use std::sync::OnceLock;
use undersign::config::{DatabaseSource, MailSink, SecretKey, Settings};
use undersign::db::{self, local, DbPool};
use undersign::mail::drain::{Drain, DrainReport, SEND_CONNECTIONS};
use undersign::mail::transport::Mailer;
use undersign::mail::verp::BounceAddress;
use undersign::mail::RenderContext;
use undersign::web::Application;
use undersign::worker::DeliveryWorker;

/// The base URL the app puts in e-mails during tests.
pub const BASE_URL: &str = "http://undersign.test";

/// The secret key of every test app.
pub const SECRET_KEY: &[u8] = b"test secret key, at least 32 bytes long";
/// Where mail comes back to: every message's envelope sender is this with its own token.
pub const BOUNCE_ADDRESS: &str = "bounces@rivercommons.example";

/// The bearer token that opens `/metrics` in tests (see [`TestApp::metrics`]).
pub const METRICS_TOKEN: &str = "test metrics token";

/// Where test databases are created: an admin URL and a way to name a database on it.
struct Server {
    admin_url: String,
    template: String,
}

impl Server {
    fn url_for(&self, database: &str) -> String {
        with_database(&self.admin_url, database)
    }
}

/// Replaces the database name in a libpq URL (`postgresql://…/NAME?…`).
fn with_database(url: &str, database: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let admin_url = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-pg");
                let cluster =
                    local::LocalCluster::ensure_running(&root, local::Durability::Disposable)
                        .expect("the test PostgreSQL starts");
                cluster.url("postgres").expose_secret().to_string()
            }
        };
        let template = format!("undersign_tpl_{}", migrations_fingerprint());
        let server = Server {
            admin_url,
            template,
        };
        create_template(&server);
        server
    })
}

/// A short hash of the migrations and of the start-up code that runs after them, so a
/// changed migration gets a new template.
fn migrations_fingerprint() -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = walk(&root.join("migrations"));
    files.sort();
    files.push(root.join("src/startup.rs"));
    files.push(root.join("src/mail/suppressions.rs"));
    for file in files {
        file.file_name().hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Guards the template: building it, and cloning it (PostgreSQL refuses to copy a template
/// that another clone is reading at that instant, so clones take turns instead of retrying).
const TEMPLATE_LOCK: i64 = 4242;

/// Runs `work` on a new admin connection while holding [`TEMPLATE_LOCK`].
fn with_template_lock<T>(server: &Server, work: impl FnOnce(&mut PgConnection) -> T) -> T {
    let mut admin = PgConnection::establish(&server.admin_url).expect("admin connection");
    diesel::sql_query(format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
        .execute(&mut admin)
        .unwrap();
    let result = work(&mut admin);
    diesel::sql_query(format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
        .execute(&mut admin)
        .unwrap();
    result
}

/// Builds the template unless it exists. Test binaries may start at once: one builds it,
/// the others wait on the lock and find it built.
fn create_template(server: &Server) {
    with_template_lock(server, |admin| build_template(server, admin));
}

fn build_template(server: &Server, admin: &mut PgConnection) {
    let exists = diesel::sql_query(format!(
        "SELECT 1 FROM pg_database WHERE datname = '{}'",
        server.template
    ))
    .execute(admin)
    .unwrap()
        > 0;
    if !exists {
        let building = format!("{}_building", server.template);
        let _ = diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .execute(admin);
        diesel::sql_query(format!("CREATE DATABASE \"{building}\""))
            .execute(admin)
            .unwrap();
        {
            let mut conn = PgConnection::establish(&server.url_for(&building)).unwrap();
            undersign::startup::migrate(&mut conn, &SecretKey::new(SECRET_KEY.to_vec()))
                .expect("migrations apply");
        }
        diesel::sql_query(format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{}\"",
            server.template
        ))
        .execute(admin)
        .unwrap();
    }
}

/// A database of one test's own, dropped when the value is dropped.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        let server = server();
        let name = format!("undersign_test_{}", uuid::Uuid::now_v7().simple());
        with_template_lock(server, |admin| {
            diesel::sql_query(format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"",
                server.template
            ))
            .execute(admin)
            .unwrap_or_else(|e| panic!("cannot create the test database: {e}"))
        });
        TestDatabase {
            url: server.url_for(&name),
            name,
        }
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("test database connection")
    }

    /// Takes this database down as an outage would: every open connection is cut and new
    /// ones are refused until [`TestDatabase::come_back`].
    pub fn go_down(&self) {
        self.allow_connections(false);
        let mut admin = PgConnection::establish(&server().admin_url).expect("admin connection");
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'",
            self.name
        ))
        .execute(&mut admin)
        .expect("cut connections");
    }

    /// Ends the outage begun by [`TestDatabase::go_down`].
    pub fn come_back(&self) {
        self.allow_connections(true);
    }

    fn allow_connections(&self, allow: bool) {
        let mut admin = PgConnection::establish(&server().admin_url).expect("admin connection");
        diesel::sql_query(format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS {allow}",
            self.name
        ))
        .execute(&mut admin)
        .expect("change ALLOW_CONNECTIONS");
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&server().admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// A running app with its own database and SMTP server.
pub struct TestApp {
    pub address: String,
    pub pool: DbPool,
    pub smtp: SmtpServer,
    pub settings: Settings,
    /// The drain `deliver` would run, over [`TestApp::smtp`].
    pub drain: Drain,
    pub client: reqwest::Client,
    /// The `serve` worker, when the test asked for one; it stops with the test.
    pub _worker: Option<DeliveryWorker>,
    /// Set by [`TestApp::leaves_mail_unsent`]: the test means to end with mail still queued.
    pub mail_left_on_purpose: std::sync::atomic::AtomicBool,
    // Dropped last: the pool's connections must close first.
    pub db: TestDatabase,
}

/// How a test wants its app.
#[derive(Default)]
pub struct Options {
    pub run_worker: bool,
    /// How often the worker runs the due delivery work (`serve` every 30 s); none by default,
    /// so a test's own `deliver` runs are the only ones.
    pub due_every: Option<std::time::Duration>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub privacy_url: Option<String>,
    /// Instead of [`BASE_URL`].
    pub base_url: Option<String>,
    /// Instead of the production deadline for request bodies.
    pub body_timeout: Option<std::time::Duration>,
    /// Addresses that may read `/metrics` without the token.
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Configure no `/metrics` token at all.
    pub no_metrics_token: bool,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let db = TestDatabase::create();
    let smtp = SmtpServer::start();
    let settings = Settings {
        database: DatabaseSource::Url(SecretString::from(db.url.clone())),
        mail: MailSink::Smtp(SecretString::from(smtp.url())),
        base_url: options.base_url.unwrap_or_else(|| BASE_URL.to_string()),
        secret_key: SecretKey::new(SECRET_KEY.to_vec()),
        bind: "127.0.0.1:0".to_string(),
        data_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-data"),
        from: "River Commons <actions@rivercommons.example>".to_string(),
        trusted_proxies: options.trusted_proxies,
        privacy_url: options.privacy_url,
        ipv6_limit_prefix: undersign::config::DEFAULT_IPV6_PREFIX,
        body_timeout: options
            .body_timeout
            .unwrap_or(undersign::web::limits::BODY_TIMEOUT),
        metrics_token: (!options.no_metrics_token).then(|| SecretString::from(METRICS_TOKEN)),
        metrics_allow: options.metrics_allow,
        dkim: None,
        attachment_max: undersign::config::DEFAULT_ATTACHMENT_MAX,
        alert_cap: Default::default(),
        mail_rate: None,
        bounce_address: Some(BounceAddress::parse(BOUNCE_ADDRESS).expect("a bounce address")),
        bounce_mailbox: None,
        retention_days: undersign::signatures::retention::DEFAULT_DAYS,
        flag_hourly: undersign::config::DEFAULT_FLAG_HOURLY,
    };
    let pool = db::connect(&SecretString::from(db.url.clone()), 8).expect("pool");
    let mailer = Mailer::new(&settings.mail, &settings.from, SEND_CONNECTIONS)
        .expect("mailer")
        .with_bounces(
            settings.bounce_address.as_ref().expect("set above"),
            &settings.secret_key,
        );
    let drain = Drain::new(
        pool.clone(),
        mailer,
        RenderContext::new(&settings),
        undersign::mail_kinds::all(&settings),
    );
    let app = Application::build(settings.clone(), pool.clone()).expect("app builds");
    let worker = options.run_worker.then(|| {
        DeliveryWorker::spawn(
            drain.clone(),
            pool.clone(),
            options.due_every,
            undersign::worker::DueWork::of(&settings),
        )
    });
    let port = app.port();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        pool,
        smtp,
        settings,
        drain,
        client,
        _worker: worker,
        mail_left_on_purpose: Default::default(),
        db,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request is answered")
    }

    /// The Prometheus text of `/metrics`, fetched with the bearer token.
    pub async fn metrics(&self) -> String {
        let response = self
            .client
            .get(format!("{}/metrics", self.address))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .expect("request is answered");
        assert_eq!(response.status().as_u16(), 200, "/metrics with the token");
        response.text().await.unwrap()
    }

    /// Posts a urlencoded form built from `fields`.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.post_raw(path, "application/x-www-form-urlencoded", body.into_bytes())
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request is answered")
    }

    /// Signs `slug` as a supporter with `email` (other fields valid).
    pub async fn sign(&self, slug: &str, name: &str, email: &str) -> reqwest::Response {
        self.post_form(
            &format!("/c/{slug}/sign"),
            &[
                ("name", name),
                ("email", email),
                ("country", "HR"),
                ("updates", "yes"),
            ],
        )
        .await
    }

    /// Sends everything due through the real SMTP server, as `deliver` does.
    pub async fn drain(&self) -> DrainReport {
        self.drain.run(None).await.expect("drain works")
    }

    /// A mailer for the test SMTP server as `smtp_url` reaches it (e.g. with credentials).
    pub fn mailer(&self, smtp_url: &str) -> Mailer {
        Mailer::new(
            &MailSink::Smtp(SecretString::from(smtp_url.to_string())),
            &self.settings.from,
            SEND_CONNECTIONS,
        )
        .expect("mailer")
        .with_bounces(
            self.settings
                .bounce_address
                .as_ref()
                .expect("tests set one"),
            &self.settings.secret_key,
        )
    }

    /// A drain over `mailer` on this app's database.
    pub fn drain_with(&self, mailer: Mailer) -> Drain {
        Drain::new(
            self.pool.clone(),
            mailer,
            RenderContext::new(&self.settings),
            undersign::mail_kinds::all(&self.settings),
        )
    }

    /// Imports a letter file and returns the campaign's slug.
    pub async fn import(&self, letter: &str, launch: bool) -> String {
        let file =
            undersign::domain::letter_file::parse_letter_file(letter).expect("letter parses");
        let text = letter.to_string();
        db::run(&self.pool, move |conn| {
            anyhow::Ok(undersign::campaigns::import::import(
                conn,
                &file,
                &text,
                launch,
                undersign::organizers::audit::Actor::CommandLine,
            )?)
        })
        .await
        .expect("import works")
        .slug
    }

    /// Imports the standard test campaign, live.
    pub async fn live_campaign(&self) -> String {
        self.import(RIVER_COMMONS, true).await
    }

    /// Imports the standard test campaign, live, under another slug.
    pub async fn live_campaign_at(&self, slug: &str) -> String {
        let letter = RIVER_COMMONS.replace("stop-the-dam", slug);
        self.import(&letter, true).await
    }

    /// Signs `slug` with the updates box ticked or not, and confirms through the e-mailed
    /// link, as a supporter would (every e-mail due is sent on the way).
    pub async fn sign_and_confirm(&self, slug: &str, name: &str, email: &str, updates: bool) {
        let mut form = vec![("name", name), ("email", email), ("country", "AM")];
        if updates {
            form.push(("updates", "yes"));
        }
        let signed = self.post_form(&format!("/c/{slug}/sign"), &form).await;
        assert_eq!(signed.status().as_u16(), 303, "signed");
        self.drain().await;
        let message = self
            .smtp
            .messages()
            .into_iter()
            .rev()
            .find(|m| {
                m.rcpt_to.iter().any(|to| to == email)
                    && m.link_starting_with(&format!("{BASE_URL}/confirm/"))
                        .is_some()
            })
            .expect("a confirmation e-mail");
        assert_eq!(self.confirm_from(&message).await.status().as_u16(), 200);
    }

    /// Confirms a signature through the link in `message`.
    pub async fn confirm_from(
        &self,
        message: &crate::smtp_server::ReceivedMessage,
    ) -> reqwest::Response {
        let link = message
            .link_starting_with(&format!("{BASE_URL}/confirm/"))
            .expect("the e-mail carries a confirmation link");
        let path = link.trim_start_matches(BASE_URL);
        self.post_form(path, &[]).await
    }

    /// Waits without blocking the app's own tasks until `n` messages arrived or `timeout`
    /// passed, and returns what arrived.
    pub async fn wait_for_mail(
        &self,
        n: usize,
        timeout: std::time::Duration,
    ) -> Vec<crate::smtp_server::ReceivedMessage> {
        self.smtp.wait_for_messages(n, timeout).await
    }

    pub fn conn(&self) -> PgConnection {
        self.db.connect()
    }

    /// Claims up to `limit` due rows as a drain of this installation would, under a fresh
    /// lease of a minute (nothing is sent).
    pub async fn claim(&self, limit: i64) -> Vec<undersign::mail::outbox::Queued> {
        let kinds = undersign::mail_kinds::all(&self.settings);
        db::run(&self.pool, move |conn| {
            undersign::mail::outbox::claim(
                conn,
                SECRET_KEY,
                uuid::Uuid::now_v7(),
                std::time::Duration::from_secs(60),
                limit,
                &kinds,
                &[],
            )
        })
        .await
        .expect("claim")
    }

    /// Says that this test ends with mail pending or leased on purpose (it is about what is
    /// queued, not about what is sent); without it, such a test fails when it ends.
    pub fn leaves_mail_unsent(&self) {
        self.mail_left_on_purpose
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A test that leaves mail pending or leased has either forgotten to send it or lost track of
/// a claim: it fails, unless it said so with [`TestApp::leaves_mail_unsent`]. With a `serve`
/// worker running, the worker may be mid-send as the test ends (and waiting here would stop
/// it: the test's runtime has one thread), so such tests check what arrived themselves.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking()
            || self._worker.is_some()
            || self
                .mail_left_on_purpose
                .load(std::sync::atomic::Ordering::SeqCst)
        {
            return;
        }
        #[derive(diesel::QueryableByName)]
        struct Left {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            pending: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            leased: i64,
        }
        let Ok(mut conn) = PgConnection::establish(&self.db.url) else {
            return; // a test that stopped the database has nothing to check
        };
        let left = diesel::sql_query(
            "SELECT count(*) FILTER (WHERE state = 'pending') AS pending, \
                    count(*) FILTER (WHERE lease_token IS NOT NULL) AS leased FROM outbox",
        )
        .get_result::<Left>(&mut conn)
        .expect("count the outbox");
        assert!(
            left.pending == 0 && left.leased == 0,
            "the test left {} outbox rows pending and {} leased: send them (app.drain()), or \
             say the test means it with app.leaves_mail_unsent()",
            left.pending,
            left.leased
        );
    }
}

/// The attribute `name` of the HTML tag `tag` as written (still escaped), if it has one.
pub fn html_attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(tag[start..start + tag[start..].find('"')?].to_string())
}

/// Polls `check` every 20 ms, without blocking the app's own tasks, until it holds; fails the
/// test with `what` when it still does not after `timeout`.
pub async fn eventually<F, Fut>(what: &str, timeout: std::time::Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + timeout;
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "not within {timeout:?}: {what}"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The random source of a fault test: seeded from `UNDERSIGN_TEST_SEED` when set, otherwise
/// at random, and the seed printed so that a failure can be run again with the same moments.
pub fn fault_rng(test: &str) -> rand::rngs::StdRng {
    use rand::SeedableRng;
    let seed = std::env::var("UNDERSIGN_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{test}: UNDERSIGN_TEST_SEED={seed} repeats these fault moments");
    rand::rngs::StdRng::seed_from_u64(seed)
}

/// The sample letter with front matter that gives it a slug, a goal and a target.
pub const RIVER_COMMONS: &str = concat!(
    "+++\nslug = \"stop-the-dam\"\ngoal = 5000\ndelivery = \"daily 09:00 Europe/Brussels\"\n",
    "[[targets]]\nname = \"Marta Kovač\"\ntitle = \"Minister of Energy\"\nemail = \"minister@energy.example\"\n",
    "+++\n",
    include_str!("../fixtures/letters/river-commons-dam.txt")
);

#[test]
fn many_test_databases_cloned_at_once_are_all_created() {
    let clones: Vec<_> = (0..12)
        .map(|_| std::thread::spawn(TestDatabase::create))
        .collect();
    for clone in clones {
        let db = clone
            .join()
            .expect("the clone succeeded at its first attempt");
        drop(db.connect());
    }
}
