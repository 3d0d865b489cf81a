//! The pwaccount file as a store of the flows (`account::Store`): it serves every account
//! id, names itself by its path, and keeps snapshots in `backups/` beside the file, as
//! SQLite files of its own schema.

use std::path::{Path, PathBuf};

use super::{Job, Store};
use crate::error::Result;
use crate::store::file::AccountStore;
use crate::store::snapshot::SnapshotInfo;
use crate::store::{Capabilities, Counts, Details, Step, StoreInfo};
use crate::text::now;

impl Store for AccountStore {
    fn check_user(&self, _user: &str) -> Result<()> {
        Ok(())
    }

    fn info(&self) -> StoreInfo {
        StoreInfo {
            database: crate::text::path_text(self.path()),
            details: Details::default(),
            lines: Vec::new(),
        }
    }

    fn capabilities(&self) -> &'static Capabilities {
        &crate::store::file::CAPABILITIES
    }

    fn default_snapshot(&mut self, user: &str, suffix: &str) -> Result<PathBuf> {
        let folder = self.snapshot_folder()?;
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
    fn read_snapshot(&mut self, check: &super::RestoreCheck<'_>) -> Result<SnapshotInfo> {
        if crate::store::snapshot::kind_of(check.path)? == crate::store::snapshot::Kind::AppBackup {
            return Err(crate::error::Error::new(
                crate::error::Id::InvalidSnapshot,
                format!(
                    "{} is a backup of the Passwords app, which belongs to a Nextcloud \
                     installation, not to a pwaccount file: restore it there (pwaccount \
                     --nextcloud DIR -u USER restore ...); nothing was changed",
                    check.path.display()
                ),
            ));
        }
        crate::store::file::snapshot::inspect(check.path)
    }

    fn bound_to_account(&self) -> &'static str {
        ", whose keys are sealed to its own id"
    }

    fn restore_plan(
        &mut self,
        info: &SnapshotInfo,
    ) -> Result<Vec<crate::store::snapshot::TableChange>> {
        self.restore_changes(&info.source, &info.user)
    }

    /// `backups/` beside the database file.
    fn snapshot_folder(&mut self) -> Result<PathBuf> {
        Ok(self
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join("backups"))
    }

    fn restore_rows(
        &mut self,
        job: &crate::store::snapshot::PutBack<'_>,
    ) -> Result<Option<String>> {
        AccountStore::restore_rows(self, job)
    }
}
