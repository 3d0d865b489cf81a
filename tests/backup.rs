//! backup / restore, and the snapshot a reset writes first.

use pwaccount::SecretText;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pwaccount::challenge::{self, Proof};
use pwaccount::{Access, AccountStore};
use rusqlite::Connection;

use crate::harness::{Env, as_restored, dump};

const PASS: &str = "the account passphrase";

/// alice with data, a challenge and a keychain; bob sharing with her both ways.
fn two_accounts() -> Env {
    Env::shared_accounts(60, 30, PASS)
}

/// Every row of `user`'s that a reset deletes (tokens and the account row excluded).
fn account_rows(env: &Env, user: &str) -> String {
    let quoted = format!("'{user}'");
    dump(&env.db, |table, row| {
        table != "tokens"
            && table != "accounts"
            && table != "audit"
            && row
                .iter()
                .any(|(col, v)| (col == "user_id" || col == "receiver") && *v == quoted)
    })
}

fn backup_to(env: &Env, path: &Path) -> serde_json::Value {
    env.cmd()
        .args(["--json", "backup"])
        .arg(path)
        .run()
        .ok()
        .json()
}

fn reset(env: &Env) {
    let code = env.cmd().arg("reset").run().ok().stdout;
    env.cmd()
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
}

fn restore(env: &Env, path: &Path, extra: &[&str]) -> crate::harness::Outcome {
    env.cmd()
        .args(["--json", "restore"])
        .arg(path)
        .args(extra)
        .run()
}

