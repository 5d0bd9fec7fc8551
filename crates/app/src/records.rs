//! The single-record operations: create, read, update and delete trainings, sessions, partners
//! and participants, and merge two records of one person. Each takes the acting person, checks
//! the typed fields with core's rules (a problem names its field), writes through the store
//! from the version it was read at, and keeps the warm engine current.

use cadre_core::fields::{self, Fields};
use cadre_core::validate::FieldProblem;
use cadre_core::{PartnerRecord, PersonRecord, SessionRecord, TrainingRecord};
use cadre_store::{Dependents, Participant, PersonAttendance, Stamp, StoreError, Versioned};

use crate::{clock, Actor, App, AppError};

/// A store error as the application layer reports it: a duplicate, an unknown name or a fixed
/// field is a problem of the field it concerns, so a form shows it there.
pub(crate) fn from_store(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound { kind, id } => AppError::NotFound { kind, id },
        StoreError::Conflict {
            kind,
            id,
            yours,
            current,
        } => AppError::Conflict {
            kind,
            id,
            yours,
            current,
        },
        StoreError::InUse {
            kind,
            id,
            dependents,
        } => AppError::InUse {
            kind,
            id,
            dependents,
        },
        StoreError::Duplicate {
            kind,
            field,
            value,
            other,
        } => AppError::Fields(vec![FieldProblem {
            field,
            code: "duplicate",
            message: format!("\"{value}\" is already {kind} {other}'s"),
        }]),
        StoreError::Unknown { field, value } => AppError::Fields(vec![FieldProblem {
            field,
            code: "unknown",
            message: format!("there is no \"{value}\" (it may have just been deleted)"),
        }]),
        StoreError::Fixed { field, why } => AppError::Fields(vec![FieldProblem {
            field,
            code: "fixed",
            message: why.to_string(),
        }]),
        other => AppError::Store(other),
    }
}

fn found<T>(kind: &'static str, id: i64, v: Option<T>) -> Result<T, AppError> {
    v.ok_or(AppError::NotFound { kind, id })
}

impl App {
    fn stamp<'a>(actor: &'a Actor, at: &'a str) -> Stamp<'a> {
        Stamp {
            actor: &actor.name,
            at,
        }
    }

    async fn lookups(&self) -> Result<cadre_core::Lookups, AppError> {
        Ok(self.store.lookups().await?)
    }

    // ---- trainings ----

    pub async fn training(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        found("training", id, self.store.training_by_id(id).await?)
    }

    /// Checks a training's fields without writing anything (a form's preview, a conflict's
    /// re-application).
    pub async fn check_training(
        &self,
        fields: &(impl Fields + Sync),
    ) -> Result<TrainingRecord, AppError> {
        let lookups = self.lookups().await?;
        fields::training(fields, &lookups).map_err(AppError::Fields)
    }

