//! Reliability: SIGKILL at random moments, a full disk, racing writers, readers during a
//! reset, and secrets that never reach any output.

use pwaccount::SecretText;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use pwaccount::challenge::{self, Proof};
use pwaccount::formats::snapshot;
use pwaccount::{Access, AccountStore};
use rand::Rng;
use rusqlite::Connection;

use crate::harness::{Env, Run, assert_same};

const OLD: &str = "the old passphrase";
const NEW: &str = "the new passphrase";

/// A populated account with a challenge, a snapshot taken before more data arrived, and a
/// pending reset code — checkpointed into one file that every round starts from.
struct Fixture {
    env: Env,
    pristine: PathBuf,
    snapshot: PathBuf,
    code: String,
    /// The data (every row but the audit trail's) and the trail, before any command.
    before: String,
    trail: Vec<String>,
}

impl Fixture {
    fn new() -> Self {
        let env = Env::shared_accounts(400, 50, OLD);
        let snapshot = env.path("snapshot.sqlite");
        env.cmd().arg("backup").arg(&snapshot).run().ok();
        env.populate("alice", 100, "carol");
        let code = env.cmd().arg("reset").run().ok().stdout.trim().to_owned();
        let conn = Connection::open(&env.db).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        let pristine = env.path("pristine.sqlite");
        std::fs::copy(&env.db, &pristine).unwrap();
        let fixture = Fixture {
            before: String::new(),
            trail: Vec::new(),
            env,
            pristine,
            snapshot,
            code,
        };
        fixture.restart();
        let before = fixture.env.dump_data();
        let trail = fixture.env.audit_actions();
        Fixture {
            before,
            trail,
            ..fixture
        }
    }

