//! A Nextcloud installation written by the real Passwords app (`tests/data/nextcloud/`,
//! Nextcloud 34.0.1 on SQLite, PostgreSQL and MariaDB): the flows this build
//! serves there give what the app gives, on every engine, and every installation it cannot
//! serve is refused with nothing touched. The tests that take an `Engine` run once per
//! engine (`engine_tests!` at the end), the server ones against the private test servers.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;
use crate::harness::{Landed, Run, checksum};

const ALICE: &str = "correct horse battery staple";
const BOB: &str = "bob-passphrase-0123456789";

/// The app's `challenge/get` answer for `user`: on SQLite, what the app's PHP returned
/// for the fixture; on the servers, the challenge decrypted here with the ICrypto
/// primitive, as the app's getChallengeData does.
fn app_challenge(nc: &Installation, user: &str) -> Value {
    if nc.engine == Engine::Sqlite {
        let text = include_str!("data/nextcloud-fixture-challenges.json");
        return serde_json::from_str::<Value>(text).unwrap()["challenges"][user].clone();
    }
    let (kind, client) = challenge_fields(nc, user, "client_data");
    let client: Value = serde_json::from_str(&client).unwrap();
    serde_json::json!({"salts": client["salts"], "type": kind})
}

/// The type and one field (opened with the user's key) of `user`'s current challenge.
fn challenge_fields(nc: &Installation, user: &str, field: &str) -> (String, String) {
    let user_key = nc.text(&format!(
        "SELECT configvalue FROM oc_preferences WHERE userid = '{user}' AND appid = 'passwords' AND configkey = 'SSEv1UserKey'"
    ));
    let id = nc.text(&format!(
        "SELECT configvalue FROM oc_preferences WHERE userid = '{user}' AND appid = 'passwords' AND configkey = 'user/challenge/id'"
    ));
    let row = nc.rows(&format!(
        "SELECT type, {field} FROM oc_passwords_challenge WHERE uuid = '{id}' AND deleted = FALSE"
    ));
    (row[0][0].clone(), icrypto_open(&row[0][1], &user_key))
}

fn challenge_get_returns_what_the_app_returns(engine: Engine) {
    let nc = Installation::on(engine);
    let before = nc.sums();
    for user in ["alice", "bob"] {
        let out = nc.cmd(user).args(["--json", "challenge", "get"]).run().ok();
        assert_eq!(out.json(), app_challenge(&nc, user), "{user}");
    }
    let out = nc
        .cmd("admin")
        .args(["--json", "challenge", "get"])
        .run()
        .code(4);
    assert_eq!(out.error_id(), "challenge_not_found");
    assert_eq!(nc.sums(), before, "reading changed the installation");
}

