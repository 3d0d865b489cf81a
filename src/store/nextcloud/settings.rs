//! What the installation's configuration means, as pwaccount uses it. `config` reads the
//! files into values; this reads the values as Nextcloud 28 to 34 read them (`getValue`,
//! PHP's casts) and parses what opening the database needs once, into `Settings`: the
//! engine, the SQLite file or where the database server is and how to log in (TLS
//! included), the table prefix, the replicas. Nextcloud's code version is read here too.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::config::{self, Config, SECRET_KEYS};
use super::db::{Engine, Server, Tls, TlsMode};
use super::php_literal::NON_UTF8;
use crate::crypto::SecretText;
use crate::error::{Error, Id, Result};

/// The configuration, and what it says of the database, parsed once when the store opens.
pub(super) struct Settings {
    pub config: Config,
    pub database: Database,
    /// `dbtableprefix` (checked: letters, digits and `_` only).
    pub prefix: String,
    /// How many read replicas `dbreplica` lists.
    pub replicas: usize,
}

/// Where the database is (and so on which engine).
pub(super) enum Database {
    /// The SQLite file (`datadirectory`/`dbname`.db) and `dbname`.
    Sqlite { file: PathBuf, name: String },
    /// A database server: where, how to log in, TLS.
    Server(Server),
}

impl Settings {
    /// The engine, as the database's place implies it.
    pub(super) fn engine(&self) -> Engine {
        match &self.database {
            Database::Sqlite { .. } => Engine::Sqlite,
            Database::Server(server) => server.engine,
        }
    }

    /// Read the configuration of the installation at `installation` and what it says of
    /// the database; refused where Nextcloud is not installed, or a value is one pwaccount
    /// cannot use.
    pub(super) fn load(installation: &Path) -> Result<Settings> {
        let config = config::read(installation)?;
        if !config.truthy("installed") {
            return Err(unsupported(format!(
                "the Nextcloud at {} is not installed yet ('installed' is not true in its \
                 configuration)",
                config.root.display()
            )));
        }
        let engine = engine(&config)?;
        let database = match engine {
            Engine::Sqlite => Database::Sqlite {
                file: sqlite_path(&config)?,
                name: db_name(&config)?,
            },
            _ => Database::Server(server(&config, engine)?),
        };
        let prefix = table_prefix(&config)?;
        let replicas = match config.value("dbreplica")? {
            Some(Value::Array(list)) => list.len(),
            Some(Value::Object(map)) => map.len(),
            _ => 0,
        };
        Ok(Settings {
            config,
            database,
            prefix,
            replicas,
        })
    }
}

/// `dbtableprefix`, default `oc_`; refused unless it is letters, digits and `_`.
fn table_prefix(config: &Config) -> Result<String> {
    let prefix = config
        .string("dbtableprefix")?
        .unwrap_or_else(|| "oc_".into());
    if !prefix
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return Err(unsupported(format!(
            "the table prefix '{}' in the configuration has characters other than letters, \
             digits and '_', which this build does not support",
            crate::text::escape_controls(&prefix)
        )));
    }
    Ok(prefix)
}

impl Config {
    /// A secret of the configuration (`dbpassword`, `secret`, `passwords.secret`), as
    /// `string` reads other values.
    pub(crate) fn secret(&self, key: &str) -> Result<Option<SecretText>> {
        debug_assert!(SECRET_KEYS.contains(&key), "{key} is not a secret key");
        match self.secrets.get(key) {
            Some(secret) => Ok(Some(secret.clone())),
            None => Ok(self.string(key)?.map(SecretText::new)),
        }
    }

