//! A Nextcloud installation for a test: a copy of an engine's fixture (`tests/data/nextcloud/`,
//! written by the real Passwords app) laid out as an installation, with the helpers the
//! tests use to run pwaccount on it and look inside its database.

use std::path::{Path, PathBuf};

use crate::engines::{Engine, ServerDb};
use crate::harness::{Run, checksum};

/// A copy of an engine's fixture laid out as an installation: `config/config.php`
/// (datadirectory pointing at the copy; on a server, dbhost and dbname at the test's own
/// database) and, on SQLite, `data/nextcloud.db`.
pub(crate) struct Installation {
    dir: tempfile::TempDir,
    pub(crate) engine: Engine,
    pub(crate) server: Option<ServerDb>,
}

impl Installation {
    pub(crate) fn new() -> Self {
        Installation::on(Engine::Sqlite)
    }

    pub(crate) fn on(engine: Engine) -> Self {
        Installation::from_fixture(engine, &engine.fixture())
    }

    /// An installation copied from the fixture folder `fixture` (`config.php` and, on
    /// SQLite, `nextcloud.db.gz`) written on `engine`.
    pub(crate) fn from_fixture(engine: Engine, fixture: &Path) -> Self {
        Installation::from_fixture_in(engine, fixture, "nc_fixture")
    }

    /// As `from_fixture`, on a server from its database `template`; the configuration's
    /// database password is the test server's (the fixture's main one).
    pub(crate) fn from_fixture_in(engine: Engine, fixture: &Path, template: &str) -> Self {
        Installation::from_fixture_on(engine, fixture, template, None)
    }

    /// As `from_fixture_in`, on the server `env` when given (a Galera node).
    pub(crate) fn from_fixture_on(
        engine: Engine,
        fixture: &Path,
        template: &str,
        env: Option<crate::engines::ServerEnv>,
    ) -> Self {
        Installation::from_state(engine, fixture, "nextcloud.db.gz", template, env)
    }

