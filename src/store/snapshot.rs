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
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, params};
use sha2::{Digest, Sha256};

use super::queries::{Counts, RESET_TABLES, counts, server_setting};
use super::schema::{APPLICATION_ID, MIGRATIONS, current_version};
use crate::error::{Error, Result};

pub const USER_KEY: &str = "snapshot.user";
pub const CREATED_KEY: &str = "snapshot.created";
pub const DIGEST_KEY: &str = "snapshot.digest";

/// Every per-user table a snapshot holds, in the order it is copied and hashed.
/// `shares` is copied by owner and by receiver; `tokens` is kept for the record but never
/// restored (a restore leaves the account's current tokens as they are). Pending reset
/// codes are left out: a code is a one-time confirmation, and restoring it would let a
/// used code reset the account again.
pub fn snapshot_tables() -> impl Iterator<Item = &'static str> {
    ["accounts"]
        .into_iter()
        .chain(restored_tables())
        .chain(["tokens"])
}

/// The tables a restore fills from a snapshot (after deleting what a reset deletes).
pub fn restored_tables() -> impl Iterator<Item = &'static str> {
    RESET_TABLES
        .iter()
        .copied()
        .filter(|t| *t != "reset_codes")
        .chain(["shares"])
}

/// The rows of `table` that belong to user `?1`.
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

/// Copy `user`'s rows of every snapshot table from schema `from` into schema `to` of one
/// connection. `tables` limits which tables; `progress` hears of each finished table.
pub fn copy_rows(
    conn: &Connection,
    from: &str,
    to: &str,
    user: &str,
    tables: &[&str],
    progress: &dyn Fn(&str),
) -> Result<()> {
    for table in tables {
        let cols = columns(conn, "main", table)?;
        let sql = format!(
            "INSERT INTO {to}.{table} ({cols}) SELECT {cols} FROM {from}.{table} WHERE {}",
            belongs(table)
        );
        conn.execute(&sql, [user])?;
        progress(table);
    }
    Ok(())
}

/// SHA-256 over every row of every table of the snapshot attached as `schema` (but the
/// digest itself).
pub fn digest(conn: &Connection, schema: &str) -> Result<String> {
    let mut hash = Sha256::new();
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
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
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
        }
    }
    Ok(hex::encode(hash.finalize()))
}

/// A file being written: removed on drop unless `finish` moved it into place.
struct PendingFile {
    tmp: PathBuf,
    done: bool,
}

impl PendingFile {
    fn create(dest: &Path) -> Result<Self> {
        let folder = parent(dest);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut nonce = [0u8; 6];
        crate::crypto::random_bytes(&mut nonce)?;
        let tmp = folder.join(format!(
            ".{name}.{}-{}.tmp",
            std::process::id(),
            hex::encode(nonce)
        ));
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| file_error("cannot create a temporary file in", folder, &e))?;
        Ok(PendingFile { tmp, done: false })
    }

    /// Sync the file, then move it to `dest` (refusing to replace an existing file unless
    /// `overwrite`), then sync the folder so the new name survives a crash.
    fn finish(mut self, dest: &Path, overwrite: bool) -> Result<()> {
        fs::File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| file_error("cannot sync", &self.tmp, &e))?;
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
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.tmp);
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
    Error::usage(
        "backup_exists",
        format!(
            "{} already exists; choose another path or add --force to replace it",
            dest.display()
        ),
    )
}

fn file_error(what: &str, path: &Path, e: &io::Error) -> Error {
    Error::database("backup_failed", format!("{what} {}: {e}", path.display()))
}

/// Check (and, if `create`, make with mode 0700) the folder a snapshot goes to.
pub fn prepare_folder(dest: &Path, overwrite: bool, create: bool) -> Result<()> {
    let folder = parent(dest);
    if create && !folder.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .map_err(|e| file_error("cannot create the folder", folder, &e))?;
    }
    let meta = fs::metadata(folder).map_err(|e| file_error("cannot use the folder", folder, &e))?;
    if !meta.is_dir() {
        return Err(Error::database(
            "backup_failed",
            format!("{} is not a folder", folder.display()),
        ));
    }
    // Checked by hand too: root would otherwise write through a folder marked read-only.
    if meta.permissions().mode() & 0o222 == 0 {
        return Err(Error::database(
            "backup_failed",
            format!("the folder {} is not writable", folder.display()),
        ));
    }
    if dest.is_dir() {
        return Err(Error::usage(
            "backup_exists",
            format!("{} is a folder", dest.display()),
        ));
    }
    if !overwrite && dest.exists() {
        return Err(exists(dest));
    }
    Ok(())
}

