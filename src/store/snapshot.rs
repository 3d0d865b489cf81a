//! Per-account snapshots: a pwaccount database file (same application id and schema)
//! holding one account's rows, plus whole-database copies. Files are written to a
//! temporary name in the target folder, synced, then moved into place.
//!
//! A snapshot records in its `server_settings`: `snapshot.user` (whose rows it holds),
//! `snapshot.created` and `snapshot.digest` — SHA-256 over every row, so that an edited
//! row is noticed before it is restored. The digest detects damage and careless edits; it
//! is not a signature.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::queries::{Counts, RESET_TABLES, counts};
use super::schema::{APPLICATION_ID, MIGRATIONS, OLDEST_READABLE, current_version};
use super::{Step, connect, plain_path};
use crate::error::{Error, Id, Result};

pub(crate) const USER_KEY: &str = "snapshot.user";
pub(crate) const CREATED_KEY: &str = "snapshot.created";
pub(crate) const DIGEST_KEY: &str = "snapshot.digest";

/// Every per-user table a snapshot holds, in the order it is copied and hashed.
/// `shares` is copied by owner and by receiver, so the snapshot records everything a reset
/// deletes; but a restore writes back only the shares the account owns (a received share
/// belongs to its owner's account). `tokens` is kept for the record but never restored (a
/// restore leaves the account's current tokens as they are). Pending reset codes are left
/// out: a code is a one-time confirmation, and restoring it would let a used code reset
/// the account again.
pub(crate) fn snapshot_tables() -> impl Iterator<Item = &'static str> {
    ["accounts"]
        .into_iter()
        .chain(restored_tables())
        .chain(["tokens"])
}

/// The tables a restore fills from a snapshot (after deleting what a reset deletes).
pub(crate) fn restored_tables() -> impl Iterator<Item = &'static str> {
    RESET_TABLES
        .iter()
        .copied()
        .filter(|t| *t != "reset_codes")
        .chain(["shares"])
}

/// The rows of `table` a snapshot of user `?1` holds.
fn belongs(table: &str) -> &'static str {
    if table == "shares" {
        "(user_id = ?1 OR receiver = ?1)"
    } else {
        "user_id = ?1"
    }
}

/// The column list of `table` in the schema this build writes.
fn columns(conn: &Connection, schema: &str, table: &str) -> Result<String> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name FROM pragma_table_info('{table}', '{schema}')"
    ))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Which of a user's rows to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Every row a snapshot holds of the user (shares received included).
    Snapshot,
    /// Only rows the user owns: what a restore may write.
    Owned,
}

/// Copy `user`'s rows of `tables` from schema `from` into schema `to` of one connection;
/// `progress` hears of each finished table.
pub(crate) fn copy_rows(
    conn: &Connection,
    from: &str,
    to: &str,
    user: &str,
    tables: &[&str],
    rows: Rows,
    progress: &dyn Fn(&str),
) -> Result<()> {
    for table in tables {
        let cols = columns(conn, "main", table)?;
        let filter = match rows {
            Rows::Snapshot => belongs(table),
            Rows::Owned => "user_id = ?1",
        };
        let sql = format!(
            "INSERT INTO {to}.{table} ({cols}) SELECT {cols} FROM {from}.{table} WHERE {filter}"
        );
        if let Err(e) = conn.execute(&sql, [user]) {
            return Err(collision(conn, from, to, table, filter, user)?.unwrap_or_else(|| e.into()));
        }
        progress(table);
    }
    Ok(())
}

