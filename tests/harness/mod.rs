//! A small builder around the binary: args, environment, stdin; and helpers to look at the
//! database (a logical dump, a checksum of the file).

pub(crate) mod nextcloud;
pub(crate) mod suite;

/// `mod $module` with one `#[test]` per function name, each calling the function with
/// `Engine::$engine`, under attribute `$attr` (`test`, or `test(pgsql)` / `test(mysql)`
/// for the server engines: ignored where no test server runs).
macro_rules! tests_on {
    ($module:ident, $engine:ident, $attr:meta, $($name:ident),* $(,)?) => {
        mod $module {
            $(
                #[$attr]
                fn $name() {
                    super::$name(crate::engines::Engine::$engine)
                }
            )*
        }
    };
}

/// One `#[test]` per engine for each test function taking an `Engine`: `sqlite::NAME`,
/// `pgsql::NAME` and `mariadb::NAME` (the server ones ignored where no test server runs).
macro_rules! engine_tests {
    ($($name:ident),* $(,)?) => {
        tests_on!(sqlite, Sqlite, test, $($name),*);
        tests_on!(pgsql, Pgsql, test(pgsql), $($name),*);
        tests_on!(mariadb, Mysql, test(mysql), $($name),*);
    };
}

/// As `engine_tests!`, for the database servers only: `pgsql_server::NAME`,
/// `mariadb_server::NAME`.
macro_rules! server_tests {
    ($($name:ident),* $(,)?) => {
        tests_on!(pgsql_server, Pgsql, test(pgsql), $($name),*);
        tests_on!(mariadb_server, Mysql, test(mysql), $($name),*);
    };
}

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rusqlite::{Connection, OpenFlags, types::ValueRef};
use serde_json::Value;
use tempfile::TempDir;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_pwaccount");

