//! Signing in and out of the web application, and API tokens. A sign-in or a token is a
//! random secret handed to the browser or the program once; the store keeps only its SHA-256,
//! so a copy of the database signs no one in. Failed sign-ins are counted by the e-mail typed
//! and by the address, in the store (so every cadre process over one database counts them),
//! and the answer to a refused sign-in is the same whether or not the account exists.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use cadre_core::audit::Entry;
use cadre_store::Token;
use sha2::{Digest, Sha256};

use crate::{clock, Actor, App, AppError};

/// A sign-in ends after this long without a request...
pub const IDLE_SECONDS: i64 = 30 * 60;
/// ...and after this long in any case.
pub const ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;
/// Failed sign-ins are counted over this window...
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
/// ...and refused past this many for one e-mail...
pub const FAILURES_PER_ACCOUNT: i64 = 5;
/// ...or past this many from one address.
pub const FAILURES_PER_ADDRESS: i64 = 20;
/// A sign-in's last use is written at most this often, not on every request.
pub(crate) const TOUCH_EVERY: i64 = 60;
/// The longest a token may be made to last.
pub const MAX_TOKEN_DAYS: i64 = 366;
/// What an API token starts with, so that one pasted where it should not be is recognised.
const TOKEN_PREFIX: &str = "cadre_";
/// The longest e-mail address there can be (RFC 5321's path limit), in bytes.
pub const MAX_EMAIL: usize = 254;
/// Seconds between two audit entries of one token's use.
pub const TOKEN_USE_EVERY: i64 = 3600;
/// The longest label of a token, in characters.
pub const MAX_LABEL: usize = 100;

/// A new random secret: 32 bytes from the operating system, in hex.
fn secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The form a secret is kept in.
fn hashed(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A successful sign-in: the secret for the cookie, and who it signs in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub secret: String,
    pub actor: Actor,
}

/// A token as made: the secret, shown once, and what is kept of it.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub secret: String,
    pub token: Token,
}

impl App {
    /// Checks an e-mail and a password, from `address`: throttled, failures kept and audited
    /// alike for unknown e-mails; says the account (the web's sign-in, and `cadre --as`).
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> Result<cadre_store::Account, AppError> {
        let now = clock::unix();
        // No account has an e-mail longer than an address can be: such a sign-in fails
        // before anything of it is kept, its e-mail cut to that length wherever it is named.
        let email = if email.len() > MAX_EMAIL {
            let mut end = MAX_EMAIL;
            while !email.is_char_boundary(end) {
                end -= 1;
            }
            &email[..end]
        } else {
            email
        };
        let account_subject = format!("account:{}", email.trim().to_lowercase());
        let address_subject = format!("address:{address}");
        let since = now - THROTTLE_WINDOW_SECONDS;
        for (subject, most) in [
            (&account_subject, FAILURES_PER_ACCOUNT),
            (&address_subject, FAILURES_PER_ADDRESS),
        ] {
            let (n, oldest) = self.store.failed_sign_ins(subject, since).await?;
            if n >= most {
                // Refused without a check of the password, and kept: a run of attempts against
                // one account shows in the trail even while they are turned away.
                let typed = cadre_core::text::shown(email.trim(), 120);
                self.audit(&typed, address, "sign-in-throttled", "account", None, "")
                    .await?;
                let wait = oldest.unwrap_or(now) + THROTTLE_WINDOW_SECONDS - now;
                return Err(AppError::Throttled {
                    minutes: (wait + 59).div_euclid(60).max(1),
                });
            }
        }
        // The trail keeps the e-mail as typed, with nothing in it that could forge a line.
        let typed = cadre_core::text::shown(email.trim(), 120);
        let Some(account) = self.check_sign_in(email, password).await? else {
            self.store
                .note_failed_sign_in(&[&account_subject, &address_subject], now)
                .await?;
            self.audit(&typed, address, "sign-in-failed", "account", None, "")
                .await?;
            return Err(AppError::SignIn);
        };
        self.store.clear_failed_sign_ins(&account_subject).await?;
        self.audit(
            &account.email,
            address,
            "signed-in",
            "account",
            Some(account.id),
            "",
        )
        .await?;
        // Now and then, forget what has expired (any process may do it; it is idempotent).
        if now % 16 == 0 {
            self.store
                .purge_sign_ins(now - IDLE_SECONDS, now - ABSOLUTE_SECONDS, since)
                .await?;
        }
        Ok(account)
    }

