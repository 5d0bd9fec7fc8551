//! How many records of each kind the store holds.

use sqlx::Row;

use super::Db;
use crate::types::Counts;
use crate::Result;

pub(crate) async fn counts(pool: &sqlx::Pool<Db>) -> Result<Counts> {
    let n = |table: &str| format!("(SELECT COUNT(*) FROM {table})");
    let row = sqlx::query(&format!(
        "SELECT {} AS countries, {} AS departments, {} AS partners, {} AS trainings,
             {} AS sessions, {} AS persons, {} AS attendance",
        n("countries"),
        n("departments"),
        n("partners"),
        n("trainings"),
        n("sessions"),
        n("persons"),
        n("attendance")
    ))
    .fetch_one(pool)
    .await?;
    Ok(Counts {
        countries: row.get("countries"),
        departments: row.get("departments"),
        partners: row.get("partners"),
        trainings: row.get("trainings"),
        sessions: row.get("sessions"),
        persons: row.get("persons"),
        attendance: row.get("attendance"),
    })
}
