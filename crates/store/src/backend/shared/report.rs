//! The facts a period report is computed from, read in a few queries. The counting itself is
//! `cadre_core::report::build`: the store only selects.

use std::collections::HashMap;

use cadre_core::report::{PartnerInfo, Period, PersonFacts, ReportInput, TrainingFacts};
use cadre_core::{Figure, PartialDate, PublishedFigure, SessionRecord};
use sqlx::Row;

use super::read::{read_trainings, Param, Which};
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
            id,
            record,
            ..Default::default()
        });
    }
    let in_period = "SELECT id FROM trainings WHERE start_on >= $1 AND start_on <= $2";
    super::bulk::each_row(
        &mut conn,
        &format!(
            "SELECT training_id, start_date, end_date, participants_total, note FROM sessions
             WHERE training_id IN ({in_period}) ORDER BY start_on, start_date"
        ),
        &[Param::Text(&from), Param::Text(&to)],
        |row| {
            let Some(&i) = index.get(&row.int(0)?.unwrap_or_default()) else {
                return Ok(());
            };
            let Some(start) = super::read::date(row.text(1)?) else {
                return Ok(());
            };
            let t = &mut trainings[i];
            t.sessions.push(SessionRecord {
                training_code: t.record.code.clone(),
                start,
                end: super::read::date(row.text(2)?),
                participants_total: super::read::count(row.int(3)?),
                note: row.text(4)?,
            });
            Ok(())
        },
    )
    .await?;
    // Attendees and their facts come from the report cache, kept current by every import.
    let (lists, needed) = super::cache::training_persons(&mut conn, &from, &to).await?;
    for (training_id, persons) in lists {
        if let Some(&i) = index.get(&training_id) {
            trainings[i].participants = persons;
        }
    }
    // Only the persons of the period's trainings are read and decoded.
    let persons = super::cache::persons(&mut conn, &needed).await?;
    let partners = partners_in(&mut conn).await?;
    let published = published_in(&mut conn, &from, &to).await?;
    Ok(ReportInput {
        trainings,
        persons,
        partners,
        published,
    })
}

type Conn = <Db as sqlx::Database>::Connection;

async fn partners_in(conn: &mut Conn) -> Result<Vec<PartnerInfo>> {
    Ok(
        sqlx::query("SELECT name, short_name FROM partners ORDER BY name")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| PartnerInfo {
                name: r.get("name"),
                short_name: r.get("short_name"),
            })
            .collect(),
    )
}

/// The partners' names and short names, as a report shows them.
pub(crate) async fn partners(pool: &sqlx::Pool<Db>) -> Result<Vec<PartnerInfo>> {
    let mut conn = pool.acquire().await?;
    partners_in(&mut conn).await
}

async fn published_in(conn: &mut Conn, from: &str, to: &str) -> Result<Vec<PublishedFigure>> {
    let mut published = Vec::new();
    for (figure, value, note) in sqlx::query_as::<_, (String, i64, Option<String>)>(
        "SELECT figure, value, note FROM published_figures
             WHERE period_from = $1 AND period_to = $2 ORDER BY figure",
    )
    .bind(from)
    .bind(to)
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
    Ok(published)
}

/// The figures published for exactly this period.
pub(crate) async fn published(
    pool: &sqlx::Pool<Db>,
    period: Period,
) -> Result<Vec<PublishedFigure>> {
    let mut conn = pool.acquire().await?;
    published_in(&mut conn, &period.from.to_string(), &period.to.to_string()).await
}

/// One training as the report engine holds it: the record, its sessions and its attendees.
pub(crate) async fn training_facts(
    pool: &sqlx::Pool<Db>,
    id: i64,
) -> Result<Option<TrainingFacts>> {
    let mut conn = pool.acquire().await?;
    let Some((_, record)) = read_trainings(&mut conn, Which::Id(id)).await?.pop() else {
        return Ok(None);
    };
    let mut sessions = Vec::new();
    for row in sqlx::query(
        "SELECT start_date, end_date, participants_total, note FROM sessions
         WHERE training_id = $1 ORDER BY start_on, start_date",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        let Ok(start) = PartialDate::parse(&row.get::<String, _>("start_date")) else {
            continue;
        };
        sessions.push(SessionRecord {
            training_code: record.code.clone(),
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
    let blob: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT persons FROM report_training_persons WHERE training_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Some(TrainingFacts {
        id,
        record,
        sessions,
        participants: blob
            .map(|b| crate::cache::decode_ids(&b))
            .unwrap_or_default(),
    }))
}

/// What the report needs of one person, `None` when there is no such person.
pub(crate) async fn person_facts(pool: &sqlx::Pool<Db>, id: i64) -> Result<Option<PersonFacts>> {
    let row = sqlx::query(
        "SELECT p.gender, p.country_code, d.name AS department FROM persons p
         LEFT JOIN departments d ON d.id = p.department_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| PersonFacts {
        gender: r
            .get::<Option<String>, _>("gender")
            .and_then(|g| cadre_core::Gender::from_stored(&g)),
        country: r.get("country_code"),
        department: r.get("department"),
    }))
}

/// What the report needs of each of these persons (`None` for an id no longer held), read a
/// few hundred at a time.
pub(crate) async fn persons_facts(
    pool: &sqlx::Pool<Db>,
    ids: &[i64],
) -> Result<Vec<(i64, Option<PersonFacts>)>> {
    let mut conn = pool.acquire().await?;
    let mut out = Vec::with_capacity(ids.len());
    for group in ids.chunks(500) {
        // Ids are integers, written into the statement as such: no text of a user's in it.
        let list: Vec<String> = group.iter().map(i64::to_string).collect();
        let mut found: HashMap<i64, PersonFacts> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT p.id, p.gender, p.country_code, d.name AS department FROM persons p
             LEFT JOIN departments d ON d.id = p.department_id WHERE p.id IN ({})",
            list.join(", ")
        ))
        .fetch_all(&mut *conn)
        .await?
        {
            found.insert(
                r.get("id"),
                PersonFacts {
                    gender: r
                        .get::<Option<String>, _>("gender")
                        .and_then(|g| cadre_core::Gender::from_stored(&g)),
                    country: r.get("country_code"),
                    department: r.get("department"),
                },
            );
        }
        out.extend(group.iter().map(|&id| (id, found.remove(&id))));
    }
    Ok(out)
}
