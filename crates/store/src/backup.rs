//! Backups, restores and the database's check (`backend/check.rs`): a backup is a copy into a
//! new SQLite file read from one snapshot of the source, a restore a copy from one.

use crate::backend::{postgres, sqlite};
use crate::{CopyReport, Pool, Result, Store, StoreError};

impl Store {
    /// What is wrong with the database, in words (none when it is sound): see
    /// `backend/check.rs`. `thorough` reads everything; without it, only what a server's start
    /// can afford.
    pub async fn check(&self, thorough: bool) -> Result<Vec<String>> {
        on_backend!(self, check::check(thorough))
    }

    /// How durable a commit is, in words (`full: ...` when it is on disk before it returns).
    pub async fn durability(&self) -> Result<String> {
        on_backend!(self, check::durability())
    }

    /// Writes a consistent copy of every record (accounts and the audit trail included) into
    /// a new SQLite file at `path`, while others may go on writing: the backup. It is written
    /// beside `path` first and renamed into place once whole, so a backup that failed leaves
    /// nothing that looks like one. The file is cadre's own database, which any cadre opens.
    pub async fn backup_to(
        &self,
        path: &std::path::Path,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport> {
        if path.exists() {
            return Err(StoreError::Backup(format!(
                "{} is there already: name a new file",
                path.display()
            )));
        }
        let partial = path.with_extension("partial");
        let remove = |p: &std::path::Path| {
            for suffix in ["", "-wal", "-shm"] {
                let mut name = p.as_os_str().to_owned();
                name.push(suffix);
                let _ = std::fs::remove_file(std::path::PathBuf::from(name));
            }
        };
        remove(&partial);
        let target = Store::open(&format!("sqlite:{}", partial.display())).await?;
        let copied = self.copy_into(&target, false, progress).await;
        // The log folded into the file and emptied: the backup is the one file.
        if copied.is_ok() {
            if let Pool::Sqlite(p) = &target.pool {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
            }
        }
        target.close().await;
        let mut log = partial.as_os_str().to_owned();
        log.push("-wal");
        let log = std::path::PathBuf::from(log);
        if std::fs::metadata(&log).is_ok_and(|m| m.len() == 0) {
            let _ = std::fs::remove_file(&log);
        }
        match copied {
            Ok(_) if log.exists() => {
                remove(&partial);
                Err(StoreError::Backup(
                    "the backup's log could not be folded into it: nothing was kept".into(),
                ))
            }
            Ok(report) => {
                std::fs::rename(&partial, path).map_err(|e| {
                    StoreError::Backup(format!("cannot move the backup into place: {e}"))
                })?;
                Ok(report)
            }
            Err(e) => {
                remove(&partial);
                Err(e)
            }
        }
    }

    /// Brings a backup (a file [`Store::backup_to`] wrote) back into this database, which
    /// must hold no records: every record, account and audit entry, ids kept.
    pub async fn restore_from(
        &self,
        path: &std::path::Path,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport> {
        if !path.is_file() {
            return Err(StoreError::Backup(format!(
                "there is no backup at {}",
                path.display()
            )));
        }
        // Read from a copy of the file, opened as a database of this cadre: a backup made by
        // an earlier version is brought up to date there, and the backup itself is left as it
        // was.
        let work = std::env::temp_dir().join(format!(
            "cadre-restore-{}-{}.db",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::copy(path, &work).map_err(|e| {
            StoreError::Backup(format!("cannot read the backup {}: {e}", path.display()))
        })?;
        let opened = Store::open(&format!("sqlite:{}", work.display())).await;
        let copied = match opened {
            Ok(backup) => {
                let copied = backup.copy_into(self, false, progress).await;
                backup.close().await;
                copied
            }
            Err(e) => Err(e),
        };
        for suffix in ["", "-wal", "-shm"] {
            let mut name = work.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(std::path::PathBuf::from(name));
        }
        copied
    }
}
