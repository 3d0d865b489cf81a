//! The queries of a transaction on the Nextcloud database (`Tx`): the app's and
//! Nextcloud's rows pwaccount reads and writes, in statements every engine runs.

use super::Tx;
use super::config::Config;
use super::db::{Conn, Engine, Value};
use super::reset_steps::{Change, reset_steps};
use super::versions::Rules;
use crate::error::Result;
use crate::store::{ChallengeRow, Counts};

/// The counts of `status` for user `$1` in the tables named `<prefix>passwords_*` and
/// `<prefix>preferences` of `db`.
pub(crate) fn counts_in(db: &Conn, p: &str, user: &str, tokens: bool) -> Result<Counts> {
    counts_with(p, tokens, &|sql| db.count(&sql, &[Value::text(user)]))
}

/// The counts of `status`, each query (with the user as `$1`) run by `count`: on a live
/// database, or in a snapshot (prefix `main.`, no app passwords table).
pub(crate) fn counts_with(
    p: &str,
    tokens: bool,
    count: &dyn Fn(String) -> Result<u64>,
) -> Result<Counts> {
    let live = |table: &str| {
        count(format!(
            "SELECT count(*) FROM {p}passwords_{table} WHERE user_id = $1 AND deleted = FALSE"
        ))
    };
    let shares = count(format!(
        "SELECT count(*) FROM {p}passwords_share WHERE (user_id = $1 OR receiver = $1) AND deleted = FALSE"
    ))?;
    let settings = count(format!(
        "SELECT count(*) FROM {p}preferences WHERE userid = $1 AND appid = 'passwords'"
    ))?;
    let tokens = if tokens {
        count(format!("SELECT count(*) FROM {p}authtoken WHERE uid = $1"))?
    } else {
        0
    };
    Ok(Counts {
        passwords: live("password")?,
        password_revisions: live("password_rv")?,
        folders: live("folder")?,
        folder_revisions: live("folder_rv")?,
        tags: live("tag")?,
        tag_revisions: live("tag_rv")?,
        password_tags: live("pw_tag_rel")?,
        shares,
        settings,
        user_config: 0,
        keychains: live("keychain")?,
        sessions: live("session")?,
        tokens,
    })
}

pub(super) fn text(v: Option<Value>) -> Option<String> {
    v.and_then(Value::into_text)
}

