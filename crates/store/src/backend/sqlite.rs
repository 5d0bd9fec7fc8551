//! The store on SQLite: the shared queries, and how to open and list an SQLite database.

pub(crate) type Db = sqlx::Sqlite;

/// Which database the shared files are compiled for, where a statement must differ.
pub(crate) const IS_POSTGRES: bool = false;

#[path = "accounts.rs"]
pub(crate) mod accounts;
#[path = "approvals.rs"]
pub(crate) mod approvals;
#[path = "audit.rs"]
pub(crate) mod audit;
#[path = "cache.rs"]
pub(crate) mod cache;
#[path = "check.rs"]
pub(crate) mod check;
#[path = "copy.rs"]
pub(crate) mod copy;
#[path = "corrections.rs"]
pub(crate) mod corrections;
#[path = "dump.rs"]
pub(crate) mod dump;
#[path = "edit.rs"]
pub(crate) mod edit;
#[path = "edit_partners.rs"]
pub(crate) mod edit_partners;
#[path = "edit_persons.rs"]
pub(crate) mod edit_persons;
#[path = "edit_sessions.rs"]
pub(crate) mod edit_sessions;
#[path = "history.rs"]
pub(crate) mod history;
#[path = "publications.rs"]
pub(crate) mod publications;
#[path = "quality.rs"]
pub(crate) mod quality;
#[path = "read.rs"]
pub(crate) mod read;
#[path = "report.rs"]
pub(crate) mod report;
#[path = "resolve.rs"]
pub(crate) mod resolve;
#[path = "roster.rs"]
pub(crate) mod roster;
#[path = "seed.rs"]
pub(crate) mod seed;
#[path = "sign_ins.rs"]
pub(crate) mod sign_ins;
#[path = "write.rs"]
pub(crate) mod write;
#[path = "write_attendance.rs"]
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
        .busy_timeout(BUSY_TIMEOUT);
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
        .busy_timeout(BUSY_TIMEOUT);
    let pool_of = |options: SqliteConnectOptions| {
        SqlitePoolOptions::new()
            .max_connections(4)
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
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await?;
    if tables == 0 {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
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

/// Begins a single-record write: a write transaction from its start, so that two editors wait
/// their turn instead of one failing to upgrade its read lock.
pub(crate) async fn begin_edit(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    let conn = pool.acquire().await?;
    Ok(sqlx::Transaction::begin(conn, Some(BEGIN_WRITE.into())).await?)
}

/// What every connection is set to whenever it goes back to the pool: an import may have
/// changed both for itself.
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
        Ok(true)
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

/// Runs `f` on the SQLite connection under `tx`, through rusqlite: a bulk write prepares one
/// statement and runs it once per row, with no per-row cost beyond SQLite's own. (Through
/// sqlx every value is boxed, every statement crosses to a worker thread, and every returned
/// row is copied.) The connection stays sqlx's, inside its open transaction.
#[expect(
    unsafe_code,
    reason = "rusqlite is handed sqlx's connection; see SAFETY"
)]
async fn with_rusqlite<T>(
    conn: &mut sqlx::SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
) -> Result<T> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the handle is sqlx's open connection, locked away from sqlx's worker thread
    // until `handle` is dropped, which is after `conn` (declared later, dropped first).
    // `from_handle` does not take ownership: dropping `conn` finalizes only the statements it
    // prepared and leaves the connection, and its transaction, open.
    let conn = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
    let out = f(&conn)?;
    drop(conn);
    Ok(out)
}

