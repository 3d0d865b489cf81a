//! A Nextcloud installation's database, as the Passwords app keeps it: its
//! `<prefix>passwords_*` tables and its rows of Nextcloud's `<prefix>preferences` and
//! `<prefix>appconfig`. This build reads it (SQLite installations); the queries here are
//! the app's own lookups, the rules they serve live in `account::nextcloud`.

pub mod config;
pub mod snapshot;

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
pub(crate) const TABLES: &[&str] = &[
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
    busy_timeout: Duration,
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
            busy_timeout,
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

    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout
    }

    /// Where snapshots of this installation's users go by default: not beside the
    /// database (the data directory belongs to Nextcloud and its users), but in
    /// pwaccount's own data folder, `nextcloud-backups/<instance id>/`, created 0700.
    pub fn default_backups(&self) -> Result<PathBuf> {
        let own = super::default_path()?;
        let instance = self
            .config
            .string("instanceid")
            .unwrap_or_else(|| "nextcloud".into());
        let safe: String = instance
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Ok(own
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join("nextcloud-backups")
            .join(safe))
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

/// The counts of `status` in the tables named `<prefix>passwords_*` and
/// `<prefix>preferences` of `conn` (a live database, or a snapshot with no prefix and no
/// app passwords table).
pub(crate) fn counts_in(conn: &Connection, p: &str, user: &str, tokens: bool) -> Result<Counts> {
    let count = |sql: String| -> Result<u64> {
        let n: i64 = conn.query_row(&sql, [user], |r| r.get(0))?;
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
    let tokens = if tokens {
        count(format!("SELECT count(*) FROM {p}authtoken WHERE uid = ?1"))?
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
        self.preference(user, "passwords", key)
    }

    /// A preference of pwaccount's own for `user` (appid `pwaccount`: the app never reads
    /// it), such as a pending reset code.
    pub fn own_value(&self, user: &str, key: &str) -> Result<Option<String>> {
        self.preference(user, "pwaccount", key)
    }

    fn preference(&self, user: &str, app: &str, key: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row(
                &format!(
                    "SELECT configvalue FROM {}preferences WHERE userid = ?1 AND appid = ?2 AND configkey = ?3",
                    self.prefix
                ),
                [user, app, key],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Set a Passwords preference of `user`.
    pub fn set_user_value(&self, user: &str, key: &str, value: &str) -> Result<()> {
        self.set_preference(user, "passwords", key, Some(value))
    }

    /// Set (or with `None`, delete) a preference of pwaccount's own.
    pub fn set_own_value(&self, user: &str, key: &str, value: Option<&str>) -> Result<()> {
        self.set_preference(user, "pwaccount", key, value)
    }

    /// Set a preference as Nextcloud's user config stores a plain value (not lazy, mixed
    /// type, no flags), or delete it.
    fn set_preference(&self, user: &str, app: &str, key: &str, value: Option<&str>) -> Result<()> {
        let p = self.prefix;
        match value {
            Some(value) => self.tx.execute(
                &format!(
                    "INSERT INTO {p}preferences (userid, appid, configkey, configvalue, lazy, type, flags, indexed)
                     VALUES (?1, ?2, ?3, ?4, 0, 0, 0, '')
                     ON CONFLICT (userid, appid, configkey) DO UPDATE SET configvalue = excluded.configvalue"
                ),
                [user, app, key, value],
            )?,
            None => self.tx.execute(
                &format!(
                    "DELETE FROM {p}preferences WHERE userid = ?1 AND appid = ?2 AND configkey = ?3"
                ),
                [user, app, key],
            )?,
        };
        Ok(())
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
        counts_in(&self.tx, self.prefix, user, true)
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
    pub fn reset_user(&self, user: &str, now: i64) -> Result<()> {
        let p = self.prefix;
        let run = |sql: String| -> Result<()> {
            self.tx.execute(&sql, rusqlite::params![user, now])?;
            Ok(())
        };
        run(format!(
            "DELETE FROM {p}passwords_session WHERE user_id = ?1 AND deleted = 0 AND ?2 = ?2"
        ))?;
        // The models the reset deletes, as they are before it starts.
        run(format!(
            "CREATE TEMP TABLE pwaccount_models AS
               SELECT uuid, 'tag' AS kind, 0 AS has_shares, NULL AS share_id FROM {p}passwords_tag WHERE user_id = ?1 AND deleted = 0 AND ?2 = ?2
               UNION ALL SELECT uuid, 'folder', 0, NULL FROM {p}passwords_folder WHERE user_id = ?1 AND deleted = 0
                 AND uuid <> '00000000-0000-0000-0000-000000000000'
               UNION ALL SELECT uuid, 'password', has_shares, share_id FROM {p}passwords_password WHERE user_id = ?1 AND deleted = 0"
        ))?;
        let flag = "deleted = 1, updated = ?2";
        // Shares the app can see (its own, or received as a password) of the passwords.
        let visible =
            "deleted = 0 AND (user_id = ?1 OR (receiver = ?1 AND target_password IS NOT NULL))";
        run(format!(
            "UPDATE {p}passwords_share SET {flag} WHERE {visible} AND (
               source_password IN (SELECT uuid FROM temp.pwaccount_models WHERE kind = 'password' AND has_shares)
               OR target_password IN (SELECT uuid FROM temp.pwaccount_models WHERE kind = 'password' AND share_id IS NOT NULL AND share_id <> ''))"
        ))?;
        run(format!(
            "UPDATE {p}passwords_share SET {flag} WHERE user_id = ?1 AND deleted = 0"
        ))?;
        run(format!(
            "UPDATE {p}passwords_pw_tag_rel SET {flag} WHERE user_id = ?1 AND deleted = 0 AND (
               tag IN (SELECT uuid FROM temp.pwaccount_models WHERE kind = 'tag')
               OR password IN (SELECT uuid FROM temp.pwaccount_models WHERE kind = 'password'))"
        ))?;
        for (kind, table) in [
            ("tag", "tag"),
            ("folder", "folder"),
            ("password", "password"),
        ] {
            run(format!(
                "UPDATE {p}passwords_{table}_rv SET {flag} WHERE user_id = ?1 AND deleted = 0
                   AND model IN (SELECT uuid FROM temp.pwaccount_models WHERE kind = '{kind}')"
            ))?;
            let extra = if kind == "password" {
                ", has_shares = 0"
            } else {
                ""
            };
            run(format!(
                "UPDATE {p}passwords_{table} SET {flag}{extra} WHERE user_id = ?1 AND deleted = 0
                   AND uuid IN (SELECT uuid FROM temp.pwaccount_models WHERE kind = '{kind}')"
            ))?;
        }
        for table in ["challenge", "keychain"] {
            run(format!(
                "UPDATE {p}passwords_{table} SET {flag} WHERE user_id = ?1 AND deleted = 0"
            ))?;
        }
        run(format!(
            "DELETE FROM {p}preferences WHERE userid = ?1 AND appid = 'passwords' AND ?2 = ?2
               AND configkey IN ('SSEv1UserKey', 'client/settings', 'user/challenge/id', 'login/attempts/failed')"
        ))?;
        self.tx.execute_batch("DROP TABLE temp.pwaccount_models")?;
        Ok(())
    }
}
