//! Snapshots of one Nextcloud user's Passwords data: an SQLite file (application id
//! "PWNC") holding the user's rows of every `<prefix>passwords_*` table — flagged deleted
//! or not — and the app's rows of `<prefix>preferences` for the user, each in a table named
//! like the app's without the prefix, with a `meta` table: `user`, `created`, `prefix`, the
//! app's `installed_version` and `digest` (SHA-256 over every row, as in pwaccount's own
//! snapshots). A restore puts exactly these rows back, in one transaction.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::db::{Engine, Value, from_sqlite, to_sqlite};
use super::{NextcloudStore, TABLES};
use crate::error::{Error, Id, Result};
use crate::store::files::{PendingFile, prepare_folder};
use crate::store::rows::Transactions;
use crate::store::snapshot::{hash_row, not_usable};
use crate::store::{Counts, Step, connect, plain_path};

/// "PWNC": a pwaccount snapshot of a Nextcloud user.
pub(crate) const APPLICATION_ID: i32 = 0x5057_4E43;
const FORMAT_VERSION: i64 = 1;

/// The snapshot's tables: the app's, then the preferences.
fn tables() -> impl Iterator<Item = &'static str> {
    TABLES.iter().copied().chain(["preferences"])
}

/// The column that names a row's owner.
fn owner_column(table: &str) -> &'static str {
    if table == "preferences" {
        "userid"
    } else {
        "user_id"
    }
}

/// The rows of `table` that a snapshot of user `$1` holds.
fn belongs(table: &str) -> &'static str {
    if table == "preferences" {
        "userid = $1 AND appid = 'passwords'"
    } else {
        "user_id = $1"
    }
}

/// What a snapshot holds.
#[derive(Debug)]
pub(crate) struct Info {
    pub user: String,
    pub created: i64,
    /// What the snapshot holds, counted as `status` counts (rows not flagged deleted).
    pub counts: crate::store::Counts,
}

/// SHA-256 over every row of every table (ordered by rowid), with each value's type and
/// bytes; and, with `owner`, a byte-for-byte check that every row is that user's.
fn scan(conn: &Connection, schema: &str, owner: Option<&str>) -> Result<(String, u64)> {
    let mut hash = Sha256::new();
    let mut rows = 0u64;
    for table in tables() {
        hash.update(table.as_bytes());
        hash.update([0]);
        let mut stmt = conn.prepare(&format!(
            "SELECT * FROM {schema}.\"{table}\" ORDER BY rowid"
        ))?;
        let width = stmt.column_count();
        let owner_at = stmt.column_index(owner_column(table))?;
        let mut cursor = stmt.query([])?;
        while let Some(row) = cursor.next()? {
            rows += 1;
            hash_row(&mut hash, row, width)?;
            if let Some(owner) = owner
                && !matches!(row.get_ref(owner_at)?, ValueRef::Text(t) if t == owner.as_bytes())
            {
                return Err(not_usable(format!(
                    "it holds rows of more than one user (table {table})"
                )));
            }
        }
    }
    Ok((hex::encode(hash.finalize()), rows))
}

/// The order a snapshot keeps a table's rows in: by id, or (preferences) by key.
fn order(table: &str) -> &'static str {
    if table == "preferences" {
        "appid, configkey"
    } else {
        "id"
    }
}

