//! What every store's snapshots share: what a checked snapshot holds (`SnapshotInfo`),
//! the digest's reading of a row, and the refusal of a file that is no usable snapshot.
//! The formats themselves are the stores' (`file::snapshot`, `nextcloud::snapshot`).

use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

use super::Counts;
use crate::error::{Error, Id, Result};

#[derive(Debug)]
pub struct SnapshotInfo {
    pub user: String,
    pub created: i64,
    /// The file read (a label of the app's backups resolved to its file).
    pub source: std::path::PathBuf,
    /// What the file is: a pwaccount snapshot, or one of the Passwords app's backups.
    pub kind: SourceKind,
    /// Everything the snapshot holds of the account (shares received included).
    pub counts: Counts,
    /// Shares other accounts own with this account as receiver: recorded, not restored.
    pub received_shares: u64,
}

impl SnapshotInfo {
    /// What a restore of the snapshot writes back: everything but the shares it received
    /// (their owners' rows), the tokens (a restore leaves the current ones) and the
    /// sessions (a restore closes them).
    pub fn restored(&self) -> Counts {
        Counts {
            shares: self.counts.shares.saturating_sub(self.received_shares),
            tokens: 0,
            sessions: 0,
            ..self.counts
        }
    }
}

/// The kinds of file a restore reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A pwaccount snapshot (of either store).
    Snapshot,
    /// A backup the Passwords app wrote (`occ passwords:backup:create`, its cron job).
    AppBackup,
    /// A copy of the whole database (a dump loaded into a scratch database, a copy of the
    /// SQLite file), read into a pwaccount snapshot first.
    DatabaseCopy,
}

impl SourceKind {
    /// What the file is, in words after "the".
    pub fn noun(self) -> &'static str {
        match self {
            SourceKind::Snapshot => "snapshot",
            SourceKind::AppBackup => "Passwords app backup",
            SourceKind::DatabaseCopy => "snapshot of the database copy",
        }
    }
}

/// What a restore deletes and writes in one table (`restore --dry-run`).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct TableChange {
    pub table: String,
    pub delete: u64,
    pub write: u64,
}

/// One restore's writing, as a store is asked for it: `user`'s rows replaced with those
/// of the file at `path` (already checked) in one transaction, committed with `record`;
/// first, in that transaction, the account as it is now is written to `undo`, so that the
/// restore can be undone; with `require_blank`, refused if the account is no longer
/// blank. `progress` hears of each table written.
pub struct PutBack<'a> {
    pub path: &'a std::path::Path,
    pub user: &'a str,
    pub require_blank: bool,
    pub record: &'a crate::store::audit::Record,
    pub progress: &'a dyn Fn(&str),
    pub undo: &'a std::path::Path,
    pub now: i64,
}

/// What kind of file a restore was given, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An SQLite database: a pwaccount snapshot (its mark is checked later).
    Sqlite,
    /// A Passwords app backup, gzip-compressed or not.
    AppBackup,
    /// Anything else.
    Unknown,
}

/// The kind of the file at `path`, read from its first bytes. A path that is not a file
/// (missing, a folder) is left to the snapshot reader, whose refusal names why.
pub(crate) fn kind_of(path: &std::path::Path) -> Result<Kind> {
    use std::io::Read;
    if !path.is_file() {
        return Ok(Kind::Sqlite);
    }
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| cannot_read(path, &e))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(cannot_read(path, &e)),
        }
    }
    let head = &head[..n];
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let json = head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    Ok(if head.starts_with(b"SQLite format 3\0") {
        Kind::Sqlite
    } else if gzip || json {
        Kind::AppBackup
    } else {
        Kind::Unknown
    })
}

/// Whether the SQLite database at `path` has a table `name` (opened read only).
pub(crate) fn has_table(path: &std::path::Path, name: &str) -> Result<bool> {
    let conn = super::connect(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        std::time::Duration::ZERO,
    )?;
    Ok(conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap_or(0)
        > 0)
}

/// A file a restore cannot read.
pub(crate) fn cannot_read(path: &std::path::Path, e: &std::io::Error) -> Error {
    Error::new(
        Id::CannotReadFile,
        format!(
            "cannot read {}: {}; nothing was changed",
            path.display(),
            plain_io(e)
        ),
    )
}

/// What the system said, without its "(os error N)".
fn plain_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_owned(),
        _ => text,
    }
}

pub(crate) fn not_usable(why: String) -> Error {
    Error::new(
        Id::InvalidSnapshot,
        format!("this is not a usable pwaccount snapshot: {why}"),
    )
}

/// Add a row's `width` values to a snapshot digest: each as a type tag, its length and its
/// bytes (the same in both kinds of snapshot).
pub(crate) fn hash_row(hash: &mut Sha256, row: &rusqlite::Row<'_>, width: usize) -> Result<()> {
    for i in 0..width {
        let (tag, bytes): (u8, Vec<u8>) = match row.get_ref(i)? {
            ValueRef::Null => (0, Vec::new()),
            ValueRef::Integer(n) => (1, n.to_le_bytes().to_vec()),
            ValueRef::Real(f) => (2, f.to_le_bytes().to_vec()),
            ValueRef::Text(t) => (3, t.to_vec()),
            ValueRef::Blob(b) => (4, b.to_vec()),
        };
        hash.update([tag]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    Ok(())
}
