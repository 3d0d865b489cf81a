//! The account database file: opening it safely (design §4), the schema and its migrations,
//! and the SQL the account layer runs. Nothing here prints or prompts.
// The store is where SQLite lives (clippy.toml keeps its types out of every other layer).
#![allow(clippy::disallowed_types)]

pub(crate) mod audit;
mod file_rows;
pub(crate) mod files;
pub(crate) mod nextcloud;
#[cfg(feature = "populate")]
pub(crate) mod populate;
mod queries;
pub(crate) mod rows;
use rows::Transactions;
pub(crate) mod schema;
pub(crate) mod snapshot;

pub(in crate::store) use queries::*;
pub(crate) use queries::{CHALLENGE_ID_KEY, ChallengeRow, KeychainRow, integrity_of_file};
pub use queries::{Counts, RESET_TABLES};

use std::cell::Cell;
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Id, Result};
pub(crate) use crate::interrupt::Step;
use schema::{APPLICATION_ID, MIGRATIONS, OLDEST_READABLE, current_version};

/// Whether a command only reads the account, or also writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// How long a command waits: for another writer's lock (`--busy-timeout`), and for a
/// database server to answer (`--server-timeout`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) busy: Duration,
    #[cfg_attr(not(feature = "servers"), allow(dead_code))]
    pub(crate) server: Duration,
}

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

/// `path` as an absolute file name. SQLite reads a name beginning with `file:` as a URI
/// (the bundled build enables URIs); an absolute path never begins so.
pub(crate) fn plain_path(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| {
        Error::new(
            Id::InvalidPath,
            format!("cannot use the path {}: {e}", path.display()),
        )
    })
}

/// Open a connection as every connection of pwaccount is opened: the path as a plain
/// file name (never a URI), the busy timeout, and a progress handler that stops any
/// statement once an interruption is requested (SQLite then rolls the transaction back).
pub(crate) fn connect(path: &Path, flags: OpenFlags, busy_timeout: Duration) -> Result<Connection> {
    let path = plain_path(path)?;
    let read_only = flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY);
    let mut conn = if read_only && crate::sys::read_only_file_system(&path) {
        // On a read-only mount SQLite cannot create the files a WAL reader needs (-shm):
        // open the file as immutable, which it is there — nothing can write it.
        open_immutable(&path, flags)?
    } else {
        let conn = Connection::open_with_flags(&path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        if read_only && cannot_share_wal(&conn) {
            immutable_when_complete(&path, flags)?
        } else {
            conn
        }
    };
    let ms = u64::try_from(busy_timeout.as_millis()).unwrap_or(u64::MAX);
    BUSY_LIMIT_MS.fetch_max(ms, Ordering::Relaxed);
    conn.busy_handler(Some(wait_while_busy))?;
    conn.progress_handler(1000, Some(crate::interrupt::should_stop))?;
    // design §4 asks for it on every connection. The schema declares no foreign keys (other
    // programs write rows in any order), so it enforces nothing today.
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    #[cfg(debug_assertions)]
    trace_for_tests(&mut conn, &path)?;
    Ok(conn)
}

/// `path` opened as immutable (no locks, no -shm, the write-ahead log ignored).
fn open_immutable(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let mut uri = b"file:".to_vec();
    for byte in std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()) {
        match byte {
            b'?' | b'#' | b'%' => uri.extend_from_slice(format!("%{byte:02X}").as_bytes()),
            _ => uri.push(*byte),
        }
    }
    uri.extend_from_slice(b"?immutable=1");
    let uri: &std::ffi::OsStr = std::os::unix::ffi::OsStrExt::from_bytes(&uri);
    Ok(Connection::open_with_flags(
        uri,
        flags | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?)
}

/// Whether a read-only connection fails its first read because SQLite may not create or
/// write the files a WAL reader shares with writers (`-shm`), as when the folder belongs
/// to another user.
fn cannot_share_wal(conn: &Connection) -> bool {
    use rusqlite::ErrorCode as C;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        Err(rusqlite::Error::SqliteFailure(f, _)) => {
            matches!(f.code, C::CannotOpen | C::ReadOnly)
        }
        _ => false,
    }
}

/// A read-only command where SQLite cannot create the database's `-shm`: no program has
/// the database open in WAL mode (a writer would have made that file), so the file alone
/// is complete unless a write-ahead log was left behind by a crash; then only a program
/// that may write can read it, and this says so.
fn immutable_when_complete(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    if left > 0 {
        return Err(Error::new(
            Id::PermissionDenied,
            format!(
                "the database cannot be read without writing beside it: a crash left changes \
                 in {} ({left} bytes) that SQLite must recover, and this user may not create \
                 files in {}; run as a user who may (the web server's), or let Nextcloud open \
                 it once; nothing was changed",
                wal.display(),
                path.parent().unwrap_or(path).display()
            ),
        ));
    }
    open_immutable(path, flags)
}

