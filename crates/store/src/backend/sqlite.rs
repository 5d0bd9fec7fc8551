//! The store on SQLite: the shared queries, and how to open and list an SQLite database.

pub(crate) type Db = sqlx::Sqlite;

#[path = "cache.rs"]
pub(crate) mod cache;
#[path = "copy.rs"]
pub(crate) mod copy;
#[path = "dump.rs"]
pub(crate) mod dump;
#[path = "load.rs"]
pub(crate) mod load;
#[path = "read.rs"]
pub(crate) mod read;
#[path = "report.rs"]
pub(crate) mod report;
#[path = "seed.rs"]
pub(crate) mod seed;
#[path = "write.rs"]
pub(crate) mod write;

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::Result;

pub(crate) async fn open(path: &Path) -> Result<sqlx::Pool<Db>> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    seed::countries(&pool).await?;
    Ok(pool)
}

/// Every row of every record table, as SQLite quotes it.
pub(crate) async fn content(pool: &sqlx::Pool<Db>) -> Result<String> {
    let mut out = String::new();
    for table in crate::types::SPECS.iter().map(|s| s.name) {
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

/// SQLite plans every statement afresh against the data as it is: nothing to tune.
pub(crate) async fn tune_for_import(_tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    Ok(())
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
