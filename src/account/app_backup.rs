//! One user restored from the Passwords app's own backups: the rules between reading the
//! file (`store::nextcloud::app_backup`) and writing its rows (`backup_rows`). Everything
//! that could refuse the restore is checked before anything is deleted, and again in the
//! restore's transaction: the format, this installation's keys against the backup's (the
//! app's own single-user restore deletes the user's rows first and refuses only then),
//! the user present in the backup, and the rows it would write.

use std::path::{Path, PathBuf};

use crate::error::{Error, Id, Result};
use crate::store::Counts;
use crate::store::nextcloud::app_backup::{self, Backup};
use crate::store::nextcloud::{KeychainSecret, NextcloudStore, Tx};
use crate::store::rows::{Rows, Transactions, not_blank};
use crate::store::snapshot::{PutBack, SnapshotInfo, SourceKind};

/// The file a restore names: `path` itself when it exists, else the app's backup of
/// that label (as `occ passwords:backup:list` shows it); a label not found is refused
/// with the labels there are.
pub(crate) fn resolve(store: &NextcloudStore, path: &Path) -> Result<PathBuf> {
    if path.exists() || path.components().count() != 1 {
        return Ok(path.to_path_buf());
    }
    let label = path.to_string_lossy();
    let listed = app_backup::list(&store.app_data()?)?;
    if let Some(found) = listed.iter().find(|b| b.label == label) {
        return Ok(found.path.clone());
    }
    let labels: Vec<&str> = listed.iter().map(|b| b.label.as_str()).collect();
    Err(Error::new(
        Id::CannotReadFile,
        format!(
            "there is no file {} and no Passwords app backup labelled so; {}; nothing was \
             changed",
            crate::text::escape_controls(&label),
            if labels.is_empty() {
                "the installation has no app backups".to_owned()
            } else {
                format!("the app's backups are: {}", labels.join(", "))
            }
        ),
    ))
}

/// Check the app backup at `path` for a restore of `user` (who must be named: a backup
/// holds every user); nothing is changed.
pub(crate) fn inspect(
    store: &mut NextcloudStore,
    path: &Path,
    user: Option<&str>,
) -> Result<SnapshotInfo> {
    let Some(user) = user else {
        return Err(Error::new(
            Id::Usage,
            format!(
                "{} is a Passwords app backup, which holds every user: name the one to \
                 restore with --user; nothing was changed",
                path.display()
            ),
        ));
    };
    store.require_user(user)?;
    let backup = app_backup::read(path, Some(user))?;
    check(&store.reading()?, &backup, path, user)?;
    let counts = counts(&backup);
    store.keep_backup(path, user, backup)?;
    let created = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64);
    Ok(SnapshotInfo {
        user: user.to_owned(),
        created,
        source: path.to_path_buf(),
        kind: SourceKind::AppBackup,
        counts,
        received_shares: 0,
    })
}

/// What the backup holds of the user, counted as `status` counts (rows not flagged
/// deleted; the app writes no others).
pub(crate) fn counts(b: &Backup) -> Counts {
    Counts {
        passwords: b.live("passwords_password"),
        password_revisions: b.live("passwords_password_rv"),
        folders: b.live("passwords_folder"),
        folder_revisions: b.live("passwords_folder_rv"),
        tags: b.live("passwords_tag"),
        tag_revisions: b.live("passwords_tag_rv"),
        password_tags: b.live("passwords_pw_tag_rel"),
        shares: b.live("passwords_share"),
        keychains: b.live("passwords_keychain"),
        ..Counts::default()
    }
}

/// Everything that could refuse restoring `user` from `backup` here.
fn check(reader: &Tx<'_>, backup: &Backup, path: &Path, user: &str) -> Result<()> {
    if !backup.users.contains(user) {
        let shown: Vec<&str> = backup.users.iter().take(10).map(String::as_str).collect();
        return Err(Error::new(
            Id::UserMismatch,
            format!(
                "the Passwords app backup {} holds nothing of user '{user}' (it holds {} \
                 user(s){}{}); nothing was changed",
                path.display(),
                backup.users.len(),
                if shown.is_empty() { "" } else { ": " },
                shown.join(", ")
            ),
        ));
    }
    check_keys(reader, backup, path)
}

/// The backup's server keys must be this installation's: the user's items and keys in it
/// are encrypted under them. The app compares the same two values (`SSEv1ServerKey`, and
/// the server secret: `secret`, or from 2025.7 `passwords.secret` when set), but only
/// after it has deleted the user's rows.
fn check_keys(reader: &Tx<'_>, backup: &Backup, path: &Path) -> Result<()> {
    let config = reader.config();
    let system = config.secret("secret")?;
    let secret = match reader.rules().keychain_secret {
        KeychainSecret::PasswordsSecretFirst => config.secret("passwords.secret")?.or(system),
        _ => system,
    };
    let refuse = |what: &str, how: &str| {
        Error::new(
            Id::OtherInstallation,
            format!(
                "the Passwords app backup {} was written under another {what} than this \
                 installation's (another installation, or this one before its keys \
                 changed), so the user's items in it would not open here; {how}; nothing \
                 was changed",
                path.display()
            ),
        )
    };
    if let Some(theirs) = &backup.server_secret
        && !theirs.expose().is_empty()
        && secret.as_ref().map(|s| s.expose()) != Some(theirs.expose())
    {
        return Err(refuse(
            "server secret (`secret`, or `passwords.secret` from 2025.7)",
            "restore it on the installation it came from, or into a copy of this one with \
             the backup's secret, and bring the user over with a pwaccount snapshot; if this \
             installation's secret was changed since, `pwaccount check --old-secret-file` \
             and `rekey` mend the items once they are back",
        ));
    }
    let ours = match reader.app_value("SSEv1ServerKey")? {
        Some(v) if !v.is_empty() => Some(super::codec::nextcloud::plain_value(reader, v)?),
        _ => None,
    };
    let theirs = backup
        .server_key
        .as_ref()
        .map(|k| k.expose())
        .filter(|k| !k.is_empty());
    if ours.as_deref() != theirs {
        return Err(refuse(
            "app server key (`SSEv1ServerKey`)",
            "restore it on the installation it came from; the app would replace this \
             installation's key for every user, which pwaccount never does for one user",
        ));
    }
    Ok(())
}

/// What restoring `user` from the app backup at `path` would delete and write, per table.
pub(crate) fn plan(
    store: &mut NextcloudStore,
    path: &Path,
    user: &str,
) -> Result<Vec<crate::store::snapshot::TableChange>> {
    let backup = store.backup_for(path, user)?;
    let reader = store.reading()?;
    check(&reader, &backup, path, user)?;
    reader.backup_changes(user, &backup)
}

/// Restore `job.user` from the app backup at `job.path`, in one transaction: the backup
/// read and checked again, the account as it is written to `job.undo`, then its rows
/// replaced.
pub(crate) fn put_back(store: &mut NextcloudStore, job: &PutBack<'_>) -> Result<Option<String>> {
    let backup = store.backup_for(job.path, job.user)?;
    let w = store.writing()?;
    check(&w, &backup, job.path, job.user)?;
    if job.require_blank && !w.holdings(job.user)?.is_blank() {
        return Err(not_blank(job.user, true));
    }
    w.write_reset_snapshot(job.user, job.undo, job.now)?;
    w.put_backup(job.user, &backup, job.progress)?;
    w.commit_change(job.record)?;
    Ok(None)
}
