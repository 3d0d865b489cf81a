//! The database engines a Nextcloud installation may use, as the tests reach them: the
//! SQLite file of `tests/data/nextcloud/sqlite`, and private PostgreSQL and MariaDB
//! servers (`scripts/dbservers.sh`, which `.ci/run` starts) holding the dumps the real app
//! wrote on those engines. Each test gets its own database, dropped when it ends.
//!
//! The servers are named by `PWACCOUNT_TEST_PGSQL` / `PWACCOUNT_TEST_MYSQL`
//! (`socket|port|superuser`); the tests that need one (`#[test(pgsql)]`, `#[test(mysql)]`)
//! are reported as ignored when it is not set, and under `CI=true` they fail instead (and
//! `the_database_servers_run_in_ci` shows the end of the servers' log).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A Nextcloud database engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    Sqlite,
    Pgsql,
    Mysql,
}

impl Engine {
    /// The fixture folder the real app wrote on this engine.
    pub(crate) fn fixture(self) -> PathBuf {
        let name = match self {
            Engine::Sqlite => "sqlite",
            Engine::Pgsql => "pgsql",
            Engine::Mysql => "mysql",
        };
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/nextcloud")
            .join(name)
    }
}

/// Where a test server listens: its socket (PostgreSQL: the folder), port, superuser.
#[derive(Clone)]
pub(crate) struct ServerEnv {
    pub(crate) socket: String,
    pub(crate) port: u16,
    pub(crate) superuser: String,
}

/// Node `n` (0, 1 or 2) of the test Galera cluster, when one runs
/// (`PWACCOUNT_TEST_GALERA` names node 0; the others are beside it).
pub(crate) fn galera_node(n: u16) -> Option<ServerEnv> {
    let value = std::env::var("PWACCOUNT_TEST_GALERA").ok()?;
    let mut parts = value.split('|');
    let socket = parts
        .next()?
        .replace("galera0.run", &format!("galera{n}.run"));
    Some(ServerEnv {
        socket,
        port: parts.next()?.parse::<u16>().ok()? + n,
        superuser: parts.next()?.to_owned(),
    })
}

pub(crate) fn server_env(engine: Engine) -> Option<ServerEnv> {
    let var = match engine {
        Engine::Sqlite => return None,
        Engine::Pgsql => "PWACCOUNT_TEST_PGSQL",
        Engine::Mysql => "PWACCOUNT_TEST_MYSQL",
    };
    let value = std::env::var(var).ok()?;
    let mut parts = value.split('|');
    Some(ServerEnv {
        socket: parts.next()?.to_owned(),
        port: parts.next()?.parse().ok()?,
        superuser: parts.next()?.to_owned(),
    })
}

/// A test's own database on a server, a copy of the app's fixture database.
pub(crate) struct ServerDb {
    pub(crate) engine: Engine,
    pub(crate) env: ServerEnv,
    pub(crate) name: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The tables a copy on MySQL holds: the app's and the Nextcloud tables pwaccount reads.
const MYSQL_TABLES: &[&str] = &[
    "oc_appconfig",
    "oc_preferences",
    "oc_authtoken",
    "oc_users",
    "oc_accounts",
    "oc_passwords_challenge",
    "oc_passwords_keychain",
    "oc_passwords_password",
    "oc_passwords_password_rv",
    "oc_passwords_folder",
    "oc_passwords_folder_rv",
    "oc_passwords_tag",
    "oc_passwords_tag_rv",
    "oc_passwords_pw_tag_rel",
    "oc_passwords_share",
    "oc_passwords_session",
    "oc_passwords_registration",
];

impl ServerDb {
    /// A test's own copy of the server database `template` (`nc_fixture`, or a release
    /// pair's `nc_rel_…` that scripts/dbservers.sh loaded).
    pub(crate) fn copy_of(engine: Engine, template: &str) -> ServerDb {
        let env = server_env(engine).expect("no test server for this engine");
        ServerDb::copy_on(engine, env, template)
    }