/// Inserts new persons, returning their ids in order, many to a statement (see
/// [`insert_many`]), with the ids SQLite would give them: no one else adds persons meanwhile,
/// since a write transaction that read before another's commit cannot write.
pub(crate) async fn insert_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::NewPerson],
) -> Result<Vec<i64>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (first, written) = with_rusqlite(&mut *tx, |conn| {
        let first: i64 =
            conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM persons", [], |r| {
                r.get(0)
            })?;
        let written = insert_many(
            conn,
            "persons (id, given_name, family_name, email, email_key, name_key, gender, \
             country_code, organisation, department_id)",
            10,
            rows,
            |stmt, at, n, p| {
                stmt.raw_bind_parameter(at + 1, first + n as i64)?;
                stmt.raw_bind_parameter(at + 2, &p.given_name)?;
                stmt.raw_bind_parameter(at + 3, &p.family_name)?;
                stmt.raw_bind_parameter(at + 4, &p.email)?;
                stmt.raw_bind_parameter(at + 5, &p.email_key)?;
                stmt.raw_bind_parameter(at + 6, &p.name_key)?;
                stmt.raw_bind_parameter(at + 7, p.gender)?;
                stmt.raw_bind_parameter(at + 8, &p.country)?;
                stmt.raw_bind_parameter(at + 9, &p.organisation)?;
                stmt.raw_bind_parameter(at + 10, p.department_id)
            },
        )?;
        Ok((first, written))
    })
    .await?;
    all_written(
        written,
        rows.len(),
        "new participants were in the database already",
    )?;
    Ok((first..first + rows.len() as i64).collect())
}

/// Inserts attendance records known to be new, many to a statement (see [`insert_many`]). A
/// record that exists after all stops the import.
pub(crate) async fn insert_new_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let written = with_rusqlite(&mut *tx, |conn| {
        insert_many(
            conn,
            "attendance (training_id, person_id, session_id, session_key, completed)",
            5,
            rows,
            |stmt, at, _, &(t, p, s, c)| {
                stmt.raw_bind_parameter(at + 1, t)?;
                stmt.raw_bind_parameter(at + 2, p)?;
                stmt.raw_bind_parameter(at + 3, (s != 0).then_some(s))?;
                stmt.raw_bind_parameter(at + 4, s)?;
                stmt.raw_bind_parameter(at + 5, c)
            },
        )
    })
    .await?;
    all_written(
        written,
        rows.len(),
        "attendance records taken for new were recorded already",
    )
}

/// The attendance records of a training, (person, session_key, completed), in key order: the
/// table's own order (it is stored by training, person and session_key), read through
/// rusqlite since a re-import reads every record of the store this way.
pub(crate) async fn training_roster(
    tx: &mut sqlx::Transaction<'static, Db>,
    training: i64,
) -> Result<Vec<roster::Recorded>> {
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare_cached(
            "SELECT person_id, session_key, completed FROM attendance WHERE training_id = ? \
             ORDER BY person_id, session_key",
        )?;
        let rows = stmt.query_map([training], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    })
    .await
}

/// Sets `completed` of recorded attendance records.
pub(crate) async fn update_completion(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "UPDATE attendance SET completed = ? \
             WHERE training_id = ? AND person_id = ? AND session_key = ?",
        )?;
        for &(t, p, s, c) in rows {
            stmt.execute(rusqlite::params![c, t, p, s])?;
        }
        Ok(())
    })
    .await
}

/// Removes attendance records, by (training, person, session_key).
pub(crate) async fn delete_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    keys: &[(i64, i64, i64)],
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "DELETE FROM attendance WHERE training_id = ? AND person_id = ? AND session_key = ?",
        )?;
        for &(t, p, s) in keys {
            stmt.execute([t, p, s])?;
        }
        Ok(())
    })
    .await
}

