//! Files cadre writes where others may have put things first (a folder for the web site, the
//! checkpoints' folder): each written whole under a fresh name beside its own and renamed over
//! it, so that a symbolic link standing at its name is replaced, never written through, and a
//! reader never sees half a file.

use std::path::{Path, PathBuf};

/// Writes `bytes` as the file at `path` (replacing a file or a link there), with `mode`.
pub(crate) fn replace_file(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    // Whatever stands at the partial name (a link put there) is removed, not followed: the
    // file is then created anew, failing if anything appears there meanwhile.
    let _ = std::fs::remove_file(&partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let written = options.open(&partial).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let placed = written.and_then(|()| std::fs::rename(&partial, path));
    if placed.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    placed
}
