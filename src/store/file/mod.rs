//! pwaccount's own account database, an SQLite file: opening it safely (design §4), its
//! schema and migrations (`schema`), the SQL of the flows (`queries`, `rows`), its
//! snapshots (`snapshot`) and, for tests and benchmarks, synthetic accounts (`populate`).

#[cfg(feature = "populate")]
pub(crate) mod populate;
mod queries;
mod rows;
pub(crate) mod schema;
pub(crate) mod snapshot;

pub use queries::RESET_TABLES;
pub(in crate::store) use queries::*;

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::rows::Transactions;
use super::sqlite::{connect, plain_path, read_only_mount};
use super::{Access, Step, audit, files};
use crate::error::{Error, Id, Result};
use schema::{APPLICATION_ID, MIGRATIONS, OLDEST_READABLE, current_version};

/// What the pwaccount file serves: every flow and operation; it keeps no key under a
/// server secret (so no `rekey`).
pub(crate) static CAPABILITIES: super::Capabilities = super::Capabilities {
    name: "the pwaccount file",
    flag: "--db",
    not_served: &[],
    server_secret: false,
    reset_differs_from_holdings: false,
    sqlite_file: |path| Ok(Some(path.to_path_buf())),
};

/// An open, validated and migrated account database.
pub struct AccountStore {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

impl AccountStore {
    /// Open (or create) the database at `path`. Every refusal happens before SQLite is
    /// allowed to write anything, so a refused file is left byte for byte as it was.
    ///
    /// `Access::Read` opens an existing database read-only: its journal mode is left as it
    /// is, it is never migrated (an older schema is read as it is when it can be, see
    /// `schema::OLDEST_READABLE`, else it is reported as needing an upgrade), and it works
    /// beside other readers. A missing or empty file is created and initialised first,
    /// whatever the access: there is nothing in it to change.
    pub fn open(path: &Path, access: Access, busy_timeout: Duration) -> Result<Self> {
        let path = plain_path(path)?;
        let found = preflight(&path, access)?;
        let read_only = access == Access::Read && found == Found::Database;
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let conn = connect(&path, flags, busy_timeout)?;
        let mut store = AccountStore {
            conn,
            path,
            busy_timeout,
        };
        let version = store.check_format()?;
        if !read_only {
            // WAL lets a server keep reading while we write; it is a persistent setting of
            // the file, so it is only switched on once the file is known to be ours.
            store
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            store.conn.execute_batch("PRAGMA synchronous = FULL;")?;
        }
        if version < current_version() {
            if read_only && version >= OLDEST_READABLE {
                // Every later version only added what read-only commands do without.
                return Ok(store);
            }
            if read_only {
                return Err(Error::new(
                    Id::NeedsUpgrade,
                    format!(
                        "the database has schema version {version} and needs an upgrade to \
                         version {}; a read-only command does not upgrade it: run a command \
                         that changes the database first",
                        current_version()
                    ),
                ));
            }
            store.migrate()?;
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout
    }

    /// A consistent copy of the whole database at `dest` (see `snapshot::write_all`).
    pub fn copy_all(&self, dest: &Path, overwrite: bool) -> Result<()> {
        snapshot::write_all(&self.conn, &self.path, dest, overwrite)
    }

    /// A transaction (`rows::Transactions` says which: reading, or the one write).
    pub(in crate::store) fn begin(&mut self, behavior: TransactionBehavior) -> Result<Tx<'_>> {
        Ok(Tx {
            tx: self.conn.transaction_with_behavior(behavior)?,
            path: &self.path,
            busy_timeout: self.busy_timeout,
        })
    }

