//! The audit trail as admins read it (filtered, a record's history), its verification, and
//! what is held about one person: exported whole, or their identity erased with their counts
//! kept. Every export and erasure is itself in the trail.

use cadre_core::access::Action;
use cadre_core::audit::{Broken, Entry};
use cadre_store::AuditFilter;

use crate::{clock, Actor, App, AppError};

/// What a verification found in an unbroken trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    /// The last entry's hash: written down elsewhere, it shows later that the trail was not
    /// rebuilt from there.
    pub head: String,
    /// Checkpoints the trail was found to pass through.
    pub checkpoints: usize,
}

impl App {
    /// Entries matching the filter, newest first, older than the `before` cursor.
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Entry>, AppError> {
        actor.must(Action::ManageUsers)?;
        Ok(self.store.audit_entries(filter, before, limit).await?)
    }

    /// A record's history, newest first: to those who may change records.
    pub async fn history(
        &self,
        actor: &Actor,
        kind: &str,
        id: i64,
        limit: i64,
    ) -> Result<Vec<Entry>, AppError> {
        actor.must(Action::EditRecords)?;
        let filter = AuditFilter {
            kind: Some(kind.to_string()),
            record_id: Some(id),
            ..AuditFilter::default()
        };
        Ok(self.store.audit_entries(&filter, None, limit).await?)
    }

    /// Walks the whole trail and names the first entry that was altered, removed or put in,
    /// through every checkpoint the server kept (see [`App::verify_audit_with`]).
    pub async fn verify_audit(&self, actor: &Actor) -> Result<Result<Verified, Broken>, AppError> {
        self.verify_audit_with(actor, &[]).await
    }

    async fn person_with_email(&self, email: &str) -> Result<i64, AppError> {
        self.store.person_id_by_email(email).await?.ok_or_else(|| {
            AppError::Invalid(format!("no participant has the e-mail {}", email.trim()))
        })
    }

    /// Keeps in the audit trail that personal data left cadre some other way than
    /// [`App::export_person`] (an import's rejected rows downloaded, say).
    pub async fn note_export(
        &self,
        actor: &Actor,
        kind: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        self.audit(&actor.name, &actor.address, "exported", kind, None, detail)
            .await
    }

    /// Everything held about the participant with this e-mail, as JSON: their record, what
    /// they attended, and the audit trail's entries about them.
    pub async fn export_person(&self, actor: &Actor, email: &str) -> Result<String, AppError> {
        actor.must(Action::PersonalData)?;
        let id = self.person_with_email(email).await?;
        let p = self.participant(actor, id).await?;
        let attended = self.store.attended(id).await?;
        let history = self.history(actor, "participant", id, 10_000).await?;
        let person = cadre_core::fields::person_fields(&p.record.person);
        let out = serde_json::json!({
            "participant": {
                "id": p.id,
                "version": p.version,
                "fields": person,
                "attendance_records": p.record.attendance,
                "trainings": p.record.trainings,
            },
            "attended": attended.iter().map(|a| serde_json::json!({
                "training_id": a.training_id,
                "training_code": a.code,
                "title": a.title,
                "start": a.start.map(|d| d.to_string()),
                "sessions": a.sessions,
            })).collect::<Vec<_>>(),
            "history": history.iter().map(|e| serde_json::json!({
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "version": e.version,
                "before": e.before,
                "after": e.after,
                "redacted": e.redacted,
            })).collect::<Vec<_>>(),
        });
        self.audit(
            &actor.name,
            &actor.address,
            "exported",
            "participant",
            Some(id),
            "",
        )
        .await?;
        serde_json::to_string_pretty(&out).map_err(|e| AppError::Invalid(e.to_string()))
    }

    /// Removes the identity of the participant with this e-mail (names, e-mail, organisation)
    /// and keeps their counts in every report.
    pub async fn erase_person(&self, actor: &Actor, email: &str) -> Result<i64, AppError> {
        actor.must(Action::PersonalData)?;
        let id = self.person_with_email(email).await?;
        let at = clock::now();
        self.store
            .erase_person(id, actor.stamp(&at))
            .await
            .map_err(crate::records::from_store)?;
        self.wrote();
        self.refresh_person(id).await?;
        Ok(id)
    }
}
