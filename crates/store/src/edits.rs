//! Single-record reads and writes of trainings, sessions, partners and participants, with ids
//! and versions: what a form or an API call does, as against an import's bulk upserts.

use cadre_core::report::{PartnerInfo, Period, PersonFacts, TrainingFacts};
use cadre_core::{PartnerRecord, PersonRecord, PublishedFigure, SessionRecord, TrainingRecord};

use crate::backend::{postgres, sqlite};
use crate::types::{
    Dependents, Participant, PersonAttendance, PersonCursor, RosterLine, Stamp, Versioned,
};
use crate::{Pool, Result, Store};

impl Store {
    /// A number raised by every write that changes records (an import, an edit): equal numbers
    /// mean equal records, so it serves as the ETag of everything shown from them.
    pub async fn data_version(&self) -> Result<i64> {
        on_backend!(self, edit::data_version())
    }

    /// The records' version and the version of what pages show besides them (accounts,
    /// tokens, corrections, publications), read together: what an answer cached for them
    /// depends on.
    pub async fn data_and_shown_versions(&self) -> Result<(i64, i64)> {
        on_backend!(self, edit::both_versions())
    }

    /// The data versions other processes' writes make, as they commit: on PostgreSQL, where
    /// several cadre processes may serve one database, a task listens on the schema's channel
    /// and sends each version announced (after a lost connection it reconnects and sends the
    /// version read then, as some may have passed unheard). `None` on SQLite, whose single
    /// machine is followed by reading the data version. The task ends when the receiver is
    /// dropped.
    pub async fn follow_versions(&self) -> Result<Option<tokio::sync::mpsc::Receiver<i64>>> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(None),
            Pool::Postgres(p) => postgres::edit_follow::follow(p).await.map(Some),
        }
    }

    pub async fn training_by_id(&self, id: i64) -> Result<Option<Versioned<TrainingRecord>>> {
        on_backend!(self, edit::training(id))
    }

    pub async fn training_id(&self, code: &str) -> Result<Option<i64>> {
        on_backend!(self, edit::training_id(code))
    }

    /// Trainings in id order after `after`, at most `limit` (a page of the API's list).
    pub async fn trainings_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<TrainingRecord>>> {
        on_backend!(self, edit::trainings_after(after, limit))
    }

    pub async fn create_training(
        &self,
        rec: &TrainingRecord,
        stamp: Stamp<'_>,
    ) -> Result<Versioned<TrainingRecord>> {
        let key = self.audit_key()?;
        on_backend!(self, edit::create_training(rec, stamp.keyed(&key)))
    }

    /// Replaces the training if it is still at `version` (else `Conflict`); returns the new
    /// version.
    pub async fn update_training(
        &self,
        id: i64,
        version: i64,
        rec: &TrainingRecord,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit::update_training(id, version, rec, stamp.keyed(&key))
        )
    }

    /// Deletes a training; it must be at `version` when one is given. One with sessions or
    /// attendance is refused (`InUse`, saying what) unless `cascade` says to delete them too.
    pub async fn delete_training(
        &self,
        id: i64,
        version: Option<i64>,
        cascade: bool,
        stamp: Stamp<'_>,
    ) -> Result<Dependents> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit::delete_training(id, version, cascade, stamp.keyed(&key))
        )
    }

    pub async fn session_by_id(&self, id: i64) -> Result<Option<Versioned<SessionRecord>>> {
        on_backend!(self, edit_sessions::session(id))
    }

    /// A training's sessions with their ids and versions, in date order.
    pub async fn sessions_of(&self, training_id: i64) -> Result<Vec<Versioned<SessionRecord>>> {
        on_backend!(self, edit_sessions::sessions_of(training_id))
    }

    pub async fn sessions_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<SessionRecord>>> {
        on_backend!(self, edit_sessions::sessions_after(after, limit))
    }

    pub async fn create_session(
        &self,
        rec: &SessionRecord,
        stamp: Stamp<'_>,
    ) -> Result<Versioned<SessionRecord>> {
        let key = self.audit_key()?;
        on_backend!(self, edit_sessions::create_session(rec, stamp.keyed(&key)))
    }

    pub async fn update_session(
        &self,
        id: i64,
        version: i64,
        rec: &SessionRecord,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_sessions::update_session(id, version, rec, stamp.keyed(&key))
        )
    }

    pub async fn delete_session(
        &self,
        id: i64,
        version: Option<i64>,
        cascade: bool,
        stamp: Stamp<'_>,
    ) -> Result<Dependents> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_sessions::delete_session(id, version, cascade, stamp.keyed(&key))
        )
    }

    pub async fn partner_by_id(&self, id: i64) -> Result<Option<Versioned<PartnerRecord>>> {
        on_backend!(self, edit_partners::partner(id))
    }

    pub async fn partners_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<PartnerRecord>>> {
        on_backend!(self, edit_partners::partners_after(after, limit))
    }

    pub async fn create_partner(
        &self,
        rec: &PartnerRecord,
        stamp: Stamp<'_>,
    ) -> Result<Versioned<PartnerRecord>> {
        let key = self.audit_key()?;
        on_backend!(self, edit_partners::create_partner(rec, stamp.keyed(&key)))
    }

    pub async fn update_partner(
        &self,
        id: i64,
        version: i64,
        rec: &PartnerRecord,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_partners::update_partner(id, version, rec, stamp.keyed(&key))
        )
    }

    /// Deletes a partner; one named by trainings or parent of programmes is refused unless
    /// `cascade`, which leaves those trainings without it and those programmes without a parent.
    pub async fn delete_partner(
        &self,
        id: i64,
        version: Option<i64>,
        cascade: bool,
        stamp: Stamp<'_>,
    ) -> Result<Dependents> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_partners::delete_partner(id, version, cascade, stamp.keyed(&key))
        )
    }

    pub async fn person_by_id(&self, id: i64) -> Result<Option<Versioned<Participant>>> {
        on_backend!(self, edit_persons::person(id))
    }

    /// Participants in id order after `after`, at most `limit`; with `search`, those whose name
    /// or e-mail holds it (case and accents aside); with `countries`, only those of one of them.
    pub async fn persons_after(
        &self,
        search: Option<&str>,
        countries: Option<&[String]>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<Participant>>> {
        on_backend!(self, find_persons::persons(search, countries, after, limit))
    }

    /// A page of persons from a cursor (after an id, or before one), in id order.
    pub async fn persons_from(
        &self,
        search: Option<&str>,
        countries: Option<&[String]>,
        cursor: PersonCursor,
        limit: i64,
    ) -> Result<Vec<Versioned<Participant>>> {
        on_backend!(
            self,
            find_persons::persons_from(search, countries, cursor, limit)
        )
    }

    /// The names of these persons: (id, given name, family name); ids not held are left out.
    pub async fn person_names(&self, ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
        on_backend!(self, find_persons::names(ids))
    }

    /// How many persons a search (and a focal point's countries) matches.
    pub async fn count_persons(
        &self,
        search: Option<&str>,
        countries: Option<&[String]>,
    ) -> Result<i64> {
        on_backend!(self, find_persons::count_persons(search, countries))
    }

    /// The participant with this e-mail, if any.
    pub async fn person_id_by_email(&self, email: &str) -> Result<Option<i64>> {
        on_backend!(self, edit_persons::person_id_by_email(email))
    }

    /// Removes a participant's identity and keeps their counts; says the new version.
    pub async fn erase_person(&self, id: i64, stamp: Stamp<'_>) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(self, edit_persons::erase_person(id, stamp.keyed(&key)))
    }

    /// The trainings a person attended, newest first.
    pub async fn attended(&self, id: i64) -> Result<Vec<PersonAttendance>> {
        on_backend!(self, edit_persons::attended(id))
    }

    pub async fn update_person(
        &self,
        id: i64,
        version: i64,
        rec: &PersonRecord,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_persons::update_person(id, version, rec, stamp.keyed(&key))
        )
    }

    pub async fn delete_person(
        &self,
        id: i64,
        version: Option<i64>,
        cascade: bool,
        stamp: Stamp<'_>,
    ) -> Result<Dependents> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_persons::delete_person(id, version, cascade, stamp.keyed(&key))
        )
    }

    /// Merges participant `other` into `kept`, which becomes `merged`; both at the versions the
    /// merge was previewed at. Returns `kept`'s new version.
    pub async fn merge_persons(
        &self,
        (kept, kept_version): (i64, i64),
        (other, other_version): (i64, i64),
        merged: &PersonRecord,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            edit_persons::merge_persons(
                kept,
                kept_version,
                other,
                other_version,
                merged,
                stamp.keyed(&key)
            )
        )
    }

    /// One training as the report engine holds it (record, sessions, attendees).
    pub async fn training_facts(&self, id: i64) -> Result<Option<TrainingFacts>> {
        on_backend!(self, report::training_facts(id))
    }

    /// What the report needs of one person.
    pub async fn person_facts(&self, id: i64) -> Result<Option<PersonFacts>> {
        on_backend!(self, report::person_facts(id))
    }

    /// What the report needs of each of these persons (`None` for one no longer held).
    pub async fn persons_facts(&self, ids: &[i64]) -> Result<Vec<(i64, Option<PersonFacts>)>> {
        on_backend!(self, report::persons_facts(ids))
    }

    /// The figures published for exactly this period.
    pub async fn published(&self, period: Period) -> Result<Vec<PublishedFigure>> {
        on_backend!(self, report::published(period))
    }

    /// The partners' names and short names.
    pub async fn partner_names(&self) -> Result<Vec<PartnerInfo>> {
        on_backend!(self, report::partners())
    }

    /// A training's attendance, one line per person and session, by name; at most `limit`
    /// lines, and how many there are in all.
    pub async fn roster(&self, training_id: i64, limit: i64) -> Result<(Vec<RosterLine>, i64)> {
        on_backend!(self, edit_persons::roster(training_id, limit))
    }

    /// Records a participant entered by hand.
    pub async fn create_person(
        &self,
        rec: &PersonRecord,
        stamp: Stamp<'_>,
    ) -> Result<Versioned<PersonRecord>> {
        let key = self.audit_key()?;
        on_backend!(self, edit_persons::create_person(rec, stamp.keyed(&key)))
    }

    /// The current versions of these records; `table` is one of `trainings`, `sessions`,
    /// `partners`, `persons`.
    pub async fn versions(
        &self,
        table: &'static str,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, i64>> {
        assert!(
            ["trainings", "sessions", "partners", "persons"].contains(&table),
            "versions of {table}"
        );
        on_backend!(self, edit::versions(table, ids))
    }
}
