//! Per-account snapshots: a pwaccount database file (same application id and schema)
//! holding one account's rows, plus whole-database copies. Files are written to a
//! temporary name in the target folder, synced, then moved into place.
//!
//! A snapshot records in its `server_settings`: `snapshot.user` (whose rows it holds),
//! `snapshot.created` and `snapshot.digest` — SHA-256 over every row, so that an edited
//! row is noticed before it is restored. The digest detects damage and careless edits; it
//! is not a signature.

use std::fs;
use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::store::snapshot::{SnapshotInfo, hash_row, not_usable};

use super::files::{PendingFile, prepare_folder};
use super::queries::{RESET_TABLES, counts};
use super::schema::{APPLICATION_ID, MIGRATIONS, OLDEST_READABLE, current_version};
use super::{Step, connect, plain_path};
use crate::error::{Error, Id, Result};
use crate::store::Counts;

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
        .chain(account_tables())
        .chain(["tokens"])
}

/// The account's tables a snapshot holds: what a reset deletes but the reset codes, and
/// the shares.
fn account_tables() -> impl Iterator<Item = &'static str> {
    RESET_TABLES
        .iter()
        .copied()
        .filter(|t| *t != "reset_codes")
        .chain(["shares"])
}

/// The tables a restore fills from a snapshot (after deleting what a reset deletes): not
/// the sessions, which a restore closes (they were opened with keys the restore may
/// replace).
pub(crate) fn restored_tables() -> impl Iterator<Item = &'static str> {
    account_tables().filter(|t| *t != "sessions")
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

struct Scanned {
    digest: String,
    received_shares: u64,
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
        source: path.clone(),
        kind: crate::store::snapshot::SourceKind::Snapshot,
        counts,
        received_shares: checked.received_shares,
    })
}