/// Write a snapshot of `user`'s rows of the database at `live` to `dest`. The rows are read
/// in one read transaction, so the snapshot is consistent even while others write; a
/// caller holding the database's write lock (a reset) gets exactly what it is about to
/// delete.
pub fn write(
    live: &Path,
    user: &str,
    dest: &Path,
    overwrite: bool,
    busy: Duration,
    now: i64,
    progress: &dyn Fn(&str),
) -> Result<Counts> {
    prepare_folder(dest, overwrite, false)?;
    let pending = PendingFile::create(dest)?;
    let counts = {
        let conn = Connection::open(&pending.tmp)?;
        conn.busy_timeout(busy)?;
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
        copy_rows(&tx, "live", "main", user, &tables, progress)?;
        for (key, value) in [(USER_KEY, user.to_owned()), (CREATED_KEY, now.to_string())] {
            tx.execute(
                "INSERT INTO server_settings (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        let digest = digest(&tx, "main")?;
        tx.execute(
            "INSERT INTO server_settings (key, value) VALUES (?1, ?2)",
            params![DIGEST_KEY, digest],
        )?;
        let counts = counts(&tx, user)?;
        tx.commit()?;
        conn.execute("DETACH DATABASE live", [])?;
        counts
    };
    pending.finish(dest, overwrite)?;
    Ok(counts)
}

/// Check, inside the restore's transaction, that the snapshot attached as `snap` is still
/// the one `inspect` accepted: the same account and rows matching their digest.
pub fn recheck_attached(conn: &Connection, user: &str) -> Result<()> {
    let value = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                "SELECT value FROM snap.server_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .ok())
    };
    if value(USER_KEY)?.as_deref() != Some(user)
        || value(DIGEST_KEY)? != Some(digest(conn, "snap")?)
    {
        return Err(refuse(
            "invalid_snapshot",
            "the snapshot file changed after it was checked; nothing was restored".to_owned(),
        ));
    }
    Ok(())
}

/// A whole-database copy (`VACUUM INTO`), consistent while other programs keep writing.
pub fn write_all(live: &Connection, dest: &Path, overwrite: bool) -> Result<()> {
    prepare_folder(dest, overwrite, false)?;
    let pending = PendingFile::create(dest)?;
    live.execute("VACUUM INTO ?1", [pending.tmp.to_string_lossy()])?;
    pending.finish(dest, overwrite)
}

/// What a snapshot holds, after checking it can be restored.
#[derive(Debug)]
pub struct SnapshotInfo {
    pub user: String,
    pub created: i64,
    pub counts: Counts,
}

fn refuse(id: &'static str, message: String) -> Error {
    Error::database(id, message)
}

/// Check a snapshot file: a pwaccount database of this schema version, intact, holding
/// exactly one account's rows, with a matching digest.
pub fn inspect(path: &Path) -> Result<SnapshotInfo> {
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|e| {
        Error::usage(
            "cannot_read_file",
            format!("cannot read the snapshot {shown}: {e}"),
        )
    })?;
    if !meta.is_file() {
        return Err(Error::usage(
            "cannot_read_file",
            format!("the snapshot {shown} is not a file"),
        ));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let not_snapshot = |why: &str| {
        refuse(
            "invalid_snapshot",
            format!("{shown} is not a usable pwaccount snapshot: {why}"),
        )
    };
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|_| not_snapshot("it is not an SQLite database"))?;
    if app_id != APPLICATION_ID {
        return Err(not_snapshot(
            "it is not a pwaccount file (wrong application id)",
        ));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > current_version() {
        return Err(refuse(
            "snapshot_too_new",
            format!(
                "the snapshot {shown} has schema version {version}, newer than this pwaccount understands ({}); upgrade pwaccount",
                current_version()
            ),
        ));
    }
    if version < current_version() {
        // Version 1 is the first schema: no older snapshot can exist yet. When a version 2
        // comes, older snapshots are migrated on a temporary copy here.
        return Err(not_snapshot(&format!("unknown schema version {version}")));
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not_snapshot(&format!("it is damaged ({e})")))?;
    if check != "ok" {
        return Err(not_snapshot(&format!("it is damaged ({check})")));
    }
    let user = server_setting(&conn, USER_KEY)?.ok_or_else(|| {
        not_snapshot(
            "it does not name an account (a whole-database copy cannot be restored per account)",
        )
    })?;
    for table in snapshot_tables() {
        let others: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE NOT {}", belongs(table)),
            [&user],
            |r| r.get(0),
        )?;
        if others > 0 {
            return Err(not_snapshot(&format!(
                "it holds rows of more than one account (table {table})"
            )));
        }
    }
    let recorded = server_setting(&conn, DIGEST_KEY)?.unwrap_or_default();
    if digest(&conn, "main")? != recorded {
        return Err(not_snapshot(
            "its rows were changed after it was written (digest mismatch)",
        ));
    }
    let created = server_setting(&conn, CREATED_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let counts = counts(&conn, &user)?;
    Ok(SnapshotInfo {
        user,
        created,
        counts,
    })
}

/// A file name for `user`'s snapshot: the id made safe (other characters become `_`, and a
/// short hash keeps distinct ids distinct) and a UTC timestamp.
pub fn file_name(user: &str, now: i64, suffix: &str) -> String {
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
    let stamp = crate::output::utc_time(now)
        .replace(['-', ':'], "")
        .replace(' ', "T")
        .replace("TUTC", "Z");
    format!("{safe}-{stamp}{suffix}.sqlite")
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
}
