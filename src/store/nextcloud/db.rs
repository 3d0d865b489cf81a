//! One connection to a Nextcloud database on any of the engines Nextcloud supports here:
//! an SQLite file, or a PostgreSQL or MySQL/MariaDB server. The queries of this module's
//! parent are written once, with numbered placeholders (`$1`, `$2`, …, each may repeat) and
//! SQL all three engines read the same way (`TRUE`/`FALSE` for the app's flags); `bind`
//! rewrites the placeholders for each engine. Values cross as `Value`: the app's booleans
//! are read as 0/1 integers on every engine (as SQLite stores them), and written back as
//! the column's own type.

#[cfg(feature = "servers")]
use std::cell::RefCell;

use rusqlite::types::ValueRef;

#[cfg(debug_assertions)]
pub(super) use super::wire::conflict;
pub(super) use super::wire::lost_in_commit;
pub(crate) use super::wire::{EachRow, Engine, Server, Tls, TlsMode, Value};
use crate::error::{Error, Result};

/// An open connection.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "servers")]
    Postgres(Box<RefCell<super::pg_conn::Pg>>),
    #[cfg(feature = "servers")]
    MySql(Box<RefCell<super::mysql_conn::My>>),
}

/// `sql` with its `$N` placeholders as the engine reads them, and the index (into the
/// caller's parameters) of each parameter the engine will be given, in order.
fn bind(sql: &str, engine: Engine) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(sql.len());
    let mut order: Vec<usize> = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let digits_follow = c == '$' && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit());
        if !digits_follow {
            out.push(c);
            continue;
        }
        let mut n = 0usize;
        while let Some((_, d)) = chars.peek().copied() {
            let Some(v) = d.to_digit(10) else { break };
            n = n * 10 + v as usize;
            chars.next();
        }
        let index = n.saturating_sub(1);
        match engine {
            Engine::MySql => {
                out.push('?');
                order.push(index);
            }
            Engine::Sqlite | Engine::Postgres => {
                let position = match order.iter().position(|&i| i == index) {
                    Some(p) => p,
                    None => {
                        order.push(index);
                        order.len() - 1
                    }
                };
                out.push(if engine == Engine::Sqlite { '?' } else { '$' });
                out.push_str(&(position + 1).to_string());
            }
        }
    }
    (out, order)
}

fn pick<'v>(params: &'v [Value], order: &[usize]) -> Result<Vec<&'v Value>> {
    order
        .iter()
        .map(|&i| {
            params
                .get(i)
                .ok_or_else(|| Error::internal("a query names a parameter it was not given"))
        })
        .collect()
}

