//! Prompts through a real pseudo-terminal: what a person at a terminal sees and types.

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::harness::{Env, Run};

const TIMEOUT_MS: u64 = 20_000;

fn spawn(run: Run) -> PtySession {
    // The terminal is this pseudo-terminal, whatever (if anything) the suite runs under:
    // without TERM a terminal counts as too dumb for progress bars.
    spawn_command(run.env("TERM", "xterm").command(), Some(TIMEOUT_MS)).unwrap()
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("the process did not exit normally: {other:?}"),
    }
}

/// Read the code the reset prompt shows.
fn shown_code(p: &mut PtySession) -> String {
    p.exp_string("To confirm, type this code: ").unwrap();
    let (_, code) = p
        .exp_regex("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
        .unwrap();
    p.exp_string("Code").unwrap();
    code
}

#[test]
fn reset_at_a_terminal_deletes_when_the_code_is_typed_back() {
    let env = Env::populated(25);
    let mut p = spawn(env.cmd().arg("reset"));
    p.exp_string("Resetting account 'alice'").unwrap();
    p.exp_string("This deletes: 25 passwords with 75 revisions")
        .unwrap();
    p.exp_string("It keeps the account, its 3 app and device tokens and its audit records")
        .unwrap();
    let code = shown_code(&mut p);
    // Typed in lower case with spaces around it.
    p.send_line(&format!("  {}  ", code.to_lowercase()))
        .unwrap();
    p.exp_string("Reset account 'alice': deleted 25 passwords")
        .unwrap();
    assert_eq!(exit_code(&p), 0);
    let v = env.cmd().args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 0);
    assert_eq!(v["counts"]["tokens"], 3);
    // One record: the reset, confirmed at the terminal (the code shown there is in no
    // record: it never left the terminal).
    assert_eq!(env.audit_actions(), ["alice reset deleted"]);
    let log = env.cmd().args(["--json", "log"]).run().ok().json();
    assert_eq!(log["entries"][0]["details"]["confirmed_by"], "terminal");
    assert!(!env.dump().contains(&code), "the code is stored somewhere");
}

#[test]
fn reset_at_a_terminal_with_a_wrong_or_empty_code_deletes_nothing() {
    let env = Env::populated(25);
    let before = env.dump();
    for answer in ["AAAA-BBBB-CCCC-DDDD", ""] {
        let mut p = spawn(env.cmd().arg("reset"));
        shown_code(&mut p);
        p.send_line(answer).unwrap();
        p.exp_string("does not match; nothing was deleted").unwrap();
        assert_eq!(exit_code(&p), 3);
        crate::harness::assert_same(&before, &env.dump(), "tests/pty.rs:unchanged");
    }
}

#[test]
fn ctrl_c_or_end_of_input_at_the_reset_prompt_changes_nothing() {
    let env = Env::populated(25);
    let before = env.dump();
    for key in ['c', 'd'] {
        let mut p = spawn(env.cmd().arg("reset"));
        shown_code(&mut p);
        p.send_control(key).unwrap();
        p.exp_string("nothing was changed").unwrap();
        assert_eq!(exit_code(&p), 130, "Ctrl-{key}");
        crate::harness::assert_same(&before, &env.dump(), "tests/pty.rs:unchanged");
    }
}

