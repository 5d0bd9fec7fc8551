//! The import history and the remembered mappings: records about imports, kept apart from the
//! imports' own transactions so that a refused import is recorded as well.

use sqlx::Row;

use super::Db;
use crate::types::ImportRecord;
use crate::Result;

/// Keeps one import's record; returns its id.
pub(crate) async fn record(pool: &sqlx::Pool<Db>, r: &ImportRecord) -> Result<i64> {
    record_with(pool, r).await
}

/// Records an import through `ex`: the pool, or the import's own transaction (a committed
/// import and its history row land together).
pub(crate) async fn record_with<'e, E>(ex: E, r: &ImportRecord) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (started_at, finished_at, actor, file_name, digest, kind, mapping,
             outcome, rows_read, created, updated, unchanged, removed, rejected, problems)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING id",
    )
    .bind(&r.started_at)
    .bind(&r.finished_at)
    .bind(&r.actor)
    .bind(&r.file_name)
    .bind(&r.digest)
    .bind(&r.kind)
    .bind(&r.mapping)
    .bind(&r.outcome)
    .bind(r.rows as i64)
    .bind(r.created as i64)
    .bind(r.updated as i64)
    .bind(r.unchanged as i64)
    .bind(r.removed as i64)
    .bind(r.rejected as i64)
    .bind(&r.problems)
    .fetch_one(ex)
    .await?;
    Ok(id)
}

/// Completes a history row written in an import's transaction with what was known only once
/// it was over (the file's digest, the end, the problems of rows set aside).
pub(crate) async fn complete(pool: &sqlx::Pool<Db>, id: i64, r: &ImportRecord) -> Result<()> {
    sqlx::query("UPDATE imports SET finished_at = $1, digest = $2, problems = $3 WHERE id = $4")
        .bind(&r.finished_at)
        .bind(&r.digest)
        .bind(&r.problems)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The most recent imports first, at most `limit`.
pub(crate) async fn list(pool: &sqlx::Pool<Db>, limit: i64) -> Result<Vec<ImportRecord>> {
    let rows = sqlx::query(
        "SELECT id, started_at, finished_at, actor, file_name, digest, kind, mapping, outcome,
             rows_read, created, updated, unchanged, removed, rejected, problems
         FROM imports ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ImportRecord {
            id: r.get("id"),
            started_at: r.get("started_at"),
            finished_at: r.get("finished_at"),
            actor: r.get("actor"),
            file_name: r.get("file_name"),
            digest: r.get("digest"),
            kind: r.get("kind"),
            mapping: r.get("mapping"),
            outcome: r.get("outcome"),
            rows: r.get::<i64, _>("rows_read") as u64,
            created: r.get::<i64, _>("created") as u64,
            updated: r.get::<i64, _>("updated") as u64,
            unchanged: r.get::<i64, _>("unchanged") as u64,
            removed: r.get::<i64, _>("removed") as u64,
            rejected: r.get::<i64, _>("rejected") as u64,
            problems: r.get("problems"),
        })
        .collect())
}

/// Remembers a mapping for sheets of this header signature (the latest one wins).
pub(crate) async fn remember(
    pool: &sqlx::Pool<Db>,
    kind: &str,
    signature: &str,
    mapping: &str,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mappings (kind, signature, mapping, saved_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, signature) DO UPDATE SET mapping = excluded.mapping,
             saved_at = excluded.saved_at",
    )
    .bind(kind)
    .bind(signature)
    .bind(mapping)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The mapping remembered for this header signature, with when it was saved.
pub(crate) async fn remembered(
    pool: &sqlx::Pool<Db>,
    kind: &str,
    signature: &str,
) -> Result<Option<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT mapping, saved_at FROM mappings WHERE kind = $1 AND signature = $2")
            .bind(kind)
            .bind(signature)
            .fetch_optional(pool)
            .await?,
    )
}

/// The partners and departments an import checks names against, outside any import (for a
/// proposal, which reads a sheet without writing it).
pub(crate) async fn lookups(pool: &sqlx::Pool<Db>) -> Result<cadre_core::Lookups> {
    let mut conn = pool.acquire().await?;
    let mut l = cadre_core::Lookups::default();
    add_names(&mut conn, &mut l).await?;
    Ok(l)
}

/// Adds every partner (by name and short name) and department (by name and alias) to `l`.
pub(crate) async fn add_names(
    conn: &mut <Db as sqlx::Database>::Connection,
    l: &mut cadre_core::Lookups,
) -> Result<()> {
    for row in sqlx::query("SELECT name, short_name FROM partners")
        .fetch_all(&mut *conn)
        .await?
    {
        let name: String = row.get("name");
        l.add_partner(&name, row.get::<Option<String>, _>("short_name").as_deref());
    }
    for row in sqlx::query(
        "SELECT a.alias, d.name FROM department_aliases a
         JOIN departments d ON d.id = a.department_id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let name: String = row.get("name");
        l.add_department(&name);
        l.add_department_alias(&row.get::<String, _>("alias"), &name);
    }
    Ok(())
}
