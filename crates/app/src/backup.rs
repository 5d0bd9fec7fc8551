//! Backups, restores and the database's check, as an admin asks for them: a backup holds
//! every record, account and audit entry (personal data: it is an export, and the trail keeps
//! it), a restore fills an empty database from one, and the check says what is wrong with the
//! database and its audit trail.

use std::path::Path;

use cadre_core::access::Action;
use cadre_store::CopyReport;

use crate::{Actor, App, AppError};

impl App {
    /// Writes a consistent backup of the whole database to `path` (a new file), while the
    /// application goes on serving and writing.
    pub async fn backup(
        &self,
        actor: &Actor,
        path: &Path,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport, AppError> {
        actor.must(Action::ManageUsers)?;
        actor.must(Action::PersonalData)?;
        if path.exists() {
            return Err(AppError::Invalid(format!(
                "backup: {} is there already: name a new file",
                path.display()
            )));
        }
        // Noted first: the backup then holds its own note. One that fails is noted again as
        // failed, so the trail does not claim the data left when it did not.
        self.note_export(actor, "backup", &path.display().to_string())
            .await?;
        match self.store.backup_to(path, progress).await {
            Ok(report) => Ok(report),
            Err(e) => {
                let detail = cadre_core::text::shown(&format!("{}: {e}", path.display()), 500);
                self.audit(
                    &actor.name,
                    &actor.address,
                    "export-failed",
                    "backup",
                    None,
                    &detail,
                )
                .await?;
                Err(e.into())
            }
        }
    }

    /// Brings a backup back into this database, which must hold no records.
    pub async fn restore(
        &self,
        actor: &Actor,
        path: &Path,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport, AppError> {
        self.restore_keyed(actor, path, None, progress).await
    }

    /// Restores like [`App::restore`], the backup's audit trail checked with the key in
    /// `key_file` (the installation's that made it), which this database then takes.
    pub async fn restore_keyed(
        &self,
        actor: &Actor,
        path: &Path,
        key_file: Option<&Path>,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport, AppError> {
        actor.must(Action::ManageUsers)?;
        let report = self.store.restore_keyed(path, key_file, progress).await?;
        // Whatever the engine held is not what the database holds now.
        if self.engine().is_some() {
            self.refresh_all().await?;
        }
        Ok(report)
    }

    /// What is wrong with the database (its file, references, report cache) and its audit
    /// trail, in words; none when all is sound. `thorough` reads everything.
    pub async fn check(&self, actor: &Actor, thorough: bool) -> Result<Vec<String>, AppError> {
        actor.must(Action::ManageUsers)?;
        let mut problems = self.store.check(thorough).await?;
        if thorough {
            if let Err(broken) = self.verify_audit(actor).await? {
                problems.push(format!("the audit trail is broken: {broken}"));
            }
        }
        Ok(problems)
    }
}

/// A backup made to be downloaded: the file (in the system's temporary folder, readable by
/// this user only) and its size.
#[derive(Debug)]
pub struct BackupFile {
    pub path: std::path::PathBuf,
    pub size: u64,
}

/// How much of a backup file is read at a time, as it is sent.
const PIECE: usize = 256 * 1024;

impl App {
    /// A backup for a download: made into a new file in the temporary folder, to be read with
    /// [`read_then_remove`].
    pub async fn backup_for_download(&self, actor: &Actor) -> Result<BackupFile, AppError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("cadre-backup-{}-{nanos}.db", std::process::id()));
        self.backup(actor, &path, &mut |_, _| {}).await?;
        let size = tokio::fs::metadata(&path)
            .await
            .map_err(|e| AppError::Io {
                path: path.display().to_string(),
                source: e,
            })?
            .len();
        Ok(BackupFile { path, size })
    }
}

/// Reads a file in pieces on a thread of its own (never on the server's async threads, and
/// never whole in memory), sending each as it is read, then removes it, sent or not (the
/// reader may go away).
pub fn read_then_remove(
    path: std::path::PathBuf,
) -> tokio::sync::mpsc::Receiver<std::io::Result<Vec<u8>>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let sent = (|| -> std::io::Result<()> {
            let mut file = std::fs::File::open(&path)?;
            loop {
                let mut buf = vec![0u8; PIECE];
                let n = file.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                buf.truncate(n);
                if tx.blocking_send(Ok(buf)).is_err() {
                    // The reader went away: nothing more to send.
                    return Ok(());
                }
            }
        })();
        if let Err(e) = sent {
            let _ = tx.blocking_send(Err(e));
        }
        let _ = std::fs::remove_file(&path);
    });
    rx
}
