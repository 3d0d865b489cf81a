//! Output rules that hold for every command: one JSON object with --json, usage errors,
//! --quiet, help text, and the checked-in completion scripts.

use crate::harness::{Env, Run};

#[test]
fn usage_errors_exit_2_and_speak_json_when_asked() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--json", "challenge", "frobnicate"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    let out = env.cmd().args(["challenge", "frobnicate"]).run().code(2);
    assert!(out.stderr.contains("error:"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    // Conflicting secret sources are refused before anything runs.
    let out = env
        .cmd()
        .args([
            "--json",
            "challenge",
            "set",
            "--passphrase-env",
            "A",
            "--passphrase-file",
            "f",
        ])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    assert!(
        !env.db.exists(),
        "a usage error must not even create the database"
    );
}

#[test]
fn quiet_keeps_stderr_for_errors_only() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["-q", "feature", "disable", "client-side-encryption"])
        .run()
        .ok();
    assert_eq!(out.stderr, "");
    let out = env.cmd().args(["-q", "challenge", "get"]).run().code(4);
    assert!(
        out.stderr
            .contains("no challenge is set for account 'alice'")
    );
}

#[test]
fn top_level_help_documents_exit_codes_and_environment() {
    let out = Run::new().arg("--help").run().ok();
    for needle in [
        "EXIT STATUS",
        "130",
        "PWACCOUNT_DB",
        "PWACCOUNT_USER",
        "PWACCOUNT_BUSY_TIMEOUT",
        "LOGNAME",
    ] {
        assert!(out.stdout.contains(needle), "help lacks {needle}");
    }
    for sub in [
        &["reset", "--help"][..],
        &["challenge", "set", "--help"],
        &["status", "--help"],
    ] {
        let out = Run::new().args(sub).run().ok();
        assert!(out.stdout.len() > 300, "{sub:?} help is too thin");
    }
    let out = Run::new().arg("--version").run().ok();
    assert_eq!(
        out.stdout,
        format!("pwaccount {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn completion_scripts_in_the_repository_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "pwaccount.bash"),
        ("zsh", "_pwaccount"),
        ("fish", "pwaccount.fish"),
        ("elvish", "pwaccount.elv"),
        ("powershell", "_pwaccount.ps1"),
    ] {
        let out = Run::new().args(["completions", shell]).run().ok();
        assert!(out.stdout.contains("pwaccount"));
        let checked_in = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            out.stdout == checked_in,
            "completions/{file} is stale: run `scripts/completions.sh` and commit the result"
        );
    }
}

#[test]
fn the_man_page_in_the_repository_is_fresh() {
    use clap::CommandFactory;
    let mut rendered = Vec::new();
    clap_mangen::Man::new(pwaccount::Cli::command())
        .render(&mut rendered)
        .unwrap();
    rendered.extend_from_slice(pwaccount::catalogue_roff().as_bytes());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man/pwaccount.1");
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        rendered == checked_in,
        "man/pwaccount.1 is stale: run `scripts/completions.sh` and commit the result"
    );
    let text = String::from_utf8(rendered).unwrap();
    assert!(text.contains("EXIT STATUS") && text.contains("PWACCOUNT_DB"));
    for id in pwaccount::Id::ALL {
        let entry = format!(
            "\\fB{}\\fR (exit {})",
            id.as_str().replace('_', "\\_"),
            id.exit_code()
        );
        assert!(text.contains(&entry), "the man page lacks {entry}");
    }
}

/// The README's catalogue of error ids is the one in the code, row for row.
#[test]
fn the_readme_lists_every_error_id_with_its_exit_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = "<!-- error catalogue: generated from src/error.rs; a test keeps it in step -->\n";
    let table = readme
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once("\n\n"))
        .map(|(table, _)| format!("{table}\n"))
        .expect("the README has no error catalogue");
    assert!(
        table == pwaccount::catalogue_markdown(),
        "the README's error catalogue differs from src/error.rs; it should be:\n{}",
        pwaccount::catalogue_markdown()
    );
}
