//! The layering rules of docs/conventions.md that no type or lint can hold, checked on the
//! source: printing, ending the process, SQLite's and the terminal's types are held by
//! clippy.toml (`disallowed-*`) and unsafe code by `unsafe_code = "deny"`; what is left
//! here is text (SQL outside the store, any rusqlite or console path) and imports. The rules:
//! data flows `cli` → `cmd` → `account` → `store` / `crypto`, and each kind of work has
//! one home. A rule broken anywhere in `src/` fails here, naming the file and the line.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every line of code in `src/` (comments left out), as (file relative to src/, line
/// number, text).
fn code_lines() -> Vec<(String, usize, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut lines = Vec::new();
    for file in files {
        let name = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for (i, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            lines.push((name.clone(), i + 1, line.to_owned()));
        }
    }
    assert!(lines.len() > 1000, "src/ was not found");
    lines
}

/// Fails listing every line, in a file `checked` picks, that contains one of `needles`.
fn forbid(rule: &str, needles: &[&str], checked: impl Fn(&str) -> bool) {
    let offenders: Vec<String> = code_lines()
        .into_iter()
        .filter(|(file, _, _)| checked(file))
        .filter(|(_, _, line)| needles.iter().any(|n| line.contains(n)))
        .map(|(file, n, line)| format!("src/{file}:{n}: {}", line.trim()))
        .collect();
    assert!(offenders.is_empty(), "{rule}:\n{}", offenders.join("\n"));
}

/// `needles` may appear only in the files under `allowed`.
fn only_in(rule: &str, needles: &[&str], allowed: &[&str]) {
    forbid(rule, needles, |file| {
        !allowed.iter().any(|a| file.starts_with(a))
    });
}

/// `needles` must not appear in the files under `layer`.
fn never_in(rule: &str, needles: &[&str], layer: &[&str]) {
    forbid(rule, needles, |file| {
        layer.iter().any(|l| file.starts_with(l))
    });
}

#[test]
fn sql_is_written_only_in_the_store() {
    only_in(
        "SQL outside src/store/",
        &[
            "SELECT ",
            "INSERT ",
            "UPDATE ",
            "DELETE FROM",
            "PRAGMA ",
            "CREATE TABLE",
            "CREATE INDEX",
            "ATTACH ",
            "DETACH ",
            "VACUUM",
            "BEGIN IMMEDIATE",
        ],
        &["store/"],
    );
}

#[test]
fn only_the_store_and_the_error_type_know_sqlite() {
    only_in(
        "rusqlite outside src/store/ (and the error conversion in error.rs)",
        &["rusqlite"],
        &["store/", "error.rs"],
    );
}

#[test]
fn only_the_prompt_module_talks_to_the_terminal() {
    only_in(
        "dialoguer outside src/prompt.rs",
        &["dialoguer"],
        &["prompt.rs"],
    );
    only_in(
        "console outside src/prompt.rs and src/sys.rs",
        &["console::"],
        &["prompt.rs", "sys.rs"],
    );
}

#[test]
fn lower_layers_never_reach_up() {
    let above = ["crate::cli", "crate::cmd", "crate::prompt", "crate::output"];
    never_in(
        "the account layer uses the command line, commands, prompts or output",
        &[&above[..], &["super::super"]].concat(),
        &["account/"],
    );
    never_in(
        "the store uses accounts, commands, prompts or output",
        &[&above[..], &["crate::account"]].concat(),
        &["store/"],
    );
    never_in(
        "crypto uses the store, accounts, commands, prompts or output",
        &[&above[..], &["crate::store", "crate::account"]].concat(),
        &["crypto/"],
    );
    never_in(
        "error.rs or sys.rs depend on another module of the crate",
        &["crate::"],
        &["error.rs", "sys.rs"],
    );
    never_in(
        "text.rs depends on more than the error type",
        &[
            &above[..],
            &["crate::store", "crate::account", "crate::crypto"],
        ]
        .concat(),
        &["text.rs"],
    );
}
