//! The reset flow, once for every store: issue a code, then delete everything design §4
//! marks "reset deletes" for the account in one transaction, keeping the account row and
//! its tokens (on Nextcloud: what the app's own account reset does).

use std::path::PathBuf;

use crate::crypto::reset_code;
use crate::error::{Error, Id, Result};
use crate::store::audit::{Action, Record};
use crate::store::rows::{Rows, Transactions};
use crate::store::{self, Counts};
use crate::text::now;

/// How long a code is valid unless `server_settings` `reset.code_ttl_seconds` says otherwise.
pub(crate) const DEFAULT_CODE_TTL: i64 = 600;
pub(crate) const TTL_SETTING: &str = "reset.code_ttl_seconds";

/// A code issued for a later `reset --code`.
pub(crate) struct Issued {
    pub code: String,
    pub expires: i64,
    pub counts: Counts,
}

/// What a reset did.
pub(crate) struct Done {
    /// What the account held, and the reset deleted (except `tokens`, which it kept).
    pub deleted: Counts,
    /// The snapshot written before deleting, if any.
    pub backup: Option<PathBuf>,
}

/// The longest lifetime a reset code may be given: 30 days.
pub(crate) const MAX_CODE_TTL: i64 = 30 * 24 * 3600;

/// The code lifetime from the store's settings (`server_settings` in the pwaccount file,
/// pwaccount's own app config on Nextcloud), which another program may have written:
/// absent means the default; anything but a whole number of seconds from 1 to 30 days is
/// refused rather than guessed at.
fn code_ttl(rows: &impl Rows) -> Result<i64> {
    let Some(text) = rows.setting(TTL_SETTING)? else {
        return Ok(DEFAULT_CODE_TTL);
    };
    // Digits only: no sign, no spaces (a value another program wrote as ' 5' is refused,
    // not guessed at).
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<i64>() {
        Ok(ttl) if digits && (1..=MAX_CODE_TTL).contains(&ttl) => Ok(ttl),
        _ => Err(Error::new(
            Id::InvalidSetting,
            format!(
                "the server setting {TTL_SETTING} is {:?}, but must be a whole number of \
                 seconds from 1 to {MAX_CODE_TTL} (30 days); correct or delete it",
                crate::text::escape_controls(&text)
            ),
        )),
    }
}

/// What a reset of the account would delete right now.
pub(crate) fn preview(store: &mut impl Transactions, user: &str) -> Result<Counts> {
    store.reading()?.reset_counts(user)
}

/// A withdrawn reset code: when it was valid until (`None`: it was stored damaged).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Withdrawn {
    pub expires: Option<i64>,
}

/// Withdraw the account's pending reset code (a damaged one too), with an audit record;
/// `None` (and nothing written) when no code is pending.
pub(crate) fn cancel(store: &mut impl Transactions, user: &str) -> Result<Option<Withdrawn>> {
    super::retrying(store, |store, attempt| {
        let tx = store.writing()?;
        let expires = match tx.pending_reset(user) {
            Ok(Some((_, expires))) => Some(expires),
            Ok(None) => return Ok(None),
            Err(e) if e.id == Id::ResetCodeDamaged => None,
            Err(e) => return Err(e),
        };
        tx.clear_reset(user)?;
        tx.commit_change(&super::with_attempts(
            Record::account(
                user,
                Action::ResetCode,
                "cancelled",
                serde_json::json!({ "expires": expires }),
            ),
            attempt,
        ))?;
        Ok(Some(Withdrawn { expires }))
    })
}

/// Issue a fresh code for the account, replacing any earlier one; nothing is deleted. An
/// account that holds nothing a reset would delete gets no code (a mistyped id would
/// otherwise appear as an account).
pub(crate) fn issue(store: &mut impl Transactions, user: &str) -> Result<Issued> {
    let code = reset_code::generate()?;
    let now = now()?;
    let (expires, counts) = super::retrying(store, |store, attempt| {
        let tx = store.writing()?;
        if tx.reset_counts(user)?.deletable_total() == 0 {
            return Err(nothing_to_reset(user));
        }
        let expires = now
            .checked_add(code_ttl(&tx)?)
            .ok_or_else(|| Error::internal("the clock is out of range"))?;
        tx.put_reset(user, &reset_code::hash(&code), now, expires)?;
        let counts = tx.reset_counts(user)?;
        // A code for a reset the server could not take in one transaction is not issued.
        tx.fits_one_transaction(user)?;
        tx.commit_change(&super::with_attempts(issued_record(user, expires), attempt))?;
        Ok((expires, counts))
    })?;
    Ok(Issued {
        code,
        expires,
        counts,
    })
}

