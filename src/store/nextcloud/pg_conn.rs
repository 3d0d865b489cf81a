//! PostgreSQL: the connection (TLS as the configuration asks), statements with values
//! converted to and from the columns' own types, and the server's errors sorted into the
//! catalogue's ids.

use std::collections::HashMap;
use std::path::Path;

use super::db::{EachRow, Server, TlsMode, Value, Waits, busy, conflict, connect_error, lost};
use crate::error::{Error, Id, Result};

/// A PostgreSQL connection and the statements prepared on it.
pub(crate) struct Pg {
    client: postgres::Client,
    prepared: HashMap<String, postgres::Statement>,
    waits: Waits,
}

impl Pg {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(stmt) = self.prepared.get(sql) {
            return Ok(stmt.clone());
        }
        let client = &mut self.client;
        let stmt = self.waits.statement(|| client.prepare(sql))?;
        self.prepared.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// Run a statement; the number of rows it changed.
    pub(super) fn execute(&mut self, sql: &str, params: &[&Value]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let values = pg_params(&stmt, params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v.as_ref()).collect();
        let client = &mut self.client;
        Ok(self.waits.statement(|| client.execute(&stmt, &refs))?)
    }

    /// Run statements that return nothing, without parameters.
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        let client = &mut self.client;
        Ok(self.waits.statement(|| client.batch_execute(sql))?)
    }

    /// Call `each` with every row of a query, in order, as it arrives.
    pub(super) fn rows(&mut self, sql: &str, params: &[&Value], each: EachRow<'_>) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let stmt = self.statement(sql)?;
        let values = pg_params(&stmt, params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v.as_ref()).collect();
        let client = &mut self.client;
        let waits = &self.waits;
        let mut it = waits.statement(|| client.query_raw(&stmt, refs))?;
        while let Some(row) = waits.statement(|| it.next())? {
            each(pg_out(&row)?)?;
        }
        Ok(())
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

/// Connect to a PostgreSQL server, with the busy timeout as its lock wait limit.
pub(super) fn connect(server: &Server, timeouts: crate::store::Timeouts) -> Result<Pg> {
    let waits = Waits::new(server, timeouts);
    let mut config = postgres::Config::new();
    config
        .user(&server.user)
        // The driver's configuration copies the password into a plain byte vector; it
        // lives as long as `config`, which is dropped once the connection is made.
        .password(server.password.expose().as_bytes())
        .dbname(&server.database)
        .port(server.port)
        .application_name("pwaccount")
        .connect_timeout(waits.connect_limit());
    match (&server.socket, &server.host) {
        (Some(socket), _) => config.host_path(Path::new(socket)),
        (None, Some(host)) => config.host(host),
        (None, None) => config.host("localhost"),
    };
    let connected = match server.tls.mode {
        TlsMode::Off => {
            config.ssl_mode(postgres::config::SslMode::Disable);
            waits.connect(|| config.connect(postgres::NoTls))
        }
        mode => {
            let tls = super::tls::client_config(&server.tls, server)?;
            config.ssl_mode(if mode == TlsMode::Prefer {
                postgres::config::SslMode::Prefer
            } else {
                postgres::config::SslMode::Require
            });
            waits.connect(|| config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls)))
        }
    };
    let client =
        connected.map_err(|e| connect_error(server, &pg_reason(&e), pg_login_refused(&e)))?;
    let mut pg = Pg {
        client,
        prepared: HashMap::new(),
        waits,
    };
    // lock_timeout 0 would mean "wait forever": the shortest wait stands for none.
    let ms = timeouts.busy.as_millis().clamp(1, i32::MAX as u128);
    pg.batch(&format!("SET lock_timeout = {ms}"))?;
    Ok(pg)
}

/// What went wrong, in words: the server's own message, or the network failure.
fn pg_reason(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_owned();
    }
    let text = e.to_string();
    let tls = text.starts_with("error performing TLS handshake");
    match super::db::network_words(e) {
        Some(words) if tls && !words.starts_with("TLS") => format!("TLS failed: {words}"),
        Some(words) => words,
        None if tls => {
            let cause = std::error::Error::source(e).map(|s| s.to_string());
            format!("TLS failed: {}", cause.unwrap_or(text))
        }
        None if e.is_closed() || text.contains("connection closed") => {
            "the server closed the connection; it went away or was stopped".into()
        }
        None if text.contains("timeout") => "the server did not answer in time".into(),
        None => {
            let mut text = text;
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
