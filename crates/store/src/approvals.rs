//! The store's period approvals (migration 0015).

use cadre_core::approval::Approval;
use cadre_core::report::Period;

use crate::backend::{postgres, sqlite};
use crate::{Pool, Result, Stamp, Store};

impl Store {
    /// Every period with an approval record, the latest first.
    pub async fn approvals(&self) -> Result<Vec<Approval>> {
        on_backend!(self, approvals::list())
    }

    /// The report as approved (cadre.report.v1 JSON), empty when the period never was.
    pub async fn approved_report(&self, period: Period) -> Result<String> {
        on_backend!(self, approvals::approved_report(period))
    }

    pub async fn submit_period(&self, period: Period, stamp: Stamp<'_>) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, approvals::submit(period, stamp.keyed(&key)))
    }

    /// Approves a submitted period, keeping its headline figures (`key=value;...`) and its
    /// report as they stand.
    pub async fn approve_period(
        &self,
        period: Period,
        figures: &str,
        report: &str,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(
            self,
            approvals::approve(period, figures, report, stamp.keyed(&key))
        )
    }

    /// Every training's code and start date.
    pub async fn training_starts(&self) -> Result<Vec<(String, Option<cadre_core::PartialDate>)>> {
        on_backend!(self, approvals::training_starts())
    }

    /// The start dates of the trainings naming the partner or one of its programmes.
    pub async fn partner_training_starts(
        &self,
        partner: i64,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>> {
        on_backend!(self, approvals::partner_training_starts(partner))
    }

    pub async fn reopen_period(
        &self,
        period: Period,
        reason: &str,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, approvals::reopen(period, reason, stamp.keyed(&key)))
    }
}