/// When copying `user`'s rows of `table` failed: the row of another account whose id one
/// of them has, named with that account and the table (`None`: no such row).
fn collision(
    conn: &Connection,
    from: &str,
    to: &str,
    table: &str,
    filter: &str,
    user: &str,
) -> Result<Option<Error>> {
    let has_uuid = conn
        .prepare(&format!(
            "SELECT 1 FROM pragma_table_info('{table}', '{to}') WHERE name = 'uuid'"
        ))?
        .exists([])?;
    if !has_uuid {
        return Ok(None);
    }
    let found: Option<(String, String)> = conn
        .query_row(
            &format!(
                "SELECT t.user_id, t.uuid FROM {to}.{table} t
                 WHERE t.uuid IN (SELECT uuid FROM {from}.{table} WHERE {filter}) AND t.user_id <> ?1
                 LIMIT 1"
            ),
            [user],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(found.map(|(owner, uuid)| {
        Error::new(
            Id::RestoreConflict,
            format!(
                "the snapshot's row {} in table {table} has the id of a row of account '{}': \
                 restoring it would take that row from its account; nothing was changed",
                crate::text::escape_controls(&uuid),
                crate::text::escape_controls(&owner)
            ),
        )
    }))
}

/// SHA-256 over every row of every table of the snapshot attached as `schema` (but the
/// digest itself). With `owner`, also checks, byte for byte, that every row belongs to
/// that account (a share: as owner or receiver), and counts the shares it only receives.
fn scan(conn: &Connection, schema: &str, owner: Option<&str>) -> Result<Scanned> {
    let mut hash = Sha256::new();
    let mut received_shares = 0u64;
    for table in snapshot_tables().chain(["server_settings"]) {
        hash.update(table.as_bytes());
        hash.update([0]);
        let filter = if table == "server_settings" {
            format!(" WHERE key <> '{DIGEST_KEY}'")
        } else {
            String::new()
        };
        let mut stmt = conn.prepare(&format!(
            "SELECT * FROM {schema}.{table}{filter} ORDER BY rowid"
        ))?;
        let width = stmt.column_count();
        let owner_col = stmt.column_index("user_id").ok();
        let receiver_col = stmt.column_index("receiver").ok();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            hash_row(&mut hash, row, width)?;
            if let (Some(owner), Some(col)) = (owner, owner_col) {
                let is = |col: Option<usize>| -> Result<bool> {
                    Ok(match col {
                        Some(c) => {
                            matches!(row.get_ref(c)?, ValueRef::Text(t) if t == owner.as_bytes())
                        }
                        None => false,
                    })
                };
                if !is(Some(col))? {
                    if table == "shares" && is(receiver_col)? {
                        received_shares += 1;
                    } else {
                        return Err(not_usable(format!(
                            "it holds rows of more than one account (table {table})"
                        )));
                    }
                }
            }
        }
    }
    Ok(Scanned {
        digest: hex::encode(hash.finalize()),
        received_shares,
    })
}

