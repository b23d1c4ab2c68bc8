//! The managed local PostgreSQL cluster: found, initialised and started on demand under the
//! data directory, listening only on a Unix socket inside it, shared by every process that
//! uses the same directory.

use anyhow::{bail, Context};
use fs2::FileExt;
use secrecy::SecretString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a cluster is tuned: the service keeps every commit durable; a test cluster trades
/// durability for speed because its databases are thrown away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Disposable,
}

/// A running cluster under `root` (`root/postgres` holds the data, `root/run` the socket).
#[derive(Debug, Clone)]
pub struct LocalCluster {
    root: PathBuf,
    bin: PathBuf,
}

impl LocalCluster {
    /// Starts the cluster under `root` unless it already runs, initialising it on first use.
    /// Concurrent callers take turns on a lock file, so exactly one of them starts it.
    pub fn ensure_running(root: &Path, durability: Durability) -> anyhow::Result<Self> {
        fs::create_dir_all(root)
            .with_context(|| format!("cannot create the data directory {}", root.display()))?;
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root.display()))?;
        let bin = find_server_binaries()?;
        let lock_path = root.join("postgres.lock");
        let cluster = LocalCluster {
            root: server_reachable_root(&root)?,
            bin,
        };

        let lock = fs::File::create(&lock_path)
            .with_context(|| format!("cannot create {}", lock_path.display()))?;
        lock.lock_exclusive()
            .context("cannot lock the local database")?;
        let started = cluster
            .init_if_needed(durability)
            .and_then(|()| cluster.start_if_needed());
        let _ = FileExt::unlock(&lock);
        started?;
        Ok(cluster)
    }

    /// The data directory of the cluster.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("postgres")
    }

    fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    /// A libpq URL for `database` on this cluster's socket.
    pub fn url(&self, database: &str) -> SecretString {
        let host: String =
            form_urlencoded::byte_serialize(self.socket_dir().to_string_lossy().as_bytes())
                .collect();
        SecretString::from(format!("postgresql://postgres@/{database}?host={host}"))
    }

    /// Creates `database` unless it exists.
    pub fn create_database(&self, database: &str) -> anyhow::Result<()> {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        use secrecy::ExposeSecret;
        let mut conn = PgConnection::establish(self.url("postgres").expose_secret())
            .context("cannot connect to the local PostgreSQL")?;
        let exists: i64 = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM pg_database WHERE datname = '{database}'"
        ))
        .get_result::<Count>(&mut conn)?
        .n;
        if exists == 0 {
            if let Err(e) =
                diesel::sql_query(format!("CREATE DATABASE \"{database}\"")).execute(&mut conn)
            {
                // Another process may have created it in the meantime.
                if !e.to_string().contains("already exists") {
                    return Err(e).context("cannot create the database");
                }
            }
        }
        Ok(())
    }

    /// Stops the cluster (used by tooling; the service leaves it running for the next process).
    pub fn stop(&self) -> anyhow::Result<()> {
        let data = self.data_dir();
        self.pg_command(
            "pg_ctl",
            &["-D", &data.to_string_lossy(), "-m", "fast", "stop"],
        )
        .status()
        .context("cannot run pg_ctl")?;
        Ok(())
    }

    fn init_if_needed(&self, durability: Durability) -> anyhow::Result<()> {
        let data = self.data_dir();
        if data.join("PG_VERSION").exists() {
            return Ok(());
        }
        let socket = self.socket_dir();
        for dir in [&data, &socket] {
            fs::create_dir_all(dir)?;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
            self.hand_to_server_user(dir)?;
        }
        let output = self
            .pg_command(
                "initdb",
                &[
                    "-D",
                    &data.to_string_lossy(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                ],
            )
            .output()
            .context("cannot run initdb")?;
        if !output.status.success() {
            bail!(
                "initdb failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let mut conf = format!(
            "\n# Managed by Undersign: Unix socket only.\nlisten_addresses = ''\nunix_socket_directories = '{}'\nunix_socket_permissions = 0700\nmax_connections = 200\n",
            socket.display()
        );
        if durability == Durability::Disposable {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf_path = data.join("postgresql.conf");
        let mut existing = fs::read_to_string(&conf_path)?;
        existing.push_str(&conf);
        fs::write(&conf_path, existing)?;
        self.hand_to_server_user(&conf_path)?;
        Ok(())
    }

    fn start_if_needed(&self) -> anyhow::Result<()> {
        let data = self.data_dir().to_string_lossy().into_owned();
        let running = self
            .pg_command("pg_ctl", &["-D", &data, "status"])
            .output()
            .context("cannot run pg_ctl")?
            .status
            .success();
        if running {
            return Ok(());
        }
        let log = self.root.join("postgres.log");
        if !log.exists() {
            fs::write(&log, "")?;
            self.hand_to_server_user(&log)?;
        }
        let output = self
            .pg_command(
                "pg_ctl",
                &[
                    "-D",
                    &data,
                    "-l",
                    &log.to_string_lossy(),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            )
            .output()
            .context("cannot run pg_ctl")?;
        if !output.status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            bail!(
                "the local PostgreSQL did not start: {} {}",
                String::from_utf8_lossy(&output.stderr).trim(),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            );
        }
        Ok(())
    }

    /// PostgreSQL refuses to run as root, so a root process runs it as `postgres`.
    fn pg_command(&self, program: &str, args: &[&str]) -> Command {
        let path = self.bin.join(program);
        if running_as_root() {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path).args(args);
            cmd
        } else {
            let mut cmd = Command::new(path);
            cmd.args(args);
            cmd
        }
    }

    fn hand_to_server_user(&self, path: &Path) -> anyhow::Result<()> {
        if !running_as_root() {
            return Ok(());
        }
        let status = Command::new("chown")
            .arg("postgres:postgres")
            .arg(path)
            .status()
            .context("cannot run chown")?;
        if !status.success() {
            bail!(
                "cannot hand {} to the postgres user (is there a `postgres` system user?)",
                path.display()
            );
        }
        Ok(())
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The directory that holds the cluster. Normally `root` itself; but when we are root and the
/// `postgres` user cannot reach `root` (a checkout under `/root`, say), the cluster lives in
/// `/var/lib/undersign/<hash of root>` instead, which it can.
fn server_reachable_root(root: &Path) -> anyhow::Result<PathBuf> {
    if !running_as_root() {
        return Ok(root.to_path_buf());
    }
    let reachable = Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-x"])
        .arg(root)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if reachable {
        return Ok(root.to_path_buf());
    }
    let hash = crate::tokens::hash(&root.to_string_lossy());
    let elsewhere = PathBuf::from("/var/lib/undersign").join(&hash[..16]);
    fs::create_dir_all(&elsewhere)
        .with_context(|| format!("cannot create {}", elsewhere.display()))?;
    fs::set_permissions("/var/lib/undersign", fs::Permissions::from_mode(0o755))?;
    tracing::info!(
        "the postgres user cannot reach {}; keeping the local database in {}",
        root.display(),
        elsewhere.display()
    );
    Ok(elsewhere)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Finds `initdb`, `pg_ctl` and `postgres`: `pg_config --bindir`, then `PATH`, then the
/// newest `/usr/lib/postgresql/*/bin`.
fn find_server_binaries() -> anyhow::Result<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return Ok(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_server(d)) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_server(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir).ok_or_else(|| {
        anyhow::anyhow!(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them \
             (Debian/Ubuntu: `apt-get install postgresql`) or set DATABASE_URL to an existing database."
        )
    })
}
