//! The facts a period report is computed from, read in a few queries. The counting itself is
//! `cadre_core::report::build`: the store only selects.

use std::collections::HashMap;

use cadre_core::report::{PartnerInfo, Period, ReportInput, TrainingFacts};
use cadre_core::{Figure, PartialDate, PublishedFigure, SessionRecord};
use sqlx::Row;

use super::read::{read_trainings, Which};
use super::Db;
use crate::Result;

/// The trainings starting in the period (a partial date by its first day), with their
/// sessions, the persons who attended them, the partners' short names, and the figures
/// published for exactly this period.
pub(crate) async fn report_input(pool: &sqlx::Pool<Db>, period: Period) -> Result<ReportInput> {
    let mut conn = pool.acquire().await?;
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let mut trainings = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    for (id, record) in read_trainings(&mut conn, Which::StartingBetween(&from, &to)).await? {
        index.insert(id, trainings.len());
        trainings.push(TrainingFacts {
            record,
            ..Default::default()
        });
    }
    let in_period = "SELECT id FROM trainings WHERE start_on >= $1 AND start_on <= $2";
    for row in sqlx::query(&format!(
        "SELECT training_id, start_date, end_date, participants_total, note FROM sessions
             WHERE training_id IN ({in_period}) ORDER BY start_on, start_date"
    ))
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?
    {
        let Some(&i) = index.get(&row.get::<i64, _>("training_id")) else {
            continue;
        };
        let Ok(start) = PartialDate::parse(&row.get::<String, _>("start_date")) else {
            continue;
        };
        let t = &mut trainings[i];
        t.sessions.push(SessionRecord {
            training_code: t.record.code.clone(),
            start,
            end: row
                .get::<Option<String>, _>("end_date")
                .and_then(|d| PartialDate::parse(&d).ok()),
            participants_total: row
                .get::<Option<i64>, _>("participants_total")
                .and_then(|n| u32::try_from(n).ok()),
            note: row.get("note"),
        });
    }
    // Attendees and their facts come from the report cache, kept current by every import.
    for (training_id, persons) in super::cache::training_persons(&mut conn, &from, &to).await? {
        if let Some(&i) = index.get(&training_id) {
            trainings[i].participants = persons;
        }
    }
    // Only the persons of the period's trainings are read and decoded.
    let mut needed: Vec<u64> = Vec::new();
    for t in &trainings {
        for &id in &t.participants {
            let Ok(i) = usize::try_from(id) else { continue };
            if needed.len() <= i / 64 {
                needed.resize(i / 64 + 1, 0);
            }
            needed[i / 64] |= 1 << (i % 64);
        }
    }
    let persons = super::cache::persons(&mut conn, &needed).await?;
    let partners = sqlx::query("SELECT name, short_name FROM partners ORDER BY name")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| PartnerInfo {
            name: r.get("name"),
            short_name: r.get("short_name"),
        })
        .collect();
    let mut published = Vec::new();
    for (figure, value, note) in sqlx::query_as::<_, (String, i64, Option<String>)>(
        "SELECT figure, value, note FROM published_figures
             WHERE period_from = $1 AND period_to = $2 ORDER BY figure",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?
    {
        if let Ok(figure) = Figure::parse(&figure) {
            published.push(PublishedFigure {
                figure,
                value,
                note,
            });
        }
    }
    Ok(ReportInput {
        trainings,
        persons,
        partners,
        published,
    })
}
