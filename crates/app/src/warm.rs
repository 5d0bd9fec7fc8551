//! The report engine kept warm for a long-running front end (the web application): built once
//! from the store, then brought up to date by every write the application layer makes, for
//! what that write changed. Reports, the dashboard and the trainings list are served from it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use cadre_core::report::{build, Engine, Period, Report};
use cadre_core::Date;

use cadre_store::Changed;

use crate::{Actor, App, AppError};

/// The warm engine, shared by the clones of an [`App`].
#[derive(Clone, Default)]
pub(crate) struct Warm(Option<Arc<Shared>>);

pub(crate) struct Shared {
    engine: RwLock<Engine>,
    /// The data version the engine holds. Every write through this `App` raises the store's
    /// by one and the engine's with it; a store ahead of it was written by another process
    /// (an import at the command line), and the engine is built again.
    known: AtomicI64,
    /// How many times the engine was built whole: once at warm-up, then only for writes it
    /// could not follow (shown by the tests, which prove an import is followed).
    builds: AtomicI64,
    /// Held while the engine is built again after another process's write, so that the
    /// requests and the follower that notice it at once wait for one build, not make one each.
    catching_up: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Warm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Warm(engine)"
        } else {
            "Warm(none)"
        })
    }
}

/// Every day a training can start on: the engine holds them all.
pub fn all_time() -> Period {
    Period {
        from: Date {
            year: 1,
            month: 1,
            day: 1,
        },
        to: Date {
            year: 9999,
            month: 12,
            day: 31,
        },
    }
}

impl App {
    /// Builds the warm engine from the store: from now on this `App` (and its clones) answers
    /// reports from memory and keeps the engine current with every write it makes.
    pub async fn warm_up(&mut self) -> Result<(), AppError> {
        let (engine, version) = self.build_engine().await?;
        match &self.warm.0 {
            Some(shared) => {
                *write(shared) = engine;
                shared.known.store(version, Ordering::SeqCst);
            }
            None => {
                self.warm = Warm(Some(Arc::new(Shared {
                    engine: RwLock::new(engine),
                    known: AtomicI64::new(version),
                    builds: AtomicI64::new(1),
                    catching_up: Default::default(),
                })))
            }
        }
        Ok(())
    }

    /// Builds the engine again if the store was written by someone else since.
    pub async fn catch_up(&self) -> Result<(), AppError> {
        let version = self.store.data_version().await?;
        self.catch_up_to(version).await
    }

    /// Builds the engine again if it does not hold `version`, the store's as just read.
    pub async fn catch_up_to(&self, version: i64) -> Result<(), AppError> {
        let Some(shared) = &self.warm.0 else {
            return Ok(());
        };
        if version == shared.known.load(Ordering::SeqCst) {
            return Ok(());
        }
        let _turn = shared.catching_up.lock().await;
        // Another caller may have built it while this one waited.
        if self.store.data_version().await? != shared.known.load(Ordering::SeqCst) {
            self.refresh_all().await?;
        }
        Ok(())
    }

