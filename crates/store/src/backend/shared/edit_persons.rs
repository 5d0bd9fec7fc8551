//! Single-record writes of participants: correcting a person, deleting one, and merging two
//! records of the same person. Each keeps the report cache's person facts and attendee lists
//! in step, since both feed the counts by gender, country and department.

use std::collections::BTreeSet;

use cadre_core::person::{email_key, name_key};
use cadre_core::{Gender, PersonRecord};
use sqlx::{Database, Row};

use super::edit::{expect_version, finish, missed, note};
use super::Db;
use crate::cache::CHUNK;
use crate::types::{Dependents, Participant, PersonAttendance, RosterLine, Stamp, Versioned};
use crate::{Result, StoreError};

type Conn = <Db as Database>::Connection;

pub(crate) const SELECT: &str =
    "SELECT p.id, p.version, p.given_name, p.family_name, p.email, p.gender,
        p.country_code, p.organisation, d.name AS department,
        (SELECT COUNT(*) FROM attendance a WHERE a.person_id = p.id) AS attendance,
        (SELECT COUNT(DISTINCT a.training_id) FROM attendance a WHERE a.person_id = p.id)
            AS trainings
     FROM persons p LEFT JOIN departments d ON d.id = p.department_id";

pub(crate) fn participant(r: &<Db as Database>::Row) -> Versioned<Participant> {
    Versioned {
        id: r.get("id"),
        version: r.get("version"),
        record: Participant {
            person: PersonRecord {
                given_name: r.get("given_name"),
                family_name: r.get("family_name"),
                email: r.get("email"),
                gender: r
                    .get::<Option<String>, _>("gender")
                    .and_then(|g| Gender::from_stored(&g)),
                country: r.get("country_code"),
                organisation: r.get("organisation"),
                department: r.get("department"),
            },
            attendance: r.get("attendance"),
            trainings: r.get("trainings"),
        },
    }
}

pub(crate) async fn person(
    pool: &sqlx::Pool<Db>,
    id: i64,
) -> Result<Option<Versioned<Participant>>> {
    let row = sqlx::query(&format!("{SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(participant))
}

/// The trainings a person attended, newest first.
pub(crate) async fn attended(pool: &sqlx::Pool<Db>, id: i64) -> Result<Vec<PersonAttendance>> {
    let rows = sqlx::query(
        "SELECT t.id, t.code, t.title, t.start_date, t.start_on,
                SUM(CASE WHEN a.session_key = 0 THEN 0 ELSE 1 END) AS sessions,
                MAX(a.completed) AS completed
         FROM attendance a JOIN trainings t ON t.id = a.training_id
         WHERE a.person_id = $1
         GROUP BY t.id, t.code, t.title, t.start_date, t.start_on
         ORDER BY t.start_on DESC, t.code",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PersonAttendance {
            training_id: r.get("id"),
            code: r.get("code"),
            title: r.get("title"),
            start: super::read::date(r.get("start_date")),
            sessions: r.get::<Option<i64>, _>("sessions").unwrap_or(0),
            completed: r.get::<Option<i64>, _>("completed").map(|c| c == 1),
        })
        .collect())
}

async fn department_id(conn: &mut Conn, rec: &PersonRecord) -> Result<Option<i64>> {
    let Some(name) = &rec.department else {
        return Ok(None);
    };
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    id.map(Some).ok_or_else(|| StoreError::Unknown {
        field: "department",
        value: name.clone(),
    })
}

/// Refuses an e-mail address another person has (other than those in `besides`).
async fn email_free(conn: &mut Conn, key: Option<&str>, besides: &[i64]) -> Result<()> {
    let Some(key) = key else { return Ok(()) };
    let holders: Vec<i64> = sqlx::query_scalar("SELECT id FROM persons WHERE email_key = $1")
        .bind(key)
        .fetch_all(&mut *conn)
        .await?;
    match holders.into_iter().find(|h| !besides.contains(h)) {
        Some(other) => Err(StoreError::Duplicate {
            kind: "participant",
            field: "email",
            value: key.to_string(),
            other,
        }),
        None => Ok(()),
    }
}