impl super::Tx<'_> {
    /// Write a snapshot of `user` to `dest`: the rows as this transaction sees them (a
    /// reset's snapshot is what it is about to change). Values are stored as SQLite keeps
    /// them on every engine (the app's flags as 0/1), so the digest does not depend on
    /// the engine.
    pub(crate) fn write_snapshot(
        &self,
        user: &str,
        dest: &Path,
        overwrite: bool,
        now: i64,
        step: Step,
    ) -> Result<u64> {
        let dest = plain_path(dest)?;
        prepare_folder(&dest, self.path, overwrite, false)?;
        let pending = PendingFile::create(&dest)?;
        let rows = {
            let conn = connect(
                &pending.tmp,
                OpenFlags::SQLITE_OPEN_READ_WRITE,
                Duration::ZERO,
            )?;
            conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            conn.pragma_update(None, "user_version", FORMAT_VERSION)?;
            let tx = conn.unchecked_transaction()?;
            let version = self.app_value("installed_version")?.unwrap_or_default();
            for table in tables() {
                self.copy_table(&tx, table, user)?;
            }
            tx.execute_batch("CREATE TABLE main.meta (key TEXT PRIMARY KEY NOT NULL, value TEXT)")?;
            let (digest, rows) = scan(&tx, "main", None)?;
            for (key, value) in [
                ("user", user.to_owned()),
                ("created", now.to_string()),
                ("prefix", self.prefix.to_owned()),
                ("app_version", version),
                ("instance", instance_id(self.config)?),
                ("secrets", secrets_check(self.config)?),
                ("digest", digest),
            ] {
                tx.execute("INSERT INTO main.meta VALUES (?1, ?2)", params![key, value])?;
            }
            tx.commit()?;
            rows
        };
        pending.finish(&dest, overwrite, step)?;
        Ok(rows)
    }
}

impl super::Tx<'_> {
    /// Copy `user`'s rows of the app's `table` (without the prefix) into a table of the
    /// same name and columns in the snapshot being written (`tx`).
    fn copy_table(&self, tx: &rusqlite::Transaction<'_>, table: &str, user: &str) -> Result<()> {
        let live = format!("{}{table}", self.prefix);
        let names: Vec<String> = self
            .db
            .columns(&live)?
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        tx.execute_batch(&format!(
            "CREATE TABLE main.\"{table}\" ({})",
            quoted_names(Engine::Sqlite, &names)
        ))?;
        let mut insert = tx.prepare(&format!(
            "INSERT INTO main.\"{table}\" VALUES ({})",
            vec!["?"; names.len()].join(", ")
        ))?;
        self.db.rows(
            &format!(
                "SELECT {} FROM {live} WHERE {} ORDER BY {}",
                quoted_names(self.db.engine(), &names),
                belongs(table),
                order(table)
            ),
            &[user.into()],
            &mut |row| {
                insert.execute(rusqlite::params_from_iter(row.iter().map(to_sqlite)))?;
                Ok(())
            },
        )
    }
}

impl NextcloudStore {
    /// Put `user`'s rows back as the snapshot at `path` holds them, in one write
    /// transaction: every row of the user in the app's tables and the app's preferences
    /// is replaced. The snapshot is checked in a read transaction of its file that lasts
    /// until the restore has committed, so what is written is what was checked.
    pub(crate) fn restore_rows(
        &mut self,
        job: &crate::store::snapshot::PutBack<'_>,
    ) -> Result<Option<String>> {
        let (user, progress) = (job.user, job.progress);
        let path = plain_path(job.path)?;
        let snap = connect(&path, OpenFlags::SQLITE_OPEN_READ_ONLY, Duration::ZERO)?;
        let held = snap.unchecked_transaction()?;
        let columns = self.columns()?;
        let info = check(&held, &columns)?;
        if info.user != user {
            return Err(not_usable(
                "the snapshot file changed after it was checked".into(),
            ));
        }
        let prefix = self.prefix.clone();
        let w = self.writing()?;
        if job.require_blank && !super::queries::counts_in(w.db, &prefix, user, false)?.is_blank() {
            return Err(crate::store::rows::not_blank(user, true));
        }
        for (table, names) in &columns {
            refuse_taken_in(&held, w.db, &prefix, table, names, user)?;
        }
        crate::store::rows::Rows::write_reset_snapshot(&w, user, job.undo, job.now)?;
        for (table, names) in &columns {
            let live = format!("{prefix}{table}");
            w.db.execute(
                &format!("DELETE FROM {live} WHERE {}", belongs(table)),
                &[user.into()],
            )?;
            let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
            let insert = format!(
                "INSERT INTO {live} ({}) VALUES ({})",
                quoted_names(w.db.engine(), names),
                placeholders.join(", ")
            );
            if table == "passwords_session" {
                // A restore closes the user's sessions: they were opened with keys the
                // restore may replace.
                progress(table);
                continue;
            }
            let mut stmt =
                held.prepare(&format!("SELECT * FROM main.\"{table}\" ORDER BY rowid"))?;
            let mut cursor = stmt.query([])?;
            while let Some(row) = cursor.next()? {
                let values: Vec<Value> = (0..names.len())
                    .map(|i| row.get_ref(i).map(from_sqlite))
                    .collect::<rusqlite::Result<_>>()?;
                w.db.execute(&insert, &values)?;
            }
            if names.iter().any(|n| n == "id") {
                w.db.sync_id_sequence(&live)?;
            }
            progress(table);
        }
        // A reset code issued before the restore is for the account as it was.
        w.set_own_value(user, super::rows::RESET_KEY, None)?;
        super::commit_change(w, job.record)?;
        drop(held);
        Ok(None)
    }

