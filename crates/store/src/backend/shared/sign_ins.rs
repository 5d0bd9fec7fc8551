//! Sign-ins to the web application, API tokens and failed sign-ins (migration 0011). Secrets
//! arrive here already hashed (the application layer makes and hashes them); times are Unix
//! seconds, and every rule about them (idle, absolute expiry, the throttling window) is the
//! application layer's, passed in as bounds.

use sqlx::Row;

use super::edit::Tx;
use super::Db;
use crate::types::{SignIn, Token};
use crate::Result;

/// Keeps a new sign-in; `replaces` (the one the browser came with, if any) ends in the same
/// transaction, so a session id is never carried across a sign-in.
pub(crate) async fn begin(
    pool: &sqlx::Pool<Db>,
    id_hash: &str,
    account_id: i64,
    now: i64,
    replaces: Option<&str>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    if let Some(old) = replaces {
        let ended = sqlx::query("DELETE FROM sign_ins WHERE id_hash = $1")
            .bind(old)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // The sign-in it replaces ends on every server that holds it.
        if ended > 0 {
            super::edit::bump_shown(&mut tx).await?;
        }
    }
    sqlx::query(
        "INSERT INTO sign_ins (id_hash, account_id, created_at, seen_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(id_hash)
    .bind(account_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The sign-in with this hash, if there is one.
pub(crate) async fn find(pool: &sqlx::Pool<Db>, id_hash: &str) -> Result<Option<SignIn>> {
    let row =
        sqlx::query("SELECT account_id, created_at, seen_at FROM sign_ins WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|r| SignIn {
        account_id: r.get("account_id"),
        created_at: r.get("created_at"),
        seen_at: r.get("seen_at"),
    }))
}

/// Notes that the sign-in was used now (the idle clock starts again).
pub(crate) async fn touch(pool: &sqlx::Pool<Db>, id_hash: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE sign_ins SET seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Notes the last use of several sign-ins (a server's batch), in one transaction.
pub(crate) async fn touch_many(pool: &sqlx::Pool<Db>, uses: &[(String, i64)]) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    for (id_hash, at) in uses {
        // Never back in time: another node may have written a later use.
        sqlx::query("UPDATE sign_ins SET seen_at = $1 WHERE id_hash = $2 AND seen_at < $1")
            .bind(at)
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends one sign-in. The shown version rises: servers that hold it let it go.
pub(crate) async fn end(pool: &sqlx::Pool<Db>, id_hash: &str) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let ended = sqlx::query("DELETE FROM sign_ins WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if ended > 0 {
        super::edit::bump_shown(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends every sign-in of an account, in the caller's transaction; says how many there were.
pub(crate) async fn end_all(tx: &mut Tx, account_id: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sign_ins WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Revokes every API token of an account still good (a password reset, a disabled account, a
/// new role: what was handed out under the old terms stops working).
pub(crate) async fn revoke_all(tx: &mut Tx, account_id: i64) -> Result<u64> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Ok(sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Ends every sign-in of an account in a transaction of its own (the shown version rises, as
/// for one).
pub(crate) async fn end_all_of(pool: &sqlx::Pool<Db>, account_id: i64) -> Result<u64> {
    let mut tx = super::begin_write(pool).await?;
    let n = end_all(&mut tx, account_id).await?;
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// Removes sign-ins idle since before `idle_before` or begun before `begun_before`, and failed
/// sign-ins older than `failures_before`.
pub(crate) async fn purge(
    pool: &sqlx::Pool<Db>,
    idle_before: i64,
    begun_before: i64,
    failures_before: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM sign_ins WHERE seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(begun_before)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(failures_before)
        .execute(pool)
        .await?;
    Ok(())
}

/// Keeps one failed sign-in under each subject.
pub(crate) async fn fail(pool: &sqlx::Pool<Db>, subjects: &[&str], at: i64) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    for s in subjects {
        sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
            .bind(*s)
            .bind(at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How many failed sign-ins the subject has had since `since`, and when the oldest of them
/// was (to say how long to wait).
pub(crate) async fn failures(
    pool: &sqlx::Pool<Db>,
    subject: &str,
    since: i64,
) -> Result<(i64, Option<i64>)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM sign_in_failures
         WHERE subject = $1 AND at >= $2",
    )
    .bind(subject)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok((row.get("n"), row.get("oldest")))
}

/// Forgets a subject's failed sign-ins (after it signs in).
pub(crate) async fn clear_failures(pool: &sqlx::Pool<Db>, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(subject)
        .execute(pool)
        .await?;
    Ok(())
}

const TOKEN_COLUMNS: &str = "id, account_id, label, read_only, created_at, expires_at, revoked_at";

fn token_of(r: &<Db as sqlx::Database>::Row) -> Token {
    Token {
        id: r.get("id"),
        account_id: r.get("account_id"),
        label: r.get("label"),
        read_only: r.get::<i64, _>("read_only") != 0,
        created_at: r.get("created_at"),
        expires_at: r.get("expires_at"),
        revoked_at: r.get("revoked_at"),
    }
}

/// Keeps a new token's hash; says its id.
pub(crate) async fn create_token(
    pool: &sqlx::Pool<Db>,
    account_id: i64,
    token_hash: &str,
    label: &str,
    read_only: bool,
    created_at: i64,
    expires_at: i64,
) -> Result<i64> {
    let mut tx = super::begin_write(pool).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, token_hash, label, read_only, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(token_hash)
    .bind(label)
    .bind(i64::from(read_only))
    .bind(created_at)
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    // The account's page lists its tokens.
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// The token with this hash, revoked and expired ones included (the caller says why it is
/// refused).
pub(crate) async fn token_by_hash(
    pool: &sqlx::Pool<Db>,
    token_hash: &str,
) -> Result<Option<Token>> {
    let row = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(token_of))
}

/// An account's tokens, newest first.
pub(crate) async fn tokens_of(pool: &sqlx::Pool<Db>, account_id: i64) -> Result<Vec<Token>> {
    let rows = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY id DESC"
    ))
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(token_of).collect())
}

/// One token by id.
pub(crate) async fn token_by_id(pool: &sqlx::Pool<Db>, id: i64) -> Result<Option<Token>> {
    let row = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(token_of))
}

/// Revokes a token (once: a second revocation keeps the first time).
pub(crate) async fn revoke_token(pool: &sqlx::Pool<Db>, id: i64, at: i64) -> Result<bool> {
    let mut tx = super::begin_write(pool).await?;
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    if done {
        super::edit::bump_shown(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(done)
}
