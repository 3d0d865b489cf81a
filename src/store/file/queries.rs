//! The SQL the account layer runs, one function per question or change. Every function
//! takes a connection or transaction the caller opened, so a command's reads and writes
//! share one transaction.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::store::types::{CHALLENGE_ID_KEY, ChallengeRow, Counts, KeychainRow};

/// The per-user tables a reset empties, besides `shares` (which it empties by owner and
/// by receiver).
pub const RESET_TABLES: &[&str] = &[
    "passwords",
    "password_revisions",
    "folders",
    "folder_revisions",
    "tags",
    "tag_revisions",
    "password_tags",
    "settings",
    "user_config",
    "challenges",
    "keychains",
    "sessions",
    "reset_codes",
];

fn count(conn: &Connection, table: &str, user: &str) -> Result<u64> {
    let sql = format!("SELECT count(*) FROM {table} WHERE user_id = ?1");
    let n: i64 = conn.query_row(&sql, [user], |r| r.get(0))?;
    Ok(n as u64)
}

pub(crate) fn counts(conn: &Connection, user: &str) -> Result<Counts> {
    let shares: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM shares WHERE user_id = ?1)
              + (SELECT count(*) FROM shares WHERE receiver = ?1 AND user_id <> ?1)",
        [user],
        |r| r.get(0),
    )?;
    Ok(Counts {
        passwords: count(conn, "passwords", user)?,
        password_revisions: count(conn, "password_revisions", user)?,
        folders: count(conn, "folders", user)?,
        folder_revisions: count(conn, "folder_revisions", user)?,
        tags: count(conn, "tags", user)?,
        tag_revisions: count(conn, "tag_revisions", user)?,
        password_tags: count(conn, "password_tags", user)?,
        shares: shares as u64,
        settings: count(conn, "settings", user)?,
        user_config: count(conn, "user_config", user)?,
        keychains: count(conn, "keychains", user)?,
        sessions: count(conn, "sessions", user)?,
        tokens: count(conn, "tokens", user)?,
    })
}

/// Deletes every row a reset deletes for `user`, and nothing else. Runs inside the
/// caller's transaction; SQLite streams the deletes, so memory does not grow with the
/// account.
pub(crate) fn delete_account_data(conn: &Connection, user: &str) -> Result<()> {
    delete_owned_data(conn, user)?;
    conn.execute("DELETE FROM shares WHERE receiver = ?1", [user])?;
    Ok(())
}

/// Deletes every row a reset deletes that `user` owns: everything but the shares other
/// accounts own with `user` as receiver. A restore replaces exactly these.
pub(crate) fn delete_owned_data(conn: &Connection, user: &str) -> Result<()> {
    for table in RESET_TABLES {
        conn.execute(&format!("DELETE FROM {table} WHERE user_id = ?1"), [user])?;
    }
    conn.execute("DELETE FROM shares WHERE user_id = ?1", [user])?;
    Ok(())
}

pub(crate) fn ensure_account(conn: &Connection, user: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO accounts (user_id, created) VALUES (?1, ?2)",
        params![user, now],
    )?;
    Ok(())
}

// --- key/value settings -------------------------------------------------------------

pub(crate) fn server_setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM server_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub(crate) fn set_server_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO server_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// `table` is `settings` or `user_config`: both are (user_id, key) → value.
fn user_value(conn: &Connection, table: &str, user: &str, key: &str) -> Result<Option<String>> {
    let sql = format!("SELECT value FROM {table} WHERE user_id = ?1 AND key = ?2");
    Ok(conn
        .query_row(&sql, [user, key], |r| r.get(0))
        .optional()?
        .flatten())
}

fn set_user_value(
    conn: &Connection,
    table: &str,
    user: &str,
    key: &str,
    value: &str,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} (user_id, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value"
    );
    conn.execute(&sql, [user, key, value])?;
    Ok(())
}

pub(crate) fn setting(conn: &Connection, user: &str, key: &str) -> Result<Option<String>> {
    user_value(conn, "settings", user, key)
}