    /// Put the database back to the starting state.
    fn restart(&self) {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.env.db.display()));
        }
        std::fs::copy(&self.pristine, &self.env.db).unwrap();
        let _ = std::fs::remove_dir_all(self.env.path("backups"));
        let _ = std::fs::remove_file(self.env.path("out.sqlite"));
    }

    fn integrity(&self) {
        let conn = Connection::open(&self.env.db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
}

#[derive(Clone, Copy, Debug)]
enum Command {
    Reset,
    ChangeChallenge,
    Restore,
    Backup,
}

impl Crashes {
    /// A backup never changes the database: its "before" is a missing file, and a kill
    /// early enough leaves none; either way the live database is unchanged.
    fn command_is_read_only(&self) -> bool {
        matches!(self.command, Command::Backup)
    }
}

impl Command {
    fn run(self, f: &Fixture) -> Run {
        let cmd = f.env.cmd();
        match self {
            Command::Reset => cmd.args(["reset", "--code", &f.code]),
            Command::ChangeChallenge => f.env.change_challenge("alice", OLD, NEW),
            Command::Restore => cmd.args(["restore", "--replace", "--yes"]).arg(&f.snapshot),
            Command::Backup => cmd.arg("backup").arg(f.env.path("out.sqlite")),
        }
    }
}

/// Whether the state after a (possibly killed) run is the full before-state (false) or
/// the full after-state (true); panics on anything else. The audit trail agrees: the
/// before-state has the trail as it was, the after-state one record more, the command's.
fn classify(f: &Fixture, command: Command, after: &str) -> bool {
    let changed = classify_data(f, command, after);
    let mut trail = f.trail.clone();
    if changed {
        trail.push(
            match command {
                Command::Reset => "alice reset deleted",
                Command::ChangeChallenge => "alice challenge-set changed",
                Command::Restore => "alice restore restored",
                Command::Backup => return true,
            }
            .to_owned(),
        );
    }
    assert_eq!(
        f.env.audit_actions(),
        trail,
        "{command:?}, changed: {changed}"
    );
    changed
}

fn classify_data(f: &Fixture, command: Command, after: &str) -> bool {
    f.integrity();
    let now = f.env.dump_data();
    match command {
        Command::Backup => {
            assert_same(&f.before, &now, "backup changed the database");
            let out = f.env.path("out.sqlite");
            out.exists() && snapshot::inspect(&out).map(|_| true).unwrap()
        }
        Command::ChangeChallenge => {
            if now == f.before {
                return false;
            }
            let mut store =
                AccountStore::open(&f.env.db, Access::Read, Duration::from_secs(5)).unwrap();
            let chains = challenge::open_keychains(
                &mut store,
                "alice",
                &Proof::Passphrase(SecretText::new(NEW)),
            )
            .expect("neither the before-state nor a complete change");
            let sse: challenge::SseKeychain = serde_json::from_slice(&chains[0].plaintext).unwrap();
            assert_eq!(sse.keys.len(), 2);
            true
        }
        Command::Reset | Command::Restore => {
            if now == f.before {
                false
            } else {
                assert_same(after, &now, "neither before nor after");
                true
            }
        }
    }
}

/// How a command fared under `kills` kills at random moments.
struct Crashes {
    command: Command,
    /// Rounds whose database was then the full before-state, or the full after-state
    /// (`classify` fails the test on anything else).
    before: usize,
    after: usize,
    /// Rounds in which SIGKILL really ended the process (rather than finding it done).
    killed_mid_run: usize,
}

/// Kill each command `kills` times at random moments over its whole run.
fn crash_rounds(kills: usize) -> Vec<Crashes> {
    let f = Fixture::new();
    let mut rng = rand::thread_rng();
    let mut report = Vec::new();
    for command in [
        Command::Reset,
        Command::ChangeChallenge,
        Command::Restore,
        Command::Backup,
    ] {
        // One full run: its duration, and the after-state.
        // The shortest of three runs, so that one slow run does not push the kills late.
        let mut full = Duration::MAX;
        for _ in 0..3 {
            f.restart();
            let started = Instant::now();
            command.run(&f).run().ok();
            full = full.min(started.elapsed());
        }
        let after = f.env.dump_data();
        assert!(classify(&f, command, &after));
        let (mut before_n, mut after_n, mut killed_mid_run) = (0, 0, 0);
        for _ in 0..kills {
            f.restart();
            let mut child = command
                .run(&f)
                .command()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let delay = full.mul_f64(rng.gen_range(0.0..1.15));
            std::thread::sleep(delay);
            let _ = child.kill();
            let status = child.wait().unwrap();
            if std::os::unix::process::ExitStatusExt::signal(&status) == Some(9) {
                killed_mid_run += 1;
            }
            if classify(&f, command, &after) {
                after_n += 1;
            } else {
                before_n += 1;
            }
        }
        report.push(Crashes {
            command,
            before: before_n,
            after: after_n,
            killed_mid_run,
        });
    }
    report
}

#[test]
fn sigkill_at_random_moments_leaves_the_before_or_the_after_state() {
    for c in crash_rounds(30) {
        // Every round was classified (or the test failed there). That proves something
        // only if the kills landed while the command ran: a third of them at least (the
        // delays are drawn from a run timed beforehand, and a loaded machine makes later
        // runs faster or slower than that: once, with the whole suite beside it, fewer than
        // 15 of 30 landed), and some must have left the before-state behind.
        assert!(
            c.killed_mid_run >= 10,
            "{:?}: {} kills landed",
            c.command,
            c.killed_mid_run
        );
        assert!(
            c.before > 0 || c.command_is_read_only(),
            "{:?}: no round ended before",
            c.command
        );
    }
}

/// The long version: `PWACCOUNT_CRASH_KILLS=1000 cargo test --release -- --ignored crash_soak --nocapture`.
#[test]
#[ignore = "slow soak; run by scripts/crash-soak.sh"]
fn crash_soak() {
    let kills = std::env::var("PWACCOUNT_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    for c in crash_rounds(kills) {
        println!(
            "{:?}: {kills} kills ({} during the run), {} before-state, {} after-state",
            c.command, c.killed_mid_run, c.before, c.after
        );
    }
}

/// Run `run` with a file size limit of `kib` KiB: writes past it fail as on a full disk.
fn with_file_size_limit(run: &Run, kib: u64) -> crate::harness::Outcome {
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$@\""))
        .arg("sh")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    run.through(sh)
}

