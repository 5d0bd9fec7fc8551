//! The store on PostgreSQL: the shared queries, and how to open and list a PostgreSQL database.

pub(crate) type Db = sqlx::Postgres;

/// Which database the shared files are compiled for, where a statement must differ.
pub(crate) const IS_POSTGRES: bool = true;

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
pub(crate) mod edit_follow;
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
    // Four for the work, and one for `follow_versions`'s listener when a server keeps it.
    let pool = PgPoolOptions::new()
        .max_connections(5)
        // A connection that may still hold a transaction (a rollback that did not happen) is
        // closed rather than handed to the next request.
        .after_release(|conn, _| {
            Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
        })
        .connect_with(options)
        .await?;
    // sqlx holds an advisory lock while it migrates: two commands opening at once take turns.
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    let mut tx = begin_write(&pool).await?;
    seed::countries(&mut tx).await?;
    tx.commit().await?;
    Ok(pool)
}

/// Connects for reading only (see `Store::open_read_only`): every transaction of the session
/// is read-only (`default_transaction_read_only`), so the server refuses any write, and
/// nothing is migrated or created, not even the schema.
pub(crate) async fn open_read_only(url: &str, schema: Option<&str>) -> Result<sqlx::Pool<Db>> {
    let mut settings = vec![("default_transaction_read_only", "on")];
    if let Some(schema) = schema {
        settings.push(("search_path", schema));
    }
    let options = PgConnectOptions::from_str(url)?.options(settings);
    // One connection, as on SQLite (see `sqlite::open_read_only`): opening a second while the
    // first goes back to the pool costs more than a year's report reading.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    // `to_regclass` looks the table up along the search path, as the queries will.
    let present: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&pool)
        .await?;
    let applied = if present {
        Some(
            sqlx::query_scalar(
                "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
            )
            .fetch_all(&pool)
            .await?,
        )
    } else {
        None
    };
    crate::schema::check(applied, &sqlx::migrate!("./migrations/postgres"))?;
    Ok(pool)
}

/// Begins a transaction that will write. PostgreSQL locks rows, not the database: writers
/// wait for each other where they meet, and a plain `BEGIN` is enough.
pub(crate) async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    Ok(pool.begin().await?)
}

/// Every row of every record table, quoted as SQLite would, so both list alike.
pub(crate) async fn content(pool: &sqlx::Pool<Db>) -> Result<String> {
    let mut out = String::new();
    for table in crate::types::SPECS[..crate::types::RECORD_TABLES]
        .iter()
        .map(|s| s.name)
    {
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

/// Begins an import's transaction. An import starts on tables whose statistics may say "empty"
/// and then fills them, so a plan made at the start (and kept with its prepared statement)
/// could scan whole tables for every batch: every lookup of an import has an index, and the
/// planner is told to use them. That makes every cost look huge, which would have PostgreSQL
/// compile each statement to machine code (JIT, 0.3 s a batch of 2,000 rows): JIT is off for
/// the import. Plans are left cached: the foreign key checks run a prepared lookup per row,
/// and planning it again each time would triple their cost.
pub(crate) async fn begin_import(
    pool: &sqlx::Pool<Db>,
    _bulk: bool,
) -> Result<sqlx::Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    // Imports take turns, whichever cadre process runs them (several serve one database):
    // the second waits here until the first commits or rolls back, then reads what it left.
    // The lock is the schema's, so imports into other schemas (tests side by side) go on.
    import_lock(&mut tx).await?;
    // What it refers to cannot go while it runs (see `begin_delete`), so the statement
    // triggers of migration 0016 leave its rows unchecked: it resolved each reference itself.
    for setting in [
        "SET LOCAL enable_seqscan = off",
        "SET LOCAL jit = off",
        "SET LOCAL cadre.import = on",
    ] {
        sqlx::query(setting).execute(&mut *tx).await?;
    }
    Ok(tx)
}

/// The schema's import lock, held until the transaction ends.
async fn import_lock(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('cadre import ' || current_schema()))")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Begins a write that deletes trainings, sessions or persons (a merge deletes one). It waits
/// for a running import, which refers to such records without checking each row again
/// (migration 0016), and holds imports off until it ends.
pub(crate) async fn begin_delete(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    import_lock(&mut tx).await?;
    Ok(tx)
}

/// Begins a single-record write.
pub(crate) async fn begin_edit(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    Ok(pool.begin().await?)
}

/// After an import, fresh statistics: the planner of every later query (reports included)
/// then knows how large the tables have grown.
pub(crate) async fn after_import(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("ANALYZE attendance, persons, sessions, trainings, report_training_persons")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// The bulk writes and reads of imports and the report cache.
#[path = "bulk.rs"]
mod bulk;
pub(crate) use bulk::*;

/// Lifts the trail's append-only guard for the rest of the transaction `tx`: only for sealing
/// the whole trail again with its key, once (see `audit::reseal`). Put back by
/// [`restore_audit_guard`] in the same transaction (PostgreSQL's DDL is transactional), so no
/// other connection ever sees it gone.
pub(crate) async fn lift_audit_guard(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("ALTER TABLE audit DISABLE TRIGGER audit_append_only")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Puts back the guard [`lift_audit_guard`] lifted.
pub(crate) async fn restore_audit_guard(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("ALTER TABLE audit ENABLE TRIGGER audit_append_only")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
