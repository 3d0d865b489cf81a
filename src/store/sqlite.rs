//! How every SQLite file is opened, whichever store it belongs to: as a plain path (never
//! a URI), with the busy timeout and a handler that stops a statement on an interruption,
//! immutable where a read-only mount leaves no other way.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Id, Result};

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

/// SQLite's quick check (the file's structure, without comparing index contents).
/// A file too damaged for the check to finish is reported as what stopped it.
pub(crate) fn quick_check(conn: &Connection) -> Result<Vec<String>> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("PRAGMA quick_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.into_iter().filter(|l| l != "ok").collect())
    };
    match run() {
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            Ok(vec!["the check stopped: the file is malformed".into()])
        }
        other => Ok(other?),
    }
}

/// SQLite's integrity check of the file at `path`, opened read-only without any of the
/// store's checks: the lines it reports (none when sound), or why it could not run.
pub(crate) fn integrity_of_file(path: &std::path::Path) -> Vec<String> {
    let mut lines = Vec::new();
    let run = |lines: &mut Vec<String>| -> rusqlite::Result<()> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        // The lines come before an error that stops the check: keep them.
        for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
            lines.extend(line?.lines().map(str::to_owned));
        }
        Ok(())
    };
    if let Err(e) = run(&mut lines) {
        lines.push(format!("the check stopped: {e}"));
    }
    lines.retain(|l| l != "ok");
    lines
}