    /// What a restore of `user` from the (checked) snapshot at `path` would delete and
    /// write, per table.
    pub(crate) fn snapshot_changes(
        &mut self,
        path: &Path,
        user: &str,
    ) -> Result<Vec<crate::store::snapshot::TableChange>> {
        let snap = connect(
            &plain_path(path)?,
            OpenFlags::SQLITE_OPEN_READ_ONLY,
            Duration::ZERO,
        )?;
        let r = self.reading()?;
        tables()
            .map(|table| {
                let write: i64 = if table == "passwords_session" {
                    0
                } else {
                    snap.query_row(&format!("SELECT count(*) FROM main.\"{table}\""), [], |r| {
                        r.get(0)
                    })?
                };
                Ok(crate::store::snapshot::TableChange {
                    table: table.to_owned(),
                    delete: r.db.count(
                        &format!(
                            "SELECT count(*) FROM {}{table} WHERE {}",
                            r.prefix,
                            belongs(table)
                        ),
                        &[user.into()],
                    )?,
                    write: write as u64,
                })
            })
            .collect()
    }

    /// The column names of the live tables, in order.
    fn columns(&self) -> Result<Vec<(String, Vec<String>)>> {
        tables()
            .map(|table| {
                let names = self
                    .conn
                    .columns(&format!("{}{table}", self.prefix))?
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
                Ok((table.to_owned(), names))
            })
            .collect()
    }

