//! `backups`: what a restore can use here. On Nextcloud the Passwords app's own backups
//! (each read as a stream for its format and users) and pwaccount's snapshots; on the
//! pwaccount file its snapshots.

use std::collections::BTreeMap;
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

/// What the index keeps of one backup file, while the file is the same.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct Summary {
    file: app_backup::FileVersion,
    version: Option<i64>,
    error: Option<String>,
    /// Every user's rows not flagged deleted, per table (as `app_backup::RESTORED`).
    users: BTreeMap<String, [u64; 10]>,
}

/// The summaries of the app's backups, by file: reading 28 backups of a large
/// installation takes seconds, and the cron job adds one a day, so each file is read once
/// and its summary kept in pwaccount's folder (0600) until the file changes.
#[derive(Debug, Default, Serialize, serde::Deserialize)]
struct Index {
    format: u32,
    files: BTreeMap<String, Summary>,
}

const INDEX_FORMAT: u32 = 1;

fn load_index(path: &Path) -> Index {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Index>(&bytes).ok())
        .filter(|i| i.format == INDEX_FORMAT)
        .unwrap_or_default()
}

/// Write the index (private, whole or not at all); a folder pwaccount cannot write only
/// means the next listing reads the files again.
fn save_index(path: &Path, index: &Index) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let Some(folder) = path.parent() else { return };
    if !folder.is_dir() && crate::store::files::create_private_folder(folder).is_err() {
        return;
    }
    let tmp = folder.join(format!(".app-backups-index.{}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(&serde_json::to_vec(index).unwrap_or_default())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The backups `store` has (with `user`, what each holds of that user, and only that
/// user's snapshots).
pub(crate) fn list<S: Store + ?Sized>(store: &mut S, user: Option<&str>) -> Result<Listing> {
    let listed = store.app_backups()?;
    let folder = store.snapshot_folder()?;
    let index_path = folder
        .parent()
        .map(|p| p.join("app-backups-index.json"))
        .unwrap_or_default();
    let mut index = if listed.is_empty() {
        Index::default()
    } else {
        load_index(&index_path)
    };
    // The files not summarized yet (or changed) are read side by side, one thread per
    // core; each is read whole, as a stream.
    let mut stale = Vec::new();
    for b in &listed {
        let key = crate::text::path_text(&b.path);
        let version = app_backup::FileVersion::of(&b.path).ok();
        if version.is_none() || index.files.get(&key).map(|s| s.file) != version {
            stale.push(b);
        }
    }
    let fresh = summarize_all(&stale)?;
    let changed = !fresh.is_empty();
    for (b, summary) in stale.iter().zip(fresh) {
        if let Some(summary) = summary {
            index.files.insert(crate::text::path_text(&b.path), summary);
        }
    }
    let mut app_backups = Vec::with_capacity(listed.len());
    for b in &listed {
        app_backups.push(describe(
            b,
            index.files.get(&crate::text::path_text(&b.path)),
            user,
        ));
    }
    if changed || index.files.len() != listed.len() {
        let present: std::collections::BTreeSet<String> = listed
            .iter()
            .map(|b| crate::text::path_text(&b.path))
            .collect();
        index.files.retain(|k, _| present.contains(k));
        index.format = INDEX_FORMAT;
        save_index(&index_path, &index);
    }
    Ok(Listing {
        app_backups,
        snapshot_folder: crate::text::path_text(&folder),
        snapshots: snapshots(&folder, user)?,
    })
}

/// The summaries of `files`, read side by side (`None`: the file vanished meanwhile).
fn summarize_all(files: &[&app_backup::Listed]) -> Result<Vec<Option<Summary>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let per_thread = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|b| {
                            crate::interrupt::check()?;
                            summarize(&b.path)
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(files.len());
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| crate::error::Error::internal("a thread reading backups failed"))??;
            all.extend(part);
        }
        Ok(all)
    })
}

/// One file's summary; a file that is not a usable backup is summarized by the reason.
fn summarize(path: &Path) -> Result<Option<Summary>> {
    let Ok(file) = app_backup::FileVersion::of(path) else {
        return Ok(None);
    };
    Ok(Some(match app_backup::summarize(path) {
        Ok(mut backup) => {
            // Users with keys or settings but no rows hold nothing, and are counted.
            for user in &backup.users {
                backup.per_user.entry(user.clone()).or_default();
            }
            Summary {
                file,
                version: backup.version,
                error: None,
                users: backup.per_user,
            }
        }
        Err(e) if e.id == crate::error::Id::Interrupted => return Err(e),
        Err(e) => Summary {
            file,
            version: None,
            error: Some(e.message),
            users: BTreeMap::new(),
        },
    }))
}

/// One app backup as `backups` shows it.
fn describe(
    listed: &app_backup::Listed,
    summary: Option<&Summary>,
    user: Option<&str>,
) -> AppBackup {
    let meta = std::fs::metadata(&listed.path);
    let (modified, size, mode) = match &meta {
        Ok(m) => (m.mtime(), m.len(), m.mode() & 0o7777),
        Err(_) => (0, 0, 0),
    };
    let counts = |c: &[u64; 10]| Counts {
        password_revisions: c[0],
        passwords: c[1],
        folder_revisions: c[2],
        folders: c[3],
        tag_revisions: c[4],
        tags: c[5],
        password_tags: c[6],
        shares: c[7],
        keychains: c[8],
        ..Counts::default()
    };
    AppBackup {
        label: listed.label.clone(),
        kind: listed.kind,
        path: crate::text::path_text(&listed.path),
        modified,
        size,
        mode,
        readable_by_others: mode & 0o044 != 0,
        version: summary.and_then(|s| s.version),
        users: summary.filter(|s| s.error.is_none()).map(|s| s.users.len()),
        counts: summary
            .zip(user)
            .and_then(|(s, u)| s.users.get(u))
            .map(counts),
        error: match summary {
            Some(s) => s.error.clone(),
            None => Some("it vanished while it was read".into()),
        },
    }
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
            modified: meta.mtime(),
            size: meta.len(),
        })
        .collect())
}
