//! MySQL and MariaDB: the connection (TLS as `dbdriveroptions` asks), statements with
//! values converted to and from the protocol's, and the server's errors sorted into the
//! catalogue's ids.

use mysql::prelude::Queryable;

use super::wire::{EachRow, Server, TlsMode, Value, Waits, busy, conflict, connect_error, lost};
use crate::error::{Error, Id, Result};

/// A MySQL connection.
pub(crate) struct My {
    conn: mysql::Conn,
    waits: Waits,
}

impl My {
    /// Run a statement; the number of rows it found (the connection asks for found rows,
    /// as Nextcloud's does).
    pub(super) fn execute(&mut self, sql: &str, params: &[&Value]) -> Result<u64> {
        let values: Vec<mysql::Value> = params.iter().map(|v| my_in(v)).collect();
        let conn = &mut self.conn;
        self.waits.statement(|| {
            if values.is_empty() {
                conn.query_drop(sql)
            } else {
                conn.exec_drop(sql, mysql::Params::Positional(values))
            }
        })?;
        Ok(self.conn.affected_rows())
    }

    /// Run statements that return nothing, without parameters.
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        let conn = &mut self.conn;
        Ok(self.waits.statement(|| conn.query_drop(sql))?)
    }

    /// Call `each` with every row of a query, in order, as it arrives. The result is read
    /// to its end even after `each` failed, so the connection stays usable.
    pub(super) fn rows(&mut self, sql: &str, params: &[&Value], each: EachRow<'_>) -> Result<()> {
        let values: Vec<mysql::Value> = params.iter().map(|v| my_in(v)).collect();
        let conn = &mut self.conn;
        let waits = &self.waits;
        let mut result =
            waits.statement(|| conn.exec_iter(sql, mysql::Params::Positional(values)))?;
        let mut failed = None;
        while let Some(row) = waits.statement(|| result.next()) {
            let row = row?;
            if failed.is_none()
                && let Err(e) = my_out(row).and_then(&mut *each)
            {
                failed = Some(e);
            }
        }
        waits.statement(|| drop(result));
        failed.map_or(Ok(()), Err)
    }
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

/// Connect to a MySQL or MariaDB server, with the busy timeout as its lock wait limit.
pub(super) fn connect(server: &Server, timeouts: crate::store::Timeouts) -> Result<My> {
    let waits = Waits::new(server, timeouts);
    let mut opts = mysql::OptsBuilder::new()
        .user(Some(server.user.clone()))
        // The driver's options take the password as a plain String; it lives as long as
        // the options, which are dropped once the connection is made.
        .pass(Some(server.password.expose().to_owned()))
        .db_name(Some(server.database.clone()))
        .tcp_port(server.port)
        .prefer_socket(false)
        .tcp_connect_timeout(Some(waits.connect_limit()))
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
    let conn = waits.connect(|| mysql::Conn::new(opts)).map_err(|e| {
        let refused =
            matches!(&e, mysql::Error::MySqlError(m) if [1044, 1045, 1049, 1698].contains(&m.code));
        connect_error(server, &my_reason(&e), refused)
    })?;
    let mut my = My { conn, waits };
    // Whole seconds; MariaDB reads 0 as "do not wait".
    let secs = timeouts.busy.as_millis().div_ceil(1000).min(1_073_741_824);
    my.batch(&format!(
        "SET SESSION innodb_lock_wait_timeout = {secs}, SESSION lock_wait_timeout = {}",
        secs.max(1)
    ))?;
    Ok(my)
}

/// What went wrong, in words (the driver's own text wraps them in its type names).
fn my_reason(e: &mysql::Error) -> String {
    use mysql::DriverError as D;
    match e {
        mysql::Error::MySqlError(m) => m.message.clone(),
        mysql::Error::IoError(io) => {
            super::wire::network_words(io).unwrap_or_else(|| io.to_string())
        }
        mysql::Error::DriverError(d) => match d {
            D::ConnectTimeout | D::Timeout => "the server did not answer in time".into(),
            D::CouldNotConnect(Some((_, text, kind))) => super::wire::io_words(*kind, text),
            D::CouldNotConnect(None) => "no server address to connect to".into(),
            D::TlsNotSupported => "TLS failed: the server does not offer TLS".into(),
            D::UnknownAuthPlugin(plugin) => format!(
                "authentication failed: the server asks for the login method {plugin}, which \
                 pwaccount does not speak"
            ),
            D::OldMysqlPasswordDisabled | D::CleartextPluginDisabled => {
                "authentication failed: the server asks for a login method pwaccount refuses \
                 (old or clear-text passwords)"
                    .into()
            }
            D::UnsupportedProtocol(_)
            | D::Protocol41NotSet
            | D::UnexpectedPacket
            | D::PacketOutOfSync
            | D::CouldNotParseVersion => {
                "the server's answer is not the MySQL protocol pwaccount speaks".into()
            }
            other => format!("the driver failed: {other}"),
        },
        mysql::Error::TlsError(tls) => format!("TLS failed: {tls}"),
        // A connection the server dropped while its answer was read: in words.
        mysql::Error::CodecError(codec) => super::wire::network_words(codec)
            .unwrap_or_else(|| format!("the server's answer could not be read: {codec}")),
        mysql::Error::UrlError(_) => "the server address is not valid".into(),
        mysql::Error::FromValueError(_) | mysql::Error::FromRowError(_) => {
            "a value the server sent could not be read".into()
        }
    }
}

impl From<mysql::Error> for Error {
    fn from(e: mysql::Error) -> Self {
        match &e {
            mysql::Error::MySqlError(m) if m.code == 1205 => busy(),
            mysql::Error::MySqlError(m) if m.code == 1213 => conflict(),
            mysql::Error::MySqlError(m) if [1927, 2006, 2013].contains(&m.code) => lost(&m.message),
            mysql::Error::MySqlError(m) if is_write_set_limit(m.code, &m.message) => {
                write_set_limit(&m.message)
            }
            mysql::Error::MySqlError(m) => Error::database(&m.message),
            mysql::Error::IoError(_)
            | mysql::Error::DriverError(_)
            | mysql::Error::CodecError(_)
            | mysql::Error::TlsError(_) => lost(&my_reason(&e)),
            _ => Error::database(my_reason(&e)),
        }
    }
}

/// Galera's refusal of a transaction over its write-set limits: `wsrep_max_ws_rows`
/// (1180, at the statement) or `wsrep_max_ws_size` (1105, at COMMIT).
fn is_write_set_limit(code: u16, message: &str) -> bool {
    (code == 1180 && message.contains("wsrep_max_ws_rows"))
        || (code == 1105 && message.contains("Maximum writeset size exceeded"))
}

fn write_set_limit(message: &str) -> Error {
    Error::new(
        Id::WriteSetTooLarge,
        format!(
            "the Galera cluster refused the change as larger than one transaction may be \
             ({message}); the server rolled it back, nothing was changed; raise \
             wsrep_max_ws_rows and wsrep_max_ws_size on every node and run it again"
        ),
    )
}