pub(crate) fn set_setting(conn: &Connection, user: &str, key: &str, value: &str) -> Result<()> {
    set_user_value(conn, "settings", user, key, value)
}

pub(crate) fn user_config(conn: &Connection, user: &str, key: &str) -> Result<Option<String>> {
    user_value(conn, "user_config", user, key)
}

pub(crate) fn set_user_config(conn: &Connection, user: &str, key: &str, value: &str) -> Result<()> {
    set_user_value(conn, "user_config", user, key, value)
}

// --- challenges -----------------------------------------------------------------------

/// A challenge row from `SELECT uuid, type, client_data, server_data, secret, created`
/// (the same columns in both kinds of store; absent texts read as empty).
pub(super) fn challenge_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChallengeRow> {
    let text = |i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default);
    Ok(ChallengeRow {
        uuid: r.get(0)?,
        kind: r.get(1)?,
        client_data: text(2)?,
        server_data: text(3)?,
        sealed_key: text(4)?,
        created: r.get(5)?,
    })
}

/// The account's current challenge: the one `user/challenge/id` names.
pub(crate) fn current_challenge(conn: &Connection, user: &str) -> Result<Option<ChallengeRow>> {
    let Some(id) = user_config(conn, user, CHALLENGE_ID_KEY)? else {
        return Ok(None);
    };
    Ok(conn
        .query_row(
            "SELECT uuid, type, client_data, server_data, secret, created
               FROM challenges WHERE user_id = ?1 AND uuid = ?2",
            [user, id.as_str()],
            challenge_row,
        )
        .optional()?)
}

