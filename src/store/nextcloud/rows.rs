//! A Nextcloud installation's row operations for the flows (`store::rows::Rows`).

use std::path::Path;

use super::{NextcloudStore, Tx};
use crate::error::Result;
use crate::store::audit::{Entry, Filter, Record};
use crate::store::rows::{Rows, Transactions, missing_challenge};
use crate::store::{CHALLENGE_ID_KEY, ChallengeRow, Counts, KeychainRow, Step};

/// Where pwaccount keeps a pending reset code on a Nextcloud installation: a preference
/// of its own (appid `pwaccount`, which the app never reads), `<code hash>|<expiry>`.
pub(super) const RESET_KEY: &str = "reset/code";

impl Transactions for NextcloudStore {
    type Tx<'a> = super::Tx<'a>;

    fn reading(&mut self) -> Result<Tx<'_>> {
        self.begin(false)
    }

    /// It waits for the app's own writers up to the busy timeout, with the audit trail's
    /// table there; rolled back unless committed with `commit_change`.
    fn writing(&mut self) -> Result<Tx<'_>> {
        crate::interrupt::check()?;
        self.begin_change()
    }

    /// The busy timeout: a conflict is retried within it, as a lock is waited for.
    fn retry_budget(&self) -> std::time::Duration {
        self.retry_budget
    }
}

impl Rows for Tx<'_> {
    /// pwaccount's settings on an installation are app config values of its own (appid
    /// `pwaccount`, set with `occ config:app:set pwaccount KEY --value V`).
    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.app_value_of("pwaccount", key)
    }

    fn pending_reset(&self, user: &str) -> Result<Option<(String, i64)>> {
        Ok(self.own_value(user, RESET_KEY)?.and_then(|v| {
            let (hash, expires) = v.split_once('|')?;
            Some((hash.to_owned(), expires.parse().ok()?))
        }))
    }

    fn put_reset(&self, user: &str, hash: &str, _now: i64, expires: i64) -> Result<()> {
        self.set_own_value(user, RESET_KEY, Some(&format!("{hash}|{expires}")))
    }

    fn start_file_check(&self) -> crate::store::rows::FileCheck {
        Tx::start_file_check(self)
    }

    fn clear_reset(&self, user: &str) -> Result<()> {
        self.set_own_value(user, RESET_KEY, None)
    }

    fn reset_counts(&self, user: &str) -> Result<Counts> {
        Tx::reset_counts(self, user)
    }

    fn fits_one_transaction(&self, user: &str) -> Result<()> {
        self.check_write_set(user)
    }

    fn write_reset_snapshot(&self, user: &str, dest: &Path, now: i64) -> Result<()> {
        crate::store::files::prepare_folder(dest, self.path, false, true)?;
        self.write_snapshot(user, dest, false, now, Step::Preparation)?;
        Ok(())
    }

    /// What the statements report they changed is what the reset says it deleted.
    fn delete_account(&self, user: &str, now: i64) -> Result<Counts> {
        let deleted = self.reset_user(user, now)?;
        self.set_own_value(user, RESET_KEY, None)?;
        Ok(deleted)
    }

    /// The challenge the app's `user/challenge/id` preference names (not flagged deleted).
    fn current_challenge(&self, user: &str) -> Result<Option<ChallengeRow>> {
        let Some(id) = self.user_value(user, CHALLENGE_ID_KEY)? else {
            return Ok(None);
        };
        match self.challenge(user, &id)? {
            Some(row) => Ok(Some(row)),
            None => Err(missing_challenge(user, &id)),
        }
    }

    fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>> {
        Tx::keychains(self, user)
    }

    fn save_keychain(&self, user: &str, row: &KeychainRow, now: i64) -> Result<()> {
        Tx::save_keychain(self, user, row, now)
    }

    /// As `UserChallengeService::setChallenge`: the new challenge is saved and named in
    /// the preference.
    fn install_challenge(&self, user: &str, new: &ChallengeRow, now: i64) -> Result<()> {
        self.insert_challenge(user, new, now)?;
        self.set_user_value(user, CHALLENGE_ID_KEY, &new.uuid)
    }

    /// The app flags the old challenge deleted and saves it again.
    fn retire_challenge(&self, user: &str, old: &ChallengeRow, now: i64) -> Result<()> {
        Tx::retire_challenge(self, user, old, now)
    }

    fn holdings(&self, user: &str) -> Result<Counts> {
        Tx::counts(self, user)
    }

    /// The app's user settings `encryption/cse` (default: whether a challenge is set) and
    /// `encryption/sse` (the user's choice, default 0), as the app stores them.
    fn encryption(&self, user: &str) -> Result<(bool, Option<String>)> {
        let cse = match self.user_value(user, "encryption/cse")? {
            Some(v) => v == "1",
            None => self.user_value(user, CHALLENGE_ID_KEY)?.is_some(),
        };
        let sse = self
            .user_value(user, "encryption/sse")?
            .unwrap_or_else(|| "0".into());
        Ok((cse, Some(format!("encryption/sse={sse}"))))
    }

    fn account_ids(&self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
        Tx::account_ids(self, after, limit)
    }

    fn unreadable_ids(&self, limit: usize) -> Result<Vec<Vec<u8>>> {
        Tx::unreadable_ids(self, limit)
    }

    fn last_change(&self, user: &str) -> Result<Option<i64>> {
        Tx::last_change(self, user)
    }

    fn dangling_references(&self, user: &str) -> Result<Vec<String>> {
        Tx::dangling_references(self, user)
    }

    fn integrity(&self) -> Result<Vec<String>> {
        Tx::integrity(self)
    }

    fn audit_entries(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Entry) -> Result<bool>,
    ) -> Result<bool> {
        Tx::audit_entries(self, filter, each)
    }

    fn commit_change(self, record: &Record) -> Result<()> {
        super::commit_change(self, record)
    }
}