fn verify_accepts_the_users_passphrases_and_refuses_others(engine: Engine) {
    let nc = Installation::on(engine);
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
    let salts: Vec<String> = app_challenge(&nc, "bob")["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let salts = pwaccount::formats::pwdv1::Salts::from_hex(&salts, "fixture").unwrap();
    let secret = pwaccount::formats::pwdv1::derive(BOB, &salts).unwrap();
    nc.cmd("bob")
        .args(["challenge", "verify", "--secret-env", "S"])
        .env("S", secret.to_hex().as_str())
        .run()
        .ok();
    assert_eq!(nc.sums(), before, "verifying changed the installation");
}

fn status_counts_what_the_app_holds_for_the_user(engine: Engine) {
    let nc = Installation::on(engine);
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
    nc.add_user("nobody");
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
            "Oracle",
            |nc| rewrite(nc, "'dbtype' => 'sqlite3'", "'dbtype' => 'oci'"),
            8,
            "nextcloud_unsupported",
            "'oci'",
        ),
        (
            "not installed",
            |nc| rewrite(nc, "'installed' => true", "'installed' => false"),
            8,
            "nextcloud_unsupported",
            "not installed",
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
    nc.extra_config(
        "10-data.config.php",
        format!(
            "<?php\n$CONFIG = ['datadirectory' => '{}'];\n",
            nc.root().join("moved").display()
        ),
    );
    nc.extra_config(
        "2-data.config.php",
        "<?php\n$CONFIG = ['datadirectory' => '/nowhere'];\n",
    );
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

fn commands_this_build_does_not_serve_there_are_refused(engine: Engine) {
    let nc = Installation::on(engine);
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
/// The rows of the app's tables (and Nextcloud's preferences and tokens) that belong to
/// users other than `user`. pwaccount's own audit table is not the app's.
fn others(nc: &Installation, user: &str) -> String {
    nc.dump_tables(
        |table| !table.ends_with("pwaccount_audit"),
        |table, row| {
            let owner = row
                .iter()
                .find(|(c, _)| c == "user_id" || c == "userid" || c == "uid")
                .map(|(_, v)| v.clone());
            (table.starts_with("oc_passwords")
                || table == "oc_preferences"
                || table == "oc_authtoken")
                && owner.is_some_and(|o| o != format!("'{user}'"))
        },
    )
}

fn text(nc: &Installation, sql: &str) -> String {
    nc.text(sql)
}

fn icrypto_open(value: &str, password: &str) -> String {
    let plain = pwaccount::formats::icrypto::decrypt(value, password.as_bytes())
        .unwrap_or_else(|e| panic!("does not open: {e:?}"));
    String::from_utf8(plain.to_vec()).unwrap()
}

/// The SSEv2r1 keychain of `user`, opened as the app opens it after a session with
/// `passphrase`: the challenge solved independently here, with the ICrypto primitive.
fn sse_keychain(nc: &Installation, user: &str, passphrase: &str) -> Value {
    let field = |name: &str| challenge_fields(nc, user, name).1;
    let client: Value = serde_json::from_str(&field("client_data")).unwrap();
    let server: Value = serde_json::from_str(&field("server_data")).unwrap();
    let salts: Vec<String> = client["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let salts = pwaccount::formats::pwdv1::Salts::from_hex(&salts, "challenge").unwrap();
    let secret = pwaccount::formats::pwdv1::derive(passphrase, &salts).unwrap();
    let key = icrypto_open(
        &field("secret"),
        &format!("{}{}", server["salt"].as_str().unwrap(), &*secret.to_hex()),
    );
    let secret_of_instance = nc.secret();
    let data = text(
        nc,
        &format!(
            "SELECT data FROM oc_passwords_keychain WHERE user_id = '{user}' AND type = 'SSEv2r1' AND deleted = FALSE"
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
    let rows = nc.rows(&format!(
        "SELECT label, password, sse_key FROM oc_passwords_password_rv WHERE user_id = '{user}' AND deleted = FALSE AND sse_type = 'SSEv1r2' ORDER BY id"
    ));
    let secret = nc.secret();
    rows.into_iter()
        .map(|row| {
            let key = format!("{secret}{user_key}{}", row[2]);
            (icrypto_open(&row[0], &key), icrypto_open(&row[1], &key))
        })
        .collect()
}

/// The client-side-encryption feature is read as in the pwaccount file (one challenge
/// flow): off in pwaccount's own app config, `challenge set` is refused and changes
/// nothing; reading still works.
fn the_feature_setting_is_honoured_there_too(engine: Engine) {
    let nc = Installation::on(engine);
    nc.exec("INSERT INTO oc_appconfig (appid, configkey, configvalue) VALUES ('pwaccount', 'feature.client-side-encryption', '0')");
    let before = nc.sums();
    let out = nc
        .cmd("bob")
        .args(["--json", "challenge", "set", "--old-passphrase-env", "O"])
        .args(["--passphrase-env", "N"])
        .env("O", BOB)
        .env("N", "bob's next passphrase")
        .run()
        .code(6);
    assert_eq!(out.error_id(), "feature_disabled", "{}", out.stdout);
    assert_eq!(nc.sums(), before);
    nc.verify("bob", BOB).run().ok();
}

/// The reset-code lifetime follows pwaccount's own setting there, as in the pwaccount
/// file (one reset flow): an app config value of appid `pwaccount`; nonsense is refused.
fn the_code_lifetime_comes_from_pwaccounts_app_config(engine: Engine) {
    let nc = Installation::on(engine);
    nc.exec("INSERT INTO oc_appconfig (appid, configkey, configvalue) VALUES ('pwaccount', 'reset.code_ttl_seconds', '60')");
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let v = nc.cmd("bob").args(["--json", "reset"]).run().ok().json();
    let ttl = v["expires"].as_i64().unwrap() - before;
    assert!((59..=61).contains(&ttl), "{v}");
    nc.exec("UPDATE oc_appconfig SET configvalue = 'soon' WHERE appid = 'pwaccount'");
    let out = nc.cmd("bob").args(["--json", "reset"]).run().code(8);
    assert_eq!(out.error_id(), "invalid_setting", "{}", out.stdout);
}

fn a_passphrase_change_keeps_every_item_and_key_readable(engine: Engine) {
    let nc = Installation::on(engine);
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
    let rows = nc.count(
        "SELECT count(*) FROM oc_passwords_challenge WHERE user_id = 'bob' AND deleted = TRUE",
    );
    assert_eq!(rows, 1);
}

fn a_first_challenge_for_a_new_user_is_made_as_the_app_makes_it(engine: Engine) {
    let nc = Installation::on(engine);
    nc.add_user("carol");
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

fn a_refused_change_leaves_the_installation_as_it_was(engine: Engine) {
    let nc = Installation::on(engine);
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
    // The same wrong passphrase for both: wrong first, not unchanged.
    assert_eq!(
        set(Some(ALICE), ALICE).code(5).error_id(),
        "passphrase_invalid"
    );
    assert_eq!(
        set(Some(BOB), "short").code(7).error_id(),
        "passphrase_length"
    );
    assert_eq!(nc.sums(), before);
}

/// SIGKILL at random moments during a passphrase change on the app's database: every
/// round leaves either the old passphrase working (nothing changed, nothing recorded) or
/// the new one, with the keychain opening and the change recorded — never a half-made
/// change.
fn a_killed_change_leaves_the_old_or_the_new_challenge(engine: Engine) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let new = "bob's passphrase after the kill";
    let run = |nc: &Installation| nc.change("bob", BOB, new);
    let mut full = Duration::MAX;
    for _ in 0..2 {
        let nc = Installation::on(engine);
        let started = Instant::now();
        run(&nc).run().ok();
        full = full.min(started.elapsed());
    }
    let start = || {
        let nc = Installation::on(engine);
        let child = run(&nc)
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        (nc, child)
    };
    crate::harness::kill_rounds(KILL_ROUNDS, full, start, |round, nc| {
        let verify = |pass: &str| nc.verify("bob", pass).run().code;
        if engine == Engine::Sqlite {
            let check = nc.text("PRAGMA integrity_check");
            assert_eq!(check, "ok", "round {round}");
        }
        let keys = |pass: &str| {
            sse_keychain(nc, "bob", pass)["keys"]
                .as_object()
                .unwrap()
                .len()
        };
        match (verify(BOB), verify(new)) {
            (0, 5) => {
                // Nothing committed: the keychain is as before, and no record.
                assert_eq!(keys(BOB), 1);
                assert_eq!(nc.trail(), Vec::<String>::new(), "round {round}");
                Landed::Before
            }
            (5, 0) => {
                assert_eq!(keys(new), 2);
                assert_eq!(nc.trail(), ["bob challenge-set changed"], "round {round}");
                Landed::After
            }
            other => panic!("round {round}: neither before nor after: {other:?}"),
        }
    });
}

/// Every row of `user` in the app's tables and the app's preferences.
fn rows_of(nc: &Installation, user: &str) -> String {
    let me = format!("'{user}'");
    nc.dump_tables(
        |table| !table.ends_with("pwaccount_audit"),
        |table, row| {
            let owner = row
                .iter()
                .find(|(c, _)| c == "user_id" || c == "userid")
                .map(|(_, v)| v.clone());
            let passwords_pref = table != "oc_preferences"
                || row.iter().any(|(c, v)| c == "appid" && v == "'passwords'");
            (table.starts_with("oc_passwords_") || table == "oc_preferences")
                && owner.as_deref() == Some(me.as_str())
                && passwords_pref
        },
    )
}

/// `rows_of` as a restore of `user` puts them back: without the user's sessions, which a
/// restore closes.
fn restored_rows_of(nc: &Installation, user: &str) -> String {
    restored_rows_of_text(&rows_of(nc, user))
}

/// A `rows_of` dump without its session rows.
fn restored_rows_of_text(dump: &str) -> String {
    dump.lines()
        .filter(|l| !l.starts_with("oc_passwords_session"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn count(nc: &Installation, sql: &str) -> i64 {
    nc.count(sql)
}

fn reset_does_what_the_apps_reset_does_and_restore_undoes_it(engine: Engine) {
    let nc = Installation::on(engine);
    let others_before = others(&nc, "alice");
    let alice_before = rows_of(&nc, "alice");
    let passwords_before = count(
        &nc,
        "SELECT count(*) FROM oc_passwords_password WHERE user_id = 'alice'",
    );
    let orphans = count(
        &nc,
        "SELECT count(*) FROM oc_passwords_password_rv WHERE user_id = 'alice' AND deleted = FALSE AND model NOT IN (SELECT uuid FROM oc_passwords_password WHERE user_id = 'alice')",
    );
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
    // The snapshot is in the data directory, beside the app's own backups, in a folder
    // only the installation's owner may enter.
    let snapshot = PathBuf::from(v["backup"].as_str().unwrap());
    let folder = nc.root().join("data/appdata_").display().to_string();
    assert!(
        snapshot.starts_with(nc.root().join("data"))
            && snapshot.display().to_string().starts_with(&folder)
            && snapshot.parent().unwrap().ends_with("pwaccount/backups"),
        "{}",
        snapshot.display()
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(snapshot.parent().unwrap())
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o700);

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
                "SELECT count(*) FROM oc_passwords_{table} WHERE user_id = 'alice' AND deleted = FALSE{orphan}"
            ),
        );
        assert_eq!(live, 0, "{table}");
    }
    assert_eq!(
        count(
            &nc,
            "SELECT count(*) FROM oc_passwords_password WHERE user_id = 'alice'"
        ),
        passwords_before,
        "rows are flagged, not removed"
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
            "SELECT count(*) FROM oc_passwords_password_rv WHERE user_id = 'alice' AND deleted = FALSE"
        ),
        orphans,
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
    crate::harness::assert_same(
        &restored_rows_of_text(&alice_before),
        &restored_rows_of(&nc, "alice"),
        "alice restored",
    );
    assert_eq!(
        count(
            &nc,
            "SELECT count(*) FROM oc_passwords_session WHERE user_id = 'alice'"
        ),
        0,
        "a restore closes the sessions"
    );
    crate::harness::assert_same(&others_before, &others(&nc, "alice"), "other users");
    nc.verify("alice", ALICE).run().ok();
}

fn backups_of_nextcloud_users_are_checked_before_a_restore(engine: Engine) {
    let nc = Installation::on(engine);
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

fn raw_mode_and_a_busy_app_work_as_on_the_pwaccount_file(engine: Engine) {
    let nc = Installation::on(engine);
    // Raw mode: the client derived the secret from salts it chose.
    let salts = pwaccount::formats::pwdv1::Salts::generate().unwrap();
    let secret = pwaccount::formats::pwdv1::derive("raw mode passphrase", &salts).unwrap();
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
    let code = nc.cmd("bob").arg("reset").run().ok().stdout;
    let before = nc.sums();
    let holder = Holder::lock_bob(&nc);
    for args in [
        vec!["reset", "--code", code.trim()],
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
    drop(holder);
    assert_eq!(nc.sums(), before);
}

/// Another program's open write transaction, as the live app holds one: on SQLite the
/// write lock, on a server row locks on bob's challenge, passwords and preferences.
/// Dropping it rolls back.
enum Holder {
    Sqlite(rusqlite::Connection),
    Pgsql(postgres::Client),
    Mysql(mysql::Conn),
}

impl Holder {
    fn lock_bob(nc: &Installation) -> Holder {
        let locks = "SELECT id FROM oc_passwords_challenge WHERE user_id = 'bob' FOR UPDATE;
            SELECT id FROM oc_passwords_password WHERE user_id = 'bob' FOR UPDATE;
            SELECT configkey FROM oc_preferences WHERE userid = 'bob' FOR UPDATE;";
        match &nc.server {
            None => {
                let conn = rusqlite::Connection::open(nc.db()).unwrap();
                conn.execute_batch("BEGIN IMMEDIATE").unwrap();
                Holder::Sqlite(conn)
            }
            Some(server) if nc.engine == Engine::Pgsql => {
                let mut client = server.pg(&server.name);
                client.batch_execute(&format!("BEGIN; {locks}")).unwrap();
                Holder::Pgsql(client)
            }
            Some(server) => {
                use mysql::prelude::Queryable;
                let mut conn = server.my(Some(&server.name));
                conn.query_drop("START TRANSACTION").unwrap();
                for lock in locks.split(';').filter(|l| !l.trim().is_empty()) {
                    let _: Vec<mysql::Row> = conn.query(lock).unwrap();
                }
                Holder::Mysql(conn)
            }
        }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        match self {
            Holder::Sqlite(c) => c.execute_batch("ROLLBACK").unwrap(),
            Holder::Pgsql(c) => c.batch_execute("ROLLBACK").unwrap(),
            Holder::Mysql(c) => {
                use mysql::prelude::Queryable;
                c.query_drop("ROLLBACK").unwrap()
            }
        }
    }
}

/// At a terminal, a reset on a Nextcloud installation shows what it deletes and the code
/// to type back, as on the pwaccount file.
fn reset_at_a_terminal_on_nextcloud_needs_the_typed_code(engine: Engine) {
    use rexpect::session::spawn_command;
    let nc = Installation::on(engine);
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
/// user is either untouched or fully reset, never half, and the audit trail agrees.
fn a_killed_reset_leaves_the_user_untouched_or_reset(engine: Engine) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let fresh = || {
        let nc = Installation::on(engine);
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
    let start = || {
        let (nc, code) = fresh();
        let before = rows_of(&nc, "bob");
        let child = run(&nc, &code)
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        ((nc, before), child)
    };
    crate::harness::kill_rounds(KILL_ROUNDS, full, start, |round, (nc, before)| {
        let now = rows_of(nc, "bob");
        let issued = "bob reset-code issued";
        if now == *before {
            assert_eq!(nc.trail(), [issued], "round {round}");
            Landed::Before
        } else {
            assert_eq!(
                strip(&now),
                strip(&after),
                "round {round}: neither before nor after"
            );
            assert_eq!(nc.trail(), [issued, "bob reset deleted"], "round {round}");
            Landed::After
        }
    });
}

/// The configuration with `from` replaced by `to` (which must be there).
fn config_with(nc: &Installation, original: &str, from: &str, to: &str) {
    assert!(original.contains(from), "{from}");
    std::fs::write(nc.config(), original.replace(from, to)).unwrap();
}

/// The `'key' => 'value'` line of the configuration.
fn config_line(original: &str, key: &str) -> String {
    original
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("'{key}' =>")))
        .unwrap()
        .trim()
        .to_owned()
}

/// A server that cannot be reached, refuses the login, lacks the database, a table or
/// the prefix: exit 8, the message names host, database and user and never the password,
/// and nothing is changed. A loopback TCP host works as the socket does.
fn server_problems_are_named_without_the_password(engine: Engine) {
    let nc = Installation::on(engine);
    let original = std::fs::read_to_string(nc.config()).unwrap();
    let password = config_line(&original, "dbpassword")
        .split('\'')
        .nth(3)
        .unwrap()
        .to_owned();
    let server = nc.server.as_ref().unwrap();
    let before = nc.sums();
    let host_line = config_line(&original, "dbhost");
    config_with(
        &nc,
        &original,
        &host_line,
        &format!("'dbhost' => '{}',", server.dbhost(true)),
    );
    let v = nc.cmd("bob").args(["--json", "status"]).run().ok().json();
    assert_eq!(v["counts"]["passwords"], 4, "over TCP");
    let db_line = config_line(&original, "dbname");
    let cases = [
        (
            host_line.clone(),
            "'dbhost' => '127.0.0.1:1',".to_owned(),
            "server_unreachable",
            "127.0.0.1:1",
        ),
        (
            config_line(&original, "dbpassword"),
            "'dbpassword' => 'not-the-password',".to_owned(),
            "server_login_failed",
            "as user 'nextcloud'",
        ),
        (
            config_line(&original, "dbuser"),
            "'dbuser' => 'nobody_here',".to_owned(),
            "server_login_failed",
            "as user 'nobody_here'",
        ),
        (
            db_line.clone(),
            "'dbname' => 'no_such_database',".to_owned(),
            "server_login_failed",
            "database 'no_such_database'",
        ),
        (
            config_line(&original, "dbtableprefix"),
            "'dbtableprefix' => 'nc_',".to_owned(),
            "nextcloud_config",
            "nc_appconfig",
        ),
    ];
    for (from, to, id, fragment) in cases {
        config_with(&nc, &original, &from, &to);
        let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
        assert_eq!(out.error_id(), id, "{to}: {}", out.stdout);
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(fragment), "{to}: {message}");
        if id != "nextcloud_config" {
            assert!(
                message.contains(&server.name) || to.contains("dbname"),
                "{message}"
            );
        }
        assert!(
            !out.stdout.contains(&password) && !out.stderr.contains(&password),
            "{to}: the password was printed"
        );
    }
    std::fs::write(nc.config(), &original).unwrap();
    assert_eq!(nc.sums(), before);
    nc.exec("DROP TABLE oc_passwords_keychain");
    let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
    assert_eq!(out.error_id(), "nextcloud_unsupported");
    assert!(
        out.stdout.contains("oc_passwords_keychain is missing"),
        "{}",
        out.stdout
    );
}

/// The configuration with `entries` (PHP array entries) added at the end of `$CONFIG`.
fn config_plus(nc: &Installation, original: &str, entries: &str) {
    let end = original.rfind(");").unwrap();
    std::fs::write(
        nc.config(),
        format!("{}{entries}\n{}", &original[..end], &original[end..]),
    )
    .unwrap();
}

/// TLS as the configuration asks for it: the user `nextcloud_tls` may only log in over
/// TLS, so a working command proves the connection was encrypted. A certificate from
/// another CA is refused; a name check fails on 127.0.0.1 (the certificate names
/// localhost only) and passes on localhost; a check of the chain alone passes on both.
fn tls_settings_are_honoured(engine: Engine) {
    let nc = Installation::on(engine);
    let tls = PathBuf::from(std::env::var("PWACCOUNT_TEST_TLS").unwrap());
    let ca = tls.join("ca.pem").display().to_string();
    let other = tls.join("other-ca.pem").display().to_string();
    let server = nc.server.as_ref().unwrap();
    let original = std::fs::read_to_string(nc.config()).unwrap();
    let port = server.env.port;
    let base = original
        .replace(
            &config_line(&original, "dbuser"),
            "'dbuser' => 'nextcloud_tls',",
        )
        .replace(
            &config_line(&original, "dbhost"),
            &format!("'dbhost' => 'localhost:{port}',"),
        );
    let on_ip = base.replace(
        &format!("'dbhost' => 'localhost:{port}',"),
        &format!("'dbhost' => '127.0.0.1:{port}',"),
    );
    let settings = |mode: &str, root: &str| match engine {
        Engine::Pgsql => {
            format!("'pgsql_ssl' => array('mode' => '{mode}', 'rootcert' => '{root}'),")
        }
        _ => {
            let verify = if mode == "require" { "false" } else { "true" };
            format!(
                "'dbdriveroptions' => array(PDO::MYSQL_ATTR_SSL_CA => '{root}', \
                 PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => {verify}),"
            )
        }
    };
    let status = || nc.cmd("bob").args(["--json", "status"]).run();
    // Checked chain and name.
    config_plus(&nc, &base, &settings("verify-full", &ca));
    assert_eq!(status().ok().json()["counts"]["passwords"], 4);
    // Without TLS, nextcloud_tls is turned away.
    std::fs::write(nc.config(), &base).unwrap();
    if engine == Engine::Pgsql {
        config_plus(&nc, &base, "'pgsql_ssl' => array('mode' => 'disable'),");
    }
    assert_eq!(status().code(8).error_id(), "server_login_failed");
    // Another CA's certificate is refused.
    config_plus(&nc, &base, &settings("verify-full", &other));
    let out = status().code(8);
    assert_eq!(out.error_id(), "server_unreachable", "{}", out.stdout);
    assert!(
        out.stdout.to_lowercase().contains("certificate"),
        "{}",
        out.stdout
    );
    // Unchecked TLS works with any certificate.
    config_plus(
        &nc,
        &base,
        &settings("require", &other)
            .replace(&other, if engine == Engine::Pgsql { "" } else { &other }),
    );
    status().ok();
    if engine == Engine::Pgsql {
        // The name: 127.0.0.1 is not in the certificate.
        config_plus(&nc, &on_ip, &settings("verify-full", &ca));
        let out = status().code(8);
        assert_eq!(out.error_id(), "server_unreachable", "{}", out.stdout);
        config_plus(&nc, &on_ip, &settings("verify-ca", &ca));
        status().ok();
        // Nextcloud 28-30 never read pgsql_ssl (libpq's default, prefer): nor does
        // pwaccount there, so another CA's certificate named in it does not matter.
        let on_30 = base.replace(&config_line(&base, "version"), "'version' => '30.0.1.2',");
        config_plus(&nc, &on_30, &settings("verify-full", &other));
        status().ok();
        let on_31 = base.replace(&config_line(&base, "version"), "'version' => '31.0.11.2',");
        config_plus(&nc, &on_31, &settings("verify-full", &other));
        assert_eq!(status().code(8).error_id(), "server_unreachable");
    }
}

/// pwaccount's connection is cut by the server while it waits for the app's row lock:
/// exit 8 (`connection_lost`), and the server rolled everything back.
pub(crate) fn lost_connection(
    engine: Engine,
) -> (Installation, Vec<String>, crate::harness::Outcome) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let nc = Installation::on(engine);
    let before = nc.sums();
    let holder = Holder::lock_bob(&nc);
    let child = nc
        .cmd("bob")
        .args(["--json", "--busy-timeout", "60000", "challenge", "set"])
        .args(["--old-passphrase-env", "O", "--passphrase-env", "N"])
        .env("O", BOB)
        .env("N", "a passphrase that never lands")
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waiting = match engine {
        Engine::Pgsql => {
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'pwaccount' AND wait_event_type = 'Lock'"
        }
        _ => {
            "SELECT id FROM information_schema.processlist WHERE user = 'nextcloud'
             AND command = 'Execute' AND time >= 1"
        }
    };
    let server = nc.server.as_ref().unwrap();
    let started = Instant::now();
    let id = loop {
        if let Some(row) = server.rows(waiting).into_iter().next() {
            break row[0].1.clone().unwrap();
        }
        if started.elapsed() > Duration::from_secs(30) {
            let mut child = child;
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "pwaccount never waited for the lock: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    match engine {
        Engine::Pgsql => server.exec(&format!("SELECT pg_terminate_backend({id})")),
        _ => server.exec(&format!("KILL {id}")),
    }
    let out = crate::harness::Outcome::from(child.wait_with_output().unwrap());
    drop(holder);
    (nc, before, out)
}

fn a_lost_connection_changes_nothing(engine: Engine) {
    let (nc, before, out) = lost_connection(engine);
    assert_eq!(out.code, 8, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.error_id(), "connection_lost", "{}", out.stdout);
    assert_eq!(nc.sums(), before);
    nc.verify("bob", BOB).run().ok();
}

/// `accounts` on an installation: the app's users in byte order, as `status` counts them.
fn accounts_lists_the_apps_users(engine: Engine) {
    let nc = Installation::on(engine);
    let before = nc.sums();
    let v = nc.cmd("bob").args(["--json", "accounts"]).run().ok().json();
    let users: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["user"].as_str().unwrap())
        .collect();
    assert!(users.contains(&"alice") && users.contains(&"bob"), "{v}");
    let mut sorted = users.clone();
    sorted.sort();
    assert_eq!(users, sorted);
    for account in v["accounts"].as_array().unwrap() {
        let user = account["user"].as_str().unwrap();
        let status = nc.cmd(user).args(["--json", "status"]).run().ok().json();
        assert_eq!(account["counts"], status["counts"], "{user}");
        assert_eq!(account["challenge"], status["challenge"], "{user}");
    }
    let with = nc
        .cmd("bob")
        .args(["--json", "accounts", "--with-challenge"])
        .run()
        .ok()
        .json();
    assert_eq!(with["listed"], 2, "{with}");
    assert_eq!(nc.sums(), before);
}

/// `check` on an installation: the app's fixture is sound on every engine; a password
/// whose revision is gone is found, named with its repair, and left as it is.
fn check_finds_damage_in_the_apps_tables(engine: Engine) {
    let nc = Installation::on(engine);
    let v = nc
        .cmd("bob")
        .args(["--json", "check", "--all"])
        .run()
        .ok()
        .json();
    assert_eq!(v["status"], "ok", "{v}");
    let revision = nc.text(
        "SELECT revision FROM oc_passwords_password WHERE user_id = 'bob' AND deleted = FALSE ORDER BY id",
    );
    nc.exec(&format!(
        "DELETE FROM oc_passwords_password_rv WHERE uuid = '{revision}'"
    ));
    let before = nc.sums();
    let v = nc
        .cmd("bob")
        .args(["--json", "check", "--all"])
        .run()
        .code(8)
        .json();
    assert_eq!(v["id"], "check_failed");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["account"], "bob");
    assert!(
        findings[0]["problem"]
            .as_str()
            .unwrap()
            .contains("1 passwords whose current revision is missing")
    );
    assert_eq!(nc.sums(), before);
}

/// A damaged account does not stop `accounts` (it lists what the account holds); `check`
/// names it with its repair.
#[test]
fn a_damaged_user_is_listed_and_found_by_check() {
    let nc = Installation::new();
    nc.exec(
        "UPDATE oc_preferences SET configvalue = 'wrong' WHERE userid = 'alice' AND configkey = 'SSEv1UserKey'",
    );
    let v = nc.cmd("bob").args(["--json", "accounts"]).run().ok().json();
    let users: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["user"].as_str().unwrap())
        .collect();
    assert!(users.contains(&"alice") && users.contains(&"bob"), "{v}");
    let v = nc
        .cmd("bob")
        .args(["--json", "check", "--all"])
        .run()
        .code(8)
        .json();
    let findings = v["findings"].as_array().unwrap();
    // The challenge, and (issue 32) the items: both are under the broken key.
    assert_eq!(findings.len(), 2, "{v}");
    assert_eq!(findings[0]["account"], "alice");
    assert_eq!(findings[1]["account"], "alice");
    assert_eq!(
        findings[1]["problem"],
        "its key SSEv1UserKey is missing or shorter than 1024 characters, so none of its \
         server-encrypted items open; the app would make a new key on the next request"
    );
    // A challenge that cannot be opened: a snapshot first, a reset only as the last
    // resort, saying that it deletes (issue 27).
    assert_eq!(
        findings[0]["repair"],
        "restore the account from a snapshot taken before the damage (pwaccount -u alice \
         restore SNAPSHOT --replace); without one, `pwaccount -u alice reset` starts it \
         afresh and deletes its data"
    );
    assert!(
        findings[0]["problem"]
            .as_str()
            .unwrap()
            .contains("server-side key"),
        "{v}"
    );
}

/// pwaccount acts only on a user Nextcloud has, compared byte for byte on every engine
/// (MariaDB compares `alice ` equal to `alice`): a case variant, spaces around, a
/// made-up id and root are refused with exit 4 and nothing changed, for reading and
/// for changing; a case variant names the user that exists. Users of other backends
/// count as they appear in `oc_accounts` or `oc_preferences`.
fn only_users_nextcloud_has_are_served(engine: Engine) {
    let nc = Installation::on(engine);
    let before = nc.sums();
    for user in [
        "alice ",
        " alice",
        "Alice",
        "ALICE",
        "nosuchuser",
        "root",
        "alice\u{a0}",
    ] {
        for args in [
            &["--json", "status"][..],
            &["--json", "challenge", "get"],
            &["--json", "reset", "--no-input"],
            &["--json", "backup"],
        ] {
            let out = nc.cmd(user).args(args).run().code(4);
            assert_eq!(
                out.error_id(),
                "no_such_user",
                "{user:?} {args:?}: {}",
                out.stdout
            );
            let message = out.json()["message"].as_str().unwrap().to_owned();
            if user.eq_ignore_ascii_case("alice") {
                assert!(message.contains("(there is 'alice')"), "{message}");
            } else {
                assert!(!message.contains("there is"), "{message}");
            }
        }
        let out = nc
            .cmd(user)
            .args(["--json", "challenge", "set", "--passphrase-env", "P"])
            .env("P", "a passphrase for nobody at all")
            .run()
            .code(4);
        assert_eq!(out.error_id(), "no_such_user", "{user:?}");
    }
    assert_eq!(nc.sums(), before, "a refused user changed the installation");

    // A user of another backend, known to Nextcloud by its account data or preferences.
    nc.exec("INSERT INTO oc_accounts (uid, data) VALUES ('ldap-user', '{}')");
    nc.exec(
        "INSERT INTO oc_preferences (userid, appid, configkey, configvalue) \
         VALUES ('saml-user', 'core', 'lang', 'en')",
    );
    for user in ["ldap-user", "saml-user"] {
        nc.cmd(user)
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", "a passphrase of another backend")
            .run()
            .ok();
        nc.verify(user, "a passphrase of another backend")
            .run()
            .ok();
    }
}

/// What `status` says a reset would delete, what the reset says it deleted and what it
/// changed are the same numbers: alice's revision that no password points to is neither
/// counted nor changed, and a second reset deletes nothing and says so.
fn counts_are_what_the_reset_changes(engine: Engine) {
    let nc = Installation::on(engine);
    let v = nc.cmd("alice").args(["--json", "status"]).run().ok().json();
    let would = v["would_delete"].clone();
    let live = |table: &str| {
        count(
            &nc,
            &format!(
                "SELECT count(*) FROM oc_passwords_{table} WHERE user_id = 'alice' AND deleted = FALSE"
            ),
        )
    };
    let reset = || {
        let code = nc.cmd("alice").arg("reset").run().ok().stdout;
        nc.cmd("alice")
            .args(["--json", "reset", "--no-backup", "--code", code.trim()])
            .run()
            .ok()
            .json()
    };
    let revisions_before = live("password_rv");
    let done = reset();
    for key in [
        "passwords",
        "password_revisions",
        "folders",
        "tags",
        "keychains",
        "sessions",
        "shares",
    ] {
        assert_eq!(done["deleted"][key], would[key], "{key}: {done} / {would}");
    }
    let flagged = revisions_before - live("password_rv");
    assert_eq!(done["deleted"]["password_revisions"], flagged, "{done}");
    assert_eq!(
        would["password_revisions"].as_i64().unwrap(),
        flagged,
        "status counted a revision the reset does not change"
    );

    // Nothing is left to delete: the preview says 0, and a second reset issues no code.
    let v = nc.cmd("alice").args(["--json", "status"]).run().ok().json();
    assert_eq!(v["would_delete"]["password_revisions"], 0, "{v}");
    let again = nc.cmd("alice").args(["--json", "reset"]).run().code(4);
    assert_eq!(again.error_id(), "nothing_to_reset");
}

/// Nextcloud laid out as the container images lay it out: the official image's and
/// All-in-One's `*.config.php` files (code: `getenv()`, `OC::$SERVERROOT`, `if`) beside
/// `config.php`. With php, pwaccount reads them as Nextcloud does (with the container's
/// variables) and serves the installation; without php it refuses, naming the file, and
/// changes nothing.
#[test(php)]
fn container_configuration_folders_are_read_through_php() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nextcloud-config");
    for case in ["43-docker-official", "45-aio"] {
        let nc = Installation::new();
        for entry in std::fs::read_dir(corpus.join(case).join("config")).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != "config.php" {
                std::fs::copy(
                    &path,
                    nc.root().join("config").join(path.file_name().unwrap()),
                )
                .unwrap();
            }
        }
        let before = nc.sums();
        let v = nc
            .cmd("bob")
            .args(["--json", "status"])
            .env("REDIS_HOST", "redis")
            .env("NEXTCLOUD_TRUSTED_CERTIFICATES_POSTGRES", "yes")
            .run()
            .ok()
            .json();
        assert_eq!(v["counts"]["passwords"], 4, "{case}: {v}");
        assert_eq!(v["nextcloud"]["engine"], "sqlite", "{case}: {v}");
        nc.verify("bob", BOB).run().ok();

        let out = nc
            .cmd("bob")
            .args(["--json", "status"])
            .env("PATH", "/nonexistent")
            .run()
            .code(8);
        assert_eq!(out.error_id(), "nextcloud_config", "{case}");
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(".config.php") && message.contains("no php program"),
            "{case}: {message}"
        );
        assert_eq!(
            nc.sums(),
            before,
            "{case}: reading changed the installation"
        );
    }
}

