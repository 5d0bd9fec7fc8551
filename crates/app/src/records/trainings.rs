//! Trainings: read as the actor may (a partner, its own), listed, their roster, and the
//! shared writes.

use cadre_core::access::{Action, Sight};
use cadre_core::fields::{self, Fields};
use cadre_core::TrainingRecord;
use cadre_store::{Dependents, RosterLine, Versioned};
use std::collections::BTreeMap;

use super::{found, Kind, Roster};
use crate::{Actor, App, AppError};

pub(crate) struct Trainings;

impl Kind for Trainings {
    type Record = TrainingRecord;

    fn fields(r: &TrainingRecord) -> BTreeMap<String, String> {
        fields::training_fields(r)
    }

    async fn read(app: &App, actor: &Actor, id: i64) -> Result<TrainingRecord, AppError> {
        Ok(app.training(actor, id).await?.record)
    }

    async fn check(app: &App, f: &(impl Fields + Sync)) -> Result<TrainingRecord, AppError> {
        app.check_training(f).await
    }

    async fn starts(
        _: &App,
        rec: &TrainingRecord,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        Ok(vec![rec.start])
    }

    super::store_writes!(
        TrainingRecord,
        create_training,
        update_training,
        delete_training
    );

    async fn follow(
        app: &App,
        id: i64,
        _: Option<&TrainingRecord>,
        _: Option<&TrainingRecord>,
    ) -> Result<(), AppError> {
        app.refresh_training(id).await
    }
}

impl App {
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

    /// A listing query as the actor may run it: a partner account held to its own trainings,
    /// and a partner filter resolved to the partner (by name or short name) and its programmes.
    /// Pages and the API list through it alike.
    pub async fn listing_query(
        &self,
        actor: &Actor,
        query: &cadre_core::listing::Query,
    ) -> Result<cadre_core::listing::Query, AppError> {
        actor.must(Action::ReadReports)?;
        let mut query = query.clone();
        query.scope = self.partner_scope(actor).await?;
        if let Some(typed) = &query.partner {
            let partners = self.store.partners().await?;
            query.partners = Some(cadre_core::access::PartnerScope::named(
                [typed.as_str()],
                partners.iter().map(|p| {
                    (
                        p.name.as_str(),
                        p.short_name.as_deref(),
                        p.parent.as_deref(),
                    )
                }),
            ));
        }
        Ok(query)
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
        let query = self.listing_query(actor, query).await?;
        let mut hits = self.listed_after(&query, after, limit).await?;
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
        if !lines.is_empty() {
            self.note_personal_read(
                actor,
                None,
                &format!("the attendance of training {training}"),
            )
            .await?;
        }
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
        self.create::<Trainings>(actor, fields).await
    }

    /// Replaces a training with what the fields say, if it is still at `version`.
    pub async fn update_training(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<TrainingRecord>, AppError> {
        self.update::<Trainings>(actor, id, version, fields).await
    }

    pub async fn delete_training(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        self.delete::<Trainings>(actor, id, version, cascade).await
    }
}
