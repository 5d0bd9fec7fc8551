//! Partners: read and listed by anyone signed in, and the shared writes; a partner renamed or
//! deleted changes how every training naming it is counted, so the engine follows.

use std::collections::BTreeMap;

use cadre_core::access::Action;
use cadre_core::fields::{self, Fields};
use cadre_core::PartnerRecord;
use cadre_store::{Dependents, Versioned};

use super::{found, Kind};
use crate::{Actor, App, AppError};

pub(crate) struct Partners;

impl Kind for Partners {
    type Record = PartnerRecord;

    fn fields(r: &PartnerRecord) -> BTreeMap<String, String> {
        fields::partner_fields(r)
    }

    async fn read(app: &App, actor: &Actor, id: i64) -> Result<PartnerRecord, AppError> {
        Ok(app.partner(actor, id).await?.record)
    }

    async fn check(app: &App, f: &(impl Fields + Sync)) -> Result<PartnerRecord, AppError> {
        let lookups = app.lookups().await?;
        fields::partner(f, &lookups).map_err(AppError::Fields)
    }

    super::store_writes!(
        PartnerRecord,
        create_partner,
        update_partner,
        delete_partner
    );

    /// A partner deleted or changed changes the partner figures of every training naming it.
    async fn counted_in(
        app: &App,
        id: i64,
        before: &PartnerRecord,
        after: Option<&PartnerRecord>,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        if after == Some(before) {
            return Ok(Vec::new());
        }
        Ok(app.store.partner_training_starts(id).await?)
    }

    async fn follow(
        app: &App,
        _: i64,
        before: Option<&PartnerRecord>,
        _: Option<&PartnerRecord>,
    ) -> Result<(), AppError> {
        app.refresh_partners(before.map(|p| p.name.as_str())).await
    }
}

impl App {
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
        self.create::<Partners>(actor, fields).await
    }

    pub async fn update_partner(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PartnerRecord>, AppError> {
        self.update::<Partners>(actor, id, version, fields).await
    }

    pub async fn delete_partner(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        self.delete::<Partners>(actor, id, version, cascade).await
    }
}
