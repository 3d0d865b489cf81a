//! One user put back from a Passwords app backup (`app_backup`), leaving exactly the rows
//! `occ passwords:backup:restore LABEL --user U` leaves (`RestoreBackupHelper`), apart
//! from numeric ids: the user's rows of the app's ten data tables are deleted (flagged
//! deleted or not) and the backup's inserted with new ids and their own uuids; the user's
//! `SSEv1UserKey` and `user/challenge/id` set from the backup's keys; the user's settings
//! set (or reset) and the client settings set. Unlike occ, everything is checked first,
//! in one transaction, and the user's sessions are closed as well.

use serde_json::Value as Json;

use super::Tx;
use super::app_backup::{Backup, Entity, RESTORED};
use super::db::Value;
use crate::error::{Error, Id, Result};
use crate::store::snapshot::TableChange;

/// The user settings the app restores (`UserSettingsHelper::$userSettings`), with their
/// types: each is set from the backup, or reset (deleted) when the backup has none.
const USER_SETTINGS: [(&str, Kind); 17] = [
    ("password/generator/strength", Kind::Int),
    ("password/generator/numbers", Kind::Bool),
    ("password/generator/special", Kind::Bool),
    ("password/security/duplicates", Kind::Bool),
    ("password/security/age", Kind::Int),
    ("password/security/hash", Kind::Int),
    ("mail/security", Kind::Bool),
    ("mail/shares", Kind::Bool),
    ("notification/security", Kind::Bool),
    ("notification/shares", Kind::Bool),
    ("notification/errors", Kind::Bool),
    ("notification/admin", Kind::Bool),
    ("sharing/editable", Kind::Bool),
    ("sharing/resharing", Kind::Bool),
    ("session/lifetime", Kind::Int),
    ("encryption/sse", Kind::Int),
    ("encryption/cse", Kind::Int),
];

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Bool,
}

/// A property name as the column Nextcloud's `Entity` maps it to (`userId` → `user_id`).
fn column_of(property: &str) -> String {
    let mut column = String::with_capacity(property.len() + 4);
    for c in property.chars() {
        if c.is_ascii_uppercase() {
            column.push('_');
            column.push(c.to_ascii_lowercase());
        } else {
            column.push(c);
        }
    }
    column
}

/// A property's value as the app binds it: booleans as 0/1, numbers and text as they are.
fn value_of(table: &str, property: &str, json: &Json) -> Result<Value> {
    Ok(match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Int(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Real(n.as_f64().unwrap_or_default()),
        },
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(_) | Json::Object(_) => {
            return Err(shape(&format!(
                "a row of {table} has a list or an object as its '{property}'"
            )));
        }
    })
}

fn shape(why: &str) -> Error {
    Error::new(
        Id::InvalidSnapshot,
        format!("this is not a usable Passwords app backup: {why}; nothing was changed"),
    )
}

/// PHP's `intval` of a setting as stored (text), for the values the app itself writes.
fn php_int(json: &Json) -> i64 {
    match json {
        Json::Bool(b) => i64::from(*b),
        Json::Number(n) => n
            .as_i64()
            .unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        Json::String(s) => {
            let t = s.trim_start();
            if let Ok(f) = t.trim_end().parse::<f64>()
                && f.is_finite()
            {
                return f as i64;
            }
            let end = t
                .char_indices()
                .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
                .map_or(t.len(), |(i, _)| i);
            t[..end].parse().unwrap_or(0)
        }
        _ => 0,
    }
}

/// PHP's `boolval`.
fn php_bool(json: &Json) -> bool {
    match json {
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Json::String(s) => !(s.is_empty() || s == "0"),
        Json::Null => false,
        Json::Array(a) => !a.is_empty(),
        Json::Object(_) => true,
    }
}

