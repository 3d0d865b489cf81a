pub(crate) mod config;
pub(crate) mod db;
#[cfg(feature = "servers")]
mod mysql_conn;
#[cfg(feature = "servers")]
mod pg_conn;
mod reset_steps;
mod rows;
mod settings;
pub(crate) mod snapshot;
#[cfg(feature = "servers")]
mod tls;
mod trail;
mod versions;

use reset_steps::{Change, Field, reset_steps};
pub(crate) use settings::sqlite_file;
use settings::{
    code_version, config_error, engine, nextcloud_major, server, sqlite_path, unsupported,
};

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::OpenFlags;

use super::{Access, ChallengeRow, Counts, KeychainRow, connect};
use crate::error::{Error, Id, Result};
use config::Config;
use db::{Conn, Engine, Value};
pub(crate) use versions::KeychainSecret;
use versions::{Rules, Verified};

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

/// Which database of a Nextcloud installation pwaccount opened, as its configuration
/// names it.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct NextcloudDatabase {
    /// `config.php` of the installation.
    pub config: String,
    /// `sqlite`, `pgsql` or `mysql`.
    pub engine: &'static str,
    /// The SQLite file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket: Option<String>,
    /// The database name (`dbname`).
    pub name: String,
    /// The table prefix (`dbtableprefix`).
    pub prefix: String,
}

/// An open Nextcloud database.
pub(crate) struct NextcloudStore {
    conn: Conn,
    /// The SQLite file, or (on a database server) the configuration file.
    path: PathBuf,
    /// The database, for messages: the file, or host, database and user.
    location: String,
    /// What was opened, for `status`.
    opened: NextcloudDatabase,
    prefix: String,
    config: Config,
    /// Whether pwaccount's audit table is there, once a query needed to know.
    has_trail: Cell<Option<bool>>,
    /// The installed app version, when it is not one this build was verified with.
    unverified: Option<String>,
    /// The unverified version the administrator accepted for changes
    /// (`--accept-unverified-app`), recorded in each audit record.
    accepted: Option<String>,
    /// How the installed release behaves where pwaccount acts for it.
    rules: Rules,
}

