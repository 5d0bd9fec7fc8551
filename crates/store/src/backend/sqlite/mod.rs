//! The store on SQLite: the shared queries, and how to open and list an SQLite database.

pub(crate) type Db = sqlx::Sqlite;

/// Which database the shared files are compiled for, where a statement must differ.
pub(crate) const IS_POSTGRES: bool = false;

#[path = "../shared/accounts.rs"]
pub(crate) mod accounts;
#[path = "../shared/agency.rs"]
pub(crate) mod agency;
#[path = "../shared/approvals.rs"]
pub(crate) mod approvals;
#[path = "../shared/audit.rs"]
pub(crate) mod audit;
#[path = "../shared/cache.rs"]
pub(crate) mod cache;
#[path = "../shared/check.rs"]
pub(crate) mod check;
#[path = "../shared/copy.rs"]
pub(crate) mod copy;
#[path = "../shared/corrections.rs"]
pub(crate) mod corrections;
#[path = "../shared/dump.rs"]
pub(crate) mod dump;
#[path = "../shared/edit.rs"]
pub(crate) mod edit;
#[path = "../shared/edit_partners.rs"]
pub(crate) mod edit_partners;
#[path = "../shared/edit_persons.rs"]
pub(crate) mod edit_persons;
#[path = "../shared/edit_sessions.rs"]
pub(crate) mod edit_sessions;
#[path = "../shared/find_persons.rs"]
pub(crate) mod find_persons;
#[path = "../shared/history.rs"]
pub(crate) mod history;
#[path = "../shared/publications.rs"]
pub(crate) mod publications;
#[path = "../shared/quality.rs"]
pub(crate) mod quality;
#[path = "../shared/read.rs"]
pub(crate) mod read;
#[path = "../shared/report.rs"]
pub(crate) mod report;
#[path = "../shared/resolve.rs"]
pub(crate) mod resolve;
#[path = "../shared/roster.rs"]
pub(crate) mod roster;
#[path = "../shared/seed.rs"]
pub(crate) mod seed;
#[path = "../shared/sign_ins.rs"]
pub(crate) mod sign_ins;
#[path = "../shared/write.rs"]
pub(crate) mod write;
#[path = "../shared/write_attendance.rs"]
pub(crate) mod write_attendance;

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::{Result, StoreError};

/// How long a connection waits for another's write transaction to end before it gives up
/// with "database is locked". SQLite has one writer at a time: a second `cadre import` (or
/// the open of any writing command) waits for the import before it, and an import of millions
/// of rows holds the write lock for a minute or more on a slow, shared machine (a re-import of
/// size L ran for minutes before it was made fast). Ten minutes lets the second wait its turn
/// rather than fail; a connection that really is stuck still fails in the end, saying so.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// What every transaction that writes begins with. A transaction begun deferred (SQLite's
/// default) reads under a snapshot and asks for the write lock only at its first write; if
/// another connection committed in between, its snapshot is stale and SQLite fails it at once
/// with "database is locked", whatever the busy timeout. `BEGIN IMMEDIATE` takes the write
/// lock first, waiting for it under the busy timeout, so writers take turns.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// How durable a commit is: `FULL` (SQLite's default, and cadre's) syncs the log to disk
/// before a commit returns, so a commit survives a power cut; `NORMAL` syncs at checkpoints
/// only, faster, and a power cut may lose the last commits (never corrupt the file). The
/// environment variable `CADRE_SQLITE_SYNCHRONOUS` (`full` or `normal`) chooses.
fn synchronous() -> Result<sqlx::sqlite::SqliteSynchronous> {
    use sqlx::sqlite::SqliteSynchronous;
    match std::env::var("CADRE_SQLITE_SYNCHRONOUS") {
        Err(_) => Ok(SqliteSynchronous::Full),
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "full" => Ok(SqliteSynchronous::Full),
            "normal" => Ok(SqliteSynchronous::Normal),
            other => Err(StoreError::Setting(format!(
                "CADRE_SQLITE_SYNCHRONOUS is \"{other}\": use full (the default) or normal"
            ))),
        },
    }
}

