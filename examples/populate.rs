//! Fill one account with synthetic data, for tests, benchmarks and trying pwaccount out.
//!
//!     cargo run --release --example populate -- --db accounts.sqlite --user alice --passwords 1000
//!
//! For N passwords it writes N passwords with 3 revisions each, N/20 folders and N/50 tags
//! (2 revisions each, at least one of each), one or two tag assignments per password,
//! N/100 shares each way with --peer (default "populate-peer"), 8 settings, 4 configuration
//! entries, 3 sessions and 3 tokens.
//!
//! With `--accounts K`, K accounts are filled so, named `ID-0000` … (the number padded to
//! four digits or more), for databases of many accounts:
//!
//!     cargo run --release --example populate -- --db big.sqlite --user u --accounts 2000 --passwords 500
// A program of its own, outside the layers clippy.toml guards.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut db: Option<PathBuf> = None;
    let mut user: Option<String> = None;
    let mut passwords: u64 = 100;
    let mut accounts: Option<u64> = None;
    let mut peer = "populate-peer".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        let ok = match (flag.as_str(), value) {
            ("--db", Some(v)) => {
                db = Some(v.into());
                true
            }
            ("--user", Some(v)) => {
                user = Some(v);
                true
            }
            ("--peer", Some(v)) => {
                peer = v;
                true
            }
            ("--accounts", Some(v)) => match v.parse() {
                Ok(n) => {
                    accounts = Some(n);
                    true
                }
                Err(_) => false,
            },
            ("--passwords", Some(v)) => match v.parse() {
                Ok(n) => {
                    passwords = n;
                    true
                }
                Err(_) => false,
            },
            _ => false,
        };
        if !ok {
            eprintln!(
                "usage: populate --db PATH --user ID [--passwords N] [--peer ID] [--accounts K]"
            );
            return ExitCode::from(2);
        }
    }
    let (Some(db), Some(user)) = (db, user) else {
        eprintln!("usage: populate --db PATH --user ID [--passwords N] [--peer ID] [--accounts K]");
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    let users: Vec<String> = match accounts {
        None => vec![user.clone()],
        Some(k) => (0..k).map(|i| format!("{user}-{i:04}")).collect(),
    };
    let mut total = 0u64;
    let mut last = pwaccount::Counts::default();
    for user in &users {
        match pwaccount::populate(&db, user, passwords, &peer) {
            Ok(counts) => {
                total += counts.passwords;
                last = counts;
            }
            Err(e) => {
                eprintln!("populate: error: {e}");
                return ExitCode::from(e.exit_code());
            }
        }
    }
    if accounts.is_none() {
        eprintln!(
            "populated '{user}' in {} in {:.1?}: {}",
            db.display(),
            started.elapsed(),
            pwaccount::describe_counts(&last)
        );
    } else {
        eprintln!(
            "populated {} account(s) in {} in {:.1?}: {total} passwords",
            users.len(),
            db.display(),
            started.elapsed(),
        );
    }
    ExitCode::SUCCESS
}
