//! One connection to a Nextcloud database on any of the engines Nextcloud supports here:
//! an SQLite file, or a PostgreSQL or MySQL/MariaDB server. The queries of this module's
//! parent are written once, with numbered placeholders (`$1`, `$2`, …, each may repeat) and
//! SQL all three engines read the same way (`TRUE`/`FALSE` for the app's flags); `bind`
//! rewrites the placeholders for each engine. Values cross as `Value`: the app's booleans
//! are read as 0/1 integers on every engine (as SQLite stores them), and written back as
//! the column's own type.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;
use zeroize::Zeroizing;

use crate::error::{Error, Id, Result};

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
#[derive(Clone, Copy, PartialEq, Eq)]
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
pub(crate) struct Tls {
    pub(crate) mode: TlsMode,
    pub(crate) root_cert: Option<std::path::PathBuf>,
    pub(crate) client_cert: Option<std::path::PathBuf>,
    pub(crate) client_key: Option<std::path::PathBuf>,
    pub(crate) crl: Option<std::path::PathBuf>,
}

/// Where a database server is and who to log in as, from the configuration.
pub(crate) struct Server {
    pub(crate) engine: Engine,
    /// A host name or address, for TCP.
    pub(crate) host: Option<String>,
    /// A Unix socket: PostgreSQL's socket folder, MySQL's socket file.
    pub(crate) socket: Option<String>,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) password: Zeroizing<String>,
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

/// A PostgreSQL connection and the statements prepared on it.
pub(crate) struct Pg {
    client: postgres::Client,
    prepared: HashMap<String, postgres::Statement>,
}

