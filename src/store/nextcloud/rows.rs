//! A Nextcloud installation's row operations for the flows (`store::rows::Rows`).

use std::path::Path;

use super::db::{Engine, Value};
use super::queries::{counts_in, text};
use super::reset_steps::{Field, reset_steps};
use super::trail::entry;
use super::{NextcloudStore, TABLES, Tx};
use crate::error::Result;
use crate::store::audit::{Entry, Filter, Record};
use crate::store::rows::{Rows, Transactions, missing_challenge};
use crate::store::{CHALLENGE_ID_KEY, ChallengeRow, Counts, KeychainRow, Step};

/// Where pwaccount keeps a pending reset code on a Nextcloud installation: a preference
/// of its own (appid `pwaccount`, which the app never reads), `<code hash>|<expiry>`.
pub(super) const RESET_KEY: &str = "reset/code";

impl Transactions for NextcloudStore {
    type Tx<'a> = super::Tx<'a>;

    fn reading(&mut self) -> Result<Tx<'_>> {
        self.begin(false)
    }

    /// It waits for the app's own writers up to the busy timeout, with the audit trail's
    /// table there; rolled back unless committed with `commit_change`.
    fn writing(&mut self) -> Result<Tx<'_>> {
        crate::interrupt::check()?;
        self.begin_change()
    }

    /// The busy timeout: a conflict is retried within it, as a lock is waited for.
    fn retry_budget(&self) -> std::time::Duration {
        self.retry_budget
    }
}

