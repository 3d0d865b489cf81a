//! The file-system rules every store keeps: files it creates are private (0600), folders
//! it creates are private (0700), and a file or folder without write permission bits is
//! treated as read-only even for root (for whom the kernel would ignore them). And how a
//! snapshot file is written, whatever its format: under a temporary name beside its
//! destination (`PendingFile`), synced, then moved into place, never over the database
//! or an existing file unless allowed; its default name; what a dead run left behind.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Id, Result};
use crate::interrupt::Step;

/// Create `path` as a new, empty file readable and writable by its owner only; fails if
/// anything exists at the path.
pub(super) fn create_private_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Create `folder` (and its missing parents) with mode 0700.
pub(crate) fn create_private_folder(folder: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

/// Whether the permission bits forbid writing (for anyone, root included).
pub(super) fn no_write_bits(meta: &fs::Metadata) -> bool {
    meta.permissions().mode() & 0o222 == 0
}

/// The name of a temporary file: `.NAME.PID-NONCE.tmp` beside the destination, so that a
/// later run can tell whether the process that wrote it is still alive.
fn temp_name(dest_name: &str, pid: u32, nonce: &[u8]) -> String {
    format!(".{dest_name}.{pid}-{}.tmp", hex::encode(nonce))
}

/// The id of the process that wrote a temporary file (or its journal), from its name.
fn temp_owner(name: &str) -> Option<u32> {
    let name = ["-journal", "-wal", "-shm"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    let stem = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, tail) = stem.rsplit_once('.')?;
    let (pid, nonce) = tail.split_once('-')?;
    let hex_nonce = nonce.len() == 12 && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (hex_nonce && digits).then(|| pid.parse().ok()).flatten()
}

/// Remove the temporary files an interrupted or killed pwaccount left in `folder`: those
/// whose writer (by the process id in the name) is no longer running. Returns what was
/// removed.
pub(crate) fn remove_stale(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != std::process::id() && !crate::sys::process_alive(pid) {
            let path = entry.path();
            if fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed
}

/// A file being written: removed (with any journal SQLite left beside it) on drop unless
/// `finish` moved it into place.
pub(super) struct PendingFile {
    pub(super) tmp: PathBuf,
    done: bool,
}

impl PendingFile {
    pub(super) fn create(dest: &Path) -> Result<Self> {
        let folder = parent(dest);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut nonce = [0u8; 6];
        crate::crypto::random_bytes(&mut nonce)?;
        let tmp = folder.join(temp_name(&name, std::process::id(), &nonce));
        create_private_file(&tmp)
            .map_err(|e| file_error("cannot create a temporary file in", folder, &e))?;
        Ok(PendingFile { tmp, done: false })
    }

    /// Sync the file, then move it to `dest` (refusing to replace an existing file unless
    /// `overwrite`), then sync the folder so the new name survives a crash. Moving it into
    /// place is the backup's commit: an interruption before it leaves no file behind.
    pub(super) fn finish(mut self, dest: &Path, overwrite: bool, step: Step) -> Result<()> {
        fs::File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| file_error("cannot sync", &self.tmp, &e))?;
        crate::interrupt::commit(step, || {
            if overwrite {
                fs::rename(&self.tmp, dest).map_err(|e| file_error("cannot write", dest, &e))?;
            } else {
                // A hard link fails if the name exists, so an existing file is never replaced.
                fs::hard_link(&self.tmp, dest).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        exists(dest)
                    } else {
                        file_error("cannot write", dest, &e)
                    }
                })?;
                let _ = fs::remove_file(&self.tmp);
            }
            self.done = true;
            if let Ok(dir) = fs::File::open(parent(dest)) {
                let _ = dir.sync_all();
            }
            Ok(())
        })
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        let mut leftovers = vec![self.tmp.clone()];
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut name = self.tmp.clone().into_os_string();
            name.push(suffix);
            leftovers.push(PathBuf::from(name));
        }
        for (i, path) in leftovers.iter().enumerate() {
            if i > 0 || !self.done {
                let _ = fs::remove_file(path);
            }
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn exists(dest: &Path) -> Error {
    Error::new(
        Id::BackupExists,
        format!(
            "{} already exists; choose another path, or allow replacing it",
            dest.display()
        ),
    )
}

fn file_error(what: &str, path: &Path, e: &io::Error) -> Error {
    Error::new(Id::BackupFailed, format!("{what} {}: {e}", path.display()))
}

fn protected(dest: &Path, why: &str) -> Error {
    Error::new(
        Id::BackupTargetProtected,
        format!(
            "refusing to write a backup to {}: {why}; nothing was written",
            dest.display()
        ),
    )
}

/// The files SQLite keeps for the database at `db`: the file and its journals.
fn database_files(db: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut spellings = vec![db.to_path_buf()];
    if let Ok(real) = fs::canonicalize(db) {
        spellings.push(real);
    }
    for base in spellings {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = base.clone().into_os_string();
            name.push(suffix);
            files.push(PathBuf::from(name));
        }
    }
    files
}

