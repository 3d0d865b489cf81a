//! challenge get / set / verify through the binary, with the libsodium vectors.

use pwaccount::SecretText;
use std::time::Duration;

use pwaccount::challenge::{self, Current, NewChallenge, Proof, SseKeychain};
use pwaccount::formats::pwdv1::{Salts, derive};
use pwaccount::{Access, AccountStore};
use serde_json::{Value, json};

use crate::harness::Env;

const PASS1: &str = "correct horse battery staple";
const PASS2: &str = "a second, longer passphrase";

fn vectors() -> Vec<Value> {
    let text = include_str!("data/pwdv1-vectors.json");
    serde_json::from_str::<Value>(text).unwrap()["vectors"]
        .as_array()
        .unwrap()
        .clone()
}

/// Set (or change) alice's challenge with passphrase files.
fn set(env: &Env, new: &str, old: Option<&str>) -> crate::harness::Outcome {
    let new_file = env.file("new-pass", format!("{new}\n"));
    let mut run = env
        .cmd()
        .args(["challenge", "set", "--passphrase-file"])
        .arg(new_file);
    if let Some(old) = old {
        run = run
            .arg("--old-passphrase-file")
            .arg(env.file("old-pass", old));
    }
    run.run()
}

fn verify(env: &Env, passphrase: &str) -> i32 {
    env.cmd()
        .args(["challenge", "verify", "--passphrase-env", "PW"])
        .env("PW", passphrase)
        .run()
        .code
}