/// Opens (creating it if needed) the database file and brings its schema up to date.
pub(crate) async fn open(path: &Path) -> Result<sqlx::Pool<Db>> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous()?)
        .busy_timeout(BUSY_TIMEOUT)
        .row_buffer_size(4096);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .after_release(reset)
        .connect_with(options)
        .await?;
    // Migrations and reference data under the write lock: two commands opening a database
    // that needs migrating at the same moment would otherwise both apply the same migration.
    let mut tx = begin_write(&pool).await?;
    sqlx::migrate!("./migrations/sqlite")
        .run_direct(&mut *tx)
        .await?;
    seed::countries(&mut tx).await?;
    tx.commit().await?;
    Ok(pool)
}

/// Opens an existing database file for reading only, without migrating (see
/// `Store::open_read_only`).
pub(crate) async fn open_read_only(path: &Path) -> Result<sqlx::Pool<Db>> {
    if !path.exists() {
        return Err(StoreError::NoDatabase(path.display().to_string()));
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .read_only(true)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .pragma("mmap_size", "1073741824")
        .row_buffer_size(4096);
    // One connection: a read-only store serves one reader at a time (a command, or a node's
    // builds from a replica), and with more, a query right after another would often open a
    // second connection while the first is still on its way back to the pool.
    let pool_of = |options: SqliteConnectOptions| {
        SqlitePoolOptions::new()
            .max_connections(1)
            .after_release(reset)
            .connect_lazy_with(options)
    };
    let ro = pool_of(options.clone());
    let (pool, applied) = match applied_migrations(&ro).await {
        Err(StoreError::Database(sqlx::Error::Database(e))) if cannot_share_memory(&*e) => {
            // A database in WAL mode is read through its -shm file (the readers' shared
            // index of the log), which SQLite creates on first use; in a folder the user may
            // not write it cannot, and even a read-only open fails ("attempt to write a
            // readonly database"). Opened immutable, SQLite reads the file alone, with no
            // locks, no -shm and no -wal. That is right when the log holds nothing (no one
            // can be writing a database in a folder that cannot hold its -shm); a log that
            // holds writes not yet copied into the file would be ignored, so that is refused.
            ro.close().await;
            let mut log = path.as_os_str().to_owned();
            log.push("-wal");
            let log = std::path::PathBuf::from(log);
            if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
                return Err(StoreError::UnreadableLog(log.display().to_string()));
            }
            let immutable = pool_of(options.immutable(true));
            let applied = applied_migrations(&immutable).await?;
            (immutable, applied)
        }
        other => (ro, other?),
    };
    crate::schema::check(applied, &sqlx::migrate!("./migrations/sqlite"))?;
    Ok(pool)
}

/// SQLite's answer when a read-only connection cannot create the WAL's -shm file: a read-only
/// error (SQLITE_READONLY_CANTINIT, or plain READONLY in some versions) or CANTOPEN.
fn cannot_share_memory(e: &dyn sqlx::error::DatabaseError) -> bool {
    let code = e.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
    matches!(code & 0xff, 8 | 14)
}

/// The versions of the migrations applied to the database, `None` if it has no table of them.
async fn applied_migrations(pool: &sqlx::Pool<Db>) -> Result<Option<Vec<i64>>> {
    let mut conn = pool.acquire().await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await?;
    if tables == 0 {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut *conn)
            .await?,
    ))
}

/// Begins a transaction that will write (see [`BEGIN_WRITE`]).
pub(crate) async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    Ok(pool.begin_with(BEGIN_WRITE).await?)
}

/// Every row of every record table, as SQLite quotes it.
pub(crate) async fn content(pool: &sqlx::Pool<Db>) -> Result<String> {
    let mut out = String::new();
    for table in crate::types::SPECS[..crate::types::RECORD_TABLES]
        .iter()
        .map(|s| s.name)
    {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await?;
        let quoted: Vec<String> = columns.iter().map(|c| format!("quote({c})")).collect();
        let lines: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {} FROM {table} ORDER BY 1",
            quoted.join(" || ',' || ")
        ))
        .fetch_all(pool)
        .await?;
        crate::types::list_table(&mut out, table, &columns, lines);
    }
    Ok(out)
}

/// SQLite hands out the next id after the largest one itself: nothing to do after a copy.
pub(crate) async fn after_copy(_tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    Ok(())
}