#[test]
fn backup_reset_restore_round_trip_restores_everything() {
    let env = two_accounts();
    let before = env.dump_data();
    let snap = env.path("alice.sqlite");
    let v = backup_to(&env, &snap);
    assert_eq!(v["success"], true);
    assert_eq!(v["path"], snap.display().to_string());
    assert_eq!(v["counts"]["passwords"], 60);
    assert_eq!(v["counts"]["keychains"], 1);
    assert_eq!(
        std::fs::metadata(&snap).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The snapshot is a pwaccount file with only alice's rows.
    let conn = Connection::open(&snap).unwrap();
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x5057_4143);
    let bobs: i64 = conn
        .query_row(
            "SELECT count(*) FROM passwords WHERE user_id <> 'alice'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bobs, 0);
    drop(conn);

    reset(&env);
    assert_ne!(env.dump(), before);
    let out = restore(&env, &snap, &["--yes"]).ok().json();
    assert_eq!(out["success"], true);
    assert_eq!(out["user"], "alice");
    // Everything is back but the shares bob owns with alice as receiver: those are bob's.
    assert!(
        out["not_restored"]["received_shares"].as_u64().unwrap() > 0,
        "{out}"
    );
    crate::harness::assert_same(
        &as_restored(&before, "alice"),
        &env.dump_data(),
        "tests/backup.rs:unchanged",
    );

    env.verify("alice", PASS).run().ok();
    let mut store = AccountStore::open(&env.db, Access::Read, Duration::from_secs(5)).unwrap();
    let chains = challenge::open_keychains(
        &mut store,
        "alice",
        &Proof::Passphrase(SecretText::new(PASS)),
    )
    .unwrap();
    assert_eq!(chains.len(), 1);
}

#[test]
fn the_default_path_is_a_private_backups_folder_and_nothing_is_overwritten() {
    let env = two_accounts();
    let out = env.cmd().arg("backup").run().ok();
    let path = PathBuf::from(out.stdout.trim());
    assert_eq!(path.parent().unwrap(), env.path("backups"));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("alice-20") && name.ends_with("Z.sqlite"),
        "{name}"
    );
    assert_eq!(
        std::fs::metadata(env.path("backups"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    assert!(
        out.stderr.contains("Wrote a snapshot of account 'alice'"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("tables"),
        "a progress bar was drawn on a pipe"
    );

    // An existing file is never replaced without --force.
    let target = env.file("taken.sqlite", "precious");
    let out = env
        .cmd()
        .args(["--json", "backup"])
        .arg(&target)
        .run()
        .code(2);
    assert_eq!(out.error_id(), "backup_exists");
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    env.cmd()
        .args(["backup", "--force"])
        .arg(&target)
        .run()
        .ok();
    assert_ne!(std::fs::read(&target).unwrap(), b"precious");
    // No temporary files are left behind.
    let leftovers = std::fs::read_dir(env.dir.path()).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")
    });
    assert_eq!(leftovers.count(), 0);
}

#[test]
fn odd_account_ids_make_safe_file_names() {
    let env = Env::new();
    env.populate("../evil/name", 3, "bob");
    let out = env.cmd().user("../evil/name").arg("backup").run().ok();
    let path = PathBuf::from(out.stdout.trim());
    assert_eq!(path.parent().unwrap(), env.path("backups"));
    assert!(path.exists());
}

/// Make a tampered copy of a good snapshot with `sql`.
fn tampered(env: &Env, good: &Path, name: &str, sql: &str) -> PathBuf {
    let path = env.path(name);
    std::fs::copy(good, &path).unwrap();
    Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    path
}

#[test]
fn tampered_snapshots_are_refused_and_change_nothing() {
    let env = two_accounts();
    let good = env.path("good.sqlite");
    backup_to(&env, &good);
    reset(&env);
    let before = env.dump();
    let bytes = std::fs::read(&good).unwrap();
    let cases = [
        (
            tampered(
                &env,
                &good,
                "edited.sqlite",
                "UPDATE password_revisions SET label = 'changed' WHERE rowid = 3",
            ),
            "digest mismatch",
        ),
        (
            tampered(
                &env,
                &good,
                "deleted.sqlite",
                "DELETE FROM passwords WHERE rowid = 1",
            ),
            "digest mismatch",
        ),
        (
            tampered(
                &env,
                &good,
                "two-users.sqlite",
                "INSERT INTO passwords (uuid, user_id) VALUES ('x', 'mallory')",
            ),
            "more than one account",
        ),
        (
            tampered(&env, &good, "app-id.sqlite", "PRAGMA application_id = 7"),
            "wrong application id",
        ),
        (
            tampered(&env, &good, "newer.sqlite", "PRAGMA user_version = 3"),
            "newer than this pwaccount",
        ),
        (
            tampered(
                &env,
                &good,
                "no-user.sqlite",
                "DELETE FROM server_settings WHERE key = 'snapshot.user'",
            ),
            "does not name an account",
        ),
        (
            env.file("truncated.sqlite", &bytes[..bytes.len() / 2]),
            "snapshot",
        ),
        (env.file("text.sqlite", "hello"), "not an SQLite database"),
    ];
    for (path, fragment) in cases {
        let out = restore(&env, &path, &["--yes", "--replace"]).code(8);
        let v = out.json();
        assert!(
            v["message"].as_str().unwrap().contains(fragment),
            "{}: {v}",
            path.display()
        );
        crate::harness::assert_same(&before, &env.dump(), "tests/backup.rs:unchanged");
    }
    // The good one still restores.
    restore(&env, &good, &["--yes"]).ok();
}

#[test]
fn restoring_over_data_needs_replace_and_then_equals_the_snapshot() {
    let env = two_accounts();
    let snap = env.path("snap.sqlite");
    backup_to(&env, &snap);
    let at_backup = account_rows(&env, "alice");
    // More data arrives, and the passphrase changes.
    env.populate("alice", 10, "carol");
    env.change_challenge("alice", PASS, "a newer passphrase")
        .run()
        .ok();
    let before = env.dump();
    let out = restore(&env, &snap, &["--yes"]).code(3);
    assert_eq!(out.error_id(), "account_not_blank");
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .contains("--replace")
    );
    crate::harness::assert_same(&before, &env.dump(), "tests/backup.rs:unchanged");

    let tokens_before = env.dump_rows("tokens", "alice");
    restore(&env, &snap, &["--yes", "--replace"]).ok();
    // alice's own rows are the snapshot's; shares others own with her as receiver are
    // theirs, and a restore leaves them as they are.
    assert_eq!(
        as_restored(&account_rows(&env, "alice"), "alice"),
        as_restored(&at_backup, "alice")
    );
    // Current tokens stay as they are (populate added 3 more).
    crate::harness::assert_same(
        &tokens_before,
        &env.dump_rows("tokens", "alice"),
        "tests/backup.rs:rows",
    );
    env.verify("alice", PASS).run().ok();
}

#[test]
fn restore_asks_at_a_terminal_and_never_implicitly() {
    let env = two_accounts();
    let snap = env.path("snap.sqlite");
    backup_to(&env, &snap);
    reset(&env);
    let before = env.dump();
    let out = restore(&env, &snap, &[]).code(2);
    assert_eq!(out.error_id(), "input_required");
    assert!(out.json()["message"].as_str().unwrap().contains("--yes"));
    crate::harness::assert_same(&before, &env.dump(), "tests/backup.rs:unchanged");
}

#[test]
fn a_snapshot_restores_only_into_its_own_account() {
    let env = two_accounts();
    let snap = env.path("snap.sqlite");
    backup_to(&env, &snap);
    let before = env.dump();
    let out = env
        .cmd()
        .user("bob")
        .args(["--json", "restore", "--yes", "--replace"])
        .arg(&snap)
        .run()
        .code(2);
    assert_eq!(out.error_id(), "user_mismatch");
    crate::harness::assert_same(&before, &env.dump(), "tests/backup.rs:unchanged");
    // Without --user or PWACCOUNT_USER the snapshot's own account is the target.
    reset(&env);
    crate::harness::Run::new()
        .db(&env.db)
        .env("USER", "somebody-else")
        .args(["restore", "--yes"])
        .arg(&snap)
        .run()
        .ok();
    assert_eq!(
        env.cmd().args(["--json", "status"]).run().ok().json()["counts"]["passwords"],
        60
    );
}

#[test]
fn a_whole_database_copy_is_consistent_while_another_program_writes() {
    let env = two_accounts();
    let db = env.db.clone();
    let writer = std::thread::spawn(move || {
        let conn = Connection::open(&db).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        for i in 0..400 {
            conn.execute(
                "INSERT INTO sessions (uuid, user_id) VALUES (?1, 'bob')",
                [format!("writer-{i}")],
            )
            .unwrap();
        }
    });
    let mut copies = Vec::new();
    for i in 0..3 {
        let path = env.path(&format!("all-{i}.sqlite"));
        let v = env
            .cmd()
            .args(["--json", "backup", "--all"])
            .arg(&path)
            .run()
            .ok()
            .json();
        assert_eq!(v["path"], path.display().to_string());
        copies.push(path);
    }
    writer.join().unwrap();
    for path in copies {
        let conn = Connection::open(&path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM passwords WHERE user_id = 'alice'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 60);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let out = env.cmd().args(["--json", "backup", "--all"]).run().code(2);
    assert_eq!(out.error_id(), "usage");
}

#[test]
fn a_reset_writes_a_snapshot_first_that_restores() {
    let env = two_accounts();
    let before = env.dump_data();
    let code = env.cmd().arg("reset").run().ok().stdout;
    let v = env
        .cmd()
        .args(["--json", "reset", "--code", code.trim()])
        .run()
        .ok()
        .json();
    let path = PathBuf::from(v["backup"].as_str().unwrap());
    assert!(path.exists());
    assert!(path.to_string_lossy().ends_with("-before-reset.sqlite"));
    assert_eq!(path.parent().unwrap(), env.path("backups"));
    restore(&env, &path, &["--yes"]).ok();
    // Only the reset code issued for this reset is gone, and the shares bob owns with
    // alice as receiver (bob's rows, recorded but not restored); everything else is back.
    crate::harness::assert_same(
        &as_restored(&before, "alice"),
        &env.dump_data(),
        "tests/backup.rs:unchanged",
    );
}

#[test]
fn a_reset_whose_snapshot_cannot_be_written_deletes_nothing() {
    let env = two_accounts();
    let backups = env.path("backups");
    std::fs::create_dir(&backups).unwrap();
    std::fs::set_permissions(&backups, std::fs::Permissions::from_mode(0o555)).unwrap();
    let code = env.cmd().arg("reset").run().ok().stdout;
    let before = env.dump();
    let out = env
        .cmd()
        .args(["--json", "reset", "--code", code.trim()])
        .run()
        .code(8);
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .contains("nothing was deleted"),
        "{}",
        out.stdout
    );
    crate::harness::assert_same(&before, &env.dump(), "tests/backup.rs:unchanged");
    std::fs::set_permissions(&backups, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The same code still works once the folder is writable.
    env.cmd().args(["reset", "--code", code.trim()]).run().ok();
}

#[test]
fn backup_leaves_the_live_database_unchanged() {
    let env = two_accounts();
    let dump_before = env.dump();
    env.cmd().arg("backup").run().ok();
    crate::harness::assert_same(&dump_before, &env.dump(), "backup");
}

/// A snapshot swapped or edited after `inspect` accepted it is caught again inside the
/// restore's own transaction.
#[test]
fn a_snapshot_changed_after_its_check_is_refused_by_the_restore_itself() {
    let env = two_accounts();
    let snap = env.path("snap.sqlite");
    backup_to(&env, &snap);
    reset(&env);
    let mut store = AccountStore::open(&env.db, Access::Write, Duration::from_secs(5)).unwrap();
    let info = pwaccount::formats::snapshot::inspect(&snap).unwrap();
    // Edited between the check and the restore.
    Connection::open(&snap)
        .unwrap()
        .execute_batch("UPDATE passwords SET folder = 'elsewhere' WHERE rowid = 1")
        .unwrap();
    let before = env.dump();
    let record = pwaccount::Record::account(
        &info.user,
        pwaccount::Action::Restore,
        "restored",
        serde_json::json!({}),
    );
    let err = store
        .restore_rows(&pwaccount::formats::snapshot::PutBack {
            path: &snap,
            user: &info.user,
            require_blank: true,
            record: &record,
            progress: &|_| {},
            undo: &env.path("undo.sqlite"),
            now: 1_800_000_000,
        })
        .unwrap_err();
    assert_eq!(err.id.as_str(), "invalid_snapshot");
    assert!(err.message.contains("digest mismatch"), "{}", err.message);
    drop(store);
    crate::harness::assert_same(&before, &env.dump(), "restore of a changed snapshot");
}

/// A snapshot row whose id another account's row has now (the row was moved to bob after
/// the snapshot): the restore names the account and the table, and changes nothing.
#[test]
fn a_restore_that_collides_with_another_account_names_it() {
    let env = two_accounts();
    let snap = env.path("alice.sqlite");
    backup_to(&env, &snap);
    let uuid: String =
        env.sql("SELECT uuid FROM passwords WHERE user_id = 'alice' ORDER BY uuid LIMIT 1");
    env.exec(&format!(
        "UPDATE passwords SET user_id = 'bob' WHERE uuid = '{uuid}'"
    ));
    let before = env.dump();
    let out = restore(&env, &snap, &["--replace", "--yes"]).code(8);
    assert_eq!(out.error_id(), "restore_conflict", "{}", out.stdout);
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("account 'bob'")
            && message.contains("table passwords")
            && message.contains(&uuid),
        "{message}"
    );
    assert_eq!(env.dump(), before);
}

/// `restore --dry-run` on the pwaccount file: per table, the account's rows a restore
/// would delete and the snapshot's it would write (sessions closed, reset codes gone), and
/// nothing changes; then the restore does exactly that.
#[test]
fn a_dry_run_shows_per_table_what_a_restore_does_and_changes_nothing() {
    let env = two_accounts();
    let snap = env.path("alice.sqlite");
    backup_to(&env, &snap);
    env.exec("DELETE FROM passwords WHERE rowid IN (SELECT rowid FROM passwords WHERE user_id = 'alice' LIMIT 5)");
    let before = env.dump();
    let plan = restore(&env, &snap, &["--dry-run"]).ok().json();
    crate::harness::assert_same(&before, &env.dump(), "the dry run");
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["source"], "snapshot");
    assert_eq!(plan["needs_replace"], true, "{plan}");
    let table = |name: &str| {
        plan["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == name)
            .unwrap_or_else(|| panic!("{name} in {plan}"))
            .clone()
    };
    let count = |sql: &str| env.sql::<i64>(sql) as u64;
    let in_snapshot = |table: &str| {
        Connection::open(&snap)
            .unwrap()
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE user_id = 'alice'"),
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64
    };
    let passwords = table("passwords");
    assert_eq!(
        passwords["delete"],
        count("SELECT count(*) FROM passwords WHERE user_id = 'alice'")
    );
    assert_eq!(passwords["write"], in_snapshot("passwords"));
    assert_eq!(
        passwords["write"].as_u64().unwrap(),
        passwords["delete"].as_u64().unwrap() + 5
    );
    let sessions = table("sessions");
    assert_eq!(
        sessions["delete"],
        count("SELECT count(*) FROM sessions WHERE user_id = 'alice'")
    );
    assert_eq!(sessions["write"], 0);
    restore(&env, &snap, &["--yes", "--replace"]).ok();
    assert_eq!(
        count("SELECT count(*) FROM passwords WHERE user_id = 'alice'"),
        in_snapshot("passwords")
    );
    assert_eq!(
        count("SELECT count(*) FROM sessions WHERE user_id = 'alice'"),
        0
    );
}

/// `backups` on the pwaccount file lists its snapshots (with --user, that account's), and
/// no app backups: the file has none.
#[test]
fn backups_lists_the_files_snapshots() {
    let env = two_accounts();
    env.cmd().arg("backup").run().ok();
    crate::harness::Run::new()
        .db(&env.db)
        .user("bob")
        .arg("backup")
        .run()
        .ok();
    let all = crate::harness::Run::new()
        .db(&env.db)
        .args(["--json", "backups"])
        .env_remove("PWACCOUNT_USER")
        .run()
        .ok()
        .json();
    assert_eq!(all["app_backups"].as_array().unwrap().len(), 0, "{all}");
    assert_eq!(all["snapshots"].as_array().unwrap().len(), 2, "{all}");
    let out = env.cmd().arg("backups").run().ok();
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(
        out.stdout.starts_with("pwaccount snapshots in "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.lines().nth(1).unwrap().starts_with("alice-"),
        "{}",
        out.stdout
    );
}
