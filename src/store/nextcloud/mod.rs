//! A Nextcloud installation's Passwords app as a store: its configuration read as Nextcloud
//! reads it (`config`), the database it names opened on SQLite, PostgreSQL or MySQL/MariaDB
//! (`settings`, `db` and the drivers below it), the app and its version checked before
//! anything changes (`gate`, `versions`), and the app's own tables read and written as the
//! app does (`queries`, `rows`, `reset_steps`, `keys`, `trail`, `snapshot`, `galera`).

pub(crate) mod app_backup;
mod backup_rows;
pub(crate) mod config;
pub(crate) mod db;
mod galera;
mod gate;
pub(crate) mod keys;
#[cfg(feature = "servers")]
mod mysql_conn;
#[cfg(feature = "servers")]
mod pg_conn;
mod php_literal;
mod queries;
mod reset_steps;
mod rows;
mod settings;
pub(crate) mod snapshot;
#[cfg(feature = "servers")]
mod tls;
mod trail;
mod versions;
mod wire;

pub(crate) use settings::sqlite_file;
use settings::{Database, Settings, config_error};

use std::cell::Cell;
use std::path::{Path, PathBuf};

use rusqlite::OpenFlags;

use super::{Access, connect};
use crate::error::{Error, Id, Result};
use config::Config;
use db::{Conn, Engine, Value};
pub(crate) use versions::KeychainSecret;
use versions::Rules;

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

/// What a Nextcloud installation serves: every flow on the app's own tables; not
/// pwaccount's feature switches nor a copy of the whole database; `rekey`.
pub(crate) static CAPABILITIES: super::Capabilities = super::Capabilities {
    name: "a Nextcloud installation",
    flag: "--nextcloud",
    not_served: &[
        (
            "backup --all",
            "this command does not run on a Nextcloud installation: backup --all copies the \
             whole pwaccount file; Nextcloud's database is backed up \
             with its own tools",
        ),
        (
            "feature",
            "this command does not run on a Nextcloud installation: feature switches \
             pwaccount's server features, and the Passwords app has no \
             switch for client-side encryption",
        ),
    ],
    server_secret: true,
    reset_differs_from_holdings: true,
    sqlite_file,
};

