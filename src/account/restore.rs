//! Restore, once for every store and every kind of snapshot: the store reads the
//! snapshot in its own format (`Store::read_snapshot`, which refuses what is not one, is
//! damaged, or belongs to another installation) and writes its rows back in one
//! transaction (`Store::restore_rows`); the rules between the two are written here once:
//! the snapshot goes back into its own account only, into a blank account unless
//! `--replace`, and a conflict with another writer is run again.

use std::path::Path;

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
    let info = store.read_snapshot(check.path, check.other_installation)?;
    refuse_other_account(check.target, &info.user, store.bound_to_account())?;
    store.check_user(&info.user)?;
    let db = store.database_path().to_path_buf();
    let in_context = |e: Error| e.in_context(&info.user, &db);
    let current = store
        .reading()
        .and_then(|tx| tx.holdings(&info.user))
        .map_err(in_context)?;
    if !current.is_blank() && !check.replace {
        return Err(in_context(not_blank(&info.user, false)));
    }
    Ok((info, current))
}

/// Put the account back as the checked snapshot (`info`) holds it, in one transaction,
/// run again on a conflict; a warning about something after the commit, if any.
pub(crate) fn put_back<S: Store + ?Sized>(
    store: &mut S,
    info: &SnapshotInfo,
    path: &Path,
    job: Job<'_>,
) -> Result<Option<String>> {
    let record = record(info, path, job.replace);
    super::retrying(store, |store, attempt| {
        store.restore_rows(
            path,
            &info.user,
            !job.replace,
            &super::with_attempts(record.clone(), attempt),
            job.progress,
        )
    })
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
            "snapshot_created": info.created,
            "restored": info.restored().json_without_tokens(),
        }),
    )
}
