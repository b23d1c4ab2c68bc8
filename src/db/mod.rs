//! The PostgreSQL side: the connection pool, the embedded migrations, and the managed local
//! cluster used when no `DATABASE_URL` is given.

pub mod local;
pub mod schema;
pub mod types;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// The migrations under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pool of synchronous Diesel connections; every query runs through [`run`].
pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// The longest a pool checkout waits. While PostgreSQL is down or every connection is busy,
/// a request answers 503 within this time instead of hanging, and a worker retries later.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(1);

/// Any advisory-lock key works as long as every process uses the same one.
const MIGRATION_LOCK: i64 = 0x756e_6465_7273_6967;

/// Opens a pool on `url`. Fails fast when the database cannot be reached.
pub fn connect(url: &SecretString, max_size: u32) -> anyhow::Result<DbPool> {
    let manager = ConnectionManager::<PgConnection>::new(url.expose_secret());
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(CHECKOUT_TIMEOUT)
        .build(manager)
        .context("could not connect to PostgreSQL (check DATABASE_URL)")
}

/// Applies every pending migration. Safe to call from several processes at once: they take
/// turns on an advisory lock, and the later ones find nothing left to do.
pub fn migrate(conn: &mut PgConnection) -> anyhow::Result<usize> {
    conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.len())
        .map_err(|e| anyhow::anyhow!("applying migrations failed: {e}"));
    conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
    applied
}

/// Why [`run`] could not run its work at all (the work's own errors are its own).
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("no database connection available")]
    NoConnection(#[source] diesel::r2d2::PoolError),
    #[error("database task was cancelled")]
    Cancelled(#[source] tokio::task::JoinError),
}

/// Runs blocking Diesel work on the blocking thread pool so request handlers and workers
/// never stall the async executor. Waits at most [`CHECKOUT_TIMEOUT`] for a connection. The
/// work keeps its own error type (`QueryResult`, a service's error enum, `anyhow`), which
/// must also be able to say that no connection could be had ([`Unavailable`]).
pub async fn run<T, E, F>(pool: &DbPool, work: F) -> Result<T, E>
where
    T: Send + 'static,
    E: From<Unavailable> + Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
{
    run_within(pool, CHECKOUT_TIMEOUT, work).await
}

/// [`run`], waiting at most `checkout` for a connection.
pub async fn run_within<T, E, F>(pool: &DbPool, checkout: Duration, work: F) -> Result<T, E>
where
    T: Send + 'static,
    E: From<Unavailable> + Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool
            .get_timeout(checkout)
            .map_err(|e| E::from(Unavailable::NoConnection(e)))?;
        work(&mut conn)
    })
    .await
    .map_err(|e| E::from(Unavailable::Cancelled(e)))?
}