    pub async fn create_training(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        let rec = self.check_training(fields).await?;
        let at = clock::now();
        let created = self
            .store
            .create_training(&rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_training(created.id).await?;
        Ok(created)
    }

    /// Replaces a training with what the fields say, if it is still at `version`.
    pub async fn update_training(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        let rec = self.check_training(fields).await?;
        let at = clock::now();
        let version = self
            .store
            .update_training(id, version, &rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_training(id).await?;
        Ok(Versioned {
            id,
            version,
            record: rec,
        })
    }

    pub async fn delete_training(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        let at = clock::now();
        let gone = self
            .store
            .delete_training(id, version, cascade, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_training(id).await?;
        Ok(gone)
    }

    // ---- sessions ----

    pub async fn session(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<Versioned<SessionRecord>, AppError> {
        found("session", id, self.store.session_by_id(id).await?)
    }

    async fn check_session(
        &self,
        fields: &(impl Fields + Sync),
    ) -> Result<(SessionRecord, i64), AppError> {
        let mut lookups = self.lookups().await?;
        let code = fields.get("training_code").unwrap_or("").trim().to_string();
        let training = self.store.training_id(&code).await?;
        if training.is_some() {
            lookups.add_training(&code);
        }
        let rec = fields::session(fields, &lookups).map_err(AppError::Fields)?;
        Ok((rec, training.unwrap_or(0)))
    }

    pub async fn create_session(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<SessionRecord>, AppError> {
        let (rec, training) = self.check_session(fields).await?;
        let at = clock::now();
        let created = self
            .store
            .create_session(&rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_training(training).await?;
        Ok(created)
    }

    pub async fn update_session(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<SessionRecord>, AppError> {
        let (rec, training) = self.check_session(fields).await?;
        let at = clock::now();
        let version = self
            .store
            .update_session(id, version, &rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_training(training).await?;
        Ok(Versioned {
            id,
            version,
            record: rec,
        })
    }

    pub async fn delete_session(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        let session = self.session(actor, id).await?;
        let training = self
            .store
            .training_id(&session.record.training_code)
            .await?;
        let at = clock::now();
        let gone = self
            .store
            .delete_session(id, version, cascade, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        if let Some(training) = training {
            self.refresh_training(training).await?;
        }
        Ok(gone)
    }

    // ---- partners ----

    pub async fn partner(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        found("partner", id, self.store.partner_by_id(id).await?)
    }

    pub async fn create_partner(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        let lookups = self.lookups().await?;
        let rec = fields::partner(fields, &lookups).map_err(AppError::Fields)?;
        let at = clock::now();
        let created = self
            .store
            .create_partner(&rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_partners(None).await?;
        Ok(created)
    }

    pub async fn update_partner(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        let before = self.partner(actor, id).await?;
        let lookups = self.lookups().await?;
        let rec = fields::partner(fields, &lookups).map_err(AppError::Fields)?;
        let at = clock::now();
        let version = self
            .store
            .update_partner(id, version, &rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_partners(Some(&before.record.name)).await?;
        Ok(Versioned {
            id,
            version,
            record: rec,
        })
    }

    pub async fn delete_partner(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        let before = self.partner(actor, id).await?;
        let at = clock::now();
        let gone = self
            .store
            .delete_partner(id, version, cascade, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_partners(Some(&before.record.name)).await?;
        Ok(gone)
    }

    // ---- participants ----

    pub async fn participant(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<Versioned<Participant>, AppError> {
        found("participant", id, self.store.person_by_id(id).await?)
    }

    /// Participants in id order after `after`; with `search`, those whose name or e-mail holds
    /// it.
    pub async fn participants(
        &self,
        _actor: &Actor,
        search: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<Participant>>, AppError> {
        Ok(self.store.persons_after(search, after, limit).await?)
    }

    pub async fn attended(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<Vec<PersonAttendance>, AppError> {
        Ok(self.store.attended(id).await?)
    }

    pub async fn check_participant(
        &self,
        fields: &(impl Fields + Sync),
    ) -> Result<PersonRecord, AppError> {
        let lookups = self.lookups().await?;
        fields::person(fields, &lookups).map_err(AppError::Fields)
    }

    pub async fn create_participant(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PersonRecord>, AppError> {
        let rec = self.check_participant(fields).await?;
        let at = clock::now();
        let created = self
            .store
            .create_person(&rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_person(created.id).await?;
        Ok(created)
    }

    pub async fn update_participant(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PersonRecord>, AppError> {
        let rec = self.check_participant(fields).await?;
        let at = clock::now();
        let version = self
            .store
            .update_person(id, version, &rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_person(id).await?;
        Ok(Versioned {
            id,
            version,
            record: rec,
        })
    }

    pub async fn delete_participant(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        let trainings = self.store.attended(id).await?;
        let at = clock::now();
        let gone = self
            .store
            .delete_person(id, version, cascade, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_person(id).await?;
        for t in trainings {
            self.refresh_training(t.training_id).await?;
        }
        Ok(gone)
    }

    /// What merging `other` into `kept` would give, for a person to confirm or correct.
    pub async fn merge_preview(
        &self,
        actor: &Actor,
        kept: i64,
        other: i64,
    ) -> Result<MergePreview, AppError> {
        let kept = self.participant(actor, kept).await?;
        let other = self.participant(actor, other).await?;
        let merged = cadre_core::person::merge(&kept.record.person, &other.record.person);
        Ok(MergePreview {
            kept,
            other,
            merged,
        })
    }

    /// Merges `other` into `kept` (each at the version the preview showed); `kept` becomes what
    /// the fields say.
    pub async fn merge_participants(
        &self,
        actor: &Actor,
        kept: (i64, i64),
        other: (i64, i64),
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PersonRecord>, AppError> {
        let rec = self.check_participant(fields).await?;
        let at = clock::now();
        let version = self
            .store
            .merge_persons(kept, other, &rec, Self::stamp(actor, &at))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_person(other.0).await?;
        self.refresh_person(kept.0).await?;
        for t in self.store.attended(kept.0).await? {
            self.refresh_training(t.training_id).await?;
        }
        Ok(Versioned {
            id: kept.0,
            version,
            record: rec,
        })
    }
}

/// Two records of one person and the record they would become.
#[derive(Debug, Clone)]
pub struct MergePreview {
    pub kept: Versioned<Participant>,
    pub other: Versioned<Participant>,
    pub merged: PersonRecord,
}
