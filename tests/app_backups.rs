//! Restores from the Passwords app's own backups, judged by the app's own restore: each
//! fixture in `tests/data/nextcloud/app-backups/<pair>/<engine>/` (made by
//! `scripts/app-backup-fixture.sh` on a live instance of the pair) holds a backup the app
//! wrote, the installation after the app reset user gina (`before`), and the installation
//! after `occ passwords:backup:restore LABEL --user gina` (`occ`). pwaccount's restore of
//! the same backup into `before` must leave gina's rows exactly as occ left them, apart
//! from numeric ids, on the oldest and the newest pair, on every engine. Bad backups are
//! refused with nothing changed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;

const GINA: &str = "gina passphrase for the fixture";
const PAIRS: [&str; 2] = ["28-2024.12.1", "34-2026.7.0"];

/// The app's tables a restore from a backup writes.
const TABLES: [&str; 10] = [
    "passwords_password",
    "passwords_password_rv",
    "passwords_folder",
    "passwords_folder_rv",
    "passwords_tag",
    "passwords_tag_rv",
    "passwords_pw_tag_rel",
    "passwords_share",
    "passwords_keychain",
    "passwords_challenge",
];

fn fixture(pair: &str, engine: Engine) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/nextcloud/app-backups")
        .join(pair)
        .join(match engine {
            Engine::Sqlite => "sqlite",
            Engine::Pgsql => "pgsql",
            Engine::Mysql => "mysql",
        })
}

/// The installation of `pair` on `engine` in `state` (`before` or `occ`).
fn state(pair: &str, engine: Engine, state: &str) -> Installation {
    let template =
        format!("nc_ab_{pair}_{state}").replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    Installation::from_state(
        engine,
        &fixture(pair, engine),
        &format!("{state}.db.gz"),
        &template,
        None,
    )
}

/// The backup's label, with its file put where the app keeps its backups in `nc`.
fn place_backup(nc: &Installation, pair: &str, engine: Engine) -> String {
    let dir = fixture(pair, engine);
    let label = std::fs::read_to_string(dir.join("label"))
        .unwrap()
        .trim()
        .to_owned();
    let folder = app_folder(nc).join("backups");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        dir.join("backup.json.gz"),
        folder.join(format!("{label}.json.gz")),
    )
    .unwrap();
    label
}

/// `appdata_<instance id>/passwords` in the installation's data folder.
fn app_folder(nc: &Installation) -> PathBuf {
    let config = std::fs::read_to_string(nc.config()).unwrap();
    let id = config
        .lines()
        .find_map(|l| l.trim().strip_prefix("'instanceid' => '"))
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    nc.root().join(format!("data/appdata_{id}/passwords"))
}

