//! What must hold before pwaccount reads or changes an installation: the Passwords app
//! installed with its tables, a version this build was verified with (or accepted by the
//! administrator, with the tables of a verified one), and no maintenance or pending
//! upgrade for a change.

use std::path::PathBuf;

use super::db::Value;
use super::settings::{code_version, config_error, nextcloud_major, unsupported};
use super::versions::{self, Verified};
use super::{NextcloudStore, TABLES};
use crate::error::{Error, Id, Result};

impl NextcloudStore {
    /// Nextcloud's version as its configuration says, for messages.
    fn nextcloud_version(&self) -> String {
        match self.config.string("version") {
            Ok(Some(v)) => crate::text::escape_controls(&v).into_owned(),
            _ => "(version unknown)".into(),
        }
    }

    /// For reading commands on an app version this build was not verified with: what to
    /// tell the administrator, once.
    pub(crate) fn unverified_note(&self) -> Option<String> {
        self.unverified.as_ref().map(|v| {
            format!(
                "note: the Passwords app here is version {} on Nextcloud {}, which this build of \
                 pwaccount was not verified with (verified: {}); reading works, a change needs \
                 --accept-unverified-app {}",
                versions::describe(v),
                self.nextcloud_version(),
                versions::verified_list(),
                crate::text::escape_controls(v)
            )
        })
    }

    /// A change on an unverified app version: only when the administrator names that
    /// version with `--accept-unverified-app`, and only when every table pwaccount writes
    /// has exactly the columns of a verified version (pwaccount never writes into a
    /// schema it has not seen).
    pub(super) fn check_version_for_changes(&mut self, accepted: Option<&str>) -> Result<()> {
        let Some(installed) = self.unverified.clone() else {
            return Ok(());
        };
        if accepted != Some(installed.as_str()) {
            return Err(unsupported(format!(
                "the Passwords app here is version {} on Nextcloud {}, which this build of \
                 pwaccount was not verified with (verified: {}); changes are refused unless you \
                 accept this version with --accept-unverified-app {}{}; nothing was changed",
                versions::describe(&installed),
                self.nextcloud_version(),
                versions::verified_list(),
                crate::text::escape_controls(&installed),
                match accepted {
                    Some(other) => format!(
                        " (--accept-unverified-app named {})",
                        crate::text::escape_controls(other)
                    ),
                    None => String::new(),
                }
            )));
        }
        match self.same_tables_as()? {
            Ok(verified) => {
                self.accepted = Some(installed);
                self.rules = verified.rules;
                Ok(())
            }
            Err(differences) => Err(unsupported(format!(
                "the Passwords app's tables here (version {}) differ from every version this \
                 build was verified with, so pwaccount writes nothing into them: {}; nothing \
                 was changed",
                crate::text::escape_controls(&installed),
                differences.join("; ")
            ))),
        }
    }

