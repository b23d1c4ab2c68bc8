//! What every process starts with: the database (the managed local cluster or `DATABASE_URL`,
//! migrated) and the outbox drain with every kind of mail registered.

use crate::config::{DatabaseSource, SecretKey, Settings};
use crate::db::{self, local, DbPool};
use crate::mail::drain::{Drain, SEND_CONNECTIONS};
use crate::mail::transport::Mailer;
use crate::mail::RenderContext;

/// Connects to `DATABASE_URL` or starts the managed local cluster, then migrates.
pub async fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = match &settings.database {
        DatabaseSource::Url(url) => url.clone(),
        DatabaseSource::Local => {
            let root = settings.data_dir.clone();
            tokio::task::spawn_blocking(move || {
                let cluster =
                    local::LocalCluster::ensure_running(&root, local::Durability::Durable)?;
                cluster.create_database("undersign")?;
                Ok::<_, anyhow::Error>(cluster.url("undersign"))
            })
            .await??
        }
    };
    let key = settings.secret_key.clone();
    let pool = tokio::task::spawn_blocking(move || {
        let pool = db::connect(&url, 10)?;
        let mut conn = pool.get()?;
        db::migrate(&mut conn)?;
        let hashed = crate::mail::suppressions::hash_readable_rows(&mut conn, key.bytes())?;
        if hashed > 0 {
            tracing::info!(
                entries = hashed,
                "the do-not-mail list now holds keyed hashes only"
            );
        }
        Ok::<_, anyhow::Error>(pool)
    })
    .await??;
    Ok(pool)
}

/// Applies every pending migration, then what only the service can do after them (it holds
/// the secret key, SQL does not): hashing a readable do-not-mail list left by an older release.
pub fn migrate(conn: &mut diesel::PgConnection, key: &SecretKey) -> anyhow::Result<()> {
    db::migrate(conn)?;
    let hashed = crate::mail::suppressions::hash_readable_rows(conn, key.bytes())?;
    if hashed > 0 {
        tracing::info!(
            entries = hashed,
            "the do-not-mail list now holds keyed hashes only"
        );
    }
    Ok(())
}

/// The outbox drain as `settings` ask: the mailer, its connections and DKIM key, and every
/// kind of mail this installation sends.
pub fn drain(settings: &Settings, pool: &DbPool) -> anyhow::Result<Drain> {
    let mut mailer = Mailer::new(&settings.mail, &settings.from, SEND_CONNECTIONS)?;
    if let Some(dkim) = &settings.dkim {
        mailer = mailer.with_dkim(dkim)?;
    }
    if let Some(bounces) = &settings.bounce_address {
        mailer = mailer.with_bounces(bounces, &settings.secret_key);
    }
    Ok(Drain::new(
        pool.clone(),
        mailer,
        RenderContext::new(settings),
        crate::mail_kinds::all(settings),
    )
    .with_rate(settings.mail_rate))
}
