//! The queries of a transaction on the Nextcloud database (`Tx`): the app's and
//! Nextcloud's rows pwaccount reads and writes, in statements every engine runs.

use super::config::Config;
use super::db::{Conn, Engine, Value};
use super::reset_steps::{Change, Field, reset_steps};
use super::versions::Rules;
use super::{TABLES, Tx};
use crate::error::Result;
use crate::store::{ChallengeRow, Counts, KeychainRow};

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

fn text(v: Option<Value>) -> Option<String> {
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

    /// Up to `limit` user ids after `after`, in byte order: every user with a row in the
    /// app's tables or a preference of the app.
    pub(super) fn account_ids(&self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
        let p = self.prefix;
        // Byte order on every engine (PostgreSQL's "C" collation; MySQL's Nextcloud
        // tables are utf8mb4_bin, SQLite compares bytes). Only SQLite can hold an id that
        // is not UTF-8 text: there, ids are compared as the text of their bytes, and ids
        // not stored as text are left to `unreadable_ids`.
        let sqlite = self.db.engine() == Engine::Sqlite;
        let c = if self.db.engine() == Engine::Postgres {
            " COLLATE \"C\""
        } else {
            ""
        };
        let (bound, text_only, after) = if sqlite {
            (
                "CAST($1 AS TEXT)",
                " AND user_id < X''",
                Value::Blob(after.to_vec()),
            )
        } else {
            (
                "$1",
                "",
                Value::Text(String::from_utf8_lossy(after).into_owned()),
            )
        };
        let mut branches: Vec<String> = TABLES
            .iter()
            .map(|t| {
                format!("SELECT user_id AS id FROM {p}{t} WHERE user_id{c} > {bound}{text_only}")
            })
            .collect();
        branches.push(format!(
            "SELECT userid AS id FROM {p}preferences WHERE appid = 'passwords' AND userid{c} > {bound}{}",
            text_only.replace("user_id", "userid")
        ));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.db.all(
            &format!(
                "SELECT id FROM ({}) AS ids ORDER BY id{c} LIMIT $2",
                branches.join(" UNION ")
            ),
            &[after, limit.into()],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|r| match r.into_iter().next() {
                Some(Value::Text(t)) => Some(t.into_bytes()),
                Some(Value::Blob(b)) => Some(b),
                _ => None,
            })
            .collect())
    }

    /// Up to `limit` distinct user ids of the app's rows not stored as text (SQLite only;
    /// the server engines' columns hold text alone).
    pub(super) fn unreadable_ids(&self, limit: usize) -> Result<Vec<Vec<u8>>> {
        if self.db.engine() != Engine::Sqlite {
            return Ok(Vec::new());
        }
        let p = self.prefix;
        let branches: Vec<String> = TABLES
            .iter()
            .map(|t| {
                format!(
                    "SELECT CAST(user_id AS BLOB) AS id FROM {p}{t} WHERE user_id < '' \
                     UNION SELECT CAST(user_id AS BLOB) AS id FROM {p}{t} WHERE user_id >= X''"
                )
            })
            .collect();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.db.all(
            &format!(
                "SELECT id FROM ({}) AS ids ORDER BY id LIMIT $1",
                branches.join(" UNION ")
            ),
            &[limit.into()],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|r| match r.into_iter().next() {
                Some(Value::Blob(b)) => Some(b),
                Some(Value::Text(t)) => Some(t.into_bytes()),
                _ => None,
            })
            .collect())
    }

    /// When the user's Passwords data last changed: the newest `updated` of its rows, or
    /// the newest audit record of the user, whichever is later.
    pub(super) fn last_change(&self, user: &str) -> Result<Option<i64>> {
        let p = self.prefix;
        let mut newest = TABLES
            .iter()
            .map(|t| format!("SELECT max(updated) AS t FROM {p}{t} WHERE user_id = $1"))
            .collect::<Vec<_>>();
        // pwaccount's own changes count too (a restore writes rows back with their old
        // times; the trail has the time of the restore).
        if self.has_trail()? {
            newest.push(format!(
                "SELECT max(time) AS t FROM {} WHERE user_id = $1",
                self.trail_table()
            ));
        }
        let newest = newest.join(" UNION ALL ");
        Ok(self
            .db
            .value(
                &format!("SELECT max(t) FROM ({newest}) AS n"),
                &[user.into()],
            )?
            .and_then(|v| v.as_int()))
    }

    /// The user's live rows that point at rows that are not there (or flagged deleted),
    /// for `check`. What a row points at is the same user's (the app reads a user's
    /// revisions, passwords and tags by user): the lookup goes through the app's
    /// `(user_id, uuid, deleted)` index, not a scan of every user's rows.
    pub(super) fn dangling_references(&self, user: &str) -> Result<Vec<String>> {
        let p = self.prefix;
        let live = |table: &str, column: &str, outer: &str| {
            format!(
                "NOT EXISTS (SELECT 1 FROM {p}passwords_{table} m WHERE m.user_id = $1 AND m.uuid = {outer}.{column} AND m.deleted = FALSE)"
            )
        };
        let mut checks: Vec<(String, String)> = Vec::new();
        for model in ["password", "folder", "tag"] {
            let table = format!("{p}passwords_{model}");
            let base = if model == "folder" {
                " AND uuid <> '00000000-0000-0000-0000-000000000000'"
            } else {
                ""
            };
            checks.push((
                format!("{model}s whose current revision is missing"),
                format!(
                    "SELECT count(*) FROM {table} WHERE user_id = $1 AND deleted = FALSE{base} AND {}",
                    live(&format!("{model}_rv"), "revision", &table)
                ),
            ));
        }
        let relations = format!("{p}passwords_pw_tag_rel");
        checks.push((
            "tag assignments of a missing password or tag".into(),
            format!(
                "SELECT count(*) FROM {relations} WHERE user_id = $1 AND deleted = FALSE AND ({} OR {})",
                live("password", "password", &relations),
                live("tag", "tag", &relations)
            ),
        ));
        let shares = format!("{p}passwords_share");
        checks.push((
            "shares of a missing password".into(),
            format!(
                "SELECT count(*) FROM {shares} WHERE user_id = $1 AND deleted = FALSE AND {}",
                live("password", "source_password", &shares)
            ),
        ));
        let mut found = Vec::new();
        for (what, sql) in checks {
            let n = self.db.count(&sql, &[user.into()])?;
            if n > 0 {
                found.push(format!("{n} {what}"));
            }
        }
        Ok(found)
    }

    /// The engine's own check of the app's tables: SQLite's integrity check, MySQL's
    /// `CHECK TABLE`; PostgreSQL has none built in (amcheck is an extension), so every
    /// table is read through once, which finds pages the server cannot read.
    /// SQLite's quick check of the file, beside the transaction; nothing on a server.
    pub(super) fn start_file_check(&self) -> crate::store::rows::FileCheck {
        if self.db.engine() != Engine::Sqlite {
            return crate::store::rows::FileCheck::none();
        }
        crate::store::rows::FileCheck::of_file(self.path, std::time::Duration::from_secs(5))
    }

    pub(super) fn integrity(&self) -> Result<Vec<String>> {
        let p = self.prefix;
        let mut found = Vec::new();
        match self.db.engine() {
            Engine::Sqlite => {
                for row in self.db.all("PRAGMA integrity_check", &[])? {
                    if let Some(line) = row.into_iter().next().and_then(Value::into_text)
                        && line != "ok"
                    {
                        found.push(line);
                    }
                }
            }
            Engine::MySql => {
                found.extend(self.galera_requirements()?);
                for table in TABLES {
                    // Rows of (table, op, message type, message): a damaged table has an
                    // error, or a status other than OK.
                    for row in self.db.all(&format!("CHECK TABLE {p}{table}"), &[])? {
                        let mut cols = row.into_iter().skip(2).map(|v| v.into_text());
                        let (kind, text) = (cols.next().flatten(), cols.next().flatten());
                        let text = text.unwrap_or_default();
                        let bad = match kind.as_deref() {
                            Some("error") => true,
                            Some("status") => text != "OK",
                            _ => false,
                        };
                        if bad {
                            found.push(format!("{p}{table}: {text}"));
                        }
                    }
                }
            }
            Engine::Postgres => {
                for table in TABLES {
                    self.db.count(
                        &format!("SELECT count(*) FROM (SELECT * FROM {p}{table}) AS t"),
                        &[],
                    )?;
                }
            }
        }
        Ok(found)
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

    /// The user's keychains that are not flagged deleted.
    pub(super) fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>> {
        let rows = self.db.all(
            &format!(
                "SELECT uuid, type, scope, data FROM {}passwords_keychain WHERE user_id = $1 AND deleted = FALSE ORDER BY uuid",
                self.prefix
            ),
            &[user.into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut row = row.into_iter();
                let mut next_text = || text(row.next()).unwrap_or_default();
                KeychainRow {
                    uuid: next_text(),
                    kind: next_text(),
                    scope: next_text(),
                    data: next_text(),
                }
            })
            .collect())
    }

    /// What the user holds that the app's reset would flag or remove: rows not flagged
    /// deleted, the app's preferences, and (kept by a reset) Nextcloud's app passwords.
    pub(crate) fn counts(&self, user: &str) -> Result<Counts> {
        counts_in(self.db, self.prefix, user, true)
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

    /// Flag a challenge deleted, with its fields as given (the app saves it again).
    pub(super) fn retire_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
        self.db.execute(
            &format!(
                "UPDATE {}passwords_challenge SET deleted = TRUE, updated = $3, secret = $4,
                   server_data = $5, client_data = $6
                 WHERE user_id = $1 AND uuid = $2",
                self.prefix
            ),
            &[
                user.into(),
                (&row.uuid).into(),
                now.into(),
                (&row.sealed_key).into(),
                (&row.server_data).into(),
                (&row.client_data).into(),
            ],
        )?;
        Ok(())
    }

    /// Write a keychain's data: update the row `uuid`, or insert it.
    pub(super) fn save_keychain(&self, user: &str, row: &KeychainRow, now: i64) -> Result<()> {
        let updated = self.db.execute(
            &format!(
                "UPDATE {}passwords_keychain SET data = $3, updated = $4 WHERE user_id = $1 AND uuid = $2",
                self.prefix
            ),
            &[user.into(), (&row.uuid).into(), (&row.data).into(), now.into()],
        )?;
        if updated == 0 {
            self.db.execute(
                &format!(
                    "INSERT INTO {}passwords_keychain (user_id, uuid, type, scope, data, created, updated, deleted)
                     VALUES ($1, $2, $3, $4, $5, $6, $6, FALSE)",
                    self.prefix
                ),
                &[
                    user.into(),
                    (&row.uuid).into(),
                    (&row.kind).into(),
                    (&row.scope).into(),
                    (&row.data).into(),
                    now.into(),
                ],
            )?;
        }
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

    /// What `reset_user` would change now, counted with the same filters (the two share
    /// statements as one, since the second leaves what the first flagged).
    pub(super) fn reset_counts(&self, user: &str) -> Result<Counts> {
        let mut counts = Counts {
            tokens: self.tokens(user)?,
            ..Counts::default()
        };
        let steps = reset_steps(self.prefix);
        let mut shares: Vec<&str> = Vec::new();
        for step in &steps {
            if step.field == Field::Shares {
                shares.push(&step.filter);
                continue;
            }
            if let Some(count) = step.field.of(&mut counts) {
                *count += self.db.count(
                    &format!("SELECT count(*) FROM {} WHERE {}", step.table, step.filter),
                    &[user.into()],
                )?;
            }
        }
        counts.shares = self.db.count(
            &format!(
                "SELECT count(*) FROM {}passwords_share WHERE ({})",
                self.prefix,
                shares.join(") OR (")
            ),
            &[user.into()],
        )?;
        Ok(counts)
    }

    /// Nextcloud's app passwords and device tokens of the user, which a reset keeps.
    fn tokens(&self, user: &str) -> Result<u64> {
        self.db.count(
            &format!(
                "SELECT count(*) FROM {}authtoken WHERE uid = $1",
                self.prefix
            ),
            &[user.into()],
        )
    }
}
