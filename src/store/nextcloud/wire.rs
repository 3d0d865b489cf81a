//! What every connection to a Nextcloud database shares, whichever driver speaks to the
//! server: the values that cross, the server's address and TLS settings, the bounded waits,
//! and the failures in words. It sits below the drivers (`pg_conn`, `mysql_conn`, `tls`)
//! and below `db`, which picks a driver: no driver imports `db`.

#[cfg(feature = "servers")]
use std::time::Duration;

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
    Error::busy()
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
}
