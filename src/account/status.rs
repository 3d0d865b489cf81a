//! `status`: what an account holds, so an administrator knows what a reset would delete.

use serde::Serialize;

use super::Store;
use crate::error::{Id, Result};
use crate::store::Counts;
use crate::store::rows::Rows;

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
    /// The Nextcloud database that was opened (never its password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nextcloud: Option<NextcloudDatabase>,
}

pub(crate) use crate::store::nextcloud::NextcloudDatabase;

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
/// reset, what is wrong with it; on Nextcloud also what a reset would delete (the app's
/// reset flags and removes other rows than those counted) and what was opened.
pub(crate) fn status<S: Store>(store: &mut S, user: &str) -> Result<Status> {
    let (database, nextcloud) = store.describe();
    let now = crate::text::now()?;
    let tx = store.reading()?;
    let counts = tx.holdings(user)?;
    let (challenge, problems) = challenge_of(&tx, user)?;
    let (cse, sse) = tx.encryption(user)?;
    let reset_pending = tx
        .pending_reset(user)?
        .filter(|&(_, expires)| expires > now)
        .map(|(_, expires)| PendingReset { expires });
    let would_delete = match nextcloud {
        Some(_) => Some(tx.reset_counts(user)?),
        None => None,
    };
    Ok(Status {
        user: user.to_owned(),
        database,
        counts,
        challenge,
        encryption: Encryption { cse, sse },
        reset_pending,
        problems,
        would_delete,
        nextcloud,
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
