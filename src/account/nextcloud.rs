//! A Nextcloud installation as a store of the flows (`account::Store`): it serves only
//! users Nextcloud has, names the database its configuration names, and keeps snapshots
//! (in its own format, `store::nextcloud::snapshot`) in the installation's data folder.

use std::path::{Path, PathBuf};

use super::{Job, RestoreCheck, Store};
use crate::error::{Error, Id, Result};
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
        crate::store::snapshot::free_name(&self.default_backups()?, user, suffix)
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

    fn check_snapshot(&mut self, check: &RestoreCheck<'_>) -> Result<(SnapshotInfo, Counts)> {
        let RestoreCheck {
            path,
            target,
            replace,
            other_installation,
        } = *check;
        let info = self.inspect_snapshot(path, other_installation)?;
        super::backup::check_target(target, &info.user, "")?;
        self.require_user(&info.user)?;
        let current = self.reading()?.counts(&info.user)?;
        // Blank as the app leaves a user after its reset: no live items, keychains or
        // shares. (Its reset leaves revisions no item reaches, the user's settings and,
        // through its own request, a session: those do not count.)
        let live =
            current.passwords + current.folders + current.tags + current.keychains + current.shares;
        if live > 0 && !replace {
            return Err(Error::new(
                Id::AccountNotBlank,
                format!("account '{}' is not blank", info.user),
            )
            .in_context(&info.user, self.path()));
        }
        Ok((
            crate::store::snapshot::SnapshotInfo {
                user: info.user,
                created: info.created,
                counts: info.counts,
                received_shares: 0,
            },
            current,
        ))
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

    fn put_back(
        &mut self,
        info: &crate::store::snapshot::SnapshotInfo,
        path: &std::path::Path,
        job: super::Job<'_>,
    ) -> Result<Option<String>> {
        let record = super::backup::restore_record(info, path, job.replace);
        super::retrying(self, |store, attempt| {
            store.restore_rows(
                path,
                &info.user,
                !job.replace,
                &super::with_attempts(record.clone(), attempt),
            )
        })?;
        Ok(None)
    }
}
