//! The pwaccount file's row operations for the flows (`rows::Rows`).

use std::path::Path;

use super::audit::Record;
use super::rows::{Rows, Transactions};
use super::{AccountStore, Counts, Step, Tx, snapshot};
use crate::error::Result;

impl Transactions for AccountStore {
    type Tx<'a> = Tx<'a>;

    fn reading(&mut self) -> Result<Tx<'_>> {
        self.read()
    }

    fn writing(&mut self) -> Result<Tx<'_>> {
        self.write()
    }
}

impl Rows for Tx<'_> {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        super::server_setting(self, key)
    }

    fn pending_reset(&self, user: &str) -> Result<Option<(String, i64)>> {
        Ok(super::reset_code(self, user)?.map(|p| (p.code_hash, p.expires)))
    }

    fn put_reset(&self, user: &str, hash: &str, now: i64, expires: i64) -> Result<()> {
        super::put_reset_code(self, user, hash, now, expires)
    }

    fn reset_counts(&self, user: &str) -> Result<Counts> {
        super::counts(self, user)
    }

    /// Written through a connection of its own, beside this write transaction, which has
    /// changed nothing yet: the snapshot holds exactly what the reset deletes.
    fn write_reset_snapshot(&self, user: &str, dest: &Path, now: i64) -> Result<()> {
        snapshot::prepare_folder(dest, self.path, false, true)?;
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
        let counts = super::counts(self, user)?;
        super::delete_account_data(self, user)?;
        Ok(counts)
    }

    fn commit_change(self, record: &Record) -> Result<()> {
        super::commit_change(self, record)
    }
}
