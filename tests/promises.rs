//! Promises every store keeps, written once and run over each: the pwaccount file and a
//! Nextcloud installation on SQLite, PostgreSQL and MariaDB (`promises::file::…`,
//! `promises::nextcloud_sqlite::…`, …). The assertion is the exact output and the database
//! before and after.

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;
use crate::harness::{Env, Run};

/// A store with an account `user` in it, as a promise test sees it.
enum Subject {
    File(Env),
    Nextcloud(Installation),
}

impl Subject {
    fn file() -> Self {
        let env = Env::populated(5);
        env.set_challenge("alice", "correct horse");
        Subject::File(env)
    }

    fn nextcloud(engine: Engine) -> Self {
        Subject::Nextcloud(Installation::on(engine))
    }

    /// The account the tests act on: alice in the file, the fixture's bob on Nextcloud.
    fn user(&self) -> &'static str {
        match self {
            Subject::File(_) => "alice",
            Subject::Nextcloud(_) => "bob",
        }
    }

    /// The database as the command line names it (what errors print).
    fn named(&self) -> String {
        match self {
            Subject::File(env) => env.db.display().to_string(),
            Subject::Nextcloud(nc) => nc.root().display().to_string(),
        }
    }

    fn cmd(&self) -> Run {
        match self {
            Subject::File(env) => env.cmd().user(self.user()),
            Subject::Nextcloud(nc) => nc.cmd(self.user()),
        }
    }

    /// The test's scratch folder (the database's, or the installation's).
    fn scratch(&self) -> std::path::PathBuf {
        match self {
            Subject::File(env) => env.dir.path().to_path_buf(),
            Subject::Nextcloud(nc) => nc.root().to_path_buf(),
        }
    }

    /// Everything the database holds, to compare before and after.
    fn state(&self) -> String {
        match self {
            Subject::File(env) => env.dump(),
            Subject::Nextcloud(nc) => nc.sums().join("\n"),
        }
    }
}

/// An empty secret is refused (exit 7) with the same words on every store, naming the
/// account and the database, and nothing changes.
fn an_empty_passphrase_is_refused_and_changes_nothing(store: Subject) {
    let before = store.state();
    let out = store
        .cmd()
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "")
        .run();
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "pwaccount: error: --passphrase-env P is empty\n  account '{}', database {}\n  \
             Nothing was changed.\n",
            store.user(),
            store.named()
        )
    );
    assert_eq!(store.state(), before);
}

/// A reset code where none is pending is refused (exit 3) with the same JSON envelope on
/// every store, and nothing changes.
fn a_code_without_a_pending_reset_is_refused_and_changes_nothing(store: Subject) {
    let before = store.state();
    let out = store
        .cmd()
        .args(["--json", "reset", "--code", "ABCD-EFGH-IJKL", "--no-input"])
        .run();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        out.json(),
        serde_json::json!({
            "status": "error",
            "id": "no_reset_pending",
            "message": format!(
                "no reset is pending for account '{}'; run `pwaccount reset` to get a new code",
                store.user()
            ),
            "exit_code": 3,
            "account": store.user(),
            "database": store.named(),
        })
    );
    assert_eq!(store.state(), before);
}

/// A wrong passphrase is refused (exit 5) with the same envelope on every store, and
/// nothing changes.
fn a_wrong_passphrase_is_refused_and_changes_nothing(store: Subject) {
    let before = store.state();
    let out = store
        .cmd()
        .args(["--json", "challenge", "verify", "--passphrase-env", "P"])
        .env("P", "not the passphrase at all")
        .run();
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert_eq!(
        out.json(),
        serde_json::json!({
            "status": "error",
            "id": "passphrase_invalid",
            "message": "the passphrase is wrong",
            "exit_code": 5,
            "account": store.user(),
            "database": store.named(),
        })
    );
    assert_eq!(store.state(), before);
}