    /// The value of `key` as Nextcloud's `getValue` returns it: the environment's
    /// `NC_<key>` first, then the files. A value Nextcloud treats as unset (`null`) is
    /// `None`, as `isset` does.
    pub(in crate::store::nextcloud) fn get(&self, key: &str) -> Option<Value> {
        if let Some(value) = self.env.get(key) {
            return Some(Value::String(value.clone()));
        }
        match self.values.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value.clone()),
        }
    }

    fn refuse_value(&self, key: &str, why: &str) -> Error {
        Error::new(
            Id::NextcloudConfig,
            format!(
                "cannot use '{}' of the Nextcloud configuration in {}: {why}; nothing was \
                 changed",
                crate::text::escape_controls(key),
                self.dir.display()
            ),
        )
    }

    /// A value as PHP turns it into a string (`"1"` for true, `""` for false, numbers in
    /// decimal). An array, a fraction or text that is not UTF-8 is refused: pwaccount would
    /// have to guess what Nextcloud makes of it.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value {
            Value::String(s) => Ok(Some(s)),
            Value::Bool(b) => Ok(Some(if b { "1".into() } else { String::new() })),
            Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Ok(Some(i.to_string())),
                (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    Ok(Some(format!("{f:.0}")))
                }
                _ => Err(self.refuse_value(key, "it is a fractional number")),
            },
            Value::Object(map) if map.contains_key(NON_UTF8) => {
                Err(self.refuse_value(key, "it is not UTF-8 text"))
            }
            Value::Object(_) | Value::Array(_) => {
                Err(self.refuse_value(key, "it is an array where text is expected"))
            }
            Value::Null => Ok(None),
        }
    }

    /// A value as the configuration holds it (arrays as JSON objects); refused when
    /// anything in it is not UTF-8 text.
    pub(crate) fn value(&self, key: &str) -> Result<Option<Value>> {
        let value = self.get(key);
        if value.as_ref().is_some_and(has_non_utf8) {
            return Err(self.refuse_value(key, "it holds text that is not UTF-8"));
        }
        Ok(value)
    }

    /// Whether a value is true as PHP tests it (`if ($value)`): not false, 0, 0.0, "",
    /// "0", null or an empty array.
    pub(crate) fn truthy(&self, key: &str) -> bool {
        match self.get(key) {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
            Some(Value::String(s)) => !s.is_empty() && s != "0",
            Some(Value::Object(map)) => !map.is_empty(),
            Some(Value::Array(list)) => !list.is_empty(),
            Some(Value::Bool(true)) => true,
        }
    }
}

pub(in crate::store::nextcloud) fn has_non_utf8(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key(NON_UTF8) || map.values().any(has_non_utf8),
        Value::Array(list) => list.iter().any(has_non_utf8),
        _ => false,
    }
}

pub(super) fn unsupported(message: String) -> Error {
    Error::new(Id::NextcloudUnsupported, message)
}

pub(super) fn config_error(message: String) -> Error {
    Error::new(Id::NextcloudConfig, message)
}

/// The installation's database engine, from `dbtype`.
pub(super) fn engine(config: &Config) -> Result<Engine> {
    let dbtype = config.string("dbtype")?.unwrap_or_else(|| "sqlite".into());
    match dbtype.as_str() {
        "sqlite" | "sqlite3" => Ok(Engine::Sqlite),
        "pgsql" => Ok(Engine::Postgres),
        "mysql" => Ok(Engine::MySql),
        other => Err(unsupported(format!(
            "the Nextcloud at {} keeps its database in '{}', which this build does not \
             support (SQLite, PostgreSQL and MySQL/MariaDB are)",
            config.root.display(),
            crate::text::escape_controls(other)
        ))),
    }
}