/// A scratch folder with a database path in it (not created until a command runs).
pub(crate) struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Env {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("accounts.sqlite");
        Env { dir, db }
    }

    /// An environment whose database already holds `alice` with `passwords` passwords
    /// (and `bob` as the peer of her shares).
    pub(crate) fn populated(passwords: u64) -> Self {
        let env = Env::new();
        env.populate("alice", passwords, "bob");
        env
    }

    /// alice and bob sharing passwords both ways, alice with a challenge (and so a keychain)
    /// set to `passphrase`.
    pub(crate) fn shared_accounts(alice: u64, bob: u64, passphrase: &str) -> Self {
        let env = Env::new();
        env.populate("alice", alice, "bob");
        env.populate("bob", bob, "alice");
        env.set_challenge("alice", passphrase);
        env
    }

    /// Set `user`'s first challenge with a passphrase, through the binary.
    pub(crate) fn set_challenge(&self, user: &str, passphrase: &str) {
        self.cmd()
            .user(user)
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", passphrase)
            .run()
            .ok();
    }

    /// `challenge verify` of `passphrase` for `user` (not run yet).
    pub(crate) fn verify(&self, user: &str, passphrase: &str) -> Run {
        self.cmd()
            .user(user)
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", passphrase)
    }

    /// `challenge set` for `user` from passphrase `old` to `new` (not run yet).
    pub(crate) fn change_challenge(&self, user: &str, old: &str, new: &str) -> Run {
        self.cmd()
            .user(user)
            .args([
                "challenge",
                "set",
                "--passphrase-env",
                "N",
                "--old-passphrase-env",
                "O",
            ])
            .env("O", old)
            .env("N", new)
    }

    pub(crate) fn populate(&self, user: &str, passwords: u64, peer: &str) {
        pwaccount::populate(&self.db, user, passwords, peer).unwrap();
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write a file into the scratch folder and return its path.
    pub(crate) fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// A command against this environment's database, as account `alice`.
    pub(crate) fn cmd(&self) -> Run {
        Run::new().db(&self.db).user("alice")
    }

    /// A logical dump of the whole database.
    pub(crate) fn dump(&self) -> String {
        dump(&self.db, |_, _| true)
    }

    /// A logical dump of every row but the audit trail's: the data a restore puts back
    /// (the trail only grows).
    pub(crate) fn dump_data(&self) -> String {
        dump(&self.db, |table, _| table != "audit")
    }

    /// The audit trail as `account action outcome` lines, oldest first (none before the
    /// file has a trail).
    pub(crate) fn audit_actions(&self) -> Vec<String> {
        let conn = Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mut stmt = match conn.prepare(
            "SELECT coalesce(user_id, '-') || ' ' || action || ' ' || outcome FROM audit ORDER BY id",
        ) {
            Ok(stmt) => stmt,
            Err(_) => return Vec::new(),
        };
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// A logical dump of every row that does not belong to `user` (shares addressed to
    /// the user count as the user's).
    pub(crate) fn dump_others(&self, user: &str) -> String {
        dump(&self.db, |_, row| {
            !row.iter().any(|(col, v)| {
                (col == "user_id" || col == "receiver") && v == &format!("'{user}'")
            })
        })
    }

    /// A logical dump of `table`'s rows for `user`.
    pub(crate) fn dump_rows(&self, table: &str, user: &str) -> String {
        dump(&self.db, |t, row| {
            t == table
                && row
                    .iter()
                    .any(|(col, v)| col == "user_id" && v == &format!("'{user}'"))
        })
    }

    pub(crate) fn sql<T: rusqlite::types::FromSql>(&self, query: &str) -> T {
        let conn = Connection::open(&self.db).unwrap();
        conn.query_row(query, [], |r| r.get(0)).unwrap()
    }

    pub(crate) fn exec(&self, sql: &str) {
        Connection::open(&self.db)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
    }
}

pub(crate) type Row = Vec<(String, String)>;

/// Schema, pragmas and every row (sorted), as text, keeping rows `keep` accepts.
pub(crate) fn dump(db: &Path, keep: impl Fn(&str, &Row) -> bool) -> String {
    dump_tables(db, |_| true, keep)
}

/// `dump` of the tables (and their indexes) `tables` accepts.
pub(crate) fn dump_tables(
    db: &Path,
    tables: impl Fn(&str) -> bool,
    keep: impl Fn(&str, &Row) -> bool,
) -> String {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut out = String::new();
    for pragma in ["application_id", "user_version"] {
        let v: i64 = conn
            .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
            .unwrap();
        out.push_str(&format!("{pragma}={v}\n"));
    }
    let mut stmt = conn
        .prepare(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name",
        )
        .unwrap();
    let objects: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .filter(|(_, _, table)| tables(table))
        .map(|(name, sql, _)| (name, sql))
        .collect();
    for (name, sql) in &objects {
        out.push_str(&format!("{sql}\n"));
        if !sql.starts_with("CREATE TABLE") {
            continue;
        }
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
        let cols: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..cols.len())
                    .map(|i| {
                        let v = match r.get_ref(i).unwrap() {
                            ValueRef::Null => "NULL".to_owned(),
                            ValueRef::Integer(n) => n.to_string(),
                            ValueRef::Real(f) => f.to_string(),
                            ValueRef::Text(t) => format!("'{}'", String::from_utf8_lossy(t)),
                            ValueRef::Blob(b) => format!("x'{}'", hex::encode(b)),
                        };
                        (cols[i].clone(), v)
                    })
                    .collect::<Row>())
            })
            .unwrap()
            .map(Result::unwrap)
            .filter(|row| keep(name, row))
            .map(|row| format!("{name}: {row:?}"))
            .collect();
        rows.sort();
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

