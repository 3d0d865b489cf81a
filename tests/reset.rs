//! reset: the scripted two-step flow, codes, and what a reset deletes and keeps.

use serde_json::json;

use crate::harness::Env;

/// Request a code without a terminal: the bare code on stdout.
fn request(env: &Env) -> String {
    let out = env.cmd().arg("reset").run().ok();
    let code = out.stdout.trim_end().to_owned();
    assert_eq!(out.stdout, format!("{code}\n"));
    assert!(
        out.stderr.contains("pwaccount reset --code"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was deleted"), "{}", out.stderr);
    code
}

fn counts(env: &Env, user: &str) -> serde_json::Value {
    env.cmd()
        .user(user)
        .args(["status", "--json"])
        .run()
        .ok()
        .json()["counts"]
        .clone()
}

#[test]
fn scripted_two_step_reset_in_text_mode() {
    let env = Env::populated(30);
    let before = env.dump();
    let code = request(&env);
    assert_eq!(code.len(), 19);
    // Only the pending code changed.
    assert_eq!(counts(&env, "alice")["passwords"], 30);
    assert_ne!(env.dump(), before);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM reset_codes"), 1);
    let stored: String = env.sql("SELECT code_hash FROM reset_codes");
    assert!(!stored.contains(&code), "the code is stored in the clear");

    let out = env.cmd().args(["reset", "--code", &code]).run().ok();
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("Reset account 'alice': deleted 30 passwords with 90 revisions"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Kept 3 tokens and the audit records."),
        "{}",
        out.stderr
    );
    let after = counts(&env, "alice");
    for (name, n) in after.as_object().unwrap() {
        assert_eq!(n, if name == "tokens" { 3 } else { 0 }, "{name}");
    }
}

#[test]
fn scripted_two_step_reset_in_json_mode() {
    let env = Env::populated(30);
    let v = env.cmd().args(["--json", "reset"]).run().ok().json();
    assert_eq!(v["status"], "accepted");
    let code = v["code"].as_str().unwrap().to_owned();
    assert!(v["expires"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(v["will_delete"]["passwords"], 30);
    assert_eq!(v["will_delete"]["password_revisions"], 90);
    assert!(v["will_delete"].get("tokens").is_none());
    assert_eq!(v["kept"], json!({"tokens": 3, "audit_trail": true}));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["status", "code", "expires", "will_delete", "kept"]);

    let done = env
        .cmd()
        .args(["--json", "reset", "--code", &code])
        .run()
        .ok()
        .json();
    assert_eq!(done["status"], "ok");
    assert!(
        done["backup"]
            .as_str()
            .unwrap()
            .ends_with("-before-reset.sqlite"),
        "{done}"
    );
    assert_eq!(done["deleted"]["passwords"], 30);
    assert_eq!(done["kept"], json!({"tokens": 3, "audit_trail": true}));
}

#[test]
fn codes_match_in_any_case_with_surrounding_spaces() {
    for variant in [
        |c: &str| c.to_lowercase(),
        |c: &str| format!("  {c}\t\n"),
        |c: &str| format!(" {} ", c.to_lowercase()),
    ] {
        let env = Env::populated(3);
        let code = request(&env);
        env.cmd()
            .args(["reset", "--code", &variant(&code)])
            .run()
            .ok();
        assert_eq!(counts(&env, "alice")["passwords"], 0);
    }
}

#[test]
fn wrong_replaced_reused_expired_and_missing_codes_delete_nothing() {
    let env = Env::populated(10);
    let refuse = |code: &str, id: &str, fragment: &str| {
        let before = env.dump();
        let out = env
            .cmd()
            .args(["--json", "reset", "--code", code])
            .run()
            .code(3);
        assert_eq!(out.error_id(), id, "{code}");
        assert!(
            out.json()["message"].as_str().unwrap().contains(fragment),
            "{}",
            out.stdout
        );
        crate::harness::assert_same(&before, &env.dump(), "tests/reset.rs:unchanged");
        let text = env.cmd().args(["reset", "--code", code]).run().code(3);
        assert!(text.stderr.contains("Nothing was changed."));
    };
    refuse(
        "AAAA-BBBB-CCCC-DDDD",
        "no_reset_pending",
        "run `pwaccount reset` to get a new code",
    );

    let first = request(&env);
    let second = request(&env);
    assert_ne!(first, second);
    refuse(&first, "code_invalid", "does not match");
    refuse(&second.replace('-', ""), "code_invalid", "does not match");
    refuse("", "code_invalid", "does not match");

    env.exec("UPDATE reset_codes SET expires = unixepoch() - 1");
    refuse(&second, "code_expired", "expired at");

    let third = request(&env);
    env.cmd().args(["reset", "--code", &third]).run().ok();
    refuse(&third, "no_reset_pending", "no reset is pending");
}

#[test]
fn the_code_lifetime_comes_from_server_settings() {
    let env = Env::populated(1);
    env.cmd().arg("status").run().ok();
    env.exec("INSERT INTO server_settings (key, value) VALUES ('reset.code_ttl_seconds', '60')");
    let v = env.cmd().args(["--json", "reset"]).run().ok().json();
    let created: i64 = env.sql("SELECT created FROM reset_codes");
    assert_eq!(v["expires"].as_i64().unwrap() - created, 60);
}

#[test]
fn a_reset_touches_nothing_but_the_accounts_own_rows() {
    let env = Env::new();
    env.populate("alice", 120, "bob");
    env.populate("bob", 80, "alice");
    // Both get challenges and keychains, and something else in server settings.
    for (user, pass) in [
        ("alice", "alice's passphrase"),
        ("bob", "bob's passphrase!"),
    ] {
        env.cmd()
            .user(user)
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", pass)
            .run()
            .ok();
    }
    let others = env.dump_others("alice");
    let tokens = env.dump_rows("tokens", "alice");
    let accounts = env.dump_rows("accounts", "alice");
    assert_eq!(
        tokens.lines().filter(|l| l.starts_with("tokens: ")).count(),
        3,
        "{tokens}"
    );
    let bob_before = counts(&env, "bob");

    let code = request(&env);
    env.cmd().args(["reset", "--code", &code]).run().ok();

    crate::harness::assert_same(
        &others,
        &env.dump_others("alice"),
        "tests/reset.rs:unchanged",
    );
    crate::harness::assert_same(
        &tokens,
        &env.dump_rows("tokens", "alice"),
        "tests/reset.rs:rows",
    );
    crate::harness::assert_same(
        &accounts,
        &env.dump_rows("accounts", "alice"),
        "tests/reset.rs:rows",
    );
    // Every share bob had was with alice (either way): all gone from his view too.
    let bob_after = counts(&env, "bob");
    assert_eq!(bob_before["shares"], 6);
    assert_eq!(bob_after["shares"], 0);
    assert_eq!(bob_after["passwords"], bob_before["passwords"]);
    for table in pwaccount::RESET_TABLES {
        let n: i64 = env.sql(&format!(
            "SELECT count(*) FROM {table} WHERE user_id = 'alice'"
        ));
        assert_eq!(n, 0, "{table}");
    }
    let n: i64 =
        env.sql("SELECT count(*) FROM shares WHERE user_id = 'alice' OR receiver = 'alice'");
    assert_eq!(n, 0);

    // The account is blank: no challenge, and a new one can be set as on a new account.
    env.cmd().args(["challenge", "get"]).run().code(4);
    env.cmd()
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "a brand new passphrase")
        .run()
        .ok();
    env.cmd()
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", "a brand new passphrase")
        .run()
        .ok();
    env.cmd()
        .user("bob")
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", "bob's passphrase!")
        .run()
        .ok();
}

#[test]
fn resetting_a_blank_or_never_seen_account_issues_no_code_and_changes_nothing() {
    // A mistyped id must not become an account with a pending code (issue 27).
    let env = Env::populated(5);
    let before = env.dump();
    let out = env
        .cmd()
        .user("zoe")
        .args(["--json", "reset"])
        .run()
        .code(4);
    assert_eq!(out.error_id(), "nothing_to_reset");
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .contains("holds nothing a reset would delete"),
        "{}",
        out.stdout
    );
    crate::harness::assert_same(&before, &env.dump(), "tests/reset.rs:unchanged");
}

#[test]
fn without_a_terminal_nothing_is_ever_deleted_implicitly() {
    let env = Env::populated(5);
    // Even with a code on stdin and --no-input, a reset without --code only issues a code.
    for args in [
        &["reset"][..],
        &["reset", "--no-input"],
        &["--json", "reset"],
    ] {
        env.cmd().args(args).stdin(b"yes\n".to_vec()).run().ok();
        assert_eq!(counts(&env, "alice")["passwords"], 5);
    }
}
