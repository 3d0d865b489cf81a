//! Cost grows with the account, not with the database: every statement pwaccount runs on
//! the account database, across its commands, is planned by SQLite through an index —
//! no full scan of a per-account table. Debug builds log each statement they run when
//! `PWACCOUNT_TEST_SQL_LOG` names a file; this test runs the commands, then asks SQLite
//! for each logged statement's plan (`EXPLAIN QUERY PLAN`).

use rusqlite::Connection;

use crate::harness::Env;

const PASS: &str = "correct horse battery staple";

/// The tables whose rows belong to accounts: a scan of one reads every account's rows.
const PER_ACCOUNT: &[&str] = &[
    "accounts",
    "passwords",
    "password_revisions",
    "folders",
    "folder_revisions",
    "tags",
    "tag_revisions",
    "password_tags",
    "shares",
    "settings",
    "user_config",
    "challenges",
    "keychains",
    "sessions",
    "reset_codes",
    "tokens",
];

#[test]
fn no_statement_scans_a_per_account_table() {
    let env = Env::new();
    for user in ["alice", "bob", "carol"] {
        env.populate(user, 30, "peer");
    }
    env.set_challenge("alice", PASS);
    let log = env.path("sql.log");
    let run = |args: &[&str]| {
        env.cmd()
            .env("PWACCOUNT_TEST_SQL_LOG", &log)
            .env("P", PASS)
            .env("N", "a brand new passphrase")
            .args(args)
            .run()
    };
    run(&["status"]).ok();
    run(&["challenge", "get"]).ok();
    run(&["challenge", "verify", "--passphrase-env", "P"]).ok();
    run(&[
        "challenge",
        "set",
        "--old-passphrase-env",
        "P",
        "--passphrase-env",
        "N",
    ])
    .ok();
    run(&["accounts"]).ok();
    let _ = run(&["check", "--all"]);
    run(&["feature", "list"]).ok();
    let snap = env.path("alice.sqlite");
    run(&["backup", snap.to_str().unwrap()]).ok();
    let code = run(&["reset", "--no-input"]).ok().stdout;
    run(&["reset", "--no-backup", "--code", code.trim()]).ok();
    run(&["restore", "--yes", snap.to_str().unwrap()]).ok();

    let db = env.db.display().to_string();
    let text = std::fs::read_to_string(&log).unwrap();
    let mut statements: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(file, _)| *file == db)
        .map(|(_, sql)| sql)
        .collect();
    statements.sort();
    statements.dedup();
    assert!(
        statements.len() > 40,
        "too few statements logged: {}",
        statements.len()
    );
    let conn = Connection::open(&env.db).unwrap();
    let mut scans = Vec::new();
    let mut planned = 0;
    for sql in &statements {
        let first = sql
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if !["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"].contains(&first.as_str())
            // Statements on an attached snapshot read all of it, by design.
            || sql.contains("snap.")
            || sql.contains("main.\"")
        {
            continue;
        }
        let Ok(mut stmt) = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")) else {
            continue;
        };
        planned += 1;
        // Unbound parameters are NULL: the plan's shape does not depend on them.
        let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
        let details: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for detail in details {
            let mut words = detail.split_whitespace();
            if words.next() == Some("SCAN")
                && let Some(table) = words.next()
                && PER_ACCOUNT.contains(&table)
            {
                scans.push(format!("{sql}\n    {detail}"));
            }
        }
    }
    assert!(planned > 40, "too few statements planned: {planned}");
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
}
