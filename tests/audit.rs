//! The audit trail on the pwaccount file: every change appends exactly one record in its
//! own transaction, refusals append none, a reset keeps the records, `log` reads them
//! back; files and snapshots of schema version 1 (before the trail) still work.

use rusqlite::Connection;
use serde_json::Value;

use crate::harness::{Env, checksum};

const PASS: &str = "correct horse battery staple";
const NEW: &str = "a brand new passphrase";

fn log(env: &Env, args: &[&str]) -> Value {
    env.cmd()
        .args(["--json", "log"])
        .args(args)
        .run()
        .ok()
        .json()
}

#[test]
fn every_change_appends_one_record_and_log_reads_them_back() {
    let env = Env::populated(20);
    env.cmd()
        .args(["feature", "disable", "client-side-encryption"])
        .run()
        .ok();
    env.cmd()
        .args(["feature", "enable", "client-side-encryption"])
        .run()
        .ok();
    env.set_challenge("alice", PASS);
    env.change_challenge("alice", PASS, NEW).run().ok();
    env.set_challenge("bob", PASS);
    let code = env.cmd().arg("reset").run().ok().stdout;
    let reset = env
        .cmd()
        .args(["--json", "reset", "--code", code.trim()])
        .run()
        .ok()
        .json();
    let snapshot = reset["backup"].as_str().unwrap().to_owned();
    // The records hold no secret: not the code, not a passphrase.
    let trail = crate::harness::dump(&env.db, |table, _| table == "audit");
    for secret in [code.trim(), PASS, NEW] {
        assert!(!trail.contains(secret), "{secret} in the trail");
    }
    env.cmd().args(["restore", "--yes", &snapshot]).run().ok();
    assert_eq!(
        env.audit_actions(),
        [
            "- feature disabled",
            "- feature enabled",
            "alice challenge-set created",
            "alice challenge-set changed",
            "bob challenge-set created",
            "alice reset-code issued",
            "alice reset deleted",
            "alice restore restored",
        ]
    );

    // Without --all, one account's records (the database's own are not the account's).
    let mine = log(&env, &[]);
    assert_eq!(mine["listed"], 5);
    assert_eq!(mine["trail"], true);
    let entries = mine["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["account"] == "alice"), "{mine}");
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");
    let uid = crate::harness::own_uid();
    for e in entries {
        assert_eq!(e["os_uid"], uid, "{e}");
        assert!(!e["os_user"].as_str().unwrap().is_empty(), "{e}");
        assert!(e["time"].as_i64().unwrap() > 1_700_000_000, "{e}");
    }
    // The reset's record holds what the reset reported.
    let reset_entry = &entries[3];
    assert_eq!(reset_entry["action"], "reset");
    assert_eq!(reset_entry["details"]["deleted"], reset["deleted"]);
    assert_eq!(
        reset_entry["details"]["kept"]["tokens"],
        reset["kept"]["tokens"]
    );
    assert_eq!(reset_entry["details"]["backup"], snapshot.as_str());
    assert_eq!(reset_entry["details"]["confirmed_by"], "code");
    let restore_entry = &entries[4];
    assert_eq!(restore_entry["details"]["snapshot"], snapshot.as_str());
    assert_eq!(restore_entry["details"]["replace"], false);
    assert_eq!(
        restore_entry["details"]["restored"]["passwords"],
        reset["deleted"]["passwords"]
    );

    // --all: every record, the features' included (account null).
    let all = log(&env, &["--all"]);
    assert_eq!(all["listed"], 8);
    assert_eq!(all["entries"][0]["account"], Value::Null);
    assert_eq!(
        all["entries"][0]["details"]["feature"],
        "client-side-encryption"
    );
    let bob = env
        .cmd()
        .user("bob")
        .args(["--json", "log"])
        .run()
        .ok()
        .json();
    assert_eq!(bob["listed"], 1);

    // For people: one line per record with the details in words.
    let text = env.cmd().arg("log").run().ok();
    assert!(text.stdout.starts_with("time "), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("alice             reset          deleted"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(&format!("snapshot {snapshot}")),
        "{}",
        text.stdout
    );
    assert!(
        text.stderr.contains("5 record(s) of account 'alice'"),
        "{}",
        text.stderr
    );
}

#[test]
fn refused_and_failed_changes_leave_no_record() {
    let env = Env::populated(10);
    env.set_challenge("alice", PASS);
    let before = env.dump();
    env.change_challenge("alice", "not the passphrase", NEW)
        .run()
        .code(5);
    env.cmd()
        .args(["reset", "--code", "AAAA-BBBB-CCCC-DDDD"])
        .run()
        .code(3);
    let snap = env.path("alice.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    // Not blank, no --replace: refused.
    let out = env
        .cmd()
        .args(["--json", "restore", "--yes"])
        .arg(&snap)
        .run();
    assert_eq!(out.error_id(), "account_not_blank");
    crate::harness::assert_same(&before, &env.dump(), "refusals");
    assert_eq!(env.audit_actions(), ["alice challenge-set created"]);
}

#[test]
fn a_reset_keeps_the_accounts_records_and_says_so() {
    let env = Env::populated(10);
    env.set_challenge("alice", PASS);
    let issued = env.cmd().arg("reset").run().ok();
    assert!(
        issued
            .stderr
            .contains("tokens and the account's audit records"),
        "{}",
        issued.stderr
    );
    let code = issued.stdout.trim().to_owned();
    let done = env.cmd().args(["reset", "--code", &code]).run().ok();
    assert!(
        done.stderr.contains("tokens and the audit records"),
        "{}",
        done.stderr
    );
    assert_eq!(
        env.audit_actions(),
        [
            "alice challenge-set created",
            "alice reset-code issued",
            "alice reset deleted"
        ]
    );
}

#[test]
fn log_since_picks_records_by_time() {
    let env = Env::populated(5);
    env.set_challenge("alice", PASS);
    env.change_challenge("alice", PASS, NEW).run().ok();
    // The first record as if made on 2025-01-01 12:00:00 UTC.
    env.exec("UPDATE audit SET time = 1735732800 WHERE id = 1");
    let since = |arg: &str| log(&env, &["--since", arg])["listed"].as_u64().unwrap();
    assert_eq!(since("1735732800"), 2);
    assert_eq!(since("1735732801"), 1);
    assert_eq!(since("2025-01-01"), 2);
    assert_eq!(since("2025-01-01T12:00:00Z"), 2);
    assert_eq!(since("2025-01-01 12:00:01"), 1);
    assert_eq!(since("1h"), 1);
    assert_eq!(since("3000-01-01"), 0);
    // A clock set back: the later record carries the earlier time. Each record is
    // judged by its own time.
    env.exec("UPDATE audit SET time = 1735732700 WHERE id = 2");
    assert_eq!(since("1735732800"), 1);
    assert_eq!(since("1735732700"), 2);
    assert_eq!(since("1735732801"), 0);
    // A time that is not one: a usage error, nothing read.
    let bad = env
        .cmd()
        .args(["log", "--since", "yesterday"])
        .run()
        .code(2);
    assert!(
        bad.stderr.contains("'yesterday' is not a time"),
        "{}",
        bad.stderr
    );
    assert!(!bad.stderr.contains("panicked"), "{}", bad.stderr);
}

/// A file as a version-1 build left it: the same tables, no trail.
fn as_version_1(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("DROP TABLE audit; PRAGMA user_version = 1;")
        .unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

#[test]
fn a_version_1_file_is_read_as_it_is_and_upgraded_by_a_change() {
    let env = Env::populated(10);
    env.set_challenge("alice", PASS);
    as_version_1(&env.db);
    let sum = checksum(&env.db);
    // Read-only commands work on it and change nothing; there is no trail to show.
    let status = env.cmd().args(["--json", "status"]).run().ok().json();
    assert_eq!(status["counts"]["passwords"], 10);
    env.verify("alice", PASS).run().ok();
    let out = env.cmd().arg("log").run().ok();
    assert!(out.stderr.contains("no audit trail yet"), "{}", out.stderr);
    let none = log(&env, &[]);
    assert_eq!(none["listed"], 0);
    assert_eq!(none["trail"], false);
    assert_eq!(checksum(&env.db), sum);
    // A change upgrades the file and is the first record.
    env.change_challenge("alice", PASS, NEW).run().ok();
    assert_eq!(env.sql::<i64>("PRAGMA user_version"), 2);
    assert_eq!(env.audit_actions(), ["alice challenge-set changed"]);
}

#[test]
fn a_version_1_snapshot_is_restored() {
    let env = Env::populated(10);
    env.set_challenge("alice", PASS);
    let before = env.dump_data();
    let snap = env.path("v1.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    // The digest covers the account's rows only, so a version-1 snapshot of the same
    // rows has the same digest.
    as_version_1(&snap);
    let code = env.cmd().arg("reset").run().ok().stdout;
    env.cmd()
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    env.cmd().args(["restore", "--yes"]).arg(&snap).run().ok();
    // All of alice's rows are back but the shares bob owns with her as receiver: those
    // are bob's (as with any snapshot).
    crate::harness::assert_same(
        &crate::harness::as_restored(&before, "alice"),
        &env.dump_data(),
        "restored from a version-1 snapshot",
    );
    env.verify("alice", PASS).run().ok();
}

#[test]
fn a_snapshot_holding_audit_records_is_refused() {
    let env = Env::populated(5);
    let snap = env.path("snap.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    Connection::open(&snap)
        .unwrap()
        .execute_batch(
            "INSERT INTO audit (time, user_id, action, outcome) VALUES (1, 'alice', 'reset', 'deleted')",
        )
        .unwrap();
    let code = env.cmd().arg("reset").run().ok().stdout;
    env.cmd()
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let before = env.dump();
    let out = env
        .cmd()
        .args(["--json", "restore", "--yes"])
        .arg(&snap)
        .run()
        .code(8);
    assert_eq!(out.error_id(), "invalid_snapshot");
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .contains("audit records")
    );
    crate::harness::assert_same(&before, &env.dump(), "refused restore");
}

/// `accounts` shows as an account's last change the later of its newest row and its
/// newest audit record (after a reset, the record is what is left of the change).
#[test]
fn the_last_change_of_an_account_counts_its_audit_records() {
    let env = Env::populated(5);
    env.set_challenge("alice", PASS);
    let last = |env: &Env| -> Value {
        let v = env.cmd().args(["--json", "accounts"]).run().ok().json();
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["user"] == "alice")
            .unwrap()["last_change"]
            .clone()
    };
    let before = last(&env);
    // A record from the future is the newest thing the account has.
    env.exec("UPDATE audit SET time = 4102444800 WHERE user_id = 'alice'");
    assert_eq!(last(&env), 4_102_444_800_i64, "before: {before}");
    // bob has no records: his last change is his newest row's.
    let v = env.cmd().args(["--json", "accounts"]).run().ok().json();
    let bob = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"] == "bob")
        .unwrap();
    assert!(bob["last_change"].as_i64().unwrap() < 4_102_444_800);
}

/// The OS user of a record is the real user's name; as root, the user sudo names is added
/// (only root's word for it counts: anyone can set the variable).
#[test]
fn the_os_user_is_the_real_user_and_sudo_is_named_only_for_root() {
    let env = Env::populated(3);
    env.cmd()
        .env("SUDO_USER", "somebody")
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", PASS)
        .run()
        .ok();
    let log = log(&env, &[]);
    let entry = &log["entries"][0];
    let name = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let name = String::from_utf8(name.stdout).unwrap().trim().to_owned();
    if crate::harness::own_uid() == 0 {
        assert_eq!(entry["os_user"], format!("{name} (sudo from somebody)"));
    } else {
        assert_eq!(entry["os_user"], name.as_str());
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(entry["host"], host.trim());
}

/// A record another program damaged (a time that is not a number) ends the listing with
/// an error: in JSON the one object already begun is closed with the error envelope's
/// fields, so standard output still holds exactly one JSON object; no debug text.
#[test]
fn a_damaged_record_ends_the_log_with_one_json_object() {
    let env = Env::populated(3);
    env.set_challenge("alice", PASS);
    env.change_challenge("alice", PASS, NEW).run().ok();
    env.exec("UPDATE audit SET time = 'not a time' WHERE id = 2");
    let out = env.cmd().args(["--json", "log"]).run().code(8);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["status"], "error", "{v}");
    assert_eq!(v["id"], "database_error", "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("audit record 2 is damaged: its time is not"),
        "{v}"
    );
    assert_eq!(v["entries"].as_array().unwrap().len(), 1, "{v}");
    assert!(!out.stdout.contains("Error {") && !out.stderr.contains("panicked"));
    let text = env.cmd().arg("log").run().code(8);
    assert!(
        text.stdout.contains("challenge-set  created"),
        "{}",
        text.stdout
    );
    assert!(!text.stderr.contains("Error {"), "{}", text.stderr);
}
