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
    /// Everything the snapshot holds of the account (shares received included).
    pub counts: Counts,
    /// Shares other accounts own with this account as receiver: recorded, not restored.
    pub received_shares: u64,
}

impl SnapshotInfo {
    /// What a restore of the snapshot writes back: everything but the shares it received
    /// (their owners' rows) and the tokens (a restore leaves the current ones).
    pub fn restored(&self) -> Counts {
        Counts {
            shares: self.counts.shares.saturating_sub(self.received_shares),
            tokens: 0,
            ..self.counts
        }
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
