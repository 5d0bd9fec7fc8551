//! Accounts: adding people who sign in, their role and scope, disabling them, their passwords.
//! A password is hashed here with Argon2id and only the hash goes to the store; checking one
//! takes the same time whether or not the account exists, so a sign-in says nothing of who has
//! an account.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use cadre_core::access::{Action, Grant};
use cadre_store::Account;

use crate::{clock, Actor, App, AppError};

/// Shorter than this, a password is refused: long enough against guessing at the rate a
/// throttled sign-in allows, short enough to be typed.
pub const MIN_PASSWORD: usize = 12;
/// Longer than this, a password is refused (hashing a megabyte would be work for nothing).
const MAX_PASSWORD: usize = 1024;

/// A new password of sixteen letters and digits from the operating system's randomness, in
/// groups of four to be read out (for demo accounts, and for an admin to hand on).
pub fn new_password() -> String {
    use argon2::password_hash::rand_core::RngCore;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Invalid(format!("the password could not be hashed: {e}")))
}

/// A hash of no one's password, checked when the account asked for does not exist, so that
/// the answer takes as long as for one that does.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash("not anyone's password, only for timing").unwrap_or_default())
}

fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn check_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(AppError::Invalid(format!(
            "a password has at least {MIN_PASSWORD} characters (this one has {n})"
        )));
    }
    if password.trim().is_empty() {
        return Err(AppError::Invalid("a password cannot be only spaces".into()));
    }
    if password.len() > MAX_PASSWORD {
        return Err(AppError::Invalid(format!(
            "a password has at most {MAX_PASSWORD} bytes"
        )));
    }
    Ok(())
}

fn check_email(email: &str) -> Result<(), AppError> {
    if email.trim().len() > crate::sign_in::MAX_EMAIL {
        return Err(AppError::Invalid(format!(
            "an e-mail address has at most {} characters",
            crate::sign_in::MAX_EMAIL
        )));
    }
    if let Some(p) = cadre_core::validate::plain_text("email", email.trim(), false) {
        return Err(AppError::Invalid(format!("the e-mail {}", p.message)));
    }
    match cadre_core::validate::email(Some(email.trim())) {
        _ if email.trim().is_empty() => Err(AppError::Invalid("an account needs an e-mail".into())),
        Some(problem) => Err(AppError::Invalid(problem.message)),
        None => Ok(()),
    }
}

/// Hashes on a thread of its own: Argon2 takes tens of milliseconds of one core, which would
/// hold up every other request served by this thread.
async fn hash_off_thread(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| AppError::Invalid(format!("the password could not be hashed: {e}")))?
}