#[test]
fn set_at_a_terminal_asks_twice_and_again_on_a_mismatch_or_a_short_answer() {
    let env = Env::new();
    let mut p = spawn(env.cmd().args(["challenge", "set"]));
    p.exp_string("New passphrase").unwrap();
    p.send_line("too short").unwrap();
    p.exp_string("at least 12 characters").unwrap();
    p.exp_string("New passphrase").unwrap();
    p.send_line("first good passphrase").unwrap();
    p.exp_string("Repeat it").unwrap();
    p.send_line("not the same one at all").unwrap();
    p.exp_string("do not match").unwrap();
    p.exp_string("New passphrase").unwrap();
    p.send_line("first good passphrase").unwrap();
    p.exp_string("Repeat it").unwrap();
    p.send_line("first good passphrase").unwrap();
    p.exp_string("Set a challenge for account 'alice'").unwrap();
    assert_eq!(exit_code(&p), 0);
    env.cmd()
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", "first good passphrase")
        .run()
        .ok();

    // A change asks for the current passphrase first.
    let mut p = spawn(env.cmd().args(["challenge", "set"]));
    p.exp_string("Current passphrase").unwrap();
    p.send_line("first good passphrase").unwrap();
    p.exp_string("New passphrase").unwrap();
    p.send_line("second good passphrase").unwrap();
    p.exp_string("Repeat it").unwrap();
    p.send_line("second good passphrase").unwrap();
    p.exp_string("Changed the challenge").unwrap();
    assert_eq!(exit_code(&p), 0);

    // Verify asks too, and a wrong answer is exit 5.
    let mut p = spawn(env.cmd().args(["challenge", "verify"]));
    p.exp_string("Passphrase").unwrap();
    p.send_line("first good passphrase").unwrap();
    p.exp_string("the passphrase is wrong").unwrap();
    assert_eq!(exit_code(&p), 5);
}

#[test]
fn ctrl_c_at_a_passphrase_prompt_changes_nothing() {
    let env = Env::new();
    env.cmd()
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "the first passphrase")
        .run()
        .ok();
    let before = env.dump();
    let mut p = spawn(env.cmd().args(["challenge", "set"]));
    p.exp_string("Current passphrase").unwrap();
    p.send_line("the first passphrase").unwrap();
    p.exp_string("New passphrase").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("nothing was changed").unwrap();
    assert_eq!(exit_code(&p), 130);
    crate::harness::assert_same(&before, &env.dump(), "tests/pty.rs:unchanged");
}

#[test]
fn no_input_never_prompts_even_at_a_terminal() {
    let env = Env::populated(5);
    let mut p = spawn(env.cmd().args(["--no-input", "reset"]));
    let (_, code) = p
        .exp_regex("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
        .unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(code.len(), 19);
    let v = env.cmd().args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 5);
    let mut p = spawn(env.cmd().args(["--no-input", "challenge", "set"]));
    p.exp_string("--passphrase-file or --passphrase-env")
        .unwrap();
    assert_eq!(exit_code(&p), 2);
}

#[test]
fn backup_and_restore_at_a_terminal_show_progress_and_ask_before_restoring() {
    let env = Env::populated(300);
    let snap = env.path("snap.sqlite");
    let mut p = spawn(env.cmd().arg("backup").arg(&snap));
    p.exp_string("Backing up").unwrap();
    p.exp_string("Wrote a snapshot of account 'alice'").unwrap();
    assert_eq!(exit_code(&p), 0);

    let code = env.cmd().arg("reset").run().ok().stdout;
    env.cmd()
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let blank = env.dump();
    // Anything but "yes" restores nothing.
    let mut p = spawn(env.cmd().arg("restore").arg(&snap));
    p.exp_string("The snapshot holds: 300 passwords with 900 revisions")
        .unwrap();
    p.exp_string("Type yes to continue").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("not confirmed; nothing was changed").unwrap();
    assert_eq!(exit_code(&p), 3);
    crate::harness::assert_same(&blank, &env.dump(), "declined restore");

    let mut p = spawn(env.cmd().arg("restore").arg(&snap));
    p.exp_string("Type yes to continue").unwrap();
    p.send_line("YES").unwrap();
    p.exp_string("Restored account 'alice'").unwrap();
    assert_eq!(exit_code(&p), 0);
    let v = env.cmd().args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 300);
}

#[test]
fn check_all_at_a_terminal_shows_a_bar_over_the_accounts() {
    let env = Env::populated(20);
    env.populate("carol", 5, "dave");
    // alice, bob (alice's peer), carol and dave.
    let mut p = spawn(env.cmd().args(["check", "--all"]));
    p.exp_regex(r"checking \[[=> ]{30}\] [0-4]/4 accounts")
        .unwrap();
    p.exp_string("4 account(s) checked").unwrap();
    // The synthetic shares of peers without passwords are findings: exit 8.
    assert_eq!(exit_code(&p), 8);
}