/// Writes the person's fields if it is at `version`; returns the new version.
async fn write_person(
    conn: &mut Conn,
    id: i64,
    version: i64,
    rec: &PersonRecord,
) -> Result<Option<i64>> {
    let department = department_id(conn, rec).await?;
    let key = rec.email.as_deref().and_then(email_key);
    Ok(sqlx::query_scalar(
        "UPDATE persons SET given_name = $3, family_name = $4, email = $5, email_key = $6,
         name_key = $7, gender = $8, country_code = $9, organisation = $10,
         department_id = $11, version = version + 1
         WHERE id = $1 AND version = $2 RETURNING version",
    )
    .bind(id)
    .bind(version)
    .bind(&rec.given_name)
    .bind(&rec.family_name)
    .bind(&rec.email)
    .bind(key)
    .bind(name_key(
        &rec.given_name,
        &rec.family_name,
        rec.country.as_deref(),
    ))
    .bind(rec.gender.map(Gender::as_str))
    .bind(&rec.country)
    .bind(&rec.organisation)
    .bind(department)
    .fetch_optional(&mut *conn)
    .await?)
}

fn chunk_of(id: i64) -> i64 {
    id / CHUNK
}

pub(crate) async fn update_person(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: i64,
    rec: &PersonRecord,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut tx = super::begin_edit(pool).await?;
    let key = rec.email.as_deref().and_then(email_key);
    email_free(&mut tx, key.as_deref(), &[id]).await?;
    let Some(new) = write_person(&mut tx, id, version, rec).await? else {
        return Err(missed(&mut tx, "persons", "participant", id, version).await);
    };
    super::cache::refresh_persons(&mut tx, &[chunk_of(id)]).await?;
    finish(tx, stamp, "participant", id, "updated", new, "").await?;
    Ok(new)
}

async fn trainings_of(conn: &mut Conn, person: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT training_id FROM attendance WHERE person_id = $1")
            .bind(person)
            .fetch_all(&mut *conn)
            .await?,
    )
}