/// A snapshot is not restored over an account that holds data unless `--replace` says
/// so: refused (exit 3) with the same words on every store, nothing changed, and no undo
/// snapshot left behind.
fn a_restore_over_data_needs_replace(store: Subject) {
    let snapshot = store.scratch().join("taken.sqlite");
    let taken = store.cmd().arg("backup").arg(&snapshot).run();
    assert_eq!(taken.code, 0, "{}", taken.stderr);
    let before = store.state();
    let out = store
        .cmd()
        .args(["--json", "restore", "--no-input"])
        .arg(&snapshot)
        .run();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        out.json(),
        serde_json::json!({
            "status": "error",
            "id": "account_not_blank",
            "message": format!(
                "account '{}' is not blank; add --replace to replace its data with the snapshot's",
                store.user()
            ),
            "exit_code": 3,
            "account": store.user(),
            "database": store.named(),
        })
    );
    assert_eq!(store.state(), before);
    let left: Vec<_> = crate::harness::walk(&store.scratch())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(left, Vec::<std::path::PathBuf>::new());
}

/// A snapshot is never written over an existing file unless `--force` says so: refused
/// (exit 2) with the same words on every store; the file and the database unchanged.
fn a_backup_never_replaces_a_file_unasked(store: Subject) {
    let existing = store.scratch().join("existing.sqlite");
    std::fs::write(&existing, b"not to be replaced").unwrap();
    let before = store.state();
    let out = store.cmd().args(["--json", "backup"]).arg(&existing).run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.json(),
        serde_json::json!({
            "status": "error",
            "id": "backup_exists",
            "message": format!(
                "{} already exists; choose another path, or allow replacing it with --force",
                existing.display()
            ),
            "exit_code": 2,
            "account": store.user(),
            "database": store.named(),
        })
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"not to be replaced");
    assert_eq!(store.state(), before);
}

/// Withdrawing a reset code where none is pending succeeds and changes nothing, in the
/// same words on every store.
fn cancelling_no_reset_changes_nothing(store: Subject) {
    let before = store.state();
    let out = store.cmd().args(["reset", "--cancel"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        (out.stdout.as_str(), out.stderr),
        (
            "",
            format!(
                "No reset code is pending for account '{}'; nothing was changed.\n",
                store.user()
            )
        )
    );
    assert_eq!(store.state(), before);
}

/// `status --json` has the same shape on every store: the same keys in the same order,
/// the same counts, and a store's own details only under its own key after them (and,
/// where a reset changes more than the holdings, `would_delete` with the counts' keys).
fn status_has_one_shape(store: Subject) {
    let out = store.cmd().args(["--json", "status"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let (common, own): (&[&str], &[&str]) = match store {
        Subject::File(_) => (&[], &[]),
        Subject::Nextcloud(_) => (&["would_delete"], &["nextcloud"]),
    };
    let mut want = vec![
        "user",
        "database",
        "counts",
        "challenge",
        "encryption",
        "reset_pending",
    ];
    want.extend(common);
    want.extend(own);
    assert_eq!(keys, want);
    assert_eq!(v["user"], store.user());
    assert!(v["database"].is_string(), "{v}");
    let counts = [
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
        "keychains",
        "sessions",
        "tokens",
    ];
    let count_keys = |value: &serde_json::Value| -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(count_keys(&v["counts"]), counts);
    if let Some(would) = v.get("would_delete") {
        assert_eq!(count_keys(would), counts);
    }
    assert_eq!(count_keys(&v["encryption"]), ["cse", "sse"]);
}

/// One `#[test]` per store for each promise.
macro_rules! promises {
    ($($name:ident),* $(,)?) => {
        mod file { $( #[test] fn $name() { super::$name(super::Subject::file()) } )* }
        mod nextcloud_sqlite { $( #[test] fn $name() { super::$name(super::Subject::nextcloud(crate::engines::Engine::Sqlite)) } )* }
        mod nextcloud_pgsql { $( #[test(pgsql)] fn $name() { super::$name(super::Subject::nextcloud(crate::engines::Engine::Pgsql)) } )* }
        mod nextcloud_mariadb { $( #[test(mysql)] fn $name() { super::$name(super::Subject::nextcloud(crate::engines::Engine::Mysql)) } )* }
    };
}

promises!(
    an_empty_passphrase_is_refused_and_changes_nothing,
    a_code_without_a_pending_reset_is_refused_and_changes_nothing,
    a_wrong_passphrase_is_refused_and_changes_nothing,
    a_restore_over_data_needs_replace,
    a_backup_never_replaces_a_file_unasked,
    cancelling_no_reset_changes_nothing,
    status_has_one_shape,
);
