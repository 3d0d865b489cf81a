//! One connection to a Nextcloud database on any of the engines Nextcloud supports here:
//! an SQLite file, or a PostgreSQL or MySQL/MariaDB server. The queries of this module's
//! parent are written once, with numbered placeholders (`$1`, `$2`, …, each may repeat) and
//! SQL all three engines read the same way (`TRUE`/`FALSE` for the app's flags); `bind`
//! rewrites the placeholders for each engine. Values cross as `Value`: the app's booleans
//! are read as 0/1 integers on every engine (as SQLite stores them), and written back as
//! the column's own type.

#[cfg(feature = "servers")]
use std::cell::RefCell;
#[cfg(feature = "servers")]
use std::time::Duration;

use rusqlite::types::ValueRef;

use crate::error::{Error, Id, Result};

/// What is called with each row of a query, in order; an error stops the query.
pub(crate) type EachRow<'a> = &'a mut dyn FnMut(Vec<Value>) -> Result<()>;

/// A value read from or written to a column.
#[derive(Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub(crate) fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    /// The value as text, if it is text.
    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::text(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::text(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

/// The database engine of an installation (`dbtype`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
    MySql,
}

impl Engine {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
            Engine::MySql => "MySQL/MariaDB",
        }
    }
}

/// How a connection to a server uses TLS, from the configuration (PostgreSQL's
/// `pgsql_ssl`, MySQL's SSL options in `dbdriveroptions`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TlsMode {
    /// No TLS.
    Off,
    /// TLS if the server offers it, certificate not checked (libpq's `prefer`, its default).
    Prefer,
    /// TLS, certificate not checked.
    Require,
    /// TLS, the certificate must chain to the root certificate; its name is not checked.
    VerifyCa,
    /// TLS, the certificate must chain to the root certificate and name the host.
    VerifyFull,
}

/// TLS settings: the mode and the files it names.
// Read by the server drivers only (not in the SQLite-only build).
#[cfg_attr(not(feature = "servers"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Tls {
    pub(crate) mode: TlsMode,
    pub(crate) root_cert: Option<std::path::PathBuf>,
    pub(crate) client_cert: Option<std::path::PathBuf>,
    pub(crate) client_key: Option<std::path::PathBuf>,
    pub(crate) crl: Option<std::path::PathBuf>,
}

/// Where a database server is and who to log in as, from the configuration. Its `Debug`
/// shows no password.
#[cfg_attr(not(feature = "servers"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) engine: Engine,
    /// A host name or address, for TCP.
    pub(crate) host: Option<String>,
    /// A Unix socket: PostgreSQL's socket folder, MySQL's socket file.
    pub(crate) socket: Option<String>,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) password: crate::crypto::SecretText,
    pub(crate) database: String,
    pub(crate) tls: Tls,
}

impl Server {
    /// Host, database and user, for messages (never the password).
    pub(crate) fn describe(&self) -> String {
        let at = match (&self.socket, &self.host) {
            (Some(socket), _) => format!("socket {socket}"),
            (None, Some(host)) => format!("{host}:{}", self.port),
            (None, None) => "localhost".into(),
        };
        format!(
            "{} database '{}' on {at} as user '{}'",
            self.engine.name(),
            self.database,
            self.user
        )
    }
}

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
            Id::NextcloudUnsupported,
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

/// The bounds of every wait on one server: connecting (TCP, TLS and the login together)
/// within the server timeout, each statement within it plus the busy timeout (a
/// statement may wait that long for another writer's lock). A wait past its bound, or an
/// interruption during one, ends the run (`interrupt::network`).
#[cfg(feature = "servers")]
pub(super) struct Waits {
    server: String,
    connect: Duration,
    statement: Duration,
}

#[cfg(feature = "servers")]
impl Waits {
    pub(super) fn new(server: &Server, timeouts: crate::store::Timeouts) -> Self {
        Waits {
            server: server.describe(),
            connect: timeouts.server,
            statement: timeouts.server + timeouts.busy,
        }
    }

    /// The connection attempt, bounded.
    pub(super) fn connect<T>(&self, connect: impl FnOnce() -> T) -> T {
        crate::interrupt::network(
            self.connect,
            &|| format!("{} (connecting)", self.server),
            connect,
        )
    }

    /// One statement's round trips, bounded.
    pub(super) fn statement<T>(&self, run: impl FnOnce() -> T) -> T {
        crate::interrupt::network(
            self.statement,
            &|| format!("{} (a statement)", self.server),
            run,
        )
    }

    /// How long a connection attempt may take.
    pub(super) fn connect_limit(&self) -> Duration {
        self.connect
    }
}

