//! The bulk writes and reads of an import on PostgreSQL: rows sent as arrays or by `COPY`, a
//! statement for a batch rather than one for each row.

use super::read::{Cells, Param};
use super::{roster, write, Db};
use crate::Result;

/// A row of `n` parameters, numbered from `first`, for a generated multi-row statement.
pub(crate) fn params(first: usize, n: usize) -> String {
    let numbered: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", numbered.join(", "))
}

/// Inserts new persons, returning their ids in order: the ids drawn from the table's sequence
/// (a block at a time, kept in `spare` between batches, so that a batch seldom waits for the
/// sequence), then the rows sent by `COPY` with them. Ids drawn and not used leave a gap, as a
/// transaction rolled back does.
pub(crate) async fn insert_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::NewPerson],
    spare: &mut Vec<i64>,
) -> Result<Vec<i64>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    if spare.len() < rows.len() {
        let more: Vec<i64> = sqlx::query_scalar(
            // The sequence looked up once, not for every id drawn.
            "WITH s AS MATERIALIZED \
             (SELECT pg_get_serial_sequence('persons', 'id')::regclass AS seq) \
             SELECT nextval(s.seq) FROM s, generate_series(1, $1) ORDER BY 1",
        )
        .bind((rows.len() - spare.len()).max(ID_BLOCK) as i64)
        .fetch_all(&mut **tx)
        .await?;
        spare.extend(more);
    }
    let ids: Vec<i64> = spare.drain(..rows.len()).collect();
    let mut n = itoa::Buffer::new();
    let encode = |data: &mut Vec<u8>, (p, id): (&write::NewPerson, &i64)| {
        data.extend_from_slice(n.format(*id).as_bytes());
        for field in [
            Some(p.given_name.as_str()),
            Some(p.family_name.as_str()),
            p.email.as_deref(),
            p.email_key.as_deref(),
            Some(p.name_key.as_str()),
            p.gender,
            p.country.as_deref(),
            p.organisation.as_deref(),
        ] {
            data.push(b'\t');
            copy_text(data, field);
        }
        data.push(b'\t');
        match p.department_id {
            Some(d) => data.extend_from_slice(n.format(d).as_bytes()),
            None => data.extend_from_slice(b"\\N"),
        }
        data.push(b'\n');
    };
    copy_in(
        tx,
        "COPY persons (id, given_name, family_name, email, email_key, name_key, gender, \
         country_code, organisation, department_id) FROM STDIN",
        (b"", b""),
        rows.iter().zip(&ids),
        encode,
    )
    .await?;
    Ok(ids)
}

/// How many person ids an import draws at once.
const ID_BLOCK: usize = 16_384;