/// A dump as a restore of `user` puts it back: without the shares that other accounts own
/// with `user` as receiver (a per-account restore records those but never writes them
/// back) and without `user`'s sessions (a restore closes them).
pub(crate) fn as_restored(dump: &str, user: &str) -> String {
    let owner = format!("(\"user_id\", \"'{user}'\")");
    let receiver = format!("(\"receiver\", \"'{user}'\")");
    dump.lines()
        .filter(|l| !(l.starts_with("shares: ") && l.contains(&receiver) && !l.contains(&owner)))
        .filter(|l| !(l.starts_with("sessions: ") && l.contains(&owner)))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Assert two dumps are equal, showing only the lines that differ.
#[track_caller]
pub(crate) fn assert_same(left: &str, right: &str, what: &str) {
    if left == right {
        return;
    }
    let l: std::collections::BTreeSet<&str> = left.lines().collect();
    let r: std::collections::BTreeSet<&str> = right.lines().collect();
    let only_left: Vec<&&str> = l.difference(&r).take(5).collect();
    let only_right: Vec<&&str> = r.difference(&l).take(5).collect();
    panic!(
        "{what}: the dumps differ\n--- only before:\n{only_left:#?}\n--- only after:\n{only_right:#?}"
    );
}

/// SHA-256 of a file's bytes, for "left byte for byte as it was".
/// Write the gzip-compressed file `from` (a fixture kept small in the repository) to `to`,
/// uncompressed.
pub(crate) fn gunzip(from: &Path, to: &Path) {
    let input = std::fs::File::open(from)
        .unwrap_or_else(|e| panic!("cannot open the fixture {}: {e}", from.display()));
    let mut output = std::fs::File::create(to).unwrap();
    std::io::copy(&mut flate2::read::GzDecoder::new(input), &mut output).unwrap();
}

pub(crate) fn checksum(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// One run of the binary.
pub(crate) struct Run {
    dir: Option<PathBuf>,
    db: Option<PathBuf>,
    user: Option<String>,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
}

pub(crate) struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub(crate) fn new() -> Self {
        Run {
            dir: None,
            db: None,
            user: None,
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
        }
    }

    /// `--db PATH` (replacing an earlier one).
    pub(crate) fn db(mut self, path: impl Into<PathBuf>) -> Self {
        self.db = Some(path.into());
        self
    }

    /// Run in `dir` (for relative paths).
    pub(crate) fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// `--user ID` (replacing an earlier one).
    pub(crate) fn user(mut self, id: &str) -> Self {
        self.user = Some(id.to_owned());
        self
    }

    pub(crate) fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub(crate) fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub(crate) fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// Remove `key` from the tool's environment.
    pub(crate) fn env_remove(mut self, key: impl Into<OsString>) -> Self {
        self.env.push((key.into(), None));
        self
    }

    pub(crate) fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// The process to start: no inherited pwaccount settings, no login name, and a home
    /// folder that is not the tester's.
    pub(crate) fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        if let Some(db) = &self.db {
            cmd.arg("--db").arg(db);
        }
        if let Some(user) = &self.user {
            cmd.arg("--user").arg(user);
        }
        cmd.args(&self.args);
        for var in [
            "PWACCOUNT_DB",
            "PWACCOUNT_USER",
            "PWACCOUNT_BUSY_TIMEOUT",
            "PWACCOUNT_NEXTCLOUD",
            "USER",
            "LOGNAME",
            "XDG_DATA_HOME",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", std::env::temp_dir().join("pwaccount-tests-no-home"));
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd
    }

    /// Run this through `wrapper`, a command that ends by executing the arguments it is
    /// given last (`exec "$@"`): the tool's program and arguments are appended, and the
    /// variables this run sets or removes go with them. A wrapper that clears its
    /// environment does so before this is called.
    pub(crate) fn through(&self, mut wrapper: Command) -> Outcome {
        let inner = self.command();
        wrapper.arg(inner.get_program()).args(inner.get_args());
        for (k, v) in inner.get_envs() {
            match v {
                Some(v) => wrapper.env(k, v),
                None => wrapper.env_remove(k),
            };
        }
        if let Some(dir) = inner.get_current_dir() {
            wrapper.current_dir(dir);
        }
        Outcome::from(wrapper.stdin(Stdio::null()).output().unwrap())
    }

    /// The passphrases and secrets this run hands the tool: the values of the variables
    /// named by `--…-env` and the contents of the files (or standard input) named by
    /// `--…-file`, for every passphrase and secret option. Values under 6 characters are
    /// left out: too short to tell a leak from a coincidence.
    fn secrets(&self) -> Vec<String> {
        let mut found = Vec::new();
        for pair in self.args.windows(2) {
            let flag = pair[0].to_string_lossy();
            if !(flag.contains("passphrase") || flag.contains("secret")) {
                continue;
            }
            let value = if flag.ends_with("-env") {
                self.env
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == pair[1])
                    .and_then(|(_, v)| v.as_ref())
                    .map(|v| v.to_string_lossy().into_owned())
            } else if flag.ends_with("-file") && pair[1] == "-" {
                self.stdin
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            } else if flag.ends_with("-file") {
                std::fs::read(&pair[1])
                    .ok()
                    .filter(|b| b.len() < 65_536)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            } else {
                None
            };
            if let Some(value) = value {
                let value = value.trim_end_matches(['\n', '\r']).to_owned();
                if value.chars().count() >= 6 {
                    found.push(value);
                }
            }
        }
        found
    }

    pub(crate) fn run(self) -> Outcome {
        let mut cmd = self.command();
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().unwrap();
        if let Some(bytes) = &self.stdin {
            let mut pipe = child.stdin.take().unwrap();
            // The tool may exit before reading everything; a broken pipe is fine.
            let _ = pipe.write_all(bytes);
        }
        let outcome = Outcome::from(child.wait_with_output().unwrap());
        // No secret this run was given ever reaches its output.
        for secret in self.secrets() {
            for (stream, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
                assert!(
                    !text.contains(&secret),
                    "a secret given to the run appears on its {stream}: {text}"
                );
            }
        }
        // Whatever happened, no panic and no Rust debug text reaches the user.
        assert_ne!(outcome.code, 101, "exit 101 is a panic: {}", outcome.stderr);
        for text in [&outcome.stdout, &outcome.stderr] {
            assert!(!text.contains("panicked"), "panic in output: {text}");
            assert!(!text.contains("RUST_BACKTRACE"), "panic in output: {text}");
            for debug in [
                "SqliteFailure",
                "DriverError",
                "IoError {",
                "Error { ",
                "kind: ",
            ] {
                assert!(!text.contains(debug), "debug text in output: {text}");
            }
        }
        outcome
    }
}

