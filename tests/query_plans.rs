//! Cost grows with the account, not with the database: every statement pwaccount runs on
//! the account database, across its commands, is planned by SQLite through an index —
//! no full scan of a per-account table. Debug builds log each statement they run when
//! `PWACCOUNT_TEST_SQL_LOG` names a file; this test runs the commands, then asks SQLite
//! for each logged statement's plan (`EXPLAIN QUERY PLAN`).

use rusqlite::Connection;

use crate::harness::Env;

const PASS: &str = "correct horse battery staple";

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
    // One account's trail, and every account's since a time, through their indexes
    // (`log --all` without --since reads the whole trail: that is what it asks for).
    let trail = run(&["--json", "log"]).ok().json();
    assert!(trail["listed"].as_u64().unwrap() >= 4, "{trail}");
    run(&["log", "--all", "--since", "1h"]).ok();

    // The tables whose rows belong to accounts (a `user_id` column): a scan of one reads
    // every account's rows.
    let conn = Connection::open(&env.db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND c.name = 'user_id'",
        )
        .unwrap();
    let per_account: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(per_account.len() >= 15, "{per_account:?}");
    let (planned, scans) = full_scans(
        &env.db,
        &log,
        &|table| per_account.iter().any(|t| t == table),
        &|_| false,
    );
    assert!(planned > 40, "too few statements planned: {planned}");
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
}

/// The statements logged in `log` for the database `db`: how many were planned, and the
/// full scans of tables `per_account` accepts, but for statements `allowed` accepts.
fn full_scans(
    db: &std::path::Path,
    log: &std::path::Path,
    per_account: &dyn Fn(&str) -> bool,
    allowed: &dyn Fn(&str) -> bool,
) -> (usize, Vec<String>) {
    let name = db.display().to_string();
    let text = std::fs::read_to_string(log).unwrap();
    let mut statements: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(file, _)| *file == name)
        .map(|(_, sql)| sql)
        .collect();
    statements.sort();
    statements.dedup();
    let conn = Connection::open(db).unwrap();
    let mut scans = Vec::new();
    let mut planned = 0;
    for sql in statements {
        let first = sql
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if !["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"].contains(&first.as_str())
            // Statements on an attached snapshot read all of it, by design.
            || sql.contains("snap.")
            || sql.contains("main.\"")
            || allowed(sql)
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
                && per_account(table)
            {
                scans.push(format!("{sql}\n    {detail}"));
            }
        }
    }
    (planned, scans)
}

/// The same on a Nextcloud installation (the app's SQLite fixture): every statement on the
/// app's tables goes through an index — but for shares looked up by receiver: the app's
/// schema has no index on `receiver` (its own lookups scan that table too), and pwaccount
/// adds none to the app's database.
#[test]
fn no_statement_scans_an_app_table_on_nextcloud() {
    let nc = crate::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
    let log = nc.root().join("sql.log");
    let run = |user: &str, args: &[&str]| {
        nc.cmd(user)
            .env("PWACCOUNT_TEST_SQL_LOG", &log)
            .env("O", "bob-passphrase-0123456789")
            .env("N", "a new passphrase for bob")
            .args(args)
            .run()
    };
    run("bob", &["status"]).ok();
    run("bob", &["challenge", "get"]).ok();
    run("bob", &["challenge", "verify", "--passphrase-env", "O"]).ok();
    run(
        "bob",
        &[
            "challenge",
            "set",
            "--old-passphrase-env",
            "O",
            "--passphrase-env",
            "N",
        ],
    )
    .ok();
    run("bob", &["accounts"]).ok();
    run("bob", &["check", "--all"]).ok();
    let snap = nc.root().join("bob.sqlite");
    run("bob", &["backup", snap.to_str().unwrap()]).ok();
    let code = run("bob", &["reset", "--no-input"]).ok().stdout;
    run("bob", &["reset", "--no-backup", "--code", code.trim()]).ok();
    run("bob", &["restore", "--yes", snap.to_str().unwrap()]).ok();
    let (planned, scans) = full_scans(
        &nc.root().join("data/nextcloud.db"),
        &log,
        &|table| table.starts_with("oc_passwords_") || table == "oc_preferences",
        &|sql| sql.contains("oc_passwords_share") && sql.contains("receiver ="),
    );
    assert!(planned > 40, "too few statements planned: {planned}");
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
}
