//! Single-record writes of trainings, sessions and partners (a form, an API call): each in its
//! own transaction, made from the version it names (`... WHERE id = $1 AND version = $2`),
//! kept in `edits` with who made it, and raising the data version. Deletes say what depends on
//! the record and go ahead only when told to take that with it.

use cadre_core::text::fold;
use cadre_core::TrainingRecord;
use cadre_core::{PartialDate, PartnerKind, PartnerRecord, SessionRecord};
use sqlx::{Database, Row};

use super::read::{count, date, read_training};
use super::Db;
use crate::types::{Dependents, EditRecord, Stamp, Versioned};
use crate::{Result, StoreError};

pub(crate) type Tx = sqlx::Transaction<'static, Db>;
type Conn = <Db as Database>::Connection;

/// Raises the data version: every transaction that changes records does, once.
pub(crate) async fn bump(conn: &mut Conn) -> Result<()> {
    sqlx::query("UPDATE data_version SET n = n + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
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

/// Keeps one edit in `edits`.
pub(crate) async fn note(
    conn: &mut Conn,
    stamp: Stamp<'_>,
    kind: &str,
    id: i64,
    action: &str,
    version: i64,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO edits (at, actor, kind, record_id, action, version, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(stamp.at)
    .bind(stamp.actor)
    .bind(kind)
    .bind(id)
    .bind(action)
    .bind(version)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The edits of one record, or of every record when `record` is `None`, newest first.
pub(crate) async fn edits(
    pool: &sqlx::Pool<Db>,
    record: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<EditRecord>> {
    let rows = match record {
        Some((kind, id)) => {
            sqlx::query(
                "SELECT at, actor, kind, record_id, action, version, detail FROM edits
                 WHERE kind = $1 AND record_id = $2 ORDER BY id DESC LIMIT $3",
            )
            .bind(kind)
            .bind(id)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query(
                "SELECT at, actor, kind, record_id, action, version, detail FROM edits
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| EditRecord {
            at: r.get("at"),
            actor: r.get("actor"),
            kind: r.get("kind"),
            record_id: r.get("record_id"),
            action: r.get("action"),
            version: r.get("version"),
            detail: r.get("detail"),
        })
        .collect())
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

fn text(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn last_day(d: Option<PartialDate>) -> Option<String> {
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
         countries_reached, theme, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
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
             theme = $17, note = $18, version = version + 1
             WHERE id = $19 AND version = $20 RETURNING version",
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

async fn scalar(conn: &mut Conn, sql: &str, id: i64) -> Result<i64> {
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
    let mut tx = super::begin_edit(pool).await?;
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

// ---- sessions ----

fn session_from(row: &<Db as Database>::Row) -> Option<SessionRecord> {
    Some(SessionRecord {
        training_code: row.get("code"),
        start: date(row.get("start_date"))?,
        end: date(row.get("end_date")),
        participants_total: count(row.get("participants_total")),
        note: row.get("note"),
    })
}

pub(crate) async fn session(
    pool: &sqlx::Pool<Db>,
    id: i64,
) -> Result<Option<Versioned<SessionRecord>>> {
    let row = sqlx::query(
        "SELECT s.id, s.version, t.code, s.start_date, s.end_date, s.participants_total, s.note
         FROM sessions s JOIN trainings t ON t.id = s.training_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| {
        Some(Versioned {
            id,
            version: r.get("version"),
            record: session_from(&r)?,
        })
    }))
}

/// The sessions of a training with their ids and versions, in date order.
pub(crate) async fn sessions_of(
    pool: &sqlx::Pool<Db>,
    training_id: i64,
) -> Result<Vec<Versioned<SessionRecord>>> {
    let rows = sqlx::query(
        "SELECT s.id, s.version, t.code, s.start_date, s.end_date, s.participants_total, s.note
         FROM sessions s JOIN trainings t ON t.id = s.training_id
         WHERE s.training_id = $1 ORDER BY s.start_on, s.start_date",
    )
    .bind(training_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Versioned {
                id: r.get("id"),
                version: r.get("version"),
                record: session_from(r)?,
            })
        })
        .collect())
}

/// Sessions by id after `after`, at most `limit`.
pub(crate) async fn sessions_after(
    pool: &sqlx::Pool<Db>,
    after: i64,
    limit: i64,
) -> Result<Vec<Versioned<SessionRecord>>> {
    let rows = sqlx::query(
        "SELECT s.id, s.version, t.code, s.start_date, s.end_date, s.participants_total, s.note
         FROM sessions s JOIN trainings t ON t.id = s.training_id
         WHERE s.id > $1 ORDER BY s.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Versioned {
                id: r.get("id"),
                version: r.get("version"),
                record: session_from(r)?,
            })
        })
        .collect())
}

async fn session_training(conn: &mut Conn, code: &str) -> Result<i64> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM trainings WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    id.ok_or_else(|| StoreError::Unknown {
        field: "training_code",
        value: code.to_string(),
    })
}

async fn start_taken(
    conn: &mut Conn,
    training: i64,
    start: PartialDate,
    other_than: i64,
) -> Result<()> {
    let other: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM sessions WHERE training_id = $1 AND start_date = $2 AND id <> $3",
    )
    .bind(training)
    .bind(start.to_string())
    .bind(other_than)
    .fetch_optional(&mut *conn)
    .await?;
    match other {
        Some(other) => Err(StoreError::Duplicate {
            kind: "session",
            field: "start_date",
            value: start.to_string(),
            other,
        }),
        None => Ok(()),
    }
}

pub(crate) async fn create_session(
    pool: &sqlx::Pool<Db>,
    rec: &SessionRecord,
    stamp: Stamp<'_>,
) -> Result<Versioned<SessionRecord>> {
    let mut tx = super::begin_edit(pool).await?;
    let training = session_training(&mut tx, &rec.training_code).await?;
    start_taken(&mut tx, training, rec.start, 0).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (training_id, start_date, start_on, end_date, end_on,
         participants_total, note) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(training)
    .bind(rec.start.to_string())
    .bind(rec.start.first_day().to_string())
    .bind(text(rec.end))
    .bind(last_day(rec.end))
    .bind(rec.participants_total.map(i64::from))
    .bind(&rec.note)
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("{} {}", rec.training_code, rec.start);
    finish(tx, stamp, "session", id, "created", 1, &detail).await?;
    Ok(Versioned {
        id,
        version: 1,
        record: rec.clone(),
    })
}

pub(crate) async fn update_session(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: i64,
    rec: &SessionRecord,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut tx = super::begin_edit(pool).await?;
    let stored: Option<i64> = sqlx::query_scalar("SELECT training_id FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(stored) = stored else {
        return Err(StoreError::NotFound {
            kind: "session",
            id,
        });
    };
    let training = session_training(&mut tx, &rec.training_code).await?;
    if training != stored {
        return Err(StoreError::Fixed {
            field: "training_code",
            why: "a session stays with its training (its attendance is the training's): create it under the other training and delete this one",
        });
    }
    start_taken(&mut tx, training, rec.start, id).await?;
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE sessions SET start_date = $3, start_on = $4, end_date = $5, end_on = $6,
         participants_total = $7, note = $8, version = version + 1
         WHERE id = $1 AND version = $2 RETURNING version",
    )
    .bind(id)
    .bind(version)
    .bind(rec.start.to_string())
    .bind(rec.start.first_day().to_string())
    .bind(text(rec.end))
    .bind(last_day(rec.end))
    .bind(rec.participants_total.map(i64::from))
    .bind(&rec.note)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(new) = new else {
        return Err(missed(&mut tx, "sessions", "session", id, version).await);
    };
    let detail = format!("{} {}", rec.training_code, rec.start);
    finish(tx, stamp, "session", id, "updated", new, &detail).await?;
    Ok(new)
}

pub(crate) async fn delete_session(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: Option<i64>,
    cascade: bool,
    stamp: Stamp<'_>,
) -> Result<Dependents> {
    let mut tx = super::begin_edit(pool).await?;
    let at = expect_version(&mut tx, "sessions", "session", id, version).await?;
    let dependents = Dependents {
        attendance: scalar(
            &mut tx,
            "SELECT COUNT(*) FROM attendance WHERE session_key = $1",
            id,
        )
        .await?,
        ..Dependents::default()
    };
    if !dependents.is_empty() && !cascade {
        return Err(StoreError::InUse {
            kind: "session",
            id,
            dependents,
        });
    }
    let training: i64 = scalar(
        &mut tx,
        "SELECT training_id FROM sessions WHERE id = $1",
        id,
    )
    .await?;
    sqlx::query("DELETE FROM attendance WHERE training_id = $1 AND session_key = $2")
        .bind(training)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if dependents.attendance > 0 {
        super::cache::refresh_trainings(&mut tx, &[training]).await?;
    }
    let detail = format!("with {}", dependents.describe());
    finish(tx, stamp, "session", id, "deleted", at, &detail).await?;
    Ok(dependents)
}

// ---- partners ----

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
