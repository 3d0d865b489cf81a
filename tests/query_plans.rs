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

/// Run the commands on an installation (bob of the app's fixture) with every statement
/// logged to `log`: the same as on the pwaccount file.
fn run_commands_on_nextcloud(nc: &crate::harness::nextcloud::Installation, log: &std::path::Path) {
    let run = |user: &str, args: &[&str]| {
        nc.cmd(user)
            .env("PWACCOUNT_TEST_SQL_LOG", log)
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
    run("bob", &["log"]).ok();
    run("bob", &["log", "--all", "--since", "1h"]).ok();
}

/// The app's tables, and pwaccount's trail beside them: a scan of one reads every user's
/// rows.
fn per_user_table(table: &str) -> bool {
    table.starts_with("oc_passwords_") || table == "oc_preferences" || table == "oc_pwaccount_audit"
}

/// What may scan: shares looked up by receiver — the app's schema has no index on
/// `receiver` (its own lookups scan that table too), and pwaccount adds none to the app's
/// database; and a restore's check that no other user's row has a uuid it writes — the
/// app indexes uuids only with their user (but for passwords), so this is one scan per
/// table for every 5,000 rows restored, and nothing else can find a uuid another user holds.
fn allowed_on_nextcloud(sql: &str) -> bool {
    (sql.contains("oc_passwords_share") && sql.contains("receiver ="))
        || (sql.starts_with("SELECT uuid, user_id FROM oc_passwords_")
            && sql.contains("user_id <> "))
}

/// The same on a Nextcloud installation (the app's SQLite fixture): every statement on the
/// app's tables and on pwaccount's trail goes through an index, but for
/// `allowed_on_nextcloud`.
#[test]
fn no_statement_scans_an_app_table_on_nextcloud() {
    let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
    let log = nc.root().join("sql.log");
    run_commands_on_nextcloud(&nc, &log);
    let (planned, scans) = full_scans(
        &nc.root().join("data/nextcloud.db"),
        &log,
        &per_user_table,
        &allowed_on_nextcloud,
    );
    assert!(planned > 40, "too few statements planned: {planned}");
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
}

/// The same on PostgreSQL and MariaDB, as each server plans the statements pwaccount sent
/// it (logged as sent, with the engine's placeholders). The test tables are tiny, and a
/// planner rightly reads a tiny table whole; so sequential scans are made the last resort
/// (PostgreSQL `enable_seqscan = off`, MariaDB `max_seeks_for_key = 1`), as they are on a
/// large table: a full scan that remains means no index can serve the statement (on
/// MariaDB: a full scan for which EXPLAIN names no possible key).
/// PostgreSQL plans each statement generically (`plan_cache_mode = force_generic_plan`),
/// whatever its parameters; MariaDB with every parameter a string no user id has.
fn no_statement_scans_an_app_table_on_a_server(engine: crate::engines::Engine) {
    use crate::engines::Engine;
    let nc = crate::harness::nextcloud::Installation::on(engine);
    let log = nc.root().join("sql.log");
    run_commands_on_nextcloud(&nc, &log);
    let tag = if engine == Engine::Pgsql {
        "pgsql"
    } else {
        "mysql"
    };
    let text = std::fs::read_to_string(&log).unwrap();
    let mut statements: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix(tag)?.strip_prefix('\t'))
        .filter(|sql| {
            let first = sql
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(&first.as_str())
                // Catalogue lookups (which tables and columns exist) are not about users.
                && !sql.contains("information_schema")
                && !sql.contains("pg_get_serial_sequence")
                && !allowed_on_nextcloud(sql)
                // A row given as values reads nothing (MariaDB shows its target as `ALL`).
                && (first != "INSERT" || !sql.contains(" VALUES ("))
        })
        .collect();
    statements.sort();
    statements.dedup();
    let server = nc.server().unwrap();
    let mut plans = Vec::new();
    match engine {
        Engine::Pgsql => {
            let mut c = server.pg(&server.name);
            c.batch_execute("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan")
                .unwrap();
            for (i, sql) in statements.iter().enumerate() {
                c.batch_execute(&format!("PREPARE s{i} AS {sql}"))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let params = sql
                    .split('$')
                    .skip(1)
                    .filter_map(|rest| {
                        let digits: String =
                            rest.chars().take_while(char::is_ascii_digit).collect();
                        digits.parse::<usize>().ok()
                    })
                    .max()
                    .unwrap_or(0);
                let nulls = vec!["NULL"; params].join(", ");
                let args = if params == 0 {
                    String::new()
                } else {
                    format!("({nulls})")
                };
                let lines: Vec<String> = c
                    .simple_query(&format!("EXPLAIN EXECUTE s{i}{args}"))
                    .unwrap()
                    .into_iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                        _ => None,
                    })
                    .collect();
                plans.push((sql.to_string(), lines));
            }
        }
        _ => {
            use mysql::prelude::Queryable;
            let mut c = server.my(Some(&server.name));
            c.query_drop("SET SESSION max_seeks_for_key = 1").unwrap();
            for sql in &statements {
                let params = sql.matches('?').count();
                let values: Vec<mysql::Value> = (0..params).map(|_| "nobody-here".into()).collect();
                let rows: Vec<mysql::Row> = c
                    .exec(format!("EXPLAIN {sql}"), mysql::Params::Positional(values))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let lines = rows
                    .into_iter()
                    .map(|r| {
                        let text = |name: &str| match r.get::<mysql::Value, _>(name) {
                            Some(mysql::Value::Bytes(b)) => {
                                String::from_utf8_lossy(&b).into_owned()
                            }
                            _ => String::new(),
                        };
                        format!(
                            "{} {} possible keys: {}",
                            text("type"),
                            text("table"),
                            text("possible_keys")
                        )
                    })
                    .collect();
                plans.push((sql.to_string(), lines));
            }
        }
    }
    let mut scans = Vec::new();
    for (sql, lines) in &plans {
        for line in lines {
            let scanned = match engine {
                Engine::Pgsql => line
                    .trim_start_matches([' ', '-', '>'])
                    .strip_prefix("Seq Scan on ")
                    .and_then(|rest| rest.split_whitespace().next()),
                // `ALL`: every row; `index`: every entry of an index — and no index that
                // could serve the statement instead (on a tiny table MariaDB may prefer
                // reading it in id order to sorting, whatever `max_seeks_for_key` says).
                _ => line
                    .strip_prefix("ALL ")
                    .or_else(|| line.strip_prefix("index "))
                    .filter(|_| line.ends_with("possible keys: ")),
            };
            if let Some(table) = scanned
                && per_user_table(table)
                // A sequence is one row (PostgreSQL's id counters).
                && !table.ends_with("_id_seq")
            {
                scans.push(format!("{sql}\n    {line}"));
            }
        }
    }
    assert!(
        plans.len() > 40,
        "too few statements planned: {}",
        plans.len()
    );
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
}

#[test(pgsql)]
fn no_statement_scans_an_app_table_on_postgresql() {
    no_statement_scans_an_app_table_on_a_server(crate::engines::Engine::Pgsql);
}

#[test(mysql)]
fn no_statement_scans_an_app_table_on_mariadb() {
    no_statement_scans_an_app_table_on_a_server(crate::engines::Engine::Mysql);
}