    /// As `copy_of`, on the server `env` (a node of the Galera cluster).
    pub(crate) fn copy_on(engine: Engine, env: ServerEnv, template: &str) -> ServerDb {
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let db = ServerDb { engine, env, name };
        match engine {
            Engine::Pgsql => {
                let mut admin = db.pg("postgres");
                admin
                    .batch_execute(&format!(
                        "CREATE DATABASE {} TEMPLATE {template} OWNER nextcloud",
                        db.name
                    ))
                    .unwrap();
            }
            Engine::Mysql => {
                use mysql::prelude::Queryable;
                let mut admin = db.my(None);
                let mut sql = format!(
                    "CREATE DATABASE {} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;",
                    db.name
                );
                for t in MYSQL_TABLES {
                    sql.push_str(&format!(
                        "CREATE TABLE {n}.{t} LIKE {template}.{t}; INSERT INTO {n}.{t} SELECT * FROM {template}.{t};",
                        n = db.name
                    ));
                }
                admin.query_drop(sql).unwrap();
            }
            Engine::Sqlite => unreachable!(),
        }
        db
    }

    /// A superuser connection to database `name` on the PostgreSQL server.
    pub(crate) fn pg(&self, name: &str) -> postgres::Client {
        postgres::Config::new()
            .host_path(&self.env.socket)
            .port(self.env.port)
            .user(&self.env.superuser)
            .dbname(name)
            .connect(postgres::NoTls)
            .unwrap()
    }

    /// A superuser connection to the MySQL server (in database `db`).
    pub(crate) fn my(&self, db: Option<&str>) -> mysql::Conn {
        let opts = mysql::OptsBuilder::new()
            .socket(Some(self.env.socket.clone()))
            .user(Some(self.env.superuser.clone()))
            .db_name(db.map(str::to_owned));
        mysql::Conn::new(opts).unwrap()
    }

    /// The `dbhost` a configuration names the server by: the socket (with PostgreSQL's
    /// port), or with `tcp`, the loopback address and port.
    pub(crate) fn dbhost(&self, tcp: bool) -> String {
        match (self.engine, tcp) {
            (_, true) => format!("127.0.0.1:{}", self.env.port),
            (Engine::Pgsql, false) => format!("{}:{}", self.env.socket, self.env.port),
            (_, false) => format!("localhost:{}", self.env.socket),
        }
    }

    /// Run statements as the superuser.
    pub(crate) fn exec(&self, sql: &str) {
        match self.engine {
            Engine::Pgsql => self.pg(&self.name).batch_execute(sql).unwrap(),
            Engine::Mysql => {
                use mysql::prelude::Queryable;
                self.my(Some(&self.name)).query_drop(sql).unwrap()
            }
            Engine::Sqlite => unreachable!(),
        }
    }

