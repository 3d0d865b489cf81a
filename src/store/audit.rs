//! The audit trail: one record of every change pwaccount makes — time, who ran it, the
//! account, the action, its outcome and what it touched — appended in the transaction of
//! the change itself, so that the trail and the data never disagree: a change that rolls
//! back (a refusal, a failure, a crash before the commit) leaves no record, and a change
//! that committed has one.
//!
//! On the pwaccount file the trail is the `audit` table (schema version 2). On a Nextcloud
//! installation it is pwaccount's own table `<prefix>pwaccount_audit` beside the app's,
//! created by the first change pwaccount makes there; the app never reads it.
//!
//! Records are only ever added. A reset keeps the account's records.

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Id};

/// The table of the trail on a Nextcloud installation, after the table prefix.
pub(crate) const NEXTCLOUD_TABLE: &str = "pwaccount_audit";

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The account's data was deleted.
    Reset,
    /// A code for a later `reset --code` was issued.
    ResetCode,
    /// The challenge was created or changed.
    ChallengeSet,
    /// The account was put back from a snapshot.
    Restore,
    /// A server feature was switched (not about one account).
    Feature,
    /// What the app encrypted under an old server secret was re-encrypted.
    Rekey,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Reset => "reset",
            Action::ResetCode => "reset-code",
            Action::ChallengeSet => "challenge-set",
            Action::Restore => "restore",
            Action::Feature => "feature",
            Action::Rekey => "rekey",
        }
    }
}

/// A record about to be appended: what the change knows of itself. The time and who ran
/// it are added by the store.
#[derive(Debug, Clone)]
pub struct Record {
    /// The account, or `None` for a change to the whole database (a feature).
    pub user: Option<String>,
    pub action: Action,
    /// What came of it, in a word: `deleted`, `issued`, `created`, `changed`, `restored`,
    /// `enabled`, `disabled`.
    pub outcome: &'static str,
    /// The counts and whatever else the action reports (a JSON object).
    pub details: Value,
}

impl Record {
    pub fn account(user: &str, action: Action, outcome: &'static str, details: Value) -> Self {
        Record {
            user: Some(user.to_owned()),
            action,
            outcome,
            details,
        }
    }
}

/// Who made the changes of this process: the operating-system user (by its real user
/// id; when root runs pwaccount through sudo, the user sudo names too) and the host.
#[derive(Debug)]
pub struct Actor {
    pub os_user: String,
    pub os_uid: i64,
    pub host: String,
}

/// The actor of this process, looked up once.
pub(crate) fn actor() -> &'static Actor {
    static ACTOR: OnceLock<Actor> = OnceLock::new();
    ACTOR.get_or_init(|| {
        let (uid, name) = crate::sys::real_user();
        let mut os_user = name.unwrap_or_else(|| format!("uid {uid}"));
        // sudo names the user who called it; only root's word for it is kept (anyone can
        // set the variable, but only root can run as root).
        if uid == 0
            && let Ok(by) = std::env::var("SUDO_USER")
            && !by.is_empty()
            && by != os_user
        {
            os_user = format!("{os_user} (sudo from {by})");
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_default();
        Actor {
            os_user,
            os_uid: i64::from(uid),
            host,
        }
    })
}

/// The columns a store writes, in the order of `values`.
pub(crate) const COLUMNS: &str = "time, user_id, action, outcome, os_user, os_uid, host, details";

/// The columns read back, in the order `Entry` is built from.
pub(crate) const READ_COLUMNS: &str =
    "id, time, user_id, action, outcome, os_user, os_uid, host, details";

/// A new row's values, in the order of `COLUMNS`.
pub struct Row<'a> {
    pub time: i64,
    pub user: Option<&'a str>,
    pub action: &'static str,
    pub outcome: &'static str,
    pub actor: &'static Actor,
    pub details: String,
}

impl Record {
    /// The row this record is written as, at `time`.
    pub fn row(&self, time: i64) -> Row<'_> {
        Row {
            time,
            user: self.user.as_deref(),
            action: self.action.as_str(),
            outcome: self.outcome,
            actor: actor(),
            details: self.details.to_string(),
        }
    }
}

/// Which records `log` reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    /// One account's records, or (`None`) every record.
    pub user: Option<String>,
    /// Only records at or after this time (Unix seconds).
    pub since: Option<i64>,
}

impl Filter {
    /// The query for the records of `table`, oldest first (in the order they were
    /// committed), with `mark(n)` as the n-th parameter's placeholder; and the parameter
    /// values (the user, then the time), as text and number.
    pub(crate) fn query(&self, table: &str, mark: &dyn Fn(usize) -> String) -> (String, Params) {
        let mut conditions = Vec::new();
        let mut params = Params::default();
        if let Some(user) = &self.user {
            params.user = Some(user.clone());
            conditions.push(format!("user_id = {}", mark(1)));
        }
        if let Some(since) = self.since {
            params.since = Some(since);
            // From the first record at or after the time (found through the time index)
            // on, in id order: a seek, not a read of the whole trail. Records after it
            // that carry an earlier time (the clock was set back) are still left out.
            let t = mark(conditions.len() + 1);
            conditions.push(format!(
                "id >= (SELECT min(id) FROM {table} WHERE time >= {t}) AND time >= {t}"
            ));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        (
            format!("SELECT {READ_COLUMNS} FROM {table}{filter} ORDER BY id"),
            params,
        )
    }
}

/// The parameters of `Filter::query`, in order: those that are set.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub user: Option<String>,
    pub since: Option<i64>,
}

/// A record read back.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    pub id: i64,
    pub time: i64,
    pub account: Option<String>,
    pub action: String,
    pub outcome: String,
    pub os_user: String,
    pub os_uid: Option<i64>,
    pub host: String,
    pub details: Value,
}

/// The stored details as JSON; text that another program wrote and is not JSON is kept
/// as a string rather than refused.
pub(crate) fn parse_details(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// A record whose `column` holds what pwaccount never writes there (another program
/// changed the trail).
pub(crate) fn damaged_record(id: Option<i64>, column: &str) -> Error {
    let which = id.map_or_else(
        || "an audit record".to_owned(),
        |id| format!("audit record {id}"),
    );
    Error::new(
        Id::DatabaseError,
        format!(
            "{which} is damaged: its {column} is not of the type pwaccount writes there \
             (another program changed the trail); correct or delete that record"
        ),
    )
}
