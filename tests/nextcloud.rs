//! A Nextcloud installation written by the real Passwords app (`../shared/nextcloud/
//! fixture`, Nextcloud 34.0.1 on SQLite): the flows this build serves there give what the
//! app gives, and every installation it cannot serve is refused with nothing touched.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{Run, checksum};

const ALICE: &str = "correct horse battery staple";
const BOB: &str = "bob-passphrase-0123456789";

/// A copy of the fixture laid out as an installation: `config/config.php` (datadirectory
/// pointing at the copy) and `data/nextcloud.db`.
struct Installation {
    dir: tempfile::TempDir,
}

impl Installation {
    fn new() -> Self {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/nextcloud/fixture");
        assert!(
            fixture.join("nextcloud.db").is_file(),
            "the Nextcloud fixture is missing: {} (shared/ beside the project)",
            fixture.display()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        let db = dir.path().join("data/nextcloud.db");
        std::fs::copy(fixture.join("nextcloud.db"), &db).unwrap();
        let mut perms = std::fs::metadata(&db).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
        std::fs::set_permissions(&db, perms).unwrap();
        let config = std::fs::read_to_string(fixture.join("config.php"))
            .unwrap()
            .replace(
                "/srv/nextcloud/data",
                &dir.path().join("data").display().to_string(),
            );
        std::fs::write(dir.path().join("config/config.php"), config).unwrap();
        Installation { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data/nextcloud.db")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config/config.php")
    }

    fn cmd(&self, user: &str) -> Run {
        // Snapshots go to pwaccount's own data folder: one per test.
        Run::new()
            .user(user)
            .arg("--nextcloud")
            .arg(self.root())
            .env("HOME", self.root().join("home"))
    }

    /// `challenge verify` for `user` with `pass`.
    fn verify(&self, user: &str, pass: &str) -> Run {
        self.cmd(user)
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", pass)
    }

    /// `challenge set` for `user`, from passphrase `old` to passphrase `new`.
    fn change(&self, user: &str, old: &str, new: &str) -> Run {
        self.cmd(user)
            .args(["challenge", "set", "--old-passphrase-env", "O"])
            .args(["--passphrase-env", "N"])
            .env("O", old)
            .env("N", new)
    }

    fn exec(&self, sql: &str) {
        rusqlite::Connection::open(self.db())
            .unwrap()
            .execute_batch(sql)
            .unwrap();
    }

    /// Everything that a refusal must leave as it was.
    /// The database is in WAL mode, so a change may sit in its `-wal` file: compare a
    /// logical dump of every row, not only the file's bytes.
    fn sums(&self) -> Vec<String> {
        use sha2::Digest;
        let dump = crate::harness::dump(&self.db(), |_, _| true);
        vec![
            hex::encode(sha2::Sha256::digest(dump.as_bytes())),
            checksum(&self.config()),
        ]
    }
}

fn app_challenge(user: &str) -> Value {
    let text = include_str!("data/nextcloud-fixture-challenges.json");
    serde_json::from_str::<Value>(text).unwrap()["challenges"][user].clone()
}

#[test]
fn challenge_get_returns_what_the_app_returns() {
    let nc = Installation::new();
    let before = nc.sums();
    for user in ["alice", "bob"] {
        let out = nc.cmd(user).args(["--json", "challenge", "get"]).run().ok();
        assert_eq!(out.json(), app_challenge(user), "{user}");
    }
    let out = nc
        .cmd("admin")
        .args(["--json", "challenge", "get"])
        .run()
        .code(4);
    assert_eq!(out.error_id(), "challenge_not_found");
    assert_eq!(nc.sums(), before, "reading changed the installation");
}

#[test]
fn verify_accepts_the_users_passphrases_and_refuses_others() {
    let nc = Installation::new();
    let before = nc.sums();
    for (user, right) in [("alice", ALICE), ("bob", BOB)] {
        let out = nc
            .cmd(user)
            .args(["--json", "challenge", "verify", "--passphrase-env", "P"])
            .env("P", right)
            .run()
            .ok();
        assert_eq!(out.json()["success"], true);
        // The SSEv2r1 keychain opens with the key the session yields.
        assert_eq!(out.json()["keychains"], 1);
        for wrong in [
            if user == "alice" { BOB } else { ALICE },
            "correct horse battery stapl",
        ] {
            let out = nc
                .cmd(user)
                .args(["--json", "challenge", "verify", "--passphrase-env", "P"])
                .env("P", wrong)
                .run()
                .code(5);
            assert_eq!(out.error_id(), "passphrase_invalid");
        }
    }
    // The derived secret, as a client sends it, works as well.
    let salts: Vec<String> = app_challenge("bob")["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let salts = pwaccount::crypto::pwdv1::Salts::from_hex(&salts, "fixture").unwrap();
    let secret = pwaccount::crypto::pwdv1::derive(BOB, &salts).unwrap();
    nc.cmd("bob")
        .args(["challenge", "verify", "--secret-env", "S"])
        .env("S", secret.to_hex().as_str())
        .run()
        .ok();
    assert_eq!(nc.sums(), before, "verifying changed the installation");
}

#[test]
fn status_counts_what_the_app_holds_for_the_user() {
    let nc = Installation::new();
    let v = nc.cmd("bob").args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 4);
    assert_eq!(v["counts"]["folders"], 2);
    assert_eq!(v["counts"]["tags"], 2);
    assert_eq!(v["counts"]["keychains"], 1);
    assert_eq!(v["challenge"]["type"], "PWDv1r1");
    assert_eq!(v["encryption"]["cse"], true);
    // alice's rows from before her reset are flagged deleted: not counted.
    let v = nc.cmd("alice").args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 3);
    let blank = nc
        .cmd("nobody")
        .args(["--json", "status"])
        .run()
        .ok()
        .json();
    assert_eq!(blank["counts"]["passwords"], 0);
    assert_eq!(blank["challenge"], Value::Null);
}