/// `user`'s rows of `table`, every column but the numeric id, one sorted line each.
fn rows_without_ids(nc: &Installation, table: &str, user: &str) -> Vec<String> {
    let sql = format!("SELECT * FROM oc_{table} WHERE user_id = '{user}'");
    let mut lines: Vec<String> = match nc.server() {
        Some(server) => server
            .rows(&sql)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .filter(|(name, _, _)| name != "id")
                    .map(|(name, v, _)| format!("{name}={}", v.unwrap_or_else(|| "NULL".into())))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
        None => {
            let conn = rusqlite::Connection::open(nc.db()).unwrap();
            let mut stmt = conn.prepare(&sql).unwrap();
            let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
            stmt.query_map([], |r| {
                Ok(names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| *n != "id")
                    .map(|(i, n)| {
                        let v = match r.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                            rusqlite::types::ValueRef::Integer(x) => x.to_string(),
                            rusqlite::types::ValueRef::Real(x) => x.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Blob(b) => hex::encode(b),
                        };
                        format!("{n}={v}")
                    })
                    .collect::<Vec<_>>()
                    .join(" "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        }
    };
    lines.sort();
    lines
}

/// Everything of `user` a restore from a backup writes: the app's rows without ids and
/// the app's preferences.
fn user_state(nc: &Installation, user: &str) -> String {
    let mut out = String::new();
    for table in TABLES {
        let rows = rows_without_ids(nc, table, user);
        out.push_str(&format!("== {table} ({})\n", rows.len()));
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    let prefs = nc.rows(&format!(
        "SELECT configkey, configvalue FROM oc_preferences WHERE userid = '{user}' \
         AND appid = 'passwords' ORDER BY configkey"
    ));
    out.push_str(&format!("== preferences ({})\n", prefs.len()));
    for p in prefs {
        out.push_str(&p.join("="));
        out.push('\n');
    }
    out
}

fn restores_as_occ_does(engine: Engine) {
    for pair in PAIRS {
        let nc = state(pair, engine, "before");
        let occ = state(pair, engine, "occ");
        let label = place_backup(&nc, pair, engine);
        let hank = user_state(&nc, "hank");
        let gina_before = user_state(&nc, "gina");
        let expected = user_state(&occ, "gina");
        assert!(
            expected.contains("== passwords_password (")
                && !expected.contains("== passwords_password (0)")
        );
        // What the dry run says is what the restore then does; it changes nothing.
        let sums = nc.sums();
        let plan = nc
            .cmd("gina")
            .args(["--json", "restore", "--dry-run", &label])
            .run()
            .ok()
            .json();
        assert_eq!(
            nc.sums(),
            sums,
            "{pair}: the dry run changed the installation"
        );
        assert_eq!(plan["source"], "app_backup");
        let out = nc
            .cmd("gina")
            .args(["--json", "restore", "--yes", &label])
            .run()
            .ok()
            .json();
        assert_eq!(out["source"], "app_backup", "{out}");
        let got = user_state(&nc, "gina");
        crate::harness::assert_same(
            &expected,
            &got,
            &format!("{pair} on {engine:?}: gina after occ's and pwaccount's restores"),
        );
        for table in &TABLES {
            let written = plan["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["table"] == *table)
                .unwrap()["write"]
                .as_u64()
                .unwrap();
            assert_eq!(
                written as usize,
                rows_without_ids(&nc, table, "gina").len(),
                "{pair}: {table}"
            );
        }
        crate::harness::assert_same(&hank, &user_state(&nc, "hank"), &format!("{pair}: hank"));
        assert_eq!(
            nc.count("SELECT count(*) FROM oc_passwords_session WHERE user_id = 'gina'"),
            0,
            "{pair}: gina's sessions are closed"
        );
        // The app's keys open again: gina's passphrase opens her keychains.
        nc.cmd("gina")
            .args(["challenge", "verify", "--passphrase-env", "P"])
            .env("P", GINA)
            .run()
            .ok();
        // The snapshot written first undoes the restore.
        let undo = out["undo"].as_str().unwrap();
        nc.cmd("gina")
            .args(["restore", "--yes", "--replace", undo])
            .run()
            .ok();
        crate::harness::assert_same(
            &gina_before,
            &user_state(&nc, "gina"),
            &format!("{pair}: undone"),
        );
    }
}

/// A copy of the fixture's backup changed by `edit` (on its JSON), as `name`.
fn edited_backup(
    nc: &Installation,
    pair: &str,
    engine: Engine,
    name: &str,
    edit: impl FnOnce(&mut Value),
) -> PathBuf {
    use std::io::{Read, Write};
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(fixture(pair, engine).join("backup.json.gz")).unwrap(),
    )
    .read_to_string(&mut text)
    .unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    edit(&mut json);
    let path = nc.root().join(name);
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(json.to_string().as_bytes()).unwrap();
    gz.finish().unwrap();
    path
}

fn bad_backups_are_refused_and_change_nothing(engine: Engine) {
    let pair = "34-2026.7.0";
    let nc = state(pair, engine, "before");
    let label = place_backup(&nc, pair, engine);
    let good = fixture(pair, engine).join("backup.json.gz");
    let bytes = std::fs::read(&good).unwrap();
    let truncated = nc.root().join("truncated.json.gz");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let damaged = nc.root().join("damaged.json.gz");
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    std::fs::write(&damaged, &flipped).unwrap();
    let shape = nc.root().join("shape.json");
    std::fs::write(&shape, r#"{"version": 106, "passwords": {"a": 1}}"#).unwrap();
    let neither = nc.root().join("neither.json.gz");
    std::fs::write(&neither, "this is not a backup\n").unwrap();
    let future = edited_backup(&nc, pair, engine, "future.json.gz", |j| {
        j["version"] = 107.into()
    });
    let older = edited_backup(&nc, pair, engine, "older.json.gz", |j| {
        j["version"] = 105.into()
    });
    let secret = edited_backup(&nc, pair, engine, "secret.json.gz", |j| {
        j["keys"]["server"]["secret"] = "another installation's secret".into()
    });
    let server_key = edited_backup(&nc, pair, engine, "server-key.json.gz", |j| {
        j["keys"]["server"]["SSEv1ServerKey"] = "another server key".into()
    });
    let p = |path: &Path| path.to_str().unwrap().to_owned();
    let listed = format!("the app's backups are: {label}");
    let cases: Vec<(Vec<String>, i32, &str, &str)> = vec![
        (vec![p(&truncated)], 8, "invalid_snapshot", "ends early"),
        (
            vec![p(&damaged)],
            8,
            "invalid_snapshot",
            "Passwords app backup",
        ),
        (vec![p(&shape)], 8, "invalid_snapshot", "wrong shape"),
        (
            vec![p(&neither)],
            8,
            "invalid_snapshot",
            "neither a pwaccount snapshot nor a Passwords app backup",
        ),
        (
            vec![p(&future)],
            8,
            "invalid_snapshot",
            "its format 107 is not one the app writes",
        ),
        (
            vec![p(&older)],
            8,
            "invalid_snapshot",
            "format 105, of releases before 2021",
        ),
        (
            vec![p(&secret)],
            2,
            "other_installation",
            "another server secret",
        ),
        (
            vec![p(&server_key)],
            2,
            "other_installation",
            "another app server key",
        ),
        (vec!["no-such-label".into()], 2, "cannot_read_file", &listed),
    ];
    let before = nc.sums();
    for (args, code, id, words) in &cases {
        let out = nc
            .cmd("gina")
            .args(["--json", "restore", "--yes", "--replace"])
            .args(args)
            .run()
            .code(*code);
        assert_eq!(out.error_id(), *id, "{args:?}: {}", out.stdout);
        assert!(out.stdout.contains(words), "{args:?}: {}", out.stdout);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert_eq!(nc.sums(), before, "{args:?} changed the installation");
    }
    // A property spelt as a column (`user_id` beside `userId`) is not the entity's: it is
    // ignored, as the app ignores it, and every row written is gina's.
    let hank = user_state(&nc, "hank");
    let spelt = edited_backup(&nc, pair, engine, "spelt.json.gz", |j| {
        for list in ["passwords", "folders", "tags"] {
            for e in j[list].as_array_mut().unwrap() {
                if e["userId"] == "gina" {
                    e["user_id"] = "hank".into();
                    e["UserId"] = "hank".into();
                }
            }
        }
    });
    let sums = nc.sums();
    nc.cmd("gina")
        .args(["restore", "--yes", "--replace"])
        .arg(&spelt)
        .run()
        .ok();
    assert_ne!(nc.sums(), sums);
    crate::harness::assert_same(&hank, &user_state(&nc, "hank"), "hank");
    let undo = nc.cmd("gina").args(["--json", "backups"]).run().ok().json()["snapshots"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    nc.cmd("gina")
        .args(["restore", "--yes", "--replace", &undo])
        .run()
        .ok();
    let before = nc.sums();
    // A user the backup does not hold; a backup with no user named.
    let out = nc
        .cmd("admin")
        .args(["--json", "restore", "--yes", "--replace", &label])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "user_mismatch", "{}", out.stdout);
    assert!(
        out.stdout.contains("holds nothing of user 'admin'"),
        "{}",
        out.stdout
    );
    let out = crate::harness::Run::new()
        .args(["--nextcloud"])
        .arg(nc.root())
        .args(["--json", "restore", "--yes", &label])
        .env_remove("PWACCOUNT_USER")
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage", "{}", out.stdout);
    assert_eq!(
        nc.sums(),
        before,
        "a refused restore changed the installation"
    );
    // On the pwaccount file an app backup is refused: it belongs to Nextcloud.
    let env = crate::harness::Env::populated(2);
    let dump = env.dump();
    let out = env
        .cmd()
        .args(["--json", "restore", "--yes"])
        .arg(&good)
        .run()
        .code(8);
    assert_eq!(out.error_id(), "invalid_snapshot");
    assert!(
        out.stdout.contains("belongs to a Nextcloud installation"),
        "{}",
        out.stdout
    );
    crate::harness::assert_same(&dump, &env.dump(), "the pwaccount file");
}

/// `backups` lists the app's backups (format, users, what one user has) and pwaccount's
/// snapshots, and warns about a backup others can read.
#[test]
fn backups_lists_the_apps_backups_and_pwaccounts_snapshots() {
    use std::os::unix::fs::PermissionsExt;
    let pair = "34-2026.7.0";
    let nc = state(pair, Engine::Sqlite, "before");
    let label = place_backup(&nc, pair, Engine::Sqlite);
    let file = app_folder(&nc).join(format!("backups/{label}.json.gz"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let auto = app_folder(&nc).join("autoBackups");
    std::fs::create_dir_all(&auto).unwrap();
    std::fs::write(auto.join("2026-01-01_00-00-00.json.gz"), "damaged").unwrap();
    std::fs::set_permissions(
        auto.join("2026-01-01_00-00-00.json.gz"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    nc.cmd("hank").arg("backup").run().ok();
    let occ = state(pair, Engine::Sqlite, "occ");
    let gina_passwords = occ.count(
        "SELECT count(*) FROM oc_passwords_password WHERE user_id = 'gina' AND deleted = FALSE",
    );
    let out = nc.cmd("gina").args(["--json", "backups"]).run().ok();
    let v = out.json();
    let list = v["app_backups"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["label"], "2026-01-01_00-00-00");
    assert_eq!(list[0]["kind"], "automatic");
    assert!(
        list[0]["error"]
            .as_str()
            .unwrap()
            .contains("not a usable Passwords app backup"),
        "{v}"
    );
    assert_eq!(list[1]["label"], label.as_str());
    assert_eq!(list[1]["kind"], "manual");
    assert_eq!(list[1]["version"], 106);
    assert_eq!(list[1]["readable_by_others"], true);
    assert_eq!(list[1]["counts"]["passwords"], gina_passwords, "{v}");
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .contains("can be read by others than its owner (mode 0644)"),
        "{v}"
    );
    // gina's snapshots only: hank's is not listed for her, and is without --user.
    assert_eq!(v["snapshots"].as_array().unwrap().len(), 0, "{v}");
    let all = crate::harness::Run::new()
        .args(["--nextcloud"])
        .arg(nc.root())
        .args(["--json", "backups"])
        .env_remove("PWACCOUNT_USER")
        .run()
        .ok()
        .json();
    assert_eq!(all["snapshots"].as_array().unwrap().len(), 1, "{all}");
    assert!(all["app_backups"][1].get("counts").is_none(), "{all}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = nc.cmd("hank").args(["backups"]).run().ok();
    assert!(
        !out.stderr.contains("can be read by others"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("hank-"), "{}", out.stdout);
    assert!(out.stdout.contains(&label), "{}", out.stdout);
}

engine_tests!(
    restores_as_occ_does,
    bad_backups_are_refused_and_change_nothing
);