/// Add a row's `width` values to a snapshot digest: each as a type tag, its length and its
/// bytes (the same in both kinds of snapshot).
pub(super) fn hash_row(hash: &mut Sha256, row: &rusqlite::Row<'_>, width: usize) -> Result<()> {
    for i in 0..width {
        let (tag, bytes): (u8, Vec<u8>) = match row.get_ref(i)? {
            ValueRef::Null => (0, Vec::new()),
            ValueRef::Integer(n) => (1, n.to_le_bytes().to_vec()),
            ValueRef::Real(f) => (2, f.to_le_bytes().to_vec()),
            ValueRef::Text(t) => (3, t.to_vec()),
            ValueRef::Blob(b) => (4, b.to_vec()),
        };
        hash.update([tag]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    Ok(())
}

struct Scanned {
    digest: String,
    received_shares: u64,
}

/// The name of a temporary file: `.NAME.PID-NONCE.tmp` beside the destination, so that a
/// later run can tell whether the process that wrote it is still alive.
fn temp_name(dest_name: &str, pid: u32, nonce: &[u8]) -> String {
    format!(".{dest_name}.{pid}-{}.tmp", hex::encode(nonce))
}

/// The id of the process that wrote a temporary file (or its journal), from its name.
fn temp_owner(name: &str) -> Option<u32> {
    let name = ["-journal", "-wal", "-shm"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    let stem = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, tail) = stem.rsplit_once('.')?;
    let (pid, nonce) = tail.split_once('-')?;
    let hex_nonce = nonce.len() == 12 && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (hex_nonce && digits).then(|| pid.parse().ok()).flatten()
}

/// Remove the temporary files an interrupted or killed pwaccount left in `folder`: those
/// whose writer (by the process id in the name) is no longer running. Returns what was
/// removed.
pub(crate) fn remove_stale(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != std::process::id() && !crate::sys::process_alive(pid) {
            let path = entry.path();
            if fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed
}

/// A file being written: removed (with any journal SQLite left beside it) on drop unless
/// `finish` moved it into place.
pub(super) struct PendingFile {
    pub(super) tmp: PathBuf,
    done: bool,
}

impl PendingFile {
    pub(super) fn create(dest: &Path) -> Result<Self> {
        let folder = parent(dest);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut nonce = [0u8; 6];
        crate::crypto::random_bytes(&mut nonce)?;
        let tmp = folder.join(temp_name(&name, std::process::id(), &nonce));
        super::files::create_private_file(&tmp)
            .map_err(|e| file_error("cannot create a temporary file in", folder, &e))?;
        Ok(PendingFile { tmp, done: false })
    }

    /// Sync the file, then move it to `dest` (refusing to replace an existing file unless
    /// `overwrite`), then sync the folder so the new name survives a crash. Moving it into
    /// place is the backup's commit: an interruption before it leaves no file behind.
    pub(super) fn finish(mut self, dest: &Path, overwrite: bool, step: Step) -> Result<()> {
        fs::File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| file_error("cannot sync", &self.tmp, &e))?;
        crate::interrupt::commit(step, || {
            if overwrite {
                fs::rename(&self.tmp, dest).map_err(|e| file_error("cannot write", dest, &e))?;
            } else {
                // A hard link fails if the name exists, so an existing file is never replaced.
                fs::hard_link(&self.tmp, dest).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        exists(dest)
                    } else {
                        file_error("cannot write", dest, &e)
                    }
                })?;
                let _ = fs::remove_file(&self.tmp);
            }
            self.done = true;
            if let Ok(dir) = fs::File::open(parent(dest)) {
                let _ = dir.sync_all();
            }
            Ok(())
        })
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        let mut leftovers = vec![self.tmp.clone()];
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut name = self.tmp.clone().into_os_string();
            name.push(suffix);
            leftovers.push(PathBuf::from(name));
        }
        for (i, path) in leftovers.iter().enumerate() {
            if i > 0 || !self.done {
                let _ = fs::remove_file(path);
            }
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn exists(dest: &Path) -> Error {
    Error::new(
        Id::BackupExists,
        format!(
            "{} already exists; choose another path, or allow replacing it",
            dest.display()
        ),
    )
}

fn file_error(what: &str, path: &Path, e: &io::Error) -> Error {
    Error::new(Id::BackupFailed, format!("{what} {}: {e}", path.display()))
}

fn protected(dest: &Path, why: &str) -> Error {
    Error::new(
        Id::BackupTargetProtected,
        format!(
            "refusing to write a backup to {}: {why}; nothing was written",
            dest.display()
        ),
    )
}

/// The files SQLite keeps for the database at `db`: the file and its journals.
fn database_files(db: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut spellings = vec![db.to_path_buf()];
    if let Ok(real) = fs::canonicalize(db) {
        spellings.push(real);
    }
    for base in spellings {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = base.clone().into_os_string();
            name.push(suffix);
            files.push(PathBuf::from(name));
        }
    }
    files
}

/// `path` made absolute with `.` and `..` collapsed by their spelling alone.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .components()
    {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuse a destination that is, or could become, one of the database's own files, by any
/// spelling (`..`, symbolic links, hard links: compared by device and inode), or that
/// exists and is not a regular file. These hold even when replacing is allowed.
fn check_destination(dest: &Path, db: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let ours = database_files(db);
    // The destination as SQLite and the kernel will see it (its folder resolved), and as
    // written with `.` and `..` taken literally.
    let resolved = match (fs::canonicalize(parent(dest)), dest.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => dest.to_path_buf(),
    };
    let spellings = [dest.to_path_buf(), resolved, lexical(dest)];
    if ours.iter().any(|f| spellings.contains(f)) {
        return Err(protected(
            dest,
            "it is the database file or one of its journal files",
        ));
    }
    match fs::symlink_metadata(dest) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(protected(dest, "it is a symbolic link"));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(protected(dest, "it exists and is not a regular file"));
        }
        Ok(meta) => {
            let same = |f: &PathBuf| {
                fs::metadata(f).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
            };
            if ours.iter().any(same) {
                return Err(protected(
                    dest,
                    "it is the database file or one of its journal files (the same file under \
                     another name)",
                ));
            }
        }
        Err(_) => {}
    }
    Ok(())
}

