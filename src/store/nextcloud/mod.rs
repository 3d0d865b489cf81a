//! A Nextcloud installation's database, as the Passwords app keeps it: its
//! `<prefix>passwords_*` tables and its rows of Nextcloud's `<prefix>preferences` and
//! `<prefix>appconfig`. This build reads it (SQLite installations); the queries here are
//! the app's own lookups, the rules they serve live in `account::nextcloud`.

pub mod config;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{Access, ChallengeRow, Counts, Tx, connect};
use crate::error::{Error, Id, Result};
use config::Config;

/// The Passwords app versions this build was checked against (`installed_version` in
/// `<prefix>appconfig`): 2026.2.x, the version of the reference fixture.
pub const VERIFIED_APP_VERSIONS: &str = "2026.2.";

/// The app's tables, without the prefix; all must exist.
const TABLES: &[&str] = &[
    "passwords_challenge",
    "passwords_keychain",
    "passwords_password",
    "passwords_password_rv",
    "passwords_folder",
    "passwords_folder_rv",
    "passwords_tag",
    "passwords_tag_rv",
    "passwords_pw_tag_rel",
    "passwords_share",
    "passwords_session",
    "passwords_registration",
];

/// An open Nextcloud database.
pub struct NextcloudStore {
    conn: Connection,
    path: PathBuf,
    prefix: String,
    config: Config,
}

fn unsupported(message: String) -> Error {
    Error::new(Id::NextcloudUnsupported, message)
}

impl NextcloudStore {
    /// Open the database of the installation at `installation` (its folder or its
    /// `config.php`) for reading, after checking it is one this build can serve.
    pub fn open(installation: &Path, access: Access, busy_timeout: Duration) -> Result<Self> {
        let config = config::read(installation)?;
        if !config.is_true("installed") {
            return Err(unsupported(format!(
                "the Nextcloud at {} is not installed yet ('installed' is not true in its \
                 configuration)",
                config.root.display()
            )));
        }
        let dbtype = config.string("dbtype").unwrap_or_else(|| "sqlite".into());
        if dbtype != "sqlite" && dbtype != "sqlite3" {
            return Err(unsupported(format!(
                "the Nextcloud at {} keeps its database in '{dbtype}', which this build does \
                 not support yet (only SQLite)",
                config.root.display()
            )));
        }
        let data = config
            .string("datadirectory")
            .map(PathBuf::from)
            .unwrap_or_else(|| config.root.join("data"));
        let name = config.string("dbname").unwrap_or_else(|| "owncloud".into());
        let path = data.join(format!("{name}.db"));
        if !path.is_file() {
            return Err(Error::new(
                Id::NextcloudConfig,
                format!(
                    "the Nextcloud database {} named by the configuration (datadirectory, \
                     dbname) is not there",
                    path.display()
                ),
            ));
        }
        // Nextcloud sets the journal mode (WAL unless configured otherwise); pwaccount
        // changes no setting of the file.
        let flags = match access {
            Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
        };
        let conn = connect(&path, flags, busy_timeout)?;
        let prefix = config
            .string("dbtableprefix")
            .unwrap_or_else(|| "oc_".into());
        let store = NextcloudStore {
            conn,
            path,
            prefix,
            config,
        };
        store.check_app()?;
        Ok(store)
    }

    /// The Passwords app is installed in a verified version, and its tables are there.
    fn check_app(&self) -> Result<()> {
        if !self.has_table(&format!("{}appconfig", self.prefix))? {
            return Err(Error::new(
                Id::NextcloudConfig,
                format!(
                    "{} has no table {}appconfig: it is not this Nextcloud's database, or \
                     'dbtableprefix' in the configuration is wrong",
                    self.path.display(),
                    self.prefix
                ),
            ));
        }
        let version: Option<String> = self
            .conn
            .query_row(
                &format!(
                    "SELECT configvalue FROM {}appconfig WHERE appid = 'passwords' AND configkey = 'installed_version'",
                    self.prefix
                ),
                [],
                |r| r.get(0),
            )
            .optional()?;
        let Some(version) = version else {
            return Err(unsupported(
                "the Passwords app is not installed in this Nextcloud".into(),
            ));
        };
        if !version.starts_with(VERIFIED_APP_VERSIONS) {
            return Err(unsupported(format!(
                "the Passwords app here is version {}; this build was verified with \
                 {VERIFIED_APP_VERSIONS}x only",
                crate::text::escape_controls(&version)
            )));
        }
        for table in TABLES {
            let name = format!("{}{table}", self.prefix);
            if !self.has_table(&name)? {
                return Err(unsupported(format!(
                    "the Passwords app's table {name} is missing from the database"
                )));
            }
        }
        Ok(())
    }

    fn has_table(&self, name: &str) -> Result<bool> {
        let found: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        Ok(found > 0)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One read transaction for everything a command reads.
    pub fn read(&mut self) -> Result<Reader<'_>> {
        self.begin(TransactionBehavior::Deferred)
    }

    /// The one write transaction of a command (it waits for the app's own writers up to
    /// the busy timeout); rolled back unless committed with `commit`.
    pub fn write(&mut self) -> Result<Reader<'_>> {
        crate::interrupt::check()?;
        self.begin(TransactionBehavior::Immediate)
    }

    fn begin(&mut self, behavior: TransactionBehavior) -> Result<Reader<'_>> {
        let NextcloudStore {
            conn,
            prefix,
            config,
            ..
        } = self;
        Ok(Reader {
            tx: Tx(conn.transaction_with_behavior(behavior)?),
            prefix,
            config,
        })
    }
}

/// Commit a write transaction (see `store::commit`).
pub fn commit(reader: Reader<'_>, step: super::Step) -> Result<()> {
    super::commit(reader.tx, step)
}