#[test]
fn a_full_disk_midway_leaves_the_database_unchanged() {
    let env = Env::populated(3000);
    let size_kib = std::fs::metadata(&env.db).unwrap().len() / 1024;
    let code = env.cmd().arg("reset").run().ok().stdout.trim().to_owned();
    let conn = Connection::open(&env.db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    let before = env.dump();
    // Room for the database as it is and a little more: the delete's journal cannot fit.
    let run = env
        .cmd()
        .args(["--json", "reset", "--no-backup", "--code", &code]);
    let out = with_file_size_limit(&run, size_kib + 64).code(8);
    let v = out.json();
    assert_eq!(v["status"], "error");
    assert!(v["message"].as_str().unwrap().contains("disk full"), "{v}");
    assert_same(&before, &env.dump(), "full disk");
    // And the same reset succeeds with room.
    env.cmd()
        .args(["reset", "--no-backup", "--code", &code])
        .run()
        .ok();
}

#[test]
fn two_racing_challenge_changes_one_wins_the_other_fails_cleanly() {
    for _ in 0..3 {
        let env = Env::new();
        env.cmd()
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", OLD)
            .run()
            .ok();
        let spawn = |new: &str| {
            env.cmd()
                .args([
                    "--json",
                    "challenge",
                    "set",
                    "--passphrase-env",
                    "N",
                    "--old-passphrase-env",
                    "O",
                ])
                .env("N", new)
                .env("O", OLD)
                .command()
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn("racer number one!");
        let b = spawn("racer number two!");
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let codes: Vec<i32> = outs.iter().map(|o| o.status.code().unwrap()).collect();
        assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 1, "{codes:?}");
        let loser = outs.iter().find(|o| o.status.code() != Some(0)).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&loser.stdout).unwrap();
        assert!(
            ["challenge_changed", "passphrase_invalid"].contains(&v["id"].as_str().unwrap()),
            "{v}"
        );
        let winner = if codes[0] == 0 {
            "racer number one!"
        } else {
            "racer number two!"
        };
        let mut store = AccountStore::open(&env.db, Access::Read, Duration::from_secs(5)).unwrap();
        let chains = challenge::open_keychains(
            &mut store,
            "alice",
            &Proof::Passphrase(SecretText::new(winner)),
        )
        .unwrap();
        let sse: challenge::SseKeychain = serde_json::from_slice(&chains[0].plaintext).unwrap();
        assert_eq!(sse.keys.len(), 2);
    }
}

#[test]
fn a_reader_never_sees_a_half_reset_account() {
    let env = Env::populated(2000);
    let code = env.cmd().arg("reset").run().ok().stdout.trim().to_owned();
    let db = env.db.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut conn = Connection::open(&db).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        loop {
            // Read once more after the reset finished, so the end state is always seen.
            let last = flag.load(std::sync::atomic::Ordering::SeqCst);
            let tx = conn.transaction().unwrap();
            let counts: (i64, i64, i64, i64) = tx
                .query_row(
                    "SELECT (SELECT count(*) FROM passwords WHERE user_id = 'alice'),
                            (SELECT count(*) FROM password_revisions WHERE user_id = 'alice'),
                            (SELECT count(*) FROM sessions WHERE user_id = 'alice'),
                            (SELECT count(*) FROM shares WHERE receiver = 'alice')",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap();
            drop(tx);
            seen.insert(counts);
            let _ = started_tx.send(());
            if last {
                return seen;
            }
        }
    });
    started_rx.recv().unwrap();
    env.cmd().args(["reset", "--code", &code]).run().ok();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.join().unwrap();
    let expected: std::collections::BTreeSet<_> =
        [(0, 0, 0, 0), (2000, 6000, 3, 20)].into_iter().collect();
    assert_eq!(seen, expected);
}