    /// Check a snapshot file for a restore into this installation: one of another
    /// installation only with `other_installation`, and only when its keys open here.
    pub(crate) fn inspect_snapshot(&self, path: &Path, other_installation: bool) -> Result<Info> {
        let path = plain_path(path)?;
        if !path.is_file() {
            return Err(Error::new(
                Id::CannotReadFile,
                format!("the snapshot {} is not a file", path.display()),
            ));
        }
        let conn = connect(&path, OpenFlags::SQLITE_OPEN_READ_ONLY, Duration::ZERO)?;
        let info = check(&conn, &self.columns()?)?;
        let meta = |key: &str| -> Result<Option<String>> {
            Ok(conn
                .query_row("SELECT value FROM main.meta WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        let here = instance_id(&self.config)?;
        // The binding is required: a snapshot whose `instance` row was removed is one of
        // an unknown installation, not one with "nothing to compare".
        let there = meta("instance")?;
        if there.as_deref() != Some(here.as_str()) {
            let which = match &there {
                Some(there) => format!(
                    "was written on another Nextcloud installation (instance {}, this one is \
                     {here})",
                    crate::text::escape_controls(there)
                ),
                None => "names no installation (its instance record is missing)".to_owned(),
            };
            let other = |why: &str| {
                Error::new(
                    Id::OtherInstallation,
                    format!(
                        "the snapshot {} {which}: {why}; nothing was changed",
                        path.display(),
                    ),
                )
            };
            if !other_installation {
                return Err(other("add --other-installation to restore it here anyway"));
            }
            if meta("secrets")? != Some(secrets_check(&self.config)?) {
                return Err(other(
                    "it does not show that installation's secrets ('secret', \
                     'passwords.secret') to be this one's, so the user's server-side keys in \
                     it may not open here, and pwaccount cannot seal them again without them",
                ));
            }
        }
        Ok(info)
    }
}

/// How many values one `IN (…)` list of `refuse_taken` holds: the app indexes a uuid only
/// with its user (but for passwords), so each list costs a scan of the table's index.
const IN_LIST: usize = 5000;

/// Refuse a snapshot row of `table` (columns `names`) whose id or uuid a row of another
/// user has in the live table: writing it would take that row's id, or make its uuid
/// name two rows. Checked for every table before anything is deleted.
fn refuse_taken_in(
    snap: &Connection,
    db: &super::db::Conn,
    prefix: &str,
    table: &str,
    names: &[String],
    user: &str,
) -> Result<()> {
    for key in ["id", "uuid"] {
        if !names.iter().any(|n| n == key) {
            continue;
        }
        let mut stmt = snap.prepare(&format!("SELECT \"{key}\" FROM main.\"{table}\""))?;
        let values: Vec<Value> = stmt
            .query_map([], |r| r.get_ref(0).map(from_sqlite))?
            .collect::<rusqlite::Result<_>>()?;
        refuse_taken(db, prefix, table, key, user, &values)?;
    }
    Ok(())
}

/// Refuse restoring rows of `table` with these `values` of column `key` (`id`, `uuid`)
/// for `user` when a row of another user in the live table has one of them.
pub(super) fn refuse_taken(
    db: &super::db::Conn,
    prefix: &str,
    table: &str,
    key: &str,
    user: &str,
    values: &[Value],
) -> Result<()> {
    let live = format!("{prefix}{table}");
    let owner = owner_column(table);
    for chunk in values.chunks(IN_LIST) {
        let list: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let mut params = vec![Value::text(user)];
        params.extend(chunk.iter().cloned());
        let found = db.all(
            &format!(
                "SELECT {key}, {owner} FROM {live} WHERE {owner} <> $1 AND {key} IN ({}) LIMIT 1",
                list.join(", ")
            ),
            &params,
        )?;
        if let Some(row) = found.into_iter().next() {
            let shown = |v: &Value| match v {
                Value::Text(t) => crate::text::escape_controls(t).into_owned(),
                Value::Int(i) => i.to_string(),
                _ => "(not text)".to_owned(),
            };
            return Err(Error::new(
                Id::RestoreConflict,
                format!(
                    "the restored row {key} {} in table {table} is also the {key} of a row of \
                     account '{}': restoring it would take that row's {key}; nothing was changed",
                    shown(&row[0]),
                    shown(&row[1])
                ),
            ));
        }
    }
    Ok(())
}

/// The installation's instance id, as snapshots record it.
fn instance_id(config: &super::config::Config) -> Result<String> {
    Ok(config.string("instanceid")?.unwrap_or_default())
}

/// A check value of the secrets the app's server-side keys are sealed with (`secret`,
/// and `passwords.secret` when set): HMAC-SHA256 keyed with them over a fixed text. Equal
/// values mean the keys of one installation open on the other; the secrets cannot be
/// learnt from it.
fn secrets_check(config: &super::config::Config) -> Result<String> {
    use hmac::Mac;
    let system = config.secret("secret")?;
    let server = config.secret("passwords.secret")?;
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(system.as_ref().map_or("", |s| s.expose()).as_bytes())
            .map_err(|_| Error::internal("HMAC rejected a key"))?;
    mac.update(b"pwaccount snapshot secrets check\0");
    mac.update(server.as_ref().map_or("", |s| s.expose()).as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// Column names quoted as the engine quotes identifiers.
fn quoted_names(engine: Engine, names: &[String]) -> String {
    let q = if engine == Engine::MySql { '`' } else { '"' };
    names
        .iter()
        .map(|n| format!("{q}{n}{q}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn column_names(conn: &Connection, schema: &str, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid")?;
    let names = stmt
        .query_map([table, schema], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(names)
}

/// A snapshot this build wrote for an installation whose tables have `columns`: the
/// mark, intact, the same tables and columns, a valid user id, every row that user's,
/// and rows matching the digest.
fn check(conn: &Connection, columns: &[(String, Vec<String>)]) -> Result<Info> {
    let schema = "main";
    let app_id: i32 = conn
        .query_row(&format!("PRAGMA {schema}.application_id"), [], |r| r.get(0))
        .map_err(|_| not_usable("it is not an SQLite database".into()))?;
    if app_id != APPLICATION_ID {
        return Err(not_usable(
            "it is not a pwaccount snapshot of a Nextcloud user".into(),
        ));
    }
    let version: i64 =
        conn.query_row(&format!("PRAGMA {schema}.user_version"), [], |r| r.get(0))?;
    if version != FORMAT_VERSION {
        return Err(not_usable(format!("unknown snapshot format {version}")));
    }
    let integrity: String =
        conn.query_row(&format!("PRAGMA {schema}.integrity_check"), [], |r| {
            r.get(0)
        })?;
    if integrity != "ok" {
        return Err(not_usable(format!("it is damaged ({integrity})")));
    }
    for (table, live) in columns {
        let stored = column_names(conn, schema, table)?;
        if &stored != live {
            return Err(not_usable(format!(
                "its table {table} has other columns than this installation's (the app changed \
                 since the snapshot was written)"
            )));
        }
    }
    let meta = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                &format!("SELECT value FROM {schema}.meta WHERE key = ?1"),
                [key],
                |r| r.get(0),
            )
            .optional()?)
    };
    let user = meta("user")?.ok_or_else(|| not_usable("it names no user".into()))?;
    crate::store::validate_user_id(&user)
        .map_err(|e| not_usable(format!("the user id it names is not valid ({})", e.message)))?;
    let (digest, _rows) = scan(conn, schema, Some(&user))?;
    if meta("digest")?.as_deref() != Some(digest.as_str()) {
        return Err(not_usable(
            "its rows were changed after it was written (digest mismatch)".into(),
        ));
    }
    only_app_preferences(conn)?;
    let created = meta("created")?
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| not_usable("its creation time is missing or not a number".into()))?;
    let counts = snapshot_counts(conn, &user)?;
    Ok(Info {
        user,
        created,
        counts,
    })
}

/// The content rule of the preferences a snapshot may put back: the Passwords app's own
/// (`appid = 'passwords'`), never another app's (`files`/`quota`, `core`, `login_token`…),
/// whatever the digest says: the digest is a check against accidents, anyone can
/// recompute it.
fn only_app_preferences(conn: &Connection) -> Result<()> {
    let other: Option<(String, String)> = conn
        .query_row(
            "SELECT CAST(appid AS TEXT), CAST(configkey AS TEXT) FROM main.preferences \
             WHERE appid IS NOT 'passwords' ORDER BY rowid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match other {
        Some((app, key)) => Err(not_usable(format!(
            "it holds a preference of another app than Passwords ({}/{}), which a restore \
             never writes",
            crate::text::escape_controls(&app),
            crate::text::escape_controls(&key)
        ))),
        None => Ok(()),
    }
}

/// What a snapshot holds, counted as `status` counts (rows not flagged deleted).
fn snapshot_counts(conn: &Connection, user: &str) -> Result<Counts> {
    super::queries::counts_with("main.", false, &|sql| {
        let n: i64 = conn.query_row(&sql.replace("$1", "?1"), [user], |r| r.get(0))?;
        Ok(n as u64)
    })
}
