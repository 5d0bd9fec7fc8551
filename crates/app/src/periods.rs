//! Approval of a period's figures: a coordinator submits, an admin approves (the report is
//! kept as it stands, and the period's trainings are locked) or reopens with a reason. Every
//! write of a training or session, and every import, asks [`App::must_be_open`] or carries
//! the [`ImportLocks`]; a report of an approved or reopened period says when it was approved
//! and what changed since, with the edits that caused it.

use std::collections::HashMap;

use cadre_core::access::Action;
use cadre_core::approval::{self, Approval, EditSince, SinceApproval, Status, Step};
use cadre_core::report::{Period, Report};
use cadre_core::PartialDate;
use cadre_store::AuditFilter;

use crate::{clock, Actor, App, AppError};

/// The longest reason for reopening a period, in characters.
const MAX_REASON: usize = 2000;

/// How many of the edits since an approval a report lists.
const EDITS_SHOWN: i64 = 200;

/// What an import may not write: the trainings of approved periods, by code, and the periods
/// themselves (a new training starting in one, published figures for one).
#[derive(Debug, Clone, Default)]
pub struct ImportLocks {
    approved: Vec<Approval>,
    /// Trainings already kept whose start is in an approved period: why each is locked.
    codes: HashMap<String, String>,
}

impl ImportLocks {
    /// Why a row of this training (a session, an attendance record) may not be written.
    pub fn training(&self, code: &str) -> Option<&str> {
        self.codes.get(code).map(String::as_str)
    }

    /// Why a training row may not be written: it is kept in an approved period, or would
    /// start in one.
    pub fn training_row(&self, code: &str, start: Option<PartialDate>) -> Option<String> {
        self.training(code)
            .map(str::to_string)
            .or_else(|| approval::lock_on(&self.approved, start).map(approval::locked_message))
    }

    /// Why figures published for exactly this period may not be written.
    pub fn published(&self, period: Period) -> Option<String> {
        self.approved
            .iter()
            .find(|a| a.period == period)
            .map(approval::locked_message)
    }

    pub fn is_empty(&self) -> bool {
        self.approved.is_empty()
    }
}

impl App {
    /// Every period with an approval record, the latest first.
    /// Who took each step is named to those who take steps (coordinators and admins); the
    /// others read "a coordinator" and "an admin".
    pub async fn periods(&self, actor: &Actor) -> Result<Vec<Approval>, AppError> {
        actor.must(Action::ReadReports)?;
        let mut kept = self.store.approvals().await?;
        if !actor.may(Action::SubmitPeriod) {
            for a in &mut kept {
                a.submitted_by = "a coordinator".into();
                for who in [&mut a.approved_by, &mut a.reopened_by] {
                    if who.is_some() {
                        *who = Some("an admin".into());
                    }
                }
            }
        }
        Ok(kept)
    }

    async fn kept(&self, period: Period) -> Result<Option<Approval>, AppError> {
        Ok(self
            .store
            .approvals()
            .await?
            .into_iter()
            .find(|a| a.period == period))
    }

    /// A coordinator submits the period's figures for approval.
    pub async fn submit_period(&self, actor: &Actor, period: Period) -> Result<(), AppError> {
        actor.must(Action::SubmitPeriod)?;
        approval::check(Step::Submit, self.kept(period).await?.as_ref())
            .map_err(AppError::Locked)?;
        let at = clock::now();
        self.store
            .submit_period(period, actor.stamp(&at))
            .await
            .map_err(moved)?;
        self.wrote();
        Ok(())
    }

    /// An admin approves a submitted period: its report is kept as it stands (figures and
    /// the whole report as JSON), and its trainings are locked.
    pub async fn approve_period(&self, actor: &Actor, period: Period) -> Result<(), AppError> {
        actor.must(Action::ApprovePeriod)?;
        approval::check(Step::Approve, self.kept(period).await?.as_ref())
            .map_err(AppError::Locked)?;
        let report = self.report(actor, period).await?;
        let figures = approval::write_figures(&approval::figures(&report));
        let json = cadre_render::render(&report, cadre_render::Format::Json)
            .map_err(|e| AppError::Invalid(format!("the report could not be kept: {e}")))?;
        let json = String::from_utf8_lossy(&json).into_owned();
        let at = clock::now();
        self.store
            .approve_period(period, &figures, &json, actor.stamp(&at))
            .await
            .map_err(moved)?;
        self.wrote();
        Ok(())
    }

