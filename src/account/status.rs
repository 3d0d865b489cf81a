//! `status`: what an account holds, so an administrator knows what a reset would delete.

use serde::Serialize;

use super::Store;
use crate::error::{Id, Result};
use crate::store::rows::Rows;
use crate::store::{Counts, Details};

#[derive(Debug, Serialize)]
pub(crate) struct Status {
    pub user: String,
    pub database: String,
    pub counts: Counts,
    pub challenge: Option<ChallengeInfo>,
    pub encryption: Encryption,
    pub reset_pending: Option<PendingReset>,
    /// What is wrong with the account, if anything (a reset repairs it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// What a reset would change, where that is not `counts` (on Nextcloud the app's reset
    /// leaves some rows and settings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_delete: Option<Counts>,
    /// What the store says of the database it opened, under its own key (on Nextcloud,
    /// `nextcloud`: the installation and database, never the password).
    #[serde(flatten)]
    pub details: Details,
    /// The same as labelled lines of the text form.
    #[serde(skip)]
    pub store_lines: Vec<(&'static str, String)>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ChallengeInfo {
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct Encryption {
    pub cse: bool,
    pub sse: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PendingReset {
    pub expires: i64,
}

/// `status`: what the account holds, its challenge and encryption settings, a pending
/// reset, what is wrong with it; where a reset changes other rows than those counted (on
/// Nextcloud the app's reset flags and removes others), what it would delete; what the
/// store opened.
pub(crate) fn status<S: Store>(store: &mut S, user: &str) -> Result<Status> {
    let info = store.info();
    let differs = store.capabilities().reset_differs_from_holdings;
    let now = crate::text::now()?;
    let tx = store.reading()?;
    let counts = tx.holdings(user)?;
    let (challenge, mut problems) = challenge_of(&tx, user)?;
    let encryption = tx.encryption(user)?;
    let reset_pending = match tx.pending_reset(user) {
        Ok(pending) => pending
            .filter(|&(_, expires)| expires > now)
            .map(|(_, expires)| PendingReset { expires }),
        Err(e) if e.id == Id::ResetCodeDamaged => {
            problems.push(e.message);
            None
        }
        Err(e) => return Err(e),
    };
    let would_delete = if differs {
        Some(tx.reset_counts(user)?)
    } else {
        None
    };
    Ok(Status {
        user: user.to_owned(),
        database: info.database,
        counts,
        challenge,
        encryption: Encryption {
            cse: encryption.cse,
            sse: encryption.sse.shown(),
        },
        reset_pending,
        problems,
        would_delete,
        details: info.details,
        store_lines: info.lines,
    })
}

/// The current challenge as `status` shows it, and what is wrong with it: an account whose
/// challenge pointer names no challenge is shown without one, the problem listed.
pub(crate) fn challenge_of(
    rows: &impl Rows,
    user: &str,
) -> Result<(Option<ChallengeInfo>, Vec<String>)> {
    match rows.current_challenge(user) {
        Ok(row) => Ok((
            row.map(|r| ChallengeInfo {
                kind: r.kind,
                created: r.created,
            }),
            Vec::new(),
        )),
        Err(e) if e.id == Id::ChallengeMissing => Ok((None, vec![e.message])),
        Err(e) => Err(e),
    }
}
