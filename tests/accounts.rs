//! `accounts`: every account of the database with what it holds, filtered, in byte order
//! of the id, streamed; the Nextcloud side runs in tests/nextcloud.rs on every engine.

use serde_json::Value;

use crate::harness::{Env, Run};

const PASS: &str = "correct horse battery staple";

/// alice (challenge), bob (a reset pending), carol (populated), "Zed" (upper case sorts
/// first in byte order), and the peer the generator shares with.
fn database() -> Env {
    let env = Env::new();
    for user in ["carol", "alice", "Zed", "bob"] {
        env.populate(user, 7, "peer");
    }
    env.set_challenge("alice", PASS);
    env.cmd()
        .user("bob")
        .args(["reset", "--no-input"])
        .run()
        .ok();
    env
}

fn listing(env: &Env, filters: &[&str]) -> Value {
    Run::new()
        .db(&env.db)
        .env_remove("USER")
        .env_remove("LOGNAME")
        .args(["--json", "accounts"])
        .args(filters)
        .run()
        .ok()
        .json()
}

fn ids(v: &Value) -> Vec<String> {
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["user"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_account_is_listed_in_byte_order_with_what_status_shows() {
    let env = database();
    let before = env.dump();
    // No account is needed (no --user, no login name).
    let v = listing(&env, &[]);
    assert_eq!(ids(&v), ["Zed", "alice", "bob", "carol", "peer"]);
    assert_eq!(v["listed"], 5);
    assert_eq!(v["accounts_seen"], 5);
    for account in v["accounts"].as_array().unwrap() {
        let user = account["user"].as_str().unwrap();
        let status = env
            .cmd()
            .user(user)
            .args(["--json", "status"])
            .run()
            .ok()
            .json();
        assert_eq!(account["counts"], status["counts"], "{user}");
        assert_eq!(account["challenge"], status["challenge"], "{user}");
        assert_eq!(account["reset_pending"], status["reset_pending"], "{user}");
        assert!(account["last_change"].is_i64(), "{user}");
    }
    assert_eq!(v["accounts"][1]["challenge"]["type"], "PWDv1r1");
    assert_eq!(env.dump(), before, "listing changed the database");
}

#[test]
fn filters_combine() {
    let env = database();
    assert_eq!(ids(&listing(&env, &["--with-challenge"])), ["alice"]);
    assert_eq!(
        ids(&listing(&env, &["--without-challenge"])),
        ["Zed", "bob", "carol", "peer"]
    );
    assert_eq!(ids(&listing(&env, &["--pending-reset"])), ["bob"]);
    env.cmd()
        .user("carol")
        .args(["reset", "--no-input"])
        .run()
        .ok();
    let code = env
        .cmd()
        .user("carol")
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout;
    env.cmd()
        .user("carol")
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let blank = listing(&env, &["--blank"]);
    assert!(ids(&blank).contains(&"carol".to_owned()), "{blank}");
    assert!(!ids(&blank).contains(&"alice".to_owned()));
    assert_eq!(
        ids(&listing(&env, &["--blank", "--with-challenge"])),
        Vec::<String>::new()
    );
    let out = env
        .cmd()
        .args([
            "--json",
            "accounts",
            "--with-challenge",
            "--without-challenge",
        ])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
}

#[test]
fn the_text_listing_has_a_header_and_one_line_per_account() {
    let env = database();
    let out = env.cmd().arg("accounts").run().ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("account "), "{}", out.stdout);
    assert_eq!(lines.len(), 6, "{}", out.stdout);
    assert!(lines[2].starts_with("alice ") && lines[2].contains("PWDv1r1"));
    assert!(lines[3].starts_with("bob ") && lines[3].contains("pending"));
    assert!(
        out.stderr.contains("5 of 5 account(s) listed"),
        "{}",
        out.stderr
    );
}

#[test]
fn more_accounts_than_one_page_are_all_listed_once() {
    let env = Env::new();
    // 300 accounts: more than one page of ids (256).
    let conn = rusqlite::Connection::open(&env.db);
    drop(conn);
    env.populate("seed", 1, "peer");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    for i in 0..300 {
        conn.execute(
            "INSERT INTO settings (user_id, key, value) VALUES (?1, 'encryption.cse', '0')",
            [format!("user{i:03}")],
        )
        .unwrap();
    }
    drop(conn);
    let v = listing(&env, &[]);
    let got = ids(&v);
    assert_eq!(got.len(), 302, "{:?}", &got[..5]);
    let mut sorted = got.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(got, sorted, "not in order, or listed twice");
}

/// A failure after the listing began still leaves exactly one JSON object on stdout: the
/// open object is closed with the error envelope's fields.
#[test]
fn a_failure_in_the_middle_of_the_listing_closes_its_json_object() {
    let env = database();
    env.exec("DROP TABLE tokens");
    let out = env.cmd().args(["--json", "accounts"]).run().code(8);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["status"], "error");
    assert_eq!(v["id"], "database_error");
    assert!(v["accounts"].is_array(), "{v}");
    assert_eq!(out.stdout.trim().lines().count(), 1, "{}", out.stdout);
}