    /// Returns the schema version after checking the file is a pwaccount database (or a
    /// fresh one) of a version this build understands.
    fn check_format(&self) -> Result<i64> {
        let (app_id, version, objects) = inspect(&self.conn)?;
        if app_id == APPLICATION_ID {
            if version > current_version() {
                return Err(Error::new(
                    Id::DatabaseTooNew,
                    format!(
                        "the database has schema version {version}, newer than this pwaccount \
                         understands (version {}); upgrade pwaccount",
                        current_version()
                    ),
                ));
            }
            return Ok(version);
        }
        if app_id != 0 {
            return Err(Error::new(
                Id::ForeignDatabase,
                format!(
                    "the file is an SQLite database of another application (application id \
                     {app_id:#010x}), not a pwaccount database"
                ),
            ));
        }
        if objects > 0 || version != 0 {
            return Err(Error::new(
                Id::ForeignDatabase,
                "the file is an SQLite database with tables of its own but without the \
                 pwaccount mark; refusing to add an account schema to it",
            ));
        }
        Ok(0)
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self.writing()?;
        // Another process may have migrated between our check and the write lock.
        let (app_id, version, objects) = inspect(tx.conn())?;
        if app_id == 0 && (objects > 0 || version != 0) || app_id != 0 && app_id != APPLICATION_ID {
            return Err(Error::new(
                Id::ForeignDatabase,
                "the file changed into a database of another application while opening it",
            ));
        }
        for (step, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.conn().execute_batch(sql)?;
            tx.conn()
                .pragma_update(None, "user_version", step as i64 + 1)?;
        }
        tx.conn()
            .pragma_update(None, "application_id", APPLICATION_ID)?;
        commit(tx, Step::Preparation)
    }
}

/// Append `record` to the audit trail and commit the change it describes, in one
/// transaction: the record exists exactly when the change does.
pub(crate) fn commit_change(tx: Tx<'_>, record: &audit::Record) -> Result<()> {
    append_audit(tx.conn(), record)?;
    commit(tx, Step::TheChange)
}

/// Commit a write transaction, unless an interruption came first (then it rolls back).
/// Once the commit has begun it is finished, and its own outcome is returned.
pub(crate) fn commit(tx: Tx<'_>, step: Step) -> Result<()> {
    crate::interrupt::commit(step, || Ok(tx.tx.commit()?))
}

/// A transaction on the account database: one command's reads, or its one write. It rolls
/// back when dropped uncommitted; `commit` commits it. Layers above reach the database
/// only through its operations (`rows::Rows`); they never see a connection.
pub(crate) struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    /// The database file, for the snapshot a reset writes beside the transaction.
    path: &'a Path,
    busy_timeout: Duration,
}

impl Tx<'_> {
    /// The connection, for the store's own queries; layers above reach the database only
    /// through the store's operations (`rows::Rows` and the functions of this module).
    pub(in crate::store) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Set a server setting (`feature.<name>`, `reset.code_ttl_seconds`).
    pub(crate) fn set_server_setting(&self, key: &str, value: &str) -> Result<()> {
        queries::set_server_setting(&self.tx, key, value)
    }
}

fn inspect(conn: &Connection) -> Result<(i32, i64, i64)> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok((app_id, version, objects))
}

/// What `preflight` found at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// A file with something in it: opened read-only for reading commands.
    Database,
    /// No file (now created, empty) or an empty one: initialised whatever the access.
    Empty,
}

/// Checks made on the file system before SQLite sees the file. Creates a missing file
/// (mode 0600) in an existing folder.
///
/// Permission bits are checked by hand as well as by the kernel: an administrator running
/// as root would otherwise write straight through a file or folder marked read-only.
fn preflight(path: &Path, access: Access) -> Result<Found> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::new(
            Id::DatabaseIsDirectory,
            "the database path is a directory, not a file",
        )),
        Ok(meta) if !meta.is_file() => Err(Error::new(
            Id::NotADatabase,
            "the database path is not a regular file",
        )),
        Ok(meta) => {
            let empty = meta.len() == 0;
            if (access == Access::Write || empty) && crate::sys::read_only_file_system(path) {
                return Err(read_only_mount(path));
            }
            let read_only = meta.permissions().readonly();
            if (access == Access::Write || empty) && read_only {
                return Err(Error::new(
                    Id::DatabaseReadOnly,
                    "the database file is read-only (no write permission bits); \
                     make it writable (chmod 600) to change the account",
                ));
            }
            if (access == Access::Write || empty) && folder_read_only(&folder) {
                return Err(Error::new(
                    Id::FolderReadOnly,
                    format!(
                        "the folder {} is not writable, and SQLite needs to create its \
                         journal files there",
                        folder.display()
                    ),
                ));
            }
            if meta.permissions().mode() & 0o444 == 0 {
                return Err(Error::new(
                    Id::PermissionDenied,
                    "the database file has no read permission bits; make it readable (chmod 600)",
                ));
            }
            // Opening checks readability for everyone else.
            fs::File::open(path).map_err(|e| io_error(&e))?;
            Ok(if empty { Found::Empty } else { Found::Database })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if !folder.is_dir() {
                return Err(Error::new(
                    Id::FolderMissing,
                    format!("the folder {} does not exist", folder.display()),
                ));
            }
            if folder_read_only(&folder) {
                return Err(Error::new(
                    Id::FolderReadOnly,
                    format!(
                        "the folder {} is not writable, so the database cannot be created there",
                        folder.display()
                    ),
                ));
            }
            files::create_private_file(path).map_err(|e| io_error(&e))?;
            Ok(Found::Empty)
        }
        Err(e) => Err(io_error(&e)),
    }
}

