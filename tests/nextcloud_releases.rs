//! One conformance suite over every verified release pair: the databases the real app of
//! each (Nextcloud, Passwords release) wrote on SQLite (`tests/data/nextcloud/releases/`,
//! made by `scripts/nextcloud-release-fixture.sh`), each run through every flow:
//! status, challenge get, verify, a passphrase change, a reset and its undo by restore.
//! The live checks against the running app are in the README (by hand).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;

const DAVE: &str = "dave passphrase for the fixture";
const ERIN: &str = "erin second passphrase here";
const ERIN_BEFORE_RESET: &str = "erin first passphrase here";

fn pairs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nextcloud/releases");
    let mut pairs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    pairs.sort();
    pairs
}

fn json(nc: &Installation, user: &str, args: &[&str]) -> (Value, String) {
    let out = nc.cmd(user).arg("--json").args(args).run().ok();
    (out.json(), out.stderr)
}

fn verify(nc: &Installation, user: &str, pass: &str) -> i32 {
    nc.cmd(user)
        .args(["--json", "challenge", "verify", "--passphrase-env", "P"])
        .env("P", pass)
        .run()
        .code
}

#[test]
fn every_verified_release_pair_serves_every_flow() {
    let pairs = pairs();
    assert_eq!(pairs.len(), 9, "{pairs:?}");
    for fixture in pairs {
        let nc = Installation::from_fixture(Engine::Sqlite, &fixture);
        serves_every_flow(&nc, &fixture);
    }
}

/// The pairs whose databases the real app also wrote on PostgreSQL and MariaDB, on the
/// test servers (scripts/dbservers.sh loads each as `nc_rel_<pair>`).
fn on_server(engine: Engine, folder: &str) {
    let mut served = Vec::new();
    for fixture in pairs() {
        let dir = fixture.join(folder);
        if !dir.is_dir() {
            continue;
        }
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let template = format!(
            "nc_rel_{}",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        let nc = Installation::from_fixture_in(engine, &dir, &template);
        serves_every_flow(&nc, &fixture);
        served.push(name);
    }
    // The oldest pair, the first of the new preference columns and the newest.
    assert_eq!(
        served,
        ["28-2024.12.1", "31-2025.10.0", "34-2026.7.0"],
        "on {folder}"
    );
}

#[test(pgsql)]
fn release_pairs_on_postgresql_serve_every_flow() {
    on_server(Engine::Pgsql, "pgsql");
}

#[test(mysql)]
fn release_pairs_on_mariadb_serve_every_flow() {
    on_server(Engine::Mysql, "mysql");
}

/// status, challenge get, verify, a passphrase change, a reset and the restore that undoes
/// it, and the trail, on one pair's installation.
pub(crate) fn serves_every_flow(nc: &Installation, fixture: &Path) {
    let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
    let versions: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("versions.json")).unwrap()).unwrap();

    // Reading: what the app holds, without a note (the pair is verified).
    let (v, stderr) = json(nc, "dave", &["status"]);
    assert_eq!(stderr, "", "{name}: a verified pair gets no note");
    assert_eq!(v["counts"]["passwords"], 3, "{name}: {v}");
    assert_eq!(v["counts"]["folders"], 2, "{name}: {v}");
    assert_eq!(v["counts"]["tags"], 2, "{name}: {v}");
    assert_eq!(v["challenge"]["type"], "PWDv1r1", "{name}");
    // erin after the app's own reset: only what she made since.
    let (v, _) = json(nc, "erin", &["status"]);
    assert_eq!(v["counts"]["passwords"], 1, "{name}: {v}");

    // challenge get: the salts the app stored, as the app returns them.
    let (v, _) = json(nc, "dave", &["challenge", "get"]);
    let lengths: Vec<usize> = v["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().len())
        .collect();
    assert_eq!(lengths, [512, 128, 32], "{name}");

    // verify: the passphrases the app accepted, and no other.
    assert_eq!(verify(nc, "dave", DAVE), 0, "{name}");
    assert_eq!(verify(nc, "erin", ERIN), 0, "{name}");
    assert_eq!(verify(nc, "erin", ERIN_BEFORE_RESET), 5, "{name}");

    // A passphrase change keeps every key readable.
    let new = "dave's passphrase after the change";
    nc.change("dave", DAVE, new).run().ok();
    assert_eq!(verify(nc, "dave", new), 0, "{name}");
    assert_eq!(verify(nc, "dave", DAVE), 5, "{name}");

    // A reset, and a restore that undoes it.
    let code = nc.cmd("dave").arg("reset").run().ok().stdout;
    let (done, _) = json(nc, "dave", &["reset", "--code", code.trim()]);
    assert_eq!(done["deleted"]["passwords"], 3, "{name}: {done}");
    let (v, _) = json(nc, "dave", &["status"]);
    assert_eq!(v["counts"]["passwords"], 0, "{name}");
    assert_eq!(v["challenge"], Value::Null, "{name}");
    let snapshot = done["backup"].as_str().unwrap().to_owned();
    json(nc, "dave", &["restore", "--yes", &snapshot]);
    let (v, _) = json(nc, "dave", &["status"]);
    assert_eq!(v["counts"]["passwords"], 3, "{name}: {v}");
    assert_eq!(verify(nc, "dave", new), 0, "{name}");

    // The trail names each change; the pair is the one the fixture says.
    let (log, _) = json(nc, "dave", &["log"]);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["challenge-set", "reset-code", "reset", "restore"],
        "{name}"
    );
    follows_the_release_rules(nc, &name, versions["installed_version"].as_str().unwrap());
    assert!(
        name.starts_with(
            versions["nextcloud"]
                .as_str()
                .unwrap()
                .split('.')
                .next()
                .unwrap()
        )
    );
}

