//! The reset flow: issue a code, then delete everything SPEC §4 marks "reset deletes" for
//! the account in one transaction, keeping the account row and its tokens.

use std::path::PathBuf;

use rusqlite::Connection;

use super::now;
use crate::crypto::reset_code;
use crate::error::{Error, Kind, Result};
use crate::store::{self, AccountStore, Counts};

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

fn code_ttl(conn: &Connection) -> Result<i64> {
    Ok(store::server_setting(conn, TTL_SETTING)?
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|&ttl| ttl > 0)
        .unwrap_or(DEFAULT_CODE_TTL))
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
    let tx = store.write()?;
    let expires = now + code_ttl(&tx)?;
    store::put_reset_code(&tx, user, &reset_code::hash(&code), now, expires)?;
    let counts = store::counts(&tx, user)?;
    tx.commit()?;
    Ok(Issued {
        code,
        expires,
        counts,
    })
}

fn forbidden(id: &'static str, message: String) -> Error {
    Error::new(Kind::Forbidden, id, message)
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
    let again = "run `pwaccount reset` to get a new code";
    let pending = store::reset_code(&tx, user)?.ok_or_else(|| {
        forbidden(
            "no_reset_pending",
            format!("no reset is pending for account '{user}'; {again}"),
        )
    })?;
    if !reset_code::matches(code, &pending.code_hash) {
        return Err(forbidden(
            "code_invalid",
            format!(
                "the reset code does not match the one issued last for account '{user}'; check it, or {again}"
            ),
        ));
    }
    if now() >= pending.expires {
        return Err(forbidden(
            "code_expired",
            format!(
                "the reset code expired at {}; {again}",
                crate::output::utc_time(pending.expires)
            ),
        ));
    }
    let done = wipe(&tx, user, snapshot)?;
    tx.commit()?;
    Ok(done)
}

/// Reset the account after a confirmation made elsewhere (the code typed at a terminal).
pub fn perform(
    store: &mut AccountStore,
    user: &str,
    snapshot: Option<Snapshot<'_>>,
) -> Result<Done> {
    let tx = store.write()?;
    let done = wipe(&tx, user, snapshot)?;
    tx.commit()?;
    Ok(done)
}

fn wipe(conn: &Connection, user: &str, snapshot: Option<Snapshot<'_>>) -> Result<Done> {
    let deleted = store::counts(conn, user)?;
    // A blank account has nothing worth a snapshot.
    let backup = match snapshot {
        Some(write) if deleted.deletable_total() > 0 => Some(write(user)?),
        _ => None,
    };
    store::delete_account_data(conn, user)?;
    Ok(Done { deleted, backup })
}
