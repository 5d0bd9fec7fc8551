//! The accounts of the people who sign in, and the scope each role carries (migration 0010).
//! An account is found by its e-mail as typed by anyone (trimmed, without case); a password
//! is only ever stored as the hash the application layer made.

use cadre_core::access::{Grant, Role};
use sqlx::Row;

use super::Db;
use crate::types::{Account, Stamp};
use crate::{Result, StoreError};

/// How an e-mail is compared: trimmed, lower case.
pub(crate) fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Adds an account; an e-mail already held is a `Duplicate`.
pub(crate) async fn create_account(
    pool: &sqlx::Pool<Db>,
    email: &str,
    grant: &Grant,
    password_hash: &str,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut tx = super::begin_write(pool).await?;
    let key = email_key(email);
    let other: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE email_key = $1")
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(other) = other {
        return Err(StoreError::Duplicate {
            kind: "account",
            field: "email",
            value: email.trim().to_string(),
            other,
        });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (email, email_key, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(email.trim())
    .bind(&key)
    .bind(grant.role.as_str())
    .bind(password_hash)
    .bind(stamp.at)
    .fetch_one(&mut *tx)
    .await?;
    write_scopes(&mut tx, id, grant).await?;
    note(&mut tx, stamp, id, "created", &describe(grant)).await?;
    // The accounts page, and the account's own, show it.
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

async fn write_scopes(tx: &mut super::edit::Tx, id: i64, grant: &Grant) -> Result<()> {
    sqlx::query("DELETE FROM account_scopes WHERE account_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let scopes = grant
        .countries
        .iter()
        .map(|c| ("country", c))
        .chain(grant.partners.iter().map(|p| ("partner", p)));
    for (kind, value) in scopes {
        sqlx::query("INSERT INTO account_scopes (account_id, kind, value) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(kind)
            .bind(value)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Every account, in the order they were added.
pub(crate) async fn accounts(pool: &sqlx::Pool<Db>) -> Result<Vec<Account>> {
    let rows = sqlx::query(
        "SELECT id, email, role, disabled, created_at, version FROM accounts ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(account_of(pool, &row).await?);
    }
    Ok(out)
}

/// One account by e-mail, with its password hash (for signing in).
pub(crate) async fn account_by_email(
    pool: &sqlx::Pool<Db>,
    email: &str,
) -> Result<Option<(Account, String)>> {
    let row = sqlx::query(
        "SELECT id, email, role, disabled, created_at, version, password_hash FROM accounts
         WHERE email_key = $1",
    )
    .bind(email_key(email))
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => {
            let hash: String = row.get("password_hash");
            Ok(Some((account_of(pool, &row).await?, hash)))
        }
        None => Ok(None),
    }
}

async fn account_of(pool: &sqlx::Pool<Db>, row: &<Db as sqlx::Database>::Row) -> Result<Account> {
    let id: i64 = row.get("id");
    let stored: String = row.get("role");
    let role = Role::parse(&stored)
        .map_err(|_| StoreError::Fault(format!("account {id} has an unknown role {stored:?}")))?;
    let mut countries = Vec::new();
    let mut partners = Vec::new();
    for scope in sqlx::query(
        "SELECT kind, value FROM account_scopes WHERE account_id = $1 ORDER BY kind, value",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    {
        let value: String = scope.get("value");
        match scope.get::<String, _>("kind").as_str() {
            "country" => countries.push(value),
            _ => partners.push(value),
        }
    }
    Ok(Account {
        id,
        email: row.get("email"),
        grant: Grant {
            role,
            countries: countries.into_iter().collect(),
            partners: partners.into_iter().collect(),
        },
        disabled: row.get::<i64, _>("disabled") != 0,
        created_at: row.get("created_at"),
        version: row.get("version"),
    })
}

/// The account's id, or `NoAccount`.
async fn id_of(tx: &mut super::edit::Tx, email: &str) -> Result<i64> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE email_key = $1")
        .bind(email_key(email))
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NoAccount(email.trim().to_string()))
}

/// Disables or enables an account; a disabled one is signed out everywhere, its tokens
/// revoked.
pub(crate) async fn set_disabled(
    pool: &sqlx::Pool<Db>,
    email: &str,
    disabled: bool,
    stamp: Stamp<'_>,
) -> Result<()> {
    let action = if disabled { "disabled" } else { "enabled" };
    set_column(
        pool,
        email,
        "disabled",
        Value::Int(i64::from(disabled)),
        action,
        stamp,
    )
    .await
}

/// Replaces an account's password hash, signs it out everywhere and revokes its tokens.
pub(crate) async fn set_password(
    pool: &sqlx::Pool<Db>,
    email: &str,
    hash: &str,
    stamp: Stamp<'_>,
) -> Result<()> {
    set_column(
        pool,
        email,
        "password_hash",
        Value::Text(hash),
        "password-reset",
        stamp,
    )
    .await
}

enum Value<'a> {
    Int(i64),
    Text(&'a str),
}

/// Sets one column of the account with this e-mail (`NoAccount` if there is none), ends its
/// sign-ins, revokes its tokens and keeps the change in the audit trail.
async fn set_column(
    pool: &sqlx::Pool<Db>,
    email: &str,
    column: &'static str,
    value: Value<'_>,
    action: &str,
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let id = id_of(&mut tx, email).await?;
    let sql = format!("UPDATE accounts SET {column} = $1, version = version + 1 WHERE id = $2");
    let q = sqlx::query(&sql);
    let q = match value {
        Value::Int(n) => q.bind(n),
        Value::Text(t) => q.bind(t),
    };
    q.bind(id).execute(&mut *tx).await?;
    let detail = end_everything(&mut tx, id).await?;
    note(&mut tx, stamp, id, action, &detail).await?;
    // The accounts page, and the account's own, show it.
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives an account another role and scope (audited with the one it had); what it was
/// signed in or handed a token as ends.
pub(crate) async fn set_grant(
    pool: &sqlx::Pool<Db>,
    email: &str,
    grant: &Grant,
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let id = id_of(&mut tx, email).await?;
    sqlx::query("UPDATE accounts SET role = $1, version = version + 1 WHERE id = $2")
        .bind(grant.role.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    write_scopes(&mut tx, id, grant).await?;
    let ended = end_everything(&mut tx, id).await?;
    let detail = format!("{}; {ended}", describe(grant));
    note(&mut tx, stamp, id, "role-changed", &detail).await?;
    // The accounts page, and the account's own, show it.
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the account's sign-ins and revokes its tokens; says how many of each, for the trail.
async fn end_everything(tx: &mut super::edit::Tx, id: i64) -> Result<String> {
    let signed_in = super::sign_ins::end_all(tx, id).await?;
    let tokens = super::sign_ins::revoke_all(tx, id).await?;
    Ok(format!(
        "{signed_in} sign-ins ended, {tokens} tokens revoked"
    ))
}

/// A grant in words for the audit trail: `focal-point JM, TT`.
fn describe(grant: &Grant) -> String {
    let scope: Vec<&str> = grant
        .countries
        .iter()
        .chain(grant.partners.iter())
        .map(String::as_str)
        .collect();
    if scope.is_empty() {
        grant.role.as_str().to_string()
    } else {
        format!("{} {}", grant.role.as_str(), scope.join(", "))
    }
}

async fn note(
    tx: &mut super::edit::Tx,
    stamp: Stamp<'_>,
    id: i64,
    action: &str,
    detail: &str,
) -> Result<()> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    super::edit::note(tx, stamp, "account", id, action, version, detail).await
}

/// One account by id (a sign-in's or a token's).
pub(crate) async fn account_by_id(pool: &sqlx::Pool<Db>, id: i64) -> Result<Option<Account>> {
    let row = sqlx::query(
        "SELECT id, email, role, disabled, created_at, version FROM accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => Ok(Some(account_of(pool, &row).await?)),
        None => Ok(None),
    }
}
