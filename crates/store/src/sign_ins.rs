//! The store's sign-ins, API tokens and failed sign-ins (migration 0011): secrets only as
//! hashes, times as Unix seconds, every rule about them the application layer's.

use crate::backend::{postgres, sqlite};
use crate::{Pool, Result, SignIn, Store, Token};

impl Store {
    /// Keeps a new sign-in, ending the one it `replaces` in the same transaction.
    pub async fn begin_sign_in(
        &self,
        id_hash: &str,
        account_id: i64,
        now: i64,
        replaces: Option<&str>,
    ) -> Result<()> {
        on_backend!(self, sign_ins::begin(id_hash, account_id, now, replaces))
    }

    pub async fn sign_in(&self, id_hash: &str) -> Result<Option<SignIn>> {
        on_backend!(self, sign_ins::find(id_hash))
    }

    pub async fn touch_sign_in(&self, id_hash: &str, now: i64) -> Result<()> {
        on_backend!(self, sign_ins::touch(id_hash, now))
    }

    /// Notes the last use of several sign-ins, in one transaction.
    pub async fn touch_sign_ins(&self, uses: &[(String, i64)]) -> Result<()> {
        on_backend!(self, sign_ins::touch_many(uses))
    }

    pub async fn end_sign_in(&self, id_hash: &str) -> Result<()> {
        on_backend!(self, sign_ins::end(id_hash))
    }

    /// Ends every sign-in of an account; says how many there were.
    pub async fn end_sign_ins_of(&self, account_id: i64) -> Result<u64> {
        on_backend!(self, sign_ins::end_all_of(account_id))
    }

    /// Forgets sign-ins past their expiry and failed sign-ins past the throttling window.
    pub async fn purge_sign_ins(
        &self,
        idle_before: i64,
        begun_before: i64,
        failures_before: i64,
    ) -> Result<()> {
        on_backend!(
            self,
            sign_ins::purge(idle_before, begun_before, failures_before)
        )
    }

    /// Keeps a failed sign-in under each subject (the e-mail typed, the address).
    pub async fn note_failed_sign_in(&self, subjects: &[&str], at: i64) -> Result<()> {
        on_backend!(self, sign_ins::fail(subjects, at))
    }

    /// A subject's failed sign-ins since `since`: how many, and the oldest's time.
    pub async fn failed_sign_ins(&self, subject: &str, since: i64) -> Result<(i64, Option<i64>)> {
        on_backend!(self, sign_ins::failures(subject, since))
    }

    pub async fn clear_failed_sign_ins(&self, subject: &str) -> Result<()> {
        on_backend!(self, sign_ins::clear_failures(subject))
    }

    /// Keeps a new API token's hash; says its id.
    pub async fn create_token(
        &self,
        account_id: i64,
        token_hash: &str,
        label: &str,
        read_only: bool,
        created_at: i64,
        expires_at: i64,
    ) -> Result<i64> {
        on_backend!(
            self,
            sign_ins::create_token(
                account_id, token_hash, label, read_only, created_at, expires_at
            )
        )
    }

    pub async fn token_by_hash(&self, token_hash: &str) -> Result<Option<Token>> {
        on_backend!(self, sign_ins::token_by_hash(token_hash))
    }

    pub async fn token_by_id(&self, id: i64) -> Result<Option<Token>> {
        on_backend!(self, sign_ins::token_by_id(id))
    }

    pub async fn tokens_of(&self, account_id: i64) -> Result<Vec<Token>> {
        on_backend!(self, sign_ins::tokens_of(account_id))
    }

    /// Revokes a token; false if it was already revoked.
    pub async fn revoke_token(&self, id: i64, at: i64) -> Result<bool> {
        on_backend!(self, sign_ins::revoke_token(id, at))
    }
}
