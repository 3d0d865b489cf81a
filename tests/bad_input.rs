//! A table of bad inputs across every command: each fails with its documented exit code
//! and a message naming the problem, and leaves the database exactly as it was.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::harness::{Env, Run, assert_same, checksum};

struct Case {
    name: &'static str,
    run: Run,
    code: i32,
    fragment: &'static str,
}

#[test]
fn bad_inputs_fail_clearly_and_change_nothing() {
    let env = Env::populated(15);
    let pass = |s: &str| s.to_owned();
    env.cmd()
        .args(["challenge", "set", "--passphrase-env", "P"])
        .env("P", "the passphrase here")
        .run()
        .ok();
    let snapshot = env.path("snap.sqlite");
    env.cmd().arg("backup").arg(&snapshot).run().ok();
    env.cmd().arg("reset").run().ok(); // a pending code, so wrong codes meet a real one

    let good_salts = serde_json::to_string(
        &pwaccount::crypto::pwdv1::Salts::generate()
            .unwrap()
            .to_hex(),
    )
    .unwrap();
    let salts_with = |i: usize, value: String| {
        let mut v: Vec<String> = serde_json::from_str(&good_salts).unwrap();
        v[i] = value;
        serde_json::to_string(&v).unwrap()
    };
    let f = |name: &str, bytes: &[u8]| env.file(name, bytes);
    let empty = f("empty", b"");
    let huge = f("huge", &vec![b'x'; 70_000]);
    let binary = f("binary", &[0xc3, 0x28, 0xa0, 0xa1]);
    let secret_63 = f("secret63", format!("{}\r\n", "a".repeat(63)).as_bytes());
    let secret_spaces = f("secretsp", format!(" {} ", "a".repeat(64)).as_bytes());
    let garbage_json = f("data.json", format!("{good_salts} trailing").as_bytes());
    let missing = env.path("does-not-exist");
    let folder = env.path("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let text_file = f("notes.txt", b"just some notes, not a snapshot");
    let existing = f("existing.sqlite", b"keep me");

    // Database files that must be refused, each checked unchanged by checksum.
    let db_truncated = f(
        "truncated.sqlite",
        &std::fs::read(&snapshot).unwrap()[..100],
    );
    let db_png = f("image.sqlite", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let db_unreadable = f("unreadable.sqlite", &std::fs::read(&snapshot).unwrap());
    std::fs::set_permissions(&db_unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    let db_loop = env.path("loop.sqlite");
    std::os::unix::fs::symlink(&db_loop, &db_loop).unwrap();
    let db_newer = f("newer.sqlite", &std::fs::read(&snapshot).unwrap());
    rusqlite::Connection::open(&db_newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 9")
        .unwrap();

    let c = || env.cmd();
    let set = || c().args(["challenge", "set"]);
    let raw = |data: String| {
        set()
            .args(["--secret-env", "S", "--data", &data])
            .env("S", "ab".repeat(32))
            .args(["--old-passphrase-env", "O"])
            .env("O", "the passphrase here")
    };
    let long_id = "x".repeat(65);
    let cases = vec![
        Case {
            name: "empty user id",
            run: Run::new().db(&env.db).args(["--user", "", "status"]),
            code: 2,
            fragment: "",
        },
        Case {
            name: "65-character user id",
            run: Run::new()
                .db(&env.db)
                .args(["--user", long_id.as_str(), "status"]),
            code: 2,
            fragment: "1 to 64 characters",
        },
        Case {
            name: "tab in user id",
            run: Run::new().db(&env.db).args(["--user", "a\tb", "status"]),
            code: 2,
            fragment: "control characters",
        },
        Case {
            name: "escape sequence in user id",
            run: Run::new()
                .db(&env.db)
                .args(["--user", "a\u{1b}[31m", "reset"]),
            code: 2,
            fragment: "control characters",
        },
        Case {
            name: "newline in PWACCOUNT_USER",
            run: Run::new()
                .db(&env.db)
                .env("PWACCOUNT_USER", "al\nice")
                .arg("status"),
            code: 2,
            fragment: "control characters",
        },
        Case {
            name: "empty passphrase file",
            run: set().arg("--passphrase-file").arg(&empty),
            code: 7,
            fragment: "is empty",
        },
        Case {
            name: "huge passphrase file",
            run: set().arg("--passphrase-file").arg(&huge),
            code: 7,
            fragment: "more than 65536 bytes",
        },
        Case {
            name: "binary passphrase file",
            run: set().arg("--passphrase-file").arg(&binary),
            code: 7,
            fragment: "not valid UTF-8",
        },
        Case {
            name: "missing passphrase file",
            run: set().arg("--passphrase-file").arg(&missing),
            code: 2,
            fragment: "cannot read --passphrase-file",
        },
        Case {
            name: "directory as passphrase file",
            run: set().arg("--passphrase-file").arg(&folder),
            code: 2,
            fragment: "is a directory",
        },
        Case {
            name: "63-character secret with CRLF",
            run: set()
                .arg("--secret-file")
                .arg(&secret_63)
                .args(["--data", &good_salts]),
            code: 7,
            fragment: "exactly 64 hexadecimal",
        },
        Case {
            name: "secret with spaces",
            run: set()
                .arg("--secret-file")
                .arg(&secret_spaces)
                .args(["--data", &good_salts]),
            code: 7,
            fragment: "exactly 64 hexadecimal",
        },
        Case {
            name: "empty old secret file",
            run: set()
                .args(["--passphrase-env", "P"])
                .env("P", "a new passphrase")
                .arg("--old-secret-file")
                .arg(&empty),
            code: 7,
            fragment: "is empty",
        },
        Case {
            name: "unset passphrase variable",
            run: set().args(["--passphrase-env", "PWACCOUNT_TEST_UNSET"]),
            code: 2,
            fragment: "PWACCOUNT_TEST_UNSET",
        },
        Case {
            name: "empty passphrase variable",
            run: set().args(["--passphrase-env", "P"]).env("P", ""),
            code: 7,
            fragment: "is empty",
        },
        Case {
            name: "standard input twice",
            run: set()
                .args(["--passphrase-file", "-", "--old-passphrase-file", "-"])
                .stdin(b"x".to_vec()),
            code: 2,
            fragment: "standard input",
        },
        Case {
            name: "empty standard input",
            run: c()
                .args(["challenge", "verify", "--secret-file", "-"])
                .stdin(Vec::new()),
            code: 7,
            fragment: "is empty",
        },
        Case {
            name: "data not JSON",
            run: raw(pass("salts please")),
            code: 7,
            fragment: "not valid JSON",
        },
        Case {
            name: "data nested",
            run: raw(format!("[{good_salts}, \"a\", \"b\"]")),
            code: 7,
            fragment: "element 0 is not a string",
        },
        Case {
            name: "data an object",
            run: raw(pass("{\"a\": 1}")),
            code: 7,
            fragment: "not an array",
        },
        Case {
            name: "data with four salts",
            run: raw(pass("[\"a\",\"b\",\"c\",\"d\"]")),
            code: 7,
            fragment: "4 elements",
        },
        Case {
            name: "salt 1 too short",
            run: raw(salts_with(1, "ab".repeat(60))),
            code: 7,
            fragment: "salt 1",
        },
        Case {
            name: "salt 0 not hex",
            run: raw(salts_with(0, "zz".repeat(256))),
            code: 7,
            fragment: "salt 0",
        },
        Case {
            name: "salt 0 of odd length",
            run: raw(salts_with(0, "a".repeat(513))),
            code: 7,
            fragment: "salt 0",
        },
        Case {
            name: "salt 2 too long",
            run: raw(salts_with(2, "ab".repeat(17))),
            code: 7,
            fragment: "salt 2",
        },
        Case {
            name: "missing data file",
            run: set()
                .args(["--secret-env", "S"])
                .env("S", "ab".repeat(32))
                .arg("--data-file")
                .arg(&missing),
            code: 2,
            fragment: "--data-file",
        },
        Case {
            name: "data file with trailing garbage",
            run: set()
                .args(["--secret-env", "S"])
                .env("S", "ab".repeat(32))
                .arg("--data-file")
                .arg(&garbage_json),
            code: 7,
            fragment: "--data-file must be a JSON array",
        },
        Case {
            name: "new passphrase of 11 characters",
            run: set()
                .args(["--passphrase-env", "P", "--old-passphrase-env", "O"])
                .env("P", "x".repeat(11))
                .env("O", "the passphrase here"),
            code: 7,
            fragment: "at least 12",
        },
        Case {
            name: "new passphrase of 129 characters",
            run: set()
                .args(["--passphrase-env", "P", "--old-passphrase-env", "O"])
                .env("P", "x".repeat(129))
                .env("O", "the passphrase here"),
            code: 7,
            fragment: "at most 128",
        },
        Case {
            name: "wrong old passphrase",
            run: set()
                .args(["--passphrase-env", "P", "--old-passphrase-env", "O"])
                .env("P", "a new passphrase")
                .env("O", "not the passphrase"),
            code: 5,
            fragment: "wrong",
        },
        Case {
            name: "wrong reset code",
            run: c().args(["reset", "--code", "AAAA-BBBB-CCCC-DDDD"]),
            code: 3,
            fragment: "does not match",
        },
        Case {
            name: "empty reset code",
            run: c().args(["reset", "--code", ""]),
            code: 3,
            fragment: "does not match",
        },
        Case {
            name: "huge reset code",
            run: c().args(["reset", "--code", &"A".repeat(10_000)]),
            code: 3,
            fragment: "does not match",
        },
        Case {
            name: "challenge of a blank account",
            run: c().user("nobody-here").args(["challenge", "get"]),
            code: 4,
            fragment: "no challenge is set for account 'nobody-here'",
        },
        Case {
            name: "verify a wrong passphrase",
            run: c()
                .args(["challenge", "verify", "--passphrase-env", "P"])
                .env("P", "not it at all"),
            code: 5,
            fragment: "wrong",
        },
        Case {
            name: "verify a malformed secret",
            run: c()
                .args(["challenge", "verify", "--secret-env", "S"])
                .env("S", "xyz"),
            code: 7,
            fragment: "64 hexadecimal",
        },
        Case {
            name: "restore a missing file",
            run: c().args(["restore", "--yes"]).arg(&missing),
            code: 2,
            fragment: "cannot read the snapshot",
        },
        Case {
            name: "restore a text file",
            run: c().args(["restore", "--yes", "--replace"]).arg(&text_file),
            code: 8,
            fragment: "not an SQLite database",
        },
        Case {
            name: "restore a folder",
            run: c().args(["restore", "--yes"]).arg(&folder),
            code: 2,
            fragment: "is not a file",
        },
        Case {
            name: "restore into another account",
            run: c()
                .user("bob")
                .args(["restore", "--yes", "--replace"])
                .arg(&snapshot),
            code: 2,
            fragment: "cannot restore into account 'bob': the snapshot holds another account, 'alice'",
        },
        Case {
            name: "restore over data without --replace",
            run: c().args(["restore", "--yes"]).arg(&snapshot),
            code: 3,
            fragment: "--replace",
        },
        Case {
            name: "backup over an existing file",
            run: c().arg("backup").arg(&existing),
            code: 2,
            fragment: "already exists",
        },
        Case {
            name: "backup into a missing folder",
            run: c().arg("backup").arg(missing.join("x.sqlite")),
            code: 8,
            fragment: "cannot use the folder",
        },
        Case {
            name: "backup --all without a path",
            run: c().args(["backup", "--all"]),
            code: 2,
            fragment: "required",
        },
        Case {
            name: "truncated database",
            run: c().db(&db_truncated).arg("status"),
            code: 8,
            fragment: "corrupt",
        },
        Case {
            name: "an image as database",
            run: c().db(&db_png).arg("status"),
            code: 8,
            fragment: "not an SQLite database",
        },
        Case {
            name: "unreadable database",
            run: c().db(&db_unreadable).arg("status"),
            code: 8,
            fragment: "no read permission",
        },
        Case {
            name: "symlink loop as database",
            run: c().db(&db_loop).arg("status"),
            code: 8,
            fragment: "cannot be opened",
        },
        Case {
            name: "folder as database",
            run: c().db(&folder).arg("status"),
            code: 8,
            fragment: "is a directory",
        },
        Case {
            name: "newer database",
            run: c().db(&db_newer).args(["reset"]),
            code: 8,
            fragment: "newer than this pwaccount",
        },
        Case {
            name: "unknown feature",
            run: c().args(["feature", "enable", "time-travel"]),
            code: 2,
            fragment: "invalid value",
        },
        Case {
            name: "busy timeout not a number",
            run: c().args(["--busy-timeout", "soon", "status"]),
            code: 2,
            fragment: "invalid value",
        },
        Case {
            name: "unknown command",
            run: c().arg("explode"),
            code: 2,
            fragment: "unrecognized subcommand",
        },
    ];
    assert!(cases.len() >= 40, "{} cases", cases.len());

    let watched: Vec<PathBuf> = vec![
        db_truncated.clone(),
        db_png.clone(),
        db_newer.clone(),
        snapshot.clone(),
        existing.clone(),
        text_file.clone(),
    ];
    let sums = |paths: &[PathBuf]| paths.iter().map(|p| checksum(p)).collect::<Vec<_>>();
    let before = env.dump();
    let files_before = sums(&watched);
    for case in cases {
        let out = case.run.arg("--json").run();
        assert_eq!(out.code, case.code, "{}: {}", case.name, out.stdout);
        let v = out.json();
        assert_eq!(v["status"], "error", "{}", case.name);
        let message = v["message"].as_str().unwrap();
        assert!(message.contains(case.fragment), "{}: {message}", case.name);
        assert_same(&before, &env.dump(), case.name);
        assert_eq!(
            sums(&watched),
            files_before,
            "{}: a file changed",
            case.name
        );
        assert!(!missing.exists(), "{}", case.name);
    }
    std::fs::set_permissions(&db_unreadable, std::fs::Permissions::from_mode(0o600)).unwrap();
}