impl NextcloudStore {
    /// Open the database of the installation at `installation` (its folder or its
    /// `config.php`), after checking it is one this build can serve.
    pub(crate) fn open(
        installation: &Path,
        access: Access,
        busy_timeout: Duration,
        accept_unverified: Option<&str>,
    ) -> Result<Self> {
        let config = config::read(installation)?;
        if !config.truthy("installed") {
            return Err(unsupported(format!(
                "the Nextcloud at {} is not installed yet ('installed' is not true in its \
                 configuration)",
                config.root.display()
            )));
        }
        let engine = engine(&config)?;
        let (conn, path, location, opened) = if engine == Engine::Sqlite {
            let name = config
                .string("dbname")?
                .unwrap_or_else(|| "owncloud".into());
            let path = sqlite_path(&config)?;
            if !path.is_file() {
                return Err(config_error(format!(
                    "the Nextcloud database {} named by the configuration (datadirectory, \
                     dbname) is not there",
                    path.display()
                )));
            }
            if access == Access::Write && crate::sys::read_only_file_system(&path) {
                return Err(super::read_only_mount(&path));
            }
            // Nextcloud sets the journal mode (WAL unless configured otherwise); pwaccount
            // changes no setting of the file.
            let flags = match access {
                Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
                Access::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            };
            let conn = Conn::Sqlite(connect(&path, flags, busy_timeout)?);
            let location = path.display().to_string();
            let opened = (Some(location.clone()), None, None, None, name);
            (conn, path, location, opened)
        } else {
            let server = server(&config, engine)?;
            let conn = Conn::connect(&server, busy_timeout)?;
            let opened = (
                None,
                server.host.clone(),
                server.socket.is_none().then_some(server.port),
                server.socket.clone(),
                server.database.clone(),
            );
            (conn, config.file.clone(), server.describe(), opened)
        };
        let prefix = config
            .string("dbtableprefix")?
            .unwrap_or_else(|| "oc_".into());
        if !prefix
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            return Err(unsupported(format!(
                "the table prefix '{}' in the configuration has characters other than letters, \
                 digits and '_', which this build does not support",
                crate::text::escape_controls(&prefix)
            )));
        }
        let (file, host, port, socket, name) = opened;
        let opened = NextcloudDatabase {
            config: config.file.display().to_string(),
            engine: match engine {
                Engine::Sqlite => "sqlite",
                Engine::Postgres => "pgsql",
                Engine::MySql => "mysql",
            },
            file,
            host,
            port,
            socket,
            name,
            prefix: prefix.clone(),
        };
        let store = NextcloudStore {
            conn,
            path,
            location,
            opened,
            prefix,
            config,
            has_trail: Cell::new(None),
            unverified: None,
            accepted: None,
            rules: versions::VERIFIED[0].rules,
        };
        let mut store = store;
        store.check_app()?;
        if access == Access::Write {
            store.check_changes_allowed()?;
            store.check_version_for_changes(accept_unverified)?;
        }
        Ok(store)
    }

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
    fn check_version_for_changes(&mut self, accepted: Option<&str>) -> Result<()> {
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

    /// A change is refused while Nextcloud refuses its own: in maintenance mode, or when
    /// the server or the Passwords app waits for an upgrade (the code on disk is newer
    /// than what the database was migrated to), as `occ` commands that touch user data
    /// are refused then.
    fn check_changes_allowed(&self) -> Result<()> {
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

    /// The version in the Passwords app's `appinfo/info.xml`, in the first apps folder
    /// that has the app (`apps_paths`, or `apps/`), if one can be found.
    fn app_code_version(&self) -> Result<Option<String>> {
        let mut folders: Vec<PathBuf> = Vec::new();
        if let Some(serde_json::Value::Object(paths)) = self.config.value("apps_paths")? {
            for entry in paths.values() {
                if let Some(path) = entry.get("path").and_then(|p| p.as_str()) {
                    folders.push(PathBuf::from(path));
                }
            }
        }
        folders.push(self.config.root.join("apps"));
        for folder in folders {
            let Ok(xml) = std::fs::read_to_string(folder.join("passwords/appinfo/info.xml")) else {
                continue;
            };
            let version = xml
                .split_once("<version>")
                .and_then(|(_, rest)| rest.split_once("</version>"))
                .map(|(v, _)| v.trim().to_owned());
            return Ok(version);
        }
        Ok(None)
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
    fn check_app(&mut self) -> Result<()> {
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

    /// Refuse a user Nextcloud does not have (exit 4): pwaccount acts only on a uid that
    /// is, byte for byte, in the users table of Nextcloud's own backend
    /// (`<prefix>users`), or, for users of other backends (LDAP, SAML, …), in
    /// `<prefix>accounts` or `<prefix>preferences`, where Nextcloud keeps every user it
    /// has seen. The comparison is made here, on the bytes, because MySQL and MariaDB
    /// compare `alice ` equal to `alice`. A uid that differs from an existing one only in
    /// case is named in the message.
    pub(crate) fn require_user(&self, user: &str) -> Result<()> {
        let p = &self.prefix;
        let exact = |sql: String| -> Result<bool> {
            Ok(self
                .conn
                .all(&sql, &[Value::text(user)])?
                .into_iter()
                .filter_map(|row| row.into_iter().next().and_then(Value::into_text))
                .any(|uid| uid == user))
        };
        if exact(format!("SELECT uid FROM {p}users WHERE uid = $1"))?
            || exact(format!("SELECT uid FROM {p}accounts WHERE uid = $1"))?
            || exact(format!(
                "SELECT userid FROM {p}preferences WHERE userid = $1 LIMIT 1"
            ))?
        {
            return Ok(());
        }
        let similar = self
            .conn
            .value(
                &format!("SELECT uid FROM {p}users WHERE uid_lower = lower($1) LIMIT 1"),
                &[Value::text(user)],
            )?
            .and_then(Value::into_text)
            .filter(|uid| uid != user && uid.to_lowercase() == user.to_lowercase());
        let hint = match similar {
            Some(uid) => format!(" (there is '{}')", crate::text::escape_controls(&uid)),
            None => String::new(),
        };
        Err(Error::new(
            Id::NoSuchUser,
            format!(
                "the Nextcloud at {} has no user '{}'{hint}; nothing was changed",
                self.config.root.display(),
                crate::text::escape_controls(user)
            ),
        ))
    }

    /// The database opened, for messages: the SQLite file, or the server's host,
    /// database and user.
    pub(crate) fn location(&self) -> &str {
        &self.location
    }

    /// What was opened, as `status` shows it.
    pub(crate) fn database_info(&self) -> NextcloudDatabase {
        self.opened.clone()
    }

    /// The SQLite file, or the configuration file of an installation on a server.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Where snapshots of this installation's users go by default: in its data directory
    /// (which the web server does not serve), beside the Passwords app's own backups, in
    /// `appdata_<instance id>/pwaccount/backups/` (created 0700, owned by the user
    /// pwaccount runs as, who owns the installation). pwaccount's own data folder would
    /// be the web server user's home, which is often not writable, or served.
    pub(crate) fn default_backups(&self) -> Result<PathBuf> {
        let data = match self.config.string("datadirectory")? {
            Some(data) => PathBuf::from(data),
            None => self.config.root.join("data"),
        };
        let instance = self.config.string("instanceid")?.unwrap_or_default();
        if instance.is_empty()
            || !instance
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            return Err(Error::new(
                Id::BackupFailed,
                format!(
                    "the configuration has no usable 'instanceid' ('{}'), which names the \
                     installation's app data folder; give the snapshot's path; nothing was \
                     changed",
                    crate::text::escape_controls(&instance)
                ),
            ));
        }
        Ok(data
            .join(format!("appdata_{instance}"))
            .join("pwaccount")
            .join("backups"))
    }

    /// One read transaction for everything a command reads.
    pub(crate) fn read(&mut self) -> Result<Reader<'_>> {
        self.begin(false)
    }

    /// The one write transaction of a command (it waits for the app's own writers up to
    /// the busy timeout), with the audit trail's table there; rolled back unless committed
    /// with `commit_change`.
    pub(crate) fn write(&mut self) -> Result<Reader<'_>> {
        crate::interrupt::check()?;
        self.begin_change()
    }

    fn begin(&mut self, write: bool) -> Result<Reader<'_>> {
        self.conn.begin(write)?;
        Ok(Reader {
            db: &self.conn,
            prefix: &self.prefix,
            config: &self.config,
            path: &self.path,
            has_trail: &self.has_trail,
            accepted: self.accepted.as_deref(),
            rules: self.rules,
            open: Cell::new(true),
        })
    }
}

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

