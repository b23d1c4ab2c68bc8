//! The organizers' side under `/admin`, through HTTP: sign-in, sessions, the CSRF guard,
//! roles, and every screen.

mod account;
mod alerts;
mod asking_again;
mod audit_trail;
mod auth;
mod campaigns;
mod cli;
mod csrf;
mod deliveries;
mod editor;
mod hashing;
mod methods;
mod preview;
mod removal;
mod reset;
mod signatures;
mod slow_bodies;
mod stored;
mod throttle;
mod users;

use crate::helpers::TestApp;
use undersign::db;
use undersign::organizers::{self, password, Role};

pub const PASSWORD: &str = "a long enough password";

/// A browser of one organizer: its own cookie jar, signed in.
pub struct Admin {
    pub client: reqwest::Client,
    pub address: String,
    pub csrf_token: String,
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The value of the first `csrf_token` field on `page`.
pub fn csrf_token_in(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("the page has a form token") + marker.len();
    page[start..][..page[start..].find('"').unwrap()].to_string()
}

impl TestApp {
    /// Creates an account with `email` and `role` directly in the database.
    pub async fn organizer_account(&self, email: &str, role: Role) {
        let email = organizers::check_new(email, PASSWORD).unwrap();
        let hash = password::hash(PASSWORD).unwrap();
        db::run(&self.pool, move |conn| {
            organizers::insert(conn, &email, &hash, role)?;
            anyhow::Ok(())
        })
        .await
        .unwrap();
    }

    /// The first-run setup link's token, as `serve` would print it.
    pub async fn setup_token(&self) -> String {
        db::run(&self.pool, |conn| {
            anyhow::Ok(organizers::setup::issue_if_needed(conn)?)
        })
        .await
        .unwrap()
        .expect("no organizer exists yet")
    }

    /// Signs in through the login form with a fresh browser.
    pub async fn sign_in(&self, email: &str, password: &str) -> (Admin, reqwest::Response) {
        let client = browser();
        let form = client
            .get(format!("{}/admin/login", self.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let response = client
            .post(format!("{}/admin/login", self.address))
            .form(&[
                ("csrf_token", csrf_token_in(&form).as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        let mut admin = Admin {
            client,
            address: self.address.clone(),
            csrf_token: String::new(),
        };
        if response.status().as_u16() == 303 {
            let home = admin.get("/admin").await.text().await.unwrap();
            admin.csrf_token = csrf_token_in(&home);
        }
        (admin, response)
    }

    /// A signed-in organizer with `role`.
    pub async fn admin(&self, role: Role) -> Admin {
        let email = format!("{}@rivercommons.example", role.as_str());
        self.organizer_account(&email, role).await;
        let (admin, response) = self.sign_in(&email, PASSWORD).await;
        assert_eq!(response.status().as_u16(), 303, "sign-in works");
        admin
    }
}

impl Admin {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

    /// The body of the page at `path`.
    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// Posts `fields` with the session's form token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf_token", self.csrf_token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `fields`.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

#[actix_web::test]
async fn sign_ins_are_audited_with_a_hashed_address_and_owners_filter_and_download_the_log() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.admin(Role::Owner).await;
    app.organizer_account("ed@rivercommons.example", Role::Editor)
        .await;
    let (_, refused) = app
        .sign_in("ed@rivercommons.example", "not the password")
        .await;
    assert_eq!(refused.status().as_u16(), 401);
    let (_, unknown) = app.sign_in("nobody@rivercommons.example", "guess").await;
    assert_eq!(unknown.status().as_u16(), 401);

    let page = owner.page("/admin/audit?action=sign-in+failed").await;
    assert_eq!(page.matches("<td>sign-in failed</td>").count(), 2, "{page}");
    assert!(
        page.contains("ed@rivercommons.example") && page.contains("someone at the sign-in page"),
        "{page}"
    );
    assert!(
        !page.contains("127.0.0.1") && !page.contains("nobody@"),
        "no address typed or client address: {page}"
    );
    assert!(page.contains("ip: "), "a keyed hash of it: {page}");
    let mine = owner
        .page("/admin/audit?organizer=owner%40rivercommons.example&action=sign+in")
        .await;
    assert_eq!(mine.matches("<td>sign in</td>").count(), 1, "{mine}");
    assert!(!mine.contains("<td>sign-in failed</td>"));

    let csv = owner
        .get("/admin/audit?action=sign-in+failed&format=csv")
        .await;
    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert_eq!(
        text.lines().count(),
        3,
        "a header and the two refusals: {text}"
    );
    assert!(text.starts_with("when,who,action,campaign,details"));
}
