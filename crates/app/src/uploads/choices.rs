//! What the import page offers to choose from for an upload: the trainings and sessions its
//! rows may be of, the first rows as they would be read, and the proposed mapping.

use cadre_core::access::Action;

use super::{ImportSettings, Upload};
use crate::{Actor, App, AppError};

/// A training an upload's rows can be said to belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingChoice {
    pub code: String,
    /// `CODE: Title (start)`, as the page lists it.
    pub label: String,
}

/// How many trainings the page offers to choose from (the most recent first).
const MAX_CHOICES: usize = 5_000;

impl App {
    /// The trainings an import may name, the most recent first.
    pub async fn training_choices(&self, actor: &Actor) -> Result<Vec<TrainingChoice>, AppError> {
        actor.must(Action::Import)?;
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let page = self.store.trainings_after(after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            all.extend(page.into_iter().map(|t| t.record));
            if all.len() >= 50 * MAX_CHOICES {
                break;
            }
        }
        let key =
            |t: &cadre_core::TrainingRecord| t.start.map(|d| d.to_string()).unwrap_or_default();
        all.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.code.cmp(&b.code)));
        Ok(all
            .into_iter()
            .take(MAX_CHOICES)
            .map(|t| TrainingChoice {
                label: match &t.start {
                    Some(d) => format!("{}: {} ({d})", t.code, t.title),
                    None => format!("{}: {}", t.code, t.title),
                },
                code: t.code,
            })
            .collect())
    }

    /// The sessions of a training, by their start dates (none for a training held once).
    pub async fn session_choices(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        actor.must(Action::Import)?;
        Ok(self
            .store
            .sessions(code)
            .await?
            .into_iter()
            .map(|s| s.start.to_string())
            .collect())
    }

    /// The first rows of an upload as its import would read them with `settings`.
    pub async fn preview_upload(
        &self,
        actor: &Actor,
        token: &str,
        settings: &ImportSettings,
        rows: usize,
    ) -> Result<(Upload, crate::Preview), AppError> {
        settings.check()?;
        let up = self.upload(actor, token).await?;
        if !up.has_sheet {
            return Err(AppError::NotFound {
                kind: "upload",
                id: 0,
            });
        }
        let request = self.upload_request(&up, settings);
        let preview = self.preview(actor, &request, rows).await?;
        Ok((up, preview))
    }

    /// How cadre proposes to read an upload's columns and values.
    pub async fn propose_upload(
        &self,
        actor: &Actor,
        token: &str,
        settings: &ImportSettings,
    ) -> Result<cadre_import::Proposal, AppError> {
        settings.check()?;
        let up = self.upload(actor, token).await?;
        let mut request = self.upload_request(&up, settings);
        // The proposal is of the sheet as it comes, not of the choices already made.
        request.settings = None;
        self.propose_mapping(actor, &request).await
    }
}
