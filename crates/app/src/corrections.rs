//! Corrections a partner agency proposes to its trainings, and a coordinator's review: an
//! accepted one becomes the training (as an edit by the reviewer, from the version it was
//! proposed at, so a training changed since is not silently overwritten); a rejected one
//! keeps its reason. A partner sees its own proposals; coordinators and admins all of them.

use std::collections::BTreeMap;

use cadre_core::access::Action;
use cadre_core::fields::{self, Fields};
use cadre_store::Correction;

use crate::{clock, Actor, App, AppError};

impl App {
    /// Proposes that the training become what the fields say, with a note of why.
    pub async fn propose_correction(
        &self,
        actor: &Actor,
        training: i64,
        fields: &(impl Fields + Sync),
        note: &str,
    ) -> Result<i64, AppError> {
        actor.must(Action::ProposeCorrection)?;
        let current = self.training(actor, training).await?;
        let rec = self.check_training(fields).await?;
        let json = serde_json::to_string(&fields::training_fields(&rec)).unwrap_or_default();
        let at = clock::now();
        let note = crate::bounded_text("the note", note, 2000)?;
        Ok(self
            .store
            .create_correction(training, current.version, &json, note, actor.stamp(&at))
            .await?)
    }

    /// Corrections, the newest first: a partner's own, or all of them to a reviewer.
    pub async fn corrections(
        &self,
        actor: &Actor,
        pending_only: bool,
    ) -> Result<Vec<Correction>, AppError> {
        if actor.may(Action::ReviewCorrection) {
            return Ok(self.store.corrections(pending_only, None).await?);
        }
        actor.must(Action::ProposeCorrection)?;
        Ok(self
            .store
            .corrections(pending_only, Some(&actor.name))
            .await?)
    }

    async fn pending(&self, id: i64) -> Result<Correction, AppError> {
        let c = self.store.correction(id).await?.ok_or(AppError::NotFound {
            kind: "correction",
            id,
        })?;
        if c.status != "pending" {
            return Err(AppError::Invalid(format!(
                "correction {id} was {} already",
                c.status
            )));
        }
        Ok(c)
    }

    /// Accepts a correction: the training becomes what was proposed, if it is still at the
    /// version the proposal was made from (else `Conflict`, and the correction stays pending).
    pub async fn accept_correction(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        actor.must(Action::ReviewCorrection)?;
        let c = self.pending(id).await?;
        let proposed: BTreeMap<String, String> = serde_json::from_str(&c.fields)
            .map_err(|e| AppError::Invalid(format!("correction {id} cannot be read: {e}")))?;
        self.update_training(actor, c.training_id, c.training_version, &proposed)
            .await?;
        let at = clock::now();
        self.store
            .review_correction(id, true, "", actor.stamp(&at))
            .await
            .map_err(crate::records::from_store)
    }

    /// Rejects a correction, saying why.
    pub async fn reject_correction(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        actor.must(Action::ReviewCorrection)?;
        self.pending(id).await?;
        let reason = crate::bounded_text("the reason", reason, 2000)?;
        if reason.is_empty() {
            return Err(AppError::Invalid(
                "say why it is rejected: the partner reads it".into(),
            ));
        }
        let at = clock::now();
        self.store
            .review_correction(id, false, reason, actor.stamp(&at))
            .await
            .map_err(crate::records::from_store)
    }
}
