//! The data-quality operations: the rules as an admin set them, what they find in a period
//! (grouped by rule for the "to fix" page, or for one training), and the likely duplicate
//! persons among all the records. Every report goes through [`App::finish_report`], so the
//! command line, the pages and the API show the same findings at the same severities.

use std::sync::Arc;

use cadre_core::access::Action;
use cadre_core::quality::{self, Finding, Rule, RuleSetting, Settings, Severity};
use cadre_core::report::{Period, Report};

use crate::{clock, Actor, App, AppError};

/// The likely duplicates among all persons, as found at a data version: the search reads
/// every person, so it is made once for each version of the records, not for each page.
#[derive(Clone, Default)]
pub(crate) struct Duplicates(Arc<tokio::sync::Mutex<Option<Found>>>);

/// The findings made at a data version.
type Found = (i64, Arc<Vec<Finding>>);

impl std::fmt::Debug for Duplicates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Duplicates")
    }
}

/// A rule as it stands, for the settings page and `cadre quality rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleState {
    pub rule: Rule,
    pub enabled: bool,
    pub severity: Severity,
    /// Whether it differs from the rule's default.
    pub changed: bool,
}

/// What the rules found, grouped by rule in the rules' order.
#[derive(Debug, Clone, Default)]
pub struct ToFix {
    pub groups: Vec<(Rule, Severity, Vec<Finding>)>,
    /// The likely duplicate persons, for an actor who sees names and may merge them; `None`
    /// for one who may not.
    pub persons: Option<Vec<Finding>>,
    /// The names of the persons the duplicate findings name, by id ("Family, Given").
    pub names: std::collections::HashMap<u64, String>,
}

impl App {
    /// The day's rules and the admin's settings, applied to a report just built.
    pub(crate) async fn finish_report(&self, report: &mut Report) -> Result<(), AppError> {
        let settings = self.store.quality_settings().await?;
        quality::finish(report, &settings, clock::today());
        report.agency = self.face().await?;
        Ok(())
    }

    /// Every rule, as set.
    pub async fn quality_rules(&self, actor: &Actor) -> Result<Vec<RuleState>, AppError> {
        actor.must(Action::ReadReports)?;
        let settings = self.store.quality_settings().await?;
        Ok(states(&settings))
    }

    /// Switches a rule on or off, or gives it a severity; an admin's, kept in the audit trail.
    pub async fn set_quality_rule(
        &self,
        actor: &Actor,
        rule: Rule,
        enabled: bool,
        severity: Severity,
    ) -> Result<(), AppError> {
        actor.must(Action::ManageUsers)?;
        let setting = (enabled, severity) != (true, rule.default_severity());
        let at = clock::now();
        self.store
            .set_quality_rule(
                rule,
                setting.then_some(RuleSetting { enabled, severity }),
                actor.stamp(&at),
            )
            .await?;
        // The store's data version rose with the change: the warm engine holds the same
        // records, so it only follows the version.
        self.wrote();
        Ok(())
    }

    /// What the rules find in a period (a partner's: in its trainings), grouped by rule, and
    /// the likely duplicate persons for those who may merge them.
    pub async fn to_fix(&self, actor: &Actor, period: Period) -> Result<ToFix, AppError> {
        let report = self.report(actor, period).await?;
        let mut groups: Vec<(Rule, Severity, Vec<Finding>)> = Vec::new();
        for f in report.quality {
            match groups.iter_mut().find(|(r, _, _)| *r == f.rule) {
                Some(g) => g.2.push(f),
                None => groups.push((f.rule, f.severity, vec![f])),
            }
        }
        groups.sort_by_key(|(rule, severity, _)| (*severity, *rule));
        let persons = if actor.may(Action::Merge) && actor.named_countries().is_none() {
            Some(self.duplicate_persons().await?)
        } else {
            None
        };
        let names = match &persons {
            Some(found) => self.names_of(found).await?,
            None => Default::default(),
        };
        Ok(ToFix {
            groups,
            persons,
            names,
        })
    }

    /// The likely duplicates among all persons, as the settings keep them.
    async fn duplicate_persons(&self) -> Result<Vec<Finding>, AppError> {
        // One search at a time; whoever waited finds it made.
        let mut cached = self.duplicates.0.lock().await;
        let version = self.store.data_version().await?;
        let found = match cached.as_ref() {
            Some((v, found)) if *v == version => found.clone(),
            _ => {
                let keys = self.store.person_keys().await?;
                let found =
                    tokio::task::spawn_blocking(move || quality::persons::duplicates(&keys))
                        .await
                        .map_err(|e| {
                            AppError::Invalid(format!("the duplicate search stopped: {e}"))
                        })?;
                let found = Arc::new(found);
                *cached = Some((version, found.clone()));
                found
            }
        };
        drop(cached);
        let settings = self.store.quality_settings().await?;
        let mut found = found.as_ref().clone();
        settings.apply(&mut found);
        Ok(found)
    }

    /// The names of the persons findings name (each finding's person and the other of its
    /// pair), read in one query, for those who see every name (others get none).
    pub async fn finding_names(
        &self,
        actor: &Actor,
        found: &[Finding],
    ) -> Result<std::collections::HashMap<u64, String>, AppError> {
        if !(actor.sees_names() && actor.named_countries().is_none()) {
            return Ok(Default::default());
        }
        self.names_of(found).await
    }

    async fn names_of(
        &self,
        found: &[Finding],
    ) -> Result<std::collections::HashMap<u64, String>, AppError> {
        let mut ids: Vec<i64> = found
            .iter()
            .flat_map(|f| [f.person.unwrap_or(0), f.n("other") as i64])
            .filter(|id| *id > 0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(self
            .store
            .person_names(&ids)
            .await?
            .into_iter()
            .map(|(id, given, family)| (id as u64, format!("{family}, {given}")))
            .collect())
    }

    /// The likely duplicates of one participant (either record of a pair), for those who see
    /// every name and may merge them; empty for anyone else.
    pub async fn person_findings(&self, actor: &Actor, id: i64) -> Result<Vec<Finding>, AppError> {
        if !(actor.may(Action::Merge) && actor.named_countries().is_none()) {
            return Ok(Vec::new());
        }
        Ok(self
            .duplicate_persons()
            .await?
            .into_iter()
            .filter(|f| f.person == Some(id) || i64::try_from(f.n("other")).ok() == Some(id))
            .collect())
    }

    /// The findings about one training: its own and those between it and the other trainings
    /// of its year, as a report of that year gives them.
    pub async fn training_findings(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<Finding>, AppError> {
        let t = self.training(actor, id).await?;
        let Some(start) = t.record.start else {
            return Ok(Vec::new());
        };
        let report = self
            .report(actor, Period::year(start.first_day().year))
            .await?;
        Ok(report
            .quality
            .into_iter()
            .filter(|f| f.training.as_deref() == Some(t.record.code.as_str()))
            .collect())
    }
}

fn states(settings: &Settings) -> Vec<RuleState> {
    Rule::ALL
        .iter()
        .map(|&rule| {
            let s = settings.of(rule);
            RuleState {
                rule,
                enabled: s.enabled,
                severity: s.severity,
                changed: settings.changed.contains_key(&rule),
            }
        })
        .collect()
}
