//! Imports of uploads running on their own task, followed by whoever started them: the
//! request that starts one may answer before it ends, and a later request asks how far it has
//! read, and, once it is done, takes what it did (once).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{ImportSettings, Upload, UploadRun};
use crate::{Actor, App, AppError, ImportOutcome};

/// The imports running, by their upload's token, each with who started it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Jobs(Arc<Mutex<HashMap<String, Running>>>);

/// A job with who started it.
type Running = (Who, Arc<Job>);

/// An account as a job knows it: only whoever started a job follows it.
type Who = (Option<i64>, String);

fn who(actor: &Actor) -> Who {
    (actor.account, actor.name.clone())
}

/// One import running, and how far it has read.
#[derive(Debug, Default)]
struct Job {
    /// The file's own name.
    name: String,
    read: AtomicU64,
    total: AtomicU64,
    finished: Mutex<Option<Finished>>,
}

/// What an import of an upload did, with what the page that started it needs to say so.
#[derive(Debug)]
pub struct Finished {
    pub result: Result<ImportOutcome, AppError>,
    /// The choices the page sent with it, to show them again beside its outcome.
    pub choices: BTreeMap<String, String>,
    pub dry_run: bool,
    pub upload: Upload,
}

/// Where a job stands.
#[derive(Debug)]
pub enum JobState {
    /// Still reading: rows (or bytes) read of the total.
    Running {
        name: String,
        read: u64,
        total: u64,
    },
    Done(Box<Finished>),
    /// No job of this actor's under the token: done and said already, or never theirs.
    Unknown,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl App {
    /// Starts the dry run or the import of an upload on its own task, and returns at once:
    /// [`App::import_job`] follows it.
    pub async fn start_upload_import(
        &self,
        actor: &Actor,
        token: &str,
        settings: ImportSettings,
        how: UploadRun,
        choices: BTreeMap<String, String>,
    ) -> Result<(), AppError> {
        let upload = self.upload(actor, token).await?;
        let job = Arc::new(Job {
            name: upload.name.clone(),
            ..Job::default()
        });
        lock(&self.jobs.0).insert(token.to_string(), (who(actor), job.clone()));
        let (app, actor, token) = (self.clone(), actor.clone(), token.to_string());
        tokio::spawn(async move {
            let running = job.clone();
            let result = app
                .import_upload(&actor, &token, &settings, how, &mut |read, total| {
                    running.read.store(read, Ordering::Relaxed);
                    running.total.store(total, Ordering::Relaxed);
                })
                .await;
            *lock(&job.finished) = Some(Finished {
                result,
                choices,
                dry_run: how.dry_run,
                upload,
            });
        });
        Ok(())
    }

    /// Where the actor's import of this upload stands; a finished one is handed over once.
    pub fn import_job(&self, actor: &Actor, token: &str) -> JobState {
        let mut jobs = lock(&self.jobs.0);
        let Some((owner, job)) = jobs.get(token) else {
            return JobState::Unknown;
        };
        if *owner != who(actor) {
            return JobState::Unknown;
        }
        let job = job.clone();
        let finished = lock(&job.finished).take();
        match finished {
            Some(f) => {
                jobs.remove(token);
                JobState::Done(Box::new(f))
            }
            None => JobState::Running {
                name: job.name.clone(),
                read: job.read.load(Ordering::Relaxed),
                total: job.total.load(Ordering::Relaxed),
            },
        }
    }
}
