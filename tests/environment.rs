//! Defaults and environment variables: the default database path, PWACCOUNT_*, USER.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{Env, Run};

#[test]
fn the_default_database_is_created_private_in_the_data_directory() {
    let env = Env::new();
    let home = env.path("home");
    let out = Run::new()
        .env("HOME", &home)
        .env("USER", "carol")
        .args(["status", "--json"])
        .run()
        .ok();
    let db = home.join(".local/share/pwaccount/accounts.sqlite");
    assert_eq!(out.json()["database"], db.display().to_string());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(out.json()["user"], "carol");
}

#[test]
fn xdg_data_home_moves_the_default() {
    let env = Env::new();
    let data = env.path("xdg");
    std::fs::create_dir(&data).unwrap();
    let out = Run::new()
        .env("XDG_DATA_HOME", &data)
        .env("USER", "carol")
        .args(["status", "--json"])
        .run()
        .ok();
    assert_eq!(
        out.json()["database"],
        data.join("pwaccount/accounts.sqlite").display().to_string()
    );
}

#[test]
fn environment_variables_supply_defaults_and_flags_win() {
    let env = Env::new();
    let other = env.path("other.sqlite");
    let run = || {
        Run::new()
            .env("PWACCOUNT_DB", &env.db)
            .env("PWACCOUNT_USER", "dave")
    };
    let v = run().args(["status", "--json"]).run().ok().json();
    assert_eq!(v["user"], "dave");
    assert_eq!(v["database"], env.db.display().to_string());
    let v = run()
        .arg("--db")
        .arg(&other)
        .args(["--user", "erin", "status", "--json"])
        .run()
        .ok()
        .json();
    assert_eq!(v["user"], "erin");
    assert_eq!(v["database"], other.display().to_string());
}

#[test]
fn the_login_name_is_the_default_account() {
    let env = Env::new();
    let v = Run::new()
        .arg("--db")
        .arg(&env.db)
        .env("USER", "frank")
        .args(["status", "--json"])
        .run()
        .ok()
        .json();
    assert_eq!(v["user"], "frank");
    let v = Run::new()
        .arg("--db")
        .arg(&env.db)
        .env("LOGNAME", "gina")
        .args(["status", "--json"])
        .run()
        .ok()
        .json();
    assert_eq!(v["user"], "gina");
    let out = Run::new()
        .arg("--db")
        .arg(&env.db)
        .args(["status", "--json"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "no_user");
    let text = Run::new()
        .arg("--db")
        .arg(&env.db)
        .arg("status")
        .run()
        .code(2);
    assert!(text.stderr.contains("--user"), "{}", text.stderr);
}

#[test]
fn bad_account_ids_are_usage_errors() {
    let env = Env::new();
    for id in ["", &"x".repeat(65), "tab\there", "new\nline", "bell\u{7}"] {
        let out = Run::new()
            .arg("--db")
            .arg(&env.db)
            .args(["--user", id, "--json", "status"])
            .run();
        // An empty value is the same as no value for clap's env handling; both are exit 2.
        let out = out.code(2);
        assert!(
            ["invalid_user", "usage", "no_user"].contains(&out.error_id().as_str()),
            "{id:?}"
        );
    }
    let ok = "ü".repeat(64);
    Run::new()
        .arg("--db")
        .arg(&env.db)
        .args(["--user", &ok, "status"])
        .run()
        .ok();
}

/// `--db` and `--nextcloud` name two stores. The one typed wins over the other's
/// environment variable; both typed, or both only from the environment, is a usage error
/// that names what the user gave (the options, or the two variables).
#[test]
fn a_typed_store_wins_over_the_other_stores_variable() {
    let env = Env::populated(3);
    let nc = crate::harness::nextcloud::Installation::on(crate::engines::Engine::Sqlite);
    let before = (
        env.dump(),
        crate::harness::checksum(&nc.root().join("data/nextcloud.db")),
    );
    let status = || Run::new().user("alice").args(["--json", "status"]);

    let v = status()
        .env("PWACCOUNT_DB", &env.db)
        .arg("--nextcloud")
        .arg(nc.root())
        .run()
        .ok()
        .json();
    let database = v["database"].as_str().unwrap().to_owned();
    assert!(
        database.starts_with(&nc.root().display().to_string()),
        "{v}"
    );

    let v = status()
        .env("PWACCOUNT_NEXTCLOUD", nc.root())
        .arg("--db")
        .arg(&env.db)
        .run()
        .ok()
        .json();
    assert_eq!(v["database"], env.db.display().to_string());
    assert_eq!(v["counts"]["passwords"], 3);

    let out = status()
        .env("PWACCOUNT_DB", &env.db)
        .env("PWACCOUNT_NEXTCLOUD", nc.root())
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("PWACCOUNT_DB") && message.contains("PWACCOUNT_NEXTCLOUD"),
        "{message}"
    );

    let out = status()
        .arg("--db")
        .arg(&env.db)
        .arg("--nextcloud")
        .arg(nc.root())
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    let message = out.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("--nextcloud")
            && message.contains("--db")
            && !message.contains("PWACCOUNT_"),
        "{message}"
    );
    assert_eq!(
        (
            env.dump(),
            crate::harness::checksum(&nc.root().join("data/nextcloud.db"))
        ),
        before
    );
}