    /// Every row of a query, each value as text (NULL as `None`; booleans as 0/1).
    pub(crate) fn rows(&self, sql: &str) -> Vec<Vec<(String, Option<String>, bool)>> {
        match self.engine {
            Engine::Pgsql => {
                // The text protocol: every type comes back as PostgreSQL prints it
                // (booleans as t/f).
                let mut client = self.pg(&self.name);
                client
                    .simple_query(sql)
                    .unwrap()
                    .into_iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(row) => Some(
                            row.columns()
                                .iter()
                                .enumerate()
                                .map(|(i, c)| {
                                    (c.name().to_owned(), row.get(i).map(str::to_owned), false)
                                })
                                .collect(),
                        ),
                        _ => None,
                    })
                    .collect()
            }
            Engine::Mysql => {
                use mysql::consts::ColumnType as T;
                use mysql::prelude::Queryable;
                let mut conn = self.my(Some(&self.name));
                let rows: Vec<mysql::Row> = conn.query(sql).unwrap();
                rows.into_iter()
                    .map(|row| {
                        let cols: Vec<(String, bool)> = row
                            .columns_ref()
                            .iter()
                            .map(|c| {
                                let number = matches!(
                                    c.column_type(),
                                    T::MYSQL_TYPE_TINY
                                        | T::MYSQL_TYPE_SHORT
                                        | T::MYSQL_TYPE_LONG
                                        | T::MYSQL_TYPE_LONGLONG
                                        | T::MYSQL_TYPE_INT24
                                        | T::MYSQL_TYPE_DOUBLE
                                        | T::MYSQL_TYPE_NEWDECIMAL
                                );
                                (c.name_str().into_owned(), number)
                            })
                            .collect();
                        row.unwrap()
                            .into_iter()
                            .zip(cols)
                            .map(|(v, (name, number))| {
                                let v = match v {
                                    mysql::Value::NULL => None,
                                    mysql::Value::Bytes(b) => {
                                        Some(String::from_utf8_lossy(&b).into_owned())
                                    }
                                    mysql::Value::Int(i) => Some(i.to_string()),
                                    mysql::Value::UInt(i) => Some(i.to_string()),
                                    other => Some(format!("{other:?}")),
                                };
                                (name, v, number)
                            })
                            .collect()
                    })
                    .collect()
            }
            Engine::Sqlite => unreachable!(),
        }
    }

    /// The tables of the test's database.
    pub(crate) fn tables(&self) -> Vec<String> {
        let sql = match self.engine {
            Engine::Pgsql => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            }
            _ => {
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            }
        };
        self.rows(sql)
            .into_iter()
            .filter_map(|mut r| r.remove(0).1)
            .collect()
    }

    /// Every row (sorted) of every table, rendered as `harness::dump` renders SQLite
    /// rows, keeping those `keep` accepts.
    pub(crate) fn dump(
        &self,
        tables: impl Fn(&str) -> bool,
        keep: impl Fn(&str, &crate::harness::Row) -> bool,
    ) -> String {
        let mut out = String::new();
        for table in self.tables().into_iter().filter(|t| tables(t)) {
            let mut rows: Vec<String> = self
                .rows(&format!("SELECT * FROM {table}"))
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|(c, v, number)| {
                            let v = match v {
                                None => "NULL".to_owned(),
                                Some(v) if number => v,
                                Some(v) => format!("'{v}'"),
                            };
                            (c, v)
                        })
                        .collect::<crate::harness::Row>()
                })
                .filter(|row| keep(&table, row))
                .map(|row| format!("{table}: {row:?}"))
                .collect();
            rows.sort();
            out.push_str(&format!("table {table}\n"));
            for row in rows {
                out.push_str(&row);
                out.push('\n');
            }
        }
        out
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {}", self.name);
        match self.engine {
            Engine::Pgsql => {
                if let Ok(mut c) = postgres::Config::new()
                    .host_path(&self.env.socket)
                    .port(self.env.port)
                    .user(&self.env.superuser)
                    .dbname("postgres")
                    .connect(postgres::NoTls)
                {
                    let _ = c.batch_execute(&format!("{sql} WITH (FORCE)"));
                }
            }
            Engine::Mysql => {
                use mysql::prelude::Queryable;
                let opts = mysql::OptsBuilder::new()
                    .socket(Some(self.env.socket.clone()))
                    .user(Some(self.env.superuser.clone()));
                if let Ok(mut c) = mysql::Conn::new(opts) {
                    let _ = c.query_drop(sql);
                }
            }
            Engine::Sqlite => {}
        }
    }
}

/// Under CI, the server tests must run, not be skipped.
/// The last lines of a test server's log, for the report of a server that did not start.
fn server_log_tail(engine: Engine) -> String {
    let root = std::env::var("PWACCOUNT_DBSERVERS")
        .unwrap_or_else(|_| "/tmp/pwaccount-dbservers".to_string());
    let name = if engine == Engine::Pgsql {
        "pg.log"
    } else {
        "my.log"
    };
    match std::fs::read_to_string(Path::new(&root).join(name)) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(30)..].join("\n")
        }
        Err(e) => format!("(no log at {root}/{name}: {e})"),
    }
}

#[test]
fn the_database_servers_run_in_ci() {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        for engine in [Engine::Pgsql, Engine::Mysql] {
            assert!(
                server_env(engine).is_some(),
                "CI=true but no test server for {engine:?}: .ci/run starts them \
                 (scripts/dbservers.sh); the end of its log:\n{}",
                server_log_tail(engine)
            );
        }
    }
}