/// An open connection.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<Pg>>),
    MySql(RefCell<mysql::Conn>),
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
            Conn::Postgres(_) => Engine::Postgres,
            Conn::MySql(_) => Engine::MySql,
        }
    }

    /// Connect to a database server, with the busy timeout as its lock wait limit.
    pub(crate) fn connect(server: &Server, busy: Duration) -> Result<Conn> {
        match server.engine {
            Engine::Postgres => pg_connect(server, busy),
            Engine::MySql => my_connect(server, busy),
            Engine::Sqlite => Err(Error::internal("an SQLite file is opened, not connected")),
        }
    }

    /// Run a statement; the number of rows it changed (on MySQL: found).
    pub(crate) fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        let (sql, order) = bind(sql, self.engine());
        #[cfg(debug_assertions)]
        self.log_for_tests(&sql);
        let params = pick(params, &order)?;
        match self {
            Conn::Sqlite(c) => {
                let n = c.execute(
                    &sql,
                    rusqlite::params_from_iter(params.iter().map(|v| to_sqlite(v))),
                )?;
                Ok(n as u64)
            }
            Conn::Postgres(pg) => {
                let mut pg = pg.borrow_mut();
                let stmt = pg.statement(&sql)?;
                let values = pg_params(&stmt, &params)?;
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    values.iter().map(|v| v.as_ref()).collect();
                Ok(pg.client.execute(&stmt, &refs)?)
            }
            Conn::MySql(my) => {
                use mysql::prelude::Queryable;
                let mut my = my.borrow_mut();
                let values: Vec<mysql::Value> = params.iter().map(|v| my_in(v)).collect();
                if values.is_empty() {
                    my.query_drop(&sql)?;
                } else {
                    my.exec_drop(&sql, mysql::Params::Positional(values))?;
                }
                Ok(my.affected_rows())
            }
        }
    }

    /// Run a statement that returns nothing, without parameters.
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        #[cfg(debug_assertions)]
        self.log_for_tests(sql);
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(pg) => Ok(pg.borrow_mut().client.batch_execute(sql)?),
            Conn::MySql(my) => {
                use mysql::prelude::Queryable;
                Ok(my.borrow_mut().query_drop(sql)?)
            }
        }
    }

    /// Call `each` with every row of a query, in order, as it arrives.
    pub(crate) fn rows(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Vec<Value>) -> Result<()>,
    ) -> Result<()> {
        let (sql, order) = bind(sql, self.engine());
        #[cfg(debug_assertions)]
        self.log_for_tests(&sql);
        let params = pick(params, &order)?;
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
            Conn::Postgres(pg) => {
                use postgres::fallible_iterator::FallibleIterator;
                let mut pg = pg.borrow_mut();
                let stmt = pg.statement(&sql)?;
                let values = pg_params(&stmt, &params)?;
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    values.iter().map(|v| v.as_ref()).collect();
                let mut it = pg.client.query_raw(&stmt, refs)?;
                while let Some(row) = it.next()? {
                    each(pg_out(&row)?)?;
                }
                Ok(())
            }
            Conn::MySql(my) => {
                use mysql::prelude::Queryable;
                let mut my = my.borrow_mut();
                let values: Vec<mysql::Value> = params.iter().map(|v| my_in(v)).collect();
                let mut result = my.exec_iter(&sql, mysql::Params::Positional(values))?;
                let mut failed = None;
                for row in result.by_ref() {
                    let row = row?;
                    if failed.is_none()
                        && let Err(e) = my_out(row).and_then(&mut *each)
                    {
                        failed = Some(e);
                    }
                }
                drop(result);
                failed.map_or(Ok(()), Err)
            }
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
        self.batch(sql)
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

impl Pg {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(stmt) = self.prepared.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.client.prepare(sql)?;
        self.prepared.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
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

type PgParam = Box<dyn postgres::types::ToSql + Sync>;

/// The values as the types the statement's parameters have (the app's flags are
/// `boolean` on PostgreSQL, and 0/1 everywhere else).
fn pg_params(stmt: &postgres::Statement, params: &[&Value]) -> Result<Vec<PgParam>> {
    use postgres::types::Type;
    let mismatch = |ty: &Type| {
        Error::new(
            Id::DatabaseError,
            format!("database error: a value does not fit a column of type {ty}"),
        )
    };
    stmt.params()
        .iter()
        .zip(params)
        .map(|(ty, value)| -> Result<PgParam> {
            Ok(match (value, ty) {
                (Value::Null, _) => match *ty {
                    Type::BOOL => Box::new(None::<bool>),
                    Type::INT2 => Box::new(None::<i16>),
                    Type::INT4 => Box::new(None::<i32>),
                    Type::INT8 => Box::new(None::<i64>),
                    Type::FLOAT4 => Box::new(None::<f32>),
                    Type::FLOAT8 => Box::new(None::<f64>),
                    Type::BYTEA => Box::new(None::<Vec<u8>>),
                    _ => Box::new(None::<String>),
                },
                (Value::Int(i), &Type::BOOL) => Box::new(*i != 0),
                (Value::Int(i), &Type::INT2) => {
                    Box::new(i16::try_from(*i).map_err(|_| mismatch(ty))?)
                }
                (Value::Int(i), &Type::INT4) => {
                    Box::new(i32::try_from(*i).map_err(|_| mismatch(ty))?)
                }
                (Value::Int(i), &Type::INT8) => Box::new(*i),
                (Value::Int(i), &Type::TEXT | &Type::VARCHAR) => Box::new(i.to_string()),
                (Value::Real(f), &Type::FLOAT8) => Box::new(*f),
                (Value::Real(f), &Type::FLOAT4) => Box::new(*f as f32),
                (Value::Text(s), &Type::INT8) => {
                    Box::new(s.parse::<i64>().map_err(|_| mismatch(ty))?)
                }
                (Value::Text(s), _) => Box::new(s.clone()),
                (Value::Blob(b), &Type::BYTEA) => Box::new(b.clone()),
                _ => return Err(mismatch(ty)),
            })
        })
        .collect()
}

fn pg_out(row: &postgres::Row) -> Result<Vec<Value>> {
    use postgres::types::Type;
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = match *ty {
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map_or(Value::Null, |b| Value::Int(i64::from(b))),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map_or(Value::Null, |n| Value::Int(n.into())),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map_or(Value::Null, |n| Value::Int(n.into())),
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)?
                .map_or(Value::Null, Value::Int),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map_or(Value::Null, |f| Value::Real(f.into())),
            Type::FLOAT8 => row
                .try_get::<_, Option<f64>>(i)?
                .map_or(Value::Null, Value::Real),
            Type::BYTEA => row
                .try_get::<_, Option<Vec<u8>>>(i)?
                .map_or(Value::Null, Value::Blob),
            _ => row
                .try_get::<_, Option<String>>(i)
                .map_err(|_| {
                    Error::new(
                        Id::DatabaseError,
                        format!(
                            "database error: column {} has type {ty}, which pwaccount does not read",
                            column.name()
                        ),
                    )
                })?
                .map_or(Value::Null, Value::Text),
        };
        out.push(value);
    }
    Ok(out)
}

