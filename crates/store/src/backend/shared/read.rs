//! Reading records back in the form import produces them.

use std::collections::HashMap;

use cadre_core::{
    Modality, Money, PartialDate, PartnerKind, PartnerRecord, SessionRecord, Status, TrainingRecord,
};
use sqlx::{Database, Row};

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

/// A value bound to a query run through [`each_row`](super::bulk::each_row).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

/// A row's columns by position, however the backend fetched it.
pub(crate) trait Cells {
    fn int(&self, i: usize) -> Result<Option<i64>>;
    fn text(&self, i: usize) -> Result<Option<String>>;
}

/// Which trainings to read.
pub(crate) enum Which<'a> {
    Id(i64),
    /// Starting in `[from, to]` (first days, `YYYY-MM-DD`).
    StartingBetween(&'a str, &'a str),
}

impl Which<'_> {
    fn condition(&self) -> &'static str {
        match self {
            Which::Id(_) => "id = $1",
            Which::StartingBetween(..) => "start_on >= $1 AND start_on <= $2",
        }
    }

    fn params(&self) -> Vec<Param<'_>> {
        match self {
            Which::Id(id) => vec![Param::Int(*id)],
            Which::StartingBetween(from, to) => vec![Param::Text(from), Param::Text(to)],
        }
    }
}

/// Trainings as stored, in the form import produces, with their ids, ordered by start and code:
/// four queries whatever their number.
pub(crate) async fn read_trainings(
    conn: &mut <Db as Database>::Connection,
    which: Which<'_>,
) -> Result<Vec<(i64, TrainingRecord)>> {
    let cond = which.condition();
    let params = which.params();
    let mut out: Vec<(i64, TrainingRecord)> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    let sql = format!(
        "SELECT id, code, title, start_date, end_date, modality, venue, platform, status,
                requested_by, value_cents, participants_total, participants_male,
                participants_female, countries_reached, theme, note, summary
         FROM trainings WHERE {cond} ORDER BY start_on, code"
    );
    super::bulk::each_row(conn, &sql, &params, |row| {
        let id = row.int(0)?.unwrap_or_default();
        at.insert(id, out.len());
        out.push((
            id,
            TrainingRecord {
                code: row.text(1)?.unwrap_or_default(),
                title: row.text(2)?.unwrap_or_default(),
                start: date(row.text(3)?),
                end: date(row.text(4)?),
                modality: row.text(5)?.and_then(|m| Modality::parse(&m).ok()),
                venue: row.text(6)?,
                platform: row.text(7)?,
                status: row.text(8)?.and_then(|s| Status::parse(&s).ok()),
                partners: Vec::new(),
                funders: Vec::new(),
                requested_by: row.text(9)?,
                value: row.int(10)?.map(Money::from_cents),
                participants_total: count(row.int(11)?),
                participants_male: count(row.int(12)?),
                participants_female: count(row.int(13)?),
                countries: Vec::new(),
                countries_reached: count(row.int(14)?),
                departments: Vec::new(),
                theme: row.text(15)?,
                note: row.text(16)?,
                summary: row.text(17)?,
            },
        ));
        Ok(())
    })
    .await?;
    if out.is_empty() {
        return Ok(out);
    }
    let within = format!("SELECT id FROM trainings WHERE {cond}");
    super::bulk::each_row(
        conn,
        &format!(
            "SELECT tp.training_id, tp.role, p.name FROM training_partners tp
             JOIN partners p ON p.id = tp.partner_id
             WHERE tp.training_id IN ({within}) ORDER BY tp.training_id, tp.position"
        ),
        &params,
        |row| {
            if let Some(&i) = at.get(&row.int(0)?.unwrap_or_default()) {
                let t = &mut out[i].1;
                let name = row.text(2)?.unwrap_or_default();
                if row.text(1)?.as_deref() == Some("funder") {
                    t.funders.push(name)
                } else {
                    t.partners.push(name)
                }
            }
            Ok(())
        },
    )
    .await?;
    super::bulk::each_row(
        conn,
        &format!(
            "SELECT training_id, country_code FROM training_countries
             WHERE training_id IN ({within}) ORDER BY training_id, position"
        ),
        &params,
        |row| {
            if let Some(&i) = at.get(&row.int(0)?.unwrap_or_default()) {
                out[i].1.countries.push(row.text(1)?.unwrap_or_default());
            }
            Ok(())
        },
    )
    .await?;
    super::bulk::each_row(
        conn,
        &format!(
            "SELECT td.training_id, d.name FROM training_departments td
             JOIN departments d ON d.id = td.department_id
             WHERE td.training_id IN ({within}) ORDER BY td.training_id, td.position"
        ),
        &params,
        |row| {
            if let Some(&i) = at.get(&row.int(0)?.unwrap_or_default()) {
                out[i].1.departments.push(row.text(1)?.unwrap_or_default());
            }
            Ok(())
        },
    )
    .await?;
    Ok(out)
}

/// The training as stored, in the form import produces, to tell whether a row changes it.
pub(crate) async fn read_training(
    conn: &mut <Db as Database>::Connection,
    id: i64,
) -> Result<TrainingRecord> {
    read_trainings(conn, Which::Id(id))
        .await?
        .pop()
        .map(|(_, t)| t)
        .ok_or(crate::StoreError::Database(sqlx::Error::RowNotFound))
}

pub(crate) fn date(s: Option<String>) -> Option<PartialDate> {
    s.and_then(|s| PartialDate::parse(&s).ok())
}

pub(crate) fn count(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

/// Every department with the other spellings that name it, sorted by name (in Rust: the two
/// databases collate differently).
pub(crate) async fn departments(
    pool: &sqlx::Pool<Db>,
) -> Result<Vec<cadre_core::DepartmentRecord>> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT d.id, d.name, a.alias FROM departments d
         LEFT JOIN department_aliases a ON a.department_id = d.id",
    )
    .fetch_all(pool)
    .await?;
    let mut by_id: std::collections::BTreeMap<i64, cadre_core::DepartmentRecord> =
        Default::default();
    for (id, name, alias) in rows {
        let d = by_id
            .entry(id)
            .or_insert_with(|| cadre_core::DepartmentRecord {
                name: name.clone(),
                aliases: Vec::new(),
            });
        if let Some(alias) = alias.filter(|a| *a != name) {
            d.aliases.push(alias);
        }
    }
    let mut out: Vec<_> = by_id.into_values().collect();
    for d in &mut out {
        d.aliases.sort_by_key(|a| cadre_core::text::fold(a));
    }
    out.sort_by_key(|d| cadre_core::text::fold(&d.name));
    Ok(out)
}
