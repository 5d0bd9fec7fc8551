//! Keeping the report cache (migration 0005) in step with the records, and reading it.

use std::collections::HashMap;

use cadre_core::report::Persons;
use sqlx::{Database, Row};

use super::Db;
use crate::cache::{decode_ids, encode_ids, CHUNK, FACT_BYTES};
use crate::Result;

type Conn = <Db as Database>::Connection;

/// Rewrites the attendee lists of these trainings from their attendance.
pub(crate) async fn refresh_trainings(conn: &mut Conn, ids: &[i64]) -> Result<()> {
    for group in ids.chunks(50) {
        let lists: Vec<(i64, Vec<u8>)> = super::training_persons(conn, group)
            .await?
            .into_iter()
            .map(|(training_id, mut persons)| {
                persons.sort_unstable();
                persons.dedup();
                (training_id, encode_ids(&persons))
            })
            .collect();
        super::put_training_lists(conn, &lists).await?;
    }
    Ok(())
}

/// Rewrites the person facts of these chunks from the persons table.
pub(crate) async fn refresh_persons(conn: &mut Conn, chunks: &[i64]) -> Result<()> {
    for &chunk in chunks {
        let facts = super::person_facts(conn, chunk).await?;
        sqlx::query(
            "INSERT INTO report_person_facts (chunk, facts) VALUES ($1, $2)
             ON CONFLICT (chunk) DO UPDATE SET facts = excluded.facts",
        )
        .bind(chunk)
        .bind(facts)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Rebuilds the whole cache (after a copy, or for a database whose records predate it).
pub(crate) async fn rebuild_all(conn: &mut Conn) -> Result<()> {
    sqlx::query("DELETE FROM report_training_persons")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM report_person_facts")
        .execute(&mut *conn)
        .await?;
    let trainings: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT training_id FROM attendance")
        .fetch_all(&mut *conn)
        .await?;
    refresh_trainings(conn, &trainings).await?;
    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM persons")
        .fetch_one(&mut *conn)
        .await?;
    let chunks: Vec<i64> = (0..=max.unwrap_or(-1) / CHUNK).collect();
    refresh_persons(conn, &chunks).await
}

/// Whether the records hold attendance the cache has never seen.
pub(crate) async fn stale(conn: &mut Conn) -> Result<bool> {
    // The cache first: it holds lists in every database that has attendance, so the
    // attendance table (the largest) is only looked at when it holds none.
    let cached: Option<i64> =
        sqlx::query_scalar("SELECT training_id FROM report_training_persons LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    if cached.is_some() {
        return Ok(false);
    }
    let attendance: Option<i64> = sqlx::query_scalar("SELECT training_id FROM attendance LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(attendance.is_some())
}

/// The facts of the persons a report needs: those with a bit set in `needed` (by id).
pub(crate) async fn persons(conn: &mut Conn, needed: &[u64]) -> Result<Persons> {
    let departments: HashMap<i64, String> = sqlx::query("SELECT id, name FROM departments")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let bits_per_chunk = CHUNK as usize / 64;
    let chunks: Vec<i64> = needed
        .chunks(bits_per_chunk)
        .enumerate()
        .filter(|(_, words)| words.iter().any(|w| *w != 0))
        .map(|(c, _)| c as i64)
        .collect();
    let mut builder = Persons::builder(needed.len() * 64);
    const UNSEEN: u16 = u16::MAX;
    const MAX_TABLE: usize = 1 << 20;
    let mut codes: Vec<u16> = Vec::new();
    if chunks.is_empty() {
        return Ok(builder.finish());
    }
    super::bulk::cached_facts(conn, &chunks, |chunk, facts| {
        let first = (chunk * CHUNK) as usize;
        let held = facts.len() / FACT_BYTES;
        // The persons wanted, by their bits: a year's report needs a third of the persons,
        // and the others' facts are not even looked at.
        let words = needed
            .get(first / 64..)
            .unwrap_or_default()
            .iter()
            .take(held.div_ceil(64));
        for (w, &word) in words.enumerate() {
            let mut bits = word;
            while bits != 0 {
                let k = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Some(fact) = facts.get(k * FACT_BYTES..(k + 1) * FACT_BYTES) else {
                    break;
                };
                if fact[0] == 0 {
                    continue;
                }
                let country = (fact[1] != 0).then(|| [fact[1], fact[2]]);
                let department = u32::from_le_bytes([fact[3], fact[4], fact[5], fact[6]]);
                // Department ids are few and small: a table by id, filled as each is first
                // met (so they are numbered in the order a person names them), spares a hash
                // lookup for each of a million persons.
                let department = match codes.get(department as usize) {
                    _ if department == 0 => 0,
                    Some(&code) if code != UNSEEN => code,
                    _ => {
                        let code = match departments.get(&i64::from(department)) {
                            Some(name) => builder.department(department, name),
                            None => 0,
                        };
                        if (department as usize) < MAX_TABLE {
                            if codes.len() <= department as usize {
                                codes.resize(department as usize + 1, UNSEEN);
                            }
                            codes[department as usize] = code;
                        }
                        code
                    }
                };
                builder.set(first + k, fact[0], country, department);
            }
        }
    })
    .await?;
    Ok(builder.finish())
}

/// The attendee lists of the trainings starting in `[from, to]`, and the persons in them (a
/// bit per person id), which the lists' decoding works out as it goes.
pub(crate) async fn training_persons(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<(HashMap<i64, Vec<i64>>, Vec<u64>)> {
    let encoded = super::bulk::cached_lists(conn, from, to).await?;
    Ok(decode_all(&encoded))
}

/// A run of trainings' lists decoded, with the bits of the persons in them.
type Decoded = (Vec<(i64, Vec<i64>)>, Vec<u64>);

/// Below this many encoded bytes, the lists are decoded on one thread.
const DECODE_ON_ONE_THREAD: usize = 1 << 20;

/// Decodes every training's list, marking each person met in a bitset; ten years of trainings
/// (millions of ids) are shared out among the machine's cores, each taking a run of trainings
/// and keeping its own bitset, and the bitsets are joined at the end.
fn decode_all(encoded: &[(i64, Vec<u8>)]) -> (HashMap<i64, Vec<i64>>, Vec<u64>) {
    let bytes: usize = encoded.iter().map(|(_, b)| b.len()).sum();
    let threads = if bytes < DECODE_ON_ONE_THREAD {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    let part = encoded.len().div_ceil(threads).max(1);
    let decode = |chunk: &[(i64, Vec<u8>)]| {
        let mut needed: Vec<u64> = Vec::new();
        let lists: Vec<(i64, Vec<i64>)> = chunk
            .iter()
            .map(|(id, b)| {
                let ids = decode_ids(b);
                mark(&mut needed, &ids);
                (*id, ids)
            })
            .collect();
        (lists, needed)
    };
    let parts: Vec<Decoded> = if threads == 1 {
        vec![decode(encoded)]
    } else {
        std::thread::scope(|scope| {
            let running: Vec<_> = encoded
                .chunks(part)
                .map(|chunk| scope.spawn(move || decode(chunk)))
                .collect();
            running
                .into_iter()
                .map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    let mut lists = HashMap::with_capacity(encoded.len());
    let mut needed: Vec<u64> = Vec::new();
    for (part_lists, part_needed) in parts {
        lists.extend(part_lists);
        if needed.len() < part_needed.len() {
            needed.resize(part_needed.len(), 0);
        }
        for (a, b) in needed.iter_mut().zip(&part_needed) {
            *a |= b;
        }
    }
    (lists, needed)
}

/// Sets the bit of each of these (sorted) person ids.
fn mark(needed: &mut Vec<u64>, ids: &[i64]) {
    // The ids are sorted, so the last is the largest: one resize a list.
    if let Some(&last) = ids.last() {
        let words = usize::try_from(last).map_or(0, |i| i / 64 + 1);
        if needed.len() < words {
            needed.resize(words, 0);
        }
    }
    for &id in ids {
        if let Ok(i) = usize::try_from(id) {
            if let Some(w) = needed.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
    }
}

/// [`stale`] on a connection of the pool.
pub(crate) async fn stale_in(pool: &sqlx::Pool<Db>) -> Result<bool> {
    let mut conn = pool.acquire().await?;
    stale(&mut conn).await
}

/// [`rebuild_all`] in a transaction of its own.
pub(crate) async fn rebuild_all_in(pool: &sqlx::Pool<Db>) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    rebuild_all(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists decoded on several threads are those one thread decodes, each with its training.
    #[test]
    fn lists_decoded_on_several_threads_are_the_same() {
        let encoded: Vec<(i64, Vec<u8>)> = (0..400i64)
            .map(|t| {
                let ids: Vec<i64> = (0..4000).map(|k| t * 7 + k * (1 + t % 5)).collect();
                (t, encode_ids(&ids))
            })
            .collect();
        let bytes: usize = encoded.iter().map(|(_, b)| b.len()).sum();
        assert!(bytes > DECODE_ON_ONE_THREAD, "large enough to share out");
        let (decoded, needed) = decode_all(&encoded);
        assert_eq!(decoded.len(), encoded.len());
        let mut one_thread = Vec::new();
        for (t, b) in &encoded {
            assert_eq!(decoded[t], decode_ids(b), "training {t}");
            mark(&mut one_thread, &decode_ids(b));
        }
        assert_eq!(needed, one_thread, "the persons met, by either way");
        assert!(needed.iter().any(|w| *w != 0));
    }
}