/// Debug builds only: with `PWACCOUNT_TEST_SQL_LOG=FILE`, every statement run on the
/// connection is appended to FILE as `<database>\t<SQL>`, for the test that checks the
/// query plan of every statement pwaccount issues (tests/query_plans.rs).
#[cfg(debug_assertions)]
fn trace_for_tests(conn: &mut Connection, path: &Path) -> Result<()> {
    use std::io::Write;
    let Some(log) = std::env::var_os("PWACCOUNT_TEST_SQL_LOG") else {
        return Ok(());
    };
    let db = path.display().to_string();
    conn.trace_v2(
        rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: rusqlite::trace::TraceEvent<'_>| {
            if let rusqlite::trace::TraceEvent::Stmt(stmt, _) = event
                && let Ok(mut file) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&log)
            {
                let sql = stmt.sql().split_whitespace().collect::<Vec<_>>().join(" ");
                let _ = writeln!(file, "{db}\t{sql}");
            }
        }),
    )?;
    Ok(())
}

/// The busy timeout: the longest any connection of this run was given (one
/// `--busy-timeout` per run; a snapshot file opened with none does not lower it).
static BUSY_LIMIT_MS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static BUSY_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// SQLite's busy handler: wait in short steps while another program holds the lock, up
/// to the busy timeout, but give up at once when an interruption is requested (SQLite's
/// own timeout would sleep through it).
fn wait_while_busy(attempt: i32) -> bool {
    let now = Instant::now();
    let since = BUSY_SINCE.with(|cell| {
        if attempt == 0 || cell.get().is_none() {
            cell.set(Some(now));
        }
        cell.get().unwrap_or(now)
    });
    if crate::interrupt::should_stop() {
        return false;
    }
    let limit = Duration::from_millis(BUSY_LIMIT_MS.load(Ordering::Relaxed));
    let waited = now.duration_since(since);
    if waited >= limit {
        return false;
    }
    std::thread::sleep((limit - waited).min(Duration::from_millis(5)));
    true
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
/// A change asked of a database on a read-only mount.
pub(crate) fn read_only_mount(path: &Path) -> Error {
    Error::new(
        Id::DatabaseReadOnly,
        format!(
            "the file system holding {} is mounted read-only: reading works, a change does \
             not; nothing was changed",
            path.display()
        ),
    )
}

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

/// design §1: user ids are 1 to 64 characters with no control characters.
pub(crate) fn validate_user_id(id: &str) -> Result<()> {
    let len = id.chars().count();
    if len == 0 || len > 64 {
        return Err(Error::new(
            Id::InvalidUser,
            format!("an account id must be 1 to 64 characters long; this one has {len}"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::new(
            Id::InvalidUser,
            "an account id must not contain control characters",
        ));
    }
    Ok(())
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
    /// Replace `user`'s rows (everything a reset deletes) with the rows of the snapshot
    /// that `user` owns, in one write transaction. The account row is added if missing;
    /// tokens are left as they are. With `require_blank`, refuses if the account gained
    /// data since it was checked. Returns a warning if the snapshot could not be detached
    /// after the restore was committed (the restore stands).
    pub fn restore_rows(
        &mut self,
        snapshot: &Path,
        user: &str,
        require_blank: bool,
        record: &audit::Record,
        progress: &dyn Fn(&str),
    ) -> Result<Option<String>> {
        let snapshot = plain_path(snapshot)?;
        self.conn
            .execute("ATTACH DATABASE ?1 AS snap", [snapshot.to_string_lossy()])?;
        let result = (|| {
            let tx = self.writing()?;
            snapshot::recheck_attached(tx.conn(), user)?;
            if require_blank && !queries::counts(tx.conn(), user)?.is_blank() {
                return Err(rows::not_blank(user, true));
            }
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
            commit_change(tx, record)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids() {
        assert!(validate_user_id("alice").is_ok());
        assert!(validate_user_id(&"é".repeat(64)).is_ok());
        assert!(validate_user_id(&"a".repeat(65)).is_err());
        assert!(validate_user_id("").is_err());
        assert!(validate_user_id("a\nb").is_err());
        assert!(validate_user_id("a\u{7f}").is_err());
    }
}
