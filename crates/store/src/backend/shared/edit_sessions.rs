//! Single-record writes of sessions: a session stays with its training, its start is unique
//! within it, and deleting one with attendance deletes that attendance only when told to.

use cadre_core::{PartialDate, SessionRecord};
use sqlx::{Database, Row};

use super::edit::{expect_version, finish, last_day, missed, scalar, text, Conn};
use super::read::{count, date};
use super::Db;
use crate::types::{Dependents, Stamp, Versioned};
use crate::{Result, StoreError};

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
    let mut tx = super::begin_delete(pool).await?;
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
