use serde_json::json;

use crate::harness::Env;

#[test]
fn client_side_encryption_is_enabled_until_disabled() {
    let env = Env::new();
    let list = || {
        env.cmd()
            .args(["feature", "list", "--json"])
            .run()
            .ok()
            .json()
    };
    assert_eq!(
        list(),
        json!({"features": {"client-side-encryption": true}})
    );

    let off = env
        .cmd()
        .args(["feature", "disable", "client-side-encryption", "--json"])
        .run()
        .ok()
        .json();
    assert_eq!(off["success"], true);
    assert_eq!(off["changed"], true);
    assert_eq!(
        list(),
        json!({"features": {"client-side-encryption": false}})
    );

    let again = env
        .cmd()
        .args(["feature", "disable", "client-side-encryption"])
        .run()
        .ok();
    assert!(
        again.stderr.contains("already disabled"),
        "{}",
        again.stderr
    );

    env.cmd()
        .args(["feature", "enable", "client-side-encryption"])
        .run()
        .ok()
        .stderr_has("is now enabled");
    let text = env.cmd().args(["feature", "list"]).run().ok().stdout;
    assert_eq!(text, "client-side-encryption   enabled\n");
}

#[test]
fn features_need_no_account() {
    let env = Env::new();
    let run = || crate::harness::Run::new().arg("--db").arg(&env.db);
    let out = run().args(["feature", "list"]).run().ok();
    assert_eq!(out.stdout.trim_end(), "client-side-encryption   enabled");
    let v = run().args(["--json", "feature", "list"]).run().ok().json();
    assert_eq!(
        v,
        serde_json::json!({"features": {"client-side-encryption": true}})
    );
}

#[test]
fn an_unknown_feature_is_a_usage_error_that_changes_nothing() {
    let env = Env::populated(5);
    let before = env.dump();
    let out = env
        .cmd()
        .args(["feature", "enable", "telepathy"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("client-side-encryption"),
        "{}",
        out.stderr
    );
    let out = env
        .cmd()
        .args(["--json", "feature", "disable", "telepathy"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    crate::harness::assert_same(&before, &env.dump(), "tests/feature.rs:unchanged");
}