impl Rows for Tx<'_> {
    /// pwaccount's settings on an installation are app config values of its own (appid
    /// `pwaccount`, set with `occ config:app:set pwaccount KEY --value V`).
    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.app_value_of("pwaccount", key)
    }

    /// A value that is not `<hash>|<expiry>` is damage, not "no code": said as such
    /// (`reset_code_damaged`), never shown (it may hold the code's hash).
    fn pending_reset(&self, user: &str) -> Result<Option<(String, i64)>> {
        let Some(value) = self.own_value(user, RESET_KEY)? else {
            return Ok(None);
        };
        match value.split_once('|') {
            Some((hash, expires)) if !hash.is_empty() => match expires.parse() {
                Ok(expires) => Ok(Some((hash.to_owned(), expires))),
                Err(_) => Err(damaged_code(user)),
            },
            _ => Err(damaged_code(user)),
        }
    }

    fn put_reset(&self, user: &str, hash: &str, _now: i64, expires: i64) -> Result<()> {
        self.set_own_value(user, RESET_KEY, Some(&format!("{hash}|{expires}")))
    }

    /// The engine's own check of the app's tables: SQLite's integrity check, MySQL's
    /// `CHECK TABLE`; PostgreSQL has none built in (amcheck is an extension), so every
    /// table is read through once, which finds pages the server cannot read.
    /// SQLite's quick check of the file, beside the transaction; nothing on a server.
    fn start_file_check(&self) -> crate::store::rows::FileCheck {
        if self.db.engine() != Engine::Sqlite {
            return crate::store::rows::FileCheck::none();
        }
        crate::store::rows::FileCheck::of_file(self.path, std::time::Duration::from_secs(5))
    }

    fn clear_reset(&self, user: &str) -> Result<()> {
        self.set_own_value(user, RESET_KEY, None)
    }

    /// What `reset_user` would change now, counted with the same filters (the two share
    /// statements as one, since the second leaves what the first flagged).
    fn reset_counts(&self, user: &str) -> Result<Counts> {
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

    fn fits_one_transaction(&self, user: &str) -> Result<()> {
        self.check_write_set(user)
    }

    fn write_reset_snapshot(&self, user: &str, dest: &Path, now: i64) -> Result<()> {
        crate::store::files::prepare_folder(dest, self.path, false, true)?;
        self.write_snapshot(user, dest, false, now, Step::Preparation)?;
        Ok(())
    }

    /// What the statements report they changed is what the reset says it deleted.
    fn delete_account(&self, user: &str, now: i64) -> Result<Counts> {
        let deleted = self.reset_user(user, now)?;
        self.set_own_value(user, RESET_KEY, None)?;
        Ok(deleted)
    }

    /// The challenge the app's `user/challenge/id` preference names (not flagged deleted).
    fn current_challenge(&self, user: &str) -> Result<Option<ChallengeRow>> {
        let Some(id) = self.user_value(user, CHALLENGE_ID_KEY)? else {
            return Ok(None);
        };
        match self.challenge(user, &id)? {
            Some(row) => Ok(Some(row)),
            None => Err(missing_challenge(user, &id)),
        }
    }

    /// The user's keychains that are not flagged deleted.
    fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>> {
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

    /// Write a keychain's data: update the row `uuid`, or insert it.
    fn save_keychain(&self, user: &str, row: &KeychainRow, now: i64) -> Result<()> {
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

    /// As `UserChallengeService::setChallenge`: the new challenge is saved and named in
    /// the preference.
    fn install_challenge(&self, user: &str, new: &ChallengeRow, now: i64) -> Result<()> {
        self.insert_challenge(user, new, now)?;
        self.set_user_value(user, CHALLENGE_ID_KEY, &new.uuid)
    }

    /// Flag a challenge deleted, with its fields as given (the app saves it again).
    fn retire_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
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

    /// What the user holds that the app's reset would flag or remove: rows not flagged
    /// deleted, the app's preferences, and (kept by a reset) Nextcloud's app passwords.
    fn holdings(&self, user: &str) -> Result<Counts> {
        counts_in(self.db, self.prefix, user, true)
    }

    /// The app's user settings `encryption/cse` (default: whether a challenge is set) and
    /// `encryption/sse` (the user's choice, default 0), as the app stores them.
    fn encryption(&self, user: &str) -> Result<crate::store::Encryption> {
        let cse = match self.user_value(user, "encryption/cse")? {
            Some(v) => v == "1",
            None => self.user_value(user, CHALLENGE_ID_KEY)?.is_some(),
        };
        let sse = self
            .user_value(user, "encryption/sse")?
            .unwrap_or_else(|| "0".into());
        Ok(crate::store::Encryption {
            cse,
            sse: crate::store::ServerSide::AppSetting(sse),
        })
    }

    /// Up to `limit` user ids after `after`, in byte order: every user with a row in the
    /// app's tables or a preference of the app.
    fn account_ids(&self, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
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
    fn unreadable_ids(&self, limit: usize) -> Result<Vec<Vec<u8>>> {
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
    fn last_change(&self, user: &str) -> Result<Option<i64>> {
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
    fn dangling_references(&self, user: &str) -> Result<Vec<String>> {
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

    fn integrity(&self) -> Result<Vec<String>> {
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

    /// Call `each` with the records `filter` selects, oldest first; `false` when the
    /// installation has no trail (pwaccount never changed anything there).
    fn audit_entries(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Entry) -> Result<bool>,
    ) -> Result<bool> {
        let table = self.trail_table();
        if !self.has_trail()? {
            return Ok(false);
        }
        let (sql, p) = filter.query(&table, &|n| format!("${n}"));
        let mut params = Vec::new();
        if let Some(user) = p.user {
            params.push(Value::Text(user));
        }
        if let Some(since) = p.since {
            params.push(Value::Int(since));
        }
        let mut stopped = false;
        self.db.rows(&sql, &params, &mut |row| {
            if stopped {
                return Ok(());
            }
            let entry = entry(row)?;
            stopped = !each(entry)?;
            Ok(())
        })?;
        Ok(true)
    }

    fn commit_change(self, record: &Record) -> Result<()> {
        super::commit_change(self, record)
    }
}

/// The refusal of a pending reset code stored in a form pwaccount did not write.
fn damaged_code(user: &str) -> crate::error::Error {
    crate::error::Error::new(
        crate::error::Id::ResetCodeDamaged,
        format!(
            "the pending reset code of account '{}' is stored damaged (pwaccount's \
             preference '{RESET_KEY}' is not <hash>|<expiry>); withdraw it with `pwaccount \
             reset --cancel`, or issue a new one with `pwaccount reset`",
            crate::text::escape_controls(user)
        ),
    )
}
