//! What the account flows need from a store, at the level of rows and keys, inside one
//! transaction. The pwaccount file and a Nextcloud installation each implement it; a flow
//! is written once against it (`account::reset`), so a rule it follows holds for both.

use std::path::Path;

use super::Counts;
use super::audit::Record;
use crate::error::Result;

/// A store a flow opens its transactions on.
pub(crate) trait Transactions {
    /// A transaction of this store, with the row operations of the flows.
    type Tx<'a>: Rows
    where
        Self: 'a;
    /// One consistent read of everything a command reads.
    fn reading(&mut self) -> Result<Self::Tx<'_>>;
    /// The command's one write transaction; it rolls back unless committed.
    fn writing(&mut self) -> Result<Self::Tx<'_>>;
}

/// The row operations of the flows, in a transaction of the store.
pub(crate) trait Rows {
    /// A setting of pwaccount's for this store (the reset-code lifetime), as stored.
    fn setting(&self, key: &str) -> Result<Option<String>>;
    /// The pending reset code of `user`: its hash and expiry.
    fn pending_reset(&self, user: &str) -> Result<Option<(String, i64)>>;
    /// Record a reset code (its hash) for `user`, replacing an earlier one.
    fn put_reset(&self, user: &str, hash: &str, now: i64, expires: i64) -> Result<()>;
    /// What a reset of `user` would delete now (and the tokens it keeps).
    fn reset_counts(&self, user: &str) -> Result<Counts>;
    /// A snapshot of `user`'s rows at `dest` (a new file), as this transaction sees them.
    fn write_reset_snapshot(&self, user: &str, dest: &Path, now: i64) -> Result<()>;
    /// Delete what a reset deletes for `user`, with the pending code; returns what was
    /// deleted.
    fn delete_account(&self, user: &str, now: i64) -> Result<Counts>;
    /// Append `record` to the audit trail and commit the change, in one go.
    fn commit_change(self, record: &Record) -> Result<()>
    where
        Self: Sized;
}
