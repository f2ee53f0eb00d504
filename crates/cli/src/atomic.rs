//! Atomic file writes: write to a temporary file in the same directory,
//! flush and sync it, then rename it over the target. An interrupted run
//! leaves either the old file or the new one, never a torn one. A target
//! that exists and is not a regular file (`/dev/null`, a pipe, a terminal)
//! is written to directly: renaming over it would replace the device with
//! a file. A set of
//! files (`AtomicDir`) is written into a temporary directory beside its
//! target and swapped with it at once. Temporaries left by a killed run
//! (`.NAME.tmp-PID`, `.NAME.old-PID` of a process that is gone) are removed
//! by the next run that writes NAME.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; it appears at its path only on `commit`.
pub struct AtomicFile {
    target: PathBuf,
    /// The temporary file renamed over the target; None when the target is
    /// a device or a pipe, written directly.
    tmp: Option<PathBuf>,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile, String> {
        if let Ok(meta) = std::fs::metadata(target) {
            if meta.is_dir() {
                return Err(format!("{} is a directory\n  hint: give a file name", target.display()));
            }
            if !meta.is_file() {
                let f = File::options()
                    .write(true)
                    .open(target)
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                return Ok(AtomicFile { target: target.to_path_buf(), tmp: None, out: Some(BufWriter::new(f)) });
            }
        }
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target.file_name().ok_or_else(|| format!("{} is not a file path", target.display()))?;
        remove_stale(dir, &name.to_string_lossy());
        let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
        let f = File::create(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        Ok(AtomicFile { target: target.to_path_buf(), tmp: Some(tmp), out: Some(BufWriter::new(f)) })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.out.as_mut().expect("not yet committed")
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> Result<(), String> {
        let out = self.out.take().expect("committed once");
        let f = out.into_inner().map_err(|e| format!("cannot write {}: {e}", self.target.display()))?;
        let Some(tmp) = &self.tmp else { return Ok(()) };
        f.sync_all().map_err(|e| format!("cannot sync {}: {e}", self.target.display()))?;
        std::fs::rename(tmp, &self.target).map_err(|e| format!("cannot write {}: {e}", self.target.display()))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (&self.out, &self.tmp) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Removes what killed runs left beside `dir/name`: `.NAME.tmp-PID` and
/// `.NAME.old-PID` files or directories of processes that no longer run.
fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".tmp-", ".old-"].iter().find_map(|mark| file.strip_prefix(&format!(".{name}{mark}")));
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok())
            && pid != std::process::id()
            && !running(pid)
        {
            let path = e.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Whether a process runs (where that can be told; elsewhere it is assumed
/// to, and its temporaries are left alone).
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// A set of files that appears at its directory at once, on `commit`: the
/// files are written into `.NAME.tmp-PID` beside it, which then takes the
/// place of the previous directory (an atomic exchange where the system has
/// one; else the previous directory is moved aside first, and removed
/// after). A run that fails or is killed leaves the previous set whole.
pub struct AtomicDir {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl AtomicDir {
    /// `ours`: the names of the files the set has. An existing target may
    /// hold only those (it is replaced whole), so no other file is lost.
    pub fn create(target: &Path, ours: &[&str]) -> Result<AtomicDir, String> {
        if target.is_file() {
            return Err(format!("cannot write into {}: it is a file, not a directory", target.display()));
        }
        let name = target.file_name().ok_or_else(|| format!("{} is not a directory path", target.display()))?;
        let name = name.to_string_lossy().into_owned();
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| {
            format!("cannot write into {}: cannot create directory {}: {e}", target.display(), parent.display())
        })?;
        if let Ok(entries) = std::fs::read_dir(target) {
            let mut others: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !ours.contains(&n.as_str()) && !n.starts_with('.'))
                .collect();
            if !others.is_empty() {
                others.sort();
                return Err(format!(
                    "cannot write into {}: it holds other files ({}), which replacing the set would remove; give a new or empty directory",
                    target.display(),
                    others.join(", ")
                ));
            }
        }
        remove_stale(parent, &name);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(|e| format!("cannot create directory {}: {e}", tmp.display()))?;
        Ok(AtomicDir { target: target.to_path_buf(), tmp, committed: false })
    }

    /// Where the files are written until `commit`.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Puts the set in place of the target.
    pub fn commit(mut self) -> Result<(), String> {
        let err = |e: std::io::Error| format!("cannot put the files in place at {}: {e}", self.target.display());
        File::open(&self.tmp).and_then(|d| d.sync_all()).map_err(err)?;
        if !self.target.exists() {
            std::fs::rename(&self.tmp, &self.target).map_err(err)?;
        } else if exchange(&self.tmp, &self.target).is_ok() {
            // The previous set is now at the temporary path.
            let _ = std::fs::remove_dir_all(&self.tmp);
        } else {
            let old = self.tmp.with_file_name(
                self.tmp.file_name().unwrap_or_default().to_string_lossy().replacen(".tmp-", ".old-", 1),
            );
            std::fs::rename(&self.target, &old).map_err(err)?;
            if let Err(e) = std::fs::rename(&self.tmp, &self.target) {
                let _ = std::fs::rename(&old, &self.target);
                return Err(err(e));
            }
            let _ = std::fs::remove_dir_all(&old);
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths, relative to the working directory.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no atomic exchange"))
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

    /// A target that is not a regular file is written to, not replaced by
    /// one (a pipe here: a device like `/dev/null` takes the same path,
    /// and a broken test must not break the machine's `/dev/null`).
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = std::env::temp_dir().join(format!("drawdown-atomic-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        assert!(made, "mkfifo");
        {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read(&fifo).unwrap())
            };
            write_atomic(&fifo, b"through the pipe").unwrap();
            assert_eq!(reader.join().unwrap(), b"through the pipe");
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe is still a pipe");
        }
        std::fs::remove_dir_all(&dir).unwrap();
        let e = write_atomic(&std::env::temp_dir(), b"x").unwrap_err();
        assert!(e.contains("is a directory"), "{e}");
    }

    #[test]
    fn a_set_replaces_the_previous_one_whole_and_stale_temporaries_go() {
        let root = std::env::temp_dir().join(format!("drawdown-atomic-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let target = root.join("tables");
        let write_set = |tag: &str, files: &[&str]| {
            let d = AtomicDir::create(&target, &["a.csv", "b.csv"]).unwrap();
            for f in files {
                std::fs::write(d.path().join(f), tag).unwrap();
            }
            d
        };
        write_set("one", &["a.csv", "b.csv"]).commit().unwrap();
        // A run that stops before the swap leaves the previous set whole, and no temporary.
        {
            let d = write_set("two", &["a.csv"]);
            assert_eq!(std::fs::read_to_string(target.join("a.csv")).unwrap(), "one");
            drop(d);
        }
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1, "no temporary left");
        write_set("three", &["a.csv", "b.csv"]).commit().unwrap();
        for f in ["a.csv", "b.csv"] {
            assert_eq!(std::fs::read_to_string(target.join(f)).unwrap(), "three", "{f}: the set changed at once");
        }
        // What a killed run leaves (a process that is gone) goes on the next run; a live one's stays.
        let dead = root.join(".tables.tmp-4000000000");
        std::fs::create_dir(&dead).unwrap();
        let dead_file = target.join(".a.csv.tmp-4000000001");
        std::fs::write(&dead_file, "x").unwrap();
        let live = root.join(format!(".tables.old-{}", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        write_set("four", &["a.csv", "b.csv"]).commit().unwrap();
        assert!(!dead.exists() && live.exists());
        write_atomic(&target.join("a.csv"), b"five").unwrap();
        assert!(!dead_file.exists(), "the stale file beside a.csv went");
        // Files that are not the set's are not thrown away.
        std::fs::write(target.join("notes.txt"), "mine").unwrap();
        let e = AtomicDir::create(&target, &["a.csv", "b.csv"]).err().unwrap();
        assert!(e.contains("other files (notes.txt)"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
