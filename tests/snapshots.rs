//! The exact text and JSON of every command, pinned in reviewed files
//! (`tests/snapshots/*.snap`, with insta): a changed word in any output is a visible diff.
//! Paths, times, codes, ids and salts are replaced by placeholders, so that what remains
//! is what a person or a script reads. Errors are pinned by `tests/catalogue.rs`, one
//! per id, through `pin` below. To review changes: `cargo insta review` (cargo-insta), or
//! run with `INSTA_UPDATE=always` and read the diff in git.

use crate::harness::{Env, Outcome, Run};

const PASS: &str = "correct horse battery staple";

/// Placeholders for what changes from run to run.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]"),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", "[TIME]"),
        // A second snapshot written within the same second gets a number after its name.
        (
            r"\d{8}T\d{6}Z(-[a-z-]+?)(-\d+)?\.sqlite",
            "[STAMP]$1.sqlite",
        ),
        (r"\d{8}T\d{6}Z", "[STAMP]"),
        (
            r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b",
            "[CODE]",
        ),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[UUID]",
        ),
        (r"\b[0-9a-f]{32,}\b", "[HEX]"),
        (r#""(expires|created)":\d+"#, r#""$1":[UNIX]"#),
        // The test servers' databases, sockets and ports.
        (r"\bt_\d+_\d+\b", "[TESTDB]"),
        (r"socket /[^ ]+ as", "socket [SOCKET] as"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        // How a client learns of a cut connection depends on timing.
        (r"was lost \([^)]*\)", "was lost ([REASON])"),
    ]
}

/// Pin what a run printed, and its exit status, under `name`.
#[track_caller]
pub(crate) fn pin(name: &str, out: &Outcome) {
    let text = format!(
        "exit status: {}\n--- stdout\n{}--- stderr\n{}",
        out.code, out.stdout, out.stderr
    );
    insta::with_settings!({
        filters => filters(),
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Pin the run's output in text and in JSON.
fn pin_both(name: &str, run: impl Fn() -> Run) {
    pin(&format!("{name}.text"), &run().run());
    pin(&format!("{name}.json"), &run().arg("--json").run());
}

#[test]
fn status() {
    let env = Env::populated(40);
    pin_both("status", || env.cmd().arg("status"));
    env.set_challenge("alice", PASS);
    env.cmd().args(["reset", "--no-input"]).run().ok();
    pin_both("status-with-challenge-and-pending-reset", || {
        env.cmd().arg("status")
    });
    pin_both("status-blank", || env.cmd().user("nobody").arg("status"));
}

#[test]
fn challenges() {
    let env = Env::populated(5);
    let set = || {
        env.cmd()
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", PASS)
    };
    pin("challenge-set-first.text", &set().run());
    pin(
        "challenge-get.json",
        &env.cmd().args(["--json", "challenge", "get"]).run(),
    );
    pin(
        "challenge-get.text",
        &env.cmd().args(["challenge", "get"]).run(),
    );
    pin_both("challenge-verify", || {
        env.cmd()
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", PASS)
    });
    pin(
        "challenge-set-change.json",
        &env.cmd()
            .args([
                "--json",
                "challenge",
                "set",
                "--passphrase-env",
                "N",
                "--old-passphrase-env",
                "P",
            ])
            .env("P", PASS)
            .env("N", "a brand new passphrase")
            .run(),
    );
    pin(
        "challenge-set-first.json",
        &env.cmd()
            .user("bob")
            .args(["--json", "challenge", "set", "--passphrase-env", "P"])
            .env("P", PASS)
            .run(),
    );
}

#[test]
fn reset_in_two_steps() {
    let env = Env::populated(30);
    let issued = env.cmd().args(["reset", "--no-input"]).run();
    pin("reset-issue.text", &issued);
    pin(
        "reset-issue.json",
        &env.cmd().args(["--json", "reset"]).run(),
    );
    let code = env.cmd().arg("reset").run().ok().stdout;
    pin(
        "reset-confirm.text",
        &env.cmd().args(["reset", "--code", code.trim()]).run(),
    );
    env.populate("alice", 10, "bob");
    let code = env.cmd().arg("reset").run().ok().stdout;
    pin(
        "reset-confirm.json",
        &env.cmd()
            .args(["--json", "reset", "--no-backup", "--code", code.trim()])
            .run(),
    );
}

#[test]
fn backup_and_restore() {
    let env = Env::populated(20);
    env.populate("bob", 10, "alice");
    let snap = env.path("alice.sqlite");
    pin("backup.text", &env.cmd().arg("backup").arg(&snap).run());
    pin(
        "backup.json",
        &env.cmd()
            .args(["--json", "backup"])
            .arg(env.path("b.sqlite"))
            .run(),
    );
    pin(
        "backup-all.text",
        &env.cmd()
            .args(["backup", "--all"])
            .arg(env.path("all.sqlite"))
            .run(),
    );
    pin(
        "restore.text",
        &env.cmd()
            .args(["restore", "--replace", "--yes"])
            .arg(&snap)
            .run(),
    );
    pin(
        "restore.json",
        &env.cmd()
            .args(["--json", "restore", "--replace", "--yes"])
            .arg(&snap)
            .run(),
    );
}

#[test]
fn features() {
    let env = Env::new();
    pin_both("feature-list", || env.cmd().args(["feature", "list"]));
    pin(
        "feature-disable.text",
        &env.cmd()
            .args(["feature", "disable", "client-side-encryption"])
            .run(),
    );
    pin(
        "feature-enable.json",
        &env.cmd()
            .args(["--json", "feature", "enable", "client-side-encryption"])
            .run(),
    );
}

#[test]
fn help() {
    for command in [
        vec!["--help"],
        vec!["reset", "--help"],
        vec!["challenge", "set", "--help"],
        vec!["challenge", "verify", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
        vec!["status", "--help"],
        vec!["accounts", "--help"],
        vec!["check", "--help"],
        vec!["log", "--help"],
    ] {
        let name = format!("help-{}", command[..command.len() - 1].join("-"));
        pin(name.trim_end_matches('-'), &Run::new().args(&command).run());
    }
}
