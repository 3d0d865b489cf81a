//! pwaccount: the account API's flows (reset, challenge get/set/verify, restore, check)
//! run directly on a password manager's account database: pwaccount's own SQLite file, or
//! a Nextcloud installation's Passwords app on SQLite, PostgreSQL or MySQL/MariaDB.
//!
//! Data flows one way: `cli` → `cmd` → `account` → `store` / `crypto`, and results come
//! back up to `output`.
//!
//! The library's public face is what the binary (`run`), the tests and the examples use;
//! every module is private, and `unreachable_pub` keeps the rest `pub(crate)`.

mod account;
mod cli;
mod cmd;
mod crypto;
mod error;
mod interrupt;
mod output;
mod prompt;
mod store;
mod sys;
mod text;

pub use cli::Cli;
pub use crypto::SecretText;
pub use error::{Id, catalogue_markdown, catalogue_roff};
pub use output::{describe_counts, error_json};
pub use store::audit::{Action, Record};
#[cfg(feature = "populate")]
pub use store::file::populate::populate;
pub use store::file::{AccountStore, RESET_TABLES};
pub use store::{Access, Counts};

/// The challenge flow on the pwaccount file, for tests that set accounts up directly.
pub mod challenge {
    use crate::account::challenge as flow;
    pub use crate::account::challenge::{Current, NewChallenge, OpenKeychain, Proof};
    pub use crate::account::codec::pwaccount::SseKeychain;
    use crate::error::Result;
    use crate::store::file::AccountStore;

    /// What `challenge set` checks before asking for passphrases; the current challenge.
    pub fn prepare_set(store: &mut AccountStore, user: &str) -> Result<Option<Current>> {
        flow::prepare_set(store, user)
    }

    /// `challenge set` from `current` (as `prepare_set` returned it).
    pub fn set(
        store: &mut AccountStore,
        user: &str,
        current: Option<&Current>,
        new: NewChallenge,
        old: Option<Proof>,
    ) -> Result<()> {
        flow::set(store, user, current, new, old)
    }

    /// Every keychain of the account, opened with the key `proof` unlocks.
    pub fn open_keychains(
        store: &mut AccountStore,
        user: &str,
        proof: &Proof,
    ) -> Result<Vec<OpenKeychain>> {
        flow::open_keychains(store, user, proof)
    }
}

/// The formats pwaccount reads and writes, for tests, benchmarks and examples: the
/// passphrase derivation, the sealing of keys, Nextcloud's `ICrypto`, snapshot files.
pub mod formats {
    /// The passphrase derivation (PWDv1r1).
    pub mod pwdv1 {
        pub use crate::crypto::pwdv1::{ARGON2_COST, Salts, Secret, argon2id, derive};
    }

    /// The pwaccount file's sealing of keys and keychains.
    pub mod seal {
        pub use crate::crypto::seal::{
            AccountKey, KEY_WRAP_INFO, KEYCHAIN_INFO, Sealed, bound_to, open, seal,
        };
    }

    /// Nextcloud's `ICrypto` format.
    pub mod icrypto {
        pub use crate::crypto::icrypto::{Failure, decrypt};
    }

    /// Per-account snapshot files.
    pub mod snapshot {
        pub use crate::store::file::snapshot::inspect;
        pub use crate::store::snapshot::{PutBack, SnapshotInfo};
    }
}

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use crate::error::Error;
use crate::output::Output;

/// Parse the command line, run the command, print its result or its error once, and
/// return the exit code of design §2.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    // Before anything else: no core dump may hold what this run reads.
    sys::keep_out_of_core_dumps();
    let args: Vec<OsString> = args.into_iter().collect();
    sys::note_secret_variables(&args);
    // First of all: from here on an interruption is a request, not the end of the process.
    let json = wants_json(&args);
    interrupt::install(move |error| {
        let out = Output { json, quiet: false };
        if !json {
            output::to_stderr("");
        }
        let _ = out.fail(error);
    });
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_failure(&e, &args),
    };
    let out = Output {
        json: cli.json,
        quiet: cli.quiet,
    };
    let mut result = cmd::run(cli, out);
    // An interruption that stopped nothing (the command finished first, without
    // committing a change) is still an interruption: nothing was changed.
    // A lock wait given up because of an interruption is the interruption, not a busy
    // database.
    let interrupted = interrupt::requested() && !interrupt::committed();
    if interrupted
        && result
            .as_ref()
            .map_or_else(|e| e.id == Id::DatabaseBusy, |_| true)
    {
        result = Err(Error::stopped());
    }
    match result {
        Ok(report) => match out.emit(&report) {
            Ok(()) => ExitCode::from(report.exit_code),
            Err(e) => output_failed(&e),
        },
        Err(error) => {
            let code = ExitCode::from(error.exit_code());
            if let Err(e) = out.fail(&error)
                && out.json
            {
                // The failure's own exit status says more than "could not print it".
                let _ = output_failed(&e);
            }
            code
        }
    }
}

/// Parse the arguments. `--db` and `--nextcloud` name two different stores: both typed is
/// a usage error; one typed wins over the other's environment variable; both only from
/// the environment is a usage error that names the two variables.
fn parse(args: &[OsString]) -> Result<cli::Cli, clap::Error> {
    let mut command = cli::Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    let mut cli = cli::Cli::from_arg_matches(&matches)?;
    let typed = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    match (typed("db"), typed("nextcloud")) {
        (true, true) => {
            return Err(command.error(
                ErrorKind::ArgumentConflict,
                "the argument '--nextcloud <PATH>' cannot be used with '--db <PATH>'",
            ));
        }
        (true, false) => cli.nextcloud = None,
        (false, true) => cli.db = None,
        (false, false) if cli.db.is_some() && cli.nextcloud.is_some() => {
            return Err(command.error(
                ErrorKind::ArgumentConflict,
                "the environment variables PWACCOUNT_DB and PWACCOUNT_NEXTCLOUD both name a \
                 database; unset one of them, or give --db or --nextcloud",
            ));
        }
        (false, false) => {}
    }
    Ok(cli)
}

/// The result could not be written to standard output. A closed pipe (the reader went
/// away) ends quietly; anything else is said on standard error. Either way the exit
/// status is not 0: nobody saw the result.
fn output_failed(e: &std::io::Error) -> ExitCode {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        output::to_stderr(&format!(
            "pwaccount: error: the command ran, but its result could not be written to \
             standard output ({e})"
        ));
    }
    ExitCode::from(1)
}

/// Whether `--json` is among the arguments (before clap has parsed them).
fn wants_json(args: &[OsString]) -> bool {
    args.iter().skip(1).any(|a| a == "--json")
}

/// clap's own output for help and version; otherwise a usage error (exit 2), as the JSON
/// envelope when `--json` was among the arguments.
fn usage_failure(e: &clap::Error, args: &[OsString]) -> ExitCode {
    let informational = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    let json = wants_json(args);
    if informational || !json {
        let _ = e.print();
        return ExitCode::from(if informational { 0 } else { 2 });
    }
    // clap's text without its usage and hint lines, on one line: "the following required
    // arguments were not provided: --data <JSON>".
    let rendered = e.to_string();
    let first = rendered
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned();
    let error = Error::new(Id::Usage, first);
    let out = Output {
        json: true,
        quiet: false,
    };
    match out.fail(&error) {
        Ok(()) => ExitCode::from(2),
        Err(e) => output_failed(&e),
    }
}
