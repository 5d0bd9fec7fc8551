//! Single-record writes of partners: names compared as people read them, a programme's parent,
//! and deleting a partner that trainings name only when told to take it off them.

use cadre_core::text::fold;
use cadre_core::{PartnerKind, PartnerRecord};
use sqlx::Row;

use super::edit::{expect_version, finish, missed, scalar, Conn};
use super::Db;
use crate::types::{Dependents, Stamp, Versioned};
use crate::{Result, StoreError};

pub(crate) async fn partner(
    pool: &sqlx::Pool<Db>,
    id: i64,
) -> Result<Option<Versioned<PartnerRecord>>> {
    Ok(partners_where(pool, "p.id = $1", id, 1).await?.pop())
}

/// Partners by id after `after`, at most `limit`.
pub(crate) async fn partners_after(
    pool: &sqlx::Pool<Db>,
    after: i64,
    limit: i64,
) -> Result<Vec<Versioned<PartnerRecord>>> {
    partners_where(pool, "p.id > $1", after, limit).await
}

async fn partners_where(
    pool: &sqlx::Pool<Db>,
    cond: &str,
    id: i64,
    limit: i64,
) -> Result<Vec<Versioned<PartnerRecord>>> {
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.version, p.name, p.short_name, p.kind, parent.name AS parent
         FROM partners p LEFT JOIN partners parent ON parent.id = p.parent_id
         WHERE {cond} ORDER BY p.id LIMIT $2"
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Versioned {
            id: r.get("id"),
            version: r.get("version"),
            record: PartnerRecord {
                name: r.get("name"),
                short_name: r.get("short_name"),
                parent: r.get("parent"),
                kind: r
                    .get::<Option<String>, _>("kind")
                    .and_then(|k| PartnerKind::parse(&k).ok()),
            },
        })
        .collect())
}

/// Refuses a name or short name another partner has, compared as people read them (case and
/// accents folded in Rust: the two databases' `lower` differ beyond ASCII).
async fn partner_names_free(conn: &mut Conn, rec: &PartnerRecord, other_than: i64) -> Result<()> {
    let rows: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, short_name FROM partners WHERE id <> $1")
            .bind(other_than)
            .fetch_all(&mut *conn)
            .await?;
    let wanted = [
        ("name", Some(rec.name.as_str())),
        ("short_name", rec.short_name.as_deref()),
    ];
    for (field, value) in wanted {
        let Some(value) = value else { continue };
        let key = fold(value);
        for (other, name, short) in &rows {
            let hit = fold(name) == key || short.as_deref().is_some_and(|s| fold(s) == key);
            if hit {
                return Err(StoreError::Duplicate {
                    kind: "partner",
                    field,
                    value: value.to_string(),
                    other: *other,
                });
            }
        }
    }
    Ok(())
}

async fn parent_id(conn: &mut Conn, rec: &PartnerRecord, id: i64) -> Result<Option<i64>> {
    let Some(parent) = &rec.parent else {
        return Ok(None);
    };
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM partners WHERE name = $1")
        .bind(parent)
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some(p) if p == id => Err(StoreError::Fixed {
            field: "parent",
            why: "a partner cannot be its own parent",
        }),
        Some(p) => Ok(Some(p)),
        None => Err(StoreError::Unknown {
            field: "parent",
            value: parent.clone(),
        }),
    }
}

pub(crate) async fn create_partner(
    pool: &sqlx::Pool<Db>,
    rec: &PartnerRecord,
    stamp: Stamp<'_>,
) -> Result<Versioned<PartnerRecord>> {
    let mut tx = super::begin_edit(pool).await?;
    partner_names_free(&mut tx, rec, 0).await?;
    let parent = parent_id(&mut tx, rec, 0).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO partners (name, short_name, kind, parent_id) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(&rec.name)
    .bind(&rec.short_name)
    .bind(rec.kind.map(PartnerKind::as_str))
    .bind(parent)
    .fetch_one(&mut *tx)
    .await?;
    finish(tx, stamp, "partner", id, "created", 1, &rec.name).await?;
    Ok(Versioned {
        id,
        version: 1,
        record: rec.clone(),
    })
}

pub(crate) async fn update_partner(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: i64,
    rec: &PartnerRecord,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut tx = super::begin_edit(pool).await?;
    expect_version(&mut tx, "partners", "partner", id, Some(version)).await?;
    partner_names_free(&mut tx, rec, id).await?;
    let parent = parent_id(&mut tx, rec, id).await?;
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE partners SET name = $3, short_name = $4, kind = $5, parent_id = $6,
         version = version + 1 WHERE id = $1 AND version = $2 RETURNING version",
    )
    .bind(id)
    .bind(version)
    .bind(&rec.name)
    .bind(&rec.short_name)
    .bind(rec.kind.map(PartnerKind::as_str))
    .bind(parent)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(new) = new else {
        return Err(missed(&mut tx, "partners", "partner", id, version).await);
    };
    finish(tx, stamp, "partner", id, "updated", new, &rec.name).await?;
    Ok(new)
}

pub(crate) async fn delete_partner(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: Option<i64>,
    cascade: bool,
    stamp: Stamp<'_>,
) -> Result<Dependents> {
    let mut tx = super::begin_edit(pool).await?;
    let at = expect_version(&mut tx, "partners", "partner", id, version).await?;
    let dependents = Dependents {
        trainings: scalar(
            &mut tx,
            "SELECT COUNT(DISTINCT training_id) FROM training_partners WHERE partner_id = $1",
            id,
        )
        .await?,
        programmes: scalar(
            &mut tx,
            "SELECT COUNT(*) FROM partners WHERE parent_id = $1",
            id,
        )
        .await?,
        ..Dependents::default()
    };
    if !dependents.is_empty() && !cascade {
        return Err(StoreError::InUse {
            kind: "partner",
            id,
            dependents,
        });
    }
    let name: String = sqlx::query_scalar("SELECT name FROM partners WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    // The trainings stay, without this partner; its programmes stay, without a parent. Both
    // are changes to those records, so their versions move.
    sqlx::query(
        "UPDATE trainings SET version = version + 1
         WHERE id IN (SELECT training_id FROM training_partners WHERE partner_id = $1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM training_partners WHERE partner_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE partners SET parent_id = NULL, version = version + 1 WHERE parent_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM partners WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let detail = format!("{name}; from {}", dependents.describe());
    finish(tx, stamp, "partner", id, "deleted", at, &detail).await?;
    Ok(dependents)
}
