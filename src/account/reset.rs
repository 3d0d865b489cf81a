//! The reset flow: issue a code, then delete everything design §4 marks "reset deletes" for
//! the account in one transaction, keeping the account row and its tokens.

use std::path::PathBuf;

use crate::crypto::reset_code;
use crate::error::{Error, Id, Result};
use crate::store::audit::{Action, Record};
use crate::store::{self, AccountStore, Counts, Tx};
use crate::text::now;

/// How long a code is valid unless `server_settings` `reset.code_ttl_seconds` says otherwise.
pub const DEFAULT_CODE_TTL: i64 = 600;
pub const TTL_SETTING: &str = "reset.code_ttl_seconds";

/// A code issued for a later `reset --code`.
pub struct Issued {
    pub code: String,
    pub expires: i64,
    pub counts: Counts,
}

/// What a reset did.
pub struct Done {
    /// What the account held, and the reset deleted (except `tokens`, which it kept).
    pub deleted: Counts,
    /// The snapshot written before deleting, if any.
    pub backup: Option<PathBuf>,
}

/// Writes a snapshot of the account inside the reset's transaction, before anything is
/// deleted, and returns its path; an error aborts the reset.
pub type Snapshot<'a> = &'a dyn Fn(&str) -> Result<PathBuf>;

/// The longest lifetime a reset code may be given: 30 days.
pub const MAX_CODE_TTL: i64 = 30 * 24 * 3600;

/// The code lifetime from `server_settings`, which another program may have written:
/// absent means the default; anything but a whole number of seconds from 1 to 30 days is
/// refused rather than guessed at.
fn code_ttl(conn: &Tx<'_>) -> Result<i64> {
    let Some(text) = store::server_setting(conn, TTL_SETTING)? else {
        return Ok(DEFAULT_CODE_TTL);
    };
    match text.trim().parse::<i64>() {
        Ok(ttl) if (1..=MAX_CODE_TTL).contains(&ttl) => Ok(ttl),
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
pub fn preview(store: &mut AccountStore, user: &str) -> Result<Counts> {
    let tx = store.read()?;
    store::counts(&tx, user)
}

/// Issue a fresh code for the account, replacing any earlier one; nothing is deleted.
pub fn issue(store: &mut AccountStore, user: &str) -> Result<Issued> {
    let code = reset_code::generate()?;
    let now = now();
    let now = now?;
    let tx = store.write()?;
    let expires = now
        .checked_add(code_ttl(&tx)?)
        .ok_or_else(|| Error::internal("the clock is out of range"))?;
    store::put_reset_code(&tx, user, &reset_code::hash(&code), now, expires)?;
    let counts = store::counts(&tx, user)?;
    store::commit_change(tx, &issued_record(user, expires))?;
    Ok(Issued {
        code,
        expires,
        counts,
    })
}

fn forbidden(id: Id, message: String) -> Error {
    Error::new(id, message)
}

/// Check `code` against the account's pending code and, if it matches and has not
/// expired, reset the account. Otherwise nothing is deleted (exit 3).
pub fn confirm(
    store: &mut AccountStore,
    user: &str,
    code: &str,
    snapshot: Option<Snapshot<'_>>,
) -> Result<Done> {
    let tx = store.write()?;
    let pending = store::reset_code(&tx, user)?.map(|p| (p.code_hash, p.expires));
    check_code(user, code, pending)?;
    finish(tx, user, snapshot, true)
}

/// Whether `code` confirms the pending reset `(code hash, expiry)` of `user` (exit 3
/// otherwise), in every kind of store.
pub(crate) fn check_code(user: &str, code: &str, pending: Option<(String, i64)>) -> Result<()> {
    let again = "run `pwaccount reset` to get a new code";
    let (hash, expires) = pending.ok_or_else(|| {
        forbidden(
            Id::NoResetPending,
            format!("no reset is pending for account '{user}'; {again}"),
        )
    })?;
    if !reset_code::matches(code, &hash) {
        return Err(forbidden(
            Id::CodeInvalid,
            format!(
                "the reset code does not match the one issued last for account '{user}'; check it, or {again}"
            ),
        ));
    }
    if now()? >= expires {
        return Err(forbidden(
            Id::CodeExpired,
            format!(
                "the reset code expired at {}; {again}",
                crate::text::utc_time(expires)
            ),
        ));
    }
    Ok(())
}

/// Reset the account after a confirmation made elsewhere (the code typed at a terminal).
pub fn perform(
    store: &mut AccountStore,
    user: &str,
    snapshot: Option<Snapshot<'_>>,
) -> Result<Done> {
    let tx = store.write()?;
    finish(tx, user, snapshot, false)
}

/// The audit record of a code issued for `user`, valid until `expires`.
pub(crate) fn issued_record(user: &str, expires: i64) -> Record {
    Record::account(
        user,
        Action::ResetCode,
        "issued",
        serde_json::json!({ "expires": expires }),
    )
}

/// The audit record of a reset of `user`: what it deleted and kept, and its snapshot.
pub(crate) fn done_record(user: &str, done: &Done, by_code: bool) -> Record {
    Record::account(
        user,
        Action::Reset,
        "deleted",
        serde_json::json!({
            "deleted": done.deleted.json_without_tokens(),
            "kept": { "tokens": done.deleted.tokens },
            "backup": done.backup.as_ref().map(|p| p.display().to_string()),
            "confirmed_by": if by_code { "code" } else { "terminal" },
        }),
    )
}

/// Wipe the account and commit, with its audit record. If anything fails after the
/// snapshot was written, the snapshot is removed again: it would record a reset that did
/// not happen.
fn finish(tx: Tx<'_>, user: &str, snapshot: Option<Snapshot<'_>>, by_code: bool) -> Result<Done> {
    let done = wipe(&tx, user, snapshot)?;
    if let Err(e) = store::commit_change(tx, &done_record(user, &done, by_code)) {
        if let Some(path) = &done.backup {
            store::snapshot::discard(path);
        }
        return Err(e);
    }
    Ok(done)
}

fn wipe(conn: &Tx<'_>, user: &str, snapshot: Option<Snapshot<'_>>) -> Result<Done> {
    let deleted = store::counts(conn, user)?;
    // A blank account has nothing worth a snapshot.
    let backup = match snapshot {
        Some(write) if deleted.deletable_total() > 0 => Some(write(user)?),
        _ => None,
    };
    if let Err(e) = store::delete_account_data(conn, user) {
        if let Some(path) = &backup {
            store::snapshot::discard(path);
        }
        return Err(e);
    }
    Ok(Done { deleted, backup })
}
