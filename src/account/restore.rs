//! Restore, once for every store and every kind of snapshot: the store reads the
//! snapshot in its own format (`Store::read_snapshot`, which refuses what is not one, is
//! damaged, or belongs to another installation) and writes its rows back in one
//! transaction (`Store::restore_rows`); the rules between the two are written here once:
//! the snapshot goes back into its own account only, into a blank account unless
//! `--replace`, and a conflict with another writer is run again.

use std::path::{Path, PathBuf};

use super::{Job, RestoreCheck, Store};
use crate::error::{Error, Id, Result};
use crate::store::Counts;
use crate::store::audit::{Action, Record};
use crate::store::rows::{Rows, not_blank};
use crate::store::snapshot::SnapshotInfo;

/// Check the snapshot at `check.path` for a restore: what it holds, and what the account
/// holds now. Nothing is changed.
pub(crate) fn check<S: Store + ?Sized>(
    store: &mut S,
    check: &RestoreCheck<'_>,
) -> Result<(SnapshotInfo, Counts)> {
    let info = store.read_snapshot(check)?;
    refuse_other_account(check.target, &info.user, store.bound_to_account())?;
    store.check_user(&info.user)?;
    // The account is the snapshot's (the command line may not have named one); the
    // database is named by the command layer, as for every failure.
    let in_context = |mut e: Error| {
        e.account.get_or_insert_with(|| info.user.clone());
        e
    };
    let current = store
        .reading()
        .and_then(|tx| tx.holdings(&info.user))
        .map_err(in_context)?;
    if !current.is_blank() && !check.replace {
        return Err(in_context(not_blank(&info.user, false)));
    }
    Ok((info, current))
}

/// What a restore did besides its rows: where the account as it was went (so the restore
/// can be undone), and a warning about something after the commit, if any.
pub(crate) struct Restored {
    pub undo: PathBuf,
    pub warning: Option<String>,
}

/// Put the account back as the checked snapshot (`info`) holds it, in one transaction,
/// run again on a conflict.
pub(crate) fn put_back<S: Store + ?Sized>(
    store: &mut S,
    info: &SnapshotInfo,
    path: &Path,
    job: Job<'_>,
) -> Result<Restored> {
    let record = record(info, path, job.replace);
    let now = crate::text::now()?;
    let mut undo = PathBuf::new();
    let warning = super::retrying(store, |store, attempt| {
        // A name not taken yet, for each attempt: the snapshot of an attempt that did
        // not commit is removed, unless the outcome is unknown (then it is kept).
        undo = store.default_snapshot(&info.user, "-before-restore")?;
        let done = store.restore_rows(&crate::store::snapshot::PutBack {
            path: &info.source,
            user: &info.user,
            require_blank: !job.replace,
            record: &super::with_attempts(record.clone(), attempt),
            progress: job.progress,
            undo: &undo,
            now,
        });
        if let Err(e) = &done
            && !e.outcome_unknown
        {
            let _ = std::fs::remove_file(&undo);
        }
        done
    })?;
    Ok(Restored { undo, warning })
}

/// A snapshot goes back into its own account only (`target`, when one was named, must be
/// `snapshot_user`); `why` says why, for this kind of store.
fn refuse_other_account(target: Option<&str>, snapshot_user: &str, why: &str) -> Result<()> {
    match target {
        Some(target) if target != snapshot_user => Err(Error::new(
            Id::UserMismatch,
            format!(
                "cannot restore into account '{target}': the snapshot holds another account, \
                 '{snapshot_user}'{why}"
            ),
        )),
        _ => Ok(()),
    }
}

/// The audit record of a restore of the snapshot at `path` (checked: `info`); `replace`:
/// whether the account's data, if any, was allowed to be replaced.
fn record(info: &SnapshotInfo, path: &Path, replace: bool) -> Record {
    Record::account(
        &info.user,
        Action::Restore,
        "restored",
        serde_json::json!({
            "replace": replace,
            "snapshot": crate::text::path_text(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())),
            "source": info.kind,
            "snapshot_created": info.created,
            "restored": info.restored().json_without_tokens(),
        }),
    )
}
