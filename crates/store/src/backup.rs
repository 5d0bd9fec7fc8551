//! Backups, restores and the database's check (`backend/shared/check.rs`): a backup is a copy into a
//! new SQLite file read from one snapshot of the source, a restore a copy from one.

use crate::backend::{postgres, sqlite};
use crate::{CopyReport, Pool, Result, Store, StoreError};

impl Store {
    /// What is wrong with the database, in words (none when it is sound): see
    /// `backend/shared/check.rs`. `thorough` reads everything; without it, only what a server's start
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
        // A symbolic link counts as there already, even one pointing nowhere: a backup holds
        // password hashes and is never written through a link to somewhere else.
        if path.symlink_metadata().is_ok() {
            return Err(StoreError::Backup(format!(
                "{} is there already: name a new file",
                path.display()
            )));
        }
        let partial = path.with_extension("partial");
        remove_database(&partial);
        // Made first, readable by its owner only: SQLite gives its log files the mode of the
        // database file, so nothing of the backup is ever readable by others.
        private_file(&partial)?;
        // Keyed as this database is: the backup's trail is this one's, and no key file is
        // left beside the backup (the key is kept apart from it: see docs/operations.md).
        let target = Store::open_keyed(
            &format!("sqlite:{}", partial.display()),
            Some(self.audit_key()?),
        )
        .await?;
        let mut copied = self.copy_into(&target, false, progress).await;
        if copied.is_ok() {
            if let Pool::Sqlite(p) = &target.pool {
                if let Err(e) = mark_backup(p).await {
                    copied = Err(e);
                }
            }
        }
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
                remove_database(&partial);
                Err(StoreError::Backup(
                    "the backup's log could not be folded into it: nothing was kept".into(),
                ))
            }
            Ok(report) => {
                let moved = std::fs::rename(&partial, path).map_err(|e| {
                    StoreError::Backup(format!("cannot move the backup into place: {e}"))
                });
                // The shared-memory index SQLite left beside the copy is of no use now.
                remove_database(&partial);
                moved?;
                Ok(report)
            }
            Err(e) => {
                remove_database(&partial);
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
        self.restore_keyed(path, None, progress).await
    }

    /// Restores like [`Store::restore_from`], the backup's audit trail checked with the key in
    /// `key_file` (the installation's that made it, when another's), which this database then
    /// takes. A trail that does not hold with the key is not restored.
    pub async fn restore_keyed(
        &self,
        path: &std::path::Path,
        key_file: Option<&std::path::Path>,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport> {
        if !path.is_file() {
            return Err(StoreError::Backup(format!(
                "there is no backup at {}",
                path.display()
            )));
        }
        check_backup(path).await?;
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
        let key = match key_file {
            Some(file) => std::sync::Arc::new(crate::audit_key::read(file)?),
            None => self.audit_key()?,
        };
        let opened =
            Store::open_keyed(&format!("sqlite:{}", work.display()), Some(key.clone())).await;
        let copied = match opened {
            Ok(backup) => {
                let copied = match backup.trail_holds(&key).await {
                    Ok(()) => backup.copy_into(self, false, progress).await,
                    Err(e) => Err(e),
                };
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

impl Store {
    /// Refuses a backup whose audit trail does not hold with `key`. One made before the trail
    /// was keyed is sealed with the key first, if it holds as it was sealed then.
    async fn trail_holds(&self, key: &cadre_core::audit::Key) -> Result<()> {
        let broken = match self.verify_trail(&[]).await? {
            Ok(_) => return Ok(()),
            Err(broken) => broken,
        };
        if self.reseal_audit().await? > 0 && self.verify_trail(&[]).await?.is_ok() {
            return Ok(());
        }
        Err(StoreError::ForeignTrail(format!(
            "its audit trail does not hold with the audit key it was checked with (fingerprint {}): {broken}. A backup made by another installation is restored with that installation's key; nothing was restored",
            key.fingerprint()
        )))
    }
}

/// The table `cadre backup` writes into every backup, to say it is one: what made it and when.
const MARKER: &str = "cadre_backup";

/// Removes an SQLite file and its log and index files, if there.
fn remove_database(p: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = p.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(name));
    }
}

/// Creates an empty file readable and writable by its owner only, failing if anything (a
/// file, a link) is there.
fn private_file(p: &std::path::Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(p)
        .map(drop)
        .map_err(|e| StoreError::Backup(format!("cannot write {}: {e}", p.display())))
}

/// Writes the backup's marker.
async fn mark_backup(pool: &sqlx::SqlitePool) -> Result<()> {
    let made_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    sqlx::query(&format!(
        "CREATE TABLE {MARKER} (format TEXT NOT NULL, version TEXT NOT NULL, made_at INTEGER NOT NULL)"
    ))
    .execute(pool)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO {MARKER} (format, version, made_at) VALUES ('cadre.backup.v1', $1, $2)"
    ))
    .bind(env!("CARGO_PKG_VERSION"))
    .bind(made_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Refuses a file that is not a backup `cadre backup` wrote, saying what it lacks, before
/// anything of it is opened as a database (opening would bring an empty file up to date as a
/// new, empty cadre database, and a restore would then leave one without accounts).
async fn check_backup(path: &std::path::Path) -> Result<()> {
    use sqlx::ConnectOptions;
    let not = |why: String| {
        StoreError::Backup(format!(
            "{} is not a cadre backup: {why}; nothing was restored",
            path.display()
        ))
    };
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok();
    if !read || &head != b"SQLite format 3\0" {
        return Err(not("it is not an SQLite database file".into()));
    }
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| not(format!("it cannot be read ({e})")))?;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut conn)
            .await
            .map_err(|e| not(format!("its tables cannot be read ({e})")))?;
    let has = |t: &str| tables.iter().any(|n| n == t);
    let mut missing: Vec<&str> = Vec::new();
    if !has("_sqlx_migrations") {
        missing.push("its schema version (_sqlx_migrations)");
    }
    let lacking: Vec<&str> = crate::specs::SPECS
        .iter()
        .map(|s| s.name)
        .filter(|t| !has(t))
        .collect();
    let tables_missing = if lacking.is_empty() {
        String::new()
    } else {
        format!("the tables {}", lacking.join(", "))
    };
    if !lacking.is_empty() {
        missing.push(&tables_missing);
    }
    if !has(MARKER) {
        missing.push("the mark cadre backup writes into every backup");
    }
    if !missing.is_empty() {
        return Err(not(format!("it lacks {}", missing.join("; "))));
    }
    let format: Option<String> =
        sqlx::query_scalar(&format!("SELECT format FROM {MARKER} LIMIT 1"))
            .fetch_optional(&mut conn)
            .await
            .map_err(|e| not(format!("its mark cannot be read ({e})")))?;
    if format.as_deref() != Some("cadre.backup.v1") {
        return Err(not(format!(
            "its mark says {}",
            format.as_deref().unwrap_or("nothing")
        )));
    }
    Ok(())
}