pub(crate) fn insert_challenge(conn: &Connection, user: &str, row: &ChallengeRow) -> Result<()> {
    conn.execute(
        "INSERT INTO challenges (uuid, user_id, type, client_data, server_data, secret, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.uuid,
            user,
            row.kind,
            row.client_data,
            row.server_data,
            row.sealed_key,
            row.created
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_challenge(conn: &Connection, user: &str, uuid: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM challenges WHERE user_id = ?1 AND uuid = ?2",
        [user, uuid],
    )?;
    Ok(())
}

// --- keychains ------------------------------------------------------------------------

pub(crate) fn keychains(conn: &Connection, user: &str) -> Result<Vec<KeychainRow>> {
    let mut stmt = conn.prepare(
        "SELECT uuid, type, scope, data FROM keychains WHERE user_id = ?1 ORDER BY uuid",
    )?;
    let rows = stmt.query_map([user], |r| {
        Ok(KeychainRow {
            uuid: r.get(0)?,
            kind: r.get(1)?,
            scope: r.get(2)?,
            data: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(crate) fn insert_keychain(
    conn: &Connection,
    user: &str,
    row: &KeychainRow,
    now: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO keychains (uuid, user_id, type, scope, data, created, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![row.uuid, user, row.kind, row.scope, row.data, now],
    )?;
    Ok(())
}

pub(crate) fn update_keychain_data(
    conn: &Connection,
    user: &str,
    uuid: &str,
    data: &str,
    now: i64,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE keychains SET data = ?3, updated = ?4 WHERE user_id = ?1 AND uuid = ?2",
        params![user, uuid, data, now],
    )?;
    Ok(changed > 0)
}

// --- reset codes ----------------------------------------------------------------------

pub(crate) struct ResetCodeRow {
    pub code_hash: String,
    pub expires: i64,
}

pub(crate) fn reset_code(conn: &Connection, user: &str) -> Result<Option<ResetCodeRow>> {
    Ok(conn
        .query_row(
            "SELECT code_hash, expires FROM reset_codes WHERE user_id = ?1",
            [user],
            |r| {
                Ok(ResetCodeRow {
                    code_hash: r.get(0)?,
                    expires: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Delete the account's pending reset code, if any.
pub(crate) fn clear_reset_code(conn: &Connection, user: &str) -> Result<()> {
    conn.execute("DELETE FROM reset_codes WHERE user_id = ?1", params![user])?;
    Ok(())
}

pub(crate) fn put_reset_code(
    conn: &Connection,
    user: &str,
    code_hash: &str,
    created: i64,
    expires: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO reset_codes (user_id, code_hash, created, expires) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET
           code_hash = excluded.code_hash, created = excluded.created, expires = excluded.expires",
        params![user, code_hash, created, expires],
    )?;
    Ok(())
}

/// Every table whose rows belong to an account (`user_id`): what a reset empties, and
/// the account itself, its shares and its tokens.
fn owned_tables() -> impl Iterator<Item = &'static str> {
    RESET_TABLES
        .iter()
        .copied()
        .chain(["accounts", "shares", "tokens"])
}

/// Up to `limit` account ids after `after` (byte order): every id that owns a row
/// anywhere. Each table is read through its `user_id` index from `after` on.
/// Ids stored as text only: the bytes as stored, UTF-8 or not (`after` is compared as
/// text of those bytes). In SQLite's order numbers come before any text and BLOBs after
/// it, so both bounds are ranges of the `user_id` index.
pub(crate) fn account_ids(conn: &Connection, after: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
    let union = owned_tables()
        .map(|t| {
            format!("SELECT user_id FROM {t} WHERE user_id > CAST(?1 AS TEXT) AND user_id < X''")
        })
        .collect::<Vec<_>>()
        .join(" UNION ");
    let mut stmt = conn.prepare(&format!("{union} ORDER BY user_id LIMIT ?2"))?;
    let ids = stmt
        .query_map(rusqlite::params![after, limit as i64], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Text(t) => t.to_vec(),
                _ => Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<Vec<u8>>>>()?;
    Ok(ids)
}

/// Up to `limit` distinct `user_id`s not stored as text, as their bytes (a number as its
/// digits).
pub(crate) fn unreadable_ids(conn: &Connection, limit: usize) -> Result<Vec<Vec<u8>>> {
    let union = owned_tables()
        .map(|t| {
            format!(
                "SELECT CAST(user_id AS BLOB) AS id FROM {t} WHERE user_id < '' \
                 UNION SELECT CAST(user_id AS BLOB) AS id FROM {t} WHERE user_id >= X''"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ");
    let mut stmt = conn.prepare(&format!("{union} ORDER BY id LIMIT ?1"))?;
    let ids = stmt
        .query_map(rusqlite::params![limit as i64], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                    b.to_vec()
                }
                _ => b"NULL".to_vec(),
            })
        })?
        .collect::<rusqlite::Result<Vec<Vec<u8>>>>()?;
    Ok(ids)
}

/// When the account last changed: the newest `updated` (or `created`) of its rows, or its
/// newest audit record, whichever is later.
pub(crate) fn last_change(conn: &Connection, user: &str) -> Result<Option<i64>> {
    let newest = owned_tables()
        .filter_map(|t| {
            let column = match t {
                "passwords" | "folders" | "tags" | "shares" | "keychains" | "sessions" => "updated",
                "settings" | "user_config" => return None,
                _ => "created",
            };
            Some(format!(
                "SELECT max({column}) AS t FROM {t} WHERE user_id = ?1"
            ))
        })
        .chain(
            // pwaccount's own changes count too: after a reset the account has few rows
            // left, but the trail has the time of the reset (version-1 files have none).
            has_table(conn, "audit")?
                .then(|| "SELECT max(time) AS t FROM audit WHERE user_id = ?1".to_owned()),
        )
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    Ok(
        conn.query_row(&format!("SELECT max(t) FROM ({newest})"), [user], |r| {
            r.get(0)
        })?,
    )
}

/// Whether the file has a table of this name (an older schema may lack a newer table).
fn has_table(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [name],
        |r| r.get(0),
    )?)
}

/// The account's rows that point at rows that are not there: what `check` reports.
pub(crate) fn dangling_references(conn: &Connection, user: &str) -> Result<Vec<String>> {
    // Each model with its revisions: the current revision must be there, and every
    // revision must belong to a model.
    let mut checks: Vec<(String, String)> = Vec::new();
    for (models, revisions, one) in [
        ("passwords", "password_revisions", "password"),
        ("folders", "folder_revisions", "folder"),
        ("tags", "tag_revisions", "tag"),
    ] {
        checks.push((
            format!("{models} whose current revision is missing"),
            format!(
                "SELECT count(*) FROM {models} m WHERE m.user_id = ?1 AND m.revision IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM {revisions} r WHERE r.uuid = m.revision)"
            ),
        ));
        checks.push((
            format!("{one} revisions of no {one}"),
            format!(
                "SELECT count(*) FROM {revisions} r WHERE r.user_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM {models} m WHERE m.uuid = r.model)"
            ),
        ));
    }
    checks.push((
        "tag assignments of a missing password or tag".into(),
        "SELECT count(*) FROM password_tags a WHERE a.user_id = ?1
           AND (NOT EXISTS (SELECT 1 FROM passwords p WHERE p.uuid = a.password)
                OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.uuid = a.tag))"
            .into(),
    ));
    checks.push((
        "shares of a missing password".into(),
        "SELECT count(*) FROM shares s WHERE s.user_id = ?1
           AND NOT EXISTS (SELECT 1 FROM passwords p WHERE p.uuid = s.password)"
            .into(),
    ));
    let mut found = Vec::new();
    for (what, sql) in &checks {
        let n: i64 = conn.query_row(sql, [user], |r| r.get(0))?;
        if n > 0 {
            found.push(format!("{n} {what}"));
        }
    }
    Ok(found)
}

/// SQLite's own check of the whole file: "ok", or what is wrong.
pub(crate) fn integrity(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

/// Append a record to the audit trail, timed now.
pub(crate) fn append_audit(conn: &Connection, record: &super::audit::Record) -> Result<()> {
    let row = record.row(crate::text::now()?);
    conn.execute(
        &format!(
            "INSERT INTO audit ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            super::audit::COLUMNS
        ),
        params![
            row.time,
            row.user,
            row.action,
            row.outcome,
            row.actor.os_user,
            row.actor.os_uid,
            row.actor.host,
            row.details
        ],
    )?;
    Ok(())
}

/// Call `each` with the audit records `filter` selects, oldest first, as they are read;
/// `each` returns `false` to stop. `false` when the file has no trail yet (schema
/// version 1, read without an upgrade).
pub(crate) fn audit_entries(
    conn: &Connection,
    filter: &super::audit::Filter,
    each: &mut dyn FnMut(super::audit::Entry) -> Result<bool>,
) -> Result<bool> {
    if !has_table(conn, "audit")? {
        return Ok(false);
    }
    let (sql, p) = filter.query("audit", &|n| format!("?{n}"));
    let mut stmt = conn.prepare(&sql)?;
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(user) = p.user {
        values.push(user.into());
    }
    if let Some(since) = p.since {
        values.push(since.into());
    }
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    while let Some(r) = rows.next()? {
        let id: Option<i64> = r.get(0).ok();
        let get = |i: usize| -> Result<rusqlite::types::Value> { Ok(r.get(i)?) };
        let int = |i: usize, name: &str| match get(i)? {
            rusqlite::types::Value::Integer(n) => Ok(Some(n)),
            rusqlite::types::Value::Null => Ok(None),
            _ => Err(super::audit::damaged_record(id, name)),
        };
        let text = |i: usize, name: &str| match get(i)? {
            rusqlite::types::Value::Text(t) => Ok(Some(t)),
            rusqlite::types::Value::Null => Ok(None),
            _ => Err(super::audit::damaged_record(id, name)),
        };
        let required =
            |v: Option<i64>, name: &str| v.ok_or_else(|| super::audit::damaged_record(id, name));
        let entry = super::audit::Entry {
            id: required(int(0, "id")?, "id")?,
            time: required(int(1, "time")?, "time")?,
            account: text(2, "user_id")?,
            action: text(3, "action")?.unwrap_or_default(),
            outcome: text(4, "outcome")?.unwrap_or_default(),
            os_user: text(5, "os_user")?.unwrap_or_default(),
            os_uid: int(6, "os_uid")?,
            host: text(7, "host")?.unwrap_or_default(),
            details: super::audit::parse_details(&text(8, "details")?.unwrap_or_default()),
        };
        if !each(entry)? {
            break;
        }
    }
    Ok(true)
}