    /// The first verified version whose tables pwaccount writes have exactly the columns
    /// of this database's, or how each differs.
    fn same_tables_as(&self) -> Result<std::result::Result<&'static Verified, Vec<String>>> {
        let mut differences = Vec::new();
        for verified in versions::VERIFIED {
            let mut first = None;
            for (table, columns) in verified.tables() {
                let live: Vec<String> = self
                    .conn
                    .columns(&format!("{}{table}", self.prefix))?
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect();
                if live != *columns {
                    first = Some(format!(
                        "{}{table} has the columns ({}), {} has ({})",
                        self.prefix,
                        live.join(", "),
                        verified.stored,
                        columns.join(", ")
                    ));
                    break;
                }
            }
            match first {
                None => return Ok(Ok(verified)),
                Some(difference) => differences.push(difference),
            }
        }
        Ok(Err(differences))
    }

    /// A change is refused up front on a database server that takes none: a PostgreSQL
    /// standby (in recovery) or one whose `default_transaction_read_only` is on, a MySQL
    /// or MariaDB server with `read_only` on. Nothing is attempted there. Nextcloud writes
    /// to `dbhost` and reads from the `dbreplica` servers too; pwaccount uses `dbhost` for
    /// everything, so that a command always sees its own writes.
    pub(super) fn check_server_writable(&self) -> Result<()> {
        use super::db::Engine;
        let first = |sql: &str| -> Result<Vec<Value>> {
            Ok(self
                .conn
                .all(sql, &[])?
                .into_iter()
                .next()
                .unwrap_or_default())
        };
        let why = match self.conn.engine() {
            Engine::Sqlite => None,
            Engine::Postgres => {
                let row = first(
                    "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')",
                )?;
                let recovery = row.first().and_then(Value::as_int) == Some(1);
                let read_only = matches!(row.get(1), Some(Value::Text(t)) if t == "on");
                if recovery {
                    Some("is a standby in recovery (a read-only replica)")
                } else if read_only {
                    Some("has default_transaction_read_only = on")
                } else {
                    None
                }
            }
            Engine::MySql => {
                let row = first("SELECT @@global.read_only")?;
                (row.first().and_then(Value::as_int) == Some(1)).then_some("has read_only = ON")
            }
        };
        match why {
            None => Ok(()),
            Some(why) => Err(Error::new(
                Id::DatabaseReadOnly,
                format!(
                    "the database server ({}) {why}, so pwaccount makes no change there; point \
                     dbhost at the primary (a server listed in dbreplica is only read by \
                     Nextcloud, never by pwaccount); nothing was changed",
                    self.location
                ),
            )),
        }
    }

    /// A change is refused while Nextcloud refuses its own: in maintenance mode, or when
    /// the server or the Passwords app waits for an upgrade (the code on disk is newer
    /// than what the database was migrated to), as `occ` commands that touch user data
    /// are refused then.
    pub(super) fn check_changes_allowed(&self) -> Result<()> {
        let refuse = |why: String| {
            Error::new(
                Id::NextcloudMaintenance,
                format!("{why}; pwaccount changes nothing until it ends (nothing was changed)"),
            )
        };
        if self.config.truthy("maintenance") {
            return Err(refuse(format!(
                "the Nextcloud at {} is in maintenance mode ('maintenance' => true)",
                self.config.root.display()
            )));
        }
        let code = code_version(&self.config.root.join("version.php"));
        let configured = self.config.string("version")?;
        if let (Some(code), Some(configured)) = (code, configured)
            && code != configured
        {
            return Err(refuse(format!(
                "the Nextcloud at {} needs an upgrade: its code is version {code} and its \
                 database version {} (run occ upgrade)",
                self.config.root.display(),
                crate::text::escape_controls(&configured)
            )));
        }
        if let Some(code) = self.app_code_version()? {
            let installed = self.app_installed_version()?.unwrap_or_default();
            if code != installed {
                return Err(refuse(format!(
                    "the Passwords app needs an upgrade: its code is version {} and its tables \
                     version {} (run occ upgrade)",
                    crate::text::escape_controls(&code),
                    crate::text::escape_controls(&installed)
                )));
            }
        }
        Ok(())
    }

    /// The version in the Passwords app's `appinfo/info.xml`: of the copy with the highest
    /// version among the apps folders that hold one (`apps_paths`, or `apps/`), as
    /// Nextcloud's app manager picks the copy it runs.
    fn app_code_version(&self) -> Result<Option<String>> {
        let mut folders: Vec<PathBuf> = Vec::new();
        if let Some(serde_json::Value::Object(paths)) = self.config.value("apps_paths")? {
            for entry in paths.values() {
                if let Some(path) = entry.get("path").and_then(|p| p.as_str()) {
                    folders.push(super::settings::in_installation(&self.config, path));
                }
            }
        }
        if folders.is_empty() {
            folders.push(self.config.root.join("apps"));
        }
        let mut best: Option<String> = None;
        for folder in folders {
            let Ok(xml) = std::fs::read_to_string(folder.join("passwords/appinfo/info.xml")) else {
                continue;
            };
            let Some(version) = xml
                .split_once("<version>")
                .and_then(|(_, rest)| rest.split_once("</version>"))
                .map(|(v, _)| v.trim().to_owned())
            else {
                continue;
            };
            if best
                .as_deref()
                .is_none_or(|b| version_order(&version, b).is_gt())
            {
                best = Some(version);
            }
        }
        Ok(best)
    }

    fn app_installed_version(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .value(
                &format!(
                    "SELECT configvalue FROM {}appconfig WHERE appid = 'passwords' AND configkey = 'installed_version'",
                    self.prefix
                ),
                &[],
            )?
            .and_then(Value::into_text))
    }

    /// The Passwords app is installed (in a verified version, or not: see
    /// `check_changes_allowed`), and its tables are there.
    pub(super) fn check_app(&mut self) -> Result<()> {
        if !self.conn.has_table(&format!("{}appconfig", self.prefix))? {
            return Err(config_error(format!(
                "the {} has no table {}appconfig: it is not this Nextcloud's database, or \
                 'dbtableprefix' in the configuration is wrong",
                self.location, self.prefix
            )));
        }
        let Some(version) = self.app_installed_version()? else {
            return Err(unsupported(
                "the Passwords app is not installed in this Nextcloud".into(),
            ));
        };
        let major = nextcloud_major(&self.config)?;
        match versions::verified(&version, major) {
            Some(verified) => self.rules = verified.rules,
            None => {
                // Reading an unverified version goes by the rules of the verified one
                // with the same tables, else of the newest.
                self.rules = match self.same_tables_as()? {
                    Ok(verified) => verified.rules,
                    Err(_) => versions::VERIFIED[0].rules,
                };
                self.unverified = Some(version);
            }
        }
        for table in TABLES {
            let name = format!("{}{table}", self.prefix);
            if !self.conn.has_table(&name)? {
                return Err(unsupported(format!(
                    "the Passwords app's table {name} is missing from the {}",
                    self.location
                )));
            }
        }
        Ok(())
    }
}

/// Two versions in the order PHP's `version_compare` gives numeric versions: part by part
/// as numbers (`2025.10.0` > `2025.9.3`), a missing part counting as less.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .map(|p| p.parse::<u64>().unwrap_or(0))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_compare_as_numbers() {
        use std::cmp::Ordering::*;
        assert_eq!(super::version_order("2025.10.0", "2025.9.3"), Greater);
        assert_eq!(super::version_order("2024.12.1", "2024.12.1"), Equal);
        assert_eq!(super::version_order("2024.12", "2024.12.1"), Less);
    }
}