/// A snapshot records the installation it was written on. Restored on another one (a
/// copy with another instance id), it is refused unless `--other-installation`, and even
/// then unless that installation had the same secrets (the user's keys would not open);
/// nothing changes when refused.
/// Recompute a Nextcloud snapshot's digest after an edit, as anyone can: the README
/// describes it (SHA-256 over each table's name and rows, each value as type, length and
/// bytes).
fn redigest(snap: &Path) {
    let conn = rusqlite::Connection::open(snap).unwrap();
    let tables: Vec<(&str, &str)> = [
        "passwords_challenge",
        "passwords_keychain",
        "passwords_password",
        "passwords_password_rv",
        "passwords_folder",
        "passwords_folder_rv",
        "passwords_tag",
        "passwords_tag_rv",
        "passwords_pw_tag_rel",
        "passwords_share",
        "passwords_session",
        "passwords_registration",
        "preferences",
    ]
    .into_iter()
    .map(|t| (t, ""))
    .collect();
    let digest = crate::harness::snapshot_digest(&conn, &tables);
    conn.execute("UPDATE meta SET value = ?1 WHERE key = 'digest'", [digest])
        .unwrap();
}

/// A snapshot edited by hand with its digest recomputed is judged by what it holds: it
/// may write only the app's rows of its own user, never another app's preferences, never
/// an id or uuid another user's row has, and it stays bound to its installation. A reset
/// code issued before a restore is void after it.
fn edited_snapshots_are_judged_by_their_content(engine: Engine) {
    let nc = Installation::on(engine);
    let snap = nc.root().join("bob.sqlite");
    nc.cmd("bob").arg("backup").arg(&snap).run().ok();
    let edited = |name: &str, sql: &str| -> PathBuf {
        let path = nc.root().join(name);
        std::fs::copy(&snap, &path).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        redigest(&path);
        path
    };
    let restore = |path: &Path, extra: &[&str]| {
        nc.cmd("bob")
            .args(["--json", "restore", "--yes", "--replace"])
            .args(extra)
            .arg(path)
            .run()
    };
    let before = nc.sums();
    let quota = edited(
        "quota.sqlite",
        "INSERT INTO preferences (userid, appid, configkey, configvalue) \
         VALUES ('bob', 'files', 'quota', 'none')",
    );
    let out = restore(&quota, &[]).code(8);
    assert_eq!(out.error_id(), "invalid_snapshot");
    assert!(
        out.stdout
            .contains("another app than Passwords (files/quota)"),
        "{}",
        out.stdout
    );
    let alice =
        nc.rows("SELECT id, uuid FROM oc_passwords_password WHERE user_id = 'alice' ORDER BY id");
    let uuid = edited(
        "uuid.sqlite",
        &format!(
            "UPDATE passwords_password SET uuid = '{}' WHERE rowid = 1",
            alice[0][1]
        ),
    );
    let out = restore(&uuid, &[]).code(8);
    assert_eq!(out.error_id(), "restore_conflict");
    assert!(
        out.stdout.contains(&format!(
            "restored row uuid {} in table passwords_password",
            alice[0][1]
        )),
        "{}",
        out.stdout
    );
    let id = edited(
        "id.sqlite",
        &format!(
            "UPDATE passwords_password SET id = {} WHERE rowid = 1",
            alice[0][0]
        ),
    );
    let out = restore(&id, &[]).code(8);
    assert_eq!(out.error_id(), "restore_conflict");
    assert!(out.stdout.contains("account 'alice'"), "{}", out.stdout);
    let unbound = edited("unbound.sqlite", "DELETE FROM meta WHERE key = 'instance'");
    let out = restore(&unbound, &[]).code(2);
    assert_eq!(out.error_id(), "other_installation");
    assert!(
        out.stdout.contains("names no installation"),
        "{}",
        out.stdout
    );
    let unchecked = edited(
        "unchecked.sqlite",
        "DELETE FROM meta WHERE key IN ('instance', 'secrets')",
    );
    let out = restore(&unchecked, &["--other-installation"]).code(2);
    assert_eq!(out.error_id(), "other_installation");
    assert_eq!(
        nc.sums(),
        before,
        "a refused restore changed the installation"
    );
    // A code issued before the restore does not reset the restored account.
    let code = nc.cmd("bob").arg("reset").run().ok().stdout;
    restore(&snap, &[]).ok();
    let out = nc
        .cmd("bob")
        .args(["--json", "reset", "--no-backup", "--code", code.trim()])
        .run()
        .code(3);
    assert_eq!(out.error_id(), "no_reset_pending");
    nc.verify("bob", BOB).run().ok();
}