/// A warning when the database file can be read or written by others than its owner.
pub(crate) fn loose_permissions(path: &Path) -> Option<String> {
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: {} is accessible to other users (mode {mode:04o}); it holds account \
             secrets, consider `chmod 600`",
            path.display()
        )
    })
}

fn folder_read_only(folder: &Path) -> bool {
    fs::metadata(folder).is_ok_and(|m| files::no_write_bits(&m))
}

fn io_error(e: &io::Error) -> Error {
    let id = match e.kind() {
        io::ErrorKind::PermissionDenied => Id::PermissionDenied,
        _ => Id::CannotOpen,
    };
    Error::new(id, format!("the database file cannot be opened: {e}"))
}

/// The default database location: `accounts.sqlite` in the platform data directory,
/// whose folder is created (0700) on first use.
pub(crate) fn default_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "pwaccount").ok_or_else(|| {
        Error::new(
            Id::NoDataDirectory,
            "cannot find a data directory for the default database (is HOME set?)",
        )
    })?;
    let dir = dirs.data_dir();
    if !dir.is_dir() {
        files::create_private_folder(dir).map_err(|e| {
            Error::new(
                Id::CannotCreateFolder,
                format!("cannot create the data folder {}: {e}", dir.display()),
            )
        })?;
    }
    Ok(dir.join("accounts.sqlite"))
}

impl AccountStore {
    /// What a restore of `user` from the (checked) snapshot at `snapshot` would delete and
    /// write, per table.
    pub(crate) fn restore_changes(
        &mut self,
        snapshot: &Path,
        user: &str,
    ) -> Result<Vec<crate::store::snapshot::TableChange>> {
        let snap = crate::store::connect(
            &plain_path(snapshot)?,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            std::time::Duration::ZERO,
        )?;
        let tx = self.reading()?;
        let count = |conn: &Connection, table: &str| -> Result<u64> {
            Ok(conn.query_row(
                &format!("SELECT count(*) FROM main.{table} WHERE user_id = ?1"),
                [user],
                |r| r.get::<_, i64>(0),
            )? as u64)
        };
        RESET_TABLES
            .iter()
            .copied()
            .chain(["shares"])
            .map(|table| {
                Ok(crate::store::snapshot::TableChange {
                    table: table.to_owned(),
                    delete: count(tx.conn(), table)?,
                    write: if table == "reset_codes" || table == "sessions" {
                        0
                    } else {
                        count(&snap, table)?
                    },
                })
            })
            .collect()
    }

    /// Replace `user`'s rows (everything a reset deletes) with the rows of the snapshot
    /// that `user` owns, in one write transaction. The account row is added if missing;
    /// tokens are left as they are. With `require_blank`, refuses if the account gained
    /// data since it was checked. Returns a warning if the snapshot could not be detached
    /// after the restore was committed (the restore stands).
    pub fn restore_rows(
        &mut self,
        job: &crate::store::snapshot::PutBack<'_>,
    ) -> Result<Option<String>> {
        let (user, progress) = (job.user, job.progress);
        let snapshot = plain_path(job.path)?;
        self.conn
            .execute("ATTACH DATABASE ?1 AS snap", [snapshot.to_string_lossy()])?;
        let result = (|| {
            let tx = self.writing()?;
            snapshot::recheck_attached(tx.conn(), user)?;
            if job.require_blank && !queries::counts(tx.conn(), user)?.is_blank() {
                return Err(crate::store::rows::not_blank(user, true));
            }
            crate::store::rows::Rows::write_reset_snapshot(&tx, user, job.undo, job.now)?;
            queries::delete_owned_data(tx.conn(), user)?;
            tx.conn().execute(
                "INSERT OR IGNORE INTO main.accounts (user_id, created)
                 SELECT user_id, created FROM snap.accounts WHERE user_id = ?1",
                [user],
            )?;
            let tables: Vec<&str> = snapshot::restored_tables().collect();
            snapshot::copy_rows(
                tx.conn(),
                "snap",
                "main",
                user,
                &tables,
                snapshot::Rows::Owned,
                progress,
            )?;
            commit_change(tx, job.record)
        })();
        let detached = self.conn.execute("DETACH DATABASE snap", []);
        result?;
        Ok(detached.err().map(|e| {
            format!(
                "warning: the restore is complete, but the snapshot could not be detached \
                 afterwards ({e})"
            )
        }))
    }
}
