//! Corrections proposed by partner agencies (migration 0013): kept when proposed, reviewed
//! once (only a pending one can be accepted or rejected), each step in the audit trail in its
//! own transaction.

use sqlx::Row;

use super::Db;
use crate::types::{Correction, Stamp};
use crate::{Result, StoreError};

const COLUMNS: &str = "id, training_id, training_version, proposed_by, proposed_at, fields, note, \
                       status, reviewed_by, reviewed_at, reason";

fn correction_of(r: &<Db as sqlx::Database>::Row) -> Correction {
    Correction {
        id: r.get("id"),
        training_id: r.get("training_id"),
        training_version: r.get("training_version"),
        proposed_by: r.get("proposed_by"),
        proposed_at: r.get("proposed_at"),
        fields: r.get("fields"),
        note: r.get("note"),
        status: r.get("status"),
        reviewed_by: r.get("reviewed_by"),
        reviewed_at: r.get("reviewed_at"),
        reason: r.get("reason"),
    }
}

async fn note(
    tx: &mut super::edit::Tx,
    stamp: Stamp<'_>,
    id: i64,
    action: &str,
    detail: &str,
) -> Result<()> {
    super::audit::note(tx, stamp, action, "correction", Some(id), None, detail).await
}

/// Keeps a proposed correction; says its id.
pub(crate) async fn create(
    pool: &sqlx::Pool<Db>,
    training_id: i64,
    training_version: i64,
    fields: &str,
    text: &str,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut tx = super::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO corrections (training_id, training_version, proposed_by, proposed_at, fields, note)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(training_id)
    .bind(training_version)
    .bind(stamp.actor)
    .bind(stamp.at)
    .bind(fields)
    .bind(text)
    .fetch_one(&mut *tx)
    .await?;
    note(
        &mut tx,
        stamp.after(fields),
        id,
        "proposed",
        &format!("training {training_id}: {text}"),
    )
    .await?;
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Corrections, the newest first: only pending ones when asked, only one proposer's when
/// given.
pub(crate) async fn list(
    pool: &sqlx::Pool<Db>,
    pending_only: bool,
    proposed_by: Option<&str>,
) -> Result<Vec<Correction>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM corrections ORDER BY id DESC"
    ))
    .fetch_all(pool)
    .await?;
    // Filtered here: a handful of rows, and no comparison to spell twice.
    Ok(rows
        .iter()
        .map(correction_of)
        .filter(|c| !pending_only || c.status == "pending")
        .filter(|c| proposed_by.is_none_or(|p| c.proposed_by == p))
        .collect())
}

pub(crate) async fn find(pool: &sqlx::Pool<Db>, id: i64) -> Result<Option<Correction>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM corrections WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(correction_of))
}

/// Marks a pending correction accepted or rejected; one already reviewed is a `Conflict`.
pub(crate) async fn review(
    pool: &sqlx::Pool<Db>,
    id: i64,
    accepted: bool,
    reason: &str,
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let status = if accepted { "accepted" } else { "rejected" };
    let done = sqlx::query(
        "UPDATE corrections SET status = $1, reviewed_by = $2, reviewed_at = $3, reason = $4
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status)
    .bind(stamp.actor)
    .bind(stamp.at)
    .bind(reason)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict {
            kind: "correction",
            id,
            yours: 1,
            current: 2,
        });
    }
    note(&mut tx, stamp, id, status, reason).await?;
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}
