//! The pwaccount file's row operations for the flows (`rows::Rows`).

use std::path::Path;

use rusqlite::TransactionBehavior;

use super::{AccountStore, Tx, snapshot};
use crate::error::Result;
use crate::store::audit::{Entry, Filter, Record};
use crate::store::rows::{Rows, Transactions, missing_challenge};
use crate::store::{CHALLENGE_ID_KEY, ChallengeRow, Counts, KeychainRow, Step};

impl Transactions for AccountStore {
    type Tx<'a> = Tx<'a>;

    fn reading(&mut self) -> Result<Tx<'_>> {
        self.begin(TransactionBehavior::Deferred)
    }

    /// It waits for other writers up to the busy timeout.
    fn writing(&mut self) -> Result<Tx<'_>> {
        crate::interrupt::check()?;
        self.begin(TransactionBehavior::Immediate)
    }
}

impl Rows for Tx<'_> {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        super::server_setting(self.conn(), key)
    }

    fn pending_reset(&self, user: &str) -> Result<Option<(String, i64)>> {
        Ok(super::reset_code(self.conn(), user)?.map(|p| (p.code_hash, p.expires)))
    }

    fn put_reset(&self, user: &str, hash: &str, now: i64, expires: i64) -> Result<()> {
        super::put_reset_code(self.conn(), user, hash, now, expires)
    }

    fn start_file_check(&self) -> crate::store::rows::FileCheck {
        crate::store::rows::FileCheck::of_file(self.path, self.busy_timeout)
    }

    fn clear_reset(&self, user: &str) -> Result<()> {
        super::clear_reset_code(self.conn(), user)
    }

    fn reset_counts(&self, user: &str) -> Result<Counts> {
        super::counts(self.conn(), user)
    }

    /// Written through a connection of its own, beside this write transaction, which has
    /// changed nothing yet: the snapshot holds exactly what the reset deletes.
    fn write_reset_snapshot(&self, user: &str, dest: &Path, now: i64) -> Result<()> {
        crate::store::files::prepare_folder(dest, self.path, false, true)?;
        snapshot::write(
            self.path,
            user,
            dest,
            false,
            self.busy_timeout,
            now,
            Step::Preparation,
            &|_| {},
        )?;
        Ok(())
    }

    fn delete_account(&self, user: &str, _now: i64) -> Result<Counts> {
        let counts = super::counts(self.conn(), user)?;
        super::delete_account_data(self.conn(), user)?;
        Ok(counts)
    }

    fn current_challenge(&self, user: &str) -> Result<Option<ChallengeRow>> {
        match super::current_challenge(self.conn(), user)? {
            Some(row) => Ok(Some(row)),
            None => match super::user_config(self.conn(), user, CHALLENGE_ID_KEY)? {
                Some(id) => Err(missing_challenge(user, &id)),
                None => Ok(None),
            },
        }
    }

    fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>> {
        super::keychains(self.conn(), user)
    }

    fn save_keychain(&self, user: &str, row: &KeychainRow, now: i64) -> Result<()> {
        if !super::update_keychain_data(self.conn(), user, &row.uuid, &row.data, now)? {
            super::insert_keychain(self.conn(), user, row, now)?;
        }
        Ok(())
    }

    /// The account row is made if missing, and the user's encryption settings say
    /// client-side encryption with an SSEv2r1 keychain.
    fn install_challenge(&self, user: &str, new: &ChallengeRow, now: i64) -> Result<()> {
        super::ensure_account(self.conn(), user, now)?;
        super::insert_challenge(self.conn(), user, new)?;
        super::set_user_config(self.conn(), user, CHALLENGE_ID_KEY, &new.uuid)?;
        super::set_setting(self.conn(), user, "encryption.cse", "1")?;
        super::set_setting(self.conn(), user, "encryption.sse", "SSEv2r1")
    }

    /// The file deletes a replaced challenge.
    fn retire_challenge(&self, user: &str, old: &ChallengeRow, _now: i64) -> Result<()> {
        super::delete_challenge(self.conn(), user, &old.uuid)
    }

    fn holdings(&self, user: &str) -> Result<Counts> {
        super::counts(self.conn(), user)
    }

    fn encryption(&self, user: &str) -> Result<crate::store::Encryption> {
        let sse = super::setting(self.conn(), user, "encryption.sse")?.filter(|s| !s.is_empty());
        Ok(crate::store::Encryption {
            cse: super::setting(self.conn(), user, "encryption.cse")?.as_deref() == Some("1"),
            sse: sse.map_or(
                crate::store::ServerSide::Off,
                crate::store::ServerSide::Type,
            ),
        })
    }

    fn account_ids(&self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
        super::account_ids(self.conn(), after, limit)
    }

    fn unreadable_ids(&self, limit: usize) -> Result<Vec<Vec<u8>>> {
        super::queries::unreadable_ids(self.conn(), limit)
    }

    fn last_change(&self, user: &str) -> Result<Option<i64>> {
        super::last_change(self.conn(), user)
    }

    fn dangling_references(&self, user: &str) -> Result<Vec<String>> {
        super::dangling_references(self.conn(), user)
    }

    fn integrity(&self) -> Result<Vec<String>> {
        super::integrity(self.conn())
    }

    fn audit_entries(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Entry) -> Result<bool>,
    ) -> Result<bool> {
        super::audit_entries(self.conn(), filter, each)
    }

    fn commit_change(self, record: &Record) -> Result<()> {
        super::commit_change(self, record)
    }
}
