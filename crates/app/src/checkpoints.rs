//! Checkpoints of the audit trail: its head (the last entry's number and hash), signed with
//! the installation's key and kept outside the database: written on demand (`cadre audit
//! checkpoint`) and by the server on a schedule into a folder of its own (beside an SQLite
//! database, `FILE.checkpoints`; for PostgreSQL, `checkpoints` in `CADRE_DATA_DIR`). A
//! verification passes through every checkpoint kept there and every one it is given: a trail
//! rewritten from an entry before a checkpoint is named, even by someone who recomputed every
//! digest.

use std::path::{Path, PathBuf};

use cadre_core::access::Action;
use cadre_core::audit::{Broken, Checkpoint};

use crate::audit::Verified;
use crate::{clock, Actor, App, AppError};

/// The largest checkpoint file read (one is six short lines).
const MAX_FILE: u64 = 4096;

impl App {
    /// Where the server keeps its checkpoints.
    pub fn checkpoint_folder(&self) -> PathBuf {
        match self.store.file() {
            Some(file) => {
                let mut name = file.as_os_str().to_owned();
                name.push(".checkpoints");
                PathBuf::from(name)
            }
            None => std::env::var_os("CADRE_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("cadre-data"))
                .join("checkpoints"),
        }
    }

    /// The trail's head now, signed.
    pub async fn audit_checkpoint(&self, actor: &Actor) -> Result<Checkpoint, AppError> {
        actor.must(Action::ManageUsers)?;
        let key = self.store.audit_trail_key()?;
        let (seq, hash) = self.store.audit_head().await?;
        Ok(Checkpoint::sign(&key, seq, &hash, &clock::now()))
    }

    /// The public key that checks this installation's checkpoints, and the fingerprint of
    /// its secret key (both safe to show).
    pub fn audit_public_key(&self, actor: &Actor) -> Result<(String, String), AppError> {
        actor.must(Action::ManageUsers)?;
        Ok(self.store.audit_public_key()?)
    }

    /// Writes a checkpoint into the server's folder, unless the newest there already signs
    /// this head; says the file written.
    pub async fn keep_checkpoint(&self, actor: &Actor) -> Result<Option<PathBuf>, AppError> {
        let c = self.audit_checkpoint(actor).await?;
        if c.seq == 0 {
            return Ok(None);
        }
        let folder = self.checkpoint_folder();
        let path = folder.join(format!("checkpoint-{:012}.txt", c.seq));
        let c2 = c.clone();
        let written = tokio::task::spawn_blocking(move || -> std::io::Result<Option<PathBuf>> {
            if path.exists() {
                return Ok(None);
            }
            private_folder(&folder)?;
            crate::files::replace_file(&path, c2.to_text().as_bytes(), 0o600)?;
            Ok(Some(path))
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the checkpoint could not be written: {e}")))?;
        written.map_err(|source| AppError::Io {
            path: self.checkpoint_folder().display().to_string(),
            source,
        })
    }

    /// Walks the whole trail through every checkpoint in the server's folder and every file
    /// given; a checkpoint whose signature does not hold, or made by another key, is named
    /// as the fault.
    pub async fn verify_audit_with(
        &self,
        actor: &Actor,
        files: &[PathBuf],
    ) -> Result<Result<Verified, Broken>, AppError> {
        actor.must(Action::ManageUsers)?;
        let key = self.store.audit_trail_key()?;
        let folder = self.checkpoint_folder();
        let files = files.to_vec();
        let read = tokio::task::spawn_blocking(move || {
            let mut all = kept(&folder)?;
            all.extend(files);
            all.into_iter()
                .map(|path| read_checkpoint(&path).map(|c| (c, path.display().to_string())))
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the checkpoints could not be read: {e}")))??;
        for (c, file) in &read {
            c.check(&key)
                .map_err(|e| AppError::Invalid(format!("checkpoint {file}: {e}")))?;
        }
        Ok(self
            .store
            .verify_trail(&read)
            .await?
            .map(|(entries, head)| Verified {
                entries,
                head,
                checkpoints: read.len(),
            }))
    }
}

/// The checkpoint files in the server's folder (none when it is not there).
fn kept(folder: &Path) -> Result<Vec<PathBuf>, AppError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(AppError::Io {
                path: folder.display().to_string(),
                source,
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("checkpoint-") && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn read_checkpoint(path: &Path) -> Result<Checkpoint, AppError> {
    let io = |source| AppError::Io {
        path: path.display().to_string(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE {
        return Err(AppError::Invalid(format!(
            "{} is not a checkpoint: it has {size} bytes, and a checkpoint has at most {MAX_FILE}",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    Checkpoint::parse(&text).map_err(|e| AppError::Invalid(format!("{}: {e}", path.display())))
}

/// Makes the folder if needed, readable by its owner only.
fn private_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}
