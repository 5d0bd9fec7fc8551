//! SQLite's bulk work, through rusqlite on the very connection sqlx holds (the project's one
//! `unsafe` block, with its reasoning): inserting persons and attendance many rows to a
//! statement, reading and changing a training's roster, and the report cache's reads.

use super::read::{Cells, Param};
use super::{roster, write, Db};
use crate::{Result, StoreError};

/// Runs `f` on the SQLite connection under `tx`, through rusqlite: a bulk write prepares one
/// statement and runs it once per row, with no per-row cost beyond SQLite's own. (Through
/// sqlx every value is boxed, every statement crosses to a worker thread, and every returned
/// row is copied.) The connection stays sqlx's, inside its open transaction.
///
/// The hand-over, and why it ends with a ping: sqlx's worker thread owns the connection
/// behind a fair async mutex. `lock_handle` queues for that mutex and sends the worker an
/// `UnlockDb` command; the worker lets go and blocks (`futures_executor::block_on`) until the
/// handle is dropped, then takes the connection back. Taking it back is the worker's own
/// step, on its own thread: when the next hand-over was asked for before the worker had
/// re-queued for the mutex, the next `lock_handle` took the mutex at once and left its
/// `UnlockDb` behind in the worker's queue, and such overlapping hand-overs in a row (one per
/// locked training when an import checks an approved period's trainings) sometimes ended
/// with the worker and the import each waiting for the other: an import that never ended,
/// holding the write lock. A ping is answered by the worker only once it holds the
/// connection again, so waiting for it makes every hand-over whole before the next begins
/// (a round trip of microseconds, once per bulk statement or read, not per row).
#[expect(
    unsafe_code,
    reason = "rusqlite is handed sqlx's connection; see SAFETY"
)]
async fn with_connection<T>(
    conn: &mut sqlx::SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> Result<T>,
) -> Result<T> {
    let out = {
        let mut handle = conn.lock_handle().await?;
        // SAFETY: the handle is sqlx's open connection, locked away from sqlx's worker
        // thread until `handle` is dropped, which is after `raw` (dropped first, below).
        // `from_handle` does not take ownership: dropping `raw` finalizes only the statements
        // it prepared and leaves the connection, and its transaction, open.
        let raw = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
        let out = f(&raw);
        drop(raw);
        drop(handle);
        out
    };
    // The worker holds the connection again once it answers (see above).
    sqlx::Connection::ping(&mut *conn).await?;
    out
}

/// [`with_connection`] for work whose only errors are SQLite's.
async fn with_rusqlite<T>(
    conn: &mut sqlx::SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
) -> Result<T> {
    with_connection(conn, |conn| Ok(f(conn)?)).await
}

/// Runs a query and hands each row to `each` (through rusqlite: sqlx would send every row
/// across from its worker thread, waking this one each time, which costs more than SQLite's
/// own reading for the thousands of rows of a report's trainings and sessions).
pub(crate) async fn each_row(
    conn: &mut sqlx::SqliteConnection,
    sql: &str,
    params: &[Param<'_>],
    mut each: impl FnMut(&dyn Cells) -> Result<()>,
) -> Result<()> {
    with_connection(conn, |conn| {
        let mut stmt = conn.prepare_cached(sql)?;
        for (i, p) in params.iter().enumerate() {
            match p {
                Param::Int(v) => stmt.raw_bind_parameter(i + 1, v)?,
                Param::Text(v) => stmt.raw_bind_parameter(i + 1, v)?,
            }
        }
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    })
    .await
}

impl Cells for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get(i)?)
    }

    fn text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.get(i)?)
    }
}

/// Inserts new persons, returning their ids in order, many to a statement (see
/// [`insert_many`]), with the ids SQLite would give them: no one else adds persons meanwhile,
/// since a write transaction that read before another's commit cannot write (so no ids are
/// drawn ahead: `_spare` is PostgreSQL's).
pub(crate) async fn insert_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::NewPerson],
    _spare: &mut Vec<i64>,
) -> Result<Vec<i64>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (first, written) = with_rusqlite(&mut *tx, |conn| {
        let first: i64 =
            conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM persons", [], |r| {
                r.get(0)
            })?;
        let written = insert_many(
            conn,
            "persons (id, given_name, family_name, email, email_key, name_key, gender, \
             country_code, organisation, department_id)",
            10,
            rows,
            |stmt, at, n, p| {
                stmt.raw_bind_parameter(at + 1, first + n as i64)?;
                stmt.raw_bind_parameter(at + 2, &p.given_name)?;
                stmt.raw_bind_parameter(at + 3, &p.family_name)?;
                stmt.raw_bind_parameter(at + 4, &p.email)?;
                stmt.raw_bind_parameter(at + 5, &p.email_key)?;
                stmt.raw_bind_parameter(at + 6, &p.name_key)?;
                stmt.raw_bind_parameter(at + 7, p.gender)?;
                stmt.raw_bind_parameter(at + 8, &p.country)?;
                stmt.raw_bind_parameter(at + 9, &p.organisation)?;
                stmt.raw_bind_parameter(at + 10, p.department_id)
            },
        )?;
        Ok((first, written))
    })
    .await?;
    all_written(
        written,
        rows.len(),
        "new participants were in the database already",
    )?;
    Ok((first..first + rows.len() as i64).collect())
}

