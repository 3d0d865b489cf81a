//! `status`: what an account holds, so an administrator knows what a reset would delete.

use serde::Serialize;

use crate::error::{Id, Result};
use crate::store::rows::Rows;
use crate::store::{self, AccountStore, Counts};

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

pub(crate) fn status(store: &mut AccountStore, user: &str) -> Result<Status> {
    let database = store.path().display().to_string();
    let tx = store.read()?;
    let counts = store::counts(&tx, user)?;
    let (challenge, problems) = challenge_of(&tx, user)?;
    let encryption = Encryption {
        cse: store::setting(&tx, user, "encryption.cse")?.as_deref() == Some("1"),
        sse: store::setting(&tx, user, "encryption.sse")?.filter(|s| !s.is_empty()),
    };
    let now = crate::text::now()?;
    let reset_pending = store::reset_code(&tx, user)?
        .filter(|r| r.expires > now)
        .map(|r| PendingReset { expires: r.expires });
    Ok(Status {
        problems,
        would_delete: None,
        nextcloud: None,
        user: user.to_owned(),
        database,
        counts,
        challenge,
        encryption,
        reset_pending,
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