    /// An admin reopens an approved period, saying why; what was approved stays kept.
    pub async fn reopen_period(
        &self,
        actor: &Actor,
        period: Period,
        reason: &str,
    ) -> Result<(), AppError> {
        actor.must(Action::ApprovePeriod)?;
        let reason = crate::bounded_text("the reason", reason, MAX_REASON)?;
        if reason.is_empty() {
            return Err(AppError::Invalid(
                "say why the period is reopened: the reason is kept with it".into(),
            ));
        }
        approval::check(Step::Reopen, self.kept(period).await?.as_ref())
            .map_err(AppError::Locked)?;
        let at = clock::now();
        self.store
            .reopen_period(period, reason, actor.stamp(&at).after(reason))
            .await
            .map_err(moved)?;
        self.wrote();
        Ok(())
    }

    /// The report as approved (cadre.report.v1 JSON); empty when the period never was.
    pub async fn approved_report(&self, actor: &Actor, period: Period) -> Result<String, AppError> {
        actor.must(Action::ReadReports)?;
        if self.partner_scope(actor).await?.is_some() {
            // The approved report counts every partner's trainings.
            return Err(AppError::Forbidden(
                "the approved report of all the agency's trainings",
            ));
        }
        Ok(self.store.approved_report(period).await?)
    }

    /// Refuses a write of trainings starting on any of `starts` when an approved period
    /// holds one, saying which period, approved when and by whom.
    pub(crate) async fn must_be_open(
        &self,
        starts: &[Option<PartialDate>],
    ) -> Result<(), AppError> {
        if starts.iter().all(Option::is_none) {
            return Ok(());
        }
        let approvals = self.store.approvals().await?;
        for start in starts {
            if let Some(a) = approval::lock_on(&approvals, *start) {
                return Err(AppError::Locked(approval::locked_message(a)));
            }
        }
        Ok(())
    }

    /// Why a training starting on `start` cannot be changed now, if it cannot (a page says so
    /// rather than offering a form that will be refused).
    pub async fn lock_of(&self, start: Option<PartialDate>) -> Result<Option<String>, AppError> {
        if start.is_none() {
            return Ok(None);
        }
        let approvals = self.store.approvals().await?;
        Ok(approval::lock_on(&approvals, start).map(approval::locked_message))
    }

    /// What imports may not write now.
    pub(crate) async fn import_locks(&self) -> Result<ImportLocks, AppError> {
        let approved: Vec<Approval> = self
            .store
            .approvals()
            .await?
            .into_iter()
            .filter(|a| a.status == Status::Approved)
            .collect();
        if approved.is_empty() {
            return Ok(ImportLocks::default());
        }
        let codes = self
            .store
            .training_starts()
            .await?
            .into_iter()
            .filter_map(|(code, start)| {
                let a = approval::lock_on(&approved, start)?;
                Some((code, approval::locked_message(a)))
            })
            .collect();
        Ok(ImportLocks { approved, codes })
    }

    /// Adds to a report of exactly an approved (or reopened) period when it was approved and
    /// what changed since, with the edits since to its trainings.
    pub(crate) async fn note_approval(&self, report: &mut Report) -> Result<(), AppError> {
        let Some(a) = self.kept(report.period).await? else {
            return Ok(());
        };
        let Some(approved_at) = a.approved_at.clone() else {
            // Submitted, never approved: nothing was kept to compare with.
            return Ok(());
        };
        let changes = approval::changes(&a.approved_figures, &approval::figures(report));
        let codes: Vec<&str> = report.listing.iter().map(|t| t.code.as_str()).collect();
        let filter = AuditFilter {
            from: Some(approved_at.clone()),
            ..AuditFilter::default()
        };
        let entries = self.store.audit_entries(&filter, None, EDITS_SHOWN).await?;
        // The trail's times are to the second: what came after the approval is what its
        // entry precedes in the chain.
        let approved_seq = entries
            .iter()
            .filter(|e| e.kind == "period" && e.record_id == Some(a.id) && e.action == "approved")
            .map(|e| e.seq)
            .max()
            .unwrap_or(0);
        let entries = entries.into_iter().filter(|e| e.seq > approved_seq);
        let names_one = |detail: &str| {
            let code = detail.split(' ').next().unwrap_or("");
            codes.contains(&code)
        };
        let mut edits: Vec<EditSince> = entries
            .filter(|e| match e.kind.as_str() {
                "training" | "session" => names_one(&e.detail),
                "import" => true,
                _ => false,
            })
            .map(|e| EditSince {
                at: e.at,
                action: e.action,
                kind: e.kind,
                detail: e.detail,
            })
            .collect();
        edits.reverse();
        report.approval = Some(SinceApproval {
            status: a.status,
            approved_on: approval::day_of(&approved_at),
            reopened_on: a.reopened_at.as_deref().map(approval::day_of),
            reason: a.reason,
            changes,
            edits,
        });
        Ok(())
    }
}

/// A step the period's state no longer allows, as the store found it: a lock (see
/// `From<StoreError> for AppError`).
fn moved(e: cadre_store::StoreError) -> AppError {
    AppError::from(e)
}
