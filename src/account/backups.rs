//! `backups`: what a restore can use here. On Nextcloud the Passwords app's own backups
//! (each read as a stream for its format and users) and pwaccount's snapshots; on the
//! pwaccount file its snapshots.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::store::Counts;
use crate::store::nextcloud::app_backup;

/// One of the app's backups.
#[derive(Debug, Serialize)]
pub(crate) struct AppBackup {
    pub label: String,
    /// `manual` (made by hand or imported) or `automatic` (the cron job's).
    pub kind: &'static str,
    pub path: String,
    /// When the file was last written (Unix seconds).
    pub modified: i64,
    pub size: u64,
    /// The file's permission bits.
    #[serde(skip)]
    pub mode: u32,
    /// Whether anyone but its owner may read it.
    pub readable_by_others: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<usize>,
    /// With `--user`: what it holds of that user (`None`: the user is not in it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
    /// Why it could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One of pwaccount's snapshots.
#[derive(Debug, Serialize)]
pub(crate) struct Snapshot {
    pub name: String,
    pub path: String,
    pub modified: i64,
    pub size: u64,
}

/// Everything `backups` lists.
#[derive(Debug, Serialize)]
pub(crate) struct Listing {
    pub app_backups: Vec<AppBackup>,
    /// Where pwaccount's snapshots are.
    pub snapshot_folder: String,
    pub snapshots: Vec<Snapshot>,
}

fn modified(meta: &std::fs::Metadata) -> i64 {
    meta.mtime()
}

/// The backups `store` has (with `user`, what each holds of that user, and only that
/// user's snapshots).
pub(crate) fn list<S: Store + ?Sized>(store: &mut S, user: Option<&str>) -> Result<Listing> {
    let listed = store.app_backups()?;
    // Each backup is read whole (a stream); the files are read side by side, one thread
    // per core, in the order listed.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let per_thread = listed.len().div_ceil(threads).max(1);
    let app_backups = std::thread::scope(|scope| {
        let workers: Vec<_> = listed
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|b| {
                            crate::interrupt::check()?;
                            describe(b, user)
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(listed.len());
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| crate::error::Error::internal("a thread reading backups failed"))??;
            all.extend(part);
        }
        Ok::<_, crate::error::Error>(all)
    })?;
    let folder = store.snapshot_folder()?;
    Ok(Listing {
        app_backups,
        snapshot_folder: crate::text::path_text(&folder),
        snapshots: snapshots(&folder, user)?,
    })
}

/// One app backup as `backups` shows it; a file that is not a usable backup is listed
/// with the reason.
fn describe(listed: &app_backup::Listed, user: Option<&str>) -> Result<AppBackup> {
    let meta = std::fs::metadata(&listed.path);
    let (modified, size, mode) = match &meta {
        Ok(m) => (modified(m), m.len(), m.mode() & 0o7777),
        Err(_) => (0, 0, 0),
    };
    let mut entry = AppBackup {
        label: listed.label.clone(),
        kind: listed.kind,
        path: crate::text::path_text(&listed.path),
        modified,
        size,
        mode,
        readable_by_others: mode & 0o044 != 0,
        version: None,
        users: None,
        counts: None,
        error: None,
    };
    match app_backup::read(&listed.path, user) {
        Ok(backup) => {
            entry.version = backup.version;
            entry.users = Some(backup.users.len());
            entry.counts = user
                .filter(|u| backup.users.contains(*u))
                .map(|_| super::app_backup::counts(&backup));
        }
        Err(e) if e.id == crate::error::Id::Interrupted => return Err(e),
        Err(e) => entry.error = Some(e.message),
    }
    Ok(entry)
}

/// The snapshot files in `folder` (with `user`, only those named for that user), by name.
fn snapshots(folder: &Path, user: Option<&str>) -> Result<Vec<Snapshot>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(crate::store::snapshot::cannot_read(folder, &e)),
    };
    let mut found: Vec<(String, PathBuf, std::fs::Metadata)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| crate::store::snapshot::cannot_read(folder, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".sqlite") || name.starts_with('.') {
            continue;
        }
        if let Some(user) = user
            && !name.starts_with(&format!("{user}-"))
        {
            continue;
        }
        if let Ok(meta) = entry.metadata()
            && meta.is_file()
        {
            found.push((name, entry.path(), meta));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found
        .into_iter()
        .map(|(name, path, meta)| Snapshot {
            name,
            path: crate::text::path_text(&path),
            modified: modified(&meta),
            size: meta.len(),
        })
        .collect())
}
