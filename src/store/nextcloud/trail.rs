//! The audit trail on a Nextcloud installation: pwaccount's own table
//! `<prefix>pwaccount_audit` beside the app's (see `store::audit`). The app and Nextcloud
//! never read it; pwaccount creates it with the first change it makes there.

use super::db::{Conn, Engine, Value};
use super::{NextcloudStore, Tx};
use crate::error::{Error, Result};
use crate::store::audit::{self, Entry, Record};

/// The statements that create the trail's table `t` on `engine`, if it is not there.
fn create_statements(engine: Engine, t: &str) -> Vec<String> {
    let columns = "time BIGINT NOT NULL,
        user_id VARCHAR(64) NULL,
        action VARCHAR(32) NOT NULL,
        outcome VARCHAR(32) NOT NULL,
        os_user VARCHAR(255) NOT NULL,
        os_uid BIGINT NULL,
        host VARCHAR(255) NOT NULL,
        details TEXT NOT NULL";
    match engine {
        Engine::Sqlite => vec![
            format!("CREATE TABLE IF NOT EXISTS {t} (id INTEGER PRIMARY KEY, {columns})"),
            format!("CREATE INDEX IF NOT EXISTS {t}_user ON {t} (user_id, id)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_time ON {t} (time)"),
        ],
        Engine::Postgres => vec![
            format!("CREATE TABLE IF NOT EXISTS {t} (id BIGSERIAL PRIMARY KEY, {columns})"),
            format!("CREATE INDEX IF NOT EXISTS {t}_user ON {t} (user_id, id)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_time ON {t} (time)"),
        ],
        // One statement: MySQL commits each DDL statement by itself. Byte-wise collation,
        // so that account ids compare exactly, as everywhere else in pwaccount.
        Engine::MySql => vec![format!(
            "CREATE TABLE IF NOT EXISTS {t} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, {columns},
             PRIMARY KEY (id), INDEX {t}_user (user_id, id), INDEX {t}_time (time))
             ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin"
        )],
    }
}

impl NextcloudStore {
    /// The trail's table, with the installation's prefix.
    pub(super) fn trail_table(&self) -> String {
        format!("{}{}", self.prefix, audit::NEXTCLOUD_TABLE)
    }

    /// Begin the one write transaction of a change, with the trail's table there: created
    /// inside the transaction where the engine can (SQLite, PostgreSQL: a change that
    /// rolls back takes the new table with it), and just before it on MySQL, which commits
    /// a `CREATE TABLE` on its own.
    pub(super) fn begin_change(&mut self) -> Result<Tx<'_>> {
        let table = self.trail_table();
        let missing = !self.conn.has_table(&table)?;
        let engine = self.conn.engine();
        if missing && engine == Engine::MySql {
            create(&self.conn, engine, &table)?;
        }
        let reader = self.begin(true)?;
        if missing && engine != Engine::MySql {
            create(reader.db, engine, &table)?;
        }
        reader.has_trail.set(Some(true));
        Ok(reader)
    }
}

fn create(conn: &Conn, engine: Engine, table: &str) -> Result<()> {
    for sql in create_statements(engine, table) {
        conn.batch(&sql).map_err(|e| {
            Error::new(
                e.id,
                format!(
                    "cannot create pwaccount's audit table {table}, which records every change \
                     pwaccount makes (nothing was changed): {}",
                    e.message
                ),
            )
        })?;
    }
    Ok(())
}

impl Tx<'_> {
    pub(super) fn trail_table(&self) -> String {
        format!("{}{}", self.prefix, audit::NEXTCLOUD_TABLE)
    }

    /// Whether the trail's table is there (asked once per run).
    pub(super) fn has_trail(&self) -> Result<bool> {
        if let Some(known) = self.has_trail.get() {
            return Ok(known);
        }
        let known = self.db.has_table(&self.trail_table())?;
        self.has_trail.set(Some(known));
        Ok(known)
    }

    /// Append `record` to the trail, timed now, in this (write) transaction.
    pub(crate) fn append_audit(&self, record: &Record) -> Result<()> {
        let mut row = record.row(crate::text::now()?);
        // A change on an app version this build was not verified with says so.
        if let Some(version) = self.accepted
            && let Ok(serde_json::Value::Object(mut details)) =
                serde_json::from_str::<serde_json::Value>(&row.details)
        {
            details.insert("unverified_app_accepted".into(), version.into());
            row.details = serde_json::Value::Object(details).to_string();
        }
        self.db.execute(
            &format!(
                "INSERT INTO {} ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                self.trail_table(),
                audit::COLUMNS
            ),
            &[
                Value::Int(row.time),
                row.user.map_or(Value::Null, Value::text),
                Value::text(row.action),
                Value::text(row.outcome),
                Value::text(&row.actor.os_user),
                Value::Int(row.actor.os_uid),
                Value::text(&row.actor.host),
                Value::Text(row.details),
            ],
        )?;
        Ok(())
    }
}

/// A trail row (`audit::READ_COLUMNS`) as an entry.
pub(super) fn entry(row: Vec<Value>) -> Result<Entry> {
    let id = row.first().and_then(Value::as_int);
    let bad = |column: &str| audit::damaged_record(id, column);
    let mut it = row.into_iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| Error::internal("a short audit row"))
    };
    let int = |v: Value, column: &str| -> Result<Option<i64>> {
        match v {
            Value::Null => Ok(None),
            Value::Int(i) => Ok(Some(i)),
            Value::Text(t) => t.parse().map(Some).map_err(|_| bad(column)),
            _ => Err(bad(column)),
        }
    };
    let text = |v: Value, column: &str| -> Result<Option<String>> {
        match v {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t)),
            _ => Err(bad(column)),
        }
    };
    Ok(Entry {
        id: int(next()?, "id")?.ok_or_else(|| bad("id"))?,
        time: int(next()?, "time")?.ok_or_else(|| bad("time"))?,
        account: text(next()?, "user_id")?,
        action: text(next()?, "action")?.unwrap_or_default(),
        outcome: text(next()?, "outcome")?.unwrap_or_default(),
        os_user: text(next()?, "os_user")?.unwrap_or_default(),
        os_uid: int(next()?, "os_uid")?,
        host: text(next()?, "host")?.unwrap_or_default(),
        details: audit::parse_details(&text(next()?, "details")?.unwrap_or_default()),
    })
}
