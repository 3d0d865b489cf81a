//! The README's walkthrough, run: every `$ ` line of its `console` block is run by bash in
//! a scratch folder (one session, so `export` and variables carry over), and what it
//! prints (standard output and error together) must match the lines below it, where
//! `[..]` stands for any text within a line and a line `...` for any number of lines.
//! The README therefore cannot drift from the tool.

use std::path::Path;
use std::process::{Command, Stdio};

/// The walkthrough's steps: each command with the lines it must print.
fn walkthrough() -> Vec<(String, Vec<String>)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Walkthrough")
        .nth(1)
        .expect("a Walkthrough section");
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a console block in the walkthrough");
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => steps.push((command.to_owned(), Vec::new())),
            None => steps
                .last_mut()
                .expect("output before the first command")
                .1
                .push(line.to_owned()),
        }
    }
    steps
}

/// Whether `actual` matches `expected`, where `[..]` matches any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether the lines match, `...` standing for any number of lines.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((dots, rest)) if dots == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((line, rest)) => {
            !actual.is_empty() && line_matches(line, actual[0]) && lines_match(rest, &actual[1..])
        }
    }
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let steps = walkthrough();
    assert!(
        steps.len() >= 10,
        "the walkthrough has only {} steps",
        steps.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_pwaccount")).parent().unwrap();
    let mut script = String::from("exec 2>&1 </dev/null\n");
    for (i, (command, _)) in steps.iter().enumerate() {
        // The README runs the example through cargo; here it is already built.
        let command = command.replace("cargo run --quiet --example populate --", "populate");
        script.push_str(&format!("echo '@@@ step {i}'\n{command}\n"));
    }
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        bin.join("examples").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut outputs: Vec<Vec<&str>> = Vec::new();
    for line in text.lines() {
        if line.starts_with("@@@ step ") {
            outputs.push(Vec::new());
        } else {
            outputs
                .last_mut()
                .expect("output before the first step")
                .push(line);
        }
    }
    assert_eq!(outputs.len(), steps.len(), "{text}");
    for ((command, expected), actual) in steps.iter().zip(&outputs) {
        assert!(
            lines_match(expected, actual),
            "README step `$ {command}` printed:\n{}\n--- the README says:\n{}",
            actual.join("\n"),
            expected.join("\n")
        );
    }
}

#[test]
fn the_matcher_matches_what_it_should_and_nothing_else() {
    assert!(line_matches("a [..] c", "a b c"));
    assert!(line_matches("[..]/x", "/tmp/x"));
    assert!(!line_matches("a [..] c", "a b d"));
    assert!(!line_matches("abc", "abcd"));
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(lines_match(
        &lines(&["a", "...", "d"]),
        &["a", "b", "c", "d"]
    ));
    assert!(!lines_match(&lines(&["a", "...", "d"]), &["a", "b", "c"]));
    assert!(!lines_match(&lines(&["a"]), &["a", "b"]));
}