impl Tx<'_> {
    /// What restoring `user` from `backup` would delete and write, per table (the
    /// preferences counted as the settings the restore sets or resets).
    pub(crate) fn backup_changes(&self, user: &str, backup: &Backup) -> Result<Vec<TableChange>> {
        let p = self.prefix;
        let mut changes = Vec::new();
        for table in RESTORED.iter().chain(&["passwords_session"]) {
            let delete = self.db.count(
                &format!("SELECT count(*) FROM {p}{table} WHERE user_id = $1"),
                &[user.into()],
            )?;
            changes.push(TableChange {
                table: (*table).to_owned(),
                delete,
                write: backup.count(table),
            });
        }
        let prefs = self.preference_changes(user, backup)?;
        let mut delete = 0;
        for (key, _) in prefs.iter().filter(|(_, v)| v.is_none()) {
            delete += u64::from(self.user_value(user, key)?.is_some());
        }
        changes.push(TableChange {
            table: "preferences".into(),
            delete,
            write: prefs.iter().filter(|(_, v)| v.is_some()).count() as u64,
        });
        Ok(changes)
    }

    /// Put `user` back as `backup` holds them, in this write transaction (nothing is
    /// committed here); `progress` hears of each table done.
    pub(crate) fn put_backup(
        &self,
        user: &str,
        backup: &Backup,
        progress: &dyn Fn(&str),
    ) -> Result<()> {
        let prefs = self.preference_changes(user, backup)?;
        let p = self.prefix;
        for table in RESTORED {
            let uuids: Vec<Value> = backup
                .rows
                .get(table)
                .into_iter()
                .flatten()
                .map(|row| match row.get("uuid") {
                    Some(Json::String(uuid)) if !uuid.is_empty() => Ok(Value::text(uuid)),
                    _ => Err(shape(&format!("a row of {table} has no uuid"))),
                })
                .collect::<Result<_>>()?;
            super::snapshot::refuse_taken(self.db, p, table, "uuid", user, &uuids)?;
        }
        for table in RESTORED.iter().chain(&["passwords_session"]) {
            self.db.execute(
                &format!("DELETE FROM {p}{table} WHERE user_id = $1"),
                &[user.into()],
            )?;
        }
        for table in RESTORED {
            self.insert_rows(table, backup.rows.get(table).map_or(&[][..], |r| r))?;
            progress(table);
        }
        for (key, value) in &prefs {
            self.set_preference_of(user, key, value.as_deref())?;
        }
        self.set_own_value(user, super::rows::RESET_KEY, None)?;
        progress("preferences");
        Ok(())
    }

    /// Insert `rows` into the app's `table` as the app's mapper does: every property the
    /// table has a column for, but the id (the database gives a new one).
    fn insert_rows(&self, table: &str, rows: &[Entity]) -> Result<()> {
        let live = format!("{}{table}", self.prefix);
        let columns: Vec<String> = self
            .db
            .columns(&live)?
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let q = if self.db.engine() == super::db::Engine::MySql {
            '`'
        } else {
            '"'
        };
        for (n, row) in rows.iter().enumerate() {
            if n % 256 == 0 {
                crate::interrupt::check()?;
            }
            let mut names = Vec::with_capacity(row.len());
            let mut values = Vec::with_capacity(row.len());
            for (property, json) in row {
                // Only the entity's own properties, spelt as the app spells them
                // (camelCase): the app ignores any other name, and `user_id` beside
                // `userId` would name the owner's column twice.
                let column = column_of(property);
                let camel = !property.contains('_')
                    && !property.starts_with(|c: char| c.is_ascii_uppercase());
                if property == "id" || !camel || !columns.contains(&column) {
                    continue;
                }
                values.push(value_of(table, property, json)?);
                names.push(format!("{q}{column}{q}"));
            }
            let marks: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
            self.db.execute(
                &format!(
                    "INSERT INTO {live} ({}) VALUES ({})",
                    names.join(", "),
                    marks.join(", ")
                ),
                &values,
            )?;
        }
        Ok(())
    }

    /// The user's Passwords preferences the restore sets (`Some`) or deletes (`None`), in
    /// the app's order: the keys, then the settings, then the client settings.
    fn preference_changes(
        &self,
        user: &str,
        backup: &Backup,
    ) -> Result<Vec<(String, Option<String>)>> {
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        let mut challenge = self.user_value(user, crate::store::CHALLENGE_ID_KEY)?;
        if let Some(keys) = &backup.keys {
            if let Some(key) = &keys.sse_user_key {
                out.push(("SSEv1UserKey".into(), Some(key.expose().to_owned())));
            }
            challenge = keys.challenge_id.clone();
            out.push((crate::store::CHALLENGE_ID_KEY.into(), challenge.clone()));
        }
        if let Some(settings) = &backup.settings {
            for (key, kind) in USER_SETTINGS {
                let given = settings
                    .get(&key.replace('/', "."))
                    .filter(|v| !v.is_null());
                let Some(given) = given else {
                    out.push((key.into(), None));
                    continue;
                };
                if !self.sharing_allows(key)? {
                    continue;
                }
                let value = match kind {
                    Kind::Bool => i64::from(php_bool(given)),
                    Kind::Int => self.valid_int(key, php_int(given), challenge.is_some())?,
                };
                out.push((key.into(), Some(value.to_string())));
            }
        }
        if let Some(client) = &backup.client {
            match client {
                Json::String(text) => out.push(("client/settings".into(), Some(text.clone()))),
                _ => return Err(shape("the user's client settings are not text")),
            }
        }
        Ok(out)
    }

    /// Whether the app's `set` of a sharing setting changes it (sharing, and for
    /// `sharing/resharing` resharing, enabled in Nextcloud; otherwise the app leaves it).
    fn sharing_allows(&self, key: &str) -> Result<bool> {
        let on = |k: &str| -> Result<bool> {
            Ok(self
                .app_value_of("core", k)?
                .filter(|v| !v.is_empty())
                .is_none_or(|v| v == "yes"))
        };
        Ok(match key {
            "sharing/editable" => on("shareapi_enabled")?,
            "sharing/resharing" => on("shareapi_enabled")? && on("shareapi_allow_resharing")?,
            _ => true,
        })
    }

    /// An integer setting as the app's `validateValue` keeps it: out of its range, the
    /// default (`has_challenge`: whether the user will have a challenge).
    fn valid_int(&self, key: &str, value: i64, has_challenge: bool) -> Result<i64> {
        let (ok, default) = match key {
            "session/lifetime" => (value >= 30, 600),
            "password/generator/strength" => ((0..=4).contains(&value), 1),
            "password/security/age" => (value >= 0, 0),
            "password/security/hash" => {
                let default = self
                    .app_value("settings/password/security/hash")?
                    .filter(|v| !v.is_empty())
                    .map_or(40, |v| php_int(&Json::String(v)));
                ((0..=40).contains(&value), default)
            }
            "encryption/cse" => ((0..=1).contains(&value), i64::from(has_challenge)),
            "encryption/sse" => ((0..=2).contains(&value), 0),
            _ => (true, value),
        };
        Ok(if ok { value } else { default })
    }

    /// Set or delete a Passwords preference of `user`.
    fn set_preference_of(&self, user: &str, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.set_user_value(user, key, v),
            None => self.delete_user_value(user, key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_map_to_columns_as_nextcloud_maps_them() {
        assert_eq!(column_of("userId"), "user_id");
        assert_eq!(column_of("passwordRevision"), "password_revision");
        assert_eq!(column_of("sseKey"), "sse_key");
        assert_eq!(column_of("uuid"), "uuid");
    }

    #[test]
    fn settings_are_read_as_php_reads_them() {
        assert_eq!(php_int(&Json::String("600".into())), 600);
        assert_eq!(php_int(&Json::String(" 12abc".into())), 12);
        assert_eq!(php_int(&Json::String("abc".into())), 0);
        assert_eq!(php_int(&Json::String("1e3".into())), 1000);
        assert!(!php_bool(&Json::String("0".into())));
        assert!(!php_bool(&Json::String(String::new())));
        assert!(php_bool(&Json::String("false".into())));
        assert!(php_bool(&Json::String("1".into())));
    }
}