fn my_in(v: &Value) -> mysql::Value {
    match v {
        Value::Null => mysql::Value::NULL,
        Value::Int(i) => mysql::Value::Int(*i),
        Value::Real(f) => mysql::Value::Double(*f),
        Value::Text(s) => mysql::Value::Bytes(s.as_bytes().to_vec()),
        Value::Blob(b) => mysql::Value::Bytes(b.clone()),
    }
}

fn my_out(row: mysql::Row) -> Result<Vec<Value>> {
    /// MySQL's character set number of binary strings.
    const BINARY: u16 = 63;
    let binary: Vec<bool> = row
        .columns_ref()
        .iter()
        .map(|c| c.character_set() == BINARY && !is_number(c.column_type()))
        .collect();
    row.unwrap()
        .into_iter()
        .zip(binary)
        .map(|(v, binary)| {
            Ok(match v {
                mysql::Value::NULL => Value::Null,
                mysql::Value::Int(i) => Value::Int(i),
                mysql::Value::UInt(u) => Value::Int(i64::try_from(u).map_err(|_| {
                    Error::new(Id::DatabaseError, "database error: a number out of range")
                })?),
                mysql::Value::Float(f) => Value::Real(f.into()),
                mysql::Value::Double(f) => Value::Real(f),
                mysql::Value::Bytes(b) if binary => Value::Blob(b),
                mysql::Value::Bytes(b) => match String::from_utf8(b) {
                    Ok(s) => Value::Text(s),
                    Err(e) => Value::Blob(e.into_bytes()),
                },
                _ => {
                    return Err(Error::new(
                        Id::DatabaseError,
                        "database error: a date or time column, which pwaccount does not read",
                    ));
                }
            })
        })
        .collect()
}

fn is_number(t: mysql::consts::ColumnType) -> bool {
    use mysql::consts::ColumnType as T;
    matches!(
        t,
        T::MYSQL_TYPE_TINY
            | T::MYSQL_TYPE_SHORT
            | T::MYSQL_TYPE_LONG
            | T::MYSQL_TYPE_LONGLONG
            | T::MYSQL_TYPE_INT24
            | T::MYSQL_TYPE_FLOAT
            | T::MYSQL_TYPE_DOUBLE
            | T::MYSQL_TYPE_DECIMAL
            | T::MYSQL_TYPE_NEWDECIMAL
    )
}