/// Inserts rows into `into` ("table (columns)") about a hundred to a statement, `bind` setting
/// row `n`'s `width` parameters from index `at + 1`; returns how many rows were written. A
/// statement per row costs SQLite more than the row itself. The statements say `OR IGNORE`,
/// and the caller checks the count instead: a statement of many rows that may abort has SQLite
/// copy every page it touches first, so that it can undo that statement alone, and that took
/// longer than the rows themselves.
fn insert_many<T>(
    conn: &rusqlite::Connection,
    into: &str,
    width: usize,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::Statement, usize, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<usize> {
    let per_statement = (500 / width).max(1);
    let statement = |n: usize| {
        let row = format!("({})", vec!["?"; width].join(", "));
        format!(
            "INSERT OR IGNORE INTO {into} VALUES {}",
            vec![row; n].join(", ")
        )
    };
    let mut full = conn.prepare(&statement(per_statement))?;
    let mut written = 0;
    for (c, chunk) in rows.chunks(per_statement).enumerate() {
        let mut partial;
        let stmt = if chunk.len() == per_statement {
            &mut full
        } else {
            partial = conn.prepare(&statement(chunk.len()))?;
            &mut partial
        };
        for (i, row) in chunk.iter().enumerate() {
            bind(stmt, i * width, c * per_statement + i, row)?;
        }
        written += stmt.raw_execute()?;
    }
    Ok(written)
}

/// A bulk insert wrote every row it was given, or the import stops.
fn all_written(written: usize, given: usize, otherwise: &str) -> Result<()> {
    if written == given {
        return Ok(());
    }
    Err(StoreError::Fault(format!(
        "{} of {given} {otherwise}",
        given - written
    )))
}

/// The persons who attended each of these trainings (a person once per session attended),
/// every training listed, with or without attendance.
pub(crate) async fn training_persons(
    conn: &mut sqlx::SqliteConnection,
    trainings: &[i64],
) -> Result<Vec<(i64, Vec<i64>)>> {
    with_rusqlite(conn, |conn| {
        let mut stmt = conn.prepare("SELECT person_id FROM attendance WHERE training_id = ?")?;
        trainings
            .iter()
            .map(|&t| {
                let persons = stmt
                    .query_map([t], |row| row.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                Ok((t, persons))
            })
            .collect()
    })
    .await
}

/// The report cache's facts of one chunk of persons, read from the persons table (through
/// rusqlite: a large import rewrites the facts of a million persons, and each read through
/// sqlx copies its row).
pub(crate) async fn person_facts(conn: &mut sqlx::SqliteConnection, chunk: i64) -> Result<Vec<u8>> {
    use crate::cache::{encode_fact, CHUNK, FACT_BYTES};
    with_rusqlite(conn, |conn| {
        let mut facts = vec![0u8; CHUNK as usize * FACT_BYTES];
        let mut stmt = conn.prepare(
            "SELECT id, gender, country_code, department_id FROM persons WHERE id >= ? AND id < ?",
        )?;
        let mut rows = stmt.query([chunk * CHUNK, (chunk + 1) * CHUNK])?;
        while let Some(row) = rows.next()? {
            let at = (row.get::<_, i64>(0)? - chunk * CHUNK) as usize * FACT_BYTES;
            encode_fact(
                &mut facts[at..at + FACT_BYTES],
                row.get_ref(1)?.as_str_or_null()?,
                row.get_ref(2)?.as_str_or_null()?,
                row.get(3)?,
            );
        }
        Ok(facts)
    })
    .await
}

/// Writes completed details of known persons.
pub(crate) async fn update_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    updates: &[(i64, &write::StoredPerson)],
) -> Result<()> {
    if updates.is_empty() {
        return Ok(());
    }
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "UPDATE persons SET given_name = ?, family_name = ?, gender = ?, country_code = ?, \
             organisation = ?, department_id = ?, name_key = ?, version = version + 1 WHERE id = ?",
        )?;
        for (id, p) in updates {
            stmt.execute(rusqlite::params![
                p.given_name,
                p.family_name,
                p.gender,
                p.country,
                p.organisation,
                p.department_id,
                p.name_key(),
                id,
            ])?;
        }
        Ok(())
    })
    .await
}

/// The details of these persons that rows complete, by id.
pub(crate) async fn persons_by_id(
    tx: &mut sqlx::Transaction<'static, Db>,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, write::StoredPerson>> {
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "SELECT given_name, family_name, gender, country_code, organisation, department_id \
             FROM persons WHERE id = ?",
        )?;
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        for &id in ids {
            let person = stmt.query_row([id], |row| {
                Ok(write::StoredPerson {
                    given_name: row.get(0)?,
                    family_name: row.get(1)?,
                    gender: row.get(2)?,
                    country: row.get(3)?,
                    organisation: row.get(4)?,
                    department_id: row.get(5)?,
                })
            })?;
            found.insert(id, person);
        }
        Ok(found)
    })
    .await
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
