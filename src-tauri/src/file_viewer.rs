//! File outputs in the desktop window (PDFs today; CSV and XLSX reports next). WebKitGTK shows no
//! PDFs and has no downloads, so the shell saves the file under the data folder's `cetak/` and hands
//! it to the computer's program for it (the PDF viewer prints it). The folder holds personal data:
//! files older than a day are removed at every save.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a saved file stays in `cetak/`.
const KEEP: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Serialize)]
pub struct SavedFile {
    /// Where the file was written (shown to the officer).
    pub path: String,
    /// Whether a viewer was started; if not, the officer opens the file by hand.
    pub opened: bool,
}

/// The command's file name checked again at the edge: letters, digits, `-`, `_` and `.` only, never
/// starting with a dot, so it cannot leave the folder or hide in it.
pub fn safe_file_name(name: &str) -> String {
    let clean: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    let clean = clean.trim_start_matches(['.', '-']).chars().take(120).collect::<String>();
    if clean.is_empty() { "dokumen".to_string() } else { clean }
}

/// Removes files in `dir` last written more than `keep` ago (the folder holds only what this shell
/// saved); a file that cannot be removed stays.
pub fn prune(dir: &Path, keep: Duration, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > keep));
        if old && path.is_file() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes `bytes` to `cetak/NAME` in `data_dir` (through a temporary file, so a viewer never
/// opens half a PDF) and returns the path.
pub fn save(data_dir: &Path, file_name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let dir = data_dir.join("cetak");
    std::fs::create_dir_all(&dir)?;
    prune(&dir, KEEP, SystemTime::now());
    let path = dir.join(file_name);
    let tmp = dir.join(format!(".{file_name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Saves the file and starts the computer's default program for it (the PDF viewer for a PDF).
pub fn save_and_open(data_dir: &Path, file_name: &str, bytes: &[u8]) -> std::io::Result<SavedFile> {
    let path = save(data_dir, file_name, bytes)?;
    let opened = match open::that_detached(&path) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "no viewer started");
            false
        }
    };
    Ok(SavedFile { path: path.display().to_string(), opened })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_leave_the_folder() {
        assert_eq!(safe_file_name("bukti-perekaman-R-2026-0001-a5.pdf"), "bukti-perekaman-R-2026-0001-a5.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_file_name(""), "dokumen");
        assert_eq!(safe_file_name(".hidden.pdf"), "hidden.pdf");
        assert!(!safe_file_name("a/b\\c.pdf").contains(['/', '\\']));
    }

    #[test]
    fn save_writes_the_bytes_and_prunes_only_old_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = save(dir.path(), "slip-a5.pdf", b"%PDF-1.7 test").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 test");
        assert_eq!(path.parent().unwrap(), dir.path().join("cetak"));
        std::fs::create_dir(dir.path().join("cetak/sub")).unwrap();

        // A day and a minute later the file goes; a folder stays.
        let later = SystemTime::now() + KEEP + Duration::from_secs(60);
        prune(&dir.path().join("cetak"), KEEP, later);
        assert!(!path.exists());
        assert!(dir.path().join("cetak/sub").is_dir());

        // A fresh one is kept.
        let fresh = save(dir.path(), "receipt-80.pdf", b"%PDF").unwrap();
        prune(&dir.path().join("cetak"), KEEP, SystemTime::now());
        assert!(fresh.exists());
    }
}
