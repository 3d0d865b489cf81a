//! The pwaccount file as a store of the flows (`account::Store`): it serves every account
//! id, names itself by its path, and keeps snapshots in `backups/` beside the file, as
//! SQLite files of its own schema.

use std::path::{Path, PathBuf};

use super::{Job, Store};
use crate::error::Result;
use crate::store::file::AccountStore;
use crate::store::nextcloud::NextcloudDatabase;
use crate::store::snapshot::SnapshotInfo;
use crate::store::{Counts, Step};
use crate::text::now;

impl Store for AccountStore {
    fn check_user(&self, _user: &str) -> Result<()> {
        Ok(())
    }

    fn describe(&self) -> (String, Option<NextcloudDatabase>) {
        (crate::text::path_text(self.path()), None)
    }

    fn default_snapshot(&mut self, user: &str, suffix: &str) -> Result<PathBuf> {
        // `backups/` beside the database file.
        let folder = self
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join("backups");
        crate::store::files::free_name(&folder, user, suffix)
    }

    fn database_path(&self) -> &Path {
        self.path()
    }

    fn write_snapshot(&mut self, user: &str, dest: &Path, job: Job<'_>) -> Result<Counts> {
        crate::store::file::snapshot::write(
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
    fn read_snapshot(&mut self, path: &Path, _other_installation: bool) -> Result<SnapshotInfo> {
        crate::store::file::snapshot::inspect(path)
    }

    fn bound_to_account(&self) -> &'static str {
        ", whose keys are sealed to its own id"
    }

    fn restore_rows(
        &mut self,
        path: &Path,
        user: &str,
        require_blank: bool,
        record: &crate::store::audit::Record,
        progress: &dyn Fn(&str),
    ) -> Result<Option<String>> {
        AccountStore::restore_rows(self, path, user, require_blank, record, progress)
    }
}
