//! Single-record writes (a form, an API call), what they share, and those of trainings: each in
//! its own transaction, made from the version it names (`... WHERE id = $1 AND version = $2`),
//! kept in the audit trail with who made it, and raising the data version. Deletes say what depends on
//! the record and go ahead only when told to take that with it.

use cadre_core::PartialDate;
use cadre_core::TrainingRecord;
use sqlx::Database;

use super::read::read_training;
use super::Db;
use crate::types::{Dependents, Stamp, Versioned};
use crate::{Result, StoreError};

pub(crate) type Tx = sqlx::Transaction<'static, Db>;
pub(crate) type Conn = <Db as Database>::Connection;

/// Raises the data version by one, and says the new one: every transaction that changes
/// records does, once. On PostgreSQL the new version is also announced to the other cadre
/// processes on the schema's channel (see `Store::follow_versions`), when the transaction
/// commits and in the order of the commits.
pub(crate) async fn bump(conn: &mut Conn) -> Result<i64> {
    let n: i64 = sqlx::query_scalar("UPDATE data_version SET n = n + 1 WHERE id = 1 RETURNING n")
        .fetch_one(&mut *conn)
        .await?;
    announce(conn, n).await?;
    Ok(n)
}

/// Raises the version of what pages show besides the records (an account, a token, a
/// correction, a publication): answers cached for the old one are stale, and engines, which
/// follow the records' version, are left be. Announced like [`bump`].
pub(crate) async fn bump_shown(conn: &mut Conn) -> Result<()> {
    let n: i64 =
        sqlx::query_scalar("UPDATE data_version SET shown = shown + 1 WHERE id = 1 RETURNING n")
            .fetch_one(&mut *conn)
            .await?;
    announce(conn, n).await?;
    Ok(())
}