/// Inserts attendance records known to be new, many to a statement (see [`insert_many`]). A
/// record that exists after all stops the import.
pub(crate) async fn insert_new_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let written = with_rusqlite(&mut *tx, |conn| {
        insert_many(
            conn,
            "attendance (training_id, person_id, session_id, session_key, completed)",
            5,
            rows,
            |stmt, at, _, &(t, p, s, c)| {
                stmt.raw_bind_parameter(at + 1, t)?;
                stmt.raw_bind_parameter(at + 2, p)?;
                stmt.raw_bind_parameter(at + 3, (s != 0).then_some(s))?;
                stmt.raw_bind_parameter(at + 4, s)?;
                stmt.raw_bind_parameter(at + 5, c)
            },
        )
    })
    .await?;
    all_written(
        written,
        rows.len(),
        "attendance records taken for new were recorded already",
    )
}

/// The attendance records of a training, (person, session_key, completed), in key order: the
/// table's own order (it is stored by training, person and session_key), read through
/// rusqlite since a re-import reads every record of the store this way.
pub(crate) async fn training_roster(
    tx: &mut sqlx::Transaction<'static, Db>,
    training: i64,
) -> Result<Vec<roster::Recorded>> {
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare_cached(
            "SELECT person_id, session_key, completed FROM attendance WHERE training_id = ? \
             ORDER BY person_id, session_key",
        )?;
        let rows = stmt.query_map([training], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    })
    .await
}

/// Sets `completed` of recorded attendance records.
pub(crate) async fn update_completion(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "UPDATE attendance SET completed = ? \
             WHERE training_id = ? AND person_id = ? AND session_key = ?",
        )?;
        for &(t, p, s, c) in rows {
            stmt.execute(rusqlite::params![c, t, p, s])?;
        }
        Ok(())
    })
    .await
}

/// Removes attendance records, by (training, person, session_key).
pub(crate) async fn delete_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    keys: &[(i64, i64, i64)],
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "DELETE FROM attendance WHERE training_id = ? AND person_id = ? AND session_key = ?",
        )?;
        for &(t, p, s) in keys {
            stmt.execute([t, p, s])?;
        }
        Ok(())
    })
    .await
}

