//! Published reports (migration 0012): kept whole, with their files, when an admin publishes a
//! period, and read back by anyone. Publishing is audited in its own transaction.

use sqlx::Row;

use super::Db;
use crate::types::{Publication, Stamp};
use crate::Result;

/// Keeps a publication and its files, and its entry in the audit trail, in one transaction.
pub(crate) async fn create(
    pool: &sqlx::Pool<Db>,
    p: &Publication,
    files: &[(String, Vec<u8>)],
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO publications (slug, period_from, period_to, title, published_at, published_by, approved)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&p.slug)
    .bind(&p.period_from)
    .bind(&p.period_to)
    .bind(&p.title)
    .bind(&p.published_at)
    .bind(&p.published_by)
    .bind(p.approved.map(i64::from))
    .execute(&mut *tx)
    .await?;
    for (name, content) in files {
        sqlx::query("INSERT INTO publication_files (slug, name, content) VALUES ($1, $2, $3)")
            .bind(&p.slug)
            .bind(name)
            .bind(content)
            .execute(&mut *tx)
            .await?;
    }
    let detail = format!(
        "{} ({} to {}){}",
        p.slug,
        p.period_from,
        p.period_to,
        if p.approved == Some(false) {
            ", not approved at publication"
        } else {
            ""
        }
    );
    super::audit::note(&mut tx, stamp, "published", "report", None, None, &detail).await?;
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

fn publication_of(r: &<Db as sqlx::Database>::Row) -> Publication {
    Publication {
        slug: r.get("slug"),
        period_from: r.get("period_from"),
        period_to: r.get("period_to"),
        title: r.get("title"),
        published_at: r.get("published_at"),
        published_by: r.get("published_by"),
        approved: r.get::<Option<i64>, _>("approved").map(|a| a == 1),
    }
}

const COLUMNS: &str = "slug, period_from, period_to, title, published_at, published_by, approved";

/// Every publication, the newest first.
pub(crate) async fn list(pool: &sqlx::Pool<Db>) -> Result<Vec<Publication>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM publications ORDER BY published_at DESC, slug DESC"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(publication_of).collect())
}

pub(crate) async fn find(pool: &sqlx::Pool<Db>, slug: &str) -> Result<Option<Publication>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM publications WHERE slug = $1"
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(publication_of))
}

/// The slugs taken that start with `prefix` (to find a free one).
pub(crate) async fn slugs_like(pool: &sqlx::Pool<Db>, prefix: &str) -> Result<Vec<String>> {
    let all: Vec<String> = sqlx::query_scalar("SELECT slug FROM publications")
        .fetch_all(pool)
        .await?;
    // Compared in Rust: the two databases' LIKE differ in case and escaping.
    Ok(all.into_iter().filter(|s| s.starts_with(prefix)).collect())
}

/// One file of a publication.
pub(crate) async fn file(pool: &sqlx::Pool<Db>, slug: &str, name: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT content FROM publication_files WHERE slug = $1 AND name = $2")
            .bind(slug)
            .bind(name)
            .fetch_optional(pool)
            .await?,
    )
}

/// The names of a publication's files.
pub(crate) async fn files(pool: &sqlx::Pool<Db>, slug: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM publication_files WHERE slug = $1 ORDER BY name")
            .bind(slug)
            .fetch_all(pool)
            .await?,
    )
}