#[test]
fn installations_it_cannot_serve_are_refused_untouched() {
    type Break = fn(&Installation);
    let cases: Vec<(&str, Break, i32, &str, &str)> = vec![
        (
            "no config",
            |nc| std::fs::remove_file(nc.config()).unwrap(),
            8,
            "nextcloud_config",
            "not a Nextcloud installation",
        ),
        (
            "a missing database",
            |nc| std::fs::rename(nc.db(), nc.root().join("elsewhere.db")).unwrap(),
            8,
            "nextcloud_config",
            "is not there",
        ),
        (
            "PostgreSQL",
            |nc| rewrite(nc, "'dbtype' => 'sqlite3'", "'dbtype' => 'pgsql'"),
            8,
            "nextcloud_unsupported",
            "'pgsql'",
        ),
        (
            "MySQL",
            |nc| rewrite(nc, "'dbtype' => 'sqlite3'", "'dbtype' => 'mysql'"),
            8,
            "nextcloud_unsupported",
            "'mysql'",
        ),
        (
            "not installed",
            |nc| rewrite(nc, "'installed' => true", "'installed' => false"),
            8,
            "nextcloud_unsupported",
            "not installed",
        ),
        (
            "another app version",
            |nc| {
                nc.exec("UPDATE oc_appconfig SET configvalue = '2025.1.0' WHERE appid = 'passwords' AND configkey = 'installed_version'")
            },
            8,
            "nextcloud_unsupported",
            "version 2025.1.0",
        ),
        (
            "no Passwords app",
            |nc| nc.exec("DELETE FROM oc_appconfig WHERE appid = 'passwords'"),
            8,
            "nextcloud_unsupported",
            "not installed in this Nextcloud",
        ),
        (
            "a missing table",
            |nc| nc.exec("DROP TABLE oc_passwords_keychain"),
            8,
            "nextcloud_unsupported",
            "oc_passwords_keychain is missing",
        ),
        (
            "another table prefix",
            |nc| {
                rewrite(
                    nc,
                    "'dbname' => 'nextcloud',",
                    "'dbname' => 'nextcloud', 'dbtableprefix' => 'nc_',",
                )
            },
            8,
            "nextcloud_config",
            "'dbtableprefix'",
        ),
        (
            "a config that is not a literal array",
            |nc| rewrite(nc, "'loglevel' => 2,", "'loglevel' => getenv('LEVEL'),"),
            8,
            "nextcloud_config",
            "line",
        ),
        (
            "a damaged user key",
            |nc| {
                nc.exec("UPDATE oc_preferences SET configvalue = 'wrong' WHERE userid = 'alice' AND configkey = 'SSEv1UserKey'")
            },
            8,
            "challenge_damaged",
            "server-side key",
        ),
    ];
    for (name, break_it, code, id, fragment) in cases {
        let nc = Installation::new();
        break_it(&nc);
        let sums = |nc: &Installation| -> Vec<Option<String>> {
            let db = nc.db().is_file().then(|| {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(
                    crate::harness::dump(&nc.db(), |_, _| true).as_bytes(),
                ))
            });
            vec![db, nc.config().is_file().then(|| checksum(&nc.config()))]
        };
        let before = sums(&nc);
        // No php on PATH: what is not a literal array is refused, not evaluated.
        let out = nc
            .cmd("alice")
            .args(["--json", "challenge", "get"])
            .env("PATH", "/nonexistent")
            .run()
            .code(code);
        assert_eq!(out.error_id(), id, "{name}");
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(fragment), "{name}: {message}");
        assert_eq!(before, sums(&nc), "{name}: the installation changed");
    }
}

