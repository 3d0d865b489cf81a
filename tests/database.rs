//! Opening the database file: creation, and every file pwaccount must refuse (exit 8)
//! while leaving it byte for byte as it was.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rusqlite::Connection;

use crate::harness::{Env, checksum};

/// Run `status` (a read) and `feature disable` (a write) on `path`: both must fail with
/// exit 8 and `id`, and leave the file unchanged.
fn refused(env: &Env, path: &Path, id: &str, fragment: &str) {
    let before = checksum(path);
    for args in [
        &["status"][..],
        &["feature", "disable", "client-side-encryption"],
    ] {
        let out = env.cmd().db(path).args(args).arg("--json").run().code(8);
        assert_eq!(out.error_id(), id, "{args:?}: {}", out.stdout);
        let v = out.json();
        assert!(v["message"].as_str().unwrap().contains(fragment), "{v}");
        assert_eq!(v["database"], path.display().to_string());
        let text = env.cmd().db(path).args(args).run().code(8);
        assert!(text.stderr.contains(fragment), "{}", text.stderr);
        assert!(
            text.stderr.contains("Nothing was changed."),
            "{}",
            text.stderr
        );
        assert_eq!(checksum(path), before, "{args:?} changed the file");
    }
}

#[test]
fn a_new_file_is_created_private_with_the_schema() {
    let env = Env::new();
    env.cmd().arg("status").run().ok();
    let mode = std::fs::metadata(&env.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(env.sql::<i64>("PRAGMA application_id"), 0x5057_4143);
    assert_eq!(env.sql::<i64>("PRAGMA user_version"), 2);
    assert_eq!(env.sql::<String>("PRAGMA journal_mode"), "wal");
    for table in [
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
        "server_settings",
    ] {
        let n: i64 = env.sql(&format!(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        ));
        assert_eq!(n, 1, "{table}");
        if !["accounts", "server_settings", "reset_codes"].contains(&table) {
            let indexed: i64 = env.sql(&format!(
                "SELECT count(*) FROM pragma_index_list('{table}') AS l
                 WHERE (SELECT name FROM pragma_index_info(l.name)) = 'user_id'"
            ));
            assert!(indexed >= 1, "{table} has no user_id index");
        }
    }
}

#[test]
fn an_empty_file_is_initialised() {
    let env = Env::new();
    std::fs::write(&env.db, b"").unwrap();
    env.cmd().arg("status").run().ok();
    assert_eq!(env.sql::<i64>("PRAGMA user_version"), 2);
}

#[test]
fn rows_that_give_only_the_key_columns_are_valid() {
    let env = Env::new();
    env.cmd().arg("status").run().ok();
    env.exec(
        "INSERT INTO passwords (uuid, user_id) VALUES ('p1', 'alice');
         INSERT INTO password_revisions (uuid, user_id) VALUES ('r1', 'alice');
         INSERT INTO shares (uuid, user_id, receiver, password) VALUES ('s1', 'bob', 'alice', 'p9');
         INSERT INTO tokens (uuid, user_id, kind, label, created) VALUES ('t1', 'alice', 'device', 'x', 1);",
    );
    let v = env.cmd().args(["status", "--json"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 1);
    assert_eq!(v["counts"]["password_revisions"], 1);
    assert_eq!(v["counts"]["shares"], 1);
    assert_eq!(v["counts"]["tokens"], 1);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let env = Env::new();
    let path = env.file("notes.txt", "these are not the droids\n".repeat(20));
    refused(&env, &path, "not_a_database", "not an SQLite database");
}

#[test]
fn a_truncated_database_is_refused() {
    let env = Env::populated(10);
    let bytes = std::fs::read(&env.db).unwrap();
    let path = env.file("truncated.sqlite", &bytes[..60]);
    refused(&env, &path, "database_corrupt", "corrupt");
}

#[test]
fn another_applications_database_is_refused() {
    let env = Env::new();
    let path = env.path("other.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);")
        .unwrap();
    drop(conn);
    refused(&env, &path, "foreign_database", "another application");
}

#[test]
fn an_unmarked_database_with_tables_is_refused() {
    let env = Env::new();
    let path = env.path("unmarked.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE passwords (uuid TEXT); INSERT INTO passwords VALUES ('x');")
        .unwrap();
    drop(conn);
    refused(
        &env,
        &path,
        "foreign_database",
        "without the pwaccount mark",
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let env = Env::new();
    env.cmd().arg("status").run().ok();
    // Back to a plain rollback journal so that the checksum covers everything.
    env.exec("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;");
    refused(
        &env,
        &env.db,
        "database_too_new",
        "newer than this pwaccount",
    );
}

#[test]
fn a_directory_is_refused() {
    let env = Env::new();
    let dir = env.path("a-folder");
    std::fs::create_dir(&dir).unwrap();
    let out = env.cmd().db(&dir).args(["--json", "status"]).run().code(8);
    assert_eq!(out.error_id(), "database_is_directory");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn a_read_only_file_is_read_but_never_written() {
    let env = Env::populated(5);
    env.exec("PRAGMA journal_mode = DELETE;");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = checksum(&env.db);
    let v = env.cmd().args(["status", "--json"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 5);
    for args in [
        &["feature", "disable", "client-side-encryption"][..],
        &["reset"],
    ] {
        let out = env.cmd().args(args).arg("--json").run().code(8);
        assert_eq!(out.error_id(), "database_read_only", "{args:?}");
    }
    assert_eq!(checksum(&env.db), before);
}

#[test]
fn an_unwritable_folder_is_refused() {
    let env = Env::new();
    let folder = env.path("locked");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = env
        .cmd()
        .db(folder.join("new.sqlite"))
        .args(["--json", "status"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "folder_read_only");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_missing_folder_is_refused() {
    let env = Env::new();
    let out = env
        .cmd()
        .db(env.path("no/such/folder/a.sqlite"))
        .args(["--json", "status"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "folder_missing");
}

#[test]
fn a_database_still_locked_after_the_busy_timeout_is_refused() {
    let env = Env::populated(5);
    let before = env.dump();
    let holder = Connection::open(&env.db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO server_settings VALUES ('x', 'y');")
        .unwrap();
    for (args, env_timeout) in [
        (&["--busy-timeout", "100"][..], None),
        (&[][..], Some("100")),
    ] {
        let mut run =
            env.cmd()
                .args(args)
                .args(["--json", "feature", "disable", "client-side-encryption"]);
        if let Some(ms) = env_timeout {
            run = run.env("PWACCOUNT_BUSY_TIMEOUT", ms);
        }
        let out = run.run().code(8);
        assert_eq!(out.error_id(), "database_busy");
        assert!(
            out.json()["message"]
                .as_str()
                .unwrap()
                .contains("another program is writing")
        );
    }
    // Readers are not blocked by a writer.
    env.cmd().arg("status").run().ok();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    crate::harness::assert_same(&before, &env.dump(), "tests/database.rs:unchanged");
}

#[test]
fn an_older_schema_is_reported_by_readers_and_migrated_by_writers() {
    // Version 0 with our mark and no tables is the state a crash during the very first
    // migration could leave; it must be completed, not refused — by a command that writes.
    let env = Env::new();
    let conn = Connection::open(&env.db).unwrap();
    conn.execute_batch("PRAGMA application_id = 1347895619;")
        .unwrap();
    drop(conn);
    let sum = crate::harness::checksum(&env.db);
    for read_only in [
        vec!["status"],
        vec!["challenge", "get"],
        vec!["challenge", "verify", "--secret-env", "S"],
        vec!["backup"],
    ] {
        let out = env
            .cmd()
            .arg("--json")
            .args(&read_only)
            .env("S", "ab".repeat(32))
            .run()
            .code(8);
        assert_eq!(out.error_id(), "needs_upgrade", "{read_only:?}");
        assert_eq!(crate::harness::checksum(&env.db), sum, "{read_only:?}");
    }
    env.cmd()
        .args(["feature", "enable", "client-side-encryption"])
        .run()
        .ok();
    assert_eq!(env.sql::<i64>("PRAGMA user_version"), 2);
    env.cmd().arg("status").run().ok();
}
