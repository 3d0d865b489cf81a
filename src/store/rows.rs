//! What the account flows need from a store, at the level of rows and keys, inside one
//! transaction. The pwaccount file and a Nextcloud installation each implement it; a flow
//! is written once against it (`account::reset`), so a rule it follows holds for both.

use std::path::Path;

use super::audit::{Entry, Filter, Record};
use super::{CHALLENGE_ID_KEY, ChallengeRow, Counts, KeychainRow};
use crate::error::{Error, Id, Result};

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
    /// How long a write transaction the server aborted as a conflict (`Error::retry`)
    /// may be run again for: none where that cannot happen (one SQLite file).
    fn retry_budget(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

/// The row operations of the flows, in a transaction of the store.
pub(crate) trait Rows {
    /// A setting of pwaccount's for this store (the reset-code lifetime), as stored.
    fn setting(&self, key: &str) -> Result<Option<String>>;
    /// The pending reset code of `user`: its hash and expiry.
    fn pending_reset(&self, user: &str) -> Result<Option<(String, i64)>>;
    /// Record a reset code (its hash) for `user`, replacing an earlier one.
    fn put_reset(&self, user: &str, hash: &str, now: i64, expires: i64) -> Result<()>;
    /// Start SQLite's quick check of the database file beside this transaction (nothing
    /// on a database server, which guards its own pages): a reset refuses to commit its
    /// deletes into a damaged file.
    fn start_file_check(&self) -> FileCheck;
    /// Withdraw the pending reset code of `user` (nothing else changes).
    fn clear_reset(&self, user: &str) -> Result<()>;
    /// What a reset of `user` would delete now (and the tokens it keeps).
    fn reset_counts(&self, user: &str) -> Result<Counts>;
    /// Refuse a reset of `user` that the server could not take in one transaction (a
    /// Galera node's write-set limits); nothing to check elsewhere.
    fn fits_one_transaction(&self, _user: &str) -> Result<()> {
        Ok(())
    }
    /// A snapshot of `user`'s rows at `dest` (a new file), as this transaction sees them.
    fn write_reset_snapshot(&self, user: &str, dest: &Path, now: i64) -> Result<()>;
    /// Delete what a reset deletes for `user`, with the pending code; returns what was
    /// deleted.
    fn delete_account(&self, user: &str, now: i64) -> Result<Counts>;
    /// The current challenge of `user`, as stored. An account whose `user/challenge/id`
    /// names a challenge that does not exist is damaged (`challenge_missing`), never taken
    /// as "no challenge" (which would let anyone set one without proof).
    fn current_challenge(&self, user: &str) -> Result<Option<ChallengeRow>>;
    /// The keychains of `user` (not flagged deleted), as stored.
    fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>>;
    /// Write a keychain: the row with its uuid gets the new data, or is inserted.
    fn save_keychain(&self, user: &str, row: &KeychainRow, now: i64) -> Result<()>;
    /// Make `new` the current challenge of `user`.
    fn install_challenge(&self, user: &str, new: &ChallengeRow, now: i64) -> Result<()>;
    /// Retire `old`, the challenge a new one replaced, as the store retires challenges
    /// (with the fields given).
    fn retire_challenge(&self, user: &str, old: &ChallengeRow, now: i64) -> Result<()>;
    /// What `user` holds, as `status` counts it (and the tokens a reset keeps).
    fn holdings(&self, user: &str) -> Result<Counts>;
    /// The user's encryption settings as the store keeps them.
    fn encryption(&self, user: &str) -> Result<crate::store::Encryption>;
    /// Up to `limit` account ids stored as text after `after` (raw bytes), in byte order;
    /// an id that is not UTF-8 comes back as it is stored.
    fn account_ids(&self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>>;
    /// Up to `limit` distinct ids of rows whose `user_id` is not stored as text at all (a
    /// BLOB or a number: only SQLite can hold them), as bytes.
    fn unreadable_ids(&self, limit: usize) -> Result<Vec<Vec<u8>>>;
    /// When the account last changed, if its rows have times.
    fn last_change(&self, user: &str) -> Result<Option<i64>>;
    /// Rows of `user` that point at nothing, described.
    fn dangling_references(&self, user: &str) -> Result<Vec<String>>;
    /// What the engine's own integrity check finds wrong with the database.
    fn integrity(&self) -> Result<Vec<String>>;
    /// Call `each` with the audit records `filter` selects, oldest first (`each` returns
    /// `false` to stop); `false` when the store has no trail yet.
    fn audit_entries(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Entry) -> Result<bool>,
    ) -> Result<bool>;
    /// Append `record` to the audit trail and commit the change, in one go.
    fn commit_change(self, record: &Record) -> Result<()>
    where
        Self: Sized;
}

/// The refusal for an account whose `user/challenge/id` names challenge `id`, which does
/// not exist (in either kind of store); `status` and `check` show its message as a problem.
pub(crate) fn missing_challenge(user: &str, id: &str) -> Error {
    Error::new(
        Id::ChallengeMissing,
        format!(
            "account '{user}' is damaged: its {CHALLENGE_ID_KEY} names the challenge {:?}, \
             which does not exist; reset the account (or restore it from a backup) to repair \
             it",
            crate::text::escape_controls(id)
        ),
    )
}

/// SQLite's `quick_check` of a database file, run on a connection of its own in a thread
/// while the command's transaction does its work: it reads the last committed state (the
/// transaction's own changes are not visible to it), so the reset costs the longer of the
/// two, not their sum.
pub(crate) struct FileCheck(Option<std::thread::JoinHandle<Result<Vec<String>>>>);

impl FileCheck {
    /// No file to check (a database server).
    pub(crate) fn none() -> Self {
        FileCheck(None)
    }

    /// Check the SQLite file at `path`.
    pub(crate) fn of_file(path: &Path, busy: std::time::Duration) -> Self {
        let path = path.to_owned();
        let run = move || -> Result<Vec<String>> {
            let conn = super::connect(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY, busy)?;
            super::sqlite::quick_check(&conn)
        };
        FileCheck(
            std::thread::Builder::new()
                .name("quick-check".into())
                .spawn(run)
                .ok(),
        )
    }

    /// What the check found wrong (nothing: the file is sound, or there is no file).
    pub(crate) fn finish(self) -> Result<Vec<String>> {
        match self.0 {
            None => Ok(Vec::new()),
            Some(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(Error::internal("the file check stopped unexpectedly"))),
        }
    }
}

/// The refusal of a restore over an account that is not blank (`Counts::is_blank`), the
/// one for every store: checked before asking (`during` false), and again in the restore's
/// transaction (`during` true: data arrived meanwhile).
pub(crate) fn not_blank(user: &str, during: bool) -> Error {
    let message = if during {
        format!(
            "account '{user}' received data while the restore was being prepared; nothing \
             was restored"
        )
    } else {
        format!("account '{user}' is not blank")
    };
    Error::new(Id::AccountNotBlank, message)
}
