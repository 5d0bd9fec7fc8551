//! Sessions of trainings held over several occasions: read and listed as the actor may (a
//! partner, those of its trainings), and the shared writes, which keep their training's
//! figures current.

use std::collections::BTreeMap;

use cadre_core::access::Action;
use cadre_core::fields::{self, Fields};
use cadre_core::SessionRecord;
use cadre_store::{Dependents, Versioned};

use super::{found, Kind};
use crate::{Actor, App, AppError};

pub(crate) struct Sessions;

impl Kind for Sessions {
    type Record = SessionRecord;

    fn fields(r: &SessionRecord) -> BTreeMap<String, String> {
        fields::session_fields(r)
    }

    async fn read(app: &App, actor: &Actor, id: i64) -> Result<SessionRecord, AppError> {
        Ok(app.session(actor, id).await?.record)
    }

    async fn check(app: &App, f: &(impl Fields + Sync)) -> Result<SessionRecord, AppError> {
        app.check_session(f).await
    }

    async fn starts(
        app: &App,
        rec: &SessionRecord,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        let Some(id) = app.store.training_id(&rec.training_code).await? else {
            return Ok(Vec::new());
        };
        let training = app.store.training_by_id(id).await?;
        Ok(vec![training.and_then(|t| t.record.start)])
    }

    super::store_writes!(
        SessionRecord,
        create_session,
        update_session,
        delete_session
    );

    /// A session's figures are its training's: the training it was and is under.
    async fn follow(
        app: &App,
        _: i64,
        before: Option<&SessionRecord>,
        after: Option<&SessionRecord>,
    ) -> Result<(), AppError> {
        let mut codes: Vec<&str> = before
            .iter()
            .chain(after.iter())
            .map(|s| s.training_code.as_str())
            .collect();
        codes.dedup();
        for code in codes {
            if let Some(training) = app.store.training_id(code).await? {
                app.refresh_training(training).await?;
            }
        }
        Ok(())
    }
}

impl App {
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

    /// A session from its fields; its training must exist.
    async fn check_session(
        &self,
        fields: &(impl Fields + Sync),
    ) -> Result<SessionRecord, AppError> {
        let mut lookups = self.lookups().await?;
        let code = fields.get("training_code").unwrap_or("").trim().to_string();
        if self.store.training_id(&code).await?.is_some() {
            lookups.add_training(&code);
        }
        fields::session(fields, &lookups).map_err(AppError::Fields)
    }

    pub async fn create_session(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<SessionRecord>, AppError> {
        self.create::<Sessions>(actor, fields).await
    }

    pub async fn update_session(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<SessionRecord>, AppError> {
        self.update::<Sessions>(actor, id, version, fields).await
    }

    pub async fn delete_session(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        self.delete::<Sessions>(actor, id, version, cascade).await
    }
}