/// Reset the account, in one transaction: `code` is checked first when the reset is
/// scripted (`None`: it was typed at a terminal), then a snapshot is written to
/// `snapshot` (if given and the account holds anything) before anything is deleted, then
/// the rows go. If anything fails after the snapshot was written, the snapshot is removed
/// again: it would record a reset that did not happen.
pub(crate) fn reset(
    store: &mut impl Transactions,
    user: &str,
    code: Option<&str>,
    snapshot: Option<PathBuf>,
) -> Result<Done> {
    let now = now()?;
    super::retrying(store, |store, attempt| {
        let tx = store.writing()?;
        if let Some(code) = code {
            check_code(user, code, tx.pending_reset(user)?)?;
        }
        // The file's check runs beside the deletes; they are committed only if it passes.
        let file_check = tx.start_file_check();
        tx.fits_one_transaction(user)?;
        let backup = match &snapshot {
            Some(dest) if tx.reset_counts(user)?.deletable_total() > 0 => {
                tx.write_reset_snapshot(user, dest, now)
                    .map_err(snapshot_failed)?;
                Some(dest.clone())
            }
            _ => None,
        };
        // Ended from another thread (an interruption or a server timeout mid-delete): the
        // snapshot would record a reset that did not happen.
        let _discard = backup.as_deref().map(crate::interrupt::discard_if_ended);
        let outcome = tx.delete_account(user, now).and_then(|deleted| {
            refuse_damaged_file(file_check.finish()?)?;
            let done = Done {
                deleted,
                backup: backup.clone(),
            };
            tx.commit_change(&super::with_attempts(
                done_record(user, &done, code.is_some()),
                attempt,
            ))?;
            Ok(done)
        });
        // Kept when the change may have been committed after all.
        if outcome.as_ref().is_err_and(|e| !e.outcome_unknown)
            && let Some(path) = &backup
        {
            store::files::discard(path);
        }
        outcome
    })
}

/// A reset is not committed into a file that fails SQLite's quick check.
fn refuse_damaged_file(damage: Vec<String>) -> Result<()> {
    let Some(first) = damage.first() else {
        return Ok(());
    };
    Err(Error::new(
        Id::DatabaseCorrupt,
        format!(
            "the database file fails SQLite's check ({} problem(s), first: {}), so nothing \
             is deleted from it; run `pwaccount check` and repair the file first; nothing \
             was changed",
            damage.len(),
            crate::text::escape_controls(first)
        ),
    ))
}

/// The refusal to issue a code for an account that holds nothing.
pub(crate) fn nothing_to_reset(user: &str) -> Error {
    Error::new(
        Id::NothingToReset,
        format!(
            "account '{user}' holds nothing a reset would delete (is the id right? `pwaccount \
             accounts` lists the accounts), so no code was issued; nothing was changed"
        ),
    )
}

/// The failure of the snapshot a reset writes first: the reset did not happen. An
/// interruption is reported as one.
fn snapshot_failed(e: Error) -> Error {
    match e.id {
        Id::Interrupted => e,
        _ => Error {
            message: format!(
                "could not write the snapshot before the reset, so nothing was deleted: {}",
                e.message
            ),
            id: Id::ResetSnapshotFailed,
            ..e
        },
    }
}

/// Whether `code` confirms the pending reset `(code hash, expiry)` of `user` (exit 3
/// otherwise).
fn check_code(user: &str, code: &str, pending: Option<(String, i64)>) -> Result<()> {
    let again = "run `pwaccount reset` to get a new code";
    let (hash, expires) = pending.ok_or_else(|| {
        Error::new(
            Id::NoResetPending,
            format!("no reset is pending for account '{user}'; {again}"),
        )
    })?;
    if !reset_code::matches(code, &hash) {
        return Err(Error::new(
            Id::CodeInvalid,
            format!(
                "the reset code does not match the one issued last for account '{user}'; check it, or {again}"
            ),
        ));
    }
    if now()? >= expires {
        return Err(Error::new(
            Id::CodeExpired,
            format!(
                "the reset code expired at {}; {again}",
                crate::text::utc_time(expires)
            ),
        ));
    }
    Ok(())
}

/// The audit record of a code issued for `user`, valid until `expires`.
fn issued_record(user: &str, expires: i64) -> Record {
    Record::account(
        user,
        Action::ResetCode,
        "issued",
        serde_json::json!({ "expires": expires }),
    )
}

/// The audit record of a reset of `user`: what it deleted and kept, and its snapshot.
fn done_record(user: &str, done: &Done, by_code: bool) -> Record {
    Record::account(
        user,
        Action::Reset,
        "deleted",
        serde_json::json!({
            "deleted": done.deleted.json_without_tokens(),
            "kept": { "tokens": done.deleted.tokens },
            "backup": done.backup.as_ref().map(|p| crate::text::path_text(p)),
            "confirmed_by": if by_code { "code" } else { "terminal" },
        }),
    )
}