pub(crate) async fn delete_person(
    pool: &sqlx::Pool<Db>,
    id: i64,
    version: Option<i64>,
    cascade: bool,
    stamp: Stamp<'_>,
) -> Result<Dependents> {
    let mut tx = super::begin_delete(pool).await?;
    let at = expect_version(&mut tx, "persons", "participant", id, version).await?;
    let attendance: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attendance WHERE person_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let dependents = Dependents {
        attendance,
        ..Dependents::default()
    };
    if attendance > 0 && !cascade {
        return Err(StoreError::InUse {
            kind: "participant",
            id,
            dependents,
        });
    }
    let trainings = trainings_of(&mut tx, id).await?;
    sqlx::query("DELETE FROM attendance WHERE person_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM persons WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    super::cache::refresh_trainings(&mut tx, &trainings).await?;
    super::cache::refresh_persons(&mut tx, &[chunk_of(id)]).await?;
    let detail = format!("with {}", dependents.describe());
    finish(tx, stamp, "participant", id, "deleted", at, &detail).await?;
    Ok(dependents)
}

/// Merges `other` into `kept`: `kept` becomes `merged` (see `cadre_core::person::merge` for the
/// proposal a person confirms), takes `other`'s attendance (a session both records attended is
/// kept once, with its completion where only `other` had one), and `other` is deleted. Both must
/// be at the versions the merge was previewed at. Returns `kept`'s new version.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn merge_persons(
    pool: &sqlx::Pool<Db>,
    kept: i64,
    kept_version: i64,
    other: i64,
    other_version: i64,
    merged: &PersonRecord,
    stamp: Stamp<'_>,
) -> Result<i64> {
    if kept == other {
        return Err(StoreError::Fixed {
            field: "other",
            why: "a record cannot be merged with itself",
        });
    }
    let mut tx = super::begin_delete(pool).await?;
    expect_version(&mut tx, "persons", "participant", kept, Some(kept_version)).await?;
    expect_version(
        &mut tx,
        "persons",
        "participant",
        other,
        Some(other_version),
    )
    .await?;
    let key = merged.email.as_deref().and_then(email_key);
    email_free(&mut tx, key.as_deref(), &[kept, other]).await?;
    let mut trainings: BTreeSet<i64> = trainings_of(&mut tx, other).await?.into_iter().collect();
    trainings.extend(trainings_of(&mut tx, kept).await?);
    let theirs: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT training_id, session_key, completed FROM attendance WHERE person_id = $1",
    )
    .bind(other)
    .fetch_all(&mut *tx)
    .await?;
    let mut moved = 0i64;
    for (training, session, completed) in theirs {
        let ours: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT completed FROM attendance
             WHERE training_id = $1 AND person_id = $2 AND session_key = $3",
        )
        .bind(training)
        .bind(kept)
        .bind(session)
        .fetch_optional(&mut *tx)
        .await?;
        match ours {
            Some(ours) => {
                if ours.is_none() && completed.is_some() {
                    sqlx::query(
                        "UPDATE attendance SET completed = $4
                         WHERE training_id = $1 AND person_id = $2 AND session_key = $3",
                    )
                    .bind(training)
                    .bind(kept)
                    .bind(session)
                    .bind(completed)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "DELETE FROM attendance
                     WHERE training_id = $1 AND person_id = $2 AND session_key = $3",
                )
                .bind(training)
                .bind(other)
                .bind(session)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "UPDATE attendance SET person_id = $4
                     WHERE training_id = $1 AND person_id = $2 AND session_key = $3",
                )
                .bind(training)
                .bind(other)
                .bind(session)
                .bind(kept)
                .execute(&mut *tx)
                .await?;
                moved += 1;
            }
        }
    }
    // The other record's e-mail may be the merged one's: it goes first.
    sqlx::query("DELETE FROM persons WHERE id = $1")
        .bind(other)
        .execute(&mut *tx)
        .await?;
    let Some(new) = write_person(&mut tx, kept, kept_version, merged).await? else {
        return Err(missed(&mut tx, "persons", "participant", kept, kept_version).await);
    };
    let trainings: Vec<i64> = trainings.into_iter().collect();
    super::cache::refresh_trainings(&mut tx, &trainings).await?;
    let mut chunks = vec![chunk_of(kept), chunk_of(other)];
    chunks.dedup();
    super::cache::refresh_persons(&mut tx, &chunks).await?;
    note(
        &mut tx,
        stamp,
        "participant",
        other,
        "merged",
        other_version,
        &format!("into participant {kept}"),
    )
    .await?;
    let detail = format!("took participant {other} and {moved} of their attendance records");
    finish(tx, stamp, "participant", kept, "merged", new, &detail).await?;
    Ok(new)
}

