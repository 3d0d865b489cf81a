//! A Nextcloud installation as a store of the flows (`account::Store`): it serves only
//! users Nextcloud has, names the database its configuration names, and keeps snapshots
//! (in its own format, `store::nextcloud::snapshot`) in the installation's data folder.

use std::path::{Path, PathBuf};

use super::{Job, Store};
use crate::error::Result;
use crate::store::nextcloud::{NextcloudDatabase, NextcloudStore};
use crate::store::rows::Transactions;
use crate::store::snapshot::SnapshotInfo;
use crate::store::{Counts, Step};

impl Store for NextcloudStore {
    fn check_user(&self, user: &str) -> Result<()> {
        self.require_user(user)
    }

    fn describe(&self) -> (String, Option<NextcloudDatabase>) {
        (self.location().to_owned(), Some(self.database_info()))
    }

    /// In the installation's data folder, `appdata_<instanceid>/pwaccount/backups/`.
    fn default_snapshot(&mut self, user: &str, suffix: &str) -> Result<PathBuf> {
        crate::store::files::free_name(&self.default_backups()?, user, suffix)
    }

    fn database_path(&self) -> &Path {
        self.path()
    }

    fn write_snapshot(&mut self, user: &str, dest: &Path, job: Job<'_>) -> Result<Counts> {
        let now = crate::text::now()?;
        let reader = self.reading()?;
        let counts = reader.counts(user)?;
        reader.write_snapshot(user, dest, job.replace, now, Step::TheChange)?;
        Ok(counts)
    }

    fn read_snapshot(&mut self, path: &Path, other_installation: bool) -> Result<SnapshotInfo> {
        let info = self.inspect_snapshot(path, other_installation)?;
        Ok(SnapshotInfo {
            user: info.user,
            created: info.created,
            counts: info.counts,
            received_shares: 0,
        })
    }

    fn bound_to_account(&self) -> &'static str {
        ""
    }

    fn restore_rows(
        &mut self,
        path: &Path,
        user: &str,
        require_blank: bool,
        record: &crate::store::audit::Record,
        progress: &dyn Fn(&str),
    ) -> Result<Option<String>> {
        NextcloudStore::restore_rows(self, path, user, require_blank, record, progress)
    }

    fn key_findings(
        &mut self,
        user: &str,
        old: Option<&crate::crypto::SecretText>,
    ) -> Result<Vec<super::check::Finding>> {
        let reader = self.reading()?;
        let secrets = super::keys::Secrets::of(&reader, old.cloned())?;
        super::keys::findings(&reader, user, &secrets)
    }
}
