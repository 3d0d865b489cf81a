//! A Nextcloud installation as a store of the flows (`account::Store`): it serves only
//! users Nextcloud has, names the database its configuration names, and keeps snapshots
//! (in its own format, `store::nextcloud::snapshot`) in the installation's data folder.

use std::path::{Path, PathBuf};

use super::{Job, Store};
use crate::error::Result;
use crate::store::nextcloud::NextcloudStore;
use crate::store::rows::{Rows, Transactions};
use crate::store::snapshot::{Kind, PutBack, SnapshotInfo, SourceKind};
use crate::store::{Capabilities, Counts, Step, StoreInfo};

impl Store for NextcloudStore {
    fn check_user(&self, user: &str) -> Result<()> {
        self.require_user(user)
    }

    fn info(&self) -> StoreInfo {
        self.store_info()
    }

    fn capabilities(&self) -> &'static Capabilities {
        &crate::store::nextcloud::CAPABILITIES
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
        let counts = reader.holdings(user)?;
        reader.write_snapshot(user, dest, job.replace, now, Step::TheChange)?;
        Ok(counts)
    }

    /// A pwaccount snapshot, or one of the app's backups (by path, or by its label as
    /// `occ passwords:backup:list` shows it) for the user named.
    fn read_snapshot(&mut self, check: &super::RestoreCheck<'_>) -> Result<SnapshotInfo> {
        let path = super::app_backup::resolve(self, check.path)?;
        let prefix = self.prefix().to_owned();
        if let Some(copy) = super::db_copy::copy_at(&path, &prefix)? {
            return super::db_copy::inspect(self, copy, check.target, check.other_installation);
        }
        match crate::store::snapshot::kind_of(&path)? {
            Kind::AppBackup => super::app_backup::inspect(self, &path, check.target),
            Kind::Sqlite => {
                let info = self.inspect_snapshot(&path, check.other_installation)?;
                Ok(SnapshotInfo {
                    user: info.user,
                    created: info.created,
                    source: path,
                    kind: SourceKind::Snapshot,
                    counts: info.counts,
                    received_shares: 0,
                })
            }
            Kind::Unknown => Err(crate::store::snapshot::not_usable(format!(
                "{} is neither a pwaccount snapshot nor a Passwords app backup",
                path.display()
            ))),
        }
    }

    fn bound_to_account(&self) -> &'static str {
        ""
    }

    fn restore_plan(
        &mut self,
        info: &SnapshotInfo,
    ) -> Result<Vec<crate::store::snapshot::TableChange>> {
        match info.kind {
            SourceKind::AppBackup => super::app_backup::plan(self, &info.source, &info.user),
            SourceKind::Snapshot | SourceKind::DatabaseCopy => {
                self.snapshot_changes(&info.source, &info.user)
            }
        }
    }

    /// `appdata_<instance id>/pwaccount/backups/` in the data directory.
    fn snapshot_folder(&mut self) -> Result<PathBuf> {
        self.default_backups()
    }

    fn app_backups(&mut self) -> Result<Vec<crate::store::nextcloud::app_backup::Listed>> {
        crate::store::nextcloud::app_backup::list(&self.app_data()?)
    }

    fn restore_rows(&mut self, job: &PutBack<'_>) -> Result<Option<String>> {
        match crate::store::snapshot::kind_of(job.path)? {
            Kind::AppBackup => super::app_backup::put_back(self, job),
            _ => NextcloudStore::restore_rows(self, job),
        }
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
