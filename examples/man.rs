//! Write the man page of pwaccount (roff) to standard output, from the command-line
//! definition. `scripts/completions.sh` stores it as man/pwaccount.1; a test keeps it fresh.
// A program of its own, outside the layers clippy.toml guards.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use clap::CommandFactory;

use std::io::Write;

fn main() -> std::io::Result<()> {
    let command = pwaccount::Cli::command();
    let mut out = std::io::stdout();
    clap_mangen::Man::new(command).render(&mut out)?;
    out.write_all(pwaccount::catalogue_roff().as_bytes())
}