impl Tx<'_> {
    /// The installation's configuration.
    pub(crate) fn config(&self) -> &Config {
        self.config
    }

    /// How the installed release behaves where pwaccount acts for it.
    pub(crate) fn rules(&self) -> Rules {
        self.rules
    }

    /// A value of the Passwords app in `<prefix>appconfig`, as stored.
    pub(crate) fn app_value(&self, key: &str) -> Result<Option<String>> {
        self.app_value_of("passwords", key)
    }

    /// A value of app `app` in `<prefix>appconfig`, as stored.
    pub(super) fn app_value_of(&self, app: &str, key: &str) -> Result<Option<String>> {
        Ok(text(self.db.value(
            &format!(
                "SELECT configvalue FROM {}appconfig WHERE appid = $1 AND configkey = $2",
                self.prefix
            ),
            &[app.into(), key.into()],
        )?))
    }

    /// Set a value of the Passwords app in `<prefix>appconfig` as Nextcloud 28-30 store
    /// what the app sets through `IConfig::setAppValue` (the defaults of `type` and
    /// `lazy`: mixed, not lazy). Only for releases whose rules have the app make a value
    /// on first use; Nextcloud 28-31 keep no cache of the app config across requests.
    pub(crate) fn set_app_value(&self, key: &str, value: &str) -> Result<()> {
        let p = self.prefix;
        let upsert = self.replace_value("appid, configkey");
        self.db.execute(
            &format!(
                "INSERT INTO {p}appconfig (appid, configkey, configvalue) VALUES ('passwords', $1, $2) {upsert}"
            ),
            &[key.into(), value.into()],
        )?;
        Ok(())
    }

    /// A Passwords preference of `user` in `<prefix>preferences`, as stored.
    pub(crate) fn user_value(&self, user: &str, key: &str) -> Result<Option<String>> {
        self.preference(user, "passwords", key)
    }

    /// A preference of pwaccount's own for `user` (appid `pwaccount`: the app never reads
    /// it), such as a pending reset code.
    pub(super) fn own_value(&self, user: &str, key: &str) -> Result<Option<String>> {
        self.preference(user, "pwaccount", key)
    }

    fn preference(&self, user: &str, app: &str, key: &str) -> Result<Option<String>> {
        Ok(text(self.db.value(
            &format!(
                "SELECT configvalue FROM {}preferences WHERE userid = $1 AND appid = $2 AND configkey = $3",
                self.prefix
            ),
            &[user.into(), app.into(), key.into()],
        )?))
    }

    /// Set a Passwords preference of `user`.
    pub(crate) fn set_user_value(&self, user: &str, key: &str, value: &str) -> Result<()> {
        self.set_preference(user, "passwords", key, Some(value))
    }

    /// Delete a Passwords preference of `user`.
    pub(crate) fn delete_user_value(&self, user: &str, key: &str) -> Result<()> {
        self.set_preference(user, "passwords", key, None)
    }

    /// Set (or with `None`, delete) a preference of pwaccount's own.
    pub(super) fn set_own_value(&self, user: &str, key: &str, value: Option<&str>) -> Result<()> {
        self.set_preference(user, "pwaccount", key, value)
    }

    /// The end of an `INSERT` of a config row that replaces the value of a row with the
    /// same `key` columns, in this engine's words.
    fn replace_value(&self, key: &str) -> String {
        match self.db.engine() {
            Engine::MySql => "ON DUPLICATE KEY UPDATE configvalue = VALUES(configvalue)".into(),
            Engine::Sqlite | Engine::Postgres => {
                format!("ON CONFLICT ({key}) DO UPDATE SET configvalue = excluded.configvalue")
            }
        }
    }

    /// Set a preference as Nextcloud's user config stores a plain value, or delete it.
    /// Only the four columns every Nextcloud has are named: from 31 the table also has
    /// `lazy`, `type`, `flags` and `indexed`, whose defaults (0, 0, 0, '') are what
    /// Nextcloud writes for a plain value (not lazy, mixed type, no flags, not indexed).
    fn set_preference(&self, user: &str, app: &str, key: &str, value: Option<&str>) -> Result<()> {
        let p = self.prefix;
        match value {
            Some(value) => {
                let upsert = self.replace_value("userid, appid, configkey");
                self.db.execute(
                    &format!(
                        "INSERT INTO {p}preferences (userid, appid, configkey, configvalue)
                         VALUES ($1, $2, $3, $4) {upsert}"
                    ),
                    &[user.into(), app.into(), key.into(), value.into()],
                )?
            }
            None => self.db.execute(
                &format!(
                    "DELETE FROM {p}preferences WHERE userid = $1 AND appid = $2 AND configkey = $3"
                ),
                &[user.into(), app.into(), key.into()],
            )?,
        };
        Ok(())
    }

    /// The user's challenge `uuid`, unless it is flagged deleted; its fields still
    /// encrypted as the app stores them (`sealed_key` is the app's `secret` column).
    pub(super) fn challenge(&self, user: &str, uuid: &str) -> Result<Option<ChallengeRow>> {
        let row = self.db.all(
            &format!(
                "SELECT uuid, type, client_data, server_data, secret, created FROM {}passwords_challenge
                 WHERE user_id = $1 AND uuid = $2 AND deleted = FALSE",
                self.prefix
            ),
            &[user.into(), uuid.into()],
        )?;
        let Some(row) = row.into_iter().next() else {
            return Ok(None);
        };
        let mut row = row.into_iter();
        let mut next_text = || text(row.next()).unwrap_or_default();
        let (uuid, kind, client_data, server_data, sealed_key) = (
            next_text(),
            next_text(),
            next_text(),
            next_text(),
            next_text(),
        );
        let created = row.next().and_then(|v| v.as_int()).unwrap_or_default();
        Ok(Some(ChallengeRow {
            uuid,
            kind,
            client_data,
            server_data,
            sealed_key,
            created,
        }))
    }

    /// Insert a challenge row (its fields already encrypted), not deleted.
    pub(super) fn insert_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
        self.db.execute(
            &format!(
                "INSERT INTO {}passwords_challenge
                   (user_id, uuid, type, secret, server_data, client_data, created, updated, deleted)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, FALSE)",
                self.prefix
            ),
            &[
                user.into(),
                (&row.uuid).into(),
                (&row.kind).into(),
                (&row.sealed_key).into(),
                (&row.server_data).into(),
                (&row.client_data).into(),
                now.into(),
            ],
        )?;
        Ok(())
    }

    /// What the app's account reset (`DeleteUserDataHelper::deleteUserData` and the
    /// listeners its deletions trigger) leaves in the database, at time `now`:
    /// - the user's open sessions are deleted;
    /// - challenges, keychains, tags, folders (but the base folder) and passwords that are
    ///   not flagged deleted are flagged, with the revisions of those models, the tag
    ///   relations of those tags and passwords, the shares of those passwords (as source,
    ///   and the share that made a received password, whoever owns it) and the shares the
    ///   user owns; a flagged password's `has_shares` is cleared;
    /// - the preferences `SSEv1UserKey`, `client/settings`, `user/challenge/id` and
    ///   `login/attempts/failed` are deleted (the app's settings reset leaves the user's
    ///   settings as they are: it looks them up under other names).
    ///
    /// The statements run in an order where each one that selects by "the user's models
    /// not flagged deleted" runs before those models are flagged, so each sees the set the
    /// reset started with (the transaction keeps other writers out, or fails).
    ///
    /// It returns the rows each statement changed, counted by the statements themselves.
    pub(super) fn reset_user(&self, user: &str, now: i64) -> Result<Counts> {
        let mut done = Counts {
            tokens: self.tokens(user)?,
            ..Counts::default()
        };
        for step in reset_steps(self.prefix) {
            let sql = match step.change {
                Change::Delete => format!("DELETE FROM {} WHERE {}", step.table, step.filter),
                Change::Flag(extra) => format!(
                    "UPDATE {} SET deleted = TRUE, updated = $2{extra} WHERE {}",
                    step.table, step.filter
                ),
            };
            let changed = self.db.execute(&sql, &[user.into(), now.into()])?;
            if let Some(count) = step.field.of(&mut done) {
                *count += changed;
            }
        }
        Ok(done)
    }

    /// Nextcloud's app passwords and device tokens of the user, which a reset keeps.
    pub(super) fn tokens(&self, user: &str) -> Result<u64> {
        self.db.count(
            &format!(
                "SELECT count(*) FROM {}authtoken WHERE uid = $1",
                self.prefix
            ),
            &[user.into()],
        )
    }
}
