//! The single-record operations: create, read, update and delete trainings, sessions, partners
//! and participants, and merge two records of one person. Each takes the acting person, checks
//! the typed fields with core's rules (a problem names its field), writes through the store
//! from the version it was read at, and keeps the warm engine current.

use std::collections::BTreeMap;

use cadre_core::access::{Action, Sight};
use cadre_core::fields::{self, Fields};
use cadre_core::validate::FieldProblem;
use cadre_core::{PartnerRecord, PersonRecord, SessionRecord, TrainingRecord};
use cadre_store::{Dependents, Participant, PersonAttendance, RosterLine, StoreError, Versioned};

use crate::{clock, Actor, App, AppError};

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
    async fn lookups(&self) -> Result<cadre_core::Lookups, AppError> {
        Ok(self.store.lookups().await?)
    }

    // ---- trainings ----

    pub async fn training(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        actor.must(Action::ReadReports)?;
        let t = found("training", id, self.store.training_by_id(id).await?)?;
        self.must_see_training(actor, id, &t.record).await?;
        Ok(t)
    }

    /// Trainings in id order after `after`, at most `limit`, as the actor may read them, with
    /// their versions.
    pub async fn trainings_after(
        &self,
        actor: &Actor,
        query: &cadre_core::listing::Query,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<TrainingRecord>>, AppError> {
        actor.must(Action::ReadReports)?;
        let mut query = query.clone();
        query.scope = self.partner_scope(actor).await?;
        self.catch_up().await?;
        let mut hits: Vec<(i64, TrainingRecord)> = match self.engine() {
            Some(engine) => {
                let mut ids: Vec<&cadre_core::report::TrainingFacts> =
                    cadre_core::listing::filter(engine.trainings(), &query)
                        .into_iter()
                        .filter(|t| t.id > after)
                        .collect();
                ids.sort_by_key(|t| t.id);
                ids.truncate(usize::try_from(limit).unwrap_or(0));
                ids.into_iter().map(|t| (t.id, t.record.clone())).collect()
            }
            None => Vec::new(),
        };
        hits.sort_by_key(|(id, _)| *id);
        let ids: Vec<i64> = hits.iter().map(|(id, _)| *id).collect();
        let versions = self.store.versions("trainings", &ids).await?;
        Ok(hits
            .into_iter()
            .map(|(id, record)| Versioned {
                id,
                version: versions.get(&id).copied().unwrap_or(1),
                record,
            })
            .collect())
    }

    /// Sessions in id order after `after`, at most `limit`: of one training (by code) or of
    /// all, and of a partner account only those of its trainings.
    pub async fn sessions_page(
        &self,
        actor: &Actor,
        training_code: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<SessionRecord>>, AppError> {
        let scope = self.partner_scope(actor).await?;
        let take = usize::try_from(limit).unwrap_or(0);
        if let Some(code) = training_code {
            let Some(t) = self.store.training_id(code).await? else {
                return Ok(Vec::new());
            };
            if matches!(
                self.training(actor, t).await,
                Err(AppError::NotFound { .. })
            ) {
                return Ok(Vec::new());
            }
            let mut all = self.store.sessions_of(t).await?;
            all.sort_by_key(|v| v.id);
            return Ok(all
                .into_iter()
                .filter(|v| v.id > after)
                .take(take)
                .collect());
        }
        let Some(scope) = scope else {
            return Ok(self.store.sessions_after(after, limit).await?);
        };
        // A partner's: the codes of the trainings it reads, then pages of sessions until the
        // page is full.
        self.catch_up().await?;
        let codes: std::collections::BTreeSet<String> = match self.engine() {
            Some(engine) => engine
                .trainings()
                .iter()
                .filter(|t| scope.covers(t.record.partners.iter().chain(&t.record.funders)))
                .map(|t| t.record.code.clone())
                .collect(),
            None => Default::default(),
        };
        let mut out = Vec::new();
        let mut cursor = after;
        while out.len() < take {
            let page = self.store.sessions_after(cursor, 1000).await?;
            let Some(last) = page.last() else { break };
            cursor = last.id;
            out.extend(
                page.into_iter()
                    .filter(|s| codes.contains(&s.record.training_code)),
            );
        }
        out.truncate(take);
        Ok(out)
    }

    /// A training's sessions with their ids and versions, in date order.
    pub async fn sessions_of(
        &self,
        actor: &Actor,
        training: i64,
    ) -> Result<Vec<Versioned<SessionRecord>>, AppError> {
        self.training(actor, training).await?;
        Ok(self.store.sessions_of(training).await?)
    }

    /// A training's attendance lines (at most `limit`), of the participants the actor sees by
    /// name; the others are only counted.
    pub async fn roster(
        &self,
        actor: &Actor,
        training: i64,
        limit: i64,
    ) -> Result<Roster, AppError> {
        self.training(actor, training).await?;
        if !actor.sees_names() {
            let (_, total) = self.store.roster(training, 0).await?;
            return Ok(Roster {
                lines: Vec::new(),
                total,
                hidden: total,
            });
        }
        let (lines, total) = self.store.roster(training, limit).await?;
        let shown = lines.len() as i64;
        let lines: Vec<RosterLine> = lines
            .into_iter()
            .filter(|l| actor.sight(l.country.as_deref()) == Sight::Named)
            .collect();
        let hidden = shown - lines.len() as i64;
        Ok(Roster {
            lines,
            total,
            hidden,
        })
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
        actor.must(Action::EditRecords)?;
        let rec = self.check_training(fields).await?;
        let at = clock::now();
        let after = json(&fields::training_fields(&rec));
        let created = self
            .store
            .create_training(&rec, actor.stamp(&at).after(&after))
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
        actor.must(Action::EditRecords)?;
        let before = self.training(actor, id).await?;
        let rec = self.check_training(fields).await?;
        let at = clock::now();
        let (before, after) = (
            json(&fields::training_fields(&before.record)),
            json(&fields::training_fields(&rec)),
        );
        let version = self
            .store
            .update_training(id, version, &rec, actor.stamp(&at).change(&before, &after))
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
        actor.must(Action::EditRecords)?;
        let before = self.training(actor, id).await?;
        let before = json(&fields::training_fields(&before.record));
        let at = clock::now();
        let gone = self
            .store
            .delete_training(id, version, cascade, actor.stamp(&at).before(&before))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_training(id).await?;
        Ok(gone)
    }

    // ---- sessions ----

    pub async fn session(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<SessionRecord>, AppError> {
        actor.must(Action::ReadReports)?;
        let session = found("session", id, self.store.session_by_id(id).await?)?;
        if let Some(training) = self
            .store
            .training_id(&session.record.training_code)
            .await?
        {
            // A session of a training the actor may not read is not there for them either.
            self.training(actor, training)
                .await
                .map_err(|_| AppError::NotFound {
                    kind: "session",
                    id,
                })?;
        }
        Ok(session)
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
        actor.must(Action::EditRecords)?;
        let (rec, training) = self.check_session(fields).await?;
        let at = clock::now();
        let after = json(&fields::session_fields(&rec));
        let created = self
            .store
            .create_session(&rec, actor.stamp(&at).after(&after))
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
        actor.must(Action::EditRecords)?;
        let before = self.session(actor, id).await?;
        let (rec, training) = self.check_session(fields).await?;
        let at = clock::now();
        let (before, after) = (
            json(&fields::session_fields(&before.record)),
            json(&fields::session_fields(&rec)),
        );
        let version = self
            .store
            .update_session(id, version, &rec, actor.stamp(&at).change(&before, &after))
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
        actor.must(Action::EditRecords)?;
        let session = self.session(actor, id).await?;
        let training = self
            .store
            .training_id(&session.record.training_code)
            .await?;
        let before = json(&fields::session_fields(&session.record));
        let at = clock::now();
        let gone = self
            .store
            .delete_session(id, version, cascade, actor.stamp(&at).before(&before))
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
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        actor.must(Action::ReadReports)?;
        found("partner", id, self.store.partner_by_id(id).await?)
    }

    /// Partners in id order after `after`, at most `limit`.
    pub async fn partners_after(
        &self,
        actor: &Actor,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<PartnerRecord>>, AppError> {
        actor.must(Action::ReadReports)?;
        Ok(self.store.partners_after(after, limit).await?)
    }

    pub async fn create_partner(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        actor.must(Action::EditRecords)?;
        let lookups = self.lookups().await?;
        let rec = fields::partner(fields, &lookups).map_err(AppError::Fields)?;
        let at = clock::now();
        let after = json(&fields::partner_fields(&rec));
        let created = self
            .store
            .create_partner(&rec, actor.stamp(&at).after(&after))
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
        actor.must(Action::EditRecords)?;
        let before = self.partner(actor, id).await?;
        let lookups = self.lookups().await?;
        let rec = fields::partner(fields, &lookups).map_err(AppError::Fields)?;
        let at = clock::now();
        let (was, after) = (
            json(&fields::partner_fields(&before.record)),
            json(&fields::partner_fields(&rec)),
        );
        let version = self
            .store
            .update_partner(id, version, &rec, actor.stamp(&at).change(&was, &after))
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
        actor.must(Action::EditRecords)?;
        let before = self.partner(actor, id).await?;
        let was = json(&fields::partner_fields(&before.record));
        let at = clock::now();
        let gone = self
            .store
            .delete_partner(id, version, cascade, actor.stamp(&at).before(&was))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_partners(Some(&before.record.name)).await?;
        Ok(gone)
    }

    // ---- participants ----

    /// One participant, to those who see them by name (a focal point: of their own country).
    pub async fn participant(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<Participant>, AppError> {
        actor.must(Action::ReadReports)?;
        if !actor.sees_names() {
            return Err(AppError::Forbidden(
                "participants are shown by name only to coordinators, admins and focal points",
            ));
        }
        let p = found("participant", id, self.store.person_by_id(id).await?)?;
        if actor.sight(p.record.person.country.as_deref()) != Sight::Named {
            return Err(AppError::Forbidden(
                "a focal point sees by name only the participants of their own country",
            ));
        }
        Ok(p)
    }

    /// Participants in id order after `after`; with `search`, those whose name or e-mail holds
    /// it; of a focal point, only their own country's.
    pub async fn participants(
        &self,
        actor: &Actor,
        search: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<Participant>>, AppError> {
        actor.must(Action::ReadReports)?;
        if !actor.sees_names() {
            return Err(AppError::Forbidden(
                "participants are shown by name only to coordinators, admins and focal points",
            ));
        }
        let countries = actor.named_countries();
        Ok(self
            .store
            .persons_after(search, countries.as_deref(), after, limit)
            .await?)
    }

    pub async fn attended(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<PersonAttendance>, AppError> {
        self.participant(actor, id).await?;
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
        actor.must(Action::EditRecords)?;
        let rec = self.check_participant(fields).await?;
        let at = clock::now();
        let after = json(&fields::person_fields(&rec));
        let created = self
            .store
            .create_person(&rec, actor.stamp(&at).after(&after))
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
        actor.must(Action::EditRecords)?;
        let before = self.participant(actor, id).await?;
        let rec = self.check_participant(fields).await?;
        let at = clock::now();
        let (was, after) = (
            json(&fields::person_fields(&before.record.person)),
            json(&fields::person_fields(&rec)),
        );
        let version = self
            .store
            .update_person(id, version, &rec, actor.stamp(&at).change(&was, &after))
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
        actor.must(Action::EditRecords)?;
        let before = self.participant(actor, id).await?;
        let was = json(&fields::person_fields(&before.record.person));
        let trainings = self.store.attended(id).await?;
        let at = clock::now();
        let gone = self
            .store
            .delete_person(id, version, cascade, actor.stamp(&at).before(&was))
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
        actor.must(Action::Merge)?;
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
        actor.must(Action::Merge)?;
        let (a, b) = (
            self.participant(actor, kept.0).await?,
            self.participant(actor, other.0).await?,
        );
        let rec = self.check_participant(fields).await?;
        let at = clock::now();
        let was = format!(
            "[{},{}]",
            json(&fields::person_fields(&a.record.person)),
            json(&fields::person_fields(&b.record.person))
        );
        let after = json(&fields::person_fields(&rec));
        let version = self
            .store
            .merge_persons(kept, other, &rec, actor.stamp(&at).change(&was, &after))
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