impl Conn {
    /// Debug builds only: with `PWACCOUNT_TEST_SQL_LOG=FILE`, every statement sent to a
    /// database server is appended to FILE as `<engine>\t<SQL as sent>` (`pgsql` or
    /// `mysql`), for the test of every statement's plan (tests/query_plans.rs). SQLite
    /// connections are logged by their trace hook (`store::connect`).
    #[cfg(debug_assertions)]
    fn log_for_tests(&self, sql: &str) {
        use std::io::Write;
        let tag = match self.engine() {
            Engine::Sqlite => return,
            Engine::Postgres => "pgsql",
            Engine::MySql => "mysql",
        };
        let Some(log) = std::env::var_os("PWACCOUNT_TEST_SQL_LOG") else {
            return;
        };
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(file, "{tag}\t{sql}");
        }
    }

    pub(crate) fn engine(&self) -> Engine {
        match self {
            Conn::Sqlite(_) => Engine::Sqlite,
            #[cfg(feature = "servers")]
            Conn::Postgres(_) => Engine::Postgres,
            #[cfg(feature = "servers")]
            Conn::MySql(_) => Engine::MySql,
        }
    }

    /// Connect to a database server, with the busy timeout as its lock wait limit.
    #[cfg(feature = "servers")]
    pub(crate) fn connect(server: &Server, timeouts: crate::store::Timeouts) -> Result<Conn> {
        match server.engine {
            Engine::Postgres => Ok(Conn::Postgres(Box::new(RefCell::new(
                super::pg_conn::connect(server, timeouts)?,
            )))),
            Engine::MySql => Ok(Conn::MySql(Box::new(RefCell::new(
                super::mysql_conn::connect(server, timeouts)?,
            )))),
            Engine::Sqlite => Err(Error::internal("an SQLite file is opened, not connected")),
        }
    }

    /// This build has no database server support (`--no-default-features`).
    #[cfg(not(feature = "servers"))]
    pub(crate) fn connect(server: &Server, _timeouts: crate::store::Timeouts) -> Result<Conn> {
        Err(Error::new(
            crate::error::Id::NextcloudUnsupported,
            format!(
                "the installation's database is on a server ({}), and this pwaccount was \
                 built for SQLite only (without the `servers` feature); nothing was changed",
                server.describe()
            ),
        ))
    }

    /// `sql` in this engine's placeholders (logged for the tests' query-plan checks) and
    /// `params` in the order it names them.
    fn prepare<'v>(&self, sql: &str, params: &'v [Value]) -> Result<(String, Vec<&'v Value>)> {
        let (sql, order) = bind(sql, self.engine());
        #[cfg(debug_assertions)]
        self.log_for_tests(&sql);
        Ok((sql, pick(params, &order)?))
    }

    /// Run a statement; the number of rows it changed (on MySQL: found).
    pub(crate) fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        let (sql, params) = self.prepare(sql, params)?;
        match self {
            Conn::Sqlite(c) => {
                let n = c.execute(
                    &sql,
                    rusqlite::params_from_iter(params.iter().map(|v| to_sqlite(v))),
                )?;
                Ok(n as u64)
            }
            #[cfg(feature = "servers")]
            Conn::Postgres(pg) => pg.borrow_mut().execute(&sql, &params),
            #[cfg(feature = "servers")]
            Conn::MySql(my) => my.borrow_mut().execute(&sql, &params),
        }
    }

    /// Run a statement that returns nothing, without parameters.
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        #[cfg(debug_assertions)]
        self.log_for_tests(sql);
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            #[cfg(feature = "servers")]
            Conn::Postgres(pg) => pg.borrow_mut().batch(sql),
            #[cfg(feature = "servers")]
            Conn::MySql(my) => my.borrow_mut().batch(sql),
        }
    }

    /// Call `each` with every row of a query, in order, as it arrives.
    pub(crate) fn rows(&self, sql: &str, params: &[Value], each: EachRow<'_>) -> Result<()> {
        let (sql, params) = self.prepare(sql, params)?;
        match self {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare(&sql)?;
                let width = stmt.column_count();
                let mut cursor = stmt.query(rusqlite::params_from_iter(
                    params.iter().map(|v| to_sqlite(v)),
                ))?;
                while let Some(row) = cursor.next()? {
                    let mut values = Vec::with_capacity(width);
                    for i in 0..width {
                        values.push(from_sqlite(row.get_ref(i)?));
                    }
                    each(values)?;
                }
                Ok(())
            }
            #[cfg(feature = "servers")]
            Conn::Postgres(pg) => pg.borrow_mut().rows(&sql, &params, each),
            #[cfg(feature = "servers")]
            Conn::MySql(my) => my.borrow_mut().rows(&sql, &params, each),
        }
    }

    /// Every row of a query.
    pub(crate) fn all(&self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>> {
        let mut out = Vec::new();
        self.rows(sql, params, &mut |row| {
            out.push(row);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first column of the first row of a query, if there is a row.
    pub(crate) fn value(&self, sql: &str, params: &[Value]) -> Result<Option<Value>> {
        Ok(self
            .all(sql, params)?
            .into_iter()
            .next()
            .and_then(|row| row.into_iter().next()))
    }

    /// A count (the first column of the first row).
    pub(crate) fn count(&self, sql: &str, params: &[Value]) -> Result<u64> {
        match self.value(sql, params)? {
            Some(Value::Int(n)) => Ok(u64::try_from(n).unwrap_or(0)),
            Some(Value::Text(t)) => t
                .parse()
                .map_err(|_| Error::internal("a count came back as non-numeric text")),
            _ => Ok(0),
        }
    }

    /// Whether a table of this name exists (in the connection's database or schema).
    pub(crate) fn has_table(&self, name: &str) -> Result<bool> {
        Ok(!self.columns(name)?.is_empty())
    }

    /// A table's column names and declared types, in order (empty: no such table).
    pub(crate) fn columns(&self, table: &str) -> Result<Vec<(String, String)>> {
        let sql = match self.engine() {
            Engine::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            Engine::Postgres => {
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
            }
            Engine::MySql => {
                "SELECT CAST(column_name AS CHAR), CAST(data_type AS CHAR) FROM information_schema.columns
                 WHERE table_schema = DATABASE() AND table_name = $1 ORDER BY ordinal_position"
            }
        };
        self.all(sql, &[Value::text(table)])?
            .into_iter()
            .map(|row| {
                let mut row = row.into_iter();
                let name = row.next().and_then(Value::into_text);
                let kind = row.next().and_then(Value::into_text).unwrap_or_default();
                name.map(|n| (n, kind.to_ascii_lowercase()))
                    .ok_or_else(|| Error::internal("a column without a name"))
            })
            .collect()
    }

    /// Begin the command's transaction: a consistent read, or its one write, which on a
    /// server runs serializable (a concurrent change to what it read makes it fail, and
    /// nothing is written) and waits for other writers' locks up to the busy timeout.
    pub(crate) fn begin(&self, write: bool) -> Result<()> {
        let sql = match (self.engine(), write) {
            (Engine::Sqlite, false) => "BEGIN DEFERRED",
            (Engine::Sqlite, true) => "BEGIN IMMEDIATE",
            (Engine::Postgres, false) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            (Engine::Postgres, true) => "BEGIN ISOLATION LEVEL SERIALIZABLE",
            (Engine::MySql, false) => {
                self.batch("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
                "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"
            }
            (Engine::MySql, true) => {
                self.batch("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
                "START TRANSACTION"
            }
        };
        self.batch(sql)?;
        #[cfg(feature = "servers")]
        if let Conn::Postgres(pg) = self {
            pg.borrow_mut().set_local_limits()?;
        }
        Ok(())
    }

    pub(crate) fn commit(&self) -> Result<()> {
        self.batch("COMMIT")
    }

    /// Roll back the open transaction; a failure is ignored (a lost connection has
    /// rolled it back on the server already).
    pub(crate) fn rollback(&self) {
        let _ = self.batch("ROLLBACK");
    }

    /// Move a PostgreSQL id sequence of `table` past the largest id (after rows were put
    /// back with their ids); nothing on the other engines, which do it themselves.
    pub(crate) fn sync_id_sequence(&self, table: &str) -> Result<()> {
        if self.engine() != Engine::Postgres {
            return Ok(());
        }
        let Some(Value::Text(seq)) = self.value(
            "SELECT pg_get_serial_sequence($1, 'id')::text",
            &[Value::text(table)],
        )?
        else {
            return Ok(());
        };
        self.execute(
            &format!(
                "SELECT setval($1::text::regclass, m) FROM (SELECT max(id) AS m FROM \"{table}\") AS t
                 WHERE m IS NOT NULL AND m > (SELECT last_value FROM {seq})"
            ),
            &[Value::Text(seq.clone())],
        )?;
        Ok(())
    }
}

/// A value as SQLite stores it.
pub(crate) fn to_sqlite(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Int(i) => V::Integer(*i),
        Value::Real(f) => V::Real(*f),
        Value::Text(s) => V::Text(s.clone()),
        Value::Blob(b) => V::Blob(b.clone()),
    }
}

/// A value SQLite returned.
pub(crate) fn from_sqlite(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => Value::Text(s.to_owned()),
            Err(_) => Value::Blob(t.to_vec()),
        },
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_per_engine() {
        let sql = "a = $1 AND b = $3 OR c = $1";
        assert_eq!(
            bind(sql, Engine::Postgres),
            ("a = $1 AND b = $2 OR c = $1".into(), vec![0, 2])
        );
        assert_eq!(
            bind(sql, Engine::Sqlite),
            ("a = ?1 AND b = ?2 OR c = ?1".into(), vec![0, 2])
        );
        assert_eq!(
            bind(sql, Engine::MySql),
            ("a = ? AND b = ? OR c = ?".into(), vec![0, 2, 0])
        );
        assert_eq!(bind("x = '$'", Engine::MySql), ("x = '$'".into(), vec![]));
    }
}
