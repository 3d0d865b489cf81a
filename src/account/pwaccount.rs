//! The pwaccount file as a store of the flows (`account::Store`): it serves every account
//! id, names itself by its path, and keeps snapshots in `backups/` beside the file, as
//! SQLite files of its own schema.

use std::path::{Path, PathBuf};

use super::{Job, RestoreCheck, Store, backup};
use crate::error::Result;
use crate::store::nextcloud::NextcloudDatabase;
use crate::store::snapshot::{self, SnapshotInfo};
use crate::store::{AccountStore, Counts, Step};
use crate::text::now;

impl Store for AccountStore {
    fn check_user(&self, _user: &str) -> Result<()> {
        Ok(())
    }

    fn describe(&self) -> (String, Option<NextcloudDatabase>) {
        (crate::text::path_text(self.path()), None)
    }

    fn default_snapshot(&mut self, user: &str, suffix: &str) -> Result<PathBuf> {
        backup::default_path(self, user, suffix)
    }

    fn database_path(&self) -> &Path {
        self.path()
    }

    fn write_snapshot(&mut self, user: &str, dest: &Path, job: Job<'_>) -> Result<Counts> {
        snapshot::write(
            self.path(),
            user,
            dest,
            job.replace,
            self.busy_timeout(),
            now()?,
            Step::TheChange,
            job.progress,
        )
    }

    /// The pwaccount file has no installations: `other_installation` changes nothing.
    fn check_snapshot(&mut self, check: &RestoreCheck<'_>) -> Result<(SnapshotInfo, Counts)> {
        backup::check_restore(self, check.path, check.target, check.replace)
    }

    fn put_back(
        &mut self,
        info: &SnapshotInfo,
        path: &Path,
        job: Job<'_>,
    ) -> Result<Option<String>> {
        backup::restore(self, info, path, job.replace, job.progress)
    }
}
