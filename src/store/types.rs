//! The shapes every store reads and writes the flows' data in: what an account holds
//! (`Counts`), a challenge row, a keychain row.

use serde::{Deserialize, Serialize};

/// The `user_config` key that names the current challenge, as in the reference server.
pub(crate) const CHALLENGE_ID_KEY: &str = "user/challenge/id";

/// What an account holds, as `status` reports it and a reset deletes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    pub passwords: u64,
    pub password_revisions: u64,
    pub folders: u64,
    pub folder_revisions: u64,
    pub tags: u64,
    pub tag_revisions: u64,
    pub password_tags: u64,
    pub shares: u64,
    pub settings: u64,
    pub user_config: u64,
    pub keychains: u64,
    pub sessions: u64,
    pub tokens: u64,
}

impl Counts {
    /// The counts as JSON without `tokens` (which a reset keeps and a restore leaves as
    /// they are): what a reset deletes, or a restore writes back.
    pub fn json_without_tokens(&self) -> serde_json::Value {
        let mut v = serde_json::json!(self);
        if let Some(map) = v.as_object_mut() {
            map.remove("tokens");
        }
        v
    }

    /// Whether the account holds nothing its user made: no password, folder or tag, no
    /// keychain, no share. The one definition of a blank account, for every store: what a
    /// reset leaves (on Nextcloud, the app's reset keeps a session, the user's settings and
    /// revisions no item reaches) is blank, so a restore after a reset needs no
    /// `--replace`.
    pub fn is_blank(&self) -> bool {
        self.passwords + self.folders + self.tags + self.keychains + self.shares == 0
    }

    /// Everything counted except tokens, which a reset keeps.
    pub fn deletable_total(&self) -> u64 {
        self.passwords
            + self.password_revisions
            + self.folders
            + self.folder_revisions
            + self.tags
            + self.tag_revisions
            + self.password_tags
            + self.shares
            + self.settings
            + self.user_config
            + self.keychains
            + self.sessions
    }
}

// --- challenges -----------------------------------------------------------------------

/// A stored challenge row, as the server keeps it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ChallengeRow {
    pub uuid: String,
    pub kind: String,
    pub client_data: String,
    pub server_data: String,
    /// The sealed account key (not a user secret: it opens only with the secret).
    pub sealed_key: String,
    pub created: i64,
}

/// A keychain row, as the server keeps it.
pub(crate) struct KeychainRow {
    pub uuid: String,
    pub kind: String,
    pub scope: String,
    pub data: String,
}

/// An account's encryption settings as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Encryption {
    /// Whether client-side encryption is on.
    pub cse: bool,
    pub sse: ServerSide,
}

/// The server-side encryption setting, in the store's own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServerSide {
    /// None set.
    Off,
    /// The pwaccount file: the SSE type the account's setting names (`SSEv2r1`).
    Type(String),
    /// Nextcloud: the Passwords app's user setting `encryption/sse` (0 automatic, 1
    /// SSEv1, 2 SSEv2), its default 0 included.
    AppSetting(String),
}

impl ServerSide {
    /// As `status` shows it (`None`: off).
    pub(crate) fn shown(&self) -> Option<String> {
        match self {
            ServerSide::Off => None,
            ServerSide::Type(kind) => Some(kind.clone()),
            ServerSide::AppSetting(value) => Some(format!("encryption/sse={value}")),
        }
    }
}