/// Where releases differ in what pwaccount does for them (the rules in
/// src/store/nextcloud/versions.rs), each pair's fixture answers as its own app does:
/// 2024.12.1 encrypts keychains under `secret` even when the configuration has
/// `passwords.secret` and makes `SSEv1ServerKey` on its first encryption; later releases
/// take `passwords.secret` first and make no server key.
fn follows_the_release_rules(nc: &Installation, name: &str, installed: &str) {
    let old_rules = installed.starts_with("2024.12.");

    // passwords.secret, in a second configuration file as Nextcloud merges them: the
    // keychains the app of this pair wrote open under `secret` on 2024.12.1 only.
    let extra = nc.extra_config(
        "zz.config.php",
        "<?php\n$CONFIG = array('passwords.secret' => 'a passwords secret of this test');\n",
    );
    let run = nc
        .cmd("erin")
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", ERIN)
        .run();
    if old_rules {
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    } else {
        assert_ne!(
            run.code, 0,
            "{name}: keychains are under passwords.secret now"
        );
        assert!(run.stderr.contains("keychain"), "{name}: {}", run.stderr);
    }
    std::fs::remove_file(&extra).unwrap();

    // A first challenge where the app has not made its server key yet.
    nc.exec("DELETE FROM oc_appconfig WHERE appid = 'passwords' AND configkey IN ('SSEv1ServerKey', 'sse.generate.lock')");
    nc.add_user("fred");
    nc.cmd("fred")
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "fred's first passphrase")
        .run()
        .ok();
    let keys = "SELECT count(*) FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'";
    if old_rules {
        assert_eq!(nc.count(keys), 1, "{name}: pwaccount made the server key");
        assert_eq!(
            nc.text("SELECT length(configvalue) FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'"),
            "1024",
            "{name}"
        );
    } else {
        assert_eq!(
            nc.count(keys),
            0,
            "{name}: this release makes no server key"
        );
    }
    assert_eq!(verify(nc, "fred", "fred's first passphrase"), 0, "{name}");
    // A made key is kept: a second user's challenge goes under the same one.
    let before = nc.rows("SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'");
    nc.add_user("gail");
    nc.cmd("gail")
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "gail's first passphrase")
        .run()
        .ok();
    let after = nc.rows("SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'");
    assert_eq!(before, after, "{name}");
    assert_eq!(verify(nc, "fred", "fred's first passphrase"), 0, "{name}");

    // The app's lock while it makes the key: pwaccount waits for it, changing nothing.
    if old_rules {
        nc.exec(
            "DELETE FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'",
        );
        nc.exec("INSERT INTO oc_appconfig (appid, configkey, configvalue) VALUES ('passwords', 'sse.generate.lock', 'passwords1234')");
        nc.add_user("hope");
        let run = nc
            .cmd("hope")
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", "hope's first passphrase")
            .run();
        assert_eq!(run.code, 8, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("sse.generate.lock"),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(nc.count(keys), 0, "{name}");
        assert_eq!(
            nc.count("SELECT count(*) FROM oc_passwords_challenge WHERE user_id = 'hope'"),
            0,
            "{name}"
        );
    }
}
