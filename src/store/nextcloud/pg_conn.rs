//! PostgreSQL: the connection (TLS as the configuration asks), statements with values
//! converted to and from the columns' own types, and the server's errors sorted into the
//! catalogue's ids.

use std::path::Path;

use postgres::types::{Format, IsNull, Kind, ToSql, Type};

use super::wire::{EachRow, Server, TlsMode, Value, Waits, busy, conflict, connect_error, lost};
use crate::error::{Error, Id, Result};

/// A PostgreSQL connection. No statement is prepared by name and no setting is made for
/// the session: behind PgBouncer in transaction pooling, each transaction may run on
/// another server connection, where a name prepared earlier is missing (or, from another
/// client, already taken) and a session setting is not there. Every statement is sent as
/// the unnamed statement with its parameters as text (the server parses each as the type
/// it infers, as libpq's `PQexecParams` does), and the lock wait limit is set for each
/// transaction (`SET LOCAL`).
pub(crate) struct Pg {
    client: postgres::Client,
    waits: Waits,
    /// `lock_timeout` for each transaction, in milliseconds.
    lock_timeout_ms: u128,
}

/// A parameter sent as text, its type left to the server (type oid 0).
struct TextParam(Option<String>);

impl std::fmt::Debug for TextParam {
    // The value may be a key or a challenge: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TextParam")
    }
}

impl ToSql for TextParam {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            None => Ok(IsNull::Yes),
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> Format {
        Format::Text
    }

    postgres::types::to_sql_checked!();
}

/// The values as text parameters of unspecified type.
fn pg_params(params: &[&Value]) -> Vec<(TextParam, Type)> {
    let unspecified = Type::new("unspecified".into(), 0, Kind::Simple, "pg_catalog".into());
    params
        .iter()
        .map(|value| {
            let text = match value {
                Value::Null => None,
                Value::Int(i) => Some(i.to_string()),
                Value::Real(f) => Some(f.to_string()),
                Value::Text(s) => Some(s.clone()),
                Value::Blob(b) => Some(format!("\\x{}", hex::encode(b))),
            };
            (TextParam(text), unspecified.clone())
        })
        .collect()
}

impl Pg {
    /// Run a statement; the number of rows it changed.
    pub(super) fn execute(&mut self, sql: &str, params: &[&Value]) -> Result<u64> {
        use postgres::fallible_iterator::FallibleIterator;
        let values = pg_params(params);
        let client = &mut self.client;
        let waits = &self.waits;
        let mut it = waits.statement(|| client.query_typed_raw(sql, values))?;
        while waits.statement(|| it.next())?.is_some() {}
        Ok(it.rows_affected().unwrap_or(0))
    }

    /// Run statements that return nothing, without parameters.
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        let client = &mut self.client;
        Ok(self.waits.statement(|| client.batch_execute(sql))?)
    }

    /// What every transaction sets for itself, right after it begins.
    pub(super) fn set_local_limits(&mut self) -> Result<()> {
        // lock_timeout 0 would mean "wait forever": the shortest wait stands for none.
        let ms = self.lock_timeout_ms;
        self.batch(&format!("SET LOCAL lock_timeout = {ms}"))
    }

    /// Call `each` with every row of a query, in order, as it arrives.
    pub(super) fn rows(&mut self, sql: &str, params: &[&Value], each: EachRow<'_>) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let values = pg_params(params);
        let client = &mut self.client;
        let waits = &self.waits;
        let mut it = waits.statement(|| client.query_typed_raw(sql, values))?;
        while let Some(row) = waits.statement(|| it.next())? {
            each(pg_out(&row)?)?;
        }
        Ok(())
    }
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
    Ok(Pg {
        client,
        waits,
        lock_timeout_ms: timeouts.busy.as_millis().clamp(1, i32::MAX as u128),
    })
}

/// What went wrong, in words: the server's own message, or the network failure.
fn pg_reason(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_owned();
    }
    let text = e.to_string();
    let tls = text.starts_with("error performing TLS handshake");
    match super::wire::network_words(e) {
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
        Error::database(pg_reason(&e))
    }
}