/// Append `record` to the audit trail and commit the change it describes, in one
/// transaction.
pub(crate) fn commit_change(reader: Reader<'_>, record: &super::audit::Record) -> Result<()> {
    reader.append_audit(record)?;
    commit(reader, super::Step::TheChange)
}

/// Commit a write transaction; what an interruption or a failure leaves is rolled back.
fn commit(reader: Reader<'_>, step: super::Step) -> Result<()> {
    crate::interrupt::commit(step, || {
        reader.open.set(false);
        reader.db.commit().inspect_err(|_| reader.db.rollback())
    })
}

/// A transaction on the Nextcloud database (reading, or the command's one write), with
/// what its queries need. It rolls back when dropped uncommitted.
pub(crate) struct Reader<'a> {
    db: &'a Conn,
    prefix: &'a str,
    config: &'a Config,
    path: &'a Path,
    has_trail: &'a Cell<Option<bool>>,
    /// The unverified app version the administrator accepted, if any.
    accepted: Option<&'a str>,
    rules: Rules,
    open: Cell<bool>,
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if self.open.get() {
            self.db.rollback();
        }
    }
}

fn text(v: Option<Value>) -> Option<String> {
    v.and_then(Value::into_text)
}

impl Reader<'_> {
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
    fn app_value_of(&self, app: &str, key: &str) -> Result<Option<String>> {
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
    pub(crate) fn own_value(&self, user: &str, key: &str) -> Result<Option<String>> {
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

    /// Set (or with `None`, delete) a preference of pwaccount's own.
    pub(crate) fn set_own_value(&self, user: &str, key: &str, value: Option<&str>) -> Result<()> {
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
    pub(crate) fn account_ids(&self, after: &str, limit: usize) -> Result<Vec<String>> {
        let p = self.prefix;
        // Byte order on every engine (PostgreSQL's "C" collation; MySQL's Nextcloud
        // tables are utf8mb4_bin, SQLite compares bytes).
        let c = if self.db.engine() == Engine::Postgres {
            " COLLATE \"C\""
        } else {
            ""
        };
        let mut branches: Vec<String> = TABLES
            .iter()
            .map(|t| format!("SELECT user_id AS id FROM {p}{t} WHERE user_id{c} > $1"))
            .collect();
        branches.push(format!(
            "SELECT userid AS id FROM {p}preferences WHERE appid = 'passwords' AND userid{c} > $1"
        ));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.db.all(
            &format!(
                "SELECT id FROM ({}) AS ids ORDER BY id{c} LIMIT $2",
                branches.join(" UNION ")
            ),
            &[after.into(), limit.into()],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().next().and_then(Value::into_text))
            .collect())
    }

    /// When the user's Passwords data last changed: the newest `updated` of its rows, or
    /// the newest audit record of the user, whichever is later.
    pub(crate) fn last_change(&self, user: &str) -> Result<Option<i64>> {
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
    /// for `check`.
    pub(crate) fn dangling_references(&self, user: &str) -> Result<Vec<String>> {
        let p = self.prefix;
        let live = |table: &str, column: &str, outer: &str| {
            format!(
                "NOT EXISTS (SELECT 1 FROM {p}passwords_{table} m WHERE m.uuid = {outer}.{column} AND m.deleted = FALSE)"
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
    pub(crate) fn integrity(&self) -> Result<Vec<String>> {
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
    pub(crate) fn challenge(&self, user: &str, uuid: &str) -> Result<Option<ChallengeRow>> {
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
    pub(crate) fn keychains(&self, user: &str) -> Result<Vec<KeychainRow>> {
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
    pub(crate) fn insert_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
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
    pub(crate) fn retire_challenge(&self, user: &str, row: &ChallengeRow, now: i64) -> Result<()> {
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
    pub(crate) fn save_keychain(&self, user: &str, row: &KeychainRow, now: i64) -> Result<()> {
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
    pub(crate) fn reset_user(&self, user: &str, now: i64) -> Result<Counts> {
        if self.db.engine() == Engine::Postgres {
            // Every statement below joins one user's rows with one user's rows: hash joins
            // are right at any size. With statistics from before the user grew (a table
            // not analyzed since), PostgreSQL may pick a nested loop that scans the user's
            // revisions once per password: 10 s instead of 0.2 s at 10,000 items.
            self.db.batch("SET LOCAL enable_nestloop = off")?;
        }
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
    pub(crate) fn reset_counts(&self, user: &str) -> Result<Counts> {
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
