use clap::CommandFactory;
use clap_complete::Shell;
use serde_json::json;

use crate::cli::Cli;
use crate::output::Report;

/// The completion script for `shell`, as generated from the command-line definition.
fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pwaccount", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub(super) fn run(shell: Shell) -> Report {
    let text = script(shell);
    Report::new(json!({ "shell": shell.to_string(), "script": text })).stdout(text)
}
