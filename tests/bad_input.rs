//! Bad inputs across every command, one test each: each fails with its documented exit
//! code and exactly its message (the scratch folder written as `[DIR]`), and leaves the
//! database and every file it touched exactly as they were.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::harness::{Env, Run, assert_same, checksum};

/// An account with data, a challenge, a snapshot and a pending reset code, and the files
/// the bad inputs point at.
struct Fixture {
    env: Env,
    snapshot: PathBuf,
    good_salts: String,
    empty: PathBuf,
    huge: PathBuf,
    binary: PathBuf,
    secret_63: PathBuf,
    secret_spaces: PathBuf,
    garbage_json: PathBuf,
    missing: PathBuf,
    folder: PathBuf,
    text_file: PathBuf,
    existing: PathBuf,
    db_truncated: PathBuf,
    db_png: PathBuf,
    db_unreadable: PathBuf,
    db_loop: PathBuf,
    db_newer: PathBuf,
    long_id: String,
}

impl Fixture {
    fn new() -> Self {
        let env = Env::populated(15);
        env.cmd()
            .args(["challenge", "set", "--passphrase-env", "P"])
            .env("P", "the passphrase here")
            .run()
            .ok();
        let snapshot = env.path("snap.sqlite");
        env.cmd().arg("backup").arg(&snapshot).run().ok();
        env.cmd().arg("reset").run().ok(); // a pending code, so wrong codes meet a real one
        let good_salts = serde_json::to_string(
            &pwaccount::formats::pwdv1::Salts::generate()
                .unwrap()
                .to_hex(),
        )
        .unwrap();
        let f = |name: &str, bytes: &[u8]| env.file(name, bytes);
        let folder = env.path("a-folder");
        std::fs::create_dir(&folder).unwrap();
        let db_unreadable = f("unreadable.sqlite", &std::fs::read(&snapshot).unwrap());
        std::fs::set_permissions(&db_unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
        let db_loop = env.path("loop.sqlite");
        std::os::unix::fs::symlink(&db_loop, &db_loop).unwrap();
        let db_newer = f("newer.sqlite", &std::fs::read(&snapshot).unwrap());
        rusqlite::Connection::open(&db_newer)
            .unwrap()
            .execute_batch("PRAGMA user_version = 9")
            .unwrap();
        Fixture {
            empty: f("empty", b""),
            huge: f("huge", &vec![b'x'; 70_000]),
            binary: f("binary", &[0xc3, 0x28, 0xa0, 0xa1]),
            secret_63: f("secret63", format!("{}\r\n", "a".repeat(63)).as_bytes()),
            secret_spaces: f("secretsp", format!(" {} ", "a".repeat(64)).as_bytes()),
            garbage_json: f("data.json", format!("{good_salts} trailing").as_bytes()),
            missing: env.path("does-not-exist"),
            text_file: f("notes.txt", b"just some notes, not a snapshot"),
            existing: f("existing.sqlite", b"keep me"),
            // Database files that must be refused, each checked unchanged by checksum.
            db_truncated: f(
                "truncated.sqlite",
                &std::fs::read(&snapshot).unwrap()[..100],
            ),
            db_png: f("image.sqlite", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            long_id: "x".repeat(65),
            folder,
            db_unreadable,
            db_loop,
            db_newer,
            good_salts,
            snapshot,
            env,
        }
    }

    fn c(&self) -> Run {
        self.env.cmd()
    }

    fn set(&self) -> Run {
        self.c().args(["challenge", "set"])
    }

    /// Raw mode with `data` as the salts, and the right old passphrase.
    fn raw(&self, data: String) -> Run {
        self.set()
            .args(["--secret-env", "S", "--data", &data])
            .env("S", "ab".repeat(32))
            .args(["--old-passphrase-env", "O"])
            .env("O", "the passphrase here")
    }

    /// The good salts with salt `i` replaced by `value`.
    fn salts_with(&self, i: usize, value: String) -> String {
        let mut v: Vec<String> = serde_json::from_str(&self.good_salts).unwrap();
        v[i] = value;
        serde_json::to_string(&v).unwrap()
    }

    fn pass(&self, s: &str) -> String {
        s.to_owned()
    }

    /// Run `run` with --json: exit `code`, an error envelope whose message is `expected`
    /// (the scratch folder as `[DIR]`), and the database and the watched files unchanged.
    #[track_caller]
    fn refuses(&self, run: Run, code: i32, expected: &str, name: &str) {
        let watched = [
            &self.db_truncated,
            &self.db_png,
            &self.db_newer,
            &self.snapshot,
            &self.existing,
            &self.text_file,
        ];
        let sums = || watched.iter().map(|p| checksum(p)).collect::<Vec<_>>();
        let before = self.env.dump();
        let files_before = sums();
        let out = run.arg("--json").run();
        assert_eq!(out.code, code, "{}", out.stdout);
        let v = out.json();
        assert_eq!(v["status"], "error");
        let message = v["message"].as_str().unwrap();
        // The message exactly, the scratch folder written as [DIR].
        let dir = self.env.dir.path().display().to_string();
        assert_eq!(message.replace(&dir, "[DIR]"), expected, "{name}");
        assert_same(&before, &self.env.dump(), "the database");
        assert_eq!(sums(), files_before, "a file changed");
        assert!(!self.missing.exists());
        std::fs::set_permissions(&self.db_unreadable, std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }
}

macro_rules! bad_inputs {
    ($($test:ident ($what:literal): $code:literal, $message:literal, |$fx:ident| $run:expr;)*) => {
        $(
            #[doc = $what]
            #[test]
            fn $test() {
                let $fx = Fixture::new();
                let run = $run;
                $fx.refuses(run, $code, $message, stringify!($test));
            }
        )*
    };
}

bad_inputs! {
    empty_user_id ("empty user id"): 2, "an account id must be 1 to 64 characters long; this one has 0", |fx| Run::new().db(&fx.env.db).args(["--user", "", "status"]);
    n65_character_user_id ("65-character user id"): 2, "an account id must be 1 to 64 characters long; this one has 65", |fx| Run::new()
                .db(&fx.env.db)
                .args(["--user", fx.long_id.as_str(), "status"]);
    tab_in_user_id ("tab in user id"): 2, "an account id must not contain control characters", |fx| Run::new().db(&fx.env.db).args(["--user", "a\tb", "status"]);
    escape_sequence_in_user_id ("escape sequence in user id"): 2, "an account id must not contain control characters", |fx| Run::new()
                .db(&fx.env.db)
                .args(["--user", "a\u{1b}[31m", "reset"]);
    newline_in_pwaccount_user ("newline in PWACCOUNT_USER"): 2, "an account id must not contain control characters", |fx| Run::new()
                .db(&fx.env.db)
                .env("PWACCOUNT_USER", "al\nice")
                .arg("status");
    empty_passphrase_file ("empty passphrase file"): 7, "--passphrase-file [DIR]/empty is empty", |fx| fx.set().arg("--passphrase-file").arg(&fx.empty);
    huge_passphrase_file ("huge passphrase file"): 7, "--passphrase-file [DIR]/huge holds more than 65536 bytes; that is not a passphrase, secret or salts file", |fx| fx.set().arg("--passphrase-file").arg(&fx.huge);
    binary_passphrase_file ("binary passphrase file"): 7, "--passphrase-file [DIR]/binary is not valid UTF-8 text", |fx| fx.set().arg("--passphrase-file").arg(&fx.binary);
    missing_passphrase_file ("missing passphrase file"): 2, "cannot read --passphrase-file [DIR]/does-not-exist: No such file or directory (os error 2)", |fx| fx.set().arg("--passphrase-file").arg(&fx.missing);
    directory_as_passphrase_file ("directory as passphrase file"): 2, "--passphrase-file [DIR]/a-folder: is a directory", |fx| fx.set().arg("--passphrase-file").arg(&fx.folder);
    n63_character_secret_with_crlf ("63-character secret with CRLF"): 7, "the secret from --secret-file/--secret-env must be exactly 64 hexadecimal characters", |fx| fx.set()
                .arg("--secret-file")
                .arg(&fx.secret_63)
                .args(["--data", &fx.good_salts]);
    secret_with_spaces ("secret with spaces"): 7, "the secret from --secret-file/--secret-env must be exactly 64 hexadecimal characters", |fx| fx.set()
                .arg("--secret-file")
                .arg(&fx.secret_spaces)
                .args(["--data", &fx.good_salts]);
    empty_old_secret_file ("empty old secret file"): 7, "--old-secret-file [DIR]/empty is empty", |fx| fx.set()
                .args(["--passphrase-env", "P"])
                .env("P", "a new passphrase")
                .arg("--old-secret-file")
                .arg(&fx.empty);
    unset_passphrase_variable ("unset passphrase variable"): 2, "the environment variable PWACCOUNT_TEST_UNSET (named by --passphrase-env) is not set", |fx| fx.set().args(["--passphrase-env", "PWACCOUNT_TEST_UNSET"]);
    empty_passphrase_variable ("empty passphrase variable"): 7, "--passphrase-env P is empty", |fx| fx.set().args(["--passphrase-env", "P"]).env("P", "");
    standard_input_twice ("standard input twice"): 2, "standard input can supply one value only, but both --passphrase-file and --old-passphrase-file ask for it; use a file or --…-env for one of them", |fx| fx.set()
                .args(["--passphrase-file", "-", "--old-passphrase-file", "-"])
                .stdin(b"x".to_vec());
    empty_standard_input ("empty standard input"): 7, "--secret-file (standard input) is empty", |fx| fx.c()
                .args(["challenge", "verify", "--secret-file", "-"])
                .stdin(Vec::new());
    data_not_json ("data not JSON"): 7, "--data must be a JSON array of three hex strings: it is not valid JSON (expected value at line 1 column 1)", |fx| fx.raw(fx.pass("salts please"));
    data_nested ("data nested"): 7, "--data must be a JSON array of three hex strings: element 0 is not a string", |fx| fx.raw(format!("[{}, \"a\", \"b\"]", fx.good_salts));
    data_an_object ("data an object"): 7, "--data must be a JSON array of three hex strings: it is not an array", |fx| fx.raw(fx.pass("{\"a\": 1}"));
    data_with_four_salts ("data with four salts"): 7, "--data must be a JSON array of three hex strings: it has 4 elements", |fx| fx.raw(fx.pass("[\"a\",\"b\",\"c\",\"d\"]"));
    salt_1_too_short ("salt 1 too short"): 7, "salt 1 in --data must be exactly 128 hex characters; it has 120", |fx| fx.raw(fx.salts_with(1, "ab".repeat(60)));
    salt_0_not_hex ("salt 0 not hex"): 7, "salt 0 in --data is not valid hexadecimal: character 1 is 'z', not one of 0-9, a-f, A-F", |fx| fx.raw(fx.salts_with(0, "zz".repeat(256)));
    salt_0_of_odd_length ("salt 0 of odd length"): 7, "salt 0 in --data has an odd number of hex characters (513); each byte takes two", |fx| fx.raw(fx.salts_with(0, "a".repeat(513)));
    salt_2_too_long ("salt 2 too long"): 7, "salt 2 in --data must be exactly 32 hex characters; it has 34", |fx| fx.raw(fx.salts_with(2, "ab".repeat(17)));
    missing_data_file ("missing data file"): 2, "cannot read --data-file [DIR]/does-not-exist: No such file or directory (os error 2)", |fx| fx.set()
                .args(["--secret-env", "S"])
                .env("S", "ab".repeat(32))
                .arg("--data-file")
                .arg(&fx.missing);
    data_file_with_trailing_garbage ("data file with trailing garbage"): 7, "--data-file must be a JSON array of three hex strings: it is not valid JSON (trailing characters at line 1 column 684)", |fx| fx.set()
                .args(["--secret-env", "S"])
                .env("S", "ab".repeat(32))
                .arg("--data-file")
                .arg(&fx.garbage_json);
    new_passphrase_of_11_characters ("new passphrase of 11 characters"): 7, "the passphrase must be at least 12 characters long (counted in UTF-16 code units, as the official client counts); the one given is below that minimum (from --passphrase-file/--passphrase-env)", |fx| fx.set()
                .args(["--passphrase-env", "P", "--old-passphrase-env", "O"])
                .env("P", "x".repeat(11))
                .env("O", "the passphrase here");
    new_passphrase_of_129_characters ("new passphrase of 129 characters"): 7, "the passphrase must be at most 128 characters long (counted in UTF-16 code units, as the official client counts); the one given is above that maximum (its length is not shown: it may be another file's) (from --passphrase-file/--passphrase-env)", |fx| fx.set()
                .args(["--passphrase-env", "P", "--old-passphrase-env", "O"])
                .env("P", "x".repeat(129))
                .env("O", "the passphrase here");
    wrong_old_passphrase ("wrong old passphrase"): 5, "the passphrase is wrong", |fx| fx.set()
                .args(["--passphrase-env", "P", "--old-passphrase-env", "O"])
                .env("P", "a new passphrase")
                .env("O", "not the passphrase");
    wrong_reset_code ("wrong reset code"): 3, "the reset code does not match the one issued last for account 'alice'; check it, or run `pwaccount reset` to get a new code", |fx| fx.c().args(["reset", "--code", "AAAA-BBBB-CCCC-DDDD"]);
    empty_reset_code ("empty reset code"): 3, "the reset code does not match the one issued last for account 'alice'; check it, or run `pwaccount reset` to get a new code", |fx| fx.c().args(["reset", "--code", ""]);
    huge_reset_code ("huge reset code"): 3, "the reset code does not match the one issued last for account 'alice'; check it, or run `pwaccount reset` to get a new code", |fx| fx.c().args(["reset", "--code", &"A".repeat(10_000)]);
    challenge_of_a_blank_account ("challenge of a blank account"): 4, "no challenge is set for account 'nobody-here'", |fx| fx.c().user("nobody-here").args(["challenge", "get"]);
    verify_a_wrong_passphrase ("verify a wrong passphrase"): 5, "the passphrase is wrong", |fx| fx.c()
                .args(["challenge", "verify", "--passphrase-env", "P"])
                .env("P", "not it at all");
    verify_a_malformed_secret ("verify a malformed secret"): 7, "the secret from --secret-file/--secret-env must be exactly 64 hexadecimal characters", |fx| fx.c()
                .args(["challenge", "verify", "--secret-env", "S"])
                .env("S", "xyz");
    restore_a_missing_file ("restore a missing file"): 2, "cannot read the snapshot [DIR]/does-not-exist: No such file or directory (os error 2)", |fx| fx.c().args(["restore", "--yes"]).arg(&fx.missing);
    restore_a_text_file ("restore a text file"): 8, "this is not a usable pwaccount snapshot: it is not an SQLite database", |fx| fx.c().args(["restore", "--yes", "--replace"]).arg(&fx.text_file);
    restore_a_folder ("restore a folder"): 2, "the snapshot [DIR]/a-folder is not a file", |fx| fx.c().args(["restore", "--yes"]).arg(&fx.folder);
    restore_into_another_account ("restore into another account"): 2, "cannot restore into account 'bob': the snapshot holds another account, 'alice', whose keys are sealed to its own id", |fx| fx.c()
                .user("bob")
                .args(["restore", "--yes", "--replace"])
                .arg(&fx.snapshot);
    restore_over_data_without_replace ("restore over data without --replace"): 3, "account 'alice' is not blank; add --replace to replace its data with the snapshot's", |fx| fx.c().args(["restore", "--yes"]).arg(&fx.snapshot);
    backup_over_an_existing_file ("backup over an existing file"): 2, "[DIR]/existing.sqlite already exists; choose another path, or allow replacing it with --force", |fx| fx.c().arg("backup").arg(&fx.existing);
    backup_into_a_missing_folder ("backup into a missing folder"): 8, "cannot use the folder [DIR]/does-not-exist: No such file or directory (os error 2)", |fx| fx.c().arg("backup").arg(fx.missing.join("x.sqlite"));
    backup_all_without_a_path ("backup --all without a path"): 2, "the following required arguments were not provided: <PATH>", |fx| fx.c().args(["backup", "--all"]);
    truncated_database ("truncated database"): 8, "the database file is corrupt", |fx| fx.c().db(&fx.db_truncated).arg("status");
    an_image_as_database ("an image as database"): 8, "the file is not an SQLite database", |fx| fx.c().db(&fx.db_png).arg("status");
    unreadable_database ("unreadable database"): 8, "the database file has no read permission bits; make it readable (chmod 600)", |fx| fx.c().db(&fx.db_unreadable).arg("status");
    symlink_loop_as_database ("symlink loop as database"): 8, "the database file cannot be opened: Too many levels of symbolic links (os error 40)", |fx| fx.c().db(&fx.db_loop).arg("status");
    folder_as_database ("folder as database"): 8, "the database path is a directory, not a file; give the path of a file with --db", |fx| fx.c().db(&fx.folder).arg("status");
    newer_database ("newer database"): 8, "the database has schema version 9, newer than this pwaccount understands (version 2); upgrade pwaccount", |fx| fx.c().db(&fx.db_newer).args(["reset"]);
    unknown_feature ("unknown feature"): 2, "invalid value 'time-travel' for '<NAME>' [possible values: client-side-encryption]", |fx| fx.c().args(["feature", "enable", "time-travel"]);
    busy_timeout_not_a_number ("busy timeout not a number"): 2, "invalid value 'soon' for '--busy-timeout <MS>': invalid digit found in string", |fx| fx.c().args(["--busy-timeout", "soon", "status"]);
    unknown_command ("unknown command"): 2, "unrecognized subcommand 'explode'", |fx| fx.c().arg("explode");
}