/// The attendance of a training, one line per person and session, by family and given name
/// (sorted here: the two databases collate names differently), at most `limit` lines.
pub(crate) async fn roster(
    pool: &sqlx::Pool<Db>,
    training_id: i64,
    limit: i64,
) -> Result<(Vec<RosterLine>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attendance WHERE training_id = $1")
        .bind(training_id)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query(
        "SELECT p.id, p.given_name, p.family_name, p.gender, p.country_code, p.organisation,
                d.name AS department, s.start_date, a.completed
         FROM attendance a JOIN persons p ON p.id = a.person_id
         LEFT JOIN departments d ON d.id = p.department_id
         LEFT JOIN sessions s ON s.id = a.session_id
         WHERE a.training_id = $1 ORDER BY a.person_id, a.session_key LIMIT $2",
    )
    .bind(training_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut lines: Vec<RosterLine> = rows
        .into_iter()
        .map(|r| RosterLine {
            person_id: r.get("id"),
            given_name: r.get("given_name"),
            family_name: r.get("family_name"),
            gender: r
                .get::<Option<String>, _>("gender")
                .and_then(|g| Gender::from_stored(&g)),
            country: r.get("country_code"),
            organisation: r.get("organisation"),
            department: r.get("department"),
            session: super::read::date(r.get("start_date")),
            completed: r.get::<Option<i64>, _>("completed").map(|c| c == 1),
        })
        .collect();
    lines.sort_by_cached_key(|l| {
        (
            cadre_core::text::fold(&l.family_name),
            cadre_core::text::fold(&l.given_name),
            l.person_id,
            l.session.map(|d| d.first_day()),
        )
    });
    Ok((lines, total))
}

/// Records a person entered by hand (a form, the API). One with the e-mail, or without an
/// e-mail the name and country, of a person already recorded is refused: an import would take
/// the two for one person, so two records would be a duplicate from the start.
pub(crate) async fn create_person(
    pool: &sqlx::Pool<Db>,
    rec: &PersonRecord,
    stamp: Stamp<'_>,
) -> Result<Versioned<PersonRecord>> {
    let mut tx = super::begin_edit(pool).await?;
    let key = rec.email.as_deref().and_then(email_key);
    email_free(&mut tx, key.as_deref(), &[]).await?;
    let name = name_key(&rec.given_name, &rec.family_name, rec.country.as_deref());
    if key.is_none() {
        let same: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM persons WHERE name_key = $1 AND email_key IS NULL LIMIT 1",
        )
        .bind(&name)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(other) = same {
            return Err(StoreError::Duplicate {
                kind: "participant",
                field: "family_name",
                value: format!("{} {}", rec.given_name, rec.family_name),
                other,
            });
        }
    }
    let department = department_id(&mut tx, rec).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO persons (given_name, family_name, email, email_key, name_key, gender,
         country_code, organisation, department_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id",
    )
    .bind(&rec.given_name)
    .bind(&rec.family_name)
    .bind(&rec.email)
    .bind(key)
    .bind(name)
    .bind(rec.gender.map(Gender::as_str))
    .bind(&rec.country)
    .bind(&rec.organisation)
    .bind(department)
    .fetch_one(&mut *tx)
    .await?;
    super::cache::refresh_persons(&mut tx, &[chunk_of(id)]).await?;
    finish(tx, stamp, "participant", id, "created", 1, "").await?;
    Ok(Versioned {
        id,
        version: 1,
        record: rec.clone(),
    })
}

/// The participant with this e-mail (compared as keys are), if any.
pub(crate) async fn person_id_by_email(pool: &sqlx::Pool<Db>, email: &str) -> Result<Option<i64>> {
    let Some(key) = email_key(email) else {
        return Ok(None);
    };
    Ok(
        sqlx::query_scalar("SELECT id FROM persons WHERE email_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}

/// Removes a participant's identity (names, e-mail, organisation) and keeps what the counts
/// use (gender, country, department, attendance), so every report gives the same figures.
/// What the audit trail says of them is erased too, its digests kept.
pub(crate) async fn erase_person(pool: &sqlx::Pool<Db>, id: i64, stamp: Stamp<'_>) -> Result<i64> {
    let mut tx = super::begin_edit(pool).await?;
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE persons SET given_name = '', family_name = '', email = NULL, email_key = NULL,
             organisation = NULL, name_key = $1, version = version + 1
         WHERE id = $2 RETURNING version",
    )
    .bind(format!("erased|{id}"))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(new) = new else {
        return Err(StoreError::NotFound {
            kind: "participant",
            id,
        });
    };
    // The person's records merged into this one (and into those, before) carry their names
    // in the trail too: found through the merges' entries before anything is erased.
    let mut ids = vec![id];
    let mut next = 0;
    while next < ids.len() {
        let merged: Vec<i64> = sqlx::query_scalar::<_, Option<i64>>(
            "SELECT record_id FROM audit
             WHERE kind = 'participant' AND action = 'merged' AND detail = $1",
        )
        .bind(format!("into participant {}", ids[next]))
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .flatten()
        .collect();
        for m in merged {
            if !ids.contains(&m) {
                ids.push(m);
            }
        }
        next += 1;
    }
    for person in &ids {
        super::audit::redact(&mut tx, "participant", *person).await?;
    }
    super::cache::refresh_persons(&mut tx, &[chunk_of(id)]).await?;
    // The erasure names the other records it redacted (ids only), so that a verification
    // can tell every redaction has its erasure.
    let others: Vec<String> = ids[1..].iter().map(i64::to_string).collect();
    let detail = if others.is_empty() {
        String::new()
    } else {
        format!("{}{}", cadre_core::audit::ERASED_PREFIX, others.join(", "))
    };
    finish(tx, stamp, "participant", id, "erased", new, &detail).await?;
    Ok(new)
}
