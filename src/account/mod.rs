//! The account API's flows over the store: status, features, challenges and reset.
//! This layer never prints and never prompts; it takes answers as values and returns
//! results for the command layer to render.

pub(crate) mod app_backup;
pub(crate) mod backups;
pub(crate) mod challenge;
pub(crate) mod check;
pub(crate) mod codec;
pub(crate) mod db_copy;
pub(crate) mod features;
pub(crate) mod keys;
pub(crate) mod nextcloud;
pub(crate) mod pwaccount;
pub(crate) mod reset;
pub(crate) mod restore;
pub(crate) mod status;

use std::path::{Path, PathBuf};

use codec::ChallengeStore;

use crate::error::Result;
use crate::store::Counts;
use crate::store::audit;
use crate::store::rows::Rows;
use crate::store::snapshot::SnapshotInfo;

/// How many times a write transaction is run at most when the server aborts it as a
/// conflict with another writer.
const MAX_ATTEMPTS: u32 = 5;

/// Run `work` (one write transaction, from its start: never the derivations before it)
/// again while the database server aborts it as a conflict with another writer (a
/// deadlock, a serialization failure, a Galera certification failure: `Error::retry`), as
/// Nextcloud's own `atomicRetry` does: at most `MAX_ATTEMPTS` times, within the store's
/// retry budget (the busy timeout), with a growing pause. `work` gets the attempt's number
/// (1 first) for its audit record.
pub(crate) fn retrying<S: crate::store::rows::Transactions + ?Sized, T>(
    store: &mut S,
    mut work: impl FnMut(&mut S, u32) -> Result<T>,
) -> Result<T> {
    let budget = store.retry_budget();
    let start = std::time::Instant::now();
    let mut attempt = 1;
    loop {
        match work(store, attempt) {
            Err(e) if e.retry && attempt < MAX_ATTEMPTS && start.elapsed() < budget => {
                // 20, 40, 80, 160 ms, never past the budget.
                let pause = std::time::Duration::from_millis(20 << (attempt - 1))
                    .min(budget.saturating_sub(start.elapsed()));
                std::thread::sleep(pause);
                crate::interrupt::check()?;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// `record` with the number of attempts its transaction took, when more than one.
pub(crate) fn with_attempts(mut record: audit::Record, attempt: u32) -> audit::Record {
    if attempt > 1
        && let Some(details) = record.details.as_object_mut()
    {
        details.insert("attempts".into(), attempt.into());
    }
    record
}

/// The flows every kind of account store serves (the pwaccount file, a Nextcloud
/// installation). Each store answers them by its own rules; commands do not ask which
/// store they have.
pub(crate) trait Accounts {
    /// `status`: what the account holds.
    fn status(&mut self, user: &str) -> Result<status::Status>;
    /// `challenge get`: the salts of the current challenge.
    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]>;
    /// `challenge verify`: check `proof` as opening a session would; returns how many
    /// keychains opened with it.
    fn verify(&mut self, user: &str, proof: &challenge::Proof) -> Result<usize>;
    /// Whether `challenge set` will need proof of a current challenge (and whether it may
    /// run at all: a disabled feature is refused here).
    fn has_challenge(&mut self, user: &str) -> Result<bool>;
    /// `challenge set`: create or change the challenge, keychains carried over.
    fn set_challenge(
        &mut self,
        user: &str,
        new: challenge::NewChallenge,
        old: Option<challenge::Proof>,
    ) -> Result<()>;
    /// What a reset of the account would delete now.
    fn reset_preview(&mut self, user: &str) -> Result<Counts>;
    /// Issue a code for a reset confirmed later (`reset --code`); nothing else changes.
    fn reset_issue(&mut self, user: &str) -> Result<reset::Issued>;
    /// Withdraw a pending reset code (a damaged one too), or `None` if none was pending
    /// (then nothing changed).
    fn reset_cancel(&mut self, user: &str) -> Result<Option<reset::Withdrawn>>;
    /// Reset the account: `code` is checked first (a scripted confirmation; `None` when
    /// the code was typed at a terminal); with `backup`, a snapshot is written first and
    /// nothing is deleted if that fails.
    fn reset(&mut self, user: &str, code: Option<&str>, backup: bool) -> Result<reset::Done>;
    /// Write a snapshot of the account to `dest` (or the default place).
    fn backup(
        &mut self,
        user: &str,
        dest: Option<&Path>,
        job: Job<'_>,
    ) -> Result<(PathBuf, Counts)>;
    /// Check the snapshot at `path` for a restore into `target` (default: its own
    /// account), refusing an account that is not blank unless `replace`, and a snapshot
    /// of another installation unless `other_installation` (and its keys open here);
    /// returns what the snapshot holds and what the account holds now.
    fn check_restore(&mut self, check: &RestoreCheck<'_>) -> Result<(SnapshotInfo, Counts)>;
    /// Put the account back as the checked snapshot holds it, in one transaction, after
    /// writing the account as it is to a snapshot of its own.
    fn restore(
        &mut self,
        info: &SnapshotInfo,
        path: &Path,
        job: Job<'_>,
    ) -> Result<restore::Restored>;
    /// `restore --dry-run`: what a restore of the checked snapshot would delete and write,
    /// per table; nothing is changed.
    fn restore_plan(
        &mut self,
        info: &SnapshotInfo,
    ) -> Result<Vec<crate::store::snapshot::TableChange>>;
    /// `backups`: the backups a restore can use here (with `user`, what they hold of it).
    fn backups(&mut self, user: Option<&str>) -> Result<backups::Listing>;
    /// `accounts`: up to `limit` account ids after `after` (`""`: from the start), in
    /// byte order; an account is an id that owns a row of the store.
    fn account_ids(&mut self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>>;
    /// Ids of rows not stored as text (see `store::rows::Rows::unreadable_ids`).
    fn unreadable_ids(&mut self, limit: usize) -> Result<Vec<Vec<u8>>>;
    /// When the account last changed (its newest row's or audit record's time), if it has
    /// rows with times.
    fn last_change(&mut self, user: &str) -> Result<Option<i64>>;
    /// `check`: what the engine's own integrity check finds wrong with the database.
    fn integrity(&mut self) -> Result<Vec<String>>;
    /// `check`: what is wrong with the account's rows beyond what `status` reports (rows
    /// pointing at nothing, a reset code left behind expired).
    fn damage(&mut self, user: &str) -> Result<Vec<check::Damage>>;
    /// `check`: whether what the store encrypted for the account on the server opens with
    /// the store's keys (with `old`, an old server secret, tried too); nothing where the
    /// store has no server-side keys.
    fn key_findings(
        &mut self,
        user: &str,
        old: Option<&crate::crypto::SecretText>,
    ) -> Result<Vec<check::Finding>>;
    /// `log`: call `each` with the audit records `filter` selects, oldest first, as they
    /// are read (`each` returns `false` to stop); `false` when the store has no trail yet.
    fn audit_entries(
        &mut self,
        filter: &audit::Filter,
        each: &mut dyn FnMut(audit::Entry) -> Result<bool>,
    ) -> Result<bool>;
}

/// Account ids read per query by `each_account`: memory holds one page, whatever the
/// number of accounts.
const PAGE: usize = 256;

/// An id `each_account` meets: an account, or the id of rows no account can own (stored
/// as something other than UTF-8 text), shown escaped.
pub(crate) enum Listed<'a> {
    Account(&'a str),
    Unreadable { shown: &'a str, what: &'static str },
}

/// The most unreadable ids listed (damaged rows are rare; the rest are counted).
const UNREADABLE: usize = 1000;

/// Call `each` with every account id of the store, in byte order, a page of ids at a
/// time, then with the ids of rows no account can own; `each` returns `false` to stop.
/// One unreadable row never hides the others: every readable account is still listed.
pub(crate) fn each_account(
    store: &mut dyn Accounts,
    each: &mut dyn FnMut(&mut dyn Accounts, Listed<'_>) -> Result<bool>,
) -> Result<()> {
    let mut after = Vec::new();
    loop {
        crate::interrupt::check()?;
        let page = store.account_ids(&after, PAGE)?;
        let Some(last) = page.last().cloned() else {
            break;
        };
        for id in &page {
            let listed = match std::str::from_utf8(id) {
                Ok(user) => each(store, Listed::Account(user))?,
                Err(_) => {
                    let shown = crate::text::escape_bytes(id);
                    let what = "text that is not UTF-8";
                    each(
                        store,
                        Listed::Unreadable {
                            shown: &shown,
                            what,
                        },
                    )?
                }
            };
            if !listed {
                return Ok(());
            }
        }
        after = last;
    }
    for id in store.unreadable_ids(UNREADABLE)? {
        let shown = crate::text::escape_bytes(&id);
        if !each(
            store,
            Listed::Unreadable {
                shown: &shown,
                what: "a BLOB or a number, not text",
            },
        )? {
            break;
        }
    }
    Ok(())
}

/// What a restore is checked for: the snapshot at `path` goes into `target` (default: its
/// own account); an account that is not blank only with `replace`, and a snapshot of
/// another installation only with `other_installation` (and its keys open here).
pub(crate) struct RestoreCheck<'a> {
    pub path: &'a Path,
    pub target: Option<&'a str>,
    pub replace: bool,
    pub other_installation: bool,
}

/// How a snapshot is written or put back.
#[derive(Clone, Copy)]
pub(crate) struct Job<'a> {
    /// Replace what is there: an existing file (backup), an account with data (restore).
    pub replace: bool,
    /// Hears of each table done.
    pub progress: &'a dyn Fn(&str),
}

/// What differs between the stores beyond their rows and codec: which users they serve,
/// how they name themselves, and how they write and put back snapshots (each in its own
/// format). The pwaccount file's is `pwaccount.rs`, Nextcloud's `nextcloud.rs`.
pub(crate) trait Store: ChallengeStore {
    /// Refuse a user this store does not serve (Nextcloud: one it does not have).
    fn check_user(&self, user: &str) -> Result<()>;
    /// The database, for `status`, and what the store has to say of what it opened.
    fn info(&self) -> crate::store::StoreInfo;
    /// What the store is and serves.
    fn capabilities(&self) -> &'static crate::store::Capabilities;
    /// Where a snapshot of `user` goes when no path is given (`suffix` marks a reset's): a
    /// name not taken yet; the folder is made when the snapshot is written.
    fn default_snapshot(&mut self, user: &str, suffix: &str) -> Result<PathBuf>;
    /// The database file (or, on a database server, the configuration), which no
    /// snapshot may replace.
    fn database_path(&self) -> &Path;
    /// Write a snapshot of `user` to `dest`, whose folder is ready.
    fn write_snapshot(&mut self, user: &str, dest: &Path, job: Job<'_>) -> Result<Counts>;
    /// Read the file `check.path` names (a snapshot in this store's format; on Nextcloud
    /// also one of the app's backups, by path or label, for `check.target`), refusing one
    /// that is not usable here: not a snapshot or backup of this store, damaged or edited,
    /// or (unless `other_installation`, and then only where its keys open here) of
    /// another installation.
    fn read_snapshot(&mut self, check: &RestoreCheck<'_>) -> Result<SnapshotInfo>;
    /// Why a snapshot is restored into its own account only, for the refusal (may be "").
    fn bound_to_account(&self) -> &'static str;
    /// What a restore of the checked snapshot would delete and write, per table.
    fn restore_plan(
        &mut self,
        info: &SnapshotInfo,
    ) -> Result<Vec<crate::store::snapshot::TableChange>>;
    /// The folder this store's snapshots go to by default.
    fn snapshot_folder(&mut self) -> Result<PathBuf>;
    /// The Passwords app's own backups, where the store has them (none on the pwaccount
    /// file).
    fn app_backups(&mut self) -> Result<Vec<crate::store::nextcloud::app_backup::Listed>> {
        Ok(Vec::new())
    }
    /// Write a restore (see `PutBack`); a warning about something after the commit, if
    /// any.
    fn restore_rows(&mut self, job: &crate::store::snapshot::PutBack<'_>)
    -> Result<Option<String>>;
    /// See `Accounts::key_findings`; a store without server-side keys has none.
    fn key_findings(
        &mut self,
        _user: &str,
        _old: Option<&crate::crypto::SecretText>,
    ) -> Result<Vec<check::Finding>> {
        Ok(Vec::new())
    }
}

/// Every flow, once, for every store.
impl<S: Store> Accounts for S {
    fn status(&mut self, user: &str) -> Result<status::Status> {
        self.check_user(user)?;
        status::status(self, user)
    }

    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]> {
        self.check_user(user)?;
        challenge::get(self, user)
    }

    fn verify(&mut self, user: &str, proof: &challenge::Proof) -> Result<usize> {
        self.check_user(user)?;
        challenge::verify(self, user, proof)
    }

    fn has_challenge(&mut self, user: &str) -> Result<bool> {
        self.check_user(user)?;
        Ok(challenge::prepare_set(self, user)?.is_some())
    }

    fn set_challenge(
        &mut self,
        user: &str,
        new: challenge::NewChallenge,
        old: Option<challenge::Proof>,
    ) -> Result<()> {
        self.check_user(user)?;
        let current = challenge::prepare_set(self, user)?;
        challenge::set(self, user, current.as_ref(), new, old)
    }

    fn reset_preview(&mut self, user: &str) -> Result<Counts> {
        self.check_user(user)?;
        reset::preview(self, user)
    }

    fn reset_issue(&mut self, user: &str) -> Result<reset::Issued> {
        self.check_user(user)?;
        reset::issue(self, user)
    }

    fn reset_cancel(&mut self, user: &str) -> Result<Option<reset::Withdrawn>> {
        self.check_user(user)?;
        reset::cancel(self, user)
    }

    fn reset(&mut self, user: &str, code: Option<&str>, backup: bool) -> Result<reset::Done> {
        self.check_user(user)?;
        let dest = match backup {
            true => Some(self.default_snapshot(user, "-before-reset")?),
            false => None,
        };
        reset::reset(self, user, code, dest)
    }

    fn backup(
        &mut self,
        user: &str,
        dest: Option<&Path>,
        job: Job<'_>,
    ) -> Result<(PathBuf, Counts)> {
        self.check_user(user)?;
        let (dest, default) = match dest {
            Some(dest) => (dest.to_path_buf(), false),
            None => (self.default_snapshot(user, "")?, true),
        };
        // The default folder is made (0700, with its parents) if missing; a given one
        // must exist.
        crate::store::files::prepare_folder(&dest, self.database_path(), job.replace, default)?;
        let counts = self.write_snapshot(user, &dest, job)?;
        Ok((dest, counts))
    }

    fn check_restore(&mut self, check: &RestoreCheck<'_>) -> Result<(SnapshotInfo, Counts)> {
        restore::check(self, check)
    }

    fn restore(
        &mut self,
        info: &SnapshotInfo,
        path: &Path,
        job: Job<'_>,
    ) -> Result<restore::Restored> {
        restore::put_back(self, info, path, job)
    }

    fn restore_plan(
        &mut self,
        info: &SnapshotInfo,
    ) -> Result<Vec<crate::store::snapshot::TableChange>> {
        Store::restore_plan(self, info)
    }

    fn backups(&mut self, user: Option<&str>) -> Result<backups::Listing> {
        backups::list(self, user)
    }

    fn account_ids(&mut self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
        self.reading()?.account_ids(after, limit)
    }

    fn unreadable_ids(&mut self, limit: usize) -> Result<Vec<Vec<u8>>> {
        self.reading()?.unreadable_ids(limit)
    }

    fn last_change(&mut self, user: &str) -> Result<Option<i64>> {
        self.reading()?.last_change(user)
    }

    fn integrity(&mut self) -> Result<Vec<String>> {
        self.reading()?.integrity()
    }

    fn damage(&mut self, user: &str) -> Result<Vec<check::Damage>> {
        let now = crate::text::now()?;
        let tx = self.reading()?;
        let mut found: Vec<check::Damage> = tx
            .dangling_references(user)?
            .into_iter()
            .map(check::Damage::Rows)
            .collect();
        match tx.pending_reset(user) {
            Ok(Some((_, expires))) if expires <= now => {
                found.push(check::Damage::ExpiredCode(expires));
            }
            Ok(_) => {}
            Err(e) if e.id == crate::error::Id::ResetCodeDamaged => {
                found.push(check::Damage::DamagedCode);
            }
            Err(e) => return Err(e),
        }
        Ok(found)
    }

    fn audit_entries(
        &mut self,
        filter: &audit::Filter,
        each: &mut dyn FnMut(audit::Entry) -> Result<bool>,
    ) -> Result<bool> {
        self.reading()?.audit_entries(filter, each)
    }

    fn key_findings(
        &mut self,
        user: &str,
        old: Option<&crate::crypto::SecretText>,
    ) -> Result<Vec<check::Finding>> {
        Store::key_findings(self, user, old)
    }
}