/// Check (and, if `create`, make with mode 0700) the folder a snapshot goes to, and that
/// the destination may be written: never one of the database's own files (`db`), never
/// anything but a regular file, and an existing file only if `overwrite`.
pub(crate) fn prepare_folder(dest: &Path, db: &Path, overwrite: bool, create: bool) -> Result<()> {
    let folder = parent(dest);
    check_destination(dest, db)?;
    if create && !folder.exists() {
        super::files::create_private_folder(folder)
            .map_err(|e| file_error("cannot create the folder", folder, &e))?;
    }
    let meta = fs::metadata(folder).map_err(|e| file_error("cannot use the folder", folder, &e))?;
    if !meta.is_dir() {
        return Err(Error::new(
            Id::BackupFailed,
            format!("{} is not a folder", folder.display()),
        ));
    }
    // Checked by hand too: root would otherwise write through a folder marked read-only.
    if super::files::no_write_bits(&meta) {
        return Err(Error::new(
            Id::BackupFailed,
            format!("the folder {} is not writable", folder.display()),
        ));
    }
    if !overwrite && fs::symlink_metadata(dest).is_ok() {
        return Err(exists(dest));
    }
    Ok(())
}

/// Write a snapshot of `user`'s rows of the database at `live` to `dest`. The rows are read
/// in one read transaction, so the snapshot is consistent even while others write; a
/// caller holding the database's write lock (a reset) gets exactly what it is about to
/// delete. `step` says whether the snapshot is the command's result or a step before it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write(
    live: &Path,
    user: &str,
    dest: &Path,
    overwrite: bool,
    busy: Duration,
    now: i64,
    step: Step,
    progress: &dyn Fn(&str),
) -> Result<Counts> {
    let live = plain_path(live)?;
    let dest = plain_path(dest)?;
    prepare_folder(&dest, &live, overwrite, false)?;
    let pending = PendingFile::create(&dest)?;
    let counts = {
        let conn = connect(&pending.tmp, OpenFlags::SQLITE_OPEN_READ_WRITE, busy)?;
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")?;
        let tx = conn.unchecked_transaction()?;
        for sql in MIGRATIONS {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", current_version())?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        conn.execute("ATTACH DATABASE ?1 AS live", [live.to_string_lossy()])?;
        let tx = conn.unchecked_transaction()?;
        let tables: Vec<&str> = snapshot_tables().collect();
        copy_rows(&tx, "live", "main", user, &tables, Rows::Snapshot, progress)?;
        for (key, value) in [(USER_KEY, user.to_owned()), (CREATED_KEY, now.to_string())] {
            tx.execute(
                "INSERT INTO server_settings (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        let digest = scan(&tx, "main", None)?.digest;
        tx.execute(
            "INSERT INTO server_settings (key, value) VALUES (?1, ?2)",
            params![DIGEST_KEY, digest],
        )?;
        let counts = counts(&tx, user)?;
        tx.commit()?;
        conn.execute("DETACH DATABASE live", [])?;
        counts
    };
    pending.finish(&dest, overwrite, step)?;
    Ok(counts)
}

/// Remove a snapshot written as a step of a change that then did not happen.
pub(crate) fn discard(path: &Path) {
    let _ = fs::remove_file(path);
    if let Ok(dir) = fs::File::open(parent(path)) {
        let _ = dir.sync_all();
    }
}

/// Check, inside the restore's transaction, that the snapshot attached as `snap` is still
/// one `inspect` would accept, for the same account.
pub(crate) fn recheck_attached(conn: &Connection, user: &str) -> Result<()> {
    let checked = check(conn, "snap", "the attached snapshot")?;
    if checked.user != user {
        return Err(not_usable(
            "the snapshot file changed after it was checked".to_owned(),
        ));
    }
    Ok(())
}

/// A whole-database copy (`VACUUM INTO`), consistent while other programs keep writing.
pub(crate) fn write_all(live: &Connection, db: &Path, dest: &Path, overwrite: bool) -> Result<()> {
    let dest = plain_path(dest)?;
    prepare_folder(&dest, db, overwrite, false)?;
    let pending = PendingFile::create(&dest)?;
    live.execute("VACUUM INTO ?1", [pending.tmp.to_string_lossy()])?;
    pending.finish(&dest, overwrite, Step::TheChange)
}

/// What a snapshot holds, after checking it can be restored.
#[derive(Debug)]
pub struct SnapshotInfo {
    pub user: String,
    pub created: i64,
    /// Everything the snapshot holds of the account (shares received included).
    pub counts: Counts,
    /// Shares other accounts own with this account as receiver: recorded, not restored.
    pub received_shares: u64,
}

impl SnapshotInfo {
    /// What a restore of the snapshot writes back: everything but the shares it received
    /// (their owners' rows) and the tokens (a restore leaves the current ones).
    pub fn restored(&self) -> Counts {
        Counts {
            shares: self.counts.shares.saturating_sub(self.received_shares),
            tokens: 0,
            ..self.counts
        }
    }
}

pub(super) fn not_usable(why: String) -> Error {
    Error::new(
        Id::InvalidSnapshot,
        format!("this is not a usable pwaccount snapshot: {why}"),
    )
}

/// The schema objects of schema `version`, as `(type, name, table, sql)` rows.
fn expected_schema(version: i64) -> Result<Vec<SchemaObject>> {
    let conn = Connection::open_in_memory()?;
    for sql in MIGRATIONS
        .iter()
        .take(usize::try_from(version).unwrap_or(0))
    {
        conn.execute_batch(sql)?;
    }
    schema_objects(&conn, "main")
}

type SchemaObject = (String, String, String, Option<String>);

fn schema_objects(conn: &Connection, schema: &str) -> Result<Vec<SchemaObject>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master ORDER BY type, name"
    ))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// What `check` found in a snapshot.
struct Checked {
    user: String,
    created: i64,
    received_shares: u64,
}

/// The file under `schema` is a sound pwaccount file of a version this build reads, with
/// exactly the schema of that version; its version.
fn check_format(conn: &Connection, schema: &str, shown: &str) -> Result<i64> {
    let not_snapshot = |why: &str| not_usable(why.to_owned());
    let app_id: i32 = conn
        .query_row(&format!("PRAGMA {schema}.application_id"), [], |r| r.get(0))
        .map_err(|_| not_snapshot("it is not an SQLite database"))?;
    if app_id != APPLICATION_ID {
        return Err(not_snapshot(
            "it is not a pwaccount file (wrong application id)",
        ));
    }
    let version: i64 =
        conn.query_row(&format!("PRAGMA {schema}.user_version"), [], |r| r.get(0))?;
    if version > current_version() {
        return Err(Error::new(
            Id::SnapshotTooNew,
            format!(
                "{shown} has schema version {version}, newer than this pwaccount understands \
                 ({}); upgrade pwaccount",
                current_version()
            ),
        ));
    }
    if version < OLDEST_READABLE {
        return Err(not_snapshot(&format!("unknown schema version {version}")));
    }
    let integrity: String = conn
        .query_row(&format!("PRAGMA {schema}.integrity_check"), [], |r| {
            r.get(0)
        })
        .map_err(|e| not_snapshot(&format!("it is damaged ({e})")))?;
    if integrity != "ok" {
        return Err(not_snapshot(&format!("it is damaged ({integrity})")));
    }
    // A snapshot of an older version is checked against that version's schema: the
    // tables a restore reads are the same in every version this build reads.
    let expected = expected_schema(version)?;
    let found = schema_objects(conn, schema)?;
    if found != expected {
        let odd = found
            .iter()
            .find(|o| !expected.contains(o))
            .or_else(|| expected.iter().find(|o| !found.contains(o)))
            .map(|o| format!("{} {}", o.0, o.1))
            .unwrap_or_default();
        return Err(not_snapshot(&format!(
            "its schema is not the one this pwaccount writes (it differs at {odd})"
        )));
    }
    Ok(version)
}

/// Everything a snapshot must satisfy before any query trusts it: a pwaccount file of a
/// schema version this build reads, intact, with exactly the schema of that version (no changed
/// collation, no extra trigger or view), naming a valid account id, every row that
/// account's (compared byte for byte), and rows matching the recorded digest.
fn check(conn: &Connection, schema: &str, shown: &str) -> Result<Checked> {
    let not_snapshot = |why: &str| not_usable(why.to_owned());
    let version = check_format(conn, schema, shown)?;
    let setting = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                &format!("SELECT value FROM {schema}.server_settings WHERE key = ?1"),
                [key],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    };
    let user = setting(USER_KEY)?.ok_or_else(|| {
        not_snapshot(
            "it does not name an account (a whole-database copy cannot be restored per account)",
        )
    })?;
    crate::store::validate_user_id(&user).map_err(|e| {
        not_snapshot(&format!(
            "the account id it names is not valid ({})",
            e.message
        ))
    })?;
    if version >= 2 {
        // The trail stays in the live database: a snapshot never holds records.
        let records: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {schema}.audit"), [], |r| {
                r.get(0)
            })?;
        if records > 0 {
            return Err(not_snapshot("it holds audit records"));
        }
    }
    let scanned = scan(conn, schema, Some(&user))?;
    if setting(DIGEST_KEY)?.as_deref() != Some(scanned.digest.as_str()) {
        return Err(not_snapshot(
            "its rows were changed after it was written (digest mismatch)",
        ));
    }
    let created = setting(CREATED_KEY)?
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| not_snapshot("its creation time is missing or not a number"))?;
    Ok(Checked {
        user,
        created,
        received_shares: scanned.received_shares,
    })
}

