//! The account flows on a Nextcloud installation that are not yet shared with the
//! pwaccount file: `status` and the `Accounts` entry points (each checks first that
//! Nextcloud has the user). The challenge and reset flows are `account::challenge` and
//! `account::reset`, over this store's rows and codec (`account::codec::nextcloud`).

use super::challenge::{self, Proof};
use super::status::{Encryption, Status};
use crate::error::{Error, Id, Result};
use crate::store::nextcloud::NextcloudStore;
use crate::store::rows::Rows;

/// The app's preference that names the user's current challenge.
const CHALLENGE_ID_KEY: &str = "user/challenge/id";

/// `status`: what the account holds in the app's tables.
pub(crate) fn status(store: &mut NextcloudStore, user: &str) -> Result<Status> {
    let database = store.location().to_owned();
    let opened = store.database_info();
    let now = crate::text::now()?;
    let reader = store.read()?;
    let counts = reader.counts(user)?;
    let would_delete = reader.reset_counts(user)?;
    let (challenge, problems) = super::status::challenge_of(&reader, user)?;
    // The app's user settings encryption/cse (default: whether a challenge is set) and
    // encryption/sse (the user's choice, default 0), shown as the app stores them.
    let cse = match reader.user_value(user, "encryption/cse")? {
        Some(v) => v == "1",
        None => reader.user_value(user, CHALLENGE_ID_KEY)?.is_some(),
    };
    let sse = reader
        .user_value(user, "encryption/sse")?
        .unwrap_or_else(|| "0".into());
    Ok(Status {
        user: user.to_owned(),
        database,
        counts,
        challenge,
        encryption: Encryption {
            cse,
            sse: Some(format!("encryption/sse={sse}")),
        },
        reset_pending: reader
            .pending_reset(user)?
            .filter(|&(_, expires)| expires > now)
            .map(|(_, expires)| super::status::PendingReset { expires }),
        problems,
        would_delete: Some(would_delete),
        nextcloud: Some(opened),
    })
}

impl super::Accounts for NextcloudStore {
    fn status(&mut self, user: &str) -> Result<Status> {
        self.require_user(user)?;
        status(self, user)
    }

    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]> {
        self.require_user(user)?;
        challenge::get(self, user)
    }

    fn verify(&mut self, user: &str, proof: &Proof) -> Result<usize> {
        self.require_user(user)?;
        challenge::verify(self, user, proof)
    }

    fn has_challenge(&mut self, user: &str) -> Result<bool> {
        self.require_user(user)?;
        Ok(challenge::prepare_set(self, user)?.is_some())
    }

    fn set_challenge(
        &mut self,
        user: &str,
        new: challenge::NewChallenge,
        old: Option<Proof>,
    ) -> Result<()> {
        self.require_user(user)?;
        let current = challenge::prepare_set(self, user)?;
        challenge::set(self, user, current.as_ref(), new, old)
    }

    fn integrity(&mut self) -> Result<Vec<String>> {
        self.read()?.integrity()
    }

    fn audit_entries(
        &mut self,
        filter: &crate::store::audit::Filter,
        each: &mut dyn FnMut(crate::store::audit::Entry) -> Result<bool>,
    ) -> Result<bool> {
        self.read()?.audit_entries(filter, each)
    }

    fn damage(&mut self, user: &str) -> Result<Vec<String>> {
        let now = crate::text::now()?;
        let reader = self.read()?;
        let mut found = reader.dangling_references(user)?;
        if let Some((_, expires)) = reader.pending_reset(user)?
            && expires <= now
        {
            found.push(super::check::expired_code(expires));
        }
        Ok(found)
    }

    fn account_ids(&mut self, after: &str, limit: usize) -> Result<Vec<String>> {
        self.read()?.account_ids(after, limit)
    }

    fn last_change(&mut self, user: &str) -> Result<Option<i64>> {
        self.read()?.last_change(user)
    }

    fn reset_preview(&mut self, user: &str) -> Result<crate::store::Counts> {
        self.require_user(user)?;
        super::reset::preview(self, user)
    }

    fn reset_issue(&mut self, user: &str) -> Result<super::reset::Issued> {
        self.require_user(user)?;
        super::reset::issue(self, user)
    }

    fn reset(
        &mut self,
        user: &str,
        code: Option<&str>,
        backup: bool,
    ) -> Result<super::reset::Done> {
        self.require_user(user)?;
        let dest = if backup {
            Some(free_name(&self.default_backups()?, user, "-before-reset")?)
        } else {
            None
        };
        super::reset::reset(self, user, code, dest)
    }

    fn backup(
        &mut self,
        user: &str,
        dest: Option<&std::path::Path>,
        job: super::Job<'_>,
    ) -> Result<(std::path::PathBuf, crate::store::Counts)> {
        self.require_user(user)?;
        let overwrite = job.replace;
        let now = crate::text::now()?;
        let dest = match dest {
            Some(dest) => dest.to_path_buf(),
            None => {
                let folder = self.default_backups()?;
                crate::store::snapshot::prepare_folder(
                    &folder.join("x"),
                    self.path(),
                    false,
                    true,
                )?;
                free_name(&folder, user, "")?
            }
        };
        let reader = self.read()?;
        let counts = reader.counts(user)?;
        reader.write_snapshot(user, &dest, overwrite, now, crate::store::Step::TheChange)?;
        Ok((dest, counts))
    }

    fn check_restore(
        &mut self,
        path: &std::path::Path,
        target: Option<&str>,
        replace: bool,
        other_installation: bool,
    ) -> Result<(crate::store::snapshot::SnapshotInfo, crate::store::Counts)> {
        let info = self.inspect_snapshot(path, other_installation)?;
        super::backup::check_target(target, &info.user, "")?;
        self.require_user(&info.user)?;
        let current = self.read()?.counts(&info.user)?;
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

    fn restore(
        &mut self,
        info: &crate::store::snapshot::SnapshotInfo,
        path: &std::path::Path,
        job: super::Job<'_>,
    ) -> Result<Option<String>> {
        let record = super::backup::restore_record(info, path, job.replace);
        self.restore_rows(path, &info.user, !job.replace, &record)?;
        Ok(None)
    }
}

/// A snapshot name in `folder` for `user` that is not taken yet (`-2`, `-3`, … added).
fn free_name(folder: &std::path::Path, user: &str, suffix: &str) -> Result<std::path::PathBuf> {
    let now = crate::text::now()?;
    let mut path = folder.join(crate::store::snapshot::file_name(user, now, suffix));
    let mut n = 2;
    while path.exists() {
        path = folder.join(crate::store::snapshot::file_name(
            user,
            now,
            &format!("{suffix}-{n}"),
        ));
        n += 1;
    }
    Ok(path)
}