/// What a finished process printed, for runs made outside `Run::run` (under `sh`,
/// `unshare`, with signals).
impl From<std::process::Output> for Outcome {
    fn from(out: std::process::Output) -> Self {
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

/// Send `signal` (a name: INT, TERM, …) to process `pid`; it may have ended already.
pub(crate) fn signal(signal: &str, pid: u32) {
    let _ = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

impl Outcome {
    /// Assert the exit code, showing the output when it is wrong.
    pub(crate) fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub(crate) fn ok(self) -> Self {
        self.code(0)
    }

    /// stdout parsed as exactly one JSON object.
    pub(crate) fn json(&self) -> Value {
        let line = self.stdout.trim_end_matches('\n');
        assert!(
            !line.contains('\n'),
            "more than one line on stdout: {}",
            self.stdout
        );
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout));
        assert!(v.is_object(), "not an object: {v}");
        v
    }

    /// For `--json` failures: the error envelope's id, after checking its shape.
    pub(crate) fn error_id(&self) -> String {
        let v = self.json();
        assert_eq!(v["status"], "error", "{v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    pub(crate) fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// The real user id of this process (from /proc: the tests use no `unsafe`).
pub(crate) fn own_uid() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Where a killed run left the data: as it was, or as the whole run leaves it.
pub(crate) enum Landed {
    Before,
    After,
}

/// `rounds` rounds of: `start` a fresh run (its state and its process), SIGKILL it at a
/// random moment within `full` (how long a whole run takes) and a tenth more, then
/// `judge` where it left the data (`judge` asserts it is one of the two). Returns how
/// many rounds ended in each; it fails unless at least one kill landed before the commit.
pub(crate) fn kill_rounds<S>(
    rounds: usize,
    full: std::time::Duration,
    start: impl Fn() -> (S, std::process::Child),
    judge: impl Fn(usize, &S) -> Landed,
) -> (usize, usize) {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let (mut before, mut after) = (0, 0);
    for round in 0..rounds {
        let (state, mut child) = start();
        std::thread::sleep(full.mul_f64(rng.gen_range(0.0..1.1)));
        let _ = child.kill();
        let _ = child.wait();
        match judge(round, &state) {
            Landed::Before => before += 1,
            Landed::After => after += 1,
        }
    }
    assert!(
        before > 0,
        "no kill landed before the commit ({after} after)"
    );
    (before, after)
}

/// A snapshot's digest as the README describes it, recomputed over `tables` of the
/// snapshot `conn` (each with a `WHERE` filter, or ""): SHA-256 over each table's name and
/// NUL, then every row (by rowid) as each value's type tag, length and bytes. What anyone
/// editing a snapshot can do: the digest catches accidents, not forgers.
pub(crate) fn snapshot_digest(conn: &Connection, tables: &[(&str, &str)]) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for (table, filter) in tables {
        hash.update(table.as_bytes());
        hash.update([0]);
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\"{filter} ORDER BY rowid"))
            .unwrap();
        let width = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..width {
                let (tag, bytes): (u8, Vec<u8>) = match row.get_ref(i).unwrap() {
                    ValueRef::Null => (0, Vec::new()),
                    ValueRef::Integer(n) => (1, n.to_le_bytes().to_vec()),
                    ValueRef::Real(f) => (2, f.to_le_bytes().to_vec()),
                    ValueRef::Text(t) => (3, t.to_vec()),
                    ValueRef::Blob(b) => (4, b.to_vec()),
                };
                hash.update([tag]);
                hash.update((bytes.len() as u64).to_le_bytes());
                hash.update(&bytes);
            }
        }
    }
    hex::encode(hash.finalize())
}

/// Every file under `dir`.
pub(crate) fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
