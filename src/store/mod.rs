//! Where accounts are kept: the stores, and what they share. Each store is a folder of
//! its own: `file/` (pwaccount's own SQLite file) and `nextcloud/` (a Nextcloud
//! installation's Passwords app, on SQLite, PostgreSQL or MySQL/MariaDB). Beside them, what
//! every store uses: the row operations the flows run (`rows`), the shapes of rows and
//! counts (`types`), the audit trail's records (`audit`), how SQLite files are opened
//! (`sqlite`), snapshot files (`files`, `snapshot`). Nothing here prints or prompts.
// The store is where SQLite lives (clippy.toml keeps its types out of every other layer).
#![allow(clippy::disallowed_types)]

pub(crate) mod audit;
pub(crate) mod file;
pub(crate) mod files;
pub(crate) mod nextcloud;
pub(crate) mod rows;
pub(crate) mod snapshot;
pub(crate) mod sqlite;
mod types;

pub(crate) use sqlite::integrity_of_file;
pub(crate) use sqlite::{connect, plain_path, read_only_mount};
pub use types::Counts;
pub(crate) use types::{CHALLENGE_ID_KEY, ChallengeRow, Encryption, KeychainRow, ServerSide};

use std::time::Duration;

use crate::error::{Error, Id, Result};
pub(crate) use crate::interrupt::Step;

/// Whether a command only reads the account, or also writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// How long a command waits: for another writer's lock (`--busy-timeout`), and for a
/// database server to answer (`--server-timeout`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) busy: Duration,
    #[cfg_attr(not(feature = "servers"), allow(dead_code))]
    pub(crate) server: Duration,
}

/// What a store is and serves, declared by each store (`file::CAPABILITIES`,
/// `nextcloud::CAPABILITIES`): the layers above ask these questions, never which store
/// they are talking to.
#[derive(Debug)]
pub(crate) struct Capabilities {
    /// The store in words, as messages name it (`the pwaccount file`).
    pub name: &'static str,
    /// The command-line flag that names a database of this store (`--db`, `--nextcloud`).
    pub flag: &'static str,
    /// The operations this store does not serve, by the name the command line gives them
    /// (`feature`, `backup --all`), each with the refusal's message.
    pub not_served: &'static [(&'static str, &'static str)],
    /// Whether it keeps server-side keys under a server secret (`rekey`, `--old-secret-…`).
    pub server_secret: bool,
    /// Whether a reset changes other rows than the account's holdings (so `status` shows
    /// what it would delete separately).
    pub reset_differs_from_holdings: bool,
    /// The SQLite file behind a database named by `flag`, for an integrity check when it
    /// cannot be opened as a store (`None` on a database server).
    pub sqlite_file: fn(&std::path::Path) -> Result<Option<std::path::PathBuf>>,
}

impl Capabilities {
    /// Why `operation` is not served by this store, if it is not.
    pub(crate) fn refuses(&self, operation: &str) -> Option<&'static str> {
        self.not_served
            .iter()
            .find(|(name, _)| *name == operation)
            .map(|(_, why)| *why)
    }
}

/// How a store names itself for `status`: the database, in words, and where the store has
/// more to say, the details under its own key (`"nextcloud": {…}` in JSON) and as labelled
/// lines of the text form.
#[derive(Debug)]
pub(crate) struct StoreInfo {
    pub database: String,
    pub details: Details,
    /// The details as labelled lines of the text form.
    pub lines: Vec<(&'static str, String)>,
}

/// A store's details for JSON: serialised as `{KEY: DETAILS}`, or as nothing.
#[derive(Debug, Default)]
pub(crate) struct Details(pub Option<(&'static str, serde_json::Value)>);

impl serde::Serialize for Details {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        if let Some((key, details)) = &self.0 {
            map.serialize_entry(key, details)?;
        }
        map.end()
    }
}

/// design §1: user ids are 1 to 64 characters with no control characters.
pub(crate) fn validate_user_id(id: &str) -> Result<()> {
    let len = id.chars().count();
    if len == 0 || len > 64 {
        return Err(Error::new(
            Id::InvalidUser,
            format!("an account id must be 1 to 64 characters long; this one has {len}"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::new(
            Id::InvalidUser,
            "an account id must not contain control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids() {
        assert!(validate_user_id("alice").is_ok());
        assert!(validate_user_id(&"é".repeat(64)).is_ok());
        assert!(validate_user_id(&"a".repeat(65)).is_err());
        assert!(validate_user_id("").is_err());
        assert!(validate_user_id("a\nb").is_err());
        assert!(validate_user_id("a\u{7f}").is_err());
    }
}
