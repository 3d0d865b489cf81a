//! Write the man page of pwaccount (roff) to standard output, from the command-line
//! definition. `scripts/completions.sh` stores it as man/pwaccount.1; a test keeps it fresh.

use clap::CommandFactory;

fn main() -> std::io::Result<()> {
    let command = pwaccount::cli::Cli::command();
    clap_mangen::Man::new(command).render(&mut std::io::stdout())
}
