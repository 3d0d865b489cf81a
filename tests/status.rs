use serde_json::json;

use crate::harness::Env;

#[test]
fn a_never_seen_account_is_blank() {
    let env = Env::new();
    let out = env.cmd().args(["status", "--json"]).run().ok();
    let v = out.json();
    assert_eq!(v["user"], "alice");
    assert_eq!(v["database"], env.db.display().to_string());
    let counts = v["counts"].as_object().unwrap();
    assert_eq!(counts.len(), 13);
    assert!(counts.values().all(|n| n == 0), "{v}");
    assert_eq!(v["challenge"], json!(null));
    assert_eq!(v["encryption"], json!({"cse": false, "sse": null}));
    assert_eq!(v["reset_pending"], json!(null));

    let text = env.cmd().arg("status").run().ok();
    assert!(text.stdout.contains("account     alice"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("A reset would delete: nothing (the account is blank).")
    );
}

#[test]
fn counts_of_a_populated_account_are_exact() {
    let env = Env::populated(200);
    let v = env.cmd().args(["status", "--json"]).run().ok().json();
    assert_eq!(
        v["counts"],
        json!({
            "passwords": 200, "password_revisions": 600,
            "folders": 10, "folder_revisions": 20,
            "tags": 4, "tag_revisions": 8, "password_tags": 250,
            "shares": 4, "settings": 8, "user_config": 4,
            "keychains": 0, "sessions": 3, "tokens": 3
        })
    );
    // Keys in the documented order.
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "user",
            "database",
            "counts",
            "challenge",
            "encryption",
            "reset_pending"
        ]
    );

    // Bob received alice's shares and owns the ones she received: he sees 4 as well,
    // but nothing else of hers.
    let bob = env
        .cmd()
        .user("bob")
        .args(["status", "--json"])
        .run()
        .ok()
        .json();
    assert_eq!(bob["counts"]["shares"], 4);
    assert_eq!(bob["counts"]["passwords"], 0);

    let text = env.cmd().arg("status").run().ok().stdout;
    assert!(text.contains("passwords   200 (600 revisions)"), "{text}");
    assert!(text.contains("tokens      3 (kept by a reset)"), "{text}");
    assert!(
        text.contains("A reset would delete: 200 passwords with 600 revisions, 10 folders with 20 revisions, 4 tags with 8 revisions, 250 tag assignments, 4 shares, 8 settings, 4 configuration entries, 3 sessions."),
        "{text}"
    );
}

#[test]
fn status_shows_the_challenge_and_a_pending_reset() {
    let env = Env::new();
    let pass = env.file("pass", "a good long passphrase\n");
    env.cmd()
        .args(["challenge", "set", "--passphrase-file"])
        .arg(&pass)
        .run()
        .ok();
    env.cmd().arg("reset").run().ok();
    let v = env.cmd().args(["status", "--json"]).run().ok().json();
    assert_eq!(v["challenge"]["type"], "PWDv1r1");
    assert!(v["challenge"]["created"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(v["encryption"], json!({"cse": true, "sse": "SSEv2r1"}));
    assert_eq!(v["counts"]["keychains"], 1);
    let expires = v["reset_pending"]["expires"].as_i64().unwrap();
    let created = v["challenge"]["created"].as_i64().unwrap();
    assert!((590..=610).contains(&(expires - created)), "{v}");
    let text = env.cmd().arg("status").run().ok().stdout;
    assert!(text.contains("challenge   PWDv1r1, set 20"), "{text}");
    assert!(
        text.contains("reset       a code is pending until 20"),
        "{text}"
    );
}
