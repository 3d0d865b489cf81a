//! Interruptions (SIGINT, SIGTERM, SIGHUP) at random moments: the printed outcome and the
//! exit status always match what the database holds, and no temporary file is left.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::Rng;
use rusqlite::Connection;

use crate::harness::{Env, assert_same};

/// Files an interrupted run could leave behind: temporary snapshots and their journals.
fn leftovers(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with('.') && name.contains(".tmp")
        })
        .collect()
}

/// A reset of a populated account, interrupted at random moments.
struct ResetFixture {
    env: Env,
    pristine: PathBuf,
    code: String,
    before: String,
}

impl ResetFixture {
    fn new(passwords: u64) -> Self {
        let env = Env::populated(passwords);
        let code = env.cmd().arg("reset").run().ok().stdout.trim().to_owned();
        let conn = Connection::open(&env.db).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        let pristine = env.path("pristine.sqlite");
        std::fs::copy(&env.db, &pristine).unwrap();
        let before = env.dump();
        ResetFixture {
            env,
            pristine,
            code,
            before,
        }
    }

    fn restart(&self) {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.env.db.display()));
        }
        std::fs::copy(&self.pristine, &self.env.db).unwrap();
        let _ = std::fs::remove_dir_all(self.env.path("backups"));
    }

    fn snapshots(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.env.path("backups"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }
}

/// Interrupt `reset --code` `rounds` times with `signal`; returns how many rounds ended
/// in the before- and in the after-state. Every round's exit status, JSON and files must
/// agree with the database.
/// What the rounds of `reset_rounds` found: ended by the signal's default action before
/// the handler was installed, interrupted by it mid-run (exit 130, the before-state), and
/// finished first (exit 0, the after-state).
struct Rounds {
    killed: usize,
    interrupted: usize,
    after: usize,
}

