//! The classes of defect an adversarial run found (issue 10): backups that replace the
//! database, restores that write other accounts' rows, forged snapshots, paths read as
//! URIs, read-only commands that write, nonsense settings, lost output, panics on numbers,
//! escape sequences from data, and the official client's passphrase rules. Each class is
//! tried with several variants; every refusal leaves the database exactly as it was.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use rusqlite::Connection;

use crate::harness::{Env, Run, assert_same, checksum};

const PASS: &str = "correct horse battery staple";

fn two_accounts() -> Env {
    Env::shared_accounts(40, 20, PASS)
}

// --- 1. backup --force never replaces the database or anything but a regular file ----

#[test]
fn backup_never_replaces_the_database_its_journals_or_special_files() {
    let env = two_accounts();
    // WAL mode: -wal and -shm exist while a connection is open; keep one open.
    let keep_open = Connection::open(&env.db).unwrap();
    keep_open
        .query_row("SELECT count(*) FROM passwords", [], |r| r.get::<_, i64>(0))
        .unwrap();
    let dir = env.dir.path().to_path_buf();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::create_dir(dir.join("a-folder")).unwrap();
    std::os::unix::fs::symlink(&env.db, dir.join("link.sqlite")).unwrap();
    std::fs::hard_link(&env.db, dir.join("hard.sqlite")).unwrap();
    std::fs::write(dir.join("target.sqlite"), b"keep").unwrap();
    std::os::unix::fs::symlink(dir.join("target.sqlite"), dir.join("link-to-file")).unwrap();
    let fifo = dir.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let before = env.dump();
    let sums = |paths: &[&str]| -> Vec<String> {
        paths
            .iter()
            .map(|p| dir.join(p))
            .filter(|p| p.is_file())
            .map(|p| checksum(&p))
            .collect()
    };
    let watched = ["accounts.sqlite", "target.sqlite"];
    let sums_before = sums(&watched);
    let targets: Vec<(&str, &str)> = vec![
        ("accounts.sqlite", "the database file"),
        ("./accounts.sqlite", "the database file"),
        ("sub/../accounts.sqlite", "the database file"),
        ("nowhere/../accounts.sqlite", "the database file"),
        ("accounts.sqlite-wal", "the database file"),
        ("accounts.sqlite-shm", "the database file"),
        ("accounts.sqlite-journal", "the database file"),
        ("sub/../accounts.sqlite-journal", "the database file"),
        ("link.sqlite", "symbolic link"),
        ("link-to-file", "symbolic link"),
        ("hard.sqlite", "the same file under another name"),
        ("fifo", "not a regular file"),
        ("/dev/null", "not a regular file"),
        ("a-folder", "not a regular file"),
    ];
    for (target, why) in &targets {
        for all in [false, true] {
            let mut run = env
                .cmd()
                .current_dir(&dir)
                .args(["--json", "backup", "--force"]);
            if all {
                run = run.arg("--all");
            }
            let out = run.arg(target).run().code(2);
            let what = format!("backup --force {target} (--all: {all})");
            assert_eq!(out.error_id(), "backup_target_protected", "{what}");
            let message = out.json()["message"].as_str().unwrap().to_owned();
            assert!(message.contains(why), "{what}: {message}");
            assert_same(&before, &env.dump(), &what);
            assert_eq!(sums(&watched), sums_before, "{what}");
        }
    }
    // The special files are still what they were.
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(dir.join("a-folder").is_dir());
    assert!(
        std::fs::symlink_metadata(dir.join("link.sqlite"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Without --force, the journals' names are refused too (SQLite would take a file
    // there for a journal of the database).
    let out = env
        .cmd()
        .current_dir(&dir)
        .args(["--json", "backup", "accounts.sqlite-journal"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "backup_target_protected");
    assert!(!dir.join("accounts.sqlite-journal").exists());
    // An ordinary regular file is replaced with --force.
    env.cmd()
        .current_dir(&dir)
        .args(["backup", "--force", "target.sqlite"])
        .run()
        .ok();
    pwaccount::formats::snapshot::inspect(&dir.join("target.sqlite")).unwrap();
    drop(keep_open);
}

use std::os::unix::fs::FileTypeExt;

// --- 4. a restore writes only the account's own rows ------------------------------------

#[test]
fn a_restore_never_writes_rows_of_another_account() {
    let env = two_accounts();
    let bob_owned = |env: &Env| {
        crate::harness::dump(&env.db, |_, row| {
            row.iter().any(|(c, v)| c == "user_id" && v == "'bob'")
        })
    };
    let snap = env.path("alice.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    let shares_to_alice: i64 =
        env.sql("SELECT count(*) FROM shares WHERE user_id = 'bob' AND receiver = 'alice'");
    assert!(shares_to_alice > 0);

    // bob resets: his shares with alice as receiver are gone.
    let code = env.cmd().user("bob").arg("reset").run().ok().stdout;
    env.cmd()
        .user("bob")
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let bob_before = bob_owned(&env);
    // Restoring alice (blank? no: bob's reset removed only what alice received) brings
    // back none of bob's rows.
    let out = env
        .cmd()
        .args(["--json", "restore", "--replace", "--yes"])
        .arg(&snap)
        .run()
        .ok()
        .json();
    assert_eq!(out["not_restored"]["received_shares"], shares_to_alice);
    assert_eq!(
        out["restored"]["shares"].as_u64().unwrap() as i64 + shares_to_alice,
        out["counts"]["shares"].as_i64().unwrap()
    );
    assert_same(
        &bob_before,
        &bob_owned(&env),
        "bob's rows after alice's restore",
    );
    let bobs: i64 = env.sql("SELECT count(*) FROM shares WHERE user_id = 'bob'");
    assert_eq!(bobs, 0);

    // And a restore --replace leaves the shares others own with alice as receiver alone.
    env.populate("carol", 5, "alice");
    let carol_before = crate::harness::dump(&env.db, |_, row| {
        row.iter().any(|(c, v)| c == "user_id" && v == "'carol'")
    });
    env.cmd()
        .args(["restore", "--replace", "--yes"])
        .arg(&snap)
        .run()
        .ok();
    let carol_after = crate::harness::dump(&env.db, |_, row| {
        row.iter().any(|(c, v)| c == "user_id" && v == "'carol'")
    });
    assert_same(
        &carol_before,
        &carol_after,
        "carol's rows after alice's restore",
    );
}

// --- 5, 6. forged snapshots --------------------------------------------------------------

/// The tables a snapshot's digest covers, in order (as the README documents).
const DIGEST_TABLES: &[&str] = &[
    "accounts",
    "passwords",
    "password_revisions",
    "folders",
    "folder_revisions",
    "tags",
    "tag_revisions",
    "password_tags",
    "settings",
    "user_config",
    "challenges",
    "keychains",
    "sessions",
    "shares",
    "tokens",
    "server_settings",
];

/// Edit a snapshot with `sql`, then record a digest that matches the edit — what a forger
/// (not a careless editor) would do: the digest is a checksum, not a signature.
fn forge(snap: &Path, sql: &str) {
    let conn = Connection::open(snap).unwrap();
    conn.execute_batch(sql).unwrap();
    let tables: Vec<(&str, &str)> = DIGEST_TABLES
        .iter()
        .map(|t| {
            let filter = if *t == "server_settings" {
                " WHERE key <> 'snapshot.digest'"
            } else {
                ""
            };
            (*t, filter)
        })
        .collect();
    let digest = crate::harness::snapshot_digest(&conn, &tables);
    conn.execute(
        "UPDATE server_settings SET value = ?1 WHERE key = 'snapshot.digest'",
        [digest],
    )
    .unwrap();
}

#[test]
fn the_digest_recomputed_here_matches_the_tools() {
    // Guards the forgeries below: an unedited "forgery" is accepted, so each refusal
    // below is for what was edited, not for a wrong digest.
    let env = two_accounts();
    let snap = env.path("snap.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    forge(&snap, "");
    pwaccount::formats::snapshot::inspect(&snap).unwrap();
}

#[test]
fn forged_snapshots_are_refused_before_any_query_trusts_them() {
    let env = two_accounts();
    let pristine = env.path("pristine.sqlite");
    env.cmd().arg("backup").arg(&pristine).run().ok();
    let nocase = "CREATE TABLE p2 (
        uuid     TEXT PRIMARY KEY NOT NULL,
        user_id  TEXT NOT NULL COLLATE NOCASE,
        revision TEXT,
        folder   TEXT,
        created  INTEGER NOT NULL DEFAULT (unixepoch()),
        updated  INTEGER NOT NULL DEFAULT (unixepoch()));
      INSERT INTO p2 SELECT * FROM passwords;
      DROP TABLE passwords;
      ALTER TABLE p2 RENAME TO passwords;
      CREATE INDEX passwords_user_id ON passwords (user_id);";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "user_id COLLATE NOCASE with rows of ALICE",
            format!("{nocase} UPDATE passwords SET user_id = 'ALICE' WHERE rowid % 2 = 0;"),
            "schema",
        ),
        (
            "user_id COLLATE NOCASE alone",
            nocase.to_owned(),
            "schema",
        ),
        (
            "an extra trigger",
            "CREATE TRIGGER t AFTER INSERT ON tokens BEGIN DELETE FROM passwords; END;".into(),
            "schema",
        ),
        (
            "an extra view",
            "CREATE VIEW v AS SELECT * FROM passwords;".into(),
            "schema",
        ),
        (
            "an extra column",
            "ALTER TABLE passwords ADD COLUMN extra TEXT;".into(),
            "schema",
        ),
        (
            "a missing index",
            "DROP INDEX passwords_user_id;".into(),
            "schema",
        ),
        (
            "rows of Alice (exact schema)",
            "UPDATE passwords SET user_id = 'Alice' WHERE rowid = 1;".into(),
            "more than one account",
        ),
        (
            "rows of 'alice ' (trailing space)",
            "UPDATE folders SET user_id = 'alice ' WHERE rowid = 1;".into(),
            "more than one account",
        ),
        (
            "an owner stored as a blob",
            "UPDATE tags SET user_id = CAST('alice' AS BLOB) WHERE rowid = 1;".into(),
            "more than one account",
        ),
        (
            "an owner with a NUL byte",
            "UPDATE sessions SET user_id = 'alice' || char(0) WHERE rowid = 1;".into(),
            "more than one account",
        ),
        (
            "a share neither owned nor received",
            "UPDATE shares SET user_id = 'mallory', receiver = 'bob' WHERE rowid = 1;".into(),
            "more than one account",
        ),
        (
            "an empty account id",
            "UPDATE server_settings SET value = '' WHERE key = 'snapshot.user';".into(),
            "account id",
        ),
        (
            "a 65-character account id",
            format!(
                "UPDATE server_settings SET value = '{}' WHERE key = 'snapshot.user';",
                "x".repeat(65)
            ),
            "account id",
        ),
        (
            "an account id with an escape sequence",
            "UPDATE server_settings SET value = 'a' || char(27) || '[2Jb' WHERE key = 'snapshot.user';"
                .into(),
            "account id",
        ),
        (
            "an account id with a line feed",
            "UPDATE server_settings SET value = 'a' || char(10) || 'b' WHERE key = 'snapshot.user';"
                .into(),
            "account id",
        ),
        (
            "no creation time",
            "DELETE FROM server_settings WHERE key = 'snapshot.created';".into(),
            "creation time",
        ),
        (
            "a creation time that is not a number",
            "UPDATE server_settings SET value = 'yesterday' WHERE key = 'snapshot.created';"
                .into(),
            "creation time",
        ),
    ];
    // alice is blank, so a restore would go ahead if the snapshot passed.
    let code = env.cmd().arg("reset").run().ok().stdout;
    env.cmd()
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let before = env.dump();
    for (name, sql, fragment) in cases {
        let snap = env.path("forged.sqlite");
        std::fs::copy(&pristine, &snap).unwrap();
        forge(&snap, &sql);
        for json in [true, false] {
            let mut run = env.cmd().args(["restore", "--yes"]).arg(&snap);
            if json {
                run = run.arg("--json");
            }
            let out = run.run().code(8);
            let message = if json {
                assert_eq!(out.error_id(), "invalid_snapshot", "{name}");
                out.json()["message"].as_str().unwrap().to_owned()
            } else {
                out.stderr.clone()
            };
            assert!(message.contains(fragment), "{name}: {message}");
            // Nothing from the file reaches the terminal raw.
            assert!(!out.stderr.contains('\u{1b}'), "{name}");
            assert!(!out.stdout.contains('\u{1b}'), "{name}");
        }
        assert_same(&before, &env.dump(), name);
    }
}

// --- 7. paths are file names, never URIs -----------------------------------------------

#[test]
fn paths_beginning_with_file_colon_are_plain_file_names() {
    let env = two_accounts();
    let dir = env.dir.path().to_path_buf();
    let snap = dir.join("snap.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    // A junk file under the URI-looking name, a real snapshot under the name it encodes.
    std::fs::write(dir.join("file:snap.sqlite"), b"junk, not a snapshot").unwrap();
    std::fs::create_dir(dir.join("file:")).unwrap();
    let before = env.dump();
    for spelling in [
        "file:snap.sqlite",
        "file:snap.sqlite?mode=ro",
        "file:./snap.sqlite",
        "file:",
    ] {
        let out = env
            .cmd()
            .current_dir(&dir)
            .args(["--json", "restore", "--replace", "--yes", spelling])
            .run();
        assert_ne!(out.code, 0, "{spelling}: {}", out.stdout);
        assert_same(&before, &env.dump(), spelling);
    }
    // A database and a backup named file:… are files of that name in this folder.
    Run::new()
        .current_dir(&dir)
        .db("file:other.sqlite?mode=memory")
        .user("zoe")
        .arg("status")
        .run()
        .ok();
    assert!(dir.join("file:other.sqlite?mode=memory").is_file());
    env.cmd()
        .current_dir(&dir)
        .args(["backup", "file:out.sqlite"])
        .run()
        .ok();
    pwaccount::formats::snapshot::inspect(&dir.join("file:out.sqlite")).unwrap();
}

// --- 8. read-only commands never write ---------------------------------------------------

#[test]
fn read_only_commands_leave_a_delete_journal_database_as_it_is_beside_a_reader() {
    let env = two_accounts();
    let conn = Connection::open(&env.db).unwrap();
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    let sum = checksum(&env.db);
    let secret = env.file("secret.txt", "ab".repeat(32));
    // Another program reads, in a transaction, all the while.
    let reader = Connection::open(&env.db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    reader
        .query_row("SELECT count(*) FROM passwords", [], |r| r.get::<_, i64>(0))
        .unwrap();
    for (args, code) in [
        (vec!["status"], 0),
        (vec!["challenge", "get"], 0),
        (vec!["challenge", "verify", "--passphrase-env", "P"], 0),
        (
            vec![
                "challenge",
                "verify",
                "--secret-file",
                secret.to_str().unwrap(),
            ],
            5,
        ),
        (vec!["backup", env.path("b.sqlite").to_str().unwrap()], 0),
        (vec!["feature", "list"], 0),
    ] {
        env.cmd().args(&args).env("P", PASS).run().code(code);
        assert_eq!(checksum(&env.db), sum, "{args:?}");
        for suffix in ["-wal", "-shm", "-journal"] {
            let side = PathBuf::from(format!("{}{suffix}", env.db.display()));
            assert!(!side.exists(), "{args:?} created {suffix}");
        }
    }
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    let mode: String = env.sql("PRAGMA journal_mode");
    assert_eq!(mode, "delete");
}

#[test]
fn read_only_commands_work_on_a_read_only_file() {
    let env = two_accounts();
    let conn = Connection::open(&env.db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let sum = checksum(&env.db);
    env.cmd().arg("status").run().ok();
    env.cmd().args(["challenge", "get"]).run().ok();
    let out = env.cmd().args(["--json", "reset"]).run().code(8);
    assert_eq!(out.error_id(), "database_read_only");
    assert_eq!(checksum(&env.db), sum);
}

// --- 9. server settings are validated ------------------------------------------------

#[test]
fn nonsense_server_settings_are_refused_by_name() {
    let env = Env::populated(5);
    for value in [
        "9223372036854775807",
        "99999999999",
        "2592001",
        "0",
        "-5",
        "abc",
        "1e3",
        "",
        "60 seconds",
        "\u{1b}[2J",
    ] {
        env.exec(&format!(
            "INSERT OR REPLACE INTO server_settings (key, value) VALUES \
             ('reset.code_ttl_seconds', '{value}')"
        ));
        let before = env.dump();
        let out = env.cmd().args(["--json", "reset"]).run().code(8);
        assert_eq!(out.error_id(), "invalid_setting", "{value:?}");
        assert!(
            out.json()["message"]
                .as_str()
                .unwrap()
                .contains("reset.code_ttl_seconds")
        );
        let text = env.cmd().arg("reset").run().code(8);
        assert!(
            !text.stderr.contains('\u{1b}'),
            "{value:?}: {}",
            text.stderr
        );
        assert_same(&before, &env.dump(), value);
    }
    // The longest valid lifetime gives a code that is valid, with its true expiry.
    env.exec("UPDATE server_settings SET value = '2592000' WHERE key = 'reset.code_ttl_seconds'");
    let v = env.cmd().args(["--json", "reset"]).run().ok().json();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expires = v["expires"].as_i64().unwrap();
    assert!((expires - now - 2_592_000).abs() < 60, "{v}");
    env.cmd()
        .args([
            "reset",
            "--no-backup",
            "--code",
            v["code"].as_str().unwrap(),
        ])
        .run()
        .ok();

    for value in ["yes", "2", "", "true"] {
        env.exec(&format!(
            "INSERT OR REPLACE INTO server_settings (key, value) VALUES \
             ('feature.client-side-encryption', '{value}')"
        ));
        let before = env.dump();
        let out = env
            .cmd()
            .args(["--json", "challenge", "set", "--passphrase-env", "P"])
            .env("P", PASS)
            .run()
            .code(8);
        assert_eq!(out.error_id(), "invalid_setting", "{value:?}");
        assert_same(&before, &env.dump(), value);
    }
}

// --- 10. output that cannot be written is an error -------------------------------------

#[test]
fn output_that_cannot_be_written_is_not_a_success() {
    let env = Env::populated(5);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    for args in [
        vec!["reset", "--no-input"],
        vec!["status"],
        vec!["--json", "status"],
        vec!["challenge", "get"],
        vec!["--json", "challenge", "get"],
    ] {
        let out = env
            .cmd()
            .args(&args)
            .command()
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert_ne!(out.status.code(), Some(101), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("could not be written") || stderr.contains("no challenge"),
            "{args:?}: {stderr}"
        );
    }
    // A reader that went away: a quiet end, but not a success. The pipe's reading end is
    // closed before the tool starts, so its first write meets no reader.
    for args in [vec!["status"], vec!["--json", "status"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = env
            .cmd()
            .args(&args)
            .command()
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(String::from_utf8(out.stderr).unwrap(), "", "{args:?}");
    }
}

// --- 11. numbers out of range are usage errors, never panics ---------------------------

#[test]
fn numeric_options_out_of_range_are_usage_errors() {
    let env = Env::populated(5);
    let before = env.dump();
    for value in [
        "2147483648",
        "3600001",
        "18446744073709551616",
        "-1",
        "1e3",
        "5s",
        "",
    ] {
        let out = env
            .cmd()
            .args(["--json", "--busy-timeout", value, "status"])
            .run()
            .code(2);
        assert_eq!(out.error_id(), "usage", "{value}");
        let out = env
            .cmd()
            .args(["--json", "status"])
            .env("PWACCOUNT_BUSY_TIMEOUT", value)
            .run()
            .code(2);
        assert_eq!(out.error_id(), "usage", "env {value}");
    }
    env.cmd()
        .args(["--busy-timeout", "3600000", "status"])
        .run()
        .ok();
    env.cmd().args(["--busy-timeout", "0", "status"]).run().ok();
    assert_same(&before, &env.dump(), "busy timeouts");
}

// --- 12. messages count what they say and name the right account -----------------------

#[test]
fn messages_name_the_account_they_are_about() {
    let env = two_accounts();
    let snap = env.path("alice.sqlite");
    env.cmd().arg("backup").arg(&snap).run().ok();
    let out = env
        .cmd()
        .user("bob")
        .args(["--json", "restore", "--yes", "--replace"])
        .arg(&snap)
        .run()
        .code(2);
    let v = out.json();
    assert_eq!(v["id"], "user_mismatch");
    assert_eq!(v["account"], "bob");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot restore into account 'bob'"),
        "{v}"
    );
    // Without --user the account is the snapshot's, in the envelope too (not the login).
    let out = Run::new()
        .db(&env.db)
        .env("USER", "zoe")
        .args(["--json", "restore", "--yes"])
        .arg(&snap)
        .run()
        .code(3);
    let v = out.json();
    assert_eq!(v["id"], "account_not_blank");
    assert_eq!(v["account"], "alice", "{v}");
}

#[test]
fn salt_messages_count_what_they_say() {
    let env = Env::new();
    let salts = pwaccount::formats::pwdv1::Salts::generate()
        .unwrap()
        .to_hex();
    let with = |i: usize, s: String| {
        let mut v = salts.to_vec();
        v[i] = s;
        serde_json::to_string(&v).unwrap()
    };
    let cases = [
        // A full-width digit is one character but three bytes.
        (
            with(2, format!("{}１", "a".repeat(31))),
            "character 32",
            "invalid_hex",
        ),
        (
            with(2, format!("{}é", "a".repeat(30))),
            "character 31",
            "invalid_hex",
        ),
        (with(1, "g".repeat(128)), "character 1", "invalid_hex"),
        (with(2, "a".repeat(31)), "it has 31", "invalid_salt"),
        (with(1, "a".repeat(130)), "it has 130", "invalid_salt"),
        (
            with(0, "a".repeat(513)),
            "odd number of hex characters (513)",
            "invalid_hex",
        ),
    ];
    for (data, fragment, id) in cases {
        let out = env
            .cmd()
            .args([
                "--json",
                "challenge",
                "set",
                "--secret-env",
                "S",
                "--data",
                &data,
            ])
            .env("S", "ab".repeat(32))
            .run()
            .code(7);
        assert_eq!(out.error_id(), id, "{fragment}");
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(fragment), "{fragment}: {message}");
    }
}

// --- interoperability with the official clients ---------------------------------------

#[test]
fn a_challenge_pointer_to_nothing_is_a_damaged_account() {
    let env = Env::populated(5);
    for pointer in ["00000000-0000-0000-0000-000000000000", "", "x\u{1b}[2J"] {
        env.exec(&format!(
            "INSERT OR REPLACE INTO user_config (user_id, key, value) VALUES \
             ('alice', 'user/challenge/id', '{pointer}')"
        ));
        let before = env.dump();
        for args in [
            vec!["challenge", "set", "--passphrase-env", "P"],
            vec!["challenge", "get"],
            vec!["challenge", "verify", "--passphrase-env", "P"],
        ] {
            let out = env
                .cmd()
                .arg("--json")
                .args(&args)
                .env("P", PASS)
                .run()
                .code(8);
            assert_eq!(out.error_id(), "challenge_missing", "{args:?}");
            assert!(
                out.json()["message"].as_str().unwrap().contains("reset"),
                "{args:?}"
            );
            let text = env.cmd().args(&args).env("P", PASS).run().code(8);
            assert!(!text.stderr.contains('\u{1b}'), "{}", text.stderr);
        }
        assert_same(&before, &env.dump(), pointer);
        let status = env.cmd().arg("status").run().ok();
        assert!(status.stdout.contains("is damaged"), "{}", status.stdout);
        assert!(!status.stdout.contains('\u{1b}'));
    }
    // The way out: a reset, after which a challenge can be set.
    let code = env.cmd().arg("reset").run().ok().stdout;
    env.cmd()
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    env.set_challenge("alice", PASS);
    env.cmd()
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", PASS)
        .run()
        .ok();
}

#[test]
fn a_new_passphrase_equal_to_the_current_one_is_refused() {
    let env = Env::populated(5);
    env.set_challenge("alice", PASS);
    let before = env.dump();
    // One passphrase given as both the current and the new one.
    let both = |pass: &str| {
        env.cmd()
            .args(["--json", "challenge", "set", "--passphrase-env", "P"])
            .args(["--old-passphrase-env", "P"])
            .env("P", pass)
            .run()
    };
    let out = both(PASS).code(7);
    assert_eq!(out.error_id(), "passphrase_unchanged");
    assert_same(&before, &env.dump(), "same passphrase");
    // The same *wrong* passphrase for both: the current one is checked first, so the
    // answer is "wrong" (exit 5), not "unchanged".
    let out = both("not the passphrase at all").code(5);
    assert_eq!(out.error_id(), "passphrase_invalid");
    assert_same(&before, &env.dump(), "same wrong passphrase");

    // Raw mode: the current salts and the secret they give.
    let salts: Vec<String> = serde_json::from_str::<serde_json::Value>(
        &env.cmd().args(["challenge", "get"]).run().ok().stdout,
    )
    .unwrap()["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let parsed = pwaccount::formats::pwdv1::Salts::from_hex(&salts, "test").unwrap();
    let secret = pwaccount::formats::pwdv1::derive(PASS, &parsed).unwrap();
    let out = env
        .cmd()
        .args([
            "--json",
            "challenge",
            "set",
            "--secret-env",
            "S",
            "--old-secret-env",
            "S",
        ])
        .args(["--data", &serde_json::to_string(&salts).unwrap()])
        .env("S", secret.to_hex().as_str())
        .run()
        .code(7);
    assert_eq!(out.error_id(), "passphrase_unchanged");
    assert_same(&before, &env.dump(), "same secret and salts");
    // A different passphrase goes through.
    env.change_challenge("alice", PASS, "a different passphrase")
        .run()
        .ok();
}