/// Checks a password on a thread of its own (see [`hash_off_thread`]).
pub(crate) async fn verify_off_thread(password: &str, stored: Option<String>) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => verify(&password, &h),
        None => {
            verify(&password, decoy());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A grant as the audit trail keeps it.
fn grant_json(g: &Grant) -> String {
    serde_json::json!({
        "role": g.role.as_str(),
        "countries": g.countries,
        "partners": g.partners,
    })
    .to_string()
}

impl App {
    /// Refuses a change that would leave no admin who can sign in (whoever runs cadre on the
    /// database's machine could still mend it, but the web application would have no one).
    async fn keeps_an_admin(&self, email: &str, stays_admin: bool) -> Result<(), AppError> {
        if stays_admin {
            return Ok(());
        }
        let key = email.trim().to_lowercase();
        let accounts = self.store.accounts().await?;
        let active_admin =
            |a: &Account| !a.disabled && a.grant.role == cadre_core::access::Role::Admin;
        let this_is = accounts
            .iter()
            .any(|a| a.email.to_lowercase() == key && active_admin(a));
        let others = accounts
            .iter()
            .filter(|a| a.email.to_lowercase() != key && active_admin(a))
            .count();
        if this_is && others == 0 {
            return Err(AppError::Invalid(format!(
                "{} is the last admin who can sign in: make another admin first",
                email.trim()
            )));
        }
        Ok(())
    }

    /// Refuses a scope naming a country or partner cadre does not know: a focal point of
    /// `ZZ` would see nothing and say nothing of why.
    async fn check_grant(&self, grant: &Grant) -> Result<(), AppError> {
        let countries = cadre_core::country::Countries::get();
        for c in &grant.countries {
            if countries.by_code(c).is_none() {
                return Err(AppError::Invalid(format!(
                    "there is no country with the code \"{}\": a focal point's scope names countries by their two-letter code",
                    cadre_core::text::shown(c, 40)
                )));
            }
        }
        if !grant.partners.is_empty() {
            let lookups = self.store.lookups().await?;
            for p in &grant.partners {
                if lookups.partner(p).is_none() {
                    return Err(AppError::Invalid(format!(
                        "there is no partner \"{}\": add it on the Partners page first",
                        cadre_core::text::shown(p, 80)
                    )));
                }
            }
        }
        Ok(())
    }

    fn may_manage_users(actor: &Actor) -> Result<(), AppError> {
        actor.must(Action::ManageUsers)
    }

    /// Adds an account with this role and scope and password.
    pub async fn add_user(
        &self,
        actor: &Actor,
        email: &str,
        grant: &Grant,
        password: &str,
    ) -> Result<i64, AppError> {
        Self::may_manage_users(actor)?;
        check_email(email)?;
        check_password(password)?;
        self.check_grant(grant).await?;
        let hash = hash_off_thread(password).await?;
        let at = clock::now();
        Ok(self
            .store
            .create_account(email, grant, &hash, actor.stamp(&at))
            .await?)
    }

    /// Every account, in the order they were added.
    pub async fn users(&self, actor: &Actor) -> Result<Vec<Account>, AppError> {
        Self::may_manage_users(actor)?;
        Ok(self.store.accounts().await?)
    }

    /// Disables an account (`disabled`), or enables it again.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        email: &str,
        disabled: bool,
    ) -> Result<(), AppError> {
        Self::may_manage_users(actor)?;
        self.keeps_an_admin(email, !disabled).await?;
        let at = clock::now();
        self.store
            .set_account_disabled(email, disabled, actor.stamp(&at))
            .await?;
        self.forget_credentials();
        Ok(())
    }

    /// Gives an account a new password.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        email: &str,
        password: &str,
    ) -> Result<(), AppError> {
        Self::may_manage_users(actor)?;
        check_password(password)?;
        let hash = hash_off_thread(password).await?;
        let at = clock::now();
        self.store
            .set_account_password(email, &hash, actor.stamp(&at))
            .await?;
        self.forget_credentials();
        Ok(())
    }

    /// Gives an account another role and scope.
    pub async fn set_role(
        &self,
        actor: &Actor,
        email: &str,
        grant: &Grant,
    ) -> Result<(), AppError> {
        Self::may_manage_users(actor)?;
        self.check_grant(grant).await?;
        self.keeps_an_admin(email, grant.role == cadre_core::access::Role::Admin)
            .await?;
        let at = clock::now();
        // The audit trail keeps the role and scope it had, and the new ones.
        let before = match self.store.account_by_email(email).await? {
            Some((a, _)) => grant_json(&a.grant),
            None => String::new(),
        };
        let after = grant_json(grant);
        if before == after {
            // Nothing changes: the account's sign-ins and tokens stay good.
            return Ok(());
        }
        self.store
            .set_account_grant(email, grant, actor.stamp(&at).change(&before, &after))
            .await?;
        self.forget_credentials();
        Ok(())
    }

    /// The account these credentials sign in as: `None` for a wrong password, an unknown
    /// e-mail or a disabled account alike (the caller says the same to all three).
    pub async fn check_sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<Account>, AppError> {
        if password.len() > MAX_PASSWORD {
            return Ok(None);
        }
        match self.store.account_by_email(email).await? {
            Some((account, stored)) => {
                let right = verify_off_thread(password, Some(stored)).await;
                Ok((right && !account.disabled).then_some(account))
            }
            None => {
                verify_off_thread(password, None).await;
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_kept_as_an_argon2id_hash_that_checks_it() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse battery!", &h));
        assert!(!verify("correct horse battery", "not a hash"));
        assert_ne!(hash("correct horse battery").unwrap(), h, "salted");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(check_password("eleven char").is_err());
        assert!(check_password("twelve chars").is_ok());
        assert!(check_password(&"x".repeat(2000)).is_err());
        assert!(check_password(&" ".repeat(12)).is_err());
        assert!(check_password(&"\t ".repeat(8)).is_err());
    }
}