/// Check a snapshot file: see `check`.
pub fn inspect(path: &Path) -> Result<SnapshotInfo> {
    let path = plain_path(path)?;
    let shown = path.display().to_string();
    let meta = fs::metadata(&path).map_err(|e| {
        Error::new(
            Id::CannotReadFile,
            format!("cannot read the snapshot {shown}: {e}"),
        )
    })?;
    if !meta.is_file() {
        return Err(Error::new(
            Id::CannotReadFile,
            format!("the snapshot {shown} is not a file"),
        ));
    }
    let conn = connect(&path, OpenFlags::SQLITE_OPEN_READ_ONLY, Duration::ZERO)?;
    let checked = check(&conn, "main", &format!("the snapshot {shown}"))?;
    let counts = counts(&conn, &checked.user)?;
    Ok(SnapshotInfo {
        user: checked.user,
        created: checked.created,
        counts,
        received_shares: checked.received_shares,
    })
}

/// A file name for `user`'s snapshot: the id made safe (other characters become `_`, and a
/// short hash keeps distinct ids distinct) and a UTC timestamp.
pub(crate) fn file_name(user: &str, now: i64, suffix: &str) -> String {
    let safe: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    let safe = if safe == user && !safe.is_empty() {
        safe.to_owned()
    } else {
        let hash = hex::encode(&Sha256::digest(user.as_bytes())[..4]);
        format!("{safe}-{hash}")
    };
    let stamp = crate::text::utc_time(now)
        .replace(['-', ':'], "")
        .replace(' ', "T")
        .replace("TUTC", "Z");
    format!("{safe}-{stamp}{suffix}.sqlite")
}

