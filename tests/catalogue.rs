//! Every id of the error catalogue (src/error.rs), produced by a run of the tool: one test
//! per id, each checking the id and its exit code in the JSON envelope. A last test checks
//! that the list here covers the whole catalogue, so a new id cannot go untested.

use pwaccount::SecretText;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

use pwaccount::Id;
use rexpect::session::spawn_command;
use rusqlite::Connection;

use crate::harness::{Env, Outcome, Run};

const PASS: &str = "correct horse battery staple";

/// The run failed with exactly `id`, and the exit code that goes with it; its envelope
/// is pinned (tests/snapshots/error-ID.snap).
#[track_caller]
fn check(id: Id, out: Outcome) {
    crate::snapshots::pin(&format!("error-{id}"), &out);
    assert_eq!(
        out.code,
        i32::from(id.exit_code()),
        "exit code for {id}\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(out.error_id(), id.as_str(), "{}", out.stdout);
}

/// The Nextcloud fixture after its `secret` changed; the former one is in `old-secret`
/// beside the installation.
fn changed_secret() -> crate::harness::nextcloud::Installation {
    let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
    let old = nc.secret();
    std::fs::write(nc.root().join("old-secret"), &old).unwrap();
    let config = std::fs::read_to_string(nc.config()).unwrap();
    std::fs::write(
        nc.config(),
        config.replace(
            &format!("'secret' => '{old}'"),
            "'secret' => 'a-new-secret-0123456789abcdef'",
        ),
    )
    .unwrap();
    nc
}

fn json(env: &Env) -> Run {
    env.cmd().arg("--json")
}

fn with_challenge() -> Env {
    let env = Env::populated(5);
    env.set_challenge("alice", PASS);
    env
}

/// A database whose schema is marked but whose `tokens` table is gone.
fn without_a_table() -> Env {
    let env = Env::populated(5);
    env.exec("DROP TABLE tokens");
    env
}

/// A run at a pseudo-terminal that answers `answer` to the first prompt ending in `ask`.
fn at_terminal(run: Run, ask: &str, answer: &str) -> Outcome {
    let mut p = spawn_command(run.command(), Some(20_000)).unwrap();
    p.exp_string(ask).unwrap();
    p.send_line(answer).unwrap();
    let (_, envelope) = p.exp_regex(r#"\{"status":"error".*\}"#).unwrap();
    let code = match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("{other:?}"),
    };
    Outcome {
        code,
        stdout: envelope,
        stderr: String::new(),
    }
}

/// A write that is interrupted while it waits for another program's lock.
fn interrupted() -> Outcome {
    let env = Env::populated(5);
    let holder = Connection::open(&env.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = json(&env)
        .args(["--busy-timeout", "20000", "feature", "disable"])
        .arg("client-side-encryption")
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    crate::harness::signal("INT", child.id());
    let out = child.wait_with_output().unwrap();
    crate::harness::Outcome::from(out)
}

macro_rules! produces {
    ($($(#[test($($need:ident),*)])? $name:ident: $id:ident => $run:expr;)*) => {
        $(
            #[test($($($need),*)?)]
            fn $name() {
                check(Id::$id, $run);
            }
        )*

        /// The ids a black-box run cannot produce, and why.
        const NOT_PRODUCIBLE: &[(Id, &str)] = &[(
            Id::Internal,
            "a bug or a system clock before 1970: nothing a test can bring about from outside",
        )];

        #[test]
        fn every_id_in_the_catalogue_is_produced_by_a_test_here() {
            let listed = [$(Id::$id),*];
            for id in Id::ALL {
                let exempt = NOT_PRODUCIBLE.iter().any(|(i, _)| i == id);
                assert!(
                    listed.contains(id) != exempt,
                    "{id}: listed {} times, exempt: {exempt}",
                    listed.iter().filter(|l| *l == id).count()
                );
            }
        }
    };
}

produces! {
    usage: Usage => json(&Env::new()).arg("bogus").run();
    no_user: NoUser => Run::new().db(Env::new().db).args(["--json", "status"]).run();
    invalid_user: InvalidUser => Env::new().cmd().user("").args(["--json", "status"]).run();
    invalid_path: InvalidPath => {
        // A relative path cannot be made absolute once the working folder is gone.
        let gone = tempfile::tempdir().unwrap();
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c")
            .arg("cd \"$1\" && rmdir \"$1\" && shift && exec \"$@\"")
            .arg("sh")
            .arg(gone.path());
        Run::new().user("alice").args(["--json", "--db", "x.sqlite", "status"]).through(sh)
    };
    input_required: InputRequired => json(&Env::new()).args(["challenge", "set"]).run();
    cannot_read_file: CannotReadFile => json(&Env::new())
        .args(["challenge", "set", "--passphrase-file", "/nonexistent/pass.txt"])
        .run();
    env_not_set: EnvNotSet => json(&Env::new())
        .args(["challenge", "set", "--passphrase-env", "PWACCOUNT_TEST_UNSET"])
        .run();
    stdin_used_twice: StdinUsedTwice => json(&with_challenge())
        .args(["challenge", "set", "--passphrase-file", "-", "--old-passphrase-file", "-"])
        .stdin("x")
        .run();
    backup_exists: BackupExists => {
        let env = Env::populated(5);
        let path = env.file("exists.sqlite", "x");
        json(&env).arg("backup").arg(path).run()
    };
    backup_target_protected: BackupTargetProtected => {
        let env = Env::populated(5);
        json(&env).args(["backup", "--force"]).arg(&env.db).run()
    };
    user_mismatch: UserMismatch => {
        let env = Env::populated(5);
        let snap = env.path("snap.sqlite");
        env.cmd().arg("backup").arg(&snap).run().ok();
        json(&env).user("bob").args(["restore", "--yes"]).arg(&snap).run()
    };
    no_reset_pending: NoResetPending => json(&Env::populated(5))
        .args(["reset", "--code", "AAAA-BBBB-CCCC-DDDD"])
        .run();
    code_invalid: CodeInvalid => {
        let env = Env::populated(5);
        env.cmd().arg("reset").run().ok();
        json(&env).args(["reset", "--code", "AAAA-BBBB-CCCC-DDDD"]).run()
    };
    code_expired: CodeExpired => {
        let env = Env::populated(5);
        let code = env.cmd().arg("reset").run().ok().stdout;
        env.exec("UPDATE reset_codes SET expires = 1");
        json(&env).args(["reset", "--code", code.trim()]).run()
    };
    code_mismatch: CodeMismatch => at_terminal(
        Env::populated(5).cmd().args(["--json", "reset"]),
        "Code",
        "AAAA-BBBB-CCCC-DDDD",
    );
    account_not_blank: AccountNotBlank => {
        let env = Env::populated(5);
        let snap = env.path("snap.sqlite");
        env.cmd().arg("backup").arg(&snap).run().ok();
        json(&env).args(["restore", "--yes"]).arg(&snap).run()
    };
    not_confirmed: NotConfirmed => {
        let env = Env::populated(5);
        let snap = env.path("snap.sqlite");
        env.cmd().arg("backup").arg(&snap).run().ok();
        at_terminal(
            env.cmd().args(["--json", "restore", "--replace"]).arg(&snap),
            "Type yes to continue",
            "no",
        )
    };
    challenge_not_found: ChallengeNotFound => json(&Env::new()).args(["challenge", "get"]).run();
    passphrase_required: PassphraseRequired => json(&with_challenge())
        .args(["challenge", "set", "--passphrase-env", "N"])
        .env("N", "a new passphrase")
        .run();
    passphrase_invalid: PassphraseInvalid => json(&with_challenge())
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", "not the passphrase")
        .run();
    feature_disabled: FeatureDisabled => {
        let env = Env::new();
        env.cmd().args(["feature", "disable", "client-side-encryption"]).run().ok();
        json(&env).args(["challenge", "set", "--passphrase-env", "P"]).env("P", PASS).run()
    };
    empty_input: EmptyInput => json(&Env::new())
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "")
        .run();
    not_utf8: NotUtf8 => {
        let env = Env::new();
        let file = env.file("latin1.txt", [b'p', 0xe4, b's', b's']);
        json(&env).args(["challenge", "set", "--passphrase-file"]).arg(file).run()
    };
    input_too_large: InputTooLarge => {
        let env = Env::new();
        let file = env.file("huge.txt", vec![b'x'; 70_000]);
        json(&env).args(["challenge", "set", "--passphrase-file"]).arg(file).run()
    };
    invalid_data: InvalidData => json(&Env::new())
        .args(["challenge", "set", "--secret-env", "S", "--data", "{}"])
        .env("S", "ab".repeat(32))
        .run();
    invalid_salt: InvalidSalt => json(&Env::new())
        .args(["challenge", "set", "--secret-env", "S", "--data"])
        .arg(format!(r#"["{}","{}","ab"]"#, "a".repeat(512), "b".repeat(128)))
        .env("S", "ab".repeat(32))
        .run();
    invalid_hex: InvalidHex => json(&Env::new())
        .args(["challenge", "set", "--secret-env", "S", "--data"])
        .arg(format!(r#"["{}","{}","{}"]"#, "z".repeat(512), "b".repeat(128), "c".repeat(32)))
        .env("S", "ab".repeat(32))
        .run();
    invalid_secret: InvalidSecret => json(&with_challenge())
        .args(["challenge", "verify", "--secret-env", "S"])
        .env("S", "abc")
        .run();
    passphrase_length: PassphraseLength => json(&Env::new())
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "short")
        .run();
    passphrase_unchanged: PassphraseUnchanged => json(&with_challenge())
        .args(["challenge", "set", "--passphrase-env", "P", "--old-passphrase-env", "P"])
        .env("P", PASS)
        .run();
    database_busy: DatabaseBusy => {
        let env = Env::populated(5);
        let holder = Connection::open(&env.db).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        json(&env).args(["--busy-timeout", "100", "reset"]).run()
    };
    database_read_only: DatabaseReadOnly => {
        let env = Env::populated(5);
        std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o400)).unwrap();
        json(&env).arg("reset").run()
    };
    folder_read_only: FolderReadOnly => {
        let env = Env::new();
        let folder = env.path("locked");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        let out = json(&env).db(folder.join("new.sqlite")).arg("status").run();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        out
    };
    folder_missing: FolderMissing => json(&Env::new())
        .db("/nonexistent-folder/accounts.sqlite")
        .arg("status")
        .run();
    database_is_directory: DatabaseIsDirectory => {
        let env = Env::new();
        json(&env).db(env.dir.path()).arg("status").run()
    };
    not_a_database: NotADatabase => {
        let env = Env::new();
        let png = env.file("image.sqlite", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR and more bytes than a header");
        json(&env).db(png).arg("status").run()
    };
    permission_denied: PermissionDenied => {
        let env = Env::populated(5);
        std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o000)).unwrap();
        json(&env).arg("status").run()
    };
    cannot_open: CannotOpen => {
        let env = Env::new();
        let looped = env.path("loop.sqlite");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        json(&env).db(looped).arg("status").run()
    };
    database_corrupt: DatabaseCorrupt => {
        let env = Env::populated(200);
        env.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
        let len = std::fs::metadata(&env.db).unwrap().len();
        std::fs::OpenOptions::new().write(true).open(&env.db).unwrap().set_len(len / 2).unwrap();
        json(&env).arg("status").run()
    };
    #[test(root)]
    disk_full: DiskFull => {
        // A file system with room for the database and little more, mounted in a mount
        // namespace of the run's own (as root, the way CI runs).
        let env = Env::populated(2_000);
        env.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        let kib = std::fs::metadata(&env.db).unwrap().len() / 1024 + 48;
        let code = env.cmd().arg("reset").run().ok().stdout;
        let small = env.path("small");
        std::fs::create_dir(&small).unwrap();
        let run = json(&env)
            .db(small.join("accounts.sqlite"))
            .args(["reset", "--no-backup", "--code", code.trim()]);
        let mut unshare = std::process::Command::new("unshare");
        unshare
            .args(["--mount", "sh", "-c"])
            .arg(format!(
                "mount -t tmpfs -o size={kib}k tmpfs \"$1\" && cp \"$2\" \"$1\"/ && shift 2 && exec \"$@\""
            ))
            .arg("sh")
            .arg(&small)
            .arg(&env.db);
        run.through(unshare)
    };
    io_error: IoError => {
        // A folder where SQLite looks for the database's rollback journal.
        let env = Env::populated(5);
        env.exec("PRAGMA journal_mode = DELETE");
        std::fs::create_dir(env.path("accounts.sqlite-journal")).unwrap();
        json(&env).arg("status").run()
    };
    database_error: DatabaseError => json(&without_a_table()).arg("status").run();
    foreign_database: ForeignDatabase => {
        let env = Env::new();
        env.exec("PRAGMA application_id = 1234; CREATE TABLE t (x);");
        json(&env).arg("status").run()
    };
    database_too_new: DatabaseTooNew => {
        let env = Env::populated(5);
        env.exec("PRAGMA user_version = 99");
        json(&env).arg("status").run()
    };
    needs_upgrade: NeedsUpgrade => {
        let env = Env::new();
        env.exec("PRAGMA application_id = 1347895619; CREATE TABLE t (x);");
        env.exec("DROP TABLE t");
        json(&env).arg("status").run()
    };
    #[test(root)]
    no_data_directory: NoDataDirectory => {
        // A user the system does not know, and no HOME: nowhere to keep the database.
        let mut setpriv = std::process::Command::new("setpriv");
        setpriv
            .args(["--reuid=54321", "--regid=54321", "--clear-groups"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        Run::new()
            .user("alice")
            .args(["--json", "status"])
            .env_remove("HOME")
            .through(setpriv)
    };
    cannot_create_folder: CannotCreateFolder => Run::new()
        .user("alice")
        .env("XDG_DATA_HOME", "/dev/null/data")
        .args(["--json", "status"])
        .run();
    challenge_damaged: ChallengeDamaged => {
        let env = with_challenge();
        env.exec("UPDATE challenges SET client_data = 'not json'");
        json(&env).args(["challenge", "get"]).run()
    };
    challenge_missing: ChallengeMissing => {
        let env = with_challenge();
        env.exec("DELETE FROM challenges");
        json(&env).args(["challenge", "get"]).run()
    };
    challenge_changed: ChallengeChanged => {
        use pwaccount::challenge::{self, NewChallenge, Proof};
        use pwaccount::{Access, AccountStore};
        let env = with_challenge();
        let mut store = AccountStore::open(&env.db, Access::Write, Duration::from_secs(5)).unwrap();
        let current = challenge::prepare_set(&mut store, "alice").unwrap();
        // Another program changes the challenge meanwhile.
        env.cmd()
            .args(["challenge", "set", "--passphrase-env", "N", "--old-passphrase-env", "P"])
            .env("P", PASS)
            .env("N", "someone else's passphrase")
            .run()
            .ok();
        let err = challenge::set(
            &mut store,
            "alice",
            current.as_ref(),
            NewChallenge::Passphrase(SecretText::new("a third passphrase")),
            Some(Proof::Passphrase(SecretText::new(PASS))),
        )
        .unwrap_err();
        Outcome {
            code: i32::from(err.exit_code()),
            stdout: pwaccount::error_json(&err).to_string(),
            stderr: String::new(),
        }
    };
    keychain_damaged: KeychainDamaged => {
        let env = with_challenge();
        env.exec("UPDATE keychains SET data = '{\"salt\":\"00\",\"nonce\":\"00\",\"ciphertext\":\"00\"}'");
        json(&env)
            .args(["challenge", "set", "--passphrase-env", "N", "--old-passphrase-env", "P"])
            .env("P", PASS)
            .env("N", "a new passphrase")
            .run()
    };
    orphan_keychains: OrphanKeychains => {
        let env = Env::populated(5);
        env.exec(
            "INSERT INTO keychains (uuid, user_id, type, scope, data) \
             VALUES ('k1', 'alice', 'CSEv1r1', 'client', 'sealed')",
        );
        json(&env).args(["challenge", "set", "--passphrase-env", "P"]).env("P", PASS).run()
    };
    invalid_setting: InvalidSetting => {
        let env = Env::populated(5);
        env.exec("INSERT INTO server_settings VALUES ('reset.code_ttl_seconds', 'soon')");
        json(&env).arg("reset").run()
    };
    invalid_snapshot: InvalidSnapshot => {
        let env = Env::populated(5);
        let text = env.file("notes.txt", "just notes");
        json(&env).args(["restore", "--yes"]).arg(text).run()
    };
    snapshot_too_new: SnapshotTooNew => {
        let env = Env::populated(5);
        let snap = env.path("snap.sqlite");
        env.cmd().arg("backup").arg(&snap).run().ok();
        Connection::open(&snap).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
        json(&env).args(["restore", "--yes"]).arg(snap).run()
    };
    backup_failed: BackupFailed => {
        let env = Env::populated(5);
        let folder = env.path("locked");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        json(&env).arg("backup").arg(folder.join("b.sqlite")).run()
    };
    reset_snapshot_failed: ResetSnapshotFailed => {
        let env = Env::populated(5);
        let code = env.cmd().arg("reset").run().ok().stdout;
        std::fs::create_dir(env.path("backups")).unwrap();
        std::fs::set_permissions(env.path("backups"), std::fs::Permissions::from_mode(0o555)).unwrap();
        json(&env).args(["reset", "--code", code.trim()]).run()
    };
    nextcloud_config: NextcloudConfig => Run::new()
        .user("alice")
        .args(["--json", "--nextcloud", "/nonexistent-installation", "status"])
        .run();
    other_installation: OtherInstallation => {
        let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
        let snap = nc.root().join("bob.sqlite");
        nc.cmd("bob").arg("backup").arg(&snap).run().ok();
        let config = std::fs::read_to_string(nc.config()).unwrap();
        std::fs::write(nc.config(), config.replace("'instanceid' => '", "'instanceid' => 'x")).unwrap();
        nc.cmd("bob").args(["--json", "restore", "--yes", "--replace"]).arg(&snap).run()
    };
    restore_conflict: RestoreConflict => {
        let env = Env::populated(5);
        let snap = env.path("alice.sqlite");
        env.cmd().arg("backup").arg(&snap).run().ok();
        let uuid: String = env.sql("SELECT uuid FROM passwords WHERE user_id = 'alice' ORDER BY uuid LIMIT 1");
        env.exec(&format!("UPDATE passwords SET user_id = 'bob' WHERE uuid = '{uuid}'"));
        json(&env).args(["restore", "--yes", "--replace"]).arg(&snap).run()
    };
    no_such_user: NoSuchUser => {
        let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
        nc.cmd("Alice").args(["--json", "status"]).run()
    };
    nextcloud_only: NextcloudOnly => json(&Env::populated(1))
        .args(["rekey", "--yes", "--old-secret-env", "OLD"])
        .env("OLD", "a former secret")
        .run();
    old_secret_wrong: OldSecretWrong => {
        let nc = changed_secret();
        nc.cmd("bob").args(["--json", "rekey", "--yes", "--old-secret-env", "OLD"]).env("OLD", "not the former secret").run()
    };
    rekey_partial: RekeyPartial => {
        let nc = changed_secret();
        nc.exec("UPDATE oc_passwords_tag_rv SET label = '00' || substr(label, 3) WHERE user_id = 'bob' AND deleted = FALSE");
        let old = nc.root().join("old-secret");
        nc.cmd("bob").args(["--json", "rekey", "--yes", "--old-secret-file"]).arg(&old).run()
    };
    keys_unreadable: KeysUnreadable => {
        let nc = changed_secret();
        nc.exec("UPDATE oc_preferences SET configvalue = '$UserConfigEncryption$not-encrypted' WHERE userid = 'bob' AND configkey = 'SSEv1UserKey'");
        let old = nc.root().join("old-secret");
        nc.cmd("bob").args(["--json", "rekey", "--yes", "--old-secret-file"]).arg(&old).run()
    };
    reset_code_damaged: ResetCodeDamaged => {
        let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
        nc.exec("INSERT INTO oc_preferences (userid, appid, configkey, configvalue) VALUES ('bob', 'pwaccount', 'reset/code', 'not a code')");
        nc.cmd("bob").args(["--json", "reset", "--code", "ABCD-EFGH-IJKL", "--no-input"]).run()
    };
    nextcloud_maintenance: NextcloudMaintenance => {
        let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
        let config = std::fs::read_to_string(nc.config()).unwrap();
        std::fs::write(nc.config(), config.replace("'installed' => true,", "'installed' => true,\n  'maintenance' => true,")).unwrap();
        nc.cmd("bob").args(["--json", "reset", "--no-input"]).run()
    };
    #[test(root)]
    not_installation_owner: NotInstallationOwner => {
        let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
        std::os::unix::fs::chown(nc.config(), Some(33), Some(33)).unwrap();
        nc.cmd("bob").args(["--json", "status"]).run()
    };
    nextcloud_unsupported: NextcloudUnsupported => {
        let env = Env::new();
        std::fs::create_dir(env.path("config")).unwrap();
        env.file(
            "config/config.php",
            "<?php\n$CONFIG = array (\n  'dbtype' => 'oci',\n  'installed' => true,\n);\n",
        );
        Run::new()
            .user("alice")
            .args(["--json", "--nextcloud"])
            .arg(env.dir.path())
            .arg("status")
            .run()
    };
    server_unreachable: ServerUnreachable => {
        // Nothing listens on port 1 of the loopback address.
        let env = Env::new();
        std::fs::create_dir(env.path("config")).unwrap();
        env.file(
            "config/config.php",
            "<?php\n$CONFIG = array (\n  'dbtype' => 'pgsql',\n  'installed' => true,\n  \
             'dbhost' => '127.0.0.1:1',\n  'dbname' => 'nextcloud',\n  'dbuser' => 'nextcloud',\n  \
             'dbpassword' => 'never-printed',\n);\n",
        );
        let out = Run::new()
            .user("alice")
            .args(["--json", "--nextcloud"])
            .arg(env.dir.path())
            .arg("status")
            .run();
        assert!(!out.stdout.contains("never-printed"), "{}", out.stdout);
        out
    };
    nothing_to_reset: NothingToReset => json(&Env::populated(1)).user("alcie").args(["reset", "--no-input"]).run();
    server_timeout: ServerTimeout => {
        // A server that accepts the connection and never says anything.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let held: Vec<_> = listener.incoming().take(1).collect();
            std::thread::sleep(std::time::Duration::from_secs(30));
            drop(held);
        });
        let env = Env::new();
        std::fs::create_dir(env.path("config")).unwrap();
        env.file(
            "config/config.php",
            format!(
                "<?php\n$CONFIG = array (\n  'dbtype' => 'pgsql',\n  'installed' => true,\n  \
                 'dbhost' => '127.0.0.1:{port}',\n  'dbname' => 'nextcloud',\n  'dbuser' => 'nextcloud',\n  \
                 'dbpassword' => 'never-printed',\n);\n"
            ),
        );
        Run::new()
            .user("alice")
            .args(["--json", "--server-timeout", "1", "--nextcloud"])
            .arg(env.dir.path())
            .arg("status")
            .run()
    };
    #[test(pgsql)]
    server_login_failed: ServerLoginFailed => {
        let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Pgsql);
        let config = std::fs::read_to_string(nc.config()).unwrap();
        let at = config.find("'dbpassword' => '").unwrap() + "'dbpassword' => '".len();
        std::fs::write(nc.config(), format!("{}x{}", &config[..at], &config[at..])).unwrap();
        nc.cmd("bob").args(["--json", "status"]).run()
    };
    #[test(pgsql)]
    connection_lost: ConnectionLost => crate::nextcloud::lost_connection(crate::engines::Engine::Pgsql).2;
    #[test(galera)]
    write_set_too_large: WriteSetTooLarge => crate::galera::too_large_a_reset();
    check_failed: CheckFailed => {
        let env = Env::new();
        env.set_challenge("alice", PASS);
        env.exec("DELETE FROM challenges");
        json(&env).args(["check", "--all"]).run()
    };
    interrupted_while_waiting: Interrupted => interrupted();
}