    /// A write through this `App` has been made and put into the engine.
    pub(crate) fn wrote(&self) {
        if let Some(shared) = &self.warm.0 {
            shared.known.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// The warm engine, if this `App` keeps one: the operations' own (its guard holds the
    /// engine's lock, which no front end should hold).
    pub(crate) fn engine(&self) -> Option<RwLockReadGuard<'_, Engine>> {
        self.warm.0.as_ref().map(|s| read(s))
    }

    /// `f` on the engine as current as the store: the warm one, caught up, or, for an `App`
    /// that keeps none (a command, a test), one built for the occasion. Lists and pages then
    /// answer the same with or without a warm engine, only slower without.
    pub(crate) async fn with_engine<T>(&self, f: impl FnOnce(&Engine) -> T) -> Result<T, AppError> {
        if self.warm.0.is_some() {
            self.catch_up().await?;
            if let Some(engine) = self.engine() {
                return Ok(f(&engine));
            }
        }
        let (engine, _) = self.build_engine().await?;
        Ok(f(&engine))
    }

    /// The report for a period: from the warm engine when there is one, else built from the
    /// store. The same report either way (the engine's tests prove it).
    /// A partner account's report covers only its agencies' trainings.
    pub async fn report(&self, actor: &Actor, period: Period) -> Result<Report, AppError> {
        let mut report = self.report_as_counted(actor, period).await?;
        self.finish_report(&mut report).await?;
        // What was approved is the agency's whole report: a partner's part is not set beside it.
        if self.partner_scope(actor).await?.is_none() {
            self.note_approval(&mut report).await?;
        }
        Ok(report)
    }

    /// The report as counted, before the day's rules and the admin's settings.
    async fn report_as_counted(&self, actor: &Actor, period: Period) -> Result<Report, AppError> {
        actor.must(cadre_core::access::Action::ReadReports)?;
        if let Some(scope) = self.partner_scope(actor).await? {
            let keep = |t: &cadre_core::report::TrainingFacts| {
                scope.covers(t.record.partners.iter().chain(&t.record.funders))
            };
            if self.warm.0.is_some() {
                self.catch_up().await?;
                if let Some(engine) = self.engine() {
                    return Ok(engine.report_of_trainings(period, &keep));
                }
            }
            let mut input = self.store.report_input(period).await?;
            input.trainings.retain(keep);
            input.published.clear();
            return Ok(build(period, &input));
        }
        if self.warm.0.is_some() {
            self.catch_up().await?;
            let published = self.store.published(period).await?;
            if let Some(engine) = self.engine() {
                return Ok(engine.report_with(period, &published));
            }
        }
        let input = self.store.report_input(period).await?;
        Ok(build(period, &input))
    }

    /// Puts the training's current facts into the engine (or takes it out, once deleted).
    pub(crate) async fn refresh_training(&self, id: i64) -> Result<(), AppError> {
        let Some(shared) = &self.warm.0 else {
            return Ok(());
        };
        let facts = self.store.training_facts(id).await?;
        let mut engine = write(shared);
        match facts {
            Some(facts) => engine.put_training(facts),
            None => {
                engine.remove_training(id);
            }
        }
        Ok(())
    }

    /// Puts a person's current facts into the engine (or takes them out, once deleted).
    pub(crate) async fn refresh_person(&self, id: i64) -> Result<(), AppError> {
        let Some(shared) = &self.warm.0 else {
            return Ok(());
        };
        let facts = self.store.person_facts(id).await?;
        write(shared).put_person(id, facts);
        Ok(())
    }

    /// The partners' names changed: the engine's list of them, and the trainings that named
    /// the partner by its old name.
    pub(crate) async fn refresh_partners(&self, old_name: Option<&str>) -> Result<(), AppError> {
        let Some(shared) = &self.warm.0 else {
            return Ok(());
        };
        let partners = self.store.partner_names().await?;
        let named: Vec<i64> = match old_name {
            Some(old) => read(shared)
                .trainings()
                .iter()
                .filter(|t| {
                    t.record
                        .partners
                        .iter()
                        .chain(&t.record.funders)
                        .any(|n| n == old)
                })
                .map(|t| t.id)
                .collect(),
            None => Vec::new(),
        };
        write(shared).set_partners(partners);
        for id in named {
            self.refresh_training(id).await?;
        }
        Ok(())
    }

    /// After a committed import: the engine takes the persons and trainings it changed. It
    /// is built again instead when the import changed too much to follow, or when the engine
    /// did not hold the version right before the import's (another process wrote meanwhile).
    pub(crate) async fn take_changes(&self, changed: &Changed) -> Result<(), AppError> {
        let Some(shared) = &self.warm.0 else {
            return Ok(());
        };
        if changed.everything || shared.known.load(Ordering::SeqCst) != changed.version - 1 {
            return self.refresh_all().await;
        }
        if changed.partners {
            self.refresh_partners(None).await?;
        }
        let persons = self.store.persons_facts(&changed.persons).await?;
        let mut trainings = Vec::with_capacity(changed.trainings.len());
        let mut gone = Vec::new();
        for &id in &changed.trainings {
            match self.store.training_facts(id).await? {
                Some(facts) => trainings.push(facts),
                None => gone.push(id),
            }
        }
        let mut engine = write(shared);
        // Persons first: a training's share is worked out from its attendees' facts.
        engine.put_persons(persons);
        engine.put_trainings(trainings);
        for id in gone {
            engine.remove_training(id);
        }
        shared.known.store(changed.version, Ordering::SeqCst);
        Ok(())
    }

    /// The engine built again whole (after an import whose changes were not followed).
    pub(crate) async fn refresh_all(&self) -> Result<(), AppError> {
        let Some(shared) = &self.warm.0 else {
            return Ok(());
        };
        let (engine, version) = self.build_engine().await?;
        *write(shared) = engine;
        shared.known.store(version, Ordering::SeqCst);
        shared.builds.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// The data version the warm engine holds (`None` without one).
    pub fn engine_version(&self) -> Option<i64> {
        self.warm.0.as_ref().map(|s| s.known.load(Ordering::SeqCst))
    }

    /// How many times the warm engine has been built whole (0 without one).
    pub fn engine_builds(&self) -> i64 {
        self.warm
            .0
            .as_ref()
            .map_or(0, |s| s.builds.load(Ordering::SeqCst))
    }

    /// A new engine, and the data version read before its records (so that a write landing
    /// meanwhile makes it look behind, and it is built again, never the other way).
    async fn build_engine(&self) -> Result<(Engine, i64), AppError> {
        let source = self.engine_source().await?;
        let version = source.data_version().await?;
        let input = source.report_input(all_time()).await?;
        let engine = tokio::task::spawn_blocking(move || Engine::new(input))
            .await
            .map_err(|e| AppError::Invalid(format!("the report engine could not be built: {e}")))?;
        Ok((engine, version))
    }
}

/// How long a whole build waits for the read replica to hold what the store holds before it
/// reads the store itself: replication is a matter of milliseconds when it works, and an edit
/// made through another node should show within a second.
const REPLICA_WAIT: std::time::Duration = std::time::Duration::from_millis(800);

impl App {
    /// Where a whole build of the engine reads: the read replica once it holds the data version
    /// the store holds now (so that no build goes back before a write already seen), else the
    /// store itself: a replica that lags, or cannot be reached, slows nothing but itself.
    async fn engine_source(&self) -> Result<&cadre_store::Store, AppError> {
        let Some(replica) = &self.replica else {
            return Ok(&self.store);
        };
        let wanted = self.store.data_version().await?;
        let started = std::time::Instant::now();
        loop {
            match replica.data_version().await {
                Ok(held) if held >= wanted => return Ok(replica),
                Ok(_) if started.elapsed() < REPLICA_WAIT => {
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                _ => return Ok(&self.store),
            }
        }
    }
}

fn write(shared: &Shared) -> std::sync::RwLockWriteGuard<'_, Engine> {
    shared.engine.write().unwrap_or_else(|p| p.into_inner())
}

fn read(shared: &Shared) -> RwLockReadGuard<'_, Engine> {
    shared.engine.read().unwrap_or_else(|p| p.into_inner())
}
