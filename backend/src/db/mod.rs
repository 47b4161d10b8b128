//! Database access for SQLite (embedded default) and PostgreSQL in one binary.
//!
//! `diesel::MultiConnection` cannot express RETURNING, upserts or batch inserts, so the pool is
//! an enum and [`with_conn!`] compiles each query body once per backend.

pub mod schema;
pub mod snapshot;
pub mod stored;
pub mod text;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{ApiError, ApiResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

pub enum DbPool {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

/// Runs `$body` with `$c` bound to a `&mut` connection of whichever backend the pool holds.
#[macro_export]
macro_rules! with_conn {
    ($pool:expr, |$c:ident| $body:expr) => {
        match $pool {
            $crate::db::DbPool::Sqlite(pool) => {
                let mut conn = pool.get()?;
                let $c = &mut *conn;
                $body
            }
            $crate::db::DbPool::Pg(pool) => {
                let mut conn = pool.get()?;
                let $c = &mut *conn;
                $body
            }
        }
    };
}

/// A transaction that will write. On SQLite it takes the write lock up front (BEGIN
/// IMMEDIATE): a deferred transaction that reads and then writes fails at once with
/// SQLITE_BUSY when another connection wrote meanwhile, instead of waiting its turn.
pub trait WriteTransaction: Connection {
    fn write_transaction<T, E, F>(&mut self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>;
}

impl WriteTransaction for SqliteConnection {
    fn write_transaction<T, E, F>(&mut self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        self.immediate_transaction(work)
    }
}

impl WriteTransaction for PgConnection {
    fn write_transaction<T, E, F>(&mut self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        self.transaction(work)
    }
}

/// Cheap to clone; every query runs on tokio's blocking pool, never on an executor thread.
#[derive(Clone)]
pub struct Db {
    pool: Arc<DbPool>,
    writes: Arc<[AtomicU64; Table::COUNT]>,
}

/// Tables whose contents are kept in memory (see [`snapshot`]) because they are read on every
/// request and change rarely. Whatever writes one goes through [`Db::write`].
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Servers,
    /// `users` and `sessions`: who a valid access token stands for.
    Logins,
}

impl Table {
    const COUNT: usize = 2;
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // busy_timeout first: the other pragmas may already have to wait for a lock.
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The database holds the users, sessions and audit log: readable by the panel's user only.
/// Created 0600 before SQLite opens it (its WAL files take the same mode); an existing one
/// from an older install is fixed, with a log line.
fn private_database(path: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("opening SQLite database {}", path.display()))?;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    for file in [path.to_owned(), wal.into(), shm.into()] {
        let Ok(meta) = std::fs::metadata(&file) else { continue };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("making {} private", file.display()))?;
            tracing::warn!(file = %file.display(), "the database file was readable by other users (mode {mode:o}); now 0600");
        }
    }
    Ok(())
}

impl Db {
    /// Opens the database, applies pending migrations and builds the pool.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let pool = if let Some(path) = url.strip_prefix("sqlite://") {
            if let Some(parent) = std::path::Path::new(path).parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            private_database(std::path::Path::new(path))?;
            // WAL and migrations on one connection before the pool opens its connections, so
            // they do not race each other for the write lock.
            let mut first =
                SqliteConnection::establish(path).with_context(|| format!("opening SQLite database {path}"))?;
            SqlitePragmas.on_acquire(&mut first).context("setting SQLite pragmas")?;
            first
                .batch_execute("PRAGMA journal_mode = WAL;")
                .context("enabling WAL")?;
            first
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("applying SQLite migrations: {e}"))?;
            // Connections beyond the first open when work needs them, and close after a minute
            // idle: each holds its own page cache.
            let pool = Pool::builder()
                .max_size(pool_size)
                .min_idle(Some(1))
                .idle_timeout(Some(Duration::from_secs(60)))
                .connection_timeout(Duration::from_secs(10))
                .connection_customizer(Box::new(SqlitePragmas))
                .build(ConnectionManager::<SqliteConnection>::new(path))
                .context("opening the SQLite pool")?;
            DbPool::Sqlite(pool)
        } else {
            let pool = Pool::builder()
                .max_size(pool_size)
                .connection_timeout(Duration::from_secs(10))
                .build(ConnectionManager::<PgConnection>::new(url))
                .context("connecting to PostgreSQL")?;
            let mut conn = pool.get().context("connecting to PostgreSQL")?;
            conn.run_pending_migrations(POSTGRES_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("applying PostgreSQL migrations: {e}"))?;
            DbPool::Pg(pool)
        };
        Ok(Db {
            pool: Arc::new(pool),
            writes: Arc::default(),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match *self.pool {
            DbPool::Sqlite(_) => "sqlite",
            DbPool::Pg(_) => "postgres",
        }
    }

    /// Runs blocking Diesel work on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&DbPool) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || work(&pool))
            .await
            .map_err(ApiError::internal)?
    }

    /// [`Db::run`] for work that writes `table`. The count of its writes goes up once the work
    /// is over, on the blocking thread: even when the caller has gone, or the work failed after
    /// committing, no snapshot taken before the write is used after it.
    pub async fn write<T, F>(&self, table: Table, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&DbPool) -> ApiResult<T> + Send + 'static,
    {
        let writes = self.writes.clone();
        self.run(move |pool| {
            let result = work(pool);
            writes[table as usize].fetch_add(1, Ordering::SeqCst);
            result
        })
        .await
    }

    /// How many writes to `table` have finished; a snapshot taken at one count is current until
    /// the count moves.
    pub fn writes(&self, table: Table) -> u64 {
        self.writes[table as usize].load(Ordering::SeqCst)
    }
}

/// The current time as stored in the database (UTC, microsecond precision on both backends).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    // PostgreSQL keeps microseconds; truncate so both backends return what was written.
    now - chrono::Duration::nanoseconds(i64::from(now.and_utc().timestamp_subsec_nanos() % 1000))
}

pub fn to_utc(t: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    t.and_utc()
}