#[test]
fn secrets_never_appear_in_any_output() {
    let env = Env::populated(20);
    let secret_hex = "5ec2e7".repeat(10) + "abcd";
    let salts = serde_json::to_string(
        &pwaccount::formats::pwdv1::Salts::generate()
            .unwrap()
            .to_hex(),
    )
    .unwrap();
    let runs: Vec<Run> = vec![
        env.cmd()
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", OLD),
        env.cmd()
            .args([
                "challenge",
                "set",
                "--passphrase-env",
                "P",
                "--old-passphrase-env",
                "O",
            ])
            .env("P", NEW)
            .env("O", "wrong-wrong-wrong"),
        env.cmd()
            .args([
                "challenge",
                "set",
                "--passphrase-env",
                "P",
                "--old-passphrase-env",
                "O",
            ])
            .env("P", NEW)
            .env("O", OLD),
        env.cmd()
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", OLD),
        env.cmd()
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", NEW),
        env.cmd()
            .args(["challenge", "verify", "--secret-env", "S"])
            .env("S", &secret_hex),
        env.cmd()
            .args([
                "challenge",
                "set",
                "--secret-env",
                "S",
                "--data",
                &salts,
                "--old-passphrase-env",
                "O",
            ])
            .env("S", &secret_hex)
            .env("O", NEW),
        env.cmd()
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", "short"),
        env.cmd().args(["challenge", "get"]),
        env.cmd().args(["status"]),
    ];
    for run in runs {
        for json in [false, true] {
            let mut cmd = run.command();
            if json {
                cmd.arg("--json");
            }
            let out = cmd.stdin(Stdio::null()).output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for secret in [OLD, NEW, "wrong-wrong-wrong", secret_hex.as_str(), "short"] {
                assert!(!text.contains(secret), "{secret:?} leaked: {text}");
            }
        }
    }
}

#[test]
fn loose_permissions_on_an_existing_database_are_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::populated(2);
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cmd().arg("status").run().ok();
    assert!(
        out.stderr.contains("accessible to other users (mode 0644)"),
        "{}",
        out.stderr
    );
    // With --json the warning is in the object, for the script to see.
    let out = env.cmd().args(["--json", "status"]).run().ok();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let notes = out.json()["notes"].to_string();
    assert!(notes.contains("chmod 600"), "{notes}");
    let out = env.cmd().args(["-q", "status"]).run().ok();
    assert_eq!(out.stderr, "");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(env.cmd().arg("status").run().ok().stderr, "");
}

/// Secrets never travel in argv: no option of any command takes a passphrase or a secret
/// as its value, only the FILE or the VAR to read it from.
#[test]
fn no_option_takes_a_secret_as_its_value() {
    use clap::CommandFactory;
    fn walk(command: &clap::Command, path: &str, checked: &mut usize) {
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if id.contains("passphrase") || id.contains("secret") {
                let names: Vec<&str> = arg
                    .get_value_names()
                    .map(|n| n.iter().map(|s| s.as_str()).collect())
                    .unwrap_or_default();
                assert!(
                    names == ["FILE"] || names == ["VAR"],
                    "{path} --{id} takes {names:?}: a secret would be typed on the command line"
                );
                *checked += 1;
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), checked);
        }
    }
    let mut checked = 0;
    walk(&pwaccount::Cli::command(), "pwaccount", &mut checked);
    // challenge set: 8 (new and old passphrase and secret, file and env); verify: 4;
    // check and rekey: 2 each (the former server secret, file and env).
    assert_eq!(checked, 16);
}
