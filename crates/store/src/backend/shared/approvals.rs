//! Periods submitted, approved and reopened (migration 0015): each step a conditional update
//! (the step is taken only from the state it starts from, so two admins at once cannot both
//! approve), kept in the audit trail and raising the data version in the step's own
//! transaction, since every report of the period shows where it stands.

use cadre_core::approval::{read_figures, Approval, Status};
use cadre_core::report::Period;
use cadre_core::Date;
use sqlx::Row;

use super::Db;
use crate::types::Stamp;
use crate::{Result, StoreError};

const COLUMNS: &str = "id, period_from, period_to, status, submitted_by, submitted_at, \
                       approved_by, approved_at, reopened_by, reopened_at, reason, \
                       approved_figures";

fn approval_of(r: &<Db as sqlx::Database>::Row) -> Option<Approval> {
    let from = Date::parse(&r.get::<String, _>("period_from")).ok()?;
    let to = Date::parse(&r.get::<String, _>("period_to")).ok()?;
    Some(Approval {
        id: r.get("id"),
        period: Period::new(from, to).ok()?,
        status: Status::parse(&r.get::<String, _>("status"))?,
        submitted_by: r.get("submitted_by"),
        submitted_at: r.get("submitted_at"),
        approved_by: r.get("approved_by"),
        approved_at: r.get("approved_at"),
        reopened_by: r.get("reopened_by"),
        reopened_at: r.get("reopened_at"),
        reason: r.get("reason"),
        approved_figures: read_figures(&r.get::<String, _>("approved_figures")),
    })
}

/// Every period with an approval record, the latest first.
pub(crate) async fn list(pool: &sqlx::Pool<Db>) -> Result<Vec<Approval>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM period_approvals ORDER BY period_from DESC, period_to DESC"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().filter_map(approval_of).collect())
}

/// The report as it stood when the period was approved (cadre.report.v1 JSON); empty when it
/// never was.
pub(crate) async fn approved_report(pool: &sqlx::Pool<Db>, period: Period) -> Result<String> {
    Ok(sqlx::query_scalar(
        "SELECT approved_report FROM period_approvals WHERE period_from = $1 AND period_to = $2",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .fetch_optional(pool)
    .await?
    .unwrap_or_default())
}

async fn finish(
    mut tx: super::edit::Tx,
    stamp: Stamp<'_>,
    period: Period,
    action: &str,
) -> Result<()> {
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM period_approvals WHERE period_from = $1 AND period_to = $2",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .fetch_one(&mut *tx)
    .await?;
    super::audit::note(
        &mut tx,
        stamp,
        action,
        "period",
        Some(id),
        None,
        &format!("{} to {}", period.from, period.to),
    )
    .await?;
    super::edit::bump(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A step refused because the period is no longer where the step starts from.
fn moved(period: Period, step: &str) -> StoreError {
    StoreError::Moved(format!(
        "the period {} changed while it was being {step}: look at it again",
        period.label()
    ))
}

/// Submits a period: a new approval record, or one that was reopened.
pub(crate) async fn submit(pool: &sqlx::Pool<Db>, period: Period, stamp: Stamp<'_>) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let done = sqlx::query(
        "INSERT INTO period_approvals (period_from, period_to, status, submitted_by, submitted_at)
         VALUES ($1, $2, 'submitted', $3, $4)
         ON CONFLICT (period_from, period_to) DO UPDATE SET status = 'submitted',
         submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at
         WHERE period_approvals.status = 'reopened'",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .bind(stamp.actor)
    .bind(stamp.at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(moved(period, "submitted"));
    }
    finish(tx, stamp, period, "submitted").await
}

/// Approves a submitted period, keeping its figures and report as they stand.
pub(crate) async fn approve(
    pool: &sqlx::Pool<Db>,
    period: Period,
    figures: &str,
    report: &str,
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE period_approvals SET status = 'approved', approved_by = $3, approved_at = $4,
         approved_figures = $5, approved_report = $6, reopened_by = NULL, reopened_at = NULL,
         reason = ''
         WHERE period_from = $1 AND period_to = $2 AND status = 'submitted'",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .bind(stamp.actor)
    .bind(stamp.at)
    .bind(figures)
    .bind(report)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(moved(period, "approved"));
    }
    finish(tx, stamp, period, "approved").await
}

/// Reopens an approved period, with the reason; what was approved stays kept.
pub(crate) async fn reopen(
    pool: &sqlx::Pool<Db>,
    period: Period,
    reason: &str,
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE period_approvals SET status = 'reopened', reopened_by = $3, reopened_at = $4,
         reason = $5
         WHERE period_from = $1 AND period_to = $2 AND status = 'approved'",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .bind(stamp.actor)
    .bind(stamp.at)
    .bind(reason)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(moved(period, "reopened"));
    }
    finish(tx, stamp, period, "reopened").await
}

/// Every training's code and start, for the locks of approved periods.
pub(crate) async fn training_starts(
    pool: &sqlx::Pool<Db>,
) -> Result<Vec<(String, Option<cadre_core::PartialDate>)>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT code, start_date FROM trainings")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(code, start)| {
            (
                code,
                start.and_then(|s| cadre_core::PartialDate::parse(&s).ok()),
            )
        })
        .collect())
}

/// The start dates of the trainings naming a partner or one of its programmes.
pub(crate) async fn partner_training_starts(
    pool: &sqlx::Pool<Db>,
    partner: i64,
) -> Result<Vec<Option<cadre_core::PartialDate>>> {
    let rows: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT DISTINCT t.start_date FROM trainings t
         JOIN training_partners tp ON tp.training_id = t.id
         WHERE tp.partner_id = $1
            OR tp.partner_id IN (SELECT id FROM partners WHERE parent_id = $1)",
    )
    .bind(partner)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(start,)| start.and_then(|s| cadre_core::PartialDate::parse(&s).ok()))
        .collect())
}
