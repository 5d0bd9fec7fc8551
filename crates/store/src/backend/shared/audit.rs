//! The audit trail (migration 0011): appending an entry inside the transaction of what it
//! records, so that a change and its entry land together or not at all; reading entries back
//! by filter, or in order for `cadre audit verify`; erasing a person from their entries.
//! The chain's rules (digests, links, the check) are core's; this only keeps the entries.

use cadre_core::audit::{self, Entry};
use sqlx::Row;

use super::edit::Conn;
use super::Db;
use crate::types::AuditFilter;
use crate::Result;

const COLUMNS: &str = "seq, at, actor, address, action, kind, record_id, version, detail, before, \
                       after, redacted, content, digest, hash";

/// Appends `entry` after the chain's last entry, setting its place and its digest and link,
/// keyed with `key`. Raising the head's number first takes its row lock on PostgreSQL (and
/// SQLite has one writer), so two appenders never link to the same predecessor.
pub(crate) async fn append(
    conn: &mut Conn,
    entry: &mut Entry,
    key: &cadre_core::audit::Key,
) -> Result<()> {
    let (seq, previous): (i64, String) = {
        let row =
            sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *conn)
                .await?;
        (row.get("seq"), row.get("hash"))
    };
    entry.seq = seq;
    audit::seal(entry, &previous, key);
    sqlx::query(&format!(
        "INSERT INTO audit ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(entry.seq)
    .bind(&entry.at)
    .bind(&entry.actor)
    .bind(&entry.address)
    .bind(&entry.action)
    .bind(&entry.kind)
    .bind(entry.record_id)
    .bind(entry.version)
    .bind(&entry.detail)
    .bind(&entry.before)
    .bind(&entry.after)
    .bind(i64::from(entry.redacted))
    .bind(&entry.content_digest)
    .bind(&entry.digest)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1, sealed = $2 WHERE id = 1")
        .bind(&entry.hash)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends the entry of a write made with `stamp` (who, when, from where, before and after)
/// to `kind` `record_id`, in the write's transaction: what every kind of write keeps alike.
pub(crate) async fn note(
    conn: &mut Conn,
    stamp: crate::types::Stamp<'_>,
    action: &str,
    kind: &str,
    record_id: Option<i64>,
    version: Option<i64>,
    detail: &str,
) -> Result<()> {
    let mut entry = Entry {
        at: stamp.at.to_string(),
        actor: stamp.actor.to_string(),
        address: stamp.address.to_string(),
        action: action.to_string(),
        kind: kind.to_string(),
        record_id,
        version,
        detail: detail.to_string(),
        before: stamp.before.to_string(),
        after: stamp.after.to_string(),
        ..Entry::default()
    };
    let key = stamp.key.ok_or_else(|| {
        crate::StoreError::AuditKey("a write reached the trail without the store's key".into())
    })?;
    append(conn, &mut entry, key).await
}

/// Seals the whole trail with `key`, once, when its database is given a key: the entries
/// sealed before keys (plain SHA-256, checked here first) and those carried over from the
/// table of edits that came before the trail (never sealed). A trail that does not hold as
/// it was is left as it is, for `cadre audit verify` to name where it breaks.
pub(crate) async fn reseal(pool: &sqlx::Pool<Db>, key: &cadre_core::audit::Key) -> Result<u64> {
    let mut tx = super::begin_write(pool).await?;
    let (head, head_hash): (i64, String) = {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        (row.get("seq"), row.get("hash"))
    };
    if head == 0 {
        return Ok(0);
    }
    super::lift_audit_guard(&mut tx).await?;
    let mut old_previous = String::new();
    let mut previous = String::new();
    let mut after: i64 = 0;
    let mut sealed: i64 = 0;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT 5000"
        ))
        .bind(after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.get("seq");
        for row in rows {
            let mut e = entry_of(&row);
            if e.seq != sealed + 1 || !audit::unkeyed::holds(&e, &old_previous) {
                // Not the trail it was: nothing is sealed again.
                tx.rollback().await?;
                return Ok(0);
            }
            if !e.hash.is_empty() {
                old_previous = e.hash.clone();
            }
            audit::seal(&mut e, &previous, key);
            sqlx::query("UPDATE audit SET content = $1, digest = $2, hash = $3 WHERE seq = $4")
                .bind(&e.content_digest)
                .bind(&e.digest)
                .bind(&e.hash)
                .bind(e.seq)
                .execute(&mut *tx)
                .await?;
            previous = e.hash;
            sealed += 1;
        }
    }
    if sealed != head || (!head_hash.is_empty() && head_hash != old_previous) {
        tx.rollback().await?;
        return Ok(0);
    }
    sqlx::query("UPDATE audit_head SET hash = $1, sealed = $2 WHERE id = 1")
        .bind(&previous)
        .bind(head)
        .execute(&mut *tx)
        .await?;
    super::restore_audit_guard(&mut tx).await?;
    tx.commit().await?;
    Ok(sealed as u64)
}