/// Where the database server is, read as Nextcloud 28 to 34 read `dbhost`
/// (`ConnectionFactory::splitHostFromPortAndSocket`): the text after the last colon, if it
/// holds no `]`, is a port when PHP calls it numeric and a socket otherwise. `dbport` is
/// not read: no version from 28 on uses it. Then `dbuser`, `dbpassword`, `dbname` and the
/// TLS settings.
pub(super) fn server(config: &Config, engine: Engine) -> Result<Server> {
    let raw = config.string("dbhost")?.unwrap_or_default();
    let (mut host, mut port, mut socket) = (raw.clone(), None, None);
    if let Some((before, after)) = raw.rsplit_once(':')
        && !after.is_empty()
        && !after.contains(']')
    {
        host = before.to_owned();
        match php_numeric_int(after) {
            Some(p) => {
                port = Some(u16::try_from(p).ok().filter(|p| *p > 0).ok_or_else(|| {
                    config_error(format!(
                        "the port in 'dbhost' ({}) is not a port number",
                        crate::text::escape_controls(after)
                    ))
                })?)
            }
            None => socket = Some(after.to_owned()),
        }
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        host = inner.to_owned();
    }
    if socket.is_none() && host.starts_with('/') {
        socket = Some(std::mem::take(&mut host));
    }
    // Without a host, port or socket, the engines' own clients use their default socket
    // (and PHP's MySQL driver does so for "localhost" too).
    let default_socket = match engine {
        Engine::Postgres if host.is_empty() => Some("/var/run/postgresql"),
        Engine::MySql if (host.is_empty() || host == "localhost") && port.is_none() => {
            Some("/run/mysqld/mysqld.sock")
        }
        _ => None,
    };
    if socket.is_none()
        && let Some(default) = default_socket.filter(|s| Path::new(s).exists())
    {
        socket = Some(default.to_owned());
    }
    let tls = match engine {
        Engine::Postgres => pgsql_tls(config)?,
        _ => mysql_tls(config)?,
    };
    Ok(Server {
        engine,
        host: (!host.is_empty()).then_some(host),
        socket,
        port: port.unwrap_or(if engine == Engine::Postgres {
            5432
        } else {
            3306
        }),
        user: config.string("dbuser")?.unwrap_or_default(),
        password: config
            .secret("dbpassword")?
            .unwrap_or_else(|| SecretText::new("")),
        database: db_name(config)?,
        tls,
    })
}

/// PHP's `(int)` of a string `is_numeric` accepts (white space around, a sign, digits
/// with an optional fraction and exponent); `None` when PHP would not call it numeric.
fn php_numeric_int(text: &str) -> Option<i64> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let t = t.trim_end_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || !exponent_ok
    {
        return None;
    }
    let value: f64 = t.parse().ok()?;
    (value.is_finite() && value.abs() < 9.2e18).then(|| value.trunc() as i64)
}

/// The version of Nextcloud's code, from `version.php` (`$OC_Version = array(34, 0, 1, 2);`),
/// as the configuration's `version` spells it; `None` when it cannot be read.
pub(super) fn code_version(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let (_, rest) = text.split_once("$OC_Version")?;
    let (_, rest) = rest.split_once(['(', '['])?;
    let (list, _) = rest.split_once([')', ']'])?;
    let parts: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty() && parts.iter().all(|p| p.bytes().all(|c| c.is_ascii_digit())))
        .then(|| parts.join("."))
}