/// A snapshot name in `folder` for `user` that is not taken yet (`-2`, `-3`, … added).
pub(crate) fn free_name(folder: &Path, user: &str, suffix: &str) -> Result<PathBuf> {
    let now = crate::text::now()?;
    let mut path = folder.join(file_name(user, now, suffix));
    let mut n = 2;
    while path.exists() {
        path = folder.join(file_name(user, now, &format!("{suffix}-{n}")));
        n += 1;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("alice", 0, ""), "alice-19700101T000000Z.sqlite");
        let a = file_name("a/b", 0, "");
        let b = file_name("a_b", 0, "");
        assert!(!a.contains('/'));
        assert_ne!(a, b);
        assert!(!file_name("..", 0, "").starts_with('.'));
        assert!(!file_name("x\\y:z", 0, "-reset").contains(['\\', ':']));
    }

    #[test]
    fn temporary_names_carry_their_writer() {
        let name = temp_name("alice.sqlite", 4242, &[0xab; 6]);
        assert_eq!(name, ".alice.sqlite.4242-abababababab.tmp");
        assert_eq!(temp_owner(&name), Some(4242));
        assert_eq!(temp_owner(&format!("{name}-journal")), Some(4242));
        for other in [
            "alice.sqlite",
            ".alice.sqlite.tmp",
            ".alice.sqlite.x-abababababab.tmp",
            ".alice.sqlite.42-abab.tmp",
            ".alice.sqlite.42-abababababab.tmp-other",
        ] {
            assert_eq!(temp_owner(other), None, "{other}");
        }
    }
}
