//! Copying records between stores, table by table, in pages: the shared half that reads a page
//! from one database and writes it into another inside the target's transaction.

use sqlx::{Row, Transaction};

use super::Db;
use crate::types::{Col, TableSpec, Value};
use crate::Result;

/// Rows of `table` after the key `after` (`None`: from the first), in key order, for tables
/// paged by a key; all rows for the small tables without one.
pub(crate) async fn read_page(
    snapshot: &mut Transaction<'static, Db>,
    spec: &TableSpec,
    after: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<Vec<Value>>> {
    let columns: Vec<&str> = spec.columns.iter().map(|c| c.0).collect();
    let key = spec.page_by.join(", ");
    let sql = match after {
        _ if spec.page_by.is_empty() => {
            format!("SELECT {} FROM {}", columns.join(", "), spec.name)
        }
        // A row value compares column by column, as the key orders rows.
        Some(after) => format!(
            "SELECT {} FROM {} WHERE ({key}) > {} ORDER BY {key} LIMIT {limit}",
            columns.join(", "),
            spec.name,
            super::params(1, after.len()),
        ),
        None => format!(
            "SELECT {} FROM {} ORDER BY {key} LIMIT {limit}",
            columns.join(", "),
            spec.name,
        ),
    };
    let mut query = sqlx::query(&sql);
    for value in after.unwrap_or_default() {
        query = query.bind(*value);
    }
    let rows = query.fetch_all(&mut **snapshot).await?;
    Ok(rows
        .iter()
        .map(|row| {
            spec.columns
                .iter()
                .enumerate()
                .map(|(i, (_, col))| match col {
                    Col::Int => Value::Int(row.get(i)),
                    Col::Text => Value::Text(row.get(i)),
                    Col::Blob => Value::Blob(row.get(i)),
                })
                .collect()
        })
        .collect())
}

/// Empties every table of the target the copy writes, children first; but the audit trail,
/// which only grows (the copy appends to it, see `Store::copy_into`).
pub(crate) async fn clear(tx: &mut Transaction<'static, Db>) -> Result<()> {
    for spec in crate::types::SPECS
        .iter()
        .rev()
        .filter(|s| s.name != "audit")
    {
        sqlx::query(&format!("DELETE FROM {}", spec.name))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Sets the copy's data version past any version a database could have reached before it:
/// the microseconds since 1970, or one more than its own if that is higher. Pages carry the
/// version as their ETag, and a browser that kept a page of the database this one replaces
/// (a restore after a loss, served at the same address) must not be told that page is still
/// current because the new database's count of writes happens to reach the same number.
pub(crate) async fn new_data_version(
    tx: &mut Transaction<'static, Db>,
    now_micros: i64,
) -> Result<()> {
    sqlx::query("UPDATE data_version SET n = CASE WHEN n < $1 THEN $1 ELSE n + 1 END WHERE id = 1")
        .bind(now_micros)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts rows in statements of many rows each. `nulled` columns are written as NULL (set
/// afterwards by [`set_column`]), for references within the table itself.
pub(crate) async fn insert(
    tx: &mut Transaction<'static, Db>,
    spec: &TableSpec,
    rows: &[Vec<Value>],
    nulled: &[&str],
) -> Result<()> {
    let width = spec.columns.len();
    // Well under both databases' limits on parameters per statement.
    let per_statement = (4000 / width).max(1);
    let columns: Vec<&str> = spec.columns.iter().map(|c| c.0).collect();
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", spec.name, columns.join(", "));
        for r in 0..chunk.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&super::params(r * width + 1, width));
        }
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for ((name, _), value) in spec.columns.iter().zip(row) {
                query = match value {
                    Value::Int(_) if nulled.contains(name) => query.bind(None::<i64>),
                    Value::Int(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.clone()),
                    Value::Blob(v) => query.bind(v.clone()),
                };
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Sets one integer column of rows found by id.
pub(crate) async fn set_column(
    tx: &mut Transaction<'static, Db>,
    table: &str,
    column: &str,
    values: &[(i64, i64)],
) -> Result<()> {
    for (id, value) in values {
        sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
            .bind(*value)
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn count(tx: &mut Transaction<'static, Db>, table: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?)
}

/// A read-only transaction on the source whose every read sees the database as it stood at
/// its first: a copy (a backup) taken while others write is one consistent state. SQLite's
/// deferred transaction in WAL mode keeps its snapshot; PostgreSQL needs repeatable read.
pub(crate) async fn snapshot(pool: &sqlx::Pool<Db>) -> Result<Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    if super::IS_POSTGRES {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// The copy's transaction on the target, which writes from its first statement on.
pub(crate) async fn begin(pool: &sqlx::Pool<Db>) -> Result<Transaction<'static, Db>> {
    super::begin_write(pool).await
}
