//! What the pages show, each as one operation that applies the actor's scope: the trainings
//! list with its filters' choices, a training's page, the dashboard, and the small lists
//! pages pick from. They read the report engine (warm, or built for the occasion), so a page
//! and the API answer the same whether or not a server keeps one.

use std::collections::HashMap;

use cadre_core::access::Action;
use cadre_core::listing;
use cadre_core::report::{Period, TrainingFacts, TrainingShare};
use cadre_core::{SessionRecord, TrainingRecord};
use cadre_store::Versioned;

use crate::filter::TrainingFilter;
use crate::{Actor, App, AppError};

/// One page of the trainings list, and what its filters offer.
#[derive(Debug, Clone, Default)]
pub struct TrainingList {
    /// The trainings of this page.
    pub trainings: Vec<TrainingFacts>,
    /// How many match, on every page.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// What is wrong with a filter: then no training is listed, since every training under a
    /// filter the reader believes applied would be a wrong answer that looks right.
    pub problem: Option<String>,
    /// Years with trainings, newest first.
    pub years: Vec<i32>,
    /// The partners' names, in alphabetical order.
    pub partners: Vec<String>,
    /// The partner filter as the list of partners names it (typed as a short name, say).
    pub partner: Option<String>,
    /// Countries (alpha-2) trainings list or their attendance shows.
    pub countries: Vec<String>,
    pub themes: Vec<String>,
}

/// A training's page: the record, its sessions, and what it counts for.
#[derive(Debug, Clone)]
pub struct TrainingView {
    pub training: Versioned<TrainingRecord>,
    pub sessions: Vec<Versioned<SessionRecord>>,
    /// Its participants and where the count comes from, the countries (those its attendance
    /// shows with their participants, those it only lists with 0) and departments reached.
    pub share: Option<TrainingShare>,
}

impl TrainingView {
    /// The countries its attendance records show, with their participants.
    pub fn countries_attended(&self) -> Vec<(String, u64)> {
        self.share
            .iter()
            .flat_map(|s| s.countries.iter())
            .filter(|(_, n)| *n > 0)
            .cloned()
            .collect()
    }
}

/// The dashboard: the period shown, the years to pick from and the newest trainings.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub period: Period,
    pub years: Vec<i32>,
    pub recent: Vec<TrainingFacts>,
    /// Nothing recorded yet.
    pub empty: bool,
}

