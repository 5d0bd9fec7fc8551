//! The store's accounts: the people who sign in, their role and scope (migration 0010).

use cadre_core::access::Grant;

use crate::backend::{postgres, sqlite};
use crate::{Account, Pool, Result, Stamp, Store};

impl Store {
    /// Adds an account with a password hash made by the caller; an e-mail already held is a
    /// `Duplicate`.
    pub async fn create_account(
        &self,
        email: &str,
        grant: &Grant,
        password_hash: &str,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            accounts::create_account(email, grant, password_hash, stamp.keyed(&key))
        )
    }

    /// One account by id.
    pub async fn account_by_id(&self, id: i64) -> Result<Option<Account>> {
        on_backend!(self, accounts::account_by_id(id))
    }

    /// Every account, in the order they were added.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        on_backend!(self, accounts::accounts())
    }

    /// One account by e-mail (compared without case), with its password hash.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<(Account, String)>> {
        on_backend!(self, accounts::account_by_email(email))
    }

    /// Disables (or enables again) an account, `NoAccount` if there is none; a disabled
    /// account is signed out everywhere.
    pub async fn set_account_disabled(
        &self,
        email: &str,
        disabled: bool,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            accounts::set_disabled(email, disabled, stamp.keyed(&key))
        )
    }

    /// Replaces an account's password hash and signs it out everywhere.
    pub async fn set_account_password(
        &self,
        email: &str,
        hash: &str,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, accounts::set_password(email, hash, stamp.keyed(&key)))
    }

    /// Gives an account another role and scope.
    pub async fn set_account_grant(
        &self,
        email: &str,
        grant: &Grant,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, accounts::set_grant(email, grant, stamp.keyed(&key)))
    }
}
