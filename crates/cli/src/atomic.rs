//! Atomic file writes: write to a temporary file in the same directory,
//! flush and sync it, then rename it over the target. An interrupted run
//! leaves either the old file or the new one, never a torn one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; it appears at its path only on `commit`.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile, String> {
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target.file_name().ok_or_else(|| format!("{} is not a file path", target.display()))?;
        let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
        let f = File::create(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        Ok(AtomicFile { target: target.to_path_buf(), tmp, out: Some(BufWriter::new(f)) })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.out.as_mut().expect("not yet committed")
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> Result<(), String> {
        let out = self.out.take().expect("committed once");
        let f = out.into_inner().map_err(|e| format!("cannot write {}: {e}", self.target.display()))?;
        f.sync_all().map_err(|e| format!("cannot sync {}: {e}", self.target.display()))?;
        std::fs::rename(&self.tmp, &self.target).map_err(|e| format!("cannot write {}: {e}", self.target.display()))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a whole file atomically.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut f = AtomicFile::create(target)?;
    f.writer().write_all(bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit_and_an_abandoned_write_leaves_no_trace() {
        let dir = std::env::temp_dir().join(format!("drawdown-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.csv");
        std::fs::write(&target, "old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.writer().write_all(b"half").unwrap();
            // dropped without commit: an interrupted run
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