/// Which database of a Nextcloud installation pwaccount opened, as its configuration
/// names it.
#[derive(Debug, serde::Serialize)]
struct NextcloudDatabase {
    /// The installation folder pwaccount settled on (links and `..` resolved).
    pub installation: String,
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
    /// How many read replicas `dbreplica` lists: Nextcloud reads from them, pwaccount
    /// reads and writes `dbhost` only.
    #[serde(skip_serializing_if = "is_zero")]
    pub replicas: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// How long a transaction aborted as a conflict may be run again for.
    retry_budget: std::time::Duration,
    /// The waits it was opened with (another installation, a database copy, is opened
    /// with the same).
    timeouts: super::Timeouts,
    /// An app backup read for a restore's check, for its writing.
    kept_backup: Option<app_backup::Kept>,
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
        timeouts: super::Timeouts,
        accept_unverified: Option<&str>,
    ) -> Result<Self> {
        let settings = Settings::load(installation)?;
        let Connected {
            conn,
            path,
            location,
            opened,
        } = connect_to(&settings, access, timeouts)?;
        let Settings { config, prefix, .. } = settings;
        let store = NextcloudStore {
            conn,
            path,
            location,
            opened,
            prefix,
            config,
            has_trail: Cell::new(None),
            retry_budget: timeouts.busy,
            timeouts,
            kept_backup: None,
            unverified: None,
            accepted: None,
            rules: versions::VERIFIED[0].rules,
        };
        let mut store = store;
        store.check_app()?;
        if access == Access::Write {
            store.check_changes_allowed()?;
            store.check_version_for_changes(accept_unverified)?;
            store.check_server_writable()?;
        }
        Ok(store)
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

    /// The table prefix (`dbtableprefix`).
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The database opened, for messages: the SQLite file, or the server's host,
    /// database and user.
    pub(crate) fn location(&self) -> &str {
        &self.location
    }

    /// What was opened, as `status` shows it: the database, and under `nextcloud` the
    /// installation, configuration, engine and tables.
    pub(crate) fn store_info(&self) -> super::StoreInfo {
        let nc = &self.opened;
        let mut lines = vec![
            ("nextcloud", nc.installation.clone()),
            ("config", nc.config.clone()),
            (
                "tables",
                format!("{}passwords_* and {}preferences", nc.prefix, nc.prefix),
            ),
        ];
        if nc.replicas > 0 {
            lines.push((
                "replicas",
                format!(
                    "{} in dbreplica, which Nextcloud reads from; pwaccount reads and writes \
                     dbhost only, so a command sees its own changes",
                    nc.replicas
                ),
            ));
        }
        super::StoreInfo {
            database: self.location.clone(),
            details: super::Details(serde_json::to_value(nc).ok().map(|v| ("nextcloud", v))),
            lines,
        }
    }

    /// Keep the backup read at `path` for `user` (see `app_backup::Kept`).
    pub(crate) fn keep_backup(
        &mut self,
        path: &Path,
        user: &str,
        backup: app_backup::Backup,
    ) -> Result<()> {
        self.kept_backup = Some(app_backup::Kept {
            version: app_backup::FileVersion::of(path)?,
            user: user.to_owned(),
            backup,
        });
        Ok(())
    }

    /// The backup kept for `user` from `path`, if its file has not changed since; else
    /// the file read again.
    pub(crate) fn backup_for(&mut self, path: &Path, user: &str) -> Result<app_backup::Backup> {
        let now = app_backup::FileVersion::of(path)?;
        match self.kept_backup.take() {
            Some(kept) if kept.version == now && kept.user == user => Ok(kept.backup),
            _ => app_backup::read(path, Some(user)),
        }
    }

    /// The waits this store was opened with.
    pub(crate) fn timeouts(&self) -> super::Timeouts {
        self.timeouts
    }

    /// The configuration file it was opened from.
    pub(crate) fn config_file(&self) -> &Path {
        &self.config.file
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
        Ok(self.app_data()?.join("pwaccount").join("backups"))
    }

    /// The installation's app data folder, `<datadirectory>/appdata_<instance id>`.
    pub(crate) fn app_data(&self) -> Result<PathBuf> {
        let data = settings::data_directory(&self.config)?;
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
        Ok(data.join(format!("appdata_{instance}")))
    }

    pub(super) fn begin(&mut self, write: bool) -> Result<Tx<'_>> {
        self.conn.begin(write)?;
        Ok(Tx {
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

/// What `connect_to` opened: the connection, the file (SQLite) or configuration, the
/// database for messages, and (file, host, port, socket, name) for `status`.
struct Connected {
    conn: Conn,
    path: PathBuf,
    location: String,
    opened: NextcloudDatabase,
}

/// Connect to the database the configuration names: the SQLite file (read-only for
/// reading) or the server.
fn connect_to(settings: &Settings, access: Access, timeouts: super::Timeouts) -> Result<Connected> {
    let config = &settings.config;
    let mut opened = NextcloudDatabase {
        installation: crate::text::path_text(&config.root),
        config: crate::text::path_text(&config.file),
        engine: match settings.engine() {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "pgsql",
            Engine::MySql => "mysql",
        },
        file: None,
        host: None,
        port: None,
        socket: None,
        name: String::new(),
        prefix: settings.prefix.clone(),
        replicas: settings.replicas,
    };
    match &settings.database {
        Database::Sqlite { file, name } => {
            if !file.is_file() {
                return Err(config_error(format!(
                    "the Nextcloud database {} named by the configuration (datadirectory, \
                     dbname) is not there",
                    file.display()
                )));
            }
            if access == Access::Write && crate::sys::read_only_file_system(file) {
                return Err(super::read_only_mount(file));
            }
            // Nextcloud sets the journal mode (WAL unless configured otherwise); pwaccount
            // changes no setting of the file.
            let flags = match access {
                Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
                Access::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            };
            let conn = Conn::Sqlite(connect(file, flags, timeouts.busy)?);
            let location = crate::text::path_text(file);
            opened.file = Some(location.clone());
            opened.name = name.clone();
            Ok(Connected {
                conn,
                path: file.clone(),
                location,
                opened,
            })
        }
        Database::Server(server) => {
            let conn = Conn::connect(server, timeouts)?;
            opened.host = server.host.clone();
            opened.port = server.socket.is_none().then_some(server.port);
            opened.socket = server.socket.clone();
            opened.name = server.database.clone();
            Ok(Connected {
                conn,
                path: config.file.clone(),
                location: server.describe(),
                opened,
            })
        }
    }
}

/// Append `record` to the audit trail and commit the change it describes, in one
/// transaction.
pub(crate) fn commit_change(reader: Tx<'_>, record: &super::audit::Record) -> Result<()> {
    reader.append_audit(record)?;
    commit(reader, super::Step::TheChange)
}

/// Append `records` to the audit trail and commit the changes they describe, in one
/// transaction.
pub(crate) fn commit_records(reader: Tx<'_>, records: &[super::audit::Record]) -> Result<()> {
    for record in records {
        reader.append_audit(record)?;
    }
    commit(reader, super::Step::TheChange)
}

/// Commit a write transaction; what an interruption or a failure leaves is rolled back.
fn commit(reader: Tx<'_>, step: super::Step) -> Result<()> {
    #[cfg(debug_assertions)]
    if test_conflict() {
        reader.open.set(false);
        reader.db.rollback();
        return Err(db::conflict());
    }
    crate::interrupt::commit(step, || {
        reader.open.set(false);
        reader
            .db
            .commit()
            .inspect_err(|_| reader.db.rollback())
            .map_err(db::lost_in_commit)
    })
}

/// Debug builds only, for the tests of retries: `PWACCOUNT_TEST_CONFLICTS=N` makes the
/// first N commits of the process fail as a conflict with another writer would.
#[cfg(debug_assertions)]
fn test_conflict() -> bool {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LEFT: AtomicI64 = AtomicI64::new(-1);
    if LEFT.load(Ordering::SeqCst) < 0 {
        let n = std::env::var("PWACCOUNT_TEST_CONFLICTS")
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let _ = LEFT.compare_exchange(-1, n.max(0), Ordering::SeqCst, Ordering::SeqCst);
    }
    LEFT.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
        (n > 0).then(|| n - 1)
    })
    .is_ok()
}

/// A transaction on the Nextcloud database (reading, or the command's one write), with
/// what its queries need. It rolls back when dropped uncommitted.
pub(crate) struct Tx<'a> {
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

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open.get() {
            self.db.rollback();
        }
    }
}
