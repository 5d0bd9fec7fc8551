//! Reading records back in the form import produces them.

use cadre_core::{PartialDate, PartnerKind, PartnerRecord, SessionRecord, TrainingRecord};
use sqlx::Row;

use super::write::read_training;
use super::Db;
use crate::types::Participant;
use crate::Result;

/// The training with this code.
pub(crate) async fn training(pool: &sqlx::Pool<Db>, code: &str) -> Result<Option<TrainingRecord>> {
    let mut conn = pool.acquire().await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM trainings WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    match id {
        Some(id) => Ok(Some(read_training(&mut conn, id).await?)),
        None => Ok(None),
    }
}

/// Every partner, by name, with its parent's name.
pub(crate) async fn partners(pool: &sqlx::Pool<Db>) -> Result<Vec<PartnerRecord>> {
    let rows = sqlx::query(
        "SELECT p.name, p.short_name, p.kind, parent.name AS parent
             FROM partners p LEFT JOIN partners parent ON parent.id = p.parent_id
             ORDER BY p.name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PartnerRecord {
            name: r.get("name"),
            short_name: r.get("short_name"),
            parent: r.get("parent"),
            kind: r
                .get::<Option<String>, _>("kind")
                .and_then(|k| PartnerKind::parse(&k).ok()),
        })
        .collect())
}

/// The sessions of a training, in date order.
pub(crate) async fn sessions(pool: &sqlx::Pool<Db>, code: &str) -> Result<Vec<SessionRecord>> {
    let rows = sqlx::query(
        "SELECT s.start_date, s.end_date, s.participants_total, s.note
             FROM sessions s JOIN trainings t ON t.id = s.training_id
             WHERE t.code = $1 ORDER BY s.start_on, s.start_date",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(SessionRecord {
                training_code: code.to_string(),
                start: PartialDate::parse(&r.get::<String, _>("start_date")).ok()?,
                end: r
                    .get::<Option<String>, _>("end_date")
                    .and_then(|d| PartialDate::parse(&d).ok()),
                participants_total: r
                    .get::<Option<i64>, _>("participants_total")
                    .and_then(|n| u32::try_from(n).ok()),
                note: r.get("note"),
            })
        })
        .collect())
}

/// Every participant, ordered by family and given name.
pub(crate) async fn participants(pool: &sqlx::Pool<Db>) -> Result<Vec<Participant>> {
    let rows = sqlx::query(
        "SELECT p.given_name, p.family_name, p.email, p.gender, p.country_code,
                    p.organisation, d.name AS department,
                    (SELECT COUNT(*) FROM attendance a WHERE a.person_id = p.id) AS attendance,
                    (SELECT COUNT(DISTINCT a.training_id) FROM attendance a
                      WHERE a.person_id = p.id) AS trainings
             FROM persons p LEFT JOIN departments d ON d.id = p.department_id
             ORDER BY p.family_name, p.given_name, p.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Participant {
            person: cadre_core::PersonRecord {
                given_name: r.get("given_name"),
                family_name: r.get("family_name"),
                email: r.get("email"),
                gender: r
                    .get::<Option<String>, _>("gender")
                    .and_then(|g| cadre_core::Gender::from_stored(&g)),
                country: r.get("country_code"),
                organisation: r.get("organisation"),
                department: r.get("department"),
            },
            attendance: r.get("attendance"),
            trainings: r.get("trainings"),
        })
        .collect())
}
