//! An upload's dry run or import with the page's choices, and the rows it set aside.

use super::{blocking, io, write_meta, ImportSettings, RejectsFile, Upload};
use crate::{Actor, App, AppError};

/// How an upload is to be run.
#[derive(Debug, Clone, Copy, Default)]
pub struct UploadRun {
    /// Check and count, write nothing.
    pub dry_run: bool,
    /// Import the good rows and keep the others to fix.
    pub set_aside: bool,
    /// The person confirmed the changes to participants already known that the last run
    /// listed; without it, an import that would make such changes is held.
    pub confirmed: bool,
}

impl App {
    /// The request that imports an upload with `settings`.
    pub(crate) fn upload_request(
        &self,
        up: &Upload,
        settings: &ImportSettings,
    ) -> crate::ImportRequest {
        let dir = self.uploads.join(&up.token);
        let mut r = crate::ImportRequest::new(up.kind, dir.join(&up.name));
        r.name = Some(up.name.clone());
        r.sheet = settings.sheet.clone();
        r.header_row = settings.header_row;
        r.settings = Some(settings.clone());
        r.training = settings.training.clone().filter(|t| !t.trim().is_empty());
        r.session = settings.session.clone().filter(|s| !s.trim().is_empty());
        r.date_order = settings
            .date_order
            .as_deref()
            .and_then(|o| cadre_core::date_order::DateOrder::parse(o).ok());
        r.from_page = true;
        r
    }

    /// A dry run, or the import, of an upload with the choices made on its page; rows with
    /// problems set aside when `set_aside`. Once imported, the sheet is removed and the rows
    /// set aside are kept to download.
    pub async fn import_upload(
        &self,
        actor: &Actor,
        token: &str,
        settings: &ImportSettings,
        how: UploadRun,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<crate::ImportOutcome, AppError> {
        let UploadRun {
            dry_run,
            set_aside,
            confirmed,
        } = how;
        settings.check()?;
        let up = self.upload(actor, token).await?;
        if !up.has_sheet {
            return Err(AppError::Invalid(format!(
                "{} was imported already: upload the file again to import it again",
                up.name
            )));
        }
        let dir = self.uploads.join(token);
        let mut request = self.upload_request(&up, settings);
        request.dry_run = dry_run;
        request.hold_person_changes = !confirmed;
        let (csv, xlsx) = (dir.join("rejects.csv"), dir.join("rejects.xlsx"));
        {
            let (csv, xlsx) = (csv.clone(), xlsx.clone());
            blocking(move || {
                let _ = std::fs::remove_file(&csv);
                let _ = std::fs::remove_file(&xlsx);
                Ok(())
            })
            .await?;
        }
        if set_aside {
            request.rejects = Some(csv);
            request.rejects_workbook = up.workbook.then_some(xlsx);
        }
        let outcome = self.import(actor, &request, progress).await?;
        // What this run settled is kept, so that the fixed rows are read the same way.
        let mut kept = settings.clone();
        for (column, order) in &outcome.date_orders {
            kept.date_orders
                .insert(column.clone(), order.as_str().to_string());
        }
        let committed = outcome.summary.as_ref().is_some_and(|s| !s.held) && !dry_run;
        let rejected = outcome.rejects.as_ref().map(|(_, n)| *n).filter(|n| *n > 0);
        let history = outcome.history_id;
        let (_, mut meta) = self.owned(actor, token).await?;
        blocking(move || {
            meta.settings = kept;
            meta.rejected = rejected;
            meta.last_run = Some(history);
            if committed {
                meta.imported = Some(history);
                let sheet = dir.join(&meta.name);
                std::fs::remove_file(&sheet).map_err(io(&sheet))?;
                if rejected.is_none() {
                    // Nothing left to fix: nothing is kept.
                    return std::fs::remove_dir_all(&dir).map_err(io(&dir));
                }
            }
            write_meta(&dir, &meta)
        })
        .await?;
        Ok(outcome)
    }

    /// The rows the last run of an upload set aside, as CSV or (for a workbook) XLSX. Handing
    /// them out is an export of personal data, kept in the audit trail.
    pub async fn upload_rejects(
        &self,
        actor: &Actor,
        token: &str,
        workbook: bool,
    ) -> Result<RejectsFile, AppError> {
        let up = self.upload(actor, token).await?;
        let path = self.uploads.join(token).join(if workbook {
            "rejects.xlsx"
        } else {
            "rejects.csv"
        });
        let p = path.clone();
        let bytes = blocking(move || match std::fs::read(&p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&p)(e)),
        })
        .await?
        .ok_or(AppError::NotFound {
            kind: "rejects file",
            id: 0,
        })?;
        self.note_export(
            actor,
            "import-rejects",
            &format!("rows set aside from {}", up.name),
        )
        .await?;
        let stem = up
            .name
            .rsplit_once('.')
            .map_or(up.name.as_str(), |(s, _)| s);
        let stem: String = stem
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
            .collect();
        let (ext, content_type) = if workbook {
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        } else {
            ("csv", "text/csv; charset=utf-8")
        };
        Ok(RejectsFile {
            name: format!(
                "{}-rejected.{ext}",
                if stem.is_empty() { "sheet" } else { &stem }
            ),
            content_type,
            bytes,
        })
    }
}
