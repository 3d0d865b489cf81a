//! Key health on Nextcloud (`check`'s trial opening and `rekey`), on the databases the real
//! app wrote for the oldest and the newest verified pair (28 + 2024.12.1, 34 + 2026.7.0),
//! on every engine: a changed `secret` or `passwords.secret` is found per user, `rekey`
//! re-encrypts what opens with the old secret so that it opens under the new one (checked
//! here by decrypting every field independently), and every refusal changes nothing.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::engines::Engine;
use crate::harness::Run;
use crate::harness::nextcloud::Installation;

/// The oldest and the newest verified pair.
const PAIRS: [&str; 2] = ["28-2024.12.1", "34-2026.7.0"];

fn pair(engine: Engine, name: &str) -> Installation {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/nextcloud/releases")
        .join(name);
    match engine {
        Engine::Sqlite => Installation::from_fixture(engine, &fixture),
        _ => {
            let folder = if engine == Engine::Pgsql {
                "pgsql"
            } else {
                "mysql"
            };
            let template = format!(
                "nc_rel_{}",
                name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
            );
            Installation::from_fixture_in(engine, &fixture.join(folder), &template)
        }
    }
}

/// pwaccount on the whole installation (no account named).
fn all(nc: &Installation) -> Run {
    Run::new()
        .arg("--nextcloud")
        .arg(nc.root())
        .env("HOME", nc.root().join("home"))
        .env_remove("PWACCOUNT_USER")
}

/// A file holding `text`, outside the installation.
fn secret_file(nc: &Installation, name: &str, text: &str) -> PathBuf {
    let path = nc.root().join(name);
    std::fs::write(&path, format!("{text}\n")).unwrap();
    path
}

/// The configuration's `'key' => 'value'` set to `value` (added when missing).
fn set_config(nc: &Installation, key: &str, value: &str) {
    let text = std::fs::read_to_string(nc.config()).unwrap();
    let prefix = format!("'{key}' => '");
    let line = format!("  '{key}' => '{value}',");
    let new = match text.lines().find(|l| l.trim_start().starts_with(&prefix)) {
        Some(old) => text.replace(old, &line),
        None => {
            let end = text.rfind(");").unwrap();
            format!("{}{line}\n{}", &text[..end], &text[end..])
        }
    };
    std::fs::write(nc.config(), new).unwrap();
}

/// Every stored SSEv1r2 field of every live revision (password, folder, tag) of the app,
/// decrypted here with the ICrypto primitive under `secret`, as `table id column
/// plaintext` lines; a field that does not open is `(does not open)`.
fn plaintexts(nc: &Installation, secret: &str) -> Vec<String> {
    let server_key = nc
        .rows("SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'")
        .into_iter()
        .next()
        .map(|r| r[0].clone())
        .unwrap_or_default();
    let user_keys: std::collections::HashMap<String, String> = nc
        .rows("SELECT userid, configvalue FROM oc_preferences WHERE appid = 'passwords' AND configkey = 'SSEv1UserKey'")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let mut out = Vec::new();
    for (table, fields) in [
        (
            "password",
            "url, label, notes, password, username, custom_fields",
        ),
        ("folder", "label"),
        ("tag", "label, color"),
    ] {
        let names: Vec<&str> = fields.split(", ").collect();
        for row in nc.rows(&format!(
            "SELECT id, user_id, sse_key, {fields} FROM oc_passwords_{table}_rv WHERE sse_type = 'SSEv1r2' AND deleted = FALSE ORDER BY id"
        )) {
            let key = format!("{secret}{server_key}{}{}", user_keys[&row[1]], row[2]);
            for (name, value) in names.iter().zip(&row[3..]) {
                let plain = pwaccount::formats::icrypto::decrypt(value, key.as_bytes()).map_or_else(
                    |_| "(does not open)".to_owned(),
                    |p| String::from_utf8_lossy(&p).into_owned(),
                );
                out.push(format!("{table} {} {name} {plain}", row[0]));
            }
        }
    }
    assert!(!out.is_empty());
    out
}