/// `path` made absolute with `.` and `..` collapsed by their spelling alone.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .components()
    {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuse a destination that is, or could become, one of the database's own files, by any
/// spelling (`..`, symbolic links, hard links: compared by device and inode), or that
/// exists and is not a regular file. These hold even when replacing is allowed.
fn check_destination(dest: &Path, db: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let ours = database_files(db);
    // The destination as SQLite and the kernel will see it (its folder resolved), and as
    // written with `.` and `..` taken literally.
    let resolved = match (fs::canonicalize(parent(dest)), dest.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => dest.to_path_buf(),
    };
    let spellings = [dest.to_path_buf(), resolved, lexical(dest)];
    if ours.iter().any(|f| spellings.contains(f)) {
        return Err(protected(
            dest,
            "it is the database file or one of its journal files",
        ));
    }
    match fs::symlink_metadata(dest) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(protected(dest, "it is a symbolic link"));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(protected(dest, "it exists and is not a regular file"));
        }
        Ok(meta) => {
            let same = |f: &PathBuf| {
                fs::metadata(f).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
            };
            if ours.iter().any(same) {
                return Err(protected(
                    dest,
                    "it is the database file or one of its journal files (the same file under \
                     another name)",
                ));
            }
        }
        Err(_) => {}
    }
    Ok(())
}

/// Check (and, if `create`, make with mode 0700) the folder a snapshot goes to, and that
/// the destination may be written: never one of the database's own files (`db`), never
/// anything but a regular file, and an existing file only if `overwrite`.
pub(crate) fn prepare_folder(dest: &Path, db: &Path, overwrite: bool, create: bool) -> Result<()> {
    let folder = parent(dest);
    check_destination(dest, db)?;
    if create && !folder.exists() {
        super::files::create_private_folder(folder)
            .map_err(|e| file_error("cannot create the folder", folder, &e))?;
    }
    let meta = fs::metadata(folder).map_err(|e| file_error("cannot use the folder", folder, &e))?;
    if !meta.is_dir() {
        return Err(Error::new(
            Id::BackupFailed,
            format!("{} is not a folder", folder.display()),
        ));
    }
    // Checked by hand too: root would otherwise write through a folder marked read-only.
    if super::files::no_write_bits(&meta) {
        return Err(Error::new(
            Id::BackupFailed,
            format!("the folder {} is not writable", folder.display()),
        ));
    }
    if !overwrite && fs::symlink_metadata(dest).is_ok() {
        return Err(exists(dest));
    }
    Ok(())
}

/// Remove a snapshot written as a step of a change that then did not happen.
pub(crate) fn discard(path: &Path) {
    let _ = fs::remove_file(path);
    if let Ok(dir) = fs::File::open(parent(path)) {
        let _ = dir.sync_all();
    }
}

/// A file name for `user`'s snapshot: the id made safe (other characters become `_`, and a
/// short hash keeps distinct ids distinct) and a UTC timestamp.
pub(crate) fn file_name(user: &str, now: i64, suffix: &str) -> String {
    let safe: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    let safe = if safe == user && !safe.is_empty() {
        safe.to_owned()
    } else {
        let hash = hex::encode(&Sha256::digest(user.as_bytes())[..4]);
        format!("{safe}-{hash}")
    };
    let stamp = crate::text::utc_time(now)
        .replace(['-', ':'], "")
        .replace(' ', "T")
        .replace("TUTC", "Z");
    format!("{safe}-{stamp}{suffix}.sqlite")
}

/// A snapshot name in `folder` for `user` that is not taken yet (`-2`, `-3`, … added).
pub(crate) fn free_name(folder: &Path, user: &str, suffix: &str) -> Result<PathBuf> {
    let now = crate::text::now()?;
    let mut path = folder.join(file_name(user, now, suffix));
    let mut n = 2;
    while path.exists() {
        path = folder.join(file_name(user, now, &format!("{suffix}-{n}")));
        n += 1;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("alice", 0, ""), "alice-19700101T000000Z.sqlite");
        let a = file_name("a/b", 0, "");
        let b = file_name("a_b", 0, "");
        assert!(!a.contains('/'));
        assert_ne!(a, b);
        assert!(!file_name("..", 0, "").starts_with('.'));
        assert!(!file_name("x\\y:z", 0, "-reset").contains(['\\', ':']));
    }

    #[test]
    fn temporary_names_carry_their_writer() {
        let name = temp_name("alice.sqlite", 4242, &[0xab; 6]);
        assert_eq!(name, ".alice.sqlite.4242-abababababab.tmp");
        assert_eq!(temp_owner(&name), Some(4242));
        assert_eq!(temp_owner(&format!("{name}-journal")), Some(4242));
        for other in [
            "alice.sqlite",
            ".alice.sqlite.tmp",
            ".alice.sqlite.x-abababababab.tmp",
            ".alice.sqlite.42-abab.tmp",
            ".alice.sqlite.42-abababababab.tmp-other",
        ] {
            assert_eq!(temp_owner(other), None, "{other}");
        }
    }
}