/// Years with trainings, newest first.
fn years_of(trainings: &[TrainingFacts]) -> Vec<i32> {
    let mut years: Vec<i32> = trainings
        .iter()
        .filter_map(|t| t.record.start.map(|d| d.first_day().year))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

impl App {
    /// One page of the trainings the actor may read, as the filter asks (`per_page` a page).
    pub async fn list_trainings(
        &self,
        actor: &Actor,
        filter: &TrainingFilter,
        per_page: usize,
    ) -> Result<TrainingList, AppError> {
        let (problem, asked) = match filter.query(per_page) {
            Ok(q) => (None, q),
            Err(e) => (
                Some(e),
                listing::Query {
                    page: 1,
                    per_page,
                    ..Default::default()
                },
            ),
        };
        let mut query = self.listing_query(actor, &asked).await?;
        let typed = filter.value("partner");
        self.with_engine(|engine| {
            if let Some(c) = &query.country {
                query.attended = Some(engine.attended_from(c));
            }
            let trainings = engine.trainings();
            let none: &[TrainingFacts] = &[];
            let result = listing::select(if problem.is_some() { none } else { trainings }, &query);
            let mut partners: Vec<String> =
                engine.partners().iter().map(|p| p.name.clone()).collect();
            partners.sort_by_key(|p| cadre_core::text::fold(p));
            let typed = cadre_core::text::fold(typed);
            let partner = engine
                .partners()
                .iter()
                .find(|p| {
                    !typed.is_empty()
                        && (cadre_core::text::fold(&p.name) == typed
                            || p.short_name
                                .as_deref()
                                .is_some_and(|s| cadre_core::text::fold(s) == typed))
                })
                .map(|p| p.name.clone());
            let mut countries = engine.countries_attended();
            countries.extend(
                trainings
                    .iter()
                    .flat_map(|t| t.record.countries.iter().chain(&t.record.requested_by))
                    .cloned(),
            );
            TrainingList {
                trainings: result.trainings.into_iter().cloned().collect(),
                total: result.total,
                page: result.page,
                pages: result.pages,
                problem,
                years: years_of(trainings),
                partners,
                partner,
                countries: countries.into_iter().collect(),
                themes: listing::themes(trainings),
            }
        })
        .await
    }

    /// Trainings matching `query` in id order after `after`, at most `limit` (the API's list).
    pub(crate) async fn listed_after(
        &self,
        query: &listing::Query,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, TrainingRecord)>, AppError> {
        let mut query = query.clone();
        self.with_engine(|engine| {
            if let Some(c) = &query.country {
                query.attended = Some(engine.attended_from(c));
            }
            let mut hits: Vec<&TrainingFacts> = listing::filter(engine.trainings(), &query)
                .into_iter()
                .filter(|t| t.id > after)
                .collect();
            hits.sort_by_key(|t| t.id);
            hits.truncate(usize::try_from(limit).unwrap_or(0));
            hits.into_iter().map(|t| (t.id, t.record.clone())).collect()
        })
        .await
    }

    /// A training's page, as the actor may read it.
    pub async fn training_view(&self, actor: &Actor, id: i64) -> Result<TrainingView, AppError> {
        let training = self.training(actor, id).await?;
        let sessions = self.store.sessions_of(id).await?;
        let share = self.with_engine(|engine| engine.share(id)).await?;
        Ok(TrainingView {
            training,
            sessions,
            share,
        })
    }

    /// The dashboard for `period`, or, when none is asked, for the latest year with a
    /// training. A partner's lists only its agencies' trainings, as its report counts them.
    pub async fn dashboard(
        &self,
        actor: &Actor,
        period: Option<Period>,
    ) -> Result<Dashboard, AppError> {
        actor.must(Action::ReadReports)?;
        let scope = self.partner_scope(actor).await?;
        self.with_engine(|engine| {
            let trainings = engine.trainings();
            let years = years_of(trainings);
            let period =
                period.unwrap_or_else(|| Period::year(years.first().copied().unwrap_or(2020)));
            let recent = listing::select(
                trainings,
                &listing::Query {
                    sort: listing::Sort::Newest,
                    page: 1,
                    per_page: 6,
                    scope,
                    ..Default::default()
                },
            )
            .trainings
            .into_iter()
            .cloned()
            .collect();
            Dashboard {
                period,
                years,
                recent,
                empty: trainings.is_empty(),
            }
        })
        .await
    }

    /// Years with trainings, newest first.
    pub async fn years(&self, actor: &Actor) -> Result<Vec<i32>, AppError> {
        actor.must(Action::ReadReports)?;
        self.with_engine(|engine| years_of(engine.trainings()))
            .await
    }

    /// Each training's id by its code, to link what names a training by code.
    pub async fn training_ids(&self, actor: &Actor) -> Result<HashMap<String, i64>, AppError> {
        actor.must(Action::ReadReports)?;
        self.with_engine(|engine| {
            engine
                .trainings()
                .iter()
                .map(|t| (t.record.code.clone(), t.id))
                .collect()
        })
        .await
    }

    /// The training a session belongs to, by id.
    pub async fn training_of_session(
        &self,
        actor: &Actor,
        session: i64,
    ) -> Result<Option<i64>, AppError> {
        let s = self.session(actor, session).await?;
        Ok(self.store.training_id(&s.record.training_code).await?)
    }

    /// The departments and their other spellings.
    pub async fn departments(
        &self,
        actor: &Actor,
    ) -> Result<Vec<cadre_core::DepartmentRecord>, AppError> {
        actor.must(Action::ReadReports)?;
        Ok(self.store.departments().await?)
    }

    /// Every partner as forms name it: its short name, else its name.
    pub async fn partner_labels(&self, actor: &Actor) -> Result<Vec<String>, AppError> {
        actor.must(Action::ReadReports)?;
        Ok(self
            .store
            .partners()
            .await?
            .into_iter()
            .map(|p| p.short_name.unwrap_or(p.name))
            .collect())
    }
}