/// A network failure in words, from the first I/O or TLS error in `e`'s chain of causes:
/// refused, unreachable, timed out, TLS, the server gone. `None` when the chain holds
/// neither (the driver's own words are then used).
#[cfg(feature = "servers")]
pub(super) fn network_words(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(format!("TLS failed: {tls}"));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref()
                && let Some(words) = network_words(inner)
            {
                return Some(words);
            }
            return Some(io_words(io.kind(), &io.to_string()));
        }
        cause = e.source();
    }
    None
}

/// An I/O failure of a connection, by its kind (`text`: what the system said), in words
/// without parentheses: the message wraps a lost connection's reason in a pair of its own.
#[cfg(feature = "servers")]
pub(super) fn io_words(kind: std::io::ErrorKind, text: &str) -> String {
    use std::io::ErrorKind as K;
    // "No route to host (os error 113)" → "No route to host".
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text,
    };
    match kind {
        K::ConnectionRefused => "the connection was refused: no server listens there".into(),
        K::NotFound => "no server listens there: no such socket".into(),
        K::TimedOut | K::WouldBlock => "the server did not answer in time".into(),
        K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable => {
            format!("the server's host is unreachable: {text}")
        }
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            "the server closed the connection; it went away or was stopped".into()
        }
        K::PermissionDenied => format!("the connection was not permitted: {text}"),
        _ => format!("the connection failed: {text}"),
    }
}

#[cfg(feature = "servers")]
pub(super) fn connect_error(server: &Server, reason: &str, refused: bool) -> Error {
    if refused {
        Error::new(
            Id::ServerLoginFailed,
            format!("the {} refused the login: {reason}", server.describe()),
        )
    } else {
        Error::new(
            Id::ServerUnreachable,
            format!("cannot reach the {}: {reason}", server.describe()),
        )
    }
}

#[cfg(feature = "servers")]
pub(super) fn busy() -> Error {
    Error::new(
        Id::DatabaseBusy,
        "the database is busy: another program is writing to it; try again",
    )
}

/// A transaction the server aborted as a conflict with another writer (also what the
/// debug builds' `PWACCOUNT_TEST_CONFLICTS` makes a commit fail with, on every engine).
#[cfg_attr(not(any(feature = "servers", debug_assertions)), allow(dead_code))]
pub(super) fn conflict() -> Error {
    Error {
        retry: true,
        ..Error::new(
            Id::DatabaseBusy,
            "the database is busy: another program changed the same rows at the same time; \
             nothing was changed; try again",
        )
    }
}

const LOST: &str = "the connection to the database server was lost (";
const ROLLED_BACK: &str =
    "); the server rolled the command's transaction back, nothing was changed";

#[cfg(feature = "servers")]
pub(super) fn lost(reason: &str) -> Error {
    Error::new(Id::ConnectionLost, format!("{LOST}{reason}{ROLLED_BACK}"))
}

/// A connection lost during COMMIT: the server may have committed first (a Galera node
/// that certified the change: the other nodes commit it even when that node dies), so
/// the outcome is unknown and said to be.
pub(super) fn lost_in_commit(e: Error) -> Error {
    if e.id != Id::ConnectionLost {
        return e;
    }
    let reason = e
        .message
        .strip_prefix(LOST)
        .and_then(|m| m.strip_suffix(ROLLED_BACK))
        .unwrap_or("the server went away")
        .to_owned();
    Error {
        message: format!(
            "the connection to the database server was lost while the change was being \
             committed ({reason}), so whether it was committed is unknown: look with \
             `status` before running it again"
        ),
        outcome_unknown: true,
        ..e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_debug_shows_no_password() {
        let server = Server {
            engine: Engine::Postgres,
            host: Some("db".into()),
            socket: None,
            port: 5432,
            user: "nextcloud".into(),
            password: crate::crypto::SecretText::new("the-db-password"),
            database: "nextcloud".into(),
            tls: Tls {
                mode: TlsMode::Prefer,
                root_cert: None,
                client_cert: None,
                client_key: None,
                crl: None,
            },
        };
        let shown = format!("{server:?}");
        assert!(
            shown.contains("[REDACTED]") && !shown.contains("the-db-password"),
            "{shown}"
        );
    }

    /// A lost connection's message wraps its reason in parentheses: the words for a
    /// network failure hold none (an OS error's number is dropped).
    #[cfg(feature = "servers")]
    #[test]
    fn network_failures_in_words_hold_no_parentheses() {
        use std::io::ErrorKind as K;
        for kind in [
            K::ConnectionRefused,
            K::NotFound,
            K::TimedOut,
            K::HostUnreachable,
            K::ConnectionReset,
            K::UnexpectedEof,
            K::PermissionDenied,
            K::Other,
        ] {
            let words = io_words(kind, "Something happened (os error 104)");
            assert!(!words.contains(['(', ')']), "{kind:?}: {words}");
        }
        assert_eq!(
            io_words(K::HostUnreachable, "No route to host (os error 113)"),
            "the server's host is unreachable: No route to host"
        );
    }

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
