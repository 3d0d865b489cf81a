//! Per-account backups and restores, and the snapshot a reset writes before deleting.

use std::path::{Path, PathBuf};

use crate::error::{Error, Id, Result};
use crate::store::audit::{Action, Record};
use crate::store::rows::Rows;
use crate::store::rows::Transactions;
use crate::store::snapshot::{self, SnapshotInfo};
use crate::store::{AccountStore, Counts};
use crate::text::now;

/// Where a snapshot goes by default: `backups/` beside the database file, named with the
/// account id and a UTC timestamp (and `-2`, `-3`, … should that name be taken).
pub(crate) fn default_path(store: &AccountStore, user: &str, suffix: &str) -> Result<PathBuf> {
    let folder = store
        .path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("backups");
    let now = now()?;
    let mut path = folder.join(snapshot::file_name(user, now, suffix));
    let mut n = 2;
    while path.exists() {
        path = folder.join(snapshot::file_name(user, now, &format!("{suffix}-{n}")));
        n += 1;
    }
    Ok(path)
}

/// A consistent copy of the whole database.
pub(crate) fn backup_all(store: &AccountStore, dest: &Path, overwrite: bool) -> Result<()> {
    store.copy_all(dest, overwrite)
}

/// Check a snapshot and that it may be restored into `target` (default: its own account):
/// the same account id (sealed keys are bound to it), and a blank account unless `replace`.
pub(crate) fn check_restore(
    store: &mut AccountStore,
    path: &Path,
    target: Option<&str>,
    replace: bool,
) -> Result<(SnapshotInfo, Counts)> {
    let info = snapshot::inspect(path)?;
    check_target(target, &info.user, ", whose keys are sealed to its own id")?;
    let db = store.path().to_path_buf();
    let in_context = |e: Error| e.in_context(&info.user, &db);
    let current = store
        .reading()
        .and_then(|tx| tx.holdings(&info.user))
        .map_err(in_context)?;
    if current.deletable_total() > 0 && !replace {
        return Err(in_context(Error::new(
            Id::AccountNotBlank,
            format!("account '{}' is not blank", info.user),
        )));
    }
    Ok((info, current))
}

/// A snapshot is restored only into its own account (`target`, when one was named, must
/// be `snapshot_user`); `why` says why, for this kind of store.
pub(crate) fn check_target(target: Option<&str>, snapshot_user: &str, why: &str) -> Result<()> {
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

/// Replace the account's data with the snapshot's, in one transaction. Returns a warning
/// about something that went wrong after the restore was committed, if anything did.
pub(crate) fn restore(
    store: &mut AccountStore,
    info: &SnapshotInfo,
    path: &Path,
    replace: bool,
    progress: &dyn Fn(&str),
) -> Result<Option<String>> {
    let record = restore_record(info, path, replace);
    store.restore_rows(path, &info.user, !replace, &record, progress)
}

/// The audit record of a restore of the snapshot at `path` (checked: `info`); `replace`:
/// whether the account's data, if any, was allowed to be replaced.
pub(crate) fn restore_record(info: &SnapshotInfo, path: &Path, replace: bool) -> Record {
    // Tokens and received shares are recorded in a snapshot but not written back.
    let restored = Counts {
        shares: info.counts.shares.saturating_sub(info.received_shares),
        ..info.counts
    }
    .json_without_tokens();
    Record::account(
        &info.user,
        Action::Restore,
        "restored",
        serde_json::json!({
            "replace": replace,
            "snapshot": crate::text::path_text(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())),
            "snapshot_created": info.created,
            "restored": restored,
        }),
    )
}