/// Begins an import's transaction. An import of millions of rows changes more pages than
/// SQLite's default cache of 2 MB holds; once the cache is full, every page it lets go of is
/// written to the WAL and read back when touched again, so the importing connection gets a
/// larger cache. A bulk import (attendance) also has SQLite skip its foreign key checks, which
/// look up three parent rows for every attendance row: the writer takes every training,
/// session and person id from what it read or wrote in this same transaction, so the checks
/// could not fail. Both settings go back to normal when the connection returns to the pool
/// (see `open`), whatever way the import ends.
pub(crate) async fn begin_import(
    pool: &sqlx::Pool<Db>,
    bulk: bool,
) -> Result<sqlx::Transaction<'static, Db>> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA cache_size = -131072")
        .execute(&mut *conn)
        .await?;
    if bulk {
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
    }
    Ok(sqlx::Transaction::begin(conn, Some(BEGIN_WRITE.into())).await?)
}

/// Begins a write that deletes trainings, sessions or persons: on SQLite, a write like any
/// other (one writer at a time already keeps imports apart).
pub(crate) async fn begin_delete(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    begin_edit(pool).await
}

/// Begins a single-record write: a write transaction from its start, so that two editors wait
/// their turn instead of one failing to upgrade its read lock.
pub(crate) async fn begin_edit(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    let conn = pool.acquire().await?;
    Ok(sqlx::Transaction::begin(conn, Some(BEGIN_WRITE.into())).await?)
}

/// What every connection is set to whenever it goes back to the pool: an import may have
/// changed both for itself. A connection still inside a transaction is closed instead: a
/// transaction dropped on an error is rolled back as the connection's next command (run
/// here, before the pragmas), and when that rollback fails too (a full disk: SQLite ended
/// the transaction itself, so `ROLLBACK` finds none) sqlx still counts it open, and every
/// later `BEGIN` on the connection would fail.
fn reset(
    conn: &mut sqlx::SqliteConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = std::result::Result<bool, sqlx::Error>> + Send + '_>,
> {
    Box::pin(async move {
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA cache_size = -2000")
            .execute(&mut *conn)
            .await?;
        Ok(!sqlx::Connection::is_in_transaction(conn))
    })
}

/// SQLite's planner does well enough without statistics for cadre's queries.
pub(crate) async fn after_import(_tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    Ok(())
}

/// A row of `n` parameters for a generated multi-row statement. SQLite is given anonymous `?`
/// parameters: sqlx looks numbered ones up by name, one by one, which costs in the square of
/// their number, and a statement of many rows has thousands.
pub(crate) fn params(_first: usize, n: usize) -> String {
    format!("({})", vec!["?"; n].join(", "))
}

// The bulk writes and reads through rusqlite on sqlx's own connection.
#[path = "bulk.rs"]
mod bulk;
pub(crate) use bulk::*;

/// Lifts the trail's append-only guard for the rest of the transaction `tx`: only for sealing
/// the whole trail again with its key, once (see `audit::reseal`). The guard is put back by
/// [`restore_audit_guard`] in the same transaction, so no other connection ever sees it gone.
pub(crate) async fn lift_audit_guard(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("DROP TRIGGER audit_append_only_update")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Puts back the guard [`lift_audit_guard`] lifted, as migration 0011 made it.
pub(crate) async fn restore_audit_guard(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query(
        "CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
WHEN NOT (
    (old.hash = '' AND new.seq = old.seq AND new.at = old.at AND new.actor = old.actor
        AND new.action = old.action AND new.kind = old.kind AND new.detail = old.detail
        AND new.before = old.before AND new.after = old.after)
    OR (old.hash <> '' AND new.redacted = 1 AND new.seq = old.seq AND new.at = old.at
        AND new.actor = old.actor AND new.action = old.action AND new.kind = old.kind
        AND new.content = old.content AND new.digest = old.digest AND new.hash = old.hash)
)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bulk import turns foreign key checks off and enlarges the cache for its own
    /// connection; every connection the pool hands out afterwards has both back as usual.
    #[tokio::test]
    async fn an_import_leaves_no_connection_without_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(&dir.path().join("t.db")).await.unwrap();
        let tx = begin_import(&pool, true).await.unwrap();
        tx.commit().await.unwrap();
        let tx = begin_import(&pool, true).await.unwrap();
        drop(tx); // an import that fails
                  // Hold every connection the pool may have at once: the importing ones are among them.
        let mut held = Vec::new();
        for _ in 0..pool.options().get_max_connections() {
            let mut conn = pool.acquire().await.unwrap();
            let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            let (cache,): (i64,) = sqlx::query_as("PRAGMA cache_size")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!((fk, cache), (1, -2000));
            held.push(conn);
        }
    }
}
