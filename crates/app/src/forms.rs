//! The forms pages show before anything is written: each opened by an operation that says
//! whether the actor may use it (and, for an edit, reads the record as they may read it), so
//! that a page offers a form only to those whose save would be accepted.

use cadre_core::access::Action;
use cadre_core::{PartnerRecord, TrainingRecord};
use cadre_store::{Participant, Versioned};

use crate::{Actor, App, AppError};

/// A form that shows no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    NewTraining,
    NewPartner,
    /// The quality rules' settings.
    QualityRules,
    /// Exporting or erasing a participant's personal data.
    PersonalData,
    /// A file to import.
    Import,
    /// The agency's name, logo, colours, time zone and date style.
    Agency,
}

impl Form {
    /// What the form's save needs.
    fn action(self) -> Action {
        match self {
            Form::NewTraining | Form::NewPartner => Action::EditRecords,
            Form::QualityRules | Form::Agency => Action::ManageUsers,
            Form::PersonalData => Action::PersonalData,
            Form::Import => Action::Import,
        }
    }
}

impl App {
    /// Whether the actor may use the form (its save would not be refused for their role).
    pub fn open_form(&self, actor: &Actor, form: Form) -> Result<(), AppError> {
        actor.must(form.action())
    }

    /// A training for its edit form (or its delete's confirmation).
    pub async fn training_to_edit(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        actor.must(Action::EditRecords)?;
        let t = self.training(actor, id).await?;
        // A training of an approved period says why it cannot be changed, before any form.
        if let Some(why) = self.lock_of(t.record.start).await? {
            return Err(AppError::Locked(why));
        }
        Ok(t)
    }

    /// A training for a partner's form proposing a correction to it.
    pub async fn training_to_correct(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        actor.must(Action::ProposeCorrection)?;
        self.training(actor, id).await
    }

    pub async fn partner_to_edit(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        actor.must(Action::EditRecords)?;
        self.partner(actor, id).await
    }

    pub async fn participant_to_edit(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<Participant>, AppError> {
        actor.must(Action::EditRecords)?;
        self.participant(actor, id).await
    }
}