/// A keychain row, its data still encrypted.
pub struct KeychainRow {
    pub uuid: String,
    pub kind: String,
    pub data: String,
}

/// A transaction on the Nextcloud database (reading, or the command's one write), with
/// what its queries need.
pub struct Reader<'a> {
    tx: Tx<'a>,
    prefix: &'a str,
    config: &'a Config,
}

impl Reader<'_> {
    /// The installation's configuration.
    pub fn config(&self) -> &Config {
        self.config
    }

    /// A value of the Passwords app in `<prefix>appconfig`, as stored.
    pub fn app_value(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row(
                &format!(
                    "SELECT configvalue FROM {}appconfig WHERE appid = 'passwords' AND configkey = ?1",
                    self.prefix
                ),
                [key],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// A Passwords preference of `user` in `<prefix>preferences`, as stored.
    pub fn user_value(&self, user: &str, key: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row(
                &format!(
                    "SELECT configvalue FROM {}preferences WHERE userid = ?1 AND appid = 'passwords' AND configkey = ?2",
                    self.prefix
                ),
                [user, key],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// The user's challenge `uuid`, unless it is flagged deleted; its fields still
    /// encrypted as the app stores them (`sealed_key` is the app's `secret` column).
    pub fn challenge(&self, user: &str, uuid: &str) -> Result<Option<ChallengeRow>> {
        Ok(self
            .tx
            .query_row(
                &format!(
                    "SELECT uuid, type, client_data, server_data, secret, created FROM {}passwords_challenge
                     WHERE user_id = ?1 AND uuid = ?2 AND deleted = 0",
                    self.prefix
                ),
                [user, uuid],
                super::queries::challenge_row,
            )
            .optional()?)
    }

    /// The user's keychains that are not flagged deleted.
    pub fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>> {
        let mut stmt = self.tx.prepare(&format!(
            "SELECT uuid, type, data FROM {}passwords_keychain WHERE user_id = ?1 AND deleted = 0 ORDER BY uuid",
            self.prefix
        ))?;
        let rows = stmt
            .query_map([user], |r| {
                Ok(KeychainRow {
                    uuid: r.get(0)?,
                    kind: r.get(1)?,
                    data: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// What the user holds that the app's reset would flag or remove: rows not flagged
    /// deleted, the app's preferences, and (kept by a reset) Nextcloud's app passwords.
    pub fn counts(&self, user: &str) -> Result<Counts> {
        let p = self.prefix;
        let count = |sql: String| -> Result<u64> {
            let n: i64 = self.tx.query_row(&sql, [user], |r| r.get(0))?;
            Ok(n as u64)
        };
        let live = |table: &str| {
            count(format!(
                "SELECT count(*) FROM {p}passwords_{table} WHERE user_id = ?1 AND deleted = 0"
            ))
        };
        let shares = count(format!(
            "SELECT count(*) FROM {p}passwords_share WHERE (user_id = ?1 OR receiver = ?1) AND deleted = 0"
        ))?;
        let settings = count(format!(
            "SELECT count(*) FROM {p}preferences WHERE userid = ?1 AND appid = 'passwords'"
        ))?;
        let tokens = count(format!("SELECT count(*) FROM {p}authtoken WHERE uid = ?1"))?;
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

    /// Set a Passwords preference of `user`, as Nextcloud's user config stores a plain
    /// value (not lazy, mixed type, no flags).
    pub fn set_user_value(&self, user: &str, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            &format!(
                "INSERT INTO {}preferences (userid, appid, configkey, configvalue, lazy, type, flags, indexed)
                 VALUES (?1, 'passwords', ?2, ?3, 0, 0, 0, '')
                 ON CONFLICT (userid, appid, configkey) DO UPDATE SET configvalue = excluded.configvalue",
                self.prefix
            ),
            [user, key, value],
        )?;
        Ok(())
    }

    /// Insert a challenge row (its fields already encrypted), not deleted.
    pub fn insert_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
        self.tx.execute(
            &format!(
                "INSERT INTO {}passwords_challenge
                   (user_id, uuid, type, secret, server_data, client_data, created, updated, deleted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 0)",
                self.prefix
            ),
            rusqlite::params![
                user,
                row.uuid,
                row.kind,
                row.sealed_key,
                row.server_data,
                row.client_data,
                now
            ],
        )?;
        Ok(())
    }

    /// Flag a challenge deleted, with its fields as given (the app saves it again).
    pub fn retire_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
        self.tx.execute(
            &format!(
                "UPDATE {}passwords_challenge SET deleted = 1, updated = ?3, secret = ?4,
                   server_data = ?5, client_data = ?6
                 WHERE user_id = ?1 AND uuid = ?2",
                self.prefix
            ),
            rusqlite::params![
                user,
                row.uuid,
                now,
                row.sealed_key,
                row.server_data,
                row.client_data
            ],
        )?;
        Ok(())
    }

    /// Write a keychain's data: update the row `uuid`, or insert it with `scope`.
    pub fn save_keychain(
        &self,
        user: &str,
        row: &KeychainRow,
        scope: &str,
        now: i64,
    ) -> Result<()> {
        let updated = self.tx.execute(
            &format!(
                "UPDATE {}passwords_keychain SET data = ?3, updated = ?4 WHERE user_id = ?1 AND uuid = ?2",
                self.prefix
            ),
            rusqlite::params![user, row.uuid, row.data, now],
        )?;
        if updated == 0 {
            self.tx.execute(
                &format!(
                    "INSERT INTO {}passwords_keychain (user_id, uuid, type, scope, data, created, updated, deleted)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 0)",
                    self.prefix
                ),
                rusqlite::params![user, row.uuid, row.kind, scope, row.data, now],
            )?;
        }
        Ok(())
    }
}