/// The numbers of the first and last entries kept past the head (put in, not appended), if
/// any: read with the head in one statement, so entries appended meanwhile are not counted.
pub(crate) async fn past_head(pool: &sqlx::Pool<Db>) -> Result<Option<(i64, i64, i64)>> {
    let row = sqlx::query(
        "SELECT h.seq AS head,
                (SELECT MIN(seq) FROM audit WHERE seq > h.seq) AS first,
                (SELECT MAX(seq) FROM audit WHERE seq > h.seq) AS last
         FROM audit_head h WHERE h.id = 1",
    )
    .fetch_one(pool)
    .await?;
    let first: Option<i64> = row.get("first");
    let last: Option<i64> = row.get("last");
    Ok(first.zip(last).map(|(f, l)| (f, l, row.get("head"))))
}

/// Appends one entry in a transaction of its own (a sign-in, an export: nothing else changes).
pub(crate) async fn record(
    pool: &sqlx::Pool<Db>,
    mut entry: Entry,
    key: &cadre_core::audit::Key,
) -> Result<Entry> {
    let mut tx = super::begin_write(pool).await?;
    append(&mut tx, &mut entry, key).await?;
    tx.commit().await?;
    Ok(entry)
}

fn entry_of(r: &<Db as sqlx::Database>::Row) -> Entry {
    Entry {
        seq: r.get("seq"),
        at: r.get("at"),
        actor: r.get("actor"),
        address: r.get("address"),
        action: r.get("action"),
        kind: r.get("kind"),
        record_id: r.get("record_id"),
        version: r.get("version"),
        detail: r.get("detail"),
        before: r.get("before"),
        after: r.get("after"),
        redacted: r.get::<i64, _>("redacted") != 0,
        content_digest: r.get("content"),
        digest: r.get("digest"),
        hash: r.get("hash"),
    }
}

/// Entries that match the filter, newest first, at most `limit`, before `before` (a cursor:
/// the `seq` of the last entry of the previous page).
pub(crate) async fn entries(
    pool: &sqlx::Pool<Db>,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>> {
    // The filter is built from fixed pieces with numbered parameters; values are bound.
    let mut sql = format!("SELECT {COLUMNS} FROM audit WHERE seq < $1");
    let mut n = 1;
    let mut next = |sql: &mut String, piece: &str| {
        n += 1;
        sql.push_str(&piece.replace('?', &format!("${n}")));
    };
    // Who acted is found by part of their name or e-mail, case aside ("coordinator" finds
    // coordinator@agency.example); the other filters are the fixed words of a list.
    if filter.actor.is_some() {
        next(&mut sql, " AND LOWER(actor) LIKE ? ESCAPE '\\'");
    }
    if filter.kind.is_some() {
        next(&mut sql, " AND kind = ?");
    }
    if filter.record_id.is_some() {
        next(&mut sql, " AND record_id = ?");
    }
    if filter.action.is_some() {
        next(&mut sql, " AND action = ?");
    }
    // Times are RFC 3339 in UTC, all of one width: their text order is their time order.
    if filter.from.is_some() {
        next(&mut sql, " AND at >= ?");
    }
    if filter.until.is_some() {
        next(&mut sql, " AND at < ?");
    }
    next(&mut sql, " ORDER BY seq DESC LIMIT ?");
    let mut q = sqlx::query(&sql).bind(before.unwrap_or(i64::MAX));
    if let Some(actor) = &filter.actor {
        let escaped: String = actor
            .trim()
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        q = q.bind(format!("%{escaped}%"));
    }
    if let Some(kind) = &filter.kind {
        q = q.bind(kind.clone());
    }
    if let Some(id) = filter.record_id {
        q = q.bind(id);
    }
    for t in [&filter.action, &filter.from, &filter.until]
        .into_iter()
        .flatten()
    {
        q = q.bind(t.clone());
    }
    let rows = q.bind(limit).fetch_all(pool).await?;
    Ok(rows.iter().map(entry_of).collect())
}

/// Entries in chain order after `after`, at most `limit`: the pages `cadre audit verify` walks.
pub(crate) async fn chain(pool: &sqlx::Pool<Db>, after: i64, limit: i64) -> Result<Vec<Entry>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(entry_of).collect())
}

/// The number and hash of the last entry appended, as the head recorded them.
pub(crate) async fn head(pool: &sqlx::Pool<Db>) -> Result<(i64, String)> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok((row.get("seq"), row.get("hash")))
}

/// Erases what the entries about one participant say of them (detail, before, after); their
/// digests stay, so the chain still verifies and each says it was redacted.
pub(crate) async fn redact(conn: &mut Conn, kind: &str, record_id: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE audit SET detail = '', before = '', after = '', redacted = 1
         WHERE kind = $1 AND record_id = $2 AND redacted = 0",
    )
    .bind(kind)
    .bind(record_id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
