//! Where the audit trail's key is kept, and reading or making it. The key is not in the
//! database: whoever can change the database file (or its PostgreSQL tables) and not read the
//! key cannot recompute the trail's digests. It is found, in order:
//! - `CADRE_AUDIT_KEY`: the key itself, 64 hexadecimal digits (for deployments that hand
//!   secrets over in the environment);
//! - `CADRE_AUDIT_KEY_FILE`: the path of its file;
//! - beside an SQLite database, `FILE.audit-key`;
//! - for PostgreSQL, `audit.key` in `CADRE_DATA_DIR` (default `cadre-data` in the working
//!   folder).
//!
//! A file that is not there is made at the first writing open, readable by its owner only.
//! The key is never printed: docs/operations.md says how to keep it, back it up and rotate it.

use std::path::{Path, PathBuf};

use cadre_core::audit::Key;

use crate::{Result, StoreError};

/// Where the key's file is for a database (`file`: an SQLite database's file; for
/// PostgreSQL, `None` and the schema it is kept in, if not the default one: each schema is a
/// database of its own, with its own key), unless the environment gives the key itself.
pub(crate) fn key_path(file: Option<&Path>, schema: Option<&str>) -> PathBuf {
    if let Some(path) = std::env::var_os("CADRE_AUDIT_KEY_FILE") {
        return PathBuf::from(path);
    }
    match file {
        Some(file) => {
            let mut name = file.as_os_str().to_owned();
            name.push(".audit-key");
            PathBuf::from(name)
        }
        None => std::env::var_os("CADRE_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("cadre-data"))
            // Schema names are lower-case letters, digits and underscores (checked when the
            // address is read): safe in a file name.
            .join(match schema {
                Some(schema) => format!("audit-{schema}.key"),
                None => "audit.key".to_string(),
            }),
    }
}

fn from_environment() -> Result<Option<Key>> {
    match std::env::var("CADRE_AUDIT_KEY") {
        Ok(text) => Key::parse(&text)
            .map(Some)
            .map_err(|e| StoreError::AuditKey(format!("CADRE_AUDIT_KEY: {e}"))),
        Err(_) => Ok(None),
    }
}

/// Reads the key from its file.
pub(crate) fn read(path: &Path) -> Result<Key> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| StoreError::AuditKey(format!("cannot read {}: {e}", path.display())))?;
    Key::parse(&text).map_err(|e| StoreError::AuditKey(format!("{}: {e}", path.display())))
}

/// The key of a database opened for reading: `None` when it has none yet.
pub(crate) fn load(path: &Path) -> Result<Option<Key>> {
    if let Some(key) = from_environment()? {
        return Ok(Some(key));
    }
    // Missing, or not readable by this user (a database read by someone who may not hold
    // its key): the records read all the same, and only the trail's check says it needs it.
    Ok(read(path).ok())
}

/// The key of a database opened for writing, made if it has none; says whether it was made.
pub(crate) fn load_or_make(path: &Path) -> Result<(Key, bool)> {
    if let Some(key) = from_environment()? {
        return Ok((key, false));
    }
    match write_new(path, &fresh()?) {
        Ok(key) => Ok((key, true)),
        // Made already (by this database's first open, or another process a moment ago).
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok((read(path)?, false)),
        Err(e) => Err(StoreError::AuditKey(format!(
            "cannot make {}: {e}",
            path.display()
        ))),
    }
}

/// 32 bytes of the operating system's randomness.
fn fresh() -> Result<Key> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::AuditKey(format!("no randomness to make a key from: {e}")))?;
    Ok(Key::from_bytes(bytes))
}

/// Writes a key file that is not there yet (never over one, never through a link), readable
/// by its owner only, whole or not at all: written beside and linked into place.
pub(crate) fn write_new(path: &Path, key: &Key) -> std::io::Result<Key> {
    use std::io::Write;
    if path.symlink_metadata().is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&partial).and_then(|mut f| {
        f.write_all(key.to_file_text().as_bytes())?;
        f.sync_all()
    });
    // A hard link fails if the name is taken: of two processes making the key at once, one
    // wins and the other reads the winner's.
    let placed = written.and_then(|()| std::fs::hard_link(&partial, path));
    let _ = std::fs::remove_file(&partial);
    placed.map(|()| key.clone())
}

/// Puts `key` in the file at `path`, replacing what is there: written beside and renamed into
/// place, owner-only.
pub(crate) fn replace(path: &Path, key: &Key) -> Result<()> {
    let mut fresh = path.as_os_str().to_owned();
    fresh.push(format!(".new-{}", std::process::id()));
    let fresh = PathBuf::from(fresh);
    let _ = std::fs::remove_file(&fresh);
    write_new(&fresh, key)
        .and_then(|_| std::fs::rename(&fresh, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&fresh);
            StoreError::AuditKey(format!("cannot write {}: {e}", path.display()))
        })
}