    /// As `from_fixture_on`, with the SQLite database in `fixture/sqlite_gz` (a fixture
    /// that holds more than one state of its installation).
    pub(crate) fn from_state(
        engine: Engine,
        fixture: &Path,
        sqlite_gz: &str,
        template: &str,
        env: Option<crate::engines::ServerEnv>,
    ) -> Self {
        assert!(
            fixture.join("config.php").is_file(),
            "the Nextcloud fixture is missing: {} (see tests/data/nextcloud/README.md)",
            fixture.display()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        let mut config = std::fs::read_to_string(fixture.join("config.php"))
            .unwrap()
            .replace(
                "/srv/nextcloud/data",
                &dir.path().join("data").display().to_string(),
            );
        let server = if engine == Engine::Sqlite {
            let db = dir.path().join("data/nextcloud.db");
            crate::harness::gunzip(&fixture.join(sqlite_gz), &db);
            let mut perms = std::fs::metadata(&db).unwrap().permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
            std::fs::set_permissions(&db, perms).unwrap();
            None
        } else {
            let server = match env {
                Some(env) => ServerDb::copy_on(engine, env, template),
                None => ServerDb::copy_of(engine, template),
            };
            let main = std::fs::read_to_string(engine.fixture().join("config.php")).unwrap();
            let password = |text: &str| {
                text.lines()
                    .find(|l| l.trim_start().starts_with("'dbpassword' =>"))
                    .unwrap()
                    .to_owned()
            };
            config = config.replace(&password(&config), &password(&main));
            config = config
                .replace(
                    "'dbhost' => 'localhost'",
                    &format!("'dbhost' => '{}'", server.dbhost(false)),
                )
                .replace(
                    "'dbname' => 'nextcloud'",
                    &format!("'dbname' => '{}'", server.name),
                );
            Some(server)
        };
        std::fs::write(dir.path().join("config/config.php"), config).unwrap();
        Installation {
            dir,
            engine,
            server,
        }
    }

    /// The test's database on a server (none on SQLite).
    pub(crate) fn server(&self) -> Option<&ServerDb> {
        self.server.as_ref()
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite file (SQLite installations only).
    pub(crate) fn db(&self) -> PathBuf {
        assert_eq!(self.engine, Engine::Sqlite);
        self.dir.path().join("data/nextcloud.db")
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.dir.path().join("config/config.php")
    }

    /// Add the file `config/<name>` holding `text` (Nextcloud merges every `*.config.php`
    /// after `config.php`, and ignores other names); its path.
    pub(crate) fn extra_config(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join("config").join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The configuration's `dbhost` set to `host` (a proxy in front of the test server).
    pub(crate) fn set_dbhost(&self, host: &str) {
        let text = std::fs::read_to_string(self.config()).unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("'dbhost' =>"))
            .unwrap()
            .to_owned();
        std::fs::write(
            self.config(),
            text.replace(&line, &format!("  'dbhost' => '{host}',")),
        )
        .unwrap();
    }

    /// The instance secret the app's server-side encryption uses.
    pub(crate) fn secret(&self) -> String {
        let text = std::fs::read_to_string(self.config()).unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("'secret' =>"))
            .unwrap();
        line.split('\'').nth(3).unwrap().to_owned()
    }

    pub(crate) fn cmd(&self, user: &str) -> Run {
        // Snapshots go to pwaccount's own data folder: one per test.
        Run::new()
            .user(user)
            .arg("--nextcloud")
            .arg(self.root())
            .env("HOME", self.root().join("home"))
    }

    /// `challenge verify` for `user` with `pass`.
    pub(crate) fn verify(&self, user: &str, pass: &str) -> Run {
        self.cmd(user)
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", pass)
    }

    /// `challenge set` for `user`, from passphrase `old` to passphrase `new`.
    pub(crate) fn change(&self, user: &str, old: &str, new: &str) -> Run {
        self.cmd(user)
            .args(["challenge", "set", "--old-passphrase-env", "O"])
            .args(["--passphrase-env", "N"])
            .env("O", old)
            .env("N", new)
    }

    /// Add a user to Nextcloud's own user backend (`oc_users`), as `occ user:add` does
    /// (without a password: pwaccount never reads it).
    pub(crate) fn add_user(&self, uid: &str) {
        self.exec(&format!(
            "INSERT INTO oc_users (uid, displayname, password, uid_lower) VALUES ('{uid}', '{uid}', '', '{}')",
            uid.to_lowercase()
        ));
    }

    /// Run statements (written so every engine reads them: `FALSE`, not 0).
    pub(crate) fn exec(&self, sql: &str) {
        match &self.server {
            None => rusqlite::Connection::open(self.db())
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            Some(server) => server.exec(sql),
        }
    }

    /// The rows of a query, each value as text.
    pub(crate) fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        match &self.server {
            None => {
                let conn = rusqlite::Connection::open(self.db()).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                let width = stmt.column_count();
                stmt.query_map([], |r| {
                    Ok((0..width)
                        .map(|i| match r.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Null => String::new(),
                            other => format!("{other:?}"),
                        })
                        .collect())
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            }
            Some(server) => server
                .rows(sql)
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|(_, v, _)| v.unwrap_or_default())
                        .collect()
                })
                .collect(),
        }
    }

    /// The first value of a query.
    pub(crate) fn text(&self, sql: &str) -> String {
        self.rows(sql)
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or_else(|| panic!("no row: {sql}"))
    }

    pub(crate) fn count(&self, sql: &str) -> i64 {
        self.text(sql).parse().unwrap()
    }

    /// How many records pwaccount's audit table holds, if the table is there.
    pub(crate) fn trail_rows(&self) -> Option<i64> {
        let exists = match self.engine {
            Engine::Sqlite => {
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'oc_pwaccount_audit'"
            }
            Engine::Pgsql => {
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'oc_pwaccount_audit'"
            }
            Engine::Mysql => {
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'oc_pwaccount_audit'"
            }
        };
        (self.count(exists) == 1).then(|| self.count("SELECT count(*) FROM oc_pwaccount_audit"))
    }

    /// The audit trail as `account action outcome` lines, oldest first.
    pub(crate) fn trail(&self) -> Vec<String> {
        if self.trail_rows().is_none() {
            return Vec::new();
        }
        self.rows("SELECT user_id, action, outcome FROM oc_pwaccount_audit ORDER BY id")
            .into_iter()
            .map(|r| r.join(" "))
            .collect()
    }

    /// Every row (sorted) of the tables `tables` accepts, keeping those `keep` accepts.
    pub(crate) fn dump_tables(
        &self,
        tables: impl Fn(&str) -> bool,
        keep: impl Fn(&str, &crate::harness::Row) -> bool,
    ) -> String {
        match &self.server {
            None => crate::harness::dump_tables(&self.db(), tables, keep),
            Some(server) => server.dump(tables, keep),
        }
    }

    /// Everything that a refusal must leave as it was.
    /// The SQLite database is in WAL mode, so a change may sit in its `-wal` file: compare
    /// a logical dump of every row, not only the file's bytes.
    ///
    /// One exception, on MySQL/MariaDB only: pwaccount's audit table, when it is there
    /// and empty. MySQL commits a `CREATE TABLE` by itself, so the first change pwaccount
    /// makes there creates the table before its transaction, and a change refused after
    /// that leaves the empty table behind (the README says so;
    /// `a_refused_first_change_leaves_no_record` checks exactly this).
    pub(crate) fn sums(&self) -> Vec<String> {
        use sha2::Digest;
        let empty_trail = self.engine == Engine::Mysql && self.trail_rows() == Some(0);
        let dump = self.dump_tables(
            |table| !(empty_trail && table == "oc_pwaccount_audit"),
            |_, _| true,
        );
        vec![
            hex::encode(sha2::Sha256::digest(dump.as_bytes())),
            checksum(&self.config()),
        ]
    }
}