fn reset_rounds(passwords: u64, rounds: usize, signal: &str) -> Rounds {
    let f = ResetFixture::new(passwords);
    let run = || {
        f.env
            .cmd()
            .args(["--json", "reset", "--code", &f.code])
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    f.restart();
    let started = Instant::now();
    let out = run().wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let full = started.elapsed();
    // The data only: the after-state's audit record holds the time and the snapshot's name.
    let after = f.env.dump_data();
    let trail_before = {
        let mut trail = f.env.audit_actions();
        trail.pop();
        trail
    };
    assert_ne!(f.env.dump(), f.before);

    let mut rng = rand::thread_rng();
    let mut found = Rounds {
        killed: 0,
        interrupted: 0,
        after: 0,
    };
    for round in 0..rounds {
        f.restart();
        let child = run();
        // Spread over the whole run and as long again past it (a loaded machine runs
        // slower than the timed run), each round somewhere in its slice.
        let slice = 2.0 / rounds as f64;
        let delay = full.mul_f64(slice * (round as f64 + rng.gen_range(0.0..1.0)));
        std::thread::sleep(delay);
        crate::harness::signal(signal, child.id());
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let what = format!("round {round} ({signal} after {delay:?}): {stdout} {stderr}");
        assert!(!stderr.contains("panicked"), "{what}");
        let now = f.env.dump();
        if std::os::unix::process::ExitStatusExt::signal(&out.status).is_some() {
            // The signal came before the process had installed its handler (the first
            // milliseconds of its life): the default action ended it, before it touched
            // anything.
            assert_eq!(now, f.before, "{what}");
            assert_eq!(stdout, "", "{what}");
            assert_eq!(f.snapshots(), Vec::<PathBuf>::new(), "{what}");
            found.killed += 1;
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("not one JSON object ({e}): {what}"));
        if now == f.before {
            assert_eq!(out.status.code(), Some(130), "{what}");
            assert_eq!(v["status"], "error", "{what}");
            assert_eq!(v["id"], "interrupted", "{what}");
            assert!(
                v["message"]
                    .as_str()
                    .unwrap()
                    .contains("nothing was changed"),
                "{what}"
            );
            // A snapshot of a reset that did not happen is not kept.
            assert_eq!(f.snapshots(), Vec::<PathBuf>::new(), "{what}");
            found.interrupted += 1;
        } else {
            assert_same(&after, &f.env.dump_data(), &what);
            let mut trail = trail_before.clone();
            trail.push("alice reset deleted".into());
            assert_eq!(f.env.audit_actions(), trail, "{what}");
            assert_eq!(out.status.code(), Some(0), "{what}");
            assert_eq!(v["status"], "ok", "{what}");
            let snapshot = PathBuf::from(v["backup"].as_str().unwrap());
            assert_eq!(f.snapshots(), vec![snapshot.clone()], "{what}");
            pwaccount::formats::snapshot::inspect(&snapshot).unwrap();
            found.after += 1;
        }
        assert_eq!(
            leftovers(&f.env.path("backups")),
            Vec::<PathBuf>::new(),
            "{what}"
        );
        assert_eq!(leftovers(f.env.dir.path()), Vec::<PathBuf>::new(), "{what}");
    }
    found
}

/// Ctrl-C at moments spread over a reset: every round ends in the before-state (exit 130)
/// or the after-state (exit 0), never between; and both kinds happen — at least one
/// interruption landed while the reset was under way and was honoured, and at least one
/// came after it had committed.
#[test]
fn sigint_during_a_reset_reports_what_the_database_holds() {
    let found = reset_rounds(2_000, 12, "INT");
    println!(
        "SIGINT: {} rounds ended before the handler, {} interrupted (before-state), {} after-state",
        found.killed, found.interrupted, found.after
    );
    assert!(
        found.interrupted >= 1,
        "no interruption landed during the reset"
    );
    assert!(found.after >= 1, "no round let the reset finish");
}

/// The long version: `scripts/interrupt-soak.sh [ROUNDS]` (20,000 passwords, 30 rounds).
#[test]
#[ignore = "slow soak; run by scripts/interrupt-soak.sh"]
fn interrupt_soak() {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let rounds = var("PWACCOUNT_INTERRUPT_ROUNDS", 30);
    let passwords = var("PWACCOUNT_INTERRUPT_PASSWORDS", 20_000) as u64;
    for signal in ["INT", "TERM", "HUP"] {
        let found = reset_rounds(passwords, rounds, signal);
        println!(
            "SIG{signal}: {rounds} rounds on {passwords} passwords: {} ended before the \
             handler, {} before-state (exit 130), {} after-state (exit 0); no temporary file \
             left",
            found.killed, found.interrupted, found.after
        );
        assert!(found.interrupted >= 1 && found.after >= 1);
    }
}

/// `backup PATH` interrupted by each signal: either the snapshot is complete and the exit
/// status 0, or there is no file at all (not even a temporary one) and the status 130.
#[test]
fn an_interrupted_backup_leaves_no_temporary_file() {
    let env = Env::populated(3_000);
    let dest = env.path("out.sqlite");
    let run = || {
        env.cmd()
            .args(["--json", "backup"])
            .arg(&dest)
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    assert!(run().wait().unwrap().success());
    let full = started.elapsed();
    let mut rng = rand::thread_rng();
    let mut outcomes = [0usize; 2];
    for (round, signal) in ["INT", "TERM", "HUP"].iter().cycle().take(12).enumerate() {
        std::fs::remove_file(&dest).unwrap_or(());
        let child = run();
        std::thread::sleep(full.mul_f64(rng.gen_range(0.0..1.1)));
        crate::harness::signal(signal, child.id());
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let what = format!("round {round}, SIG{signal}: {stdout}");
        if std::os::unix::process::ExitStatusExt::signal(&out.status).is_some() {
            // Ended by the signal's default action before the handler was installed.
            assert!(!dest.exists() && stdout.is_empty(), "{what}");
            assert_eq!(leftovers(env.dir.path()), Vec::<PathBuf>::new(), "{what}");
            outcomes[0] += 1;
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        if dest.exists() {
            assert_eq!(out.status.code(), Some(0), "{what}");
            assert_eq!(v["success"], true, "{what}");
            pwaccount::formats::snapshot::inspect(&dest).unwrap();
            outcomes[1] += 1;
        } else {
            assert_eq!(out.status.code(), Some(130), "{what}");
            assert_eq!(v["id"], "interrupted", "{what}");
            outcomes[0] += 1;
        }
        assert_eq!(leftovers(env.dir.path()), Vec::<PathBuf>::new(), "{what}");
    }
    assert_eq!(outcomes[0] + outcomes[1], 12);
}

/// A temporary file whose writer is gone (killed with SIGKILL, say) is removed by the next
/// run, which says so once; one whose writer is alive is left alone.
#[test]
fn stale_temporary_files_of_dead_runs_are_removed_once() {
    let env = Env::populated(10);
    let backups = env.path("backups");
    std::fs::create_dir(&backups).unwrap();
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = backups.join(format!(".alice-x.sqlite.{dead}-0123456789ab.tmp"));
    let stale_journal = backups.join(format!(".alice-x.sqlite.{dead}-0123456789ab.tmp-journal"));
    let alive = backups.join(format!(
        ".alice-y.sqlite.{}-0123456789ab.tmp",
        std::process::id()
    ));
    let unrelated = backups.join(".notes.tmp");
    for path in [&stale, &stale_journal, &alive, &unrelated] {
        std::fs::write(path, b"account rows").unwrap();
    }
    let first = env.cmd().arg("status").run().ok();
    assert!(
        first
            .stderr
            .contains("removed 2 temporary file(s) that an interrupted pwaccount run left"),
        "{}",
        first.stderr
    );
    assert!(!stale.exists() && !stale_journal.exists());
    assert!(alive.exists() && unrelated.exists());
    let second = env.cmd().arg("status").run().ok();
    assert!(!second.stderr.contains("temporary"), "{}", second.stderr);

    // The same beside an explicit backup destination.
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let stale = elsewhere.join(format!(".out.sqlite.{dead}-abcdefabcdef.tmp"));
    std::fs::write(&stale, b"rows").unwrap();
    let out = env
        .cmd()
        .arg("backup")
        .arg(elsewhere.join("out.sqlite"))
        .run()
        .ok();
    assert!(
        out.stderr.contains("removed 1 temporary file(s)"),
        "{}",
        out.stderr
    );
    assert!(!stale.exists());
}

/// A writer waiting for another program's lock stops at once on SIGTERM (it does not
/// sleep through the busy timeout), exits 130 and changes nothing.
#[test]
fn sigterm_while_waiting_for_a_lock_stops_a_writer_cleanly() {
    let env = Env::populated(50);
    let code = env.cmd().arg("reset").run().ok().stdout.trim().to_owned();
    let before = env.dump();
    // Another program holds the write lock; pwaccount waits for it.
    let holder = Connection::open(&env.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = env
        .cmd()
        .args([
            "--json",
            "--busy-timeout",
            "20000",
            "reset",
            "--code",
            &code,
        ])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    crate::harness::signal("TERM", child.id());
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    // It stops at the next look (the busy wait polls), not after the 20 s timeout.
    assert!(started.elapsed() < Duration::from_secs(5));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(130), "{v}");
    assert_eq!(v["id"], "interrupted");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_same(&before, &env.dump(), "interrupted while waiting");
}
