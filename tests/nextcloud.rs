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
        Run::new().user(user).arg("--nextcloud").arg(self.root())
    }

    fn exec(&self, sql: &str) {
        rusqlite::Connection::open(self.db())
            .unwrap()
            .execute_batch(sql)
            .unwrap();
    }

    /// Everything that a refusal must leave as it was.
    fn sums(&self) -> Vec<String> {
        vec![checksum(&self.db()), checksum(&self.config())]
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
        let sums: Vec<Option<String>> = [nc.db(), nc.config()]
            .iter()
            .map(|p| p.is_file().then(|| checksum(p)))
            .collect();
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
        let after: Vec<Option<String>> = [nc.db(), nc.config()]
            .iter()
            .map(|p| p.is_file().then(|| checksum(p)))
            .collect();
        assert_eq!(sums, after, "{name}: the installation changed");
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
        vec!["reset"],
        vec!["challenge", "set", "--passphrase-env", "P"],
        vec!["backup"],
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
