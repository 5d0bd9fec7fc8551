//! One import's transaction, as the layers above drive it: the store writes records (upserts by
//! stable key that say created / updated / unchanged) and resolved attendance batches, keeps
//! its report cache current, and commits or rolls back; reading and checking the file is the
//! import layer's, the pipeline between them the application layer's.

use cadre_core::{
    AttendanceRecord, DepartmentRecord, Lookups, PartnerRecord, PublishedRecord, SessionRecord,
    TrainingRecord,
};

use crate::backend::{postgres, sqlite};
use crate::types::{BatchCounts, Changed, Outcome, RemovedRecord};
use crate::{Pool, Result, Store};

enum Writer {
    Sqlite(sqlite::write::Writer),
    Postgres(postgres::write::Writer),
}

/// An import in progress: nothing it writes is seen by others until [`ImportTx::commit`], and
/// nothing stays if it is dropped or rolled back.
pub struct ImportTx {
    w: Writer,
    /// The audit trail's key, for the import's entry.
    key: std::sync::Arc<cadre_core::audit::Key>,
}

/// Works out who each attendance row's person is, against every person of the store, on the
/// thread that reads the file (see DEVELOPERS.md, "Bulk attendance import").
pub struct PersonResolver(ResolverInner);

enum ResolverInner {
    Sqlite(sqlite::resolve::Resolver),
    Postgres(postgres::resolve::Resolver),
}

/// A batch of attendance rows resolved to ids, for [`ImportTx::attendance_batch`].
pub struct AttendanceBatch(BatchInner);

enum BatchInner {
    Sqlite(sqlite::resolve::Resolved),
    Postgres(postgres::resolve::Resolved),
}

/// Attendance records a roster replacement removed (training, person, session key).
pub struct Removed(Vec<(i64, i64, i64)>);

impl Removed {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Runs the same method on the writer of whichever database the import is on.
macro_rules! on_writer {
    ($self:expr, $w:ident => $call:expr) => {
        match &mut $self.w {
            Writer::Sqlite($w) => $call.await,
            Writer::Postgres($w) => $call.await,
        }
    };
}

impl Store {
    /// Begins an import; `bulk` for one that may write millions of rows (attendance). SQLite
    /// imports take the write lock at once and wait their turn for it.
    pub async fn begin_import(&self, bulk: bool) -> Result<ImportTx> {
        let key = self.audit_key()?;
        let w = match &self.pool {
            Pool::Sqlite(p) => Writer::Sqlite(sqlite::write::Writer::begin(p, bulk).await?),
            Pool::Postgres(p) => Writer::Postgres(postgres::write::Writer::begin(p, bulk).await?),
        };
        Ok(ImportTx { w, key })
    }
}

impl ImportTx {
    /// What the rows of a file are checked against: partners, departments, trainings and
    /// their sessions, as this transaction sees them.
    pub async fn lookups(&mut self) -> Result<Lookups> {
        on_writer!(self, w => w.lookups())
    }

    pub async fn department(&mut self, rec: &DepartmentRecord) -> Result<Outcome> {
        on_writer!(self, w => w.department(rec))
    }

    /// Partners, written together since a parent may come after its programme.
    pub async fn partners(&mut self, recs: &[PartnerRecord]) -> Result<Vec<Outcome>> {
        on_writer!(self, w => w.partners(recs))
    }

    /// Writes a training; `keep_summary` when the file has no `summary` column, so that a
    /// training already kept keeps its own.
    pub async fn training(&mut self, rec: &TrainingRecord, keep_summary: bool) -> Result<Outcome> {
        on_writer!(self, w => w.training(rec, keep_summary))
    }

    /// Whether writing the training would change nothing the store holds.
    pub async fn training_unchanged(
        &mut self,
        rec: &TrainingRecord,
        keep_summary: bool,
    ) -> Result<bool> {
        on_writer!(self, w => async { Ok(w.as_written(rec, keep_summary).await?.1) })
    }

    /// Whether writing the session would change nothing the store holds.
    pub async fn session_unchanged(&mut self, rec: &SessionRecord) -> Result<bool> {
        on_writer!(self, w => w.session_unchanged(rec))
    }

    pub async fn session(&mut self, rec: &SessionRecord) -> Result<Outcome> {
        on_writer!(self, w => w.session(rec))
    }

    pub async fn published(&mut self, rec: &PublishedRecord) -> Result<Vec<Outcome>> {
        on_writer!(self, w => w.published(rec))
    }

    /// The resolver for this import's attendance rows; `replace_roster` makes the import
    /// the whole roster of each training it names.
    pub async fn resolver(&mut self, replace_roster: bool) -> Result<PersonResolver> {
        Ok(PersonResolver(match &mut self.w {
            Writer::Sqlite(w) => ResolverInner::Sqlite(w.resolver(replace_roster).await?),
            Writer::Postgres(w) => ResolverInner::Postgres(w.resolver(replace_roster).await?),
        }))
    }