/// A copy of the whole database (here: a second copy of the fixture, as a dump loaded
/// into a scratch database would be, with a configuration naming it; on SQLite also the
/// bare database file) gives one user back: bob is reset and given a new passphrase, then
/// restored from the copy, and his rows equal the copy's; alice is untouched; a copy of
/// another installation, or the live database named as a copy, is refused.
fn a_user_comes_back_from_a_copy_of_the_database(engine: Engine) {
    let nc = Installation::on(engine);
    let copy = Installation::on(engine);
    let in_copy = rows_of(&copy, "bob");
    let alice = others(&nc, "bob");
    let code = nc.cmd("bob").arg("reset").run().ok().stdout;
    nc.cmd("bob")
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let restore = |source: &Path, extra: &[&str]| {
        nc.cmd("bob")
            .args(["--json", "restore", "--yes", "--replace"])
            .args(extra)
            .arg(source)
            .run()
    };
    // The live installation named as its own copy; another installation's copy.
    let before = nc.sums();
    let out = restore(&nc.config(), &[]).code(2);
    assert_eq!(out.error_id(), "usage", "{}", out.stdout);
    assert!(out.stdout.contains("not a copy of it"), "{}", out.stdout);
    let config = std::fs::read_to_string(copy.config()).unwrap();
    std::fs::write(
        copy.config(),
        config.replace("'instanceid' => '", "'instanceid' => 'x"),
    )
    .unwrap();
    let out = restore(&copy.config(), &[]).code(2);
    assert_eq!(out.error_id(), "other_installation", "{}", out.stdout);
    std::fs::write(copy.config(), &config).unwrap();
    assert_eq!(
        nc.sums(),
        before,
        "a refused restore changed the installation"
    );
    let plan = restore(&copy.config(), &["--dry-run"]).ok().json();
    assert_eq!(plan["source"], "database_copy", "{plan}");
    assert_eq!(nc.sums(), before, "the dry run changed the installation");
    let out = restore(&copy.config(), &[]).ok().json();
    assert_eq!(out["source"], "database_copy", "{out}");
    crate::harness::assert_same(
        &restored_rows_of_text(&in_copy),
        &restored_rows_of(&nc, "bob"),
        "bob from the copy",
    );
    crate::harness::assert_same(&alice, &others(&nc, "bob"), "the other users");
    nc.verify("bob", BOB).run().ok();
    if engine == Engine::Sqlite {
        // The bare SQLite file of a copy, read with this installation's configuration.
        let code = nc.cmd("bob").arg("reset").run().ok().stdout;
        nc.cmd("bob")
            .args(["reset", "--no-backup", "--code", code.trim()])
            .run()
            .ok();
        let file = nc.root().join("copy-of-nextcloud.db");
        std::fs::copy(copy.db(), &file).unwrap();
        restore(&file, &[]).ok();
        crate::harness::assert_same(
            &restored_rows_of_text(&in_copy),
            &restored_rows_of(&nc, "bob"),
            "bob from the file",
        );
        nc.verify("bob", BOB).run().ok();
    }
}

