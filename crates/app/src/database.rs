//! The database as a whole, as the front ends open, look at and move it: opened for writing
//! or only for reading, its state, a copy into another database (audited as the export of
//! every person it is), and the versions a server follows to know its answers are current.

use cadre_core::access::Action;
use cadre_store::Store;

use crate::{Actor, App, AppError};

pub use cadre_store::CopyReport;

/// What a database holds, for `cadre db status`.
#[derive(Debug, Clone)]
pub struct Status {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    pub counts: cadre_store::Counts,
    /// How writes reach the disk, in words.
    pub durability: String,
}

impl App {
    /// The operations on the database at `url` (`sqlite:PATH` or `postgres://...`), created if
    /// need be and its schema brought up to date.
    pub async fn open(url: &str) -> Result<App, AppError> {
        Ok(App::new(Store::open(url).await?))
    }

    /// The operations on the database at `url`, opened for reading only: what needs no write
    /// works on a database this user may only read; a write is refused by the database.
    pub async fn open_read_only(url: &str) -> Result<App, AppError> {
        Ok(App::new(Store::open_read_only(url).await?))
    }

    /// The same operations, with the warm engine built from the read replica at `url` (see
    /// [`App::with_replica`]).
    pub async fn with_replica_at(self, url: &str) -> Result<App, AppError> {
        let replica = Store::open_read_only(url).await?;
        Ok(self.with_replica(replica))
    }

    /// Closes the database's connections (pending writes are already committed).
    pub async fn close(&self) {
        // The last uses of sign-ins, written before the connections go.
        let _ = self.write_sign_in_uses().await;
        self.store.clone().close().await;
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// How many records of each kind the database holds, and how it writes.
    pub async fn status(&self, actor: &Actor) -> Result<Status, AppError> {
        actor.must(Action::ReadReports)?;
        Ok(Status {
            backend: self.store.backend(),
            counts: self.store.counts().await?,
            durability: self.store.durability().await?,
        })
    }

    /// Copies every record into the database at `target` (ids kept, one transaction there, row
    /// counts checked on both sides). Every person's name and e-mail goes with it: an admin's
    /// to make, and noted in the audit trail as an export before it starts (and again should
    /// it fail), as a backup is.
    pub async fn copy_to(
        &self,
        actor: &Actor,
        target: &str,
        replace: bool,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<(CopyReport, &'static str), AppError> {
        actor.must(Action::ManageUsers)?;
        actor.must(Action::PersonalData)?;
        let to = Store::open(target).await?;
        let named = cadre_core::text::shown(&redacted_url(target), 500);
        self.note_export(actor, "copy", &named).await?;
        let copied = self.store.copy_into(&to, replace, progress).await;
        let backend = to.backend();
        to.close().await;
        match copied {
            Ok(report) => Ok((report, backend)),
            Err(e) => {
                let detail = cadre_core::text::shown(&format!("{named}: {e}"), 500);
                self.audit(
                    &actor.name,
                    &actor.address,
                    "export-failed",
                    "copy",
                    None,
                    &detail,
                )
                .await?;
                Err(e.into())
            }
        }
    }

    /// The data version (raised by every write of records) and the shown version (raised by
    /// every other write a page shows: accounts, tokens, corrections, the audit trail...): a
    /// server's answers kept for one pair are current while neither moves.
    pub async fn versions(&self) -> Result<(i64, i64), AppError> {
        let (data, shown) = self.store.data_and_shown_versions().await?;
        // A sign-in ended, a token revoked or an account changed (here or on another node)
        // raised the shown version: what is held of them is let go.
        self.saw_shown(shown);
        Ok((data, shown))
    }

    /// On PostgreSQL, the versions as other processes commit them (`None` elsewhere: SQLite
    /// is polled).
    pub async fn follow_versions(
        &self,
    ) -> Result<Option<tokio::sync::mpsc::Receiver<i64>>, AppError> {
        Ok(self.store.follow_versions().await?)
    }
}

/// A database address as the audit trail may keep it: a password in it left out.
fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_in_a_database_address_is_left_out() {
        assert_eq!(
            super::redacted_url("postgres://cadre:s3cret@db.example:5432/cadre"),
            "postgres://cadre@db.example:5432/cadre"
        );
        assert_eq!(
            super::redacted_url("sqlite:/srv/cadre.db"),
            "sqlite:/srv/cadre.db"
        );
    }
}