/// A value in `COPY`'s text format: `\N` for none, and the four characters that would end a
/// field or a row escaped.
fn copy_text(out: &mut Vec<u8>, value: Option<&str>) {
    let Some(value) = value else {
        out.extend_from_slice(b"\\N");
        return;
    };
    let bytes = value.as_bytes();
    // Most values hold none of the four: copied whole.
    if !bytes
        .iter()
        .any(|&b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// Sends rows by `COPY ... FROM STDIN` within the transaction, each written by `encode` in
/// the statement's format, after `head` and before `tail` (binary COPY's header and trailer).
/// They go in pieces as they are written, so that the server stores one piece while the next
/// is written here.
async fn copy_in<T>(
    tx: &mut sqlx::Transaction<'static, Db>,
    statement: &str,
    (head, tail): (&[u8], &[u8]),
    rows: impl Iterator<Item = T>,
    mut encode: impl FnMut(&mut Vec<u8>, T),
) -> Result<()> {
    const PIECE: usize = 64 * 1024;
    let mut copy = tx.copy_in_raw(statement).await?;
    let mut data = Vec::with_capacity(PIECE + 1024);
    data.extend_from_slice(head);
    let mut sent = Ok(());
    for row in rows {
        encode(&mut data, row);
        if data.len() >= PIECE {
            sent = copy.send(std::mem::take(&mut data)).await.map(|_| ());
            if sent.is_err() {
                break;
            }
            data.reserve(PIECE + 1024);
        }
    }
    data.extend_from_slice(tail);
    if sent.is_ok() {
        sent = copy.send(data).await.map(|_| ());
    }
    if let Err(e) = sent {
        // The connection must leave COPY mode before the transaction is rolled back.
        let _ = copy.abort("cadre: the import failed").await;
        return Err(e.into());
    }
    copy.finish().await?;
    Ok(())
}

/// Binary COPY's header: its signature, no flags, no extension.
const BINARY_HEAD: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// Binary COPY's trailer: a row of -1 fields.
const BINARY_TAIL: &[u8] = &[0xff, 0xff];

/// One attendance record in binary COPY's format: five fields, each a length and a big-endian
/// `bigint`, or the length -1 for none.
fn binary_attendance(
    data: &mut Vec<u8>,
    &(training, person, session, completed): &write::AttendanceRow,
) {
    data.extend_from_slice(&5i16.to_be_bytes());
    let session_id = (session != 0).then_some(session);
    for field in [
        Some(training),
        Some(person),
        session_id,
        Some(session),
        completed,
    ] {
        match field {
            Some(v) => {
                data.extend_from_slice(&8i32.to_be_bytes());
                data.extend_from_slice(&v.to_be_bytes());
            }
            None => data.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
}

/// Inserts attendance records known to be new, by `COPY` in its binary format: the fastest
/// way into PostgreSQL (numbers as they are, with nothing for the server to parse), and the
/// references are checked once for the whole batch by the statement trigger of migration
/// 0016. A record that exists after all fails the import.
pub(crate) async fn insert_new_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    copy_in(
        tx,
        "COPY attendance (training_id, person_id, session_id, session_key, completed) \
         FROM STDIN (FORMAT binary)",
        (BINARY_HEAD, BINARY_TAIL),
        rows.iter(),
        binary_attendance,
    )
    .await
}

/// The attendance records of a training, (person, session_key, completed), in key order.
pub(crate) async fn training_roster(
    tx: &mut sqlx::Transaction<'static, Db>,
    training: i64,
) -> Result<Vec<roster::Recorded>> {
    Ok(sqlx::query_as(
        "SELECT person_id, session_key, completed FROM attendance WHERE training_id = $1 \
         ORDER BY person_id, session_key",
    )
    .bind(training)
    .fetch_all(&mut **tx)
    .await?)
}

/// Sets `completed` of recorded attendance records, in one statement.
pub(crate) async fn update_completion(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE attendance a SET completed = r.c \
         FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[]) AS r(t, p, s, c) \
         WHERE a.training_id = r.t AND a.person_id = r.p AND a.session_key = r.s",
    )
    .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes attendance records, by (training, person, session_key), in one statement.
pub(crate) async fn delete_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    keys: &[(i64, i64, i64)],
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM attendance a \
         USING unnest($1::int8[], $2::int8[], $3::int8[]) AS r(t, p, s) \
         WHERE a.training_id = r.t AND a.person_id = r.p AND a.session_key = r.s",
    )
    .bind(keys.iter().map(|k| k.0).collect::<Vec<_>>())
    .bind(keys.iter().map(|k| k.1).collect::<Vec<_>>())
    .bind(keys.iter().map(|k| k.2).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The persons who attended each of these trainings (a person once per session attended),
/// every training listed, with or without attendance.
pub(crate) async fn training_persons(
    conn: &mut sqlx::PgConnection,
    trainings: &[i64],
) -> Result<Vec<(i64, Vec<i64>)>> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT training_id, person_id FROM attendance WHERE training_id = ANY($1)")
            .bind(trainings)
            .fetch_all(&mut *conn)
            .await?;
    let mut persons: std::collections::HashMap<i64, Vec<i64>> =
        trainings.iter().map(|&t| (t, Vec::new())).collect();
    for (t, p) in rows {
        persons.entry(t).or_default().push(p);
    }
    Ok(persons.into_iter().collect())
}

/// Writes trainings' attendee lists into the report cache, in one statement: an import
/// refreshes thousands of trainings, and a round trip each would cost more than the writing.
pub(crate) async fn put_training_lists(
    conn: &mut sqlx::PgConnection,
    lists: &[(i64, Vec<u8>)],
) -> Result<()> {
    if lists.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO report_training_persons (training_id, persons) \
         SELECT * FROM unnest($1::int8[], $2::bytea[]) \
         ON CONFLICT (training_id) DO UPDATE SET persons = excluded.persons",
    )
    .bind(lists.iter().map(|l| l.0).collect::<Vec<_>>())
    .bind(lists.iter().map(|l| l.1.as_slice()).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The report cache's facts of one chunk of persons, read from the persons table.
pub(crate) async fn person_facts(conn: &mut sqlx::PgConnection, chunk: i64) -> Result<Vec<u8>> {
    use crate::cache::{encode_fact, CHUNK, FACT_BYTES};
    use sqlx::Row;
    let mut facts = vec![0u8; CHUNK as usize * FACT_BYTES];
    for row in sqlx::query(
        "SELECT id, gender, country_code, department_id FROM persons WHERE id >= $1 AND id < $2",
    )
    .bind(chunk * CHUNK)
    .bind((chunk + 1) * CHUNK)
    .fetch_all(&mut *conn)
    .await?
    {
        let at = (row.get::<i64, _>(0) - chunk * CHUNK) as usize * FACT_BYTES;
        encode_fact(
            &mut facts[at..at + FACT_BYTES],
            row.get::<Option<String>, _>(1).as_deref(),
            row.get::<Option<String>, _>(2).as_deref(),
            row.get(3),
        );
    }
    Ok(facts)
}

/// Runs a query and hands each row to `each`.
pub(crate) async fn each_row(
    conn: &mut sqlx::PgConnection,
    sql: &str,
    params: &[Param<'_>],
    mut each: impl FnMut(&dyn Cells) -> Result<()>,
) -> Result<()> {
    let mut query = sqlx::query(sql);
    for p in params {
        query = match *p {
            Param::Int(v) => query.bind(v),
            Param::Text(v) => query.bind(v),
        };
    }
    for row in query.fetch_all(&mut *conn).await? {
        each(&row)?;
    }
    Ok(())
}

impl Cells for sqlx::postgres::PgRow {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        use sqlx::Row;
        Ok(self.try_get(i)?)
    }

    fn text(&self, i: usize) -> Result<Option<String>> {
        use sqlx::Row;
        Ok(self.try_get(i)?)
    }
}

/// The report cache's attendee lists of the trainings starting in `[from, to]`, encoded as
/// stored.
pub(crate) async fn cached_lists(
    conn: &mut sqlx::PgConnection,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT training_id, persons FROM report_training_persons WHERE training_id IN
         (SELECT id FROM trainings WHERE start_on >= $1 AND start_on <= $2)",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}

/// Hands the report cache's person facts of each of these chunks to `each`, as stored.
pub(crate) async fn cached_facts(
    conn: &mut sqlx::PgConnection,
    chunks: &[i64],
    mut each: impl FnMut(i64, &[u8]),
) -> Result<()> {
    let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT chunk, facts FROM report_person_facts WHERE chunk = ANY($1) ORDER BY chunk",
    )
    .bind(chunks)
    .fetch_all(&mut *conn)
    .await?;
    for (chunk, facts) in rows {
        each(chunk, &facts);
    }
    Ok(())
}

/// Writes completed details of known persons, in one statement.
pub(crate) async fn update_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    updates: &[(i64, &write::StoredPerson)],
) -> Result<()> {
    if updates.is_empty() {
        return Ok(());
    }
    let text = |f: &dyn Fn(&write::StoredPerson) -> Option<String>| -> Vec<Option<String>> {
        updates.iter().map(|(_, p)| f(p)).collect()
    };
    sqlx::query(
        "UPDATE persons p SET given_name = r.g, family_name = r.f, gender = r.gd, \
         country_code = r.c, organisation = r.o, department_id = r.d, name_key = r.nk, \
         version = p.version + 1 \
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
         $7::int8[], $8::text[]) AS r(id, g, f, gd, c, o, d, nk) WHERE p.id = r.id",
    )
    .bind(updates.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind(text(&|p| Some(p.given_name.clone())))
    .bind(text(&|p| Some(p.family_name.clone())))
    .bind(text(&|p| p.gender.clone()))
    .bind(text(&|p| p.country.clone()))
    .bind(text(&|p| p.organisation.clone()))
    .bind(
        updates
            .iter()
            .map(|(_, p)| p.department_id)
            .collect::<Vec<_>>(),
    )
    .bind(text(&|p| Some(p.name_key())))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The details of these persons that rows complete, by id.
pub(crate) async fn persons_by_id(
    tx: &mut sqlx::Transaction<'static, Db>,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, write::StoredPerson>> {
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, given_name, family_name, gender, country_code, organisation, department_id \
         FROM persons WHERE id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, given_name, family_name, gender, country, organisation, department_id)| {
                let person = write::StoredPerson {
                    given_name,
                    family_name,
                    gender,
                    country,
                    organisation,
                    department_id,
                };
                (id, person)
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{binary_attendance, copy_text, BINARY_HEAD};

    #[test]
    fn binary_attendance_is_copys_layout() {
        assert_eq!(BINARY_HEAD.len(), 19, "signature, flags, extension length");
        let mut out = Vec::new();
        binary_attendance(&mut out, &(7, 300, 0, Some(1)));
        let mut expected = 5i16.to_be_bytes().to_vec();
        for v in [Some(7i64), Some(300), None, Some(0), Some(1)] {
            match v {
                Some(v) => {
                    expected.extend_from_slice(&8i32.to_be_bytes());
                    expected.extend_from_slice(&v.to_be_bytes());
                }
                None => expected.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        assert_eq!(out, expected, "no session: session_id none, session_key 0");
    }

    #[test]
    fn copy_text_escapes_what_would_end_a_field_or_a_row() {
        let text = |v: Option<&str>| {
            let mut out = Vec::new();
            copy_text(&mut out, v);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text(None), "\\N");
        assert_eq!(text(Some("Zoë O'Neil")), "Zoë O'Neil");
        assert_eq!(text(Some("a\\b\tc\nd\re")), "a\\\\b\\tc\\nd\\re");
        // A value that is the two characters \N is not NULL.
        assert_eq!(text(Some("\\N")), "\\\\N");
    }
}
