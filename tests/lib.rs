//! Integration tests: every test runs the real `pwaccount` binary (or, where a test must
//! look inside the database, the library next to it) and checks what a user sees: the
//! exit code, stdout, stderr, and the database before and after.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The tests look inside databases and print what they found: the layering of clippy.toml
// is the library's.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

// `#[test]` in every module is the suite's own (registers the test and what it needs).
#[macro_use]
extern crate pwaccount_test_macros;

// The per-engine test macros (`engine_tests!`, `server_tests!`, `tests_on!`) come from here.
#[macro_use]
mod harness;

mod accounts;
mod app_backups;
mod argon2_reference;
mod audit;
mod backup;
mod bad_input;
mod catalogue;
mod challenge;
mod check;
mod clusters;
mod database;
mod engines;
mod environment;
mod faults;
mod feature;
mod fuzz;
mod galera;
mod hardening;
mod interrupt;
mod keys;
mod layering;
mod nextcloud;
mod nextcloud_releases;
mod nextcloud_safety;
mod output;
mod package;
mod promises;
mod pty;
mod query_plans;
mod readme;
mod reliability;
mod reset;
mod safety;
mod snapshots;
mod status;

fn main() -> std::process::ExitCode {
    harness::suite::main()
}
