//! `check`: the database's integrity and each account's soundness; exit 0 or 8 with
//! findings that name the account and the repair; nothing is ever changed.

use serde_json::Value;

use crate::harness::Env;

const PASS: &str = "correct horse battery staple";

/// alice and bob with challenges (and so keychains): sound.
fn sound() -> Env {
    let env = Env::new();
    env.set_challenge("alice", PASS);
    env.set_challenge("bob", PASS);
    env
}

fn check(env: &Env, args: &[&str], code: i32) -> Value {
    let out = env
        .cmd()
        .env_remove("PWACCOUNT_USER")
        .args(["--json", "check"])
        .args(args)
        .run()
        .code(code);
    out.json()
}

#[test]
fn a_sound_database_passes() {
    let env = sound();
    let before = env.dump();
    let v = check(&env, &["--all"], 0);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["integrity"], "ok");
    assert_eq!(v["accounts_checked"], 2);
    let out = env.cmd().args(["check", "--all"]).run().ok();
    assert!(out.stdout.contains("sound"), "{}", out.stdout);
    assert_eq!(env.dump(), before);
}

#[test]
fn damage_is_found_named_and_left_as_it_is() {
    let env = sound();
    // carol holds a setting (an account with nothing gets no reset code).
    env.exec("INSERT INTO settings (user_id, key, value) VALUES ('carol', 'client.theme', '1')");
    env.cmd()
        .user("carol")
        .args(["reset", "--no-input"])
        .run()
        .ok();
    env.exec(
        "UPDATE reset_codes SET expires = 1000 WHERE user_id = 'carol';
         DELETE FROM challenges WHERE user_id = 'bob';
         INSERT INTO passwords (uuid, user_id, revision) VALUES ('p1', 'alice', 'gone');
         INSERT INTO password_tags (uuid, user_id, password, tag) VALUES ('a1', 'alice', 'p1', 'no-tag');",
    );
    let before = env.dump();
    let v = check(&env, &["--all"], 8);
    assert_eq!(v["id"], "check_failed");
    assert_eq!(v["status"], "error");
    let findings = v["findings"].as_array().unwrap();
    let of = |user: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["account"] == user)
            .map(|f| {
                // No repair is a bare reset (issue 27): what loses nothing is tidied or
                // left, what lost data is restored from a snapshot.
                let repair = f["repair"].as_str().unwrap();
                assert_ne!(repair, format!("pwaccount -u {user} reset"), "{f}");
                f["problem"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let alice = of("alice");
    assert!(
        alice
            .iter()
            .any(|p| p.contains("current revision is missing")),
        "{alice:?}"
    );
    assert!(
        alice.iter().any(|p| p.contains("tag assignments")),
        "{alice:?}"
    );
    let bob = of("bob");
    assert!(
        bob.iter().any(|p| p.contains("names the challenge")),
        "{bob:?}"
    );
    let carol = of("carol");
    assert!(
        carol.iter().any(|p| p.contains("expired unused")),
        "{carol:?}"
    );
    // One account only.
    let v = env
        .cmd()
        .user("carol")
        .args(["--json", "check"])
        .run()
        .code(8)
        .json();
    assert_eq!(v["accounts_checked"], 1);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["account"] == "carol")
    );
    // Text: each finding with its repair on stdout, the summary on stderr.
    let out = env.cmd().args(["check", "--all"]).run().code(8);
    assert!(
        out.stdout.contains("bob: ")
            && out
                .stdout
                .contains("repair: restore the account from a snapshot")
            && out
                .stdout
                .contains("without one, `pwaccount -u bob reset` starts it afresh"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("repair: pwaccount -u carol reset --cancel"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("finding(s)"), "{}", out.stderr);
    assert_eq!(env.dump(), before, "check changed the database");
    // The repair it names repairs it.
    let code = env
        .cmd()
        .user("bob")
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout;
    env.cmd()
        .user("bob")
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let v = env
        .cmd()
        .user("bob")
        .args(["--json", "check"])
        .run()
        .ok()
        .json();
    assert_eq!(v["status"], "ok");
}

/// A damaged page: `check` answers `check_failed` with the lines of SQLite's integrity
/// check (which table and page), not a bare "corrupt", on the pwaccount file (a page in
/// the middle, and the schema's first page) and on a Nextcloud SQLite database; the file
/// is left as it was.
#[test]
fn a_damaged_page_is_reported_with_the_integrity_lines() {
    let damage = |file: &std::path::Path, page: u64| {
        use std::io::{Seek, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(file).unwrap();
        f.seek(std::io::SeekFrom::Start(4096 * page)).unwrap();
        f.write_all(&[0xff; 4096]).unwrap();
    };
    for page in [60, 1] {
        let env = Env::populated(300);
        env.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
        damage(&env.db, page);
        let before = crate::harness::checksum(&env.db);
        let v = check(&env, &["--all"], 8);
        assert_eq!(v["id"], "check_failed", "page {page}: {v}");
        let lines: Vec<&str> = v["integrity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("page") || l.contains("malformed")),
            "page {page}: {lines:?}"
        );
        let text = env.cmd().args(["check", "--all"]).run().code(8);
        assert!(text.stdout.starts_with("database: "), "{}", text.stdout);
        assert_eq!(crate::harness::checksum(&env.db), before);
    }

    let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
    let db = nc.root().join("data/nextcloud.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let pages = std::fs::metadata(&db).unwrap().len() / 4096;
    damage(&db, pages / 2);
    let out = nc
        .cmd("bob")
        .args(["--json", "check", "--all"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "check_failed", "{}", out.stdout);
    assert!(
        out.json()["integrity"]
            .as_array()
            .is_some_and(|l| !l.is_empty()),
        "{}",
        out.stdout
    );
}
