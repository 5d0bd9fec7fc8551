//! The single-record operations: create, read, update and delete trainings, sessions, partners
//! and participants, and merge two records of one person. Each takes the acting person, asks
//! the access rules, checks the typed fields with core's rules (a problem names its field),
//! writes through the store from the version it was read at with the record before and after
//! for the audit trail, and keeps the warm engine current. What every kind does alike is
//! [`Kind`] and the three writes below; each kind's file says only what is its own.

mod participants;
mod partners;
mod sessions;
mod trainings;

use std::collections::BTreeMap;

use cadre_core::access::Action;
use cadre_core::fields::Fields;
use cadre_store::{Dependents, RosterLine, Stamp, Store, StoreError, Versioned};

use crate::{clock, Actor, App, AppError};

pub use participants::{MergePreview, ParticipantPage};

/// A record's fields as the audit trail keeps them, before and after a write.
fn json(fields: &BTreeMap<String, String>) -> String {
    serde_json::to_string(fields).unwrap_or_default()
}

/// A training's attendance as the actor may see it: the lines of participants they see by
/// name, and how many lines there are in all.
#[derive(Debug, Clone)]
pub struct Roster {
    pub lines: Vec<RosterLine>,
    pub total: i64,
    /// Lines left out because the actor sees those participants only in totals.
    pub hidden: i64,
}

/// A store error as the application layer reports it (see `From<StoreError> for AppError`).
pub(crate) fn from_store(e: StoreError) -> AppError {
    AppError::from(e)
}

fn found<T>(kind: &'static str, id: i64, v: Option<T>) -> Result<T, AppError> {
    v.ok_or(AppError::NotFound { kind, id })
}

/// A kind's three store writes, by the store's method names (each kind's are the same calls
/// on its own record type).
macro_rules! store_writes {
    ($rec:ty, $create:ident, $update:ident, $delete:ident) => {
        async fn insert(
            store: &cadre_store::Store,
            rec: &$rec,
            stamp: cadre_store::Stamp<'_>,
        ) -> Result<cadre_store::Versioned<$rec>, cadre_store::StoreError> {
            store.$create(rec, stamp).await
        }

        async fn replace(
            store: &cadre_store::Store,
            id: i64,
            version: i64,
            rec: &$rec,
            stamp: cadre_store::Stamp<'_>,
        ) -> Result<i64, cadre_store::StoreError> {
            store.$update(id, version, rec, stamp).await
        }

        async fn remove(
            store: &cadre_store::Store,
            id: i64,
            version: Option<i64>,
            cascade: bool,
            stamp: cadre_store::Stamp<'_>,
        ) -> Result<cadre_store::Dependents, cadre_store::StoreError> {
            store.$delete(id, version, cascade, stamp).await
        }
    };
}
use store_writes;

/// What a kind of record brings to the writes every kind shares.
pub(crate) trait Kind {
    type Record: Send + Sync;

    /// Its fields as a form shows them (and the audit trail keeps them).
    fn fields(r: &Self::Record) -> BTreeMap<String, String>;

    /// The record as it is, if the actor may read it.
    async fn read(app: &App, actor: &Actor, id: i64) -> Result<Self::Record, AppError>;

    /// The record the fields make, checked.
    async fn check(app: &App, fields: &(impl Fields + Sync)) -> Result<Self::Record, AppError>;

    async fn insert(
        store: &Store,
        rec: &Self::Record,
        stamp: Stamp<'_>,
    ) -> Result<Versioned<Self::Record>, StoreError>;

    async fn replace(
        store: &Store,
        id: i64,
        version: i64,
        rec: &Self::Record,
        stamp: Stamp<'_>,
    ) -> Result<i64, StoreError>;

    async fn remove(
        store: &Store,
        id: i64,
        version: Option<i64>,
        cascade: bool,
        stamp: Stamp<'_>,
    ) -> Result<Dependents, StoreError>;

    /// The start dates of the trainings a write of this record changes (its own for a
    /// training, its training's for a session; none for records outside any period), for the
    /// lock of approved periods.
    async fn starts(
        _app: &App,
        _rec: &Self::Record,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        Ok(Vec::new())
    }

    /// The start dates of other trainings whose figures a change of this record changes (a
    /// participant's counted facts, on every training they attended; a partner's, on every
    /// training naming it): `after` is `None` for a delete.
    async fn counted_in(
        _app: &App,
        _id: i64,
        _before: &Self::Record,
        _after: Option<&Self::Record>,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        Ok(Vec::new())
    }

    /// Keeps the warm engine current after a write: the record before it and after it (`None`
    /// for one created, or deleted).
    async fn follow(
        app: &App,
        id: i64,
        before: Option<&Self::Record>,
        after: Option<&Self::Record>,
    ) -> Result<(), AppError>;
}

impl App {
    async fn lookups(&self) -> Result<cadre_core::Lookups, AppError> {
        Ok(self.store.lookups().await?)
    }

    async fn create<K: Kind>(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<K::Record>, AppError> {
        actor.must(Action::EditRecords)?;
        let rec = K::check(self, fields).await?;
        self.must_be_open(&K::starts(self, &rec).await?).await?;
        let at = clock::now();
        let after = json(&K::fields(&rec));
        let created = K::insert(&self.store, &rec, actor.stamp(&at).after(&after))
            .await
            .map_err(from_store)?;
        self.wrote();
        K::follow(self, created.id, None, Some(&created.record)).await?;
        Ok(created)
    }

    /// Replaces the record with what the fields say, if it is still at `version`.
    async fn update<K: Kind>(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<K::Record>, AppError> {
        actor.must(Action::EditRecords)?;
        let before = K::read(self, actor, id).await?;
        let rec = K::check(self, fields).await?;
        // Neither where it was nor where it goes may be in an approved period.
        let mut starts = K::starts(self, &before).await?;
        starts.extend(K::starts(self, &rec).await?);
        starts.extend(K::counted_in(self, id, &before, Some(&rec)).await?);
        self.must_be_open(&starts).await?;
        let at = clock::now();
        let (was, after) = (json(&K::fields(&before)), json(&K::fields(&rec)));
        let version = K::replace(
            &self.store,
            id,
            version,
            &rec,
            actor.stamp(&at).change(&was, &after),
        )
        .await
        .map_err(from_store)?;
        self.wrote();
        K::follow(self, id, Some(&before), Some(&rec)).await?;
        Ok(Versioned {
            id,
            version,
            record: rec,
        })
    }

    /// Deletes the record (at `version` when one is given); `cascade` takes what depends on
    /// it too.
    async fn delete<K: Kind>(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        actor.must(Action::EditRecords)?;
        let before = K::read(self, actor, id).await?;
        let mut starts = K::starts(self, &before).await?;
        starts.extend(K::counted_in(self, id, &before, None).await?);
        self.must_be_open(&starts).await?;
        let was = json(&K::fields(&before));
        let at = clock::now();
        let gone = K::remove(
            &self.store,
            id,
            version,
            cascade,
            actor.stamp(&at).before(&was),
        )
        .await
        .map_err(from_store)?;
        self.wrote();
        K::follow(self, id, Some(&before), None).await?;
        Ok(gone)
    }
}
