//! The store on PostgreSQL: the shared queries, and how to open and list a PostgreSQL database.

pub(crate) type Db = sqlx::Postgres;

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

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::Result;

/// Connects, with the records in `schema` (created if needed) when one is named, so that
/// several stores (or tests) can share one database.
pub(crate) async fn open(url: &str, schema: Option<&str>) -> Result<sqlx::Pool<Db>> {
    let mut options = PgConnectOptions::from_str(url)?;
    if let Some(schema) = schema {
        // Created before the pool exists: search_path names it for every connection.
        let mut conn: sqlx::PgConnection = sqlx::Connection::connect_with(&options).await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&mut conn)
            .await?;
        sqlx::Connection::close(conn).await?;
        options = options.options([("search_path", schema)]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    seed::countries(&pool).await?;
    Ok(pool)
}

/// Every row of every record table, quoted as SQLite would, so both list alike.
pub(crate) async fn content(pool: &sqlx::Pool<Db>) -> Result<String> {
    let mut out = String::new();
    for table in crate::types::SPECS.iter().map(|s| s.name) {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_name = $1 AND table_schema = current_schema()
             ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pool)
        .await?;
        let quoted: Vec<String> = columns
            .iter()
            .map(|(c, ty)| {
                if ty == "text" {
                    format!("COALESCE('''' || replace({c}, '''', '''''') || '''', 'NULL')")
                } else {
                    format!("COALESCE({c}::text, 'NULL')")
                }
            })
            .collect();
        let lines: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {} FROM {table} ORDER BY 1",
            quoted.join(" || ',' || ")
        ))
        .fetch_all(pool)
        .await?;
        let names: Vec<String> = columns.into_iter().map(|(c, _)| c).collect();
        crate::types::list_table(&mut out, table, &names, lines);
    }
    Ok(out)
}

/// Rows copied with their ids leave the identity columns behind: move each past the largest id.
pub(crate) async fn after_copy(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    for spec in crate::types::SPECS.iter().filter(|s| s.has_id) {
        let t = spec.name;
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// An import starts on tables whose statistics may say "empty" and then fills them: a plan made
/// then (and cached with the prepared statement) would scan whole tables for every batch. The
/// import's lookups all have an index, so it is told to use them.
pub(crate) async fn tune_for_import(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(&mut **tx)
        .await?;
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// After an import, fresh statistics: the planner of every later query (reports included)
/// then knows how large the tables have grown.
pub(crate) async fn after_import(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("ANALYZE attendance, persons, sessions, trainings, report_training_persons")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A row of `n` parameters, numbered from `first`, for a generated multi-row statement.
pub(crate) fn params(first: usize, n: usize) -> String {
    let numbered: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", numbered.join(", "))
}