fn rewrite(nc: &Installation, from: &str, to: &str) {
    let text = std::fs::read_to_string(nc.config()).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(nc.config(), text.replace(from, to)).unwrap();
}

#[test]
fn configuration_files_merge_as_nextcloud_merges_them() {
    let nc = Installation::new();
    // A later file overrides config.php (natural order: 2 before 10).
    let data = nc.root().join("data");
    std::fs::rename(&data, nc.root().join("moved")).unwrap();
    std::fs::write(
        nc.root().join("config/10-data.config.php"),
        format!(
            "<?php\n$CONFIG = ['datadirectory' => '{}'];\n",
            nc.root().join("moved").display()
        ),
    )
    .unwrap();
    std::fs::write(
        nc.root().join("config/2-data.config.php"),
        "<?php\n$CONFIG = ['datadirectory' => '/nowhere'];\n",
    )
    .unwrap();
    nc.cmd("bob").args(["challenge", "get"]).run().ok();
    // The installation folder, its config/ folder, or config.php itself.
    Run::new()
        .user("bob")
        .arg("--nextcloud")
        .arg(nc.root().join("config/config.php"))
        .args(["challenge", "get"])
        .run()
        .ok();
}

#[test]
fn commands_this_build_does_not_serve_there_are_refused() {
    let nc = Installation::new();
    let before = nc.sums();
    for args in [
        vec!["backup", "--all", "copy.sqlite"],
        vec!["feature", "list"],
    ] {
        let out = nc
            .cmd("alice")
            .arg("--json")
            .args(&args)
            .env("P", ALICE)
            .run()
            .code(8);
        assert_eq!(out.error_id(), "nextcloud_unsupported", "{args:?}");
    }
    let out = nc
        .cmd("alice")
        .args(["--json", "--db", "x.sqlite", "status"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    assert_eq!(nc.sums(), before);
}

/// Every row of the app's tables and preferences that belongs to someone else than `user`.
fn others(nc: &Installation, user: &str) -> String {
    crate::harness::dump(&nc.db(), |table, row| {
        let owner = row
            .iter()
            .find(|(c, _)| c == "user_id" || c == "userid" || c == "uid")
            .map(|(_, v)| v.clone());
        (table.starts_with("oc_passwords") || table == "oc_preferences" || table == "oc_authtoken")
            && owner.is_some_and(|o| o != format!("'{user}'"))
    })
}

fn text(nc: &Installation, sql: &str) -> String {
    rusqlite::Connection::open(nc.db())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn icrypto_open(value: &str, password: &str) -> String {
    let plain = pwaccount::crypto::icrypto::decrypt(value, password.as_bytes())
        .unwrap_or_else(|e| panic!("does not open: {e:?}"));
    String::from_utf8(plain.to_vec()).unwrap()
}

/// The SSEv2r1 keychain of `user`, opened as the app opens it after a session with
/// `passphrase`: the challenge solved independently here, with the ICrypto primitive.
fn sse_keychain(nc: &Installation, user: &str, passphrase: &str) -> Value {
    let user_key = text(
        nc,
        &format!(
            "SELECT configvalue FROM oc_preferences WHERE userid = '{user}' AND appid = 'passwords' AND configkey = 'SSEv1UserKey'"
        ),
    );
    let id = text(
        nc,
        &format!(
            "SELECT configvalue FROM oc_preferences WHERE userid = '{user}' AND appid = 'passwords' AND configkey = 'user/challenge/id'"
        ),
    );
    let field = |name: &str| {
        icrypto_open(
            &text(
                nc,
                &format!(
                    "SELECT {name} FROM oc_passwords_challenge WHERE uuid = '{id}' AND deleted = 0"
                ),
            ),
            &user_key,
        )
    };
    let client: Value = serde_json::from_str(&field("client_data")).unwrap();
    let server: Value = serde_json::from_str(&field("server_data")).unwrap();
    let salts: Vec<String> = client["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let salts = pwaccount::crypto::pwdv1::Salts::from_hex(&salts, "challenge").unwrap();
    let secret = pwaccount::crypto::pwdv1::derive(passphrase, &salts).unwrap();
    let key = icrypto_open(
        &field("secret"),
        &format!("{}{}", server["salt"].as_str().unwrap(), &*secret.to_hex()),
    );
    let secret_of_instance = "EsxnpvDLF0ywdfwJY2Itbsh5XjMUu4+Yr8IwzvjNrrmbpjVd";
    let data = text(
        nc,
        &format!(
            "SELECT data FROM oc_passwords_keychain WHERE user_id = '{user}' AND type = 'SSEv2r1' AND deleted = 0"
        ),
    );
    serde_json::from_str(&icrypto_open(&data, &format!("{secret_of_instance}{key}"))).unwrap()
}

/// Every password revision of `user`, decrypted as the app's SSEv1r2 does: under
/// server secret ‖ SSEv1ServerKey (unset: empty) ‖ SSEv1UserKey ‖ the revision's sse_key.
fn item_labels_and_passwords(nc: &Installation, user: &str) -> Vec<(String, String)> {
    let user_key = text(
        nc,
        &format!(
            "SELECT configvalue FROM oc_preferences WHERE userid = '{user}' AND appid = 'passwords' AND configkey = 'SSEv1UserKey'"
        ),
    );
    let conn = rusqlite::Connection::open(nc.db()).unwrap();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT label, password, sse_key FROM oc_passwords_password_rv WHERE user_id = '{user}' AND deleted = 0 AND sse_type = 'SSEv1r2' ORDER BY id"
        ))
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.into_iter()
        .map(|(label, password, sse_key)| {
            let key =
                format!("EsxnpvDLF0ywdfwJY2Itbsh5XjMUu4+Yr8IwzvjNrrmbpjVd{user_key}{sse_key}");
            (icrypto_open(&label, &key), icrypto_open(&password, &key))
        })
        .collect()
}

#[test]
fn a_passphrase_change_keeps_every_item_and_key_readable() {
    let nc = Installation::new();
    let others_before = others(&nc, "bob");
    let items_before = item_labels_and_passwords(&nc, "bob");
    assert_eq!(items_before.len(), 4);
    assert!(
        items_before
            .iter()
            .all(|(l, p)| l.starts_with("Site ") && p.starts_with("secret-bob-"))
    );
    let keys_before = sse_keychain(&nc, "bob", BOB);

    let new = "bob's brand new passphrase";
    nc.change("bob", BOB, new).run().ok();
    // The new passphrase opens a session; the old one no longer does.
    nc.verify("bob", new).run().ok();
    nc.verify("bob", BOB).run().code(5);
    // The SSEv2r1 keychain opens with the new session's key: the old keys are all there,
    // and a new one is current.
    let keys_after = sse_keychain(&nc, "bob", new);
    let old_keys = keys_before["keys"].as_object().unwrap();
    let new_keys = keys_after["keys"].as_object().unwrap();
    assert_eq!(new_keys.len(), old_keys.len() + 1);
    for (id, key) in old_keys {
        assert_eq!(&new_keys[id], key);
    }
    let current = keys_after["current"].as_str().unwrap();
    assert!(!old_keys.contains_key(current));
    assert_eq!(new_keys[current].as_str().unwrap().len(), 1024);
    // Every item decrypts as before; nobody else's rows changed.
    assert_eq!(item_labels_and_passwords(&nc, "bob"), items_before);
    crate::harness::assert_same(&others_before, &others(&nc, "bob"), "other users");
    // The old challenge is flagged deleted, as the app flags it.
    let rows: i64 = rusqlite::Connection::open(nc.db())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM oc_passwords_challenge WHERE user_id = 'bob' AND deleted = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn a_first_challenge_for_a_new_user_is_made_as_the_app_makes_it() {
    let nc = Installation::new();
    let others_before = others(&nc, "carol");
    let pass = "carol's first passphrase";
    nc.cmd("carol")
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", pass)
        .run()
        .ok();
    let user_key = text(
        &nc,
        "SELECT configvalue FROM oc_preferences WHERE userid = 'carol' AND configkey = 'SSEv1UserKey'",
    );
    assert_eq!(user_key.len(), 1024);
    let chain = sse_keychain(&nc, "carol", pass);
    assert_eq!(chain["keys"].as_object().unwrap().len(), 1);
    nc.verify("carol", pass).run().ok();
    crate::harness::assert_same(&others_before, &others(&nc, "carol"), "other users");
}

#[test]
fn a_refused_change_leaves_the_installation_as_it_was() {
    let nc = Installation::new();
    let before = nc.sums();
    let set = |old: Option<&str>, new: &str| {
        let mut run = nc
            .cmd("bob")
            .args(["--json", "challenge", "set", "--passphrase-env", "N"])
            .env("N", new);
        if let Some(old) = old {
            run = run.args(["--old-passphrase-env", "O"]).env("O", old);
        }
        run.run()
    };
    assert_eq!(
        set(None, "a new passphrase here").code(5).error_id(),
        "passphrase_required"
    );
    assert_eq!(
        set(Some(ALICE), "a new passphrase here").code(5).error_id(),
        "passphrase_invalid"
    );
    assert_eq!(
        set(Some(BOB), BOB).code(7).error_id(),
        "passphrase_unchanged"
    );
    assert_eq!(
        set(Some(BOB), "short").code(7).error_id(),
        "passphrase_length"
    );
    assert_eq!(nc.sums(), before);
}

/// SIGKILL at random moments during a passphrase change on the app's database: every
/// round leaves either the old passphrase working (nothing changed) or the new one, with
/// the keychain opening — never a half-made change.
#[test]
fn a_killed_change_leaves_the_old_or_the_new_challenge() {
    use rand::Rng;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let new = "bob's passphrase after the kill";
    let run = |nc: &Installation| nc.change("bob", BOB, new);
    let mut full = Duration::MAX;
    for _ in 0..2 {
        let nc = Installation::new();
        let started = Instant::now();
        run(&nc).run().ok();
        full = full.min(started.elapsed());
    }
    let mut rng = rand::thread_rng();
    let (mut old_n, mut new_n) = (0, 0);
    for round in 0..12 {
        let nc = Installation::new();
        let mut child = run(&nc)
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(rng.gen_range(0.0..1.1)));
        let _ = child.kill();
        let _ = child.wait();
        let verify = |pass: &str| nc.verify("bob", pass).run().code;
        let check: String = rusqlite::Connection::open(nc.db())
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        let keys = |pass: &str| {
            sse_keychain(&nc, "bob", pass)["keys"]
                .as_object()
                .unwrap()
                .len()
        };
        match (verify(BOB), verify(new)) {
            (0, 5) => {
                // Nothing committed: the keychain is as before.
                assert_eq!(keys(BOB), 1);
                old_n += 1;
            }
            (5, 0) => {
                assert_eq!(keys(new), 2);
                new_n += 1;
            }
            other => panic!("round {round}: neither before nor after: {other:?}"),
        }
    }
    // Kills landed before the commit and after it (the full runs above show the change
    // itself completes).
    assert!(
        old_n > 0,
        "no kill landed before the commit ({new_n} after)"
    );
}

/// Every row of `user` in the app's tables and the app's preferences.
fn rows_of(nc: &Installation, user: &str) -> String {
    let me = format!("'{user}'");
    crate::harness::dump(&nc.db(), |table, row| {
        let owner = row
            .iter()
            .find(|(c, _)| c == "user_id" || c == "userid")
            .map(|(_, v)| v.clone());
        let passwords_pref = table != "oc_preferences"
            || row.iter().any(|(c, v)| c == "appid" && v == "'passwords'");
        (table.starts_with("oc_passwords_") || table == "oc_preferences")
            && owner.as_deref() == Some(me.as_str())
            && passwords_pref
    })
}

fn count(nc: &Installation, sql: &str) -> i64 {
    rusqlite::Connection::open(nc.db())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn reset_does_what_the_apps_reset_does_and_restore_undoes_it() {
    let nc = Installation::new();
    let others_before = others(&nc, "alice");
    let alice_before = rows_of(&nc, "alice");
    let code = nc.cmd("alice").arg("reset").run().ok().stdout;
    // The pending code is pwaccount's own preference; status shows it.
    let v = nc.cmd("alice").args(["--json", "status"]).run().ok().json();
    assert!(v["reset_pending"]["expires"].is_i64(), "{v}");
    let v = nc
        .cmd("alice")
        .args(["--json", "reset", "--code", code.trim()])
        .run()
        .ok()
        .json();
    assert_eq!(v["status"], "ok");
    let snapshot = PathBuf::from(v["backup"].as_str().unwrap());
    assert!(
        snapshot.starts_with(nc.root().join("home")),
        "{}",
        snapshot.display()
    );

    // As the app leaves it: nothing of alice's is live, rows are flagged, not removed
    // (but her sessions, which the app deletes), the revision without a model stays as it
    // was, and her key and challenge pointer are gone.
    for table in [
        "password",
        "password_rv",
        "folder",
        "folder_rv",
        "tag",
        "tag_rv",
        "pw_tag_rel",
        "challenge",
        "keychain",
    ] {
        // Revisions whose model is not one of alice's passwords (one from a failed
        // create) are not reached by the app's reset, and stay as they were.
        let orphan = if table == "password_rv" {
            " AND model IN (SELECT uuid FROM oc_passwords_password WHERE user_id = 'alice')"
        } else {
            ""
        };
        let live = count(
            &nc,
            &format!(
                "SELECT count(*) FROM oc_passwords_{table} WHERE user_id = 'alice' AND deleted = 0{orphan}"
            ),
        );
        assert_eq!(live, 0, "{table}");
    }
    assert_eq!(
        count(
            &nc,
            "SELECT count(*) FROM oc_passwords_password WHERE user_id = 'alice'"
        ),
        6
    );
    assert_eq!(
        count(
            &nc,
            "SELECT count(*) FROM oc_passwords_session WHERE user_id = 'alice'"
        ),
        0
    );
    assert_eq!(
        count(
            &nc,
            "SELECT count(*) FROM oc_passwords_password_rv WHERE user_id = 'alice' AND deleted = 0"
        ),
        count(
            &Installation::new(),
            "SELECT count(*) FROM oc_passwords_password_rv WHERE user_id = 'alice' AND deleted = 0 AND model NOT IN (SELECT uuid FROM oc_passwords_password WHERE user_id = 'alice')"
        ),
    );
    assert_eq!(
        count(
            &nc,
            "SELECT count(*) FROM oc_preferences WHERE userid = 'alice' AND configkey IN ('SSEv1UserKey', 'user/challenge/id')"
        ),
        0
    );
    nc.cmd("alice").args(["challenge", "get"]).run().code(4);
    crate::harness::assert_same(&others_before, &others(&nc, "alice"), "other users");

    // restore puts every row back as it was.
    nc.cmd("alice")
        .args(["restore", "--yes"])
        .arg(&snapshot)
        .run()
        .ok();
    crate::harness::assert_same(&alice_before, &rows_of(&nc, "alice"), "alice restored");
    crate::harness::assert_same(&others_before, &others(&nc, "alice"), "other users");
    nc.verify("alice", ALICE).run().ok();
}

#[test]
fn backups_of_nextcloud_users_are_checked_before_a_restore() {
    let nc = Installation::new();
    let snap = nc.root().join("bob.sqlite");
    nc.cmd("bob").arg("backup").arg(&snap).run().ok();
    let before = nc.sums();
    // Into another user, over live data, and edited: refused, nothing changed.
    let out = nc
        .cmd("alice")
        .args(["--json", "restore", "--yes"])
        .arg(&snap)
        .run()
        .code(2);
    assert_eq!(out.error_id(), "user_mismatch");
    let out = nc
        .cmd("bob")
        .args(["--json", "restore", "--yes"])
        .arg(&snap)
        .run()
        .code(3);
    assert_eq!(out.error_id(), "account_not_blank");
    rusqlite::Connection::open(&snap)
        .unwrap()
        .execute_batch("UPDATE passwords_password SET revision = 'x' WHERE rowid = 1")
        .unwrap();
    let out = nc
        .cmd("bob")
        .args(["--json", "restore", "--yes", "--replace"])
        .arg(&snap)
        .run()
        .code(8);
    assert_eq!(out.error_id(), "invalid_snapshot");
    // A pwaccount file's snapshot is not one of a Nextcloud user.
    let env = crate::harness::Env::populated(3);
    let own = env.path("own.sqlite");
    env.cmd().arg("backup").arg(&own).run().ok();
    let out = nc
        .cmd("alice")
        .args(["--json", "restore", "--yes", "--replace"])
        .arg(&own)
        .run()
        .code(8);
    assert_eq!(out.error_id(), "invalid_snapshot");
    assert_eq!(nc.sums(), before);
}

#[test]
fn raw_mode_and_a_busy_app_work_as_on_the_pwaccount_file() {
    let nc = Installation::new();
    // Raw mode: the client derived the secret from salts it chose.
    let salts = pwaccount::crypto::pwdv1::Salts::generate().unwrap();
    let secret = pwaccount::crypto::pwdv1::derive("raw mode passphrase", &salts).unwrap();
    nc.cmd("bob")
        .args([
            "challenge",
            "set",
            "--secret-env",
            "S",
            "--old-passphrase-env",
            "O",
        ])
        .args(["--data", &serde_json::to_string(&salts.to_hex()).unwrap()])
        .env("S", secret.to_hex().as_str())
        .env("O", BOB)
        .run()
        .ok();
    nc.verify("bob", "raw mode passphrase").run().ok();
    // The app is writing: pwaccount waits up to the busy timeout, then changes nothing.
    let before = nc.sums();
    let holder = rusqlite::Connection::open(nc.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    for args in [
        vec!["reset", "--no-input"],
        vec![
            "challenge",
            "set",
            "--passphrase-env",
            "N",
            "--old-passphrase-env",
            "P",
        ],
    ] {
        let out = nc
            .cmd("bob")
            .args(["--json", "--busy-timeout", "200"])
            .args(&args)
            .env("P", "raw mode passphrase")
            .env("N", "yet another passphrase")
            .run()
            .code(8);
        assert_eq!(out.error_id(), "database_busy", "{args:?}");
    }
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(nc.sums(), before);
}

/// At a terminal, a reset on a Nextcloud installation shows what it deletes and the code
/// to type back, as on the pwaccount file.
#[test]
fn reset_at_a_terminal_on_nextcloud_needs_the_typed_code() {
    use rexpect::session::spawn_command;
    let nc = Installation::new();
    let before = nc.sums();
    let mut p = spawn_command(nc.cmd("bob").arg("reset").command(), Some(20_000)).unwrap();
    p.exp_string("Resetting account 'bob'").unwrap();
    p.exp_string("This deletes: 4 passwords").unwrap();
    p.exp_string("To confirm, type this code: ").unwrap();
    let (_, code) = p
        .exp_regex("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
        .unwrap();
    p.exp_string("Code").unwrap();
    p.send_line("AAAA-BBBB-CCCC-DDDD").unwrap();
    p.exp_string("does not match; nothing was deleted").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(nc.sums(), before);
    let mut p = spawn_command(nc.cmd("bob").arg("reset").command(), Some(20_000)).unwrap();
    p.exp_string("To confirm, type this code: ").unwrap();
    let (_, code2) = p
        .exp_regex("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
        .unwrap();
    assert_ne!(code, code2);
    p.exp_string("Code").unwrap();
    p.send_line(&code2).unwrap();
    p.exp_string("Reset account 'bob': deleted 4 passwords")
        .unwrap();
    p.exp_eof().unwrap();
    let v = nc.cmd("bob").args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 0);
}

/// SIGKILL at random moments during a reset (snapshot first) on the app's database: the
/// user is either untouched or fully reset, never half.
#[test]
fn a_killed_reset_leaves_the_user_untouched_or_reset() {
    use rand::Rng;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let fresh = || {
        let nc = Installation::new();
        let code = nc
            .cmd("bob")
            .arg("reset")
            .run()
            .ok()
            .stdout
            .trim()
            .to_owned();
        (nc, code)
    };
    let run = |nc: &Installation, code: &str| nc.cmd("bob").args(["reset", "--code", code]);
    let mut full = Duration::MAX;
    let mut after = String::new();
    for _ in 0..2 {
        let (nc, code) = fresh();
        let started = Instant::now();
        run(&nc, &code).run().ok();
        full = full.min(started.elapsed());
        after = rows_of(&nc, "bob");
    }
    let strip = |dump: &str| -> String {
        // `updated` is the time of the reset; compare everything else.
        dump.lines()
            .map(|l| {
                l.split("), (")
                    .filter(|part| !part.starts_with("\"updated\""))
                    .collect::<Vec<_>>()
                    .join("), (")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut rng = rand::thread_rng();
    let (mut before_n, mut after_n) = (0, 0);
    for round in 0..12 {
        let (nc, code) = fresh();
        let before = rows_of(&nc, "bob");
        let mut child = run(&nc, &code)
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(rng.gen_range(0.0..1.1)));
        let _ = child.kill();
        let _ = child.wait();
        let now = rows_of(&nc, "bob");
        if now == before {
            before_n += 1;
        } else {
            assert_eq!(
                strip(&now),
                strip(&after),
                "round {round}: neither before nor after"
            );
            after_n += 1;
        }
    }
    assert!(
        before_n > 0,
        "no kill landed before the commit ({after_n} after)"
    );
}
