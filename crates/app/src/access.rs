//! Where the access rules meet the operations: every operation asks [`Actor::must`] before it
//! reads or writes, and those that show participants or trainings ask how much the actor sees.
//! The rules themselves are core's (`cadre_core::access`); this turns their answers into the
//! errors the front ends show.

use cadre_core::access::{self, Action, PartnerScope, Sight, Who};
use cadre_core::TrainingRecord;
use cadre_store::Stamp;

use crate::{Actor, App, AppError};

/// What a refusal says, by what was asked.
fn refusal(action: Action) -> &'static str {
    match action {
        Action::ReadPublished => "sign in to read this",
        Action::ReadReports => "sign in to read reports and trainings",
        Action::EditRecords => "only a coordinator or an admin changes records",
        Action::Import => "only a coordinator or an admin imports sheets",
        Action::Merge => "only a coordinator or an admin merges participants",
        Action::ProposeCorrection => "only a partner proposes corrections",
        Action::ReviewCorrection => "only a coordinator or an admin reviews corrections",
        Action::Publish => "only an admin publishes reports",
        Action::ManageUsers => "only an admin manages accounts and reads the audit trail",
        Action::PersonalData => "only an admin exports or erases a person's data",
        Action::SubmitPeriod => "only a coordinator or an admin submits a period for approval",
        Action::ApprovePeriod => "only an admin approves or reopens a period",
    }
}

/// What an actor may do, as a page asks to offer only the controls that work: each answer is
/// the very rule the operation behind the control applies ([`Actor::may`], and for the
/// participants list [`Actor::sees_names`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    /// Create, change and delete trainings, sessions, partners and participants.
    pub edit_records: bool,
    pub import: bool,
    /// List participants by name (a focal point, their own country's).
    pub list_participants: bool,
    pub merge: bool,
    pub propose_correction: bool,
    pub review_corrections: bool,
    pub publish: bool,
    pub submit_period: bool,
    pub approve_period: bool,
    /// Accounts, settings, the audit trail.
    pub administer: bool,
    pub personal_data: bool,
}

/// Actions that change something: refused to a read-only token.
fn writes(action: Action) -> bool {
    !matches!(action, Action::ReadPublished | Action::ReadReports)
}

impl Actor {
    pub fn who(&self) -> Who<'_> {
        self.grant.as_ref()
    }

    /// Everything the actor may do, for a page's controls.
    pub fn abilities(&self) -> Abilities {
        Abilities {
            edit_records: self.may(Action::EditRecords),
            import: self.may(Action::Import),
            list_participants: self.may(Action::ReadReports) && self.sees_names(),
            merge: self.may(Action::Merge),
            propose_correction: self.may(Action::ProposeCorrection),
            review_corrections: self.may(Action::ReviewCorrection),
            publish: self.may(Action::Publish),
            submit_period: self.may(Action::SubmitPeriod),
            approve_period: self.may(Action::ApprovePeriod),
            administer: self.may(Action::ManageUsers),
            personal_data: self.may(Action::PersonalData),
        }
    }

    /// Whether the actor may do this at all (a page asks, to offer a button or not).
    pub fn may(&self, action: Action) -> bool {
        access::may(self.who(), action) && !(self.read_only && writes(action))
    }

    /// Refuses what the actor may not do, saying why.
    pub fn must(&self, action: Action) -> Result<(), AppError> {
        if !access::may(self.who(), action) {
            return Err(AppError::Forbidden(refusal(action)));
        }
        if self.read_only && writes(action) {
            return Err(AppError::Forbidden("this API token is read-only"));
        }
        Ok(())
    }

    /// How much of a participant of this country the actor sees.
    pub fn sight(&self, country: Option<&str>) -> Sight {
        access::sees_participant(self.who(), country)
    }

    /// Whether the actor sees any participant by name (a focal point sees some).
    pub fn sees_names(&self) -> bool {
        match &self.grant {
            Some(g) => match g.role {
                access::Role::Admin | access::Role::Coordinator | access::Role::FocalPoint => true,
                access::Role::Viewer | access::Role::Partner => false,
            },
            None => false,
        }
    }

    /// The countries whose participants the actor sees by name; `None` for all of them.
    pub fn named_countries(&self) -> Option<Vec<String>> {
        match &self.grant {
            Some(g) if g.role == access::Role::FocalPoint => {
                Some(g.countries.iter().cloned().collect())
            }
            Some(g) if matches!(g.role, access::Role::Admin | access::Role::Coordinator) => None,
            _ => Some(Vec::new()),
        }
    }

    /// The stamp a write by this actor carries into the audit trail.
    pub(crate) fn stamp<'a>(&'a self, at: &'a str) -> Stamp<'a> {
        Stamp {
            actor: &self.name,
            at,
            address: &self.address,
            before: "",
            after: "",
            key: None,
        }
    }
}

impl App {
    /// The trainings a partner account reads; `None` for an actor who reads them all.
    /// Refuses someone who may not read trainings at all.
    pub async fn partner_scope(&self, actor: &Actor) -> Result<Option<PartnerScope>, AppError> {
        actor.must(Action::ReadReports)?;
        let Some(grant) = actor.grant.as_ref() else {
            return Ok(None);
        };
        if grant.role != access::Role::Partner {
            return Ok(None);
        }
        let partners = self.store.partners().await?;
        Ok(PartnerScope::of(
            grant,
            partners.iter().map(|p| {
                (
                    p.name.as_str(),
                    p.short_name.as_deref(),
                    p.parent.as_deref(),
                )
            }),
        ))
    }

    /// Refuses a training the actor may not read (a partner's of another agency) as if it were
    /// not there, so that its existence is not told either.
    pub(crate) async fn must_see_training(
        &self,
        actor: &Actor,
        id: i64,
        t: &TrainingRecord,
    ) -> Result<(), AppError> {
        actor.must(Action::ReadReports)?;
        if let Some(scope) = self.partner_scope(actor).await? {
            if !scope.covers(t.partners.iter().chain(&t.funders)) {
                return Err(AppError::NotFound {
                    kind: "training",
                    id,
                });
            }
        }
        Ok(())
    }
}
