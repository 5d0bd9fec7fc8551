//! What `cadre db check` verifies of a database, in one snapshot: the database's own
//! integrity (SQLite's `integrity_check`, or its cheaper `quick_check`), references that point
//! nowhere (SQLite's bulk writes run without foreign key checks; on PostgreSQL attendance and
//! persons check theirs by statement triggers, see migration 0016, which a superuser can
//! switch off), and the report cache against the records it is derived from.

use sqlx::Row;

use super::Db;
use crate::cache::{decode_ids, CHUNK};
use crate::Result;

/// Says each problem found, in words; none when the database is sound. `thorough` runs the
/// full checks (every page, every reference, every cached list); without it only what is
/// quick enough for a server's start.
pub(crate) async fn check(pool: &sqlx::Pool<Db>, thorough: bool) -> Result<Vec<String>> {
    let mut tx = super::copy::snapshot(pool).await?;
    let mut problems = Vec::new();
    if !super::IS_POSTGRES {
        let pragma = if thorough {
            "PRAGMA integrity_check"
        } else {
            "PRAGMA quick_check"
        };
        let rows: Vec<String> = sqlx::query_scalar(pragma).fetch_all(&mut *tx).await?;
        problems.extend(
            rows.into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("the database file is damaged: {r}")),
        );
        if thorough {
            let orphans = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
            for r in orphans.iter().take(20) {
                let table: String = r.get(0);
                let rowid: Option<i64> = r.get(1);
                let parent: String = r.get(2);
                problems.push(format!(
                    "a row of {table} (rowid {}) refers to a {parent} that is not there",
                    rowid.map_or_else(|| "-".into(), |n| n.to_string())
                ));
            }
            if orphans.len() > 20 {
                problems.push(format!(
                    "... and {} more rows that refer to what is not there",
                    orphans.len() - 20
                ));
            }
        }
    }
    if super::IS_POSTGRES && thorough {
        for (what, query) in REFERENCES {
            let n: i64 = sqlx::query_scalar(query).fetch_one(&mut *tx).await?;
            if n > 0 {
                problems.push(format!("{n} {what} that is not there"));
            }
        }
    }
    if !thorough || !problems.is_empty() {
        tx.rollback().await?;
        return Ok(problems);
    }
    // Each training's cached attendee list against its attendance.
    let trainings: Vec<i64> = sqlx::query_scalar("SELECT id FROM trainings ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    let mut wrong = Vec::new();
    for group in trainings.chunks(50) {
        let mut recorded = super::training_persons(&mut tx, group).await?;
        for (_, persons) in &mut recorded {
            persons.sort_unstable();
            persons.dedup();
        }
        for &id in group {
            let cached: Option<Vec<u8>> = sqlx::query_scalar(
                "SELECT persons FROM report_training_persons WHERE training_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let cached = cached.map(|b| decode_ids(&b)).unwrap_or_default();
            let expected = recorded
                .iter()
                .find(|(t, _)| *t == id)
                .map(|(_, p)| p.as_slice())
                .unwrap_or_default();
            if cached != expected {
                wrong.push(id);
            }
        }
    }
    if !wrong.is_empty() {
        problems.push(format!(
            "the report cache's attendee lists differ from the attendance of {} trainings (ids {}): a rebuild of the cache mends it",
            wrong.len(),
            wrong
                .iter()
                .take(10)
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // Each chunk of person facts against the persons.
    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM persons")
        .fetch_one(&mut *tx)
        .await?;
    let mut stale = 0;
    let chunks = max.map_or(0, |max| max / CHUNK + 1);
    for chunk in 0..chunks {
        let expected = super::person_facts(&mut tx, chunk).await?;
        let cached: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT facts FROM report_person_facts WHERE chunk = $1")
                .bind(chunk)
                .fetch_optional(&mut *tx)
                .await?;
        // A chunk never written holds no person, as its absence says.
        let same = match &cached {
            Some(c) => *c == expected,
            None => expected.iter().all(|&b| b == 0),
        };
        if !same {
            stale += 1;
        }
    }
    if stale > 0 {
        problems.push(format!(
            "the report cache's person facts differ from the persons in {stale} chunk(s) of {CHUNK}: a rebuild of the cache mends it"
        ));
    }
    tx.rollback().await?;
    Ok(problems)
}

/// The references PostgreSQL's triggers keep (migration 0016), each as a count of the rows
/// that break it.
const REFERENCES: [(&str, &str); 5] = [
    (
        "attendance record(s) refer to a training",
        "SELECT COUNT(*) FROM attendance a WHERE NOT EXISTS \
         (SELECT 1 FROM trainings t WHERE t.id = a.training_id)",
    ),
    (
        "attendance record(s) refer to a person",
        "SELECT COUNT(*) FROM attendance a WHERE NOT EXISTS \
         (SELECT 1 FROM persons p WHERE p.id = a.person_id)",
    ),
    (
        "attendance record(s) refer to a session of their training",
        "SELECT COUNT(*) FROM attendance a WHERE a.session_id IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM sessions s WHERE s.id = a.session_id AND s.training_id = a.training_id)",
    ),
    (
        "person(s) refer to a country",
        "SELECT COUNT(*) FROM persons p WHERE p.country_code IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM countries c WHERE c.code = p.country_code)",
    ),
    (
        "person(s) refer to a department",
        "SELECT COUNT(*) FROM persons p WHERE p.department_id IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM departments d WHERE d.id = p.department_id)",
    ),
];

/// How durable a commit is, in words: `full` when it is on disk before it returns.
pub(crate) async fn durability(pool: &sqlx::Pool<Db>) -> Result<String> {
    if super::IS_POSTGRES {
        let commit: String = sqlx::query_scalar("SHOW synchronous_commit")
            .fetch_one(pool)
            .await?;
        Ok(match commit.as_str() {
            "off" => {
                format!("fast: synchronous_commit is {commit}, a crash may lose the last commits")
            }
            _ => format!(
                "full: synchronous_commit is {commit}, a commit is on disk before it returns"
            ),
        })
    } else {
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(pool)
            .await?;
        Ok(match level {
            2 | 3 => "full: synchronous = FULL, a commit is on disk before it returns".into(),
            _ => "normal: synchronous = NORMAL, a power cut may lose the last commits (CADRE_SQLITE_SYNCHRONOUS)".into(),
        })
    }
}