fn snapshots_of_another_installation_are_refused(engine: Engine) {
    let nc = Installation::on(engine);
    let snap = nc.root().join("bob.sqlite");
    nc.cmd("bob").arg("backup").arg(&snap).run().ok();
    let code = nc.cmd("bob").arg("reset").run().ok().stdout;
    nc.cmd("bob")
        .args(["reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    let config = std::fs::read_to_string(nc.config()).unwrap();
    let set = |text: &str| std::fs::write(nc.config(), text).unwrap();
    let restore = |extra: &[&str]| {
        nc.cmd("bob")
            .args(["--json", "restore", "--yes"])
            .args(extra)
            .arg(&snap)
            .run()
    };
    // Another instance id, the same secret: only with --other-installation.
    set(&config.replace("'instanceid' => '", "'instanceid' => 'x"));
    let before = nc.sums();
    let out = restore(&[]).code(2);
    assert_eq!(out.error_id(), "other_installation");
    assert!(
        out.stdout.contains("--other-installation"),
        "{}",
        out.stdout
    );
    // Another secret as well: refused even with the option, and says why.
    set(&config
        .replace("'instanceid' => '", "'instanceid' => 'x")
        .replace("'secret' => '", "'secret' => 'x"));
    let out = restore(&["--other-installation"]).code(2);
    assert_eq!(out.error_id(), "other_installation");
    assert!(out.stdout.contains("may not open here"), "{}", out.stdout);
    set(&config.replace("'instanceid' => '", "'instanceid' => 'x"));
    assert_eq!(
        nc.sums(),
        before,
        "a refused restore changed the installation"
    );
    restore(&["--other-installation"]).ok();
    nc.verify("bob", BOB).run().ok();
}

/// An app version this build was not verified with (here: the 2024.12.1 release, stored
/// as `2024.12.21`): reading works and says once which versions are verified; a change is
/// refused unless `--accept-unverified-app` names the installed version, and even then
/// unless the tables pwaccount writes have exactly the columns of a verified version; an
/// accepted change's audit record says so.
fn unverified_app_versions_are_read_and_changed_only_when_accepted(engine: Engine) {
    let nc = Installation::on(engine);
    nc.exec("UPDATE oc_appconfig SET configvalue = '2024.12.21' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    let before = nc.sums();
    let out = nc.cmd("bob").args(["--json", "status"]).run().ok();
    assert_eq!(out.json()["counts"]["passwords"], 4);
    // With --json the note is in the object's `notes` (issue 27), not on stderr.
    let notes = |out: &crate::harness::Outcome| out.json()["notes"].to_string();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // A verified release on another Nextcloud major is not verified either.
    nc.exec("UPDATE oc_appconfig SET configvalue = '2026.5.20' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    let other = nc.cmd("bob").args(["--json", "status"]).run().ok();
    assert!(
        notes(&other).contains("2026.5.20 (release 2026.5.0, stable) on Nextcloud 34.0.1.2"),
        "{}",
        other.stdout
    );
    nc.exec("UPDATE oc_appconfig SET configvalue = '2024.12.21' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    assert_eq!(
        notes(&out)
            .matches("note: the Passwords app here is version 2024.12.21 (release 2024.12.1, stable) on Nextcloud 34.0.1.2")
            .count(),
        1,
        "{}",
        out.stdout
    );
    assert!(
        notes(&out).contains("verified: 2026.2.0-BUILD"),
        "{}",
        out.stdout
    );
    // Without --json it is on stderr, as before.
    let text = nc.cmd("bob").arg("status").run().ok();
    assert!(text.stderr.contains("2024.12.21"), "{}", text.stderr);
    let change = |accept: Option<&str>| {
        let mut run = nc.cmd("bob");
        if let Some(version) = accept {
            run = run.args(["--accept-unverified-app", version]);
        }
        run.args([
            "--json",
            "challenge",
            "set",
            "--old-passphrase-env",
            "O",
            "--passphrase-env",
            "N",
        ])
        .env("O", BOB)
        .env("N", "bob's passphrase under 2024.12")
        .run()
    };
    for accept in [None, Some("2024.12.11"), Some("2026.2.0-BUILD")] {
        let out = change(accept).code(8);
        assert_eq!(out.error_id(), "nextcloud_unsupported", "{accept:?}");
        assert!(
            out.stdout.contains("--accept-unverified-app 2024.12.21"),
            "{}",
            out.stdout
        );
    }
    assert_eq!(
        nc.sums(),
        before,
        "a refused change changed the installation"
    );

    // A column the verified versions do not have: refused even when accepted.
    nc.exec("ALTER TABLE oc_passwords_keychain ADD COLUMN extra_col INTEGER");
    let before = nc.sums();
    let out = change(Some("2024.12.21")).code(8);
    assert!(
        out.stdout.contains("oc_passwords_keychain has the columns"),
        "{}",
        out.stdout
    );
    assert_eq!(nc.sums(), before);
    nc.exec("ALTER TABLE oc_passwords_keychain DROP COLUMN extra_col");

    change(Some("2024.12.21")).ok();
    nc.verify("bob", "bob's passphrase under 2024.12")
        .run()
        .ok();
    let log = nc.cmd("bob").args(["--json", "log"]).run().ok().json();
    assert_eq!(
        log["entries"][0]["details"]["unverified_app_accepted"], "2024.12.21",
        "{log}"
    );
}

/// The releases this build was verified with are served as the development tree is: no
/// note, no option needed (2026.7.0 on Nextcloud 34, as an installation stores it).
fn verified_releases_need_no_acceptance(engine: Engine) {
    let nc = Installation::on(engine);
    nc.exec("UPDATE oc_appconfig SET configvalue = '2026.7.20' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    let out = nc.cmd("bob").args(["--json", "status"]).run().ok();
    assert!(!out.stderr.contains("note:"), "{}", out.stderr);
    nc.change("bob", BOB, "bob's passphrase under 2026.7")
        .run()
        .ok();
    nc.verify("bob", "bob's passphrase under 2026.7").run().ok();
}

/// Rows of a user Nextcloud no longer has (deleted behind the app's back): `accounts`
/// lists the id as damaged and `check` reports it, with no repair pwaccount may do; the
/// other users are still listed and checked.
#[test]
fn rows_of_a_user_nextcloud_no_longer_has_are_reported() {
    let nc = Installation::new();
    nc.exec(
        "INSERT INTO oc_passwords_keychain (user_id, uuid, type, scope, data, created, updated, deleted) \
         VALUES ('ghost', 'k-ghost', 'SSEv2r1', 'server', 'x', 1, 1, FALSE)",
    );
    let out = nc.cmd("bob").arg("accounts").run().ok();
    assert!(
        out.stdout.contains("ghost") && out.stdout.contains("damaged"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("bob"), "{}", out.stdout);
    let out = nc
        .cmd("bob")
        .args(["--json", "check", "--all"])
        .run()
        .code(8);
    let v = out.json();
    let ghost: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["account"] == "ghost")
        .collect();
    assert_eq!(ghost.len(), 1, "{v}");
    assert!(
        ghost[0]["repair"]
            .as_str()
            .unwrap()
            .starts_with("none by pwaccount"),
        "{v}"
    );
    assert_eq!(v["accounts_checked"], 3, "{v}");
}

/// The php child that evaluates the configuration never sees a secret: the variables
/// named by `--…-env` options are taken out of its environment: a configuration file that
/// writes the environment out finds none of them, nor their values.
#[test(php)]
fn the_configurations_php_never_sees_a_secret() {
    let nc = Installation::new();
    let spy = nc.root().join("spy.txt");
    nc.extra_config(
        "spy.config.php",
        format!(
            "<?php\nfile_put_contents('{}', json_encode(getenv()));\n",
            spy.display()
        ),
    );
    nc.cmd("bob")
        .args([
            "challenge",
            "set",
            "--passphrase-env",
            "NEWPASS",
            "--old-passphrase-env=OLDPASS",
        ])
        .env("NEWPASS", "the new secret passphrase")
        .env("OLDPASS", BOB)
        .env("HARMLESS", "visible")
        .run()
        .ok();
    let seen = std::fs::read_to_string(&spy).unwrap();
    assert!(seen.contains("HARMLESS"), "{seen}");
    assert!(
        !seen.contains("NEWPASS") && !seen.contains("OLDPASS"),
        "{seen}"
    );
    assert!(
        !seen.contains("the new secret passphrase") && !seen.contains(BOB),
        "{seen}"
    );
    nc.verify("bob", "the new secret passphrase").run().ok();
}

/// SIGKILL rounds per kill test and engine.
const KILL_ROUNDS: usize = 30;

/// Every change pwaccount makes on an installation is recorded in its own table
/// `<prefix>pwaccount_audit`, in the change's transaction; `log` reads it back; the app's
/// rows of other users are untouched by it.
fn every_change_is_recorded_in_pwaccounts_own_table(engine: Engine) {
    let nc = Installation::on(engine);
    nc.add_user("carol");
    let others_before = others(&nc, "carol");
    // Nothing recorded yet, and nothing created by reading.
    let out = nc.cmd("carol").arg("log").run().ok();
    assert!(out.stderr.contains("no audit trail yet"), "{}", out.stderr);
    assert_eq!(nc.trail_rows(), None);

    let first = "carol's first passphrase";
    let second = "carol's second passphrase";
    nc.cmd("carol")
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", first)
        .run()
        .ok();
    nc.change("carol", first, second).run().ok();
    let code = nc.cmd("carol").arg("reset").run().ok().stdout;
    let reset = nc
        .cmd("carol")
        .args(["--json", "reset", "--code", code.trim()])
        .run()
        .ok()
        .json();
    let snapshot = reset["backup"].as_str().unwrap().to_owned();
    nc.cmd("carol")
        .args(["restore", "--yes", &snapshot])
        .run()
        .ok();
    assert_eq!(
        nc.trail(),
        [
            "carol challenge-set created",
            "carol challenge-set changed",
            "carol reset-code issued",
            "carol reset deleted",
            "carol restore restored",
        ]
    );
    // The restored passphrase is the one the snapshot holds.
    nc.verify("carol", second).run().ok();

    let log = nc.cmd("carol").args(["--json", "log"]).run().ok().json();
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(log["listed"], 5);
    assert_eq!(entries[3]["action"], "reset");
    assert_eq!(entries[3]["details"]["deleted"], reset["deleted"]);
    assert_eq!(entries[3]["details"]["backup"], snapshot.as_str());
    assert_eq!(entries[3]["details"]["confirmed_by"], "code");
    assert_eq!(entries[4]["details"]["snapshot"], snapshot.as_str());
    let uid = crate::harness::own_uid();
    for e in entries {
        assert_eq!(e["account"], "carol");
        assert_eq!(e["os_uid"], uid, "{e}");
        assert!(!e["os_user"].as_str().unwrap().is_empty(), "{e}");
    }
    // The newest record is carol's last change in `accounts` when it is the newest thing.
    nc.exec("UPDATE oc_pwaccount_audit SET time = 4102444800 WHERE user_id = 'carol'");
    let listed = nc
        .cmd("carol")
        .args(["--json", "accounts"])
        .run()
        .ok()
        .json();
    let carol = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"] == "carol")
        .unwrap()
        .clone();
    assert_eq!(carol["last_change"], 4_102_444_800_i64, "{carol}");
    // Another user's log is empty; the app's rows of other users are as they were.
    let other = nc.cmd("alice").args(["--json", "log"]).run().ok().json();
    assert_eq!(other["listed"], 0);
    crate::harness::assert_same(&others_before, &others(&nc, "carol"), "other users");
}

/// A change refused on an installation pwaccount never changed before leaves no record —
/// and, on SQLite and PostgreSQL, no audit table either (it is created inside the
/// change's transaction). MySQL commits `CREATE TABLE` on its own: there the refused
/// change leaves the empty table, and nothing else.
fn a_refused_first_change_leaves_no_record(engine: Engine) {
    let nc = Installation::on(engine);
    let before = nc.sums();
    nc.change("alice", "not alice's passphrase", "a new passphrase here")
        .run()
        .code(5);
    nc.cmd("alice")
        .args(["reset", "--code", "AAAA-BBBB-CCCC-DDDD"])
        .run()
        .code(3);
    let expected = if engine == Engine::Mysql {
        Some(0)
    } else {
        None
    };
    assert_eq!(nc.trail_rows(), expected);
    assert_eq!(nc.sums(), before);
}

/// A database user that may read and write the app's rows but not create tables: the
/// first change cannot create the audit trail's table, so it is refused (exit 8,
/// `database_error`, the reason named) and nothing changes — a change is never made
/// without its record.
fn a_change_without_the_right_to_create_the_trail_is_refused(engine: Engine) {
    let nc = Installation::on(engine);
    let server = nc.server.as_ref().unwrap();
    let role = format!("{}_dml", server.name);
    let secret = "a-password-for-the-test-role";
    match engine {
        Engine::Pgsql => server.exec(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{secret}';
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
        )),
        _ => server.exec(&format!(
            "CREATE USER '{role}'@'localhost' IDENTIFIED BY '{secret}';
             GRANT SELECT, INSERT, UPDATE, DELETE ON {}.* TO '{role}'@'localhost';",
            server.name
        )),
    }
    let original = std::fs::read_to_string(nc.config()).unwrap();
    let limited = original
        .replace(
            &config_line(&original, "dbuser"),
            &format!("'dbuser' => '{role}',"),
        )
        .replace(
            &config_line(&original, "dbpassword"),
            &format!("'dbpassword' => '{secret}',"),
        );
    std::fs::write(nc.config(), &limited).unwrap();
    let before = nc.sums();
    // Reading needs no more than it has.
    nc.cmd("bob").args(["--json", "status"]).run().ok();
    let out = nc
        .change("bob", BOB, "a new passphrase for bob")
        .arg("--json")
        .run()
        .code(8);
    assert_eq!(out.error_id(), "database_error");
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("cannot create pwaccount's audit table oc_pwaccount_audit"),
        "{message}"
    );
    assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret));
    assert_eq!(nc.trail_rows(), None);
    assert_eq!(nc.sums(), before);
    nc.verify("bob", BOB).run().ok();
    match engine {
        Engine::Pgsql => {
            server.exec(&format!(
                "DROP OWNED BY {role}; GRANT CREATE ON SCHEMA public TO PUBLIC;"
            ));
            server.exec(&format!("DROP ROLE {role}"));
        }
        _ => server.exec(&format!("DROP USER '{role}'@'localhost'")),
    }
}

server_tests!(
    server_problems_are_named_without_the_password,
    tls_settings_are_honoured,
    a_lost_connection_changes_nothing,
    a_change_without_the_right_to_create_the_trail_is_refused,
);

/// A pending reset code stored in a form pwaccount did not write is damage, said as such
/// (not taken as "no code"): `status` lists it as a problem, `check` finds it, `reset
/// --code` refuses with `reset_code_damaged` and changes nothing, and `reset --cancel`
/// withdraws it.
fn a_damaged_reset_code_is_named_and_can_be_withdrawn(engine: Engine) {
    let nc = Installation::on(engine);
    nc.exec("INSERT INTO oc_preferences (userid, appid, configkey, configvalue) VALUES ('bob', 'pwaccount', 'reset/code', 'deadbeef|soon')");
    let damaged = "the pending reset code of account 'bob' is stored damaged (pwaccount's \
                   preference 'reset/code' is not <hash>|<expiry>); withdraw it with \
                   `pwaccount reset --cancel`, or issue a new one with `pwaccount reset`";
    let status = nc.cmd("bob").args(["--json", "status"]).run();
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(status.json()["problems"], serde_json::json!([damaged]));
    assert_eq!(status.json()["reset_pending"], serde_json::Value::Null);
    let check = nc.cmd("bob").args(["--json", "check"]).run();
    assert_eq!(check.code, 8, "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("the pending reset code is stored damaged and can never be accepted"),
        "{}",
        check.stdout
    );
    let before = nc.sums();
    let refused = nc
        .cmd("bob")
        .args(["--json", "reset", "--code", "ABCD-EFGH-IJKL", "--no-input"])
        .run();
    assert_eq!(refused.code, 8, "{}", refused.stderr);
    assert_eq!(refused.json()["id"], "reset_code_damaged");
    assert_eq!(refused.json()["message"], damaged);
    assert_eq!(nc.sums(), before);
    let cancel = nc.cmd("bob").args(["--json", "reset", "--cancel"]).run();
    assert_eq!(cancel.code, 0, "{}", cancel.stderr);
    assert_eq!(
        cancel.json(),
        serde_json::json!({"status": "ok", "cancelled": true, "expires": null})
    );
    let text = nc.cmd("bob").args(["reset", "--cancel"]).run();
    assert_eq!(text.code, 0);
    assert_eq!(
        (text.stdout.as_str(), text.stderr.as_str()),
        (
            "",
            "No reset code is pending for account 'bob'; nothing was changed.\n"
        )
    );
    let status = nc.cmd("bob").args(["--json", "status"]).run();
    assert!(status.json().get("problems").is_none(), "{}", status.stdout);
}

engine_tests!(
    a_damaged_reset_code_is_named_and_can_be_withdrawn,
    the_feature_setting_is_honoured_there_too,
    the_code_lifetime_comes_from_pwaccounts_app_config,
    challenge_get_returns_what_the_app_returns,
    verify_accepts_the_users_passphrases_and_refuses_others,
    status_counts_what_the_app_holds_for_the_user,
    commands_this_build_does_not_serve_there_are_refused,
    a_passphrase_change_keeps_every_item_and_key_readable,
    a_first_challenge_for_a_new_user_is_made_as_the_app_makes_it,
    a_refused_change_leaves_the_installation_as_it_was,
    a_killed_change_leaves_the_old_or_the_new_challenge,
    reset_does_what_the_apps_reset_does_and_restore_undoes_it,
    backups_of_nextcloud_users_are_checked_before_a_restore,
    raw_mode_and_a_busy_app_work_as_on_the_pwaccount_file,
    reset_at_a_terminal_on_nextcloud_needs_the_typed_code,
    a_killed_reset_leaves_the_user_untouched_or_reset,
    accounts_lists_the_apps_users,
    check_finds_damage_in_the_apps_tables,
    every_change_is_recorded_in_pwaccounts_own_table,
    a_refused_first_change_leaves_no_record,
    only_users_nextcloud_has_are_served,
    counts_are_what_the_reset_changes,
    snapshots_of_another_installation_are_refused,
    edited_snapshots_are_judged_by_their_content,
    a_user_comes_back_from_a_copy_of_the_database,
    unverified_app_versions_are_read_and_changed_only_when_accepted,
    verified_releases_need_no_acceptance,
);