/// Tells the other cadre processes on PostgreSQL that a version moved, when the transaction
/// commits (the payload only wakes them: they read the versions).
async fn announce(conn: &mut Conn, n: i64) -> Result<()> {
    if super::IS_POSTGRES {
        sqlx::query("SELECT pg_notify('cadre_' || current_schema(), $1)")
            .bind(n.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The records' version and the version of what is shown besides them, read together.
pub(crate) async fn both_versions(pool: &sqlx::Pool<Db>) -> Result<(i64, i64)> {
    Ok(
        sqlx::query_as("SELECT n, shown FROM data_version WHERE id = 1")
            .fetch_one(pool)
            .await?,
    )
}

pub(crate) async fn data_version(pool: &sqlx::Pool<Db>) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT n FROM data_version WHERE id = 1")
            .fetch_one(pool)
            .await?,
    )
}

/// Keeps the edit, raises the data version and commits.
pub(crate) async fn finish(
    mut tx: Tx,
    stamp: Stamp<'_>,
    kind: &str,
    id: i64,
    action: &str,
    version: i64,
    detail: &str,
) -> Result<()> {
    note(&mut tx, stamp, kind, id, action, version, detail).await?;
    bump(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps one edit in the audit trail, in the edit's own transaction.
pub(crate) async fn note(
    conn: &mut Conn,
    stamp: Stamp<'_>,
    kind: &str,
    id: i64,
    action: &str,
    version: i64,
    detail: &str,
) -> Result<()> {
    super::audit::note(conn, stamp, action, kind, Some(id), Some(version), detail).await
}

/// The version of a record, `None` when there is no such record.
pub(crate) async fn version_of(conn: &mut Conn, table: &str, id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar(&format!("SELECT version FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Checks that the record is there at the version the write was made from (any version when
/// `yours` is `None`); returns its version.
pub(crate) async fn expect_version(
    conn: &mut Conn,
    table: &str,
    kind: &'static str,
    id: i64,
    yours: Option<i64>,
) -> Result<i64> {
    match version_of(conn, table, id).await? {
        None => Err(StoreError::NotFound { kind, id }),
        Some(current) => match yours {
            Some(yours) if yours != current => Err(StoreError::Conflict {
                kind,
                id,
                yours,
                current,
            }),
            _ => Ok(current),
        },
    }
}

/// Why an `UPDATE ... WHERE id = $1 AND version = $2` matched no row.
pub(crate) async fn missed(
    conn: &mut Conn,
    table: &str,
    kind: &'static str,
    id: i64,
    yours: i64,
) -> StoreError {
    match version_of(conn, table, id).await {
        Ok(Some(current)) => StoreError::Conflict {
            kind,
            id,
            yours,
            current,
        },
        Ok(None) => StoreError::NotFound { kind, id },
        Err(e) => e,
    }
}

pub(crate) fn text(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub(crate) fn last_day(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.last_day().to_string())
}

// ---- trainings ----

pub(crate) async fn training(
    pool: &sqlx::Pool<Db>,
    id: i64,
) -> Result<Option<Versioned<TrainingRecord>>> {
    let mut conn = pool.acquire().await?;
    let Some(version) = version_of(&mut conn, "trainings", id).await? else {
        return Ok(None);
    };
    let record = read_training(&mut conn, id).await?;
    Ok(Some(Versioned {
        id,
        version,
        record,
    }))
}

/// The id of the training with this code.
pub(crate) async fn training_id(pool: &sqlx::Pool<Db>, code: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM trainings WHERE code = $1")
            .bind(code)
            .fetch_optional(pool)
            .await?,
    )
}

/// Trainings by id after `after`, at most `limit`, with their versions.
pub(crate) async fn trainings_after(
    pool: &sqlx::Pool<Db>,
    after: i64,
    limit: i64,
) -> Result<Vec<Versioned<TrainingRecord>>> {
    let mut conn = pool.acquire().await?;
    let ids: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, version FROM trainings WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id, version) in ids {
        out.push(Versioned {
            id,
            version,
            record: read_training(&mut conn, id).await?,
        });
    }
    Ok(out)
}

async fn code_taken(conn: &mut Conn, code: &str, other_than: i64) -> Result<()> {
    let other: Option<i64> =
        sqlx::query_scalar("SELECT id FROM trainings WHERE code = $1 AND id <> $2")
            .bind(code)
            .bind(other_than)
            .fetch_optional(&mut *conn)
            .await?;
    match other {
        Some(other) => Err(StoreError::Duplicate {
            kind: "training",
            field: "code",
            value: code.to_string(),
            other,
        }),
        None => Ok(()),
    }
}

pub(crate) async fn create_training(
    pool: &sqlx::Pool<Db>,
    rec: &TrainingRecord,
    stamp: Stamp<'_>,
) -> Result<Versioned<TrainingRecord>> {
    let mut tx = super::begin_edit(pool).await?;
    code_taken(&mut tx, &rec.code, 0).await?;
    let id: i64 = crate::backend::bind_training!(
        sqlx::query_scalar(
            "INSERT INTO trainings (code, title, start_date, start_on, end_date, end_on,
         modality, venue, platform, status, requested_by, value_cents,
         participants_total, participants_male, participants_female,
         countries_reached, theme, note, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
         $19)
         RETURNING id",
        ),
        rec
    )
    .fetch_one(&mut *tx)
    .await?;
    write_links(&mut tx, id, rec).await?;
    // A training with no attendance yet has an empty attendee list in the cache, like one
    // an import created.
    super::cache::refresh_trainings(&mut tx, &[id]).await?;
    finish(tx, stamp, "training", id, "created", 1, &rec.code).await?;
    Ok(Versioned {
        id,
        version: 1,
        record: rec.clone(),
    })
}

/// Replaces the training with `rec`, if it is still at `version`; returns the new version.
pub(crate) async fn update_training(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: i64,
    rec: &TrainingRecord,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut tx = super::begin_edit(pool).await?;
    expect_version(&mut tx, "trainings", "training", id, Some(version)).await?;
    code_taken(&mut tx, &rec.code, id).await?;
    let new: Option<i64> = crate::backend::bind_training!(
        sqlx::query_scalar(
            "UPDATE trainings SET code = $1, title = $2, start_date = $3, start_on = $4,
             end_date = $5, end_on = $6, modality = $7, venue = $8, platform = $9,
             status = $10, requested_by = $11, value_cents = $12, participants_total = $13,
             participants_male = $14, participants_female = $15, countries_reached = $16,
             theme = $17, note = $18, summary = $19, version = version + 1
             WHERE id = $20 AND version = $21 RETURNING version",
        ),
        rec
    )
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(new) = new else {
        return Err(missed(&mut tx, "trainings", "training", id, version).await);
    };
    for table in [
        "training_partners",
        "training_countries",
        "training_departments",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE training_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    write_links(&mut tx, id, rec).await?;
    finish(tx, stamp, "training", id, "updated", new, &rec.code).await?;
    Ok(new)
}

/// The partners, countries and departments of a training, in the record's order. Names are
/// canonical (the application layer checked them); one deleted meanwhile is an error.
async fn write_links(conn: &mut Conn, id: i64, rec: &TrainingRecord) -> Result<()> {
    for (role, field, names) in [
        ("partner", "partners", &rec.partners),
        ("funder", "funders", &rec.funders),
    ] {
        for (pos, name) in names.iter().enumerate() {
            let partner: Option<i64> =
                sqlx::query_scalar("SELECT id FROM partners WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut *conn)
                    .await?;
            let partner = partner.ok_or_else(|| StoreError::Unknown {
                field,
                value: name.clone(),
            })?;
            sqlx::query(
                "INSERT INTO training_partners (training_id, partner_id, role, position)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(partner)
            .bind(role)
            .bind(pos as i64)
            .execute(&mut *conn)
            .await?;
        }
    }
    for (pos, code) in rec.countries.iter().enumerate() {
        sqlx::query(
            "INSERT INTO training_countries (training_id, country_code, position)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(code)
        .bind(pos as i64)
        .execute(&mut *conn)
        .await?;
    }
    for (pos, name) in rec.departments.iter().enumerate() {
        let department: Option<i64> =
            sqlx::query_scalar("SELECT id FROM departments WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *conn)
                .await?;
        let department = department.ok_or_else(|| StoreError::Unknown {
            field: "departments",
            value: name.clone(),
        })?;
        sqlx::query(
            "INSERT INTO training_departments (training_id, department_id, position)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(department)
        .bind(pos as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn scalar(conn: &mut Conn, sql: &str, id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub(crate) async fn training_dependents(conn: &mut Conn, id: i64) -> Result<Dependents> {
    Ok(Dependents {
        sessions: scalar(
            conn,
            "SELECT COUNT(*) FROM sessions WHERE training_id = $1",
            id,
        )
        .await?,
        attendance: scalar(
            conn,
            "SELECT COUNT(*) FROM attendance WHERE training_id = $1",
            id,
        )
        .await?,
        ..Dependents::default()
    })
}

/// Deletes a training; with `cascade`, its sessions and attendance too, else only when it has
/// none. Returns what was deleted with it.
pub(crate) async fn delete_training(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: Option<i64>,
    cascade: bool,
    stamp: Stamp<'_>,
) -> Result<Dependents> {
    let mut tx = super::begin_delete(pool).await?;
    let at = expect_version(&mut tx, "trainings", "training", id, version).await?;
    let dependents = training_dependents(&mut tx, id).await?;
    if !dependents.is_empty() && !cascade {
        return Err(StoreError::InUse {
            kind: "training",
            id,
            dependents,
        });
    }
    let code: String = sqlx::query_scalar("SELECT code FROM trainings WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    // Spelled out rather than left to ON DELETE CASCADE: a bulk import turns SQLite's foreign
    // keys off on its connection, and the order here holds whatever a connection's settings.
    for table in [
        "attendance",
        "sessions",
        "training_partners",
        "training_countries",
        "training_departments",
        "report_training_persons",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE training_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM trainings WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let detail = format!("{code}; with {}", dependents.describe());
    finish(tx, stamp, "training", id, "deleted", at, &detail).await?;
    Ok(dependents)
}

/// The versions of these records of `table` (trainings, sessions, partners, persons).
pub(crate) async fn versions(
    pool: &sqlx::Pool<Db>,
    table: &str,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for group in ids.chunks(500) {
        let list: Vec<String> = group.iter().map(i64::to_string).collect();
        let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, version FROM {table} WHERE id IN ({})",
            list.join(",")
        ))
        .fetch_all(pool)
        .await?;
        out.extend(rows);
    }
    Ok(out)
}