/// Inserts rows into `into` ("table (columns)") about a hundred to a statement, `bind` setting
/// row `n`'s `width` parameters from index `at + 1`; returns how many rows were written. A
/// statement per row costs SQLite more than the row itself. The statements say `OR IGNORE`,
/// and the caller checks the count instead: a statement of many rows that may abort has SQLite
/// copy every page it touches first, so that it can undo that statement alone, and that took
/// longer than the rows themselves.
fn insert_many<T>(
    conn: &rusqlite::Connection,
    into: &str,
    width: usize,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::Statement, usize, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<usize> {
    let per_statement = (500 / width).max(1);
    let statement = |n: usize| {
        let row = format!("({})", vec!["?"; width].join(", "));
        format!(
            "INSERT OR IGNORE INTO {into} VALUES {}",
            vec![row; n].join(", ")
        )
    };
    let mut full = conn.prepare(&statement(per_statement))?;
    let mut written = 0;
    for (c, chunk) in rows.chunks(per_statement).enumerate() {
        let mut partial;
        let stmt = if chunk.len() == per_statement {
            &mut full
        } else {
            partial = conn.prepare(&statement(chunk.len()))?;
            &mut partial
        };
        for (i, row) in chunk.iter().enumerate() {
            bind(stmt, i * width, c * per_statement + i, row)?;
        }
        written += stmt.raw_execute()?;
    }
    Ok(written)
}

/// A bulk insert wrote every row it was given, or the import stops.
fn all_written(written: usize, given: usize, otherwise: &str) -> Result<()> {
    if written == given {
        return Ok(());
    }
    Err(StoreError::Fault(format!(
        "{} of {given} {otherwise}",
        given - written
    )))
}

/// Writes trainings' attendee lists into the report cache.
pub(crate) async fn put_training_lists(
    conn: &mut sqlx::SqliteConnection,
    lists: &[(i64, Vec<u8>)],
) -> Result<()> {
    for (training_id, persons) in lists {
        sqlx::query(
            "INSERT INTO report_training_persons (training_id, persons) VALUES ($1, $2)
             ON CONFLICT (training_id) DO UPDATE SET persons = excluded.persons",
        )
        .bind(training_id)
        .bind(persons)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The persons who attended each of these trainings (a person once per session attended),
/// every training listed, with or without attendance.
pub(crate) async fn training_persons(
    conn: &mut sqlx::SqliteConnection,
    trainings: &[i64],
) -> Result<Vec<(i64, Vec<i64>)>> {
    with_rusqlite(conn, |conn| {
        let mut stmt = conn.prepare("SELECT person_id FROM attendance WHERE training_id = ?")?;
        trainings
            .iter()
            .map(|&t| {
                let persons = stmt
                    .query_map([t], |row| row.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                Ok((t, persons))
            })
            .collect()
    })
    .await
}

/// The report cache's facts of one chunk of persons, read from the persons table (through
/// rusqlite: a large import rewrites the facts of a million persons, and each read through
/// sqlx copies its row).
pub(crate) async fn person_facts(conn: &mut sqlx::SqliteConnection, chunk: i64) -> Result<Vec<u8>> {
    use crate::cache::{encode_fact, CHUNK, FACT_BYTES};
    with_rusqlite(conn, |conn| {
        let mut facts = vec![0u8; CHUNK as usize * FACT_BYTES];
        let mut stmt = conn.prepare(
            "SELECT id, gender, country_code, department_id FROM persons WHERE id >= ? AND id < ?",
        )?;
        let mut rows = stmt.query([chunk * CHUNK, (chunk + 1) * CHUNK])?;
        while let Some(row) = rows.next()? {
            let at = (row.get::<_, i64>(0)? - chunk * CHUNK) as usize * FACT_BYTES;
            encode_fact(
                &mut facts[at..at + FACT_BYTES],
                row.get_ref(1)?.as_str_or_null()?,
                row.get_ref(2)?.as_str_or_null()?,
                row.get(3)?,
            );
        }
        Ok(facts)
    })
    .await
}

/// The report cache's attendee lists of the trainings starting in `[from, to]`, encoded as
/// stored (through rusqlite: ten years are megabytes of lists, which sqlx would copy twice and
/// hand over a row at a time from its worker thread).
pub(crate) async fn cached_lists(
    conn: &mut sqlx::SqliteConnection,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, Vec<u8>)>> {
    with_rusqlite(conn, |conn| {
        let mut stmt = conn.prepare_cached(
            "SELECT training_id, persons FROM report_training_persons WHERE training_id IN
             (SELECT id FROM trainings WHERE start_on >= ?1 AND start_on <= ?2)",
        )?;
        let rows = stmt.query_map([from, to], |row| {
            Ok((row.get::<_, i64>(0)?, row.get_ref(1)?.as_blob()?.to_vec()))
        })?;
        rows.collect()
    })
    .await
}

/// Hands the report cache's person facts of each of these chunks to `each`, as stored and
/// without copying them out of SQLite (see [`cached_lists`] for why through rusqlite).
pub(crate) async fn cached_facts(
    conn: &mut sqlx::SqliteConnection,
    chunks: &[i64],
    mut each: impl FnMut(i64, &[u8]),
) -> Result<()> {
    with_rusqlite(conn, |conn| {
        let mut stmt =
            conn.prepare_cached("SELECT facts FROM report_person_facts WHERE chunk = ?1")?;
        for &chunk in chunks {
            let mut rows = stmt.query([chunk])?;
            if let Some(row) = rows.next()? {
                each(chunk, row.get_ref(0)?.as_blob()?);
            }
        }
        Ok(())
    })
    .await
}

/// Writes completed details of known persons.
pub(crate) async fn update_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    updates: &[(i64, &write::StoredPerson)],
) -> Result<()> {
    if updates.is_empty() {
        return Ok(());
    }
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "UPDATE persons SET given_name = ?, family_name = ?, gender = ?, country_code = ?, \
             organisation = ?, department_id = ?, name_key = ?, version = version + 1 WHERE id = ?",
        )?;
        for (id, p) in updates {
            stmt.execute(rusqlite::params![
                p.given_name,
                p.family_name,
                p.gender,
                p.country,
                p.organisation,
                p.department_id,
                p.name_key(),
                id,
            ])?;
        }
        Ok(())
    })
    .await
}

/// The details of these persons that rows complete, by id.
pub(crate) async fn persons_by_id(
    tx: &mut sqlx::Transaction<'static, Db>,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, write::StoredPerson>> {
    with_rusqlite(&mut *tx, |conn| {
        let mut stmt = conn.prepare(
            "SELECT given_name, family_name, gender, country_code, organisation, department_id \
             FROM persons WHERE id = ?",
        )?;
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        for &id in ids {
            let person = stmt.query_row([id], |row| {
                Ok(write::StoredPerson {
                    given_name: row.get(0)?,
                    family_name: row.get(1)?,
                    gender: row.get(2)?,
                    country: row.get(3)?,
                    organisation: row.get(4)?,
                    department_id: row.get(5)?,
                })
            })?;
            found.insert(id, person);
        }
        Ok(found)
    })
    .await
}
