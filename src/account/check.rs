//! `check`: is the database sound, and which accounts are damaged? Read only; every
//! finding names the account, what is wrong and the command that repairs it.

use serde::Serialize;

use super::Accounts;
use crate::error::{Id, Result};

/// Something wrong with one account.
#[derive(Debug, Serialize)]
pub(crate) struct Finding {
    pub account: String,
    pub problem: String,
    /// The command that repairs it.
    pub repair: String,
}

/// What `Accounts::damage` finds beyond `status`: rows pointing at nothing (described),
/// or a reset code that expired unused and was left behind.
pub(crate) enum Damage {
    Rows(String),
    ExpiredCode(i64),
    /// A pending reset code stored in a form pwaccount did not write.
    DamagedCode,
}

/// The finding for `damage` of `user`, with a repair that destroys nothing that the
/// problem has not already lost.
fn damage_finding(user: &str, damage: Damage) -> Finding {
    let u = shell_word(user);
    let (problem, repair) = match damage {
        // Nothing is lost: the code is refused anyway; withdrawing it tidies up.
        Damage::ExpiredCode(expires) => (
            format!(
                "a reset code that expired unused at {} is left behind",
                crate::text::utc_time(expires)
            ),
            format!("pwaccount -u {u} reset --cancel (withdraws the code, changes nothing else)"),
        ),
        // Nothing is lost either: the code cannot be checked, so it is refused anyway.
        Damage::DamagedCode => (
            "the pending reset code is stored damaged and can never be accepted".to_owned(),
            format!("pwaccount -u {u} reset --cancel (withdraws the code, changes nothing else)"),
        ),
        // An item whose current revision is gone cannot be shown: it is lost unless a
        // snapshot from before holds it.
        Damage::Rows(rows) if rows.contains("current revision is missing") => (
            rows,
            format!(
                "restore the account from a snapshot taken before the damage (pwaccount -u {u} \
                 restore SNAPSHOT --replace; a snapshot of the account as it is now is written \
                 first)"
            ),
        ),
        // Rows pointing at nothing are ignored by the app and lose nothing more.
        Damage::Rows(rows) => (
            rows,
            "none needed: the app ignores rows that point at nothing and the account works; \
             to remove them, take a snapshot (pwaccount backup) and delete them with the \
             database's own client"
                .into(),
        ),
    };
    Finding {
        account: user.to_owned(),
        problem,
        repair,
    }
}

/// What is wrong with `user`: what `status` reports as problems, keychains without a
/// challenge, a challenge that cannot be read, rows pointing at nothing, an expired reset
/// code left behind. Failures that mean the account is damaged are findings, not errors.
/// Whether a failure reading an account means the account is damaged (rather than the
/// database unreachable or busy): `accounts` and `check` report it and go on.
pub(crate) fn is_damage(id: Id) -> bool {
    matches!(
        id,
        Id::ChallengeDamaged | Id::ChallengeMissing | Id::KeychainDamaged | Id::OrphanKeychains
    )
}

pub(crate) fn account(
    store: &mut dyn Accounts,
    user: &str,
    old_secret: Option<&crate::crypto::SecretText>,
) -> Result<Vec<Finding>> {
    let mut problems = Vec::new();
    match store.status(user) {
        Ok(status) => {
            problems.extend(status.problems);
            if status.challenge.is_none() && status.counts.keychains > 0 {
                problems.push(format!(
                    "{} keychain(s) but no challenge to open them",
                    status.counts.keychains
                ));
            }
            if status.challenge.is_some()
                && let Err(e) = store.challenge_salts(user)
            {
                if !is_damage(e.id) {
                    return Err(e);
                }
                problems.push(e.message);
            }
        }
        Err(e) if is_damage(e.id) => problems.push(e.message),
        // Rows of a user the installation no longer has: pwaccount may not act on them.
        Err(e) if e.id == Id::NoSuchUser => {
            return Ok(vec![Finding {
                account: user.to_owned(),
                problem: format!(
                    "the app holds rows of this id, but {}",
                    e.message.trim_end_matches("; nothing was changed")
                ),
                repair: "none by pwaccount, which acts only on users Nextcloud has: create \
                         the user again, or let the app remove its data"
                    .into(),
            }]);
        }
        Err(e) => return Err(e),
    }
    // The challenge or keychains cannot be opened: the account's encrypted data is out of
    // reach until a snapshot from before puts them back; a reset is the last resort, and
    // says that it deletes.
    let u = shell_word(user);
    let mut findings: Vec<Finding> = problems
        .into_iter()
        .map(|problem| Finding {
            account: user.to_owned(),
            problem,
            repair: format!(
                "restore the account from a snapshot taken before the damage (pwaccount -u \
                 {u} restore SNAPSHOT --replace); without one, `pwaccount -u {u} reset` \
                 starts it afresh and deletes its data"
            ),
        })
        .collect();
    findings.extend(
        store
            .damage(user)?
            .into_iter()
            .map(|d| damage_finding(user, d)),
    );
    findings.extend(store.key_findings(user, old_secret)?);
    Ok(findings)
}

/// What is wrong with rows whose `user_id` is `what` (not UTF-8 text).
pub(crate) fn unreadable_id(what: &str) -> String {
    format!("rows whose user_id is {what} (shown escaped): no account can own them")
}

/// The finding for such rows: nothing is lost by leaving them, so the repair is to look,
/// not to delete.
pub(crate) fn unreadable_finding(shown: &str, what: &str) -> Finding {
    Finding {
        account: shown.to_owned(),
        problem: unreadable_id(what),
        repair: "none by pwaccount, which acts only on accounts with a text id: look at \
                 the rows with the database's own client and correct or remove them there"
            .into(),
    }
}

/// `word` as one shell word: as it is when it needs no quoting, else in single quotes.
pub(crate) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@+-=:/,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!(
            "'{}'",
            crate::text::escape_controls(word).replace('\'', "'\\''")
        )
    }
}