    /// Signs in with an e-mail and a password, from `address`; `replaces` is the secret of the
    /// sign-in the browser came with (ended, so no session id outlives a sign-in).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: &str,
        replaces: Option<&str>,
    ) -> Result<SignedIn, AppError> {
        let account = self.authenticate(email, password, address).await?;
        if let Some(old) = replaces {
            self.credentials.lock().sign_ins.remove(&hashed(old));
        }
        let secret = secret();
        self.store
            .begin_sign_in(
                &hashed(&secret),
                account.id,
                clock::unix(),
                replaces.map(hashed).as_deref(),
            )
            .await?;
        Ok(SignedIn {
            secret,
            actor: Actor::account(&account).from_address(address),
        })
    }

    /// Who a sign-in's secret signs in, if it is still good: not idle too long, not too old,
    /// its account still enabled (with the role it has now).
    pub async fn signed_in(&self, secret: &str, address: &str) -> Result<Option<Actor>, AppError> {
        self.signed_in_at(secret, address, clock::unix()).await
    }

    /// [`App::signed_in`] at the time `now` (seconds).
    pub(crate) async fn signed_in_at(
        &self,
        secret: &str,
        address: &str,
        now: i64,
    ) -> Result<Option<Actor>, AppError> {
        let id_hash = hashed(secret);
        let held = self.credentials.lock().sign_ins.get(&id_hash).cloned();
        let account = match held {
            // From memory: nothing read.
            Some(h) if !crate::credentials::expired(now, h.created_at, h.seen_at) => h.account,
            // Not held, or held but idle too long here: the database says (another node may
            // have seen it since).
            _ => {
                let shown = self.held_shown();
                let Some(s) = self.store.sign_in(&id_hash).await? else {
                    self.credentials.lock().sign_ins.remove(&id_hash);
                    return Ok(None);
                };
                if crate::credentials::expired(now, s.created_at, s.seen_at) {
                    self.credentials.lock().sign_ins.remove(&id_hash);
                    self.store.end_sign_in(&id_hash).await?;
                    return Ok(None);
                }
                let Some(account) = self.store.account_by_id(s.account_id).await? else {
                    return Ok(None);
                };
                if account.disabled {
                    return Ok(None);
                }
                let mut held = self.credentials.lock();
                // Held only if nothing changed meanwhile (what was read may be older).
                if held.shown == shown {
                    held.hold_sign_in(
                        id_hash.clone(),
                        crate::credentials::HeldSignIn {
                            account: account.clone(),
                            created_at: s.created_at,
                            seen_at: s.seen_at,
                            written_seen_at: s.seen_at,
                            held_since: now,
                        },
                    );
                }
                account
            }
        };
        self.note_sign_in_use(&id_hash, now);
        Ok(Some(Actor::account(&account).from_address(address)))
    }

    /// Ends one sign-in.
    pub async fn sign_out(&self, actor: &Actor, secret: &str) -> Result<(), AppError> {
        let hash = hashed(secret);
        self.credentials.lock().sign_ins.remove(&hash);
        self.store.end_sign_in(&hash).await?;
        self.audit(
            &actor.name,
            &actor.address,
            "signed-out",
            "account",
            actor.account,
            "",
        )
        .await
    }

    /// Ends every sign-in of the actor's account (every browser, every machine).
    pub async fn sign_out_everywhere(&self, actor: &Actor) -> Result<u64, AppError> {
        let Some(id) = actor.account else {
            return Err(AppError::Invalid("only an account signs out".into()));
        };
        let n = self.store.end_sign_ins_of(id).await?;
        self.forget_credentials();
        self.audit(
            &actor.name,
            &actor.address,
            "signed-out-everywhere",
            "account",
            Some(id),
            &format!("{n} sign-ins ended"),
        )
        .await?;
        Ok(n)
    }

    /// Makes an API token for the account with this e-mail: by that account itself, or by an
    /// admin. It acts with the account's role (as it is when used), read-only if asked, until
    /// it expires or is revoked.
    pub async fn create_token(
        &self,
        actor: &Actor,
        email: &str,
        read_only: bool,
        days: i64,
        label: &str,
    ) -> Result<NewToken, AppError> {
        let account = self.token_owner(actor, email).await?;
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::Invalid(format!(
                "a token lasts 1 to {MAX_TOKEN_DAYS} days, not {days}"
            )));
        }
        let now = clock::unix();
        let secret = format!("{TOKEN_PREFIX}{}", secret());
        let label = label.trim();
        if label.chars().count() > MAX_LABEL {
            return Err(AppError::Invalid(format!(
                "a token's label has at most {MAX_LABEL} characters"
            )));
        }
        if let Some(p) = cadre_core::validate::plain_text("label", label, false) {
            return Err(AppError::Invalid(format!("the label {}", p.message)));
        }
        let id = self
            .store
            .create_token(
                account.id,
                &hashed(&secret),
                label,
                read_only,
                now,
                now + days * 86_400,
            )
            .await?;
        let detail = format!(
            "token {id}{}, {days} days",
            if read_only { ", read-only" } else { "" }
        );
        self.audit(
            &actor.name,
            &actor.address,
            "token-created",
            "account",
            Some(account.id),
            &detail,
        )
        .await?;
        let token = self
            .store
            .token_by_id(id)
            .await?
            .ok_or(AppError::NotFound { kind: "token", id })?;
        Ok(NewToken { secret, token })
    }

    /// The tokens of the account with this e-mail (to itself, or to an admin).
    pub async fn tokens(&self, actor: &Actor, email: &str) -> Result<Vec<Token>, AppError> {
        let account = self.token_owner(actor, email).await?;
        Ok(self.store.tokens_of(account.id).await?)
    }

    /// Revokes a token, by its id: the account's own, or any to an admin.
    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let token = self
            .store
            .token_by_id(id)
            .await?
            .ok_or(AppError::NotFound { kind: "token", id })?;
        let own = actor.account == Some(token.account_id);
        if !own {
            actor.must(cadre_core::access::Action::ManageUsers)?;
        }
        if !self.store.revoke_token(id, clock::unix()).await? {
            return Err(AppError::Invalid(format!("token {id} was already revoked")));
        }
        self.forget_credentials();
        self.audit(
            &actor.name,
            &actor.address,
            "token-revoked",
            "account",
            Some(token.account_id),
            &format!("token {id}"),
        )
        .await
    }

    /// Who a token acts as, if it is good: not revoked, not expired, its account enabled.
    pub async fn token_actor(
        &self,
        secret: &str,
        address: &str,
    ) -> Result<Option<Actor>, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = hashed(secret);
        let now = clock::unix();
        let held = self.credentials.lock().tokens.get(&hash).cloned();
        let (token, account) = match held {
            Some(h) => (h.token, h.account),
            None => {
                let shown = self.held_shown();
                let Some(token) = self.store.token_by_hash(&hash).await? else {
                    return Ok(None);
                };
                let Some(account) = self.store.account_by_id(token.account_id).await? else {
                    return Ok(None);
                };
                let mut held = self.credentials.lock();
                if held.shown == shown {
                    held.hold_token(
                        hash,
                        crate::credentials::HeldToken {
                            token: token.clone(),
                            account: account.clone(),
                            held_since: now,
                        },
                    );
                }
                (token, account)
            }
        };
        if token.revoked_at.is_some() || now >= token.expires_at || account.disabled {
            return Ok(None);
        }
        let mut actor = Actor::account(&account).from_address(address);
        actor.read_only = token.read_only;
        actor.token = Some(token.id);
        self.note_token_use(&actor, token.id).await?;
        Ok(Some(actor))
    }

    /// Writes a token's use to the audit trail: its first use, then at most once every
    /// [`TOKEN_USE_EVERY`] seconds by this process (a program calling the API many times a
    /// second leaves one entry an hour, not one a call).
    async fn note_token_use(&self, actor: &Actor, token: i64) -> Result<(), AppError> {
        let now = clock::unix();
        {
            let mut seen = self
                .token_uses
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if seen
                .get(&token)
                .is_some_and(|&at| now - at < TOKEN_USE_EVERY)
            {
                return Ok(());
            }
            // Bounded: tokens are few, but whatever the number, memory is not.
            if seen.len() >= 10_000 {
                seen.clear();
            }
            seen.insert(token, now);
        }
        self.audit(
            &actor.name,
            &actor.address,
            "token-used",
            "account",
            actor.account,
            &format!("token {token}"),
        )
        .await
    }

    /// Writes a read of participants' personal data through an API token to the audit trail:
    /// a program can read many in little time, and who read whom must be known afterwards.
    /// Pages and the command line are not noted: a person reads them.
    pub(crate) async fn note_personal_read(
        &self,
        actor: &Actor,
        record: Option<i64>,
        detail: &str,
    ) -> Result<(), AppError> {
        let Some(token) = actor.token else {
            return Ok(());
        };
        self.audit(
            &actor.name,
            &actor.address,
            "read",
            "participant",
            record,
            &format!("token {token}: {detail}"),
        )
        .await
    }

    async fn token_owner(
        &self,
        actor: &Actor,
        email: &str,
    ) -> Result<cadre_store::Account, AppError> {
        let (account, _) = self.store.account_by_email(email).await?.ok_or_else(|| {
            AppError::from(cadre_store::StoreError::NoAccount(email.trim().into()))
        })?;
        if actor.account != Some(account.id) {
            actor.must(cadre_core::access::Action::ManageUsers)?;
        }
        if actor.read_only {
            return Err(AppError::Forbidden("this API token is read-only"));
        }
        Ok(account)
    }

    /// Keeps an entry that goes with no change of records.
    pub(crate) async fn audit(
        &self,
        actor: &str,
        address: &str,
        action: &str,
        kind: &str,
        record_id: Option<i64>,
        detail: &str,
    ) -> Result<(), AppError> {
        self.store
            .audit_record(Entry {
                at: clock::now(),
                actor: actor.to_string(),
                address: address.to_string(),
                action: action.to_string(),
                kind: kind.to_string(),
                record_id,
                detail: detail.to_string(),
                ..Entry::default()
            })
            .await?;
        Ok(())
    }
}