/// The findings of `check --json` as `(account, problem)` pairs.
fn findings(out: &crate::harness::Outcome) -> Vec<(String, String)> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["account"].as_str().unwrap().to_owned(),
                f["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The users of both pairs' fixtures, with their live SSEv1r2 revisions (3 per kind at
/// most are sampled) and every revision rekey re-encrypts.
fn users_of(nc: &Installation) -> Vec<String> {
    nc.rows("SELECT DISTINCT user_id FROM oc_passwords_password_rv ORDER BY user_id")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

fn revision_count(nc: &Installation) -> u64 {
    ["password", "folder", "tag"]
        .iter()
        .map(|t| {
            nc.count(&format!(
                "SELECT count(*) FROM oc_passwords_{t}_rv WHERE sse_type = 'SSEv1r2' AND deleted = FALSE"
            )) as u64
        })
        .sum()
}

/// The secret changes; `check` names every user and the cause, with the old secret too;
/// `rekey` re-encrypts every revision so that each field opens under the new secret with
/// the same plaintext; `check` is sound; a second rekey has nothing to do; the snapshot
/// written first undoes it.
fn a_changed_secret_is_found_and_mended(engine: Engine) {
    for name in PAIRS {
        let nc = pair(engine, name);
        let old = nc.secret();
        let before = plaintexts(&nc, &old);
        let users = users_of(&nc);
        assert_eq!(users.len(), 2, "{name}");
        all(&nc).args(["--json", "check"]).run().ok();

        let new = "a-new-secret-after-a-move-0123456789abcdefghijklmnop";
        set_config(&nc, "secret", new);
        let old_file = secret_file(&nc, "old-secret", &old);
        let out = all(&nc).args(["--json", "check"]).run().code(8);
        assert_eq!(out.error_id(), "check_failed");
        let found = findings(&out);
        assert_eq!(
            found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            users,
            "{name}"
        );
        // The newest pair reads `passwords.secret` too: its removal is a cause as well.
        let cause = if name.starts_with("28-") {
            "the secret was probably changed after they were written (or the server key \
             SSEv1ServerKey was replaced)"
        } else {
            "the secret was probably changed, or `passwords.secret` removed, after they were \
             written (or the server key SSEv1ServerKey was replaced)"
        };
        for (_, problem) in &found {
            assert!(
                problem.contains("do not open with the installation's current secret (the configuration's `secret`)")
                    && problem.ends_with(cause),
                "{problem}"
            );
        }
        let out = all(&nc)
            .args(["--json", "check", "--old-secret-file"])
            .arg(&old_file)
            .run()
            .code(8);
        for (_, problem) in findings(&out) {
            assert!(
                problem.ends_with(
                    "they open with the old secret given: the secret changed after they were written"
                ),
                "{problem}"
            );
        }

        // The plan changes nothing.
        let sums = nc.sums();
        let out = all(&nc)
            .args(["--json", "rekey", "--dry-run", "--old-secret-file"])
            .arg(&old_file)
            .run()
            .ok();
        let plan = out.json();
        assert_eq!(plan["dry_run"], true);
        assert_eq!(plan["revisions"], json!(revision_count(&nc)), "{name}");
        assert_eq!(nc.sums(), sums);

        let out = all(&nc)
            .args(["--json", "rekey", "--yes", "--old-secret-file"])
            .arg(&old_file)
            .run()
            .ok();
        let done = out.json();
        assert_eq!(done["revisions"], json!(revision_count(&nc)));
        assert_eq!(done["secret"], "secret");
        let after = plaintexts(&nc, new);
        assert_eq!(
            after, before,
            "{name}: the same plaintexts under the new secret"
        );
        assert!(!after.iter().any(|l| l.ends_with("(does not open)")));
        let trail: Vec<String> = nc
            .trail()
            .into_iter()
            .filter(|l| l.contains("rekey"))
            .collect();
        assert_eq!(
            trail,
            users
                .iter()
                .map(|u| format!("{u} rekey re-encrypted"))
                .collect::<Vec<_>>()
        );
        all(&nc).args(["--json", "check"]).run().ok();

        // Again: nothing to do, nothing changed.
        let sums = nc.sums();
        let out = all(&nc)
            .args(["--json", "rekey", "--yes", "--old-secret-file"])
            .arg(&old_file)
            .run()
            .ok();
        assert_eq!(out.json()["revisions"], 0);
        assert_eq!(nc.sums(), sums);

        // The snapshot written first puts the user back as the rekey found them.
        let first = &done["users"][0];
        let user = first["user"].as_str().unwrap();
        let snapshot = first["snapshot"].as_str().unwrap();
        nc.cmd(user)
            .args(["--json", "restore", "--yes", "--replace", snapshot])
            .run()
            .ok();
        let out = all(&nc).args(["--json", "check"]).run().code(8);
        assert_eq!(
            findings(&out)
                .iter()
                .map(|f| f.0.as_str())
                .collect::<Vec<_>>(),
            [user]
        );
    }
}

/// `passwords.secret`: the newest pair prefers it, so setting it leaves the items unread
/// until rekey moves them under it; the oldest pair does not read it, so setting it
/// changes nothing.
fn passwords_secret_is_honoured_where_the_release_reads_it(engine: Engine) {
    let nc = pair(engine, "34-2026.7.0");
    let secret = nc.secret();
    let before = plaintexts(&nc, &secret);
    set_config(
        &nc,
        "passwords.secret",
        "the-passwords-secret-0123456789abcdef",
    );
    let out = all(&nc).args(["--json", "check"]).run().code(8);
    let found = findings(&out);
    assert_eq!(found.len(), 2);
    for (_, problem) in &found {
        assert!(
            problem.contains("(the configuration's `passwords.secret`)")
                && problem.ends_with(
                    "they open with `secret`: `passwords.secret` was set after they were written"
                ),
            "{problem}"
        );
    }
    all(&nc)
        .args(["--json", "rekey", "--yes", "--old-secret-env", "OLD"])
        .env("OLD", &secret)
        .run()
        .ok();
    assert_eq!(
        plaintexts(&nc, "the-passwords-secret-0123456789abcdef"),
        before
    );
    all(&nc).args(["--json", "check"]).run().ok();

    let nc = pair(engine, "28-2024.12.1");
    set_config(
        &nc,
        "passwords.secret",
        "the-passwords-secret-0123456789abcdef",
    );
    all(&nc).args(["--json", "check"]).run().ok();
}

/// Every refusal of `rekey` (and of the old secret on the file store) leaves the
/// installation byte-identical.
fn refusals_change_nothing(engine: Engine) {
    let nc = pair(engine, "34-2026.7.0");
    let old = nc.secret();
    set_config(
        &nc,
        "secret",
        "a-new-secret-after-a-move-0123456789abcdefghijklmnop",
    );
    let old_file = secret_file(&nc, "old-secret", &old);
    let wrong = secret_file(&nc, "wrong-secret", "not the secret it was");
    let empty = nc.root().join("empty");
    std::fs::write(&empty, "").unwrap();
    let rekey = |args: &[&str]| all(&nc).args(["--json", "rekey"]).args(args);
    let file = |p: &Path| p.to_str().unwrap().to_owned();
    let sums = nc.sums();
    let refused = |run: Run, code: i32, id: &str| {
        let out = run.run().code(code);
        assert_eq!(out.error_id(), id, "{}", out.stdout);
        assert_eq!(nc.sums(), sums, "{id} changed the installation");
        out
    };
    // No terminal and no --yes.
    refused(
        rekey(&["--old-secret-file", &file(&old_file)]),
        2,
        "input_required",
    );
    // A wrong old secret: nothing opens with it.
    let out = refused(
        rekey(&["--yes", "--old-secret-file", &file(&wrong)]),
        5,
        "old_secret_wrong",
    );
    assert!(
        out.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("nothing opens with the old secret given:"),
        "{}",
        out.stdout
    );
    refused(
        rekey(&["--yes", "--old-secret-file", &file(&empty)]),
        7,
        "empty_input",
    );
    refused(
        all(&nc).user("nobody-here").args([
            "--json",
            "rekey",
            "--yes",
            "--old-secret-file",
            &file(&old_file),
        ]),
        4,
        "no_such_user",
    );
    // One revision of one user opens with neither secret: refused, named, unless
    // --only-openable.
    let (id, user) = {
        let row = &nc.rows(
            "SELECT id, user_id FROM oc_passwords_tag_rv WHERE sse_type = 'SSEv1r2' AND deleted = FALSE ORDER BY id",
        )[0];
        (row[0].clone(), row[1].clone())
    };
    nc.exec(&format!(
        "UPDATE oc_passwords_tag_rv SET color = label WHERE id = {id}"
    ));
    let label = nc.text(&format!(
        "SELECT label FROM oc_passwords_tag_rv WHERE id = {id}"
    ));
    let garbled = format!("00{}", &label[2..]);
    nc.exec(&format!(
        "UPDATE oc_passwords_tag_rv SET label = '{garbled}', color = '{garbled}' WHERE id = {id}"
    ));
    let sums = nc.sums();
    let out = rekey(&["--yes", "--old-secret-file", &file(&old_file)])
        .run()
        .code(3);
    assert_eq!(out.error_id(), "rekey_partial");
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with(&format!(
            "some items open with neither secret: {user} (1) (they would stay unreadable)"
        )),
        "{message}"
    );
    assert_eq!(nc.sums(), sums);
    // Maintenance mode, and an app version this build was not verified with: nothing is
    // attempted, even with --only-openable.
    let gated = |id: &str| {
        let sums = nc.sums();
        let out = rekey(&[
            "--yes",
            "--only-openable",
            "--old-secret-file",
            &file(&old_file),
        ])
        .run()
        .code(8);
        assert_eq!(out.error_id(), id);
        assert_eq!(nc.sums(), sums);
    };
    let config = std::fs::read_to_string(nc.config()).unwrap();
    set_config(&nc, "maintenance", "1");
    gated("nextcloud_maintenance");
    std::fs::write(nc.config(), config).unwrap();
    nc.exec("UPDATE oc_appconfig SET configvalue = '2026.99.20' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    gated("nextcloud_unsupported");
    nc.exec("UPDATE oc_appconfig SET configvalue = '2026.7.20' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    // With --only-openable, the rest is re-encrypted and the one revision left.
    let out = rekey(&[
        "--yes",
        "--only-openable",
        "--old-secret-file",
        &file(&old_file),
    ])
    .run()
    .ok();
    let done = out.json();
    let left: u64 = done["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unopenable"].as_u64().unwrap())
        .sum();
    assert_eq!(left, 1);
    assert_eq!(done["revisions"], json!(revision_count(&nc) - 1));
}

#[test]
fn the_file_store_has_no_server_secret() {
    let db = crate::harness::Env::populated(2);
    let secret = db.file("old", "something");
    for args in [
        vec!["--json", "rekey", "--yes", "--old-secret-file"],
        vec!["--json", "check", "--old-secret-file"],
    ] {
        let before = db.dump();
        let out = db.cmd().args(args).arg(&secret).run().code(2);
        assert_eq!(out.error_id(), "nextcloud_only");
        assert_eq!(db.dump(), before);
    }
    // The old secret is required, by clap, before anything is opened.
    let out = db.cmd().args(["rekey", "--yes"]).run().code(2);
    assert!(out.stderr.contains("--old-secret-file"), "{}", out.stderr);
}

/// The findings never carry a secret, in text or JSON, and neither does the rekey report.
fn no_secret_is_ever_printed(engine: Engine) {
    let nc = pair(engine, "28-2024.12.1");
    let old = nc.secret();
    let new = "a-new-secret-after-a-move-0123456789abcdefghijklmnop";
    set_config(&nc, "secret", new);
    let old_file = secret_file(&nc, "old-secret", &old);
    let runs = [
        all(&nc).arg("check").run(),
        all(&nc).args(["--json", "check"]).run(),
        all(&nc)
            .args(["check", "--old-secret-file"])
            .arg(&old_file)
            .run(),
        all(&nc)
            .args(["rekey", "--dry-run", "--old-secret-file"])
            .arg(&old_file)
            .run(),
        all(&nc)
            .args(["--json", "rekey", "--yes", "--old-secret-file"])
            .arg(&old_file)
            .run(),
    ];
    let server_key = nc
        .rows("SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'SSEv1ServerKey'")
        .into_iter()
        .next()
        .map(|r| r[0].clone());
    for out in runs {
        for text in [&out.stdout, &out.stderr] {
            assert!(!text.contains(&old) && !text.contains(new), "{text}");
            if let Some(key) = &server_key {
                assert!(!text.contains(&key[..32]), "{text}");
            }
        }
    }
}

engine_tests!(
    a_changed_secret_is_found_and_mended,
    passwords_secret_is_honoured_where_the_release_reads_it,
    refusals_change_nothing,
    no_secret_is_ever_printed,
);