fn get_salts(env: &Env) -> Vec<String> {
    let v = env.cmd().args(["challenge", "get"]).run().ok().json();
    v["salts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn open_store(env: &Env) -> AccountStore {
    AccountStore::open(&env.db, Access::Write, Duration::from_secs(5)).unwrap()
}

/// The keys of alice's SSEv2r1 keychain, opened with `passphrase`.
fn sse_keys(env: &Env, passphrase: &str) -> SseKeychainView {
    let mut store = open_store(env);
    let chains = challenge::open_keychains(
        &mut store,
        "alice",
        &Proof::Passphrase(SecretText::new(passphrase)),
    )
    .unwrap();
    let sse: Vec<_> = chains.iter().filter(|c| c.kind == "SSEv2r1").collect();
    assert_eq!(sse.len(), 1);
    let chain: SseKeychain = serde_json::from_slice(&sse[0].plaintext).unwrap();
    SseKeychainView {
        keys: chain
            .keys
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        current: chain.current.clone(),
    }
}

struct SseKeychainView {
    keys: Vec<(String, String)>,
    current: String,
}

#[test]
fn get_prints_the_api_shape_exactly_and_exits_4_without_a_challenge() {
    let env = Env::new();
    let out = env.cmd().args(["challenge", "get"]).run().code(4);
    assert!(
        out.stderr
            .contains("no challenge is set for account 'alice'"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    let out = env.cmd().args(["--json", "challenge", "get"]).run().code(4);
    assert_eq!(out.error_id(), "challenge_not_found");

    set(&env, PASS1, None).ok();
    let out = env.cmd().args(["challenge", "get"]).run().ok();
    let salts = get_salts(&env);
    assert_eq!(
        out.stdout,
        format!(
            "{{\"salts\":[\"{}\",\"{}\",\"{}\"],\"type\":\"PWDv1r1\"}}\n",
            salts[0], salts[1], salts[2]
        )
    );
    assert_eq!(
        [salts[0].len(), salts[1].len(), salts[2].len()],
        [512, 128, 32]
    );
    assert!(salts.iter().all(|s| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }));
    let json = env.cmd().args(["--json", "challenge", "get"]).run().ok();
    assert_eq!(json.stdout, out.stdout);
}

#[test]
fn a_client_made_challenge_is_accepted_and_verifies_with_the_clients_passphrase() {
    // Raw mode with each libsodium vector: the salts and secret a client computed.
    for v in vectors() {
        let env = Env::new();
        let secret = env.file("secret", format!("{}\n", v["secret"].as_str().unwrap()));
        let data = v["salts"].to_string();
        env.cmd()
            .args(["challenge", "set", "--secret-file"])
            .arg(&secret)
            .args(["--data", &data])
            .run()
            .ok();
        assert_eq!(json!(get_salts(&env)), v["salts"]);
        let passphrase = v["passphrase"].as_str().unwrap();
        assert_eq!(verify(&env, passphrase), 0, "{passphrase}");
        assert_eq!(verify(&env, &format!("{passphrase}!")), 5);
        // And the secret itself verifies.
        env.cmd()
            .args(["challenge", "verify", "--secret-file"])
            .arg(&secret)
            .run()
            .ok();
    }
}

#[test]
fn a_challenge_made_here_is_solved_from_the_printed_salts() {
    // `derive` reproduces every libsodium vector (unit test in src/crypto/pwdv1.rs), so a
    // secret computed from the printed salts is what any libsodium client computes.
    let env = Env::new();
    let v = &vectors()[1]; // the Unicode passphrase
    let passphrase = v["passphrase"].as_str().unwrap();
    set(&env, passphrase, None).ok();
    let salts = Salts::from_hex(&get_salts(&env), "printed").unwrap();
    let secret = derive(passphrase, &salts).unwrap();
    env.cmd()
        .args(["challenge", "verify", "--secret-env", "S"])
        .env("S", secret.to_hex().as_str())
        .run()
        .ok();
    assert_eq!(verify(&env, passphrase), 0);
}

#[test]
fn set_enables_encryption_and_creates_a_keychain() {
    let env = Env::new();
    let out = set(&env, PASS1, None).ok();
    assert!(
        out.stderr.contains("Set a challenge for account 'alice'"),
        "{}",
        out.stderr
    );
    let v = env.cmd().args(["--json", "status"]).run().ok().json();
    assert_eq!(v["encryption"], json!({"cse": true, "sse": "SSEv2r1"}));
    assert_eq!(v["counts"]["keychains"], 1);
    let chain = sse_keys(&env, PASS1);
    assert_eq!(chain.keys.len(), 1);
    assert_eq!(chain.keys[0].0, chain.current);
    assert_eq!(chain.keys[0].1.len(), 64);
    let id: String = env
        .sql("SELECT value FROM user_config WHERE user_id = 'alice' AND key = 'user/challenge/id'");
    let row: String = env.sql("SELECT uuid FROM challenges WHERE user_id = 'alice'");
    assert_eq!(id, row);
    let json = env
        .cmd()
        .args(["--json", "challenge", "verify", "--passphrase-env", "P"])
        .env("P", PASS1)
        .run()
        .ok();
    // The API's answer, and (an added key) the keychains that opened, as in a session.
    assert_eq!(json.json(), json!({"success": true, "keychains": 1}));
}

#[test]
fn keychains_survive_three_changes_with_every_key() {
    let env = Env::new();
    set(&env, PASS1, None).ok();
    let first = sse_keys(&env, PASS1);
    let passes = [
        PASS1,
        PASS2,
        "third passphrase here",
        "fourth and final one",
    ];
    for pair in passes.windows(2) {
        let out = set(&env, pair[1], Some(pair[0])).ok();
        assert!(
            out.stderr.contains("Changed the challenge"),
            "{}",
            out.stderr
        );
        assert_eq!(verify(&env, pair[0]), 5);
        assert_eq!(verify(&env, pair[1]), 0);
    }
    let last = sse_keys(&env, passes[3]);
    assert_eq!(last.keys.len(), 4);
    assert!(last.keys.contains(&first.keys[0]), "the first key was lost");
    assert_ne!(last.current, first.current);
    assert!(last.keys.iter().any(|(id, _)| *id == last.current));
    // Exactly one challenge row is left.
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM challenges"), 1);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM keychains"), 1);
}

