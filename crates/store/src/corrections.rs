//! The store's proposed corrections (migration 0013).

use crate::backend::{postgres, sqlite};
use crate::{Correction, Pool, Result, Stamp, Store};

impl Store {
    /// Keeps a correction proposed to a training at `training_version`; says its id.
    pub async fn create_correction(
        &self,
        training_id: i64,
        training_version: i64,
        fields: &str,
        note: &str,
        stamp: Stamp<'_>,
    ) -> Result<i64> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            corrections::create(
                training_id,
                training_version,
                fields,
                note,
                stamp.keyed(&key)
            )
        )
    }

    /// Corrections, the newest first (only pending ones, only one proposer's, when asked).
    pub async fn corrections(
        &self,
        pending_only: bool,
        proposed_by: Option<&str>,
    ) -> Result<Vec<Correction>> {
        on_backend!(self, corrections::list(pending_only, proposed_by))
    }

    pub async fn correction(&self, id: i64) -> Result<Option<Correction>> {
        on_backend!(self, corrections::find(id))
    }

    /// Accepts or rejects a pending correction (`Conflict` if it was reviewed already).
    pub async fn review_correction(
        &self,
        id: i64,
        accepted: bool,
        reason: &str,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            corrections::review(id, accepted, reason, stamp.keyed(&key))
        )
    }
}