    /// Writes one resolved batch (from this import's own resolver).
    pub async fn attendance_batch(&mut self, batch: &AttendanceBatch) -> Result<BatchCounts> {
        match (&mut self.w, &batch.0) {
            (Writer::Sqlite(w), BatchInner::Sqlite(b)) => w.attendance_batch(b).await,
            (Writer::Postgres(w), BatchInner::Postgres(b)) => w.attendance_batch(b).await,
            _ => Err(crate::StoreError::Fault(
                "an attendance batch of one database was handed to the other".to_string(),
            )),
        }
    }

    /// Ends the attendance, once every batch is in: the last training's rows, and with a
    /// roster replacement the records no row named, removed.
    pub async fn finish_attendance(&mut self) -> Result<(BatchCounts, Removed)> {
        let (counts, removed) = on_writer!(self, w => w.finish_attendance())?;
        Ok((counts, Removed(removed)))
    }

    /// Removed records as a coordinator knows them: training code, session date, person.
    pub async fn describe(&mut self, removed: &Removed) -> Result<Vec<RemovedRecord>> {
        on_writer!(self, w => w.describe(&removed.0))
    }

    /// What the rows change of participants already known (who, which field, from, to).
    pub fn person_changes(&self) -> crate::PersonChanges {
        match &self.w {
            Writer::Sqlite(w) => w.person_changes(),
            Writer::Postgres(w) => w.person_changes(),
        }
    }

    /// Changes the rows would make to the counted facts (gender, country, department) of
    /// participants who attended a training `locked` says is in an approved period; ask
    /// before [`ImportTx::write_merged`]. At most `limit` participants.
    pub async fn locked_changes(
        &mut self,
        locked: &(dyn Fn(&str) -> bool + Sync),
        limit: usize,
    ) -> Result<Vec<crate::LockedChange>> {
        on_writer!(self, w => w.locked_changes(locked, limit))
    }

    /// Writes the import's history row in its transaction: committed, it is in the history.
    pub async fn record_history(&mut self, record: &crate::ImportRecord) -> Result<i64> {
        on_writer!(self, w => w.record_history(record))
    }

    /// Writes what the rows taught about persons already known, once per person.
    pub async fn write_merged(&mut self) -> Result<()> {
        on_writer!(self, w => w.write_merged())
    }

    /// Brings the report cache up to date for what this import touched.
    pub async fn refresh_report_cache(&mut self) -> Result<()> {
        on_writer!(self, w => w.refresh_report_cache())
    }

    /// After a large import: fresh planner statistics (PostgreSQL).
    pub async fn after_large_import(&mut self) -> Result<()> {
        match &mut self.w {
            Writer::Sqlite(w) => sqlite::after_import(&mut w.tx).await,
            Writer::Postgres(w) => postgres::after_import(&mut w.tx).await,
        }
    }

    /// Commits the import, raising the data version (pages and API answers made before it
    /// are no longer current). Says what it changed, for a warm report engine to take.
    /// Appends an entry to the audit trail in this transaction: it lands with the import.
    pub async fn note(&mut self, mut entry: cadre_core::audit::Entry) -> Result<()> {
        match &mut self.w {
            Writer::Sqlite(w) => sqlite::audit::append(&mut w.tx, &mut entry, &self.key).await,
            Writer::Postgres(w) => postgres::audit::append(&mut w.tx, &mut entry, &self.key).await,
        }
    }

    pub async fn commit(self) -> Result<Changed> {
        let changed = match self.w {
            Writer::Sqlite(mut w) => {
                let version = sqlite::edit::bump(&mut w.tx).await?;
                let changed = w.take_changes(version);
                w.tx.commit().await?;
                changed
            }
            Writer::Postgres(mut w) => {
                let version = postgres::edit::bump(&mut w.tx).await?;
                let changed = w.take_changes(version);
                w.tx.commit().await?;
                changed
            }
        };
        Ok(changed)
    }

    pub async fn rollback(self) -> Result<()> {
        match self.w {
            Writer::Sqlite(w) => w.tx.rollback().await?,
            Writer::Postgres(w) => w.tx.rollback().await?,
        }
        Ok(())
    }
}

impl PersonResolver {
    /// Rows resolved and not yet taken.
    pub fn rows(&self) -> usize {
        match &self.0 {
            ResolverInner::Sqlite(r) => r.rows(),
            ResolverInner::Postgres(r) => r.rows(),
        }
    }

    /// Resolves a group of rows together (their persons are looked up at once, so that the
    /// waits on memory overlap).
    pub fn add_all(&mut self, recs: &[AttendanceRecord]) {
        match &mut self.0 {
            ResolverInner::Sqlite(r) => r.add_all(recs),
            ResolverInner::Postgres(r) => r.add_all(recs),
        }
    }

    /// The rows resolved so far, as a batch to write.
    pub fn take(&mut self) -> AttendanceBatch {
        AttendanceBatch(match &mut self.0 {
            ResolverInner::Sqlite(r) => BatchInner::Sqlite(r.take()),
            ResolverInner::Postgres(r) => BatchInner::Postgres(r.take()),
        })
    }
}