#[test]
fn other_keychain_types_are_re_sealed_unchanged() {
    use pwaccount::formats::seal;
    let env = Env::new();
    set(&env, PASS1, None).ok();
    // The account key K, unsealed from the stored challenge as design §5 describes: the
    // secret derived from the passphrase opens `secret` (salt and nonce in `server_data`).
    let salts = Salts::from_hex(&get_salts(&env), "x").unwrap();
    let old_secret = derive(PASS1, &salts).unwrap();
    let (challenge_id, server_data, wrapped): (String, String, String) = {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.query_row(
            "SELECT uuid, server_data, secret FROM challenges WHERE user_id = 'alice'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    let server: Value = serde_json::from_str(&server_data).unwrap();
    let sealed_key = seal::Sealed {
        salt: server["salt"].as_str().unwrap().into(),
        nonce: server["nonce"].as_str().unwrap().into(),
        ciphertext: wrapped,
    };
    let k = seal::open(
        old_secret.bytes(),
        seal::KEY_WRAP_INFO,
        &seal::bound_to("alice", &challenge_id),
        &sealed_key,
    )
    .expect("the passphrase's secret opens the account key");
    // A client keychain (another type than the server's SSEv2r1), sealed under K by
    // another writer of the file.
    let client_chain = br#"{"keys":{"c1":"client key material"},"current":"c1"}"#;
    let sealed = seal::seal(
        &k,
        seal::KEYCHAIN_INFO,
        &seal::bound_to("alice", "CSEv1r1"),
        client_chain,
    )
    .unwrap();
    env.exec(&format!(
        "INSERT INTO keychains (uuid, user_id, type, scope, data) VALUES \
         ('client-chain', 'alice', 'CSEv1r1', 'client', '{}')",
        serde_json::to_string(&sealed).unwrap()
    ));
    let data_before: String = env.sql("SELECT data FROM keychains WHERE uuid = 'client-chain'");

    // Changing with the raw old secret works as well as with the old passphrase.
    env.cmd()
        .args([
            "challenge",
            "set",
            "--passphrase-env",
            "NEW",
            "--old-secret-env",
            "OLD",
        ])
        .env("NEW", PASS2)
        .env("OLD", old_secret.to_hex().as_str())
        .run()
        .ok();

    // Re-sealed (new ciphertext under the new key), same plaintext, same type and scope.
    let data_after: String = env.sql("SELECT data FROM keychains WHERE uuid = 'client-chain'");
    assert_ne!(data_before, data_after);
    let mut store = open_store(&env);
    let chains = challenge::open_keychains(
        &mut store,
        "alice",
        &Proof::Passphrase(SecretText::new(PASS2)),
    )
    .unwrap();
    let client = chains
        .iter()
        .find(|c| c.kind == "CSEv1r1")
        .expect("the client keychain");
    assert_eq!(&client.plaintext[..], &client_chain[..]);
    let scope: String = env.sql("SELECT scope FROM keychains WHERE uuid = 'client-chain'");
    assert_eq!(scope, "client");
    drop(store);
    assert_eq!(sse_keys(&env, PASS2).keys.len(), 2);
}

#[test]
fn changing_needs_the_current_passphrase_and_refuses_a_wrong_one() {
    let env = Env::populated(20);
    set(&env, PASS1, None).ok();
    let before = env.dump();

    let out = set(&env, PASS2, None).code(5);
    assert!(
        out.stderr
            .contains("the current passphrase (or secret) is required"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--old-passphrase-file"),
        "{}",
        out.stderr
    );
    let out = env
        .cmd()
        .args(["--json", "challenge", "set", "--passphrase-env", "N"])
        .env("N", PASS2)
        .run()
        .code(5);
    assert_eq!(out.error_id(), "passphrase_required");

    let out = set(&env, PASS2, Some("not the passphrase")).code(5);
    assert!(out.stderr.contains("passphrase is wrong"), "{}", out.stderr);
    let out = env
        .cmd()
        .args([
            "--json",
            "challenge",
            "set",
            "--passphrase-env",
            "N",
            "--old-secret-env",
            "O",
        ])
        .env("N", PASS2)
        .env("O", "ab".repeat(32))
        .run()
        .code(5);
    assert_eq!(out.error_id(), "passphrase_invalid");
    crate::harness::assert_same(&before, &env.dump(), "tests/challenge.rs:unchanged");
    assert_eq!(verify(&env, PASS1), 0);
}

#[test]
fn a_disabled_feature_refuses_before_anything_else() {
    let env = Env::new();
    set(&env, PASS1, None).ok();
    env.cmd()
        .args(["feature", "disable", "client-side-encryption"])
        .run()
        .ok();
    let before = env.dump();
    // No passphrase source and no terminal: the feature error still comes first.
    let out = env.cmd().args(["--json", "challenge", "set"]).run().code(6);
    assert_eq!(out.error_id(), "feature_disabled");
    set(&env, PASS2, Some(PASS1))
        .code(6)
        .stderr_has("feature enable client-side-encryption");
    crate::harness::assert_same(&before, &env.dump(), "tests/challenge.rs:unchanged");
    // Verifying still works: it changes nothing.
    assert_eq!(verify(&env, PASS1), 0);
}

#[test]
fn without_a_terminal_or_a_source_set_and_verify_name_the_flags() {
    let env = Env::new();
    let out = env.cmd().args(["challenge", "set"]).run().code(2);
    assert!(
        out.stderr.contains("--passphrase-file or --passphrase-env"),
        "{}",
        out.stderr
    );
    set(&env, PASS1, None).ok();
    let out = env
        .cmd()
        .args(["--json", "challenge", "verify"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "input_required");
    let out = env
        .cmd()
        .args(["challenge", "verify", "--no-input"])
        .run()
        .code(2);
    assert!(out.stderr.contains("--passphrase-file"), "{}", out.stderr);
}

#[test]
fn verify_exits_4_without_a_challenge() {
    let env = Env::new();
    assert_eq!(verify(&env, PASS1), 4);
}

#[test]
fn passphrase_lengths_are_counted_in_utf16_code_units_as_the_official_client_does() {
    let env = Env::new();
    let before = {
        env.cmd().arg("status").run().ok();
        env.dump()
    };
    for bad in [
        "x".repeat(11),
        "y".repeat(129),
        "é".repeat(11),
        // Outside the Basic Multilingual Plane a character is two UTF-16 units.
        "😀".repeat(100),
        "😀".repeat(65),
        format!("{}x", "😀".repeat(5)),
    ] {
        let out = env
            .cmd()
            .args(["--json", "challenge", "set", "--passphrase-env", "P"])
            .env("P", &bad)
            .run()
            .code(7);
        assert_eq!(out.error_id(), "passphrase_length");
        assert!(
            out.json()["message"]
                .as_str()
                .unwrap()
                .contains("--passphrase-file/--passphrase-env")
        );
    }
    crate::harness::assert_same(&before, &env.dump(), "tests/challenge.rs:unchanged");
    // 12 multi-byte characters are 24 bytes but a valid passphrase.
    set(&env, &"é".repeat(12), None).ok();
    set(&env, &"z".repeat(128), Some(&"é".repeat(12))).ok();
    // 6 emoji are 12 units (the client accepts them), 64 are 128.
    set(&env, &"😀".repeat(6), Some(&"z".repeat(128))).ok();
    set(&env, &"😀".repeat(64), Some(&"😀".repeat(6))).ok();
}

/// Every invalid input: the exit code, the error id, a fragment naming the field, and the
/// database unchanged.
#[test]
fn invalid_inputs_name_the_field_and_change_nothing() {
    let env = Env::populated(10);
    set(&env, PASS1, None).ok();
    let before = env.dump();
    let good = serde_json::to_string(&Salts::generate().unwrap().to_hex()).unwrap();
    let good_salts: Vec<String> = serde_json::from_str(&good).unwrap();
    let with = |i: usize, s: String| {
        let mut salts = good_salts.clone();
        salts[i] = s;
        serde_json::to_string(&salts).unwrap()
    };
    let secret = env.file("secret", "ab".repeat(32));
    let empty = env.file("empty", "");
    let newline_only = env.file("newline", "\n");
    let binary = env.file("binary", [0xff, 0xfe, 0x00, 0x41]);
    let short_secret = env.file("short", "ab".repeat(31));
    let bad_hex_secret = env.file("badhex", "zz".repeat(32));
    let huge = env.file("huge", vec![b'a'; 100_000]);
    let old = env.file("old", PASS1);

    let cases: Vec<(Vec<String>, i32, &str, &str)> = vec![
        (
            vec!["--data".into(), with(0, "0g".repeat(256))],
            7,
            "invalid_hex",
            "salt 0 in --data",
        ),
        (
            vec!["--data".into(), with(0, "ab".repeat(255))],
            7,
            "invalid_salt",
            "salt 0 in --data",
        ),
        (
            vec!["--data".into(), with(1, "ab".repeat(63))],
            7,
            "invalid_salt",
            "salt 1 in --data",
        ),
        (
            vec!["--data".into(), with(2, "ab".repeat(17))],
            7,
            "invalid_salt",
            "salt 2 in --data",
        ),
        (
            vec!["--data".into(), with(2, "xy".repeat(16))],
            7,
            "invalid_hex",
            "salt 2 in --data",
        ),
        (
            vec!["--data".into(), "{\"salts\":[]}".into()],
            7,
            "invalid_data",
            "--data must be a JSON array",
        ),
        (
            vec!["--data".into(), "not json".into()],
            7,
            "invalid_data",
            "not valid JSON",
        ),
        (
            vec!["--data".into(), "[\"a\",\"b\"]".into()],
            7,
            "invalid_data",
            "2 elements",
        ),
        (
            vec!["--data".into(), format!("[{good},\"a\",\"b\"]")],
            7,
            "invalid_data",
            "element 0 is not a string",
        ),
    ];
    let mut all = Vec::new();
    for (data, code, id, fragment) in cases {
        let mut args: Vec<String> = vec![
            "challenge".into(),
            "set".into(),
            "--secret-file".into(),
            secret.display().to_string(),
        ];
        args.extend(data);
        args.extend(["--old-passphrase-file".into(), old.display().to_string()]);
        all.push((args, code, id, fragment));
    }
    let raw = |file: &std::path::Path| -> Vec<String> {
        vec![
            "challenge".into(),
            "set".into(),
            "--secret-file".into(),
            file.display().to_string(),
            "--data".into(),
            good.clone(),
        ]
    };
    all.push((raw(&short_secret), 7, "invalid_secret", "--secret-file"));
    all.push((
        raw(&bad_hex_secret),
        7,
        "invalid_secret",
        "exactly 64 hexadecimal",
    ));
    all.push((raw(&empty), 7, "empty_input", "--secret-file"));
    all.push((raw(&newline_only), 7, "empty_input", "is empty"));
    all.push((raw(&binary), 7, "not_utf8", "not valid UTF-8"));
    all.push((raw(&huge), 7, "input_too_large", "more than 65536 bytes"));
    all.push((
        raw(&env.path("missing")),
        2,
        "cannot_read_file",
        "--secret-file",
    ));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    all.push((
        s(&[
            "challenge",
            "set",
            "--passphrase-file",
            "-",
            "--old-passphrase-file",
            "-",
        ]),
        2,
        "stdin_used_twice",
        "standard input",
    ));
    all.push((
        s(&["challenge", "set", "--passphrase-env", "NO_SUCH_VAR_HERE"]),
        2,
        "env_not_set",
        "NO_SUCH_VAR_HERE",
    ));
    all.push((
        s(&["challenge", "set", "--secret-env", "X"]),
        2,
        "usage",
        "--data",
    ));
    all.push((
        s(&["challenge", "set", "--data", "[]"]),
        2,
        "usage",
        "required",
    ));
    all.push((
        s(&[
            "challenge",
            "set",
            "--passphrase-env",
            "A",
            "--secret-env",
            "B",
            "--data",
            "[]",
        ]),
        2,
        "usage",
        "cannot be used with",
    ));
    all.push((
        s(&["challenge", "verify", "--secret-file", "-"]),
        7,
        "invalid_secret",
        "--secret-file",
    ));

    for (args, code, id, fragment) in all {
        let out = env
            .cmd()
            .arg("--json")
            .args(&args)
            .stdin(b"x\n".to_vec())
            .run()
            .code(code);
        assert_eq!(out.error_id(), id, "{args:?}");
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(fragment), "{args:?}: {message}");
        crate::harness::assert_same(&before, &env.dump(), "tests/challenge.rs:unchanged");
    }
}

#[test]
fn secret_files_lose_exactly_one_line_ending() {
    let env = Env::new();
    let v = &vectors()[0];
    let secret = v["secret"].as_str().unwrap();
    let data = v["salts"].to_string();
    let crlf = env.file("crlf", format!("{secret}\r\n"));
    env.cmd()
        .args(["challenge", "set", "--data", &data, "--secret-file"])
        .arg(&crlf)
        .run()
        .ok();
    assert_eq!(verify(&env, v["passphrase"].as_str().unwrap()), 0);
    // A passphrase with a trailing space keeps it; only the newline goes.
    let env = Env::new();
    let file = env.file("p", format!("{PASS1} \n"));
    env.cmd()
        .args(["challenge", "set", "--passphrase-file"])
        .arg(&file)
        .run()
        .ok();
    assert_eq!(verify(&env, PASS1), 5);
    assert_eq!(verify(&env, &format!("{PASS1} ")), 0);
    // Standard input works for one secret.
    env.cmd()
        .args(["challenge", "verify", "--passphrase-file", "-"])
        .stdin(format!("{PASS1} \n"))
        .run()
        .ok();
}

/// Another writer changes the challenge between the Argon2 step and the write: the stale
/// change fails cleanly and the other writer's challenge stands.
#[test]
fn a_change_made_meanwhile_by_another_writer_is_detected() {
    let env = Env::new();
    set(&env, PASS1, None).ok();
    let mut store = open_store(&env);
    let current: Option<Current> = challenge::prepare_set(&mut store, "alice").unwrap();
    assert!(current.is_some());
    // Meanwhile, someone else changes it.
    set(&env, PASS2, Some(PASS1)).ok();
    let err = challenge::set(
        &mut store,
        "alice",
        current.as_ref(),
        NewChallenge::Passphrase(SecretText::new("yet another passphrase")),
        Some(Proof::Passphrase(SecretText::new(PASS1))),
    )
    .unwrap_err();
    assert_eq!(err.id.as_str(), "challenge_changed");
    assert_eq!(err.exit_code(), 8);
    drop(store);
    assert_eq!(verify(&env, PASS2), 0);
    assert_eq!(sse_keys(&env, PASS2).keys.len(), 2);
}

/// libsodium itself (through PyNaCl, the reference client's library) in both directions:
/// it solves a challenge made here, and a challenge it made is accepted here. CI installs
/// PyNaCl (.ci/run); elsewhere the test says it was skipped when PyNaCl is missing.
#[test(pynacl)]
fn libsodium_agrees_in_both_directions() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/nacl_derive.py");
    let libsodium = |passphrase: &str, salts: &Value| -> String {
        let env = Env::new();
        let pass = env.file("p", passphrase);
        let salts_file = env.file("s.json", salts.to_string());
        let out = std::process::Command::new("python3")
            .arg(&script)
            .args(["--print"])
            .arg(&pass)
            .arg(&salts_file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    // Here → libsodium: the printed salts and the passphrase give a secret that verifies.
    let env = Env::new();
    let passphrase = vectors()[1]["passphrase"].as_str().unwrap().to_owned();
    set(&env, &passphrase, None).ok();
    let secret = libsodium(&passphrase, &json!(get_salts(&env)));
    env.cmd()
        .args(["challenge", "verify", "--secret-env", "S"])
        .env("S", &secret)
        .run()
        .ok();

    // libsodium → here: fresh salts, the secret libsodium derives, set in raw mode; the
    // passphrase then verifies.
    let env = Env::new();
    let salts = json!(Salts::generate().unwrap().to_hex());
    let secret = libsodium("a client's own passphrase", &salts);
    env.cmd()
        .args([
            "challenge",
            "set",
            "--secret-env",
            "S",
            "--data",
            &salts.to_string(),
        ])
        .env("S", &secret)
        .run()
        .ok();
    assert_eq!(verify(&env, "a client's own passphrase"), 0);
}