/// The rustls client configuration for PostgreSQL's TLS modes, as libpq reads them: with
/// a root certificate, `require` checks the chain as `verify-ca` does.
fn tls_config(tls: &Tls, server: &Server) -> Result<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};
    use std::sync::Arc;
    let bad_file = |what: &str, path: &Path, e: &dyn std::fmt::Display| {
        Error::new(
            Id::NextcloudConfig,
            format!(
                "cannot use the TLS {what} {} named in the configuration: {e}",
                path.display()
            ),
        )
    };
    let certs = |what: &str, path: &Path| -> Result<Vec<CertificateDer<'static>>> {
        CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| bad_file(what, path, &e))
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mode = match (tls.mode, &tls.root_cert) {
        (TlsMode::Require, Some(_)) => TlsMode::VerifyCa,
        (mode, _) => mode,
    };
    let chain = match mode {
        TlsMode::VerifyCa | TlsMode::VerifyFull => {
            let Some(root) = &tls.root_cert else {
                return Err(Error::new(
                    Id::NextcloudConfig,
                    format!(
                        "pgsql_ssl mode {mode:?} needs a root certificate ('rootcert') to check {} against",
                        server.describe()
                    ),
                ));
            };
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs("root certificate", root)? {
                roots
                    .add(cert)
                    .map_err(|e| bad_file("root certificate", root, &e))?;
            }
            let crls = match &tls.crl {
                Some(path) => CertificateRevocationListDer::pem_file_iter(path)
                    .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
                    .map_err(|e| bad_file("revocation list", path, &e))?,
                None => Vec::new(),
            };
            Some(
                rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider.clone(),
                )
                .with_crls(crls)
                .build()
                .map_err(|e| bad_file("root certificate", root, &e))?,
            )
        }
        _ => None,
    };
    let verifier = Arc::new(Verifier {
        chain,
        check_name: mode == TlsMode::VerifyFull,
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS set-up: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match (&tls.client_cert, &tls.client_key) {
        (Some(cert), Some(key)) => {
            let chain = certs("client certificate", cert)?;
            let key =
                PrivateKeyDer::from_pem_file(key).map_err(|e| bad_file("client key", key, &e))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| bad_file("client certificate", cert, &e))
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

/// The server certificate check of a TLS mode: the chain (against the root
/// certificates), with or without the name, or nothing (`prefer`, `require`: encrypted,
/// the certificate not checked, as libpq does). The handshake's signatures are always
/// checked.
#[derive(Debug)]
struct Verifier {
    chain: Option<std::sync::Arc<rustls::client::WebPkiServerVerifier>>,
    check_name: bool,
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::CertificateError as C;
        let Some(chain) = &self.chain else {
            return Ok(rustls::client::danger::ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                C::NotValidForName | C::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// How long to wait for a server to answer a connection attempt.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn pg_connect(server: &Server, busy: Duration) -> Result<Conn> {
    let mut config = postgres::Config::new();
    config
        .user(&server.user)
        .password(server.password.as_bytes())
        .dbname(&server.database)
        .port(server.port)
        .application_name("pwaccount")
        .connect_timeout(CONNECT_TIMEOUT);
    match (&server.socket, &server.host) {
        (Some(socket), _) => config.host_path(Path::new(socket)),
        (None, Some(host)) => config.host(host),
        (None, None) => config.host("localhost"),
    };
    let connected = match server.tls.mode {
        TlsMode::Off => config
            .ssl_mode(postgres::config::SslMode::Disable)
            .connect(postgres::NoTls),
        mode => {
            let tls = tls_config(&server.tls, server)?;
            config.ssl_mode(if mode == TlsMode::Prefer {
                postgres::config::SslMode::Prefer
            } else {
                postgres::config::SslMode::Require
            });
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
    };
    let client =
        connected.map_err(|e| connect_error(server, &pg_reason(&e), pg_login_refused(&e)))?;
    let conn = Conn::Postgres(Box::new(RefCell::new(Pg {
        client,
        prepared: HashMap::new(),
    })));
    // lock_timeout 0 would mean "wait forever": the shortest wait stands for none.
    let ms = busy.as_millis().clamp(1, i32::MAX as u128);
    conn.batch(&format!("SET lock_timeout = {ms}"))?;
    Ok(conn)
}

fn pg_reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

fn pg_login_refused(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    e.code().is_some_and(|c| {
        *c == SqlState::INVALID_PASSWORD
            || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            || *c == SqlState::INVALID_CATALOG_NAME
            || *c == SqlState::INSUFFICIENT_PRIVILEGE
    })
}

fn my_connect(server: &Server, busy: Duration) -> Result<Conn> {
    let mut opts = mysql::OptsBuilder::new()
        .user(Some(server.user.clone()))
        .pass(Some(server.password.to_string()))
        .db_name(Some(server.database.clone()))
        .tcp_port(server.port)
        .prefer_socket(false)
        .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
        // As Nextcloud connects: an UPDATE reports the rows it found, not those it changed.
        .additional_capabilities(mysql::consts::CapabilityFlags::CLIENT_FOUND_ROWS)
        .init(vec!["SET NAMES utf8mb4"]);
    opts = match (&server.socket, &server.host) {
        (Some(socket), _) => opts.socket(Some(socket.clone())),
        (None, Some(host)) => opts.ip_or_hostname(Some(host.clone())),
        (None, None) => opts.ip_or_hostname(Some("localhost")),
    };
    if server.tls.mode != TlsMode::Off {
        let tls = &server.tls;
        let check = matches!(tls.mode, TlsMode::VerifyCa | TlsMode::VerifyFull);
        let mut ssl = mysql::SslOpts::default()
            .with_danger_accept_invalid_certs(!check)
            .with_danger_skip_domain_validation(tls.mode != TlsMode::VerifyFull);
        if let Some(ca) = &tls.root_cert {
            ssl = ssl.with_root_cert_path(Some(ca.clone()));
        }
        if let (Some(cert), Some(key)) = (&tls.client_cert, &tls.client_key) {
            ssl = ssl
                .with_client_identity(Some(mysql::ClientIdentity::new(cert.clone(), key.clone())));
        }
        opts = opts.ssl_opts(Some(ssl));
    }
    let conn = mysql::Conn::new(opts).map_err(|e| {
        let refused =
            matches!(&e, mysql::Error::MySqlError(m) if [1044, 1045, 1049, 1698].contains(&m.code));
        connect_error(server, &my_reason(&e), refused)
    })?;
    let conn = Conn::MySql(RefCell::new(conn));
    // Whole seconds; MariaDB reads 0 as "do not wait".
    let secs = busy.as_millis().div_ceil(1000).min(1_073_741_824);
    conn.batch(&format!(
        "SET SESSION innodb_lock_wait_timeout = {secs}, SESSION lock_wait_timeout = {}",
        secs.max(1)
    ))?;
    Ok(conn)
}

fn my_reason(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(m) => m.message.clone(),
        other => other.to_string(),
    }
}

fn connect_error(server: &Server, reason: &str, refused: bool) -> Error {
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

/// PostgreSQL errors: a lock wait past the busy timeout and a conflict with another
/// transaction are `database_busy`; a lost connection is `connection_lost`.
impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        if let Some(code) = e.code() {
            if *code == SqlState::LOCK_NOT_AVAILABLE || *code == SqlState::QUERY_CANCELED {
                return busy();
            }
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
            {
                return conflict();
            }
            if code.code().starts_with("57P") || code.code().starts_with("08") {
                return lost(&pg_reason(&e));
            }
        }
        let text = e.to_string();
        if e.is_closed() || text.starts_with("error communicating with the server") {
            return lost(&pg_reason(&e));
        }
        Error::new(
            Id::DatabaseError,
            format!("database error: {}", pg_reason(&e)),
        )
    }
}

impl From<mysql::Error> for Error {
    fn from(e: mysql::Error) -> Self {
        match &e {
            mysql::Error::MySqlError(m) if m.code == 1205 => busy(),
            mysql::Error::MySqlError(m) if m.code == 1213 => conflict(),
            mysql::Error::MySqlError(m) if [1927, 2006, 2013].contains(&m.code) => lost(&m.message),
            mysql::Error::MySqlError(m) => {
                Error::new(Id::DatabaseError, format!("database error: {}", m.message))
            }
            mysql::Error::IoError(_) | mysql::Error::DriverError(_) => lost(&e.to_string()),
            other => Error::new(Id::DatabaseError, format!("database error: {other}")),
        }
    }
}

fn busy() -> Error {
    Error::new(
        Id::DatabaseBusy,
        "the database is busy: another program is writing to it; try again",
    )
}

fn conflict() -> Error {
    Error::new(
        Id::DatabaseBusy,
        "the database is busy: another program changed the same rows at the same time; \
         nothing was changed; try again",
    )
}

fn lost(reason: &str) -> Error {
    Error::new(
        Id::ConnectionLost,
        format!(
            "the connection to the database server was lost ({reason}); the server rolled \
             the command's transaction back, nothing was changed"
        ),
    )
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