/// A file named by a TLS setting (empty: none).
fn tls_file(value: Option<&serde_json::Value>) -> Option<PathBuf> {
    value
        .and_then(|v| v.as_str())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// PostgreSQL's TLS settings, `pgsql_ssl` (`mode`, `rootcert`, `cert`, `key`, `crl`), as
/// libpq reads them; without them (or with an empty mode), libpq's default `prefer`.
/// Nextcloud reads `pgsql_ssl` from 31 on; 28-30 connect with libpq's defaults whatever
/// it says, and so does pwaccount there (a stricter setting Nextcloud never used may name
/// certificate files that are not there).
fn pgsql_tls(config: &Config) -> Result<Tls> {
    let read_by_nextcloud = nextcloud_major(config)?.is_none_or(|major| major >= 31);
    let ssl = match config.value("pgsql_ssl")? {
        Some(serde_json::Value::Object(ssl)) if read_by_nextcloud => ssl,
        _ => serde_json::Map::new(),
    };
    let mode = match ssl.get("mode").and_then(|m| m.as_str()).unwrap_or("") {
        "disable" | "allow" => TlsMode::Off,
        "" | "prefer" => TlsMode::Prefer,
        "require" => TlsMode::Require,
        "verify-ca" => TlsMode::VerifyCa,
        "verify-full" => TlsMode::VerifyFull,
        other => {
            return Err(config_error(format!(
                "pgsql_ssl mode '{}' in the configuration is not one of PostgreSQL's modes",
                crate::text::escape_controls(other)
            )));
        }
    };
    Ok(Tls {
        mode,
        root_cert: tls_file(ssl.get("rootcert")),
        client_cert: tls_file(ssl.get("cert")),
        client_key: tls_file(ssl.get("key")),
        crl: tls_file(ssl.get("crl")),
    })
}

/// MySQL's TLS settings: the PDO SSL options in `dbdriveroptions` (keyed by the PDO
/// constants' values). Any of key, certificate or CA turns TLS on; the server's
/// certificate and name are checked unless `SSL_VERIFY_SERVER_CERT` is false, as PHP's
/// driver does.
fn mysql_tls(config: &Config) -> Result<Tls> {
    const SSL_KEY: &str = "1007";
    const SSL_CERT: &str = "1008";
    const SSL_CA: &str = "1009";
    const SSL_CAPATH: &str = "1010";
    const SSL_CIPHER: &str = "1011";
    const SSL_VERIFY_SERVER_CERT: &str = "1014";
    let options = match config.value("dbdriveroptions")? {
        Some(serde_json::Value::Object(options)) => options,
        Some(other) if config.truthy("dbdriveroptions") => {
            return Err(config_error(format!(
                "'dbdriveroptions' in the configuration is {other}, not an array of PDO options"
            )));
        }
        _ => serde_json::Map::new(),
    };
    for (key, name) in [(SSL_CAPATH, "SSL_CAPATH"), (SSL_CIPHER, "SSL_CIPHER")] {
        if options.contains_key(key) {
            return Err(unsupported(format!(
                "the configuration sets PDO::MYSQL_ATTR_{name} in 'dbdriveroptions', which this \
                 build does not support (give the CA file as SSL_CA)"
            )));
        }
    }
    let on = [SSL_KEY, SSL_CERT, SSL_CA]
        .iter()
        .any(|k| tls_file(options.get(*k)).is_some());
    let verify = options
        .get(SSL_VERIFY_SERVER_CERT)
        .is_none_or(|v| v.as_bool().unwrap_or(true));
    Ok(Tls {
        mode: match (on, verify) {
            (false, _) => TlsMode::Off,
            (true, true) => TlsMode::VerifyFull,
            (true, false) => TlsMode::Require,
        },
        root_cert: tls_file(options.get(SSL_CA)),
        client_cert: tls_file(options.get(SSL_CERT)),
        client_key: tls_file(options.get(SSL_KEY)),
        crl: None,
    })
}

/// The SQLite file of the installation at `installation`, as its configuration names it
/// (`None` on a database server).
pub(crate) fn sqlite_file(installation: &Path) -> Result<Option<PathBuf>> {
    let config = config::read(installation)?;
    if engine(&config)? != Engine::Sqlite {
        return Ok(None);
    }
    Ok(Some(sqlite_path(&config)?))
}

/// A path from the configuration: as it is when absolute, else in the installation
/// folder. PHP resolves a relative path against its working folder, which for Nextcloud
/// is the installation folder (the web server runs index.php there, and occ is run from
/// there): resolving it against wherever pwaccount happens to run would open other files.
pub(super) fn in_installation(config: &Config, path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    if path.is_absolute() {
        path
    } else {
        config.root.join(path)
    }
}

/// The data directory (`datadirectory`, default `data/` in the installation), absolute.
pub(super) fn data_directory(config: &Config) -> Result<PathBuf> {
    Ok(match config.string("datadirectory")? {
        Some(data) => in_installation(config, &data),
        None => config.root.join("data"),
    })
}

/// `$dataDir . '/' . $name . '.db'`: joined as text, as Nextcloud joins it, so an absolute
/// `dbname` stays inside the data directory.
pub(super) fn sqlite_path(config: &Config) -> Result<PathBuf> {
    let data = data_directory(config)?.display().to_string();
    let name = db_name(config)?;
    Ok(PathBuf::from(format!("{data}/{name}.db")))
}

/// `dbname`, default `owncloud` (Nextcloud's own default).
fn db_name(config: &Config) -> Result<String> {
    Ok(config
        .string("dbname")?
        .unwrap_or_else(|| "owncloud".into()))
}

/// The major version of Nextcloud, as its configuration records it (`version`).
pub(super) fn nextcloud_major(config: &Config) -> Result<Option<u32>> {
    Ok(config
        .string("version")?
        .and_then(|v| v.split('.').next().and_then(|m| m.parse().ok())))
}
