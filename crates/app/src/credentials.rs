//! Sign-ins and API tokens checked from memory. Every signed-in request asks who its cookie or
//! token is; reading the database for that each time cost most of a cached page's time. The
//! answers are kept here, bounded, with the account as it was read, and let go:
//! - at once on this node, by the operation that ends or changes one (sign-out, sign-out
//!   everywhere, disabling, a password reset, a role change, a token revoked);
//! - on every other node when it sees the shown version move (each of those writes raises it,
//!   and servers read the versions every quarter second, or hear them on PostgreSQL).
//!
//! Expiry is checked on what is held; a sign-in that looks idle too long is read again before
//! it is refused (another node may have seen it since). When a sign-in was last used is kept
//! here and written in batches, at most once a minute per node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use cadre_store::{Account, Token};

use crate::{App, AppError};

/// At most this many sign-ins and as many tokens are held; past it the oldest half is let go
/// (they are read again when used).
const MAX_HELD: usize = 50_000;
/// How often, in seconds, the uses held are written (a sign-in's idle clock in the database
/// runs at most this late, far inside its 30 minutes).
const WRITE_USES_EVERY: i64 = 60;

#[derive(Debug, Clone)]
pub(crate) struct HeldSignIn {
    pub account: Account,
    pub created_at: i64,
    /// When it was last used, here.
    pub seen_at: i64,
    /// When it was last used, as written to the database.
    pub written_seen_at: i64,
    /// When it was put here (to let the oldest go).
    pub held_since: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct HeldToken {
    pub token: Token,
    pub account: Account,
    pub held_since: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Held {
    /// The shown version the entries are current for.
    pub shown: i64,
    pub sign_ins: HashMap<String, HeldSignIn>,
    pub tokens: HashMap<String, HeldToken>,
    /// Uses not yet written: sign-in hash, when.
    pub uses: HashMap<String, i64>,
    pub uses_written_at: i64,
}

/// What an `App` and its clones share.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials(Arc<Mutex<Held>>);

impl Credentials {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Held> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Held {
    /// Lets the oldest half go when full.
    fn make_room<T>(map: &mut HashMap<String, T>, since: impl Fn(&T) -> i64) {
        if map.len() < MAX_HELD {
            return;
        }
        let mut ages: Vec<i64> = map.values().map(&since).collect();
        ages.sort_unstable();
        let cut = ages[ages.len() / 2];
        map.retain(|_, v| since(v) > cut);
    }

    pub(crate) fn hold_sign_in(&mut self, hash: String, held: HeldSignIn) {
        Held::make_room(&mut self.sign_ins, |h| h.held_since);
        self.sign_ins.insert(hash, held);
    }

    pub(crate) fn hold_token(&mut self, hash: String, held: HeldToken) {
        Held::make_room(&mut self.tokens, |h| h.held_since);
        self.tokens.insert(hash, held);
    }
}

impl App {
    /// Lets every held sign-in and token go (an account, a sign-in or a token changed here).
    pub(crate) fn forget_credentials(&self) {
        let mut held = self.credentials.lock();
        held.sign_ins.clear();
        held.tokens.clear();
    }

    /// The shown version as just read: if it moved, what is held may be stale (another node
    /// ended a sign-in, revoked a token or changed an account) and is let go.
    pub(crate) fn saw_shown(&self, shown: i64) {
        let mut held = self.credentials.lock();
        if held.shown != shown {
            held.shown = shown;
            held.sign_ins.clear();
            held.tokens.clear();
        }
    }

    /// Notes a use of a sign-in; every minute the uses noted are written in one batch, on a
    /// task of their own.
    pub(crate) fn note_sign_in_use(&self, hash: &str, now: i64) {
        let batch = {
            let mut held = self.credentials.lock();
            let Some(s) = held.sign_ins.get_mut(hash) else {
                return;
            };
            s.seen_at = now;
            if now - s.written_seen_at < crate::sign_in::TOUCH_EVERY {
                return;
            }
            s.written_seen_at = now;
            held.uses.insert(hash.to_string(), now);
            if now - held.uses_written_at < WRITE_USES_EVERY {
                return;
            }
            held.uses_written_at = now;
            std::mem::take(&mut held.uses)
        };
        let app = self.clone();
        let write = async move {
            let list: Vec<(String, i64)> = batch.iter().map(|(h, t)| (h.clone(), *t)).collect();
            if app.store.touch_sign_ins(&list).await.is_err() {
                // Not written (the database busy or away): kept for the next batch; the uses
                // are only late, and the idle clock is checked here first.
                let mut held = app.credentials.lock();
                for (hash, at) in batch {
                    let kept = held.uses.entry(hash).or_insert(at);
                    *kept = (*kept).max(at);
                }
            }
        };
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(write);
        }
    }

    /// The shown version, as held (a read starts from it; what it finds is held only if no
    /// newer version was seen meanwhile).
    pub(crate) fn held_shown(&self) -> i64 {
        self.credentials.lock().shown
    }

    /// Writes every use not yet written (on closing).
    pub(crate) async fn write_sign_in_uses(&self) -> Result<(), AppError> {
        let batch: Vec<(String, i64)> = std::mem::take(&mut self.credentials.lock().uses)
            .into_iter()
            .collect();
        if !batch.is_empty() {
            self.store.touch_sign_ins(&batch).await?;
        }
        Ok(())
    }
}

/// When `now` is past a sign-in's idle or absolute bound.
pub(crate) fn expired(now: i64, created_at: i64, seen_at: i64) -> bool {
    now - seen_at > crate::sign_in::IDLE_SECONDS
        || now - created_at > crate::sign_in::ABSOLUTE_SECONDS
}

#[cfg(test)]
mod tests {
    use cadre_core::access::{Grant, Role};
    use cadre_store::Store;

    use crate::sign_in::{ABSOLUTE_SECONDS, IDLE_SECONDS};
    use crate::{Actor, App};

    const PASSWORD: &str = "a password long enough";

    async fn app(dir: &std::path::Path) -> App {
        let url = format!("sqlite:{}", dir.join("held.db").display());
        let app = App::new(Store::open(&url).await.unwrap());
        app.add_user(
            &Actor::local(),
            "officer@agency.example",
            &Grant::plain(Role::Viewer),
            PASSWORD,
        )
        .await
        .unwrap();
        app
    }

    #[tokio::test]
    async fn a_held_sign_in_past_its_idle_or_absolute_bound_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path()).await;
        let t0 = crate::clock::unix();

        // Idle: used once, held, then nothing for longer than the idle bound.
        let idle = app
            .sign_in("officer@agency.example", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        assert!(app
            .signed_in_at(&idle.secret, "a", t0)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            app.credentials.lock().sign_ins.len(),
            1,
            "held after its first use"
        );
        let late = t0 + IDLE_SECONDS + 1;
        assert!(app
            .signed_in_at(&idle.secret, "a", late)
            .await
            .unwrap()
            .is_none());
        assert!(app.credentials.lock().sign_ins.is_empty(), "let go");
        // It is over in the database too, not only here.
        assert!(app.signed_in(&idle.secret, "a").await.unwrap().is_none());

        // Absolute: used every 25 minutes (never idle), still refused once 12 hours old.
        let busy = app
            .sign_in("officer@agency.example", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        let mut t = t0;
        while t + 25 * 60 <= t0 + ABSOLUTE_SECONDS {
            t += 25 * 60;
            assert!(
                app.signed_in_at(&busy.secret, "a", t)
                    .await
                    .unwrap()
                    .is_some(),
                "in use, at {} s",
                t - t0
            );
        }
        let over = t0 + ABSOLUTE_SECONDS + 1;
        assert!(app
            .signed_in_at(&busy.secret, "a", over)
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn what_ends_a_sign_in_here_ends_it_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path()).await;
        let admin = Actor::local();
        let signed = app
            .sign_in("officer@agency.example", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        assert!(app.signed_in(&signed.secret, "a").await.unwrap().is_some());
        app.set_user_disabled(&admin, "officer@agency.example", true)
            .await
            .unwrap();
        assert!(app.signed_in(&signed.secret, "a").await.unwrap().is_none());

        // A second App on the same database (another node) holds it until it sees the shown
        // version move, then lets it go.
        app.set_user_disabled(&admin, "officer@agency.example", false)
            .await
            .unwrap();
        let other = App::new(app.store.clone());
        let again = app
            .sign_in("officer@agency.example", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        other.versions().await.unwrap();
        assert!(other.signed_in(&again.secret, "b").await.unwrap().is_some());
        let actor = app.signed_in(&again.secret, "a").await.unwrap().unwrap();
        app.sign_out(&actor, &again.secret).await.unwrap();
        assert!(
            app.signed_in(&again.secret, "a").await.unwrap().is_none(),
            "here: at once"
        );
        other.versions().await.unwrap();
        assert!(
            other.signed_in(&again.secret, "b").await.unwrap().is_none(),
            "there: once it has read the versions"
        );
    }
}
