//! The suite's own harness (libtest-mimic): every `#[test]` of the suite registers itself in
//! `TESTS` with what it needs from the machine, and what the machine has is found out when
//! the suite runs, not when it is built. A suite built as root and run as another user, or
//! built before the test servers were started, still tells the truth: a test whose needs are
//! missing is reported as ignored, and the reasons are printed once. Under `CI=true` nothing
//! is ignored for that reason: such a test fails and says what the machine lacks.

use std::collections::BTreeMap;
use std::process::{Command, ExitCode};
use std::sync::OnceLock;

use libtest_mimic::{Arguments, Failed, Trial};

/// Every test of the suite, put here by `#[test]` (tests/macros). linkme places each entry
/// in one link section; that is the only `unsafe` the suite's own code carries.
#[allow(unsafe_code)]
#[linkme::distributed_slice]
pub(crate) static TESTS: [Test];

/// One test as `#[test]` registers it.
pub(crate) struct Test {
    /// `module_path!()` where the test is written (`integration::nextcloud::pgsql`).
    pub module: &'static str,
    pub name: &'static str,
    pub run: fn(),
    pub needs: &'static [Need],
    /// An `#[ignore = "…"]` written on the test (the slow soaks).
    pub ignore: Option<&'static str>,
}

/// Something a test needs from the machine it runs on.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Need {
    /// Effective user id 0: a mount namespace, chown, switching to an unknown user id.
    Root,
    /// php (the configuration files read through php itself).
    Php,
    /// Debian's dpkg-deb and binutils' objdump (the package test).
    Dpkg,
    /// PyNaCl for python3 (the cross-check with libsodium).
    Pynacl,
    /// The private PostgreSQL test server of `scripts/dbservers.sh`.
    Pgsql,
    /// The private MariaDB test server of `scripts/dbservers.sh`.
    Mysql,
    /// PgBouncer in front of the PostgreSQL test server.
    Pgbouncer,
    /// The PostgreSQL streaming replica.
    PgReplica,
    /// The three-node Galera cluster.
    Galera,
}

impl Need {
    /// Whether this machine, now, has it (found out once per run).
    fn available(self) -> bool {
        static FOUND: [OnceLock<bool>; 9] = [const { OnceLock::new() }; 9];
        *FOUND[self as usize].get_or_init(|| match self {
            // The owner of /proc/self is this process's effective user.
            Need::Root => std::fs::metadata("/proc/self")
                .is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0),
            Need::Php => runs("php", &["--version"]),
            Need::Dpkg => runs("dpkg-deb", &["--version"]) && runs("objdump", &["--version"]),
            Need::Pynacl => runs("python3", &["-c", "import nacl.bindings"]),
            Need::Pgsql => set("PWACCOUNT_TEST_PGSQL"),
            Need::Mysql => set("PWACCOUNT_TEST_MYSQL"),
            Need::Pgbouncer => set("PWACCOUNT_TEST_PGBOUNCER"),
            Need::PgReplica => set("PWACCOUNT_TEST_PG_REPLICA"),
            Need::Galera => set("PWACCOUNT_TEST_GALERA"),
        })
    }

    /// What is missing, and how to get it.
    fn missing(self) -> &'static str {
        match self {
            Need::Root => {
                "needs root (a mount namespace, chown, an unknown user id): run the tests as root"
            }
            Need::Php => "php is not installed (apt install php-cli php-mysql)",
            Need::Dpkg => "dpkg-deb or objdump is not installed (apt install dpkg binutils)",
            Need::Pynacl => "PyNaCl is not installed for python3 (python3 -m pip install pynacl)",
            Need::Pgsql => "no PostgreSQL test server (eval \"$(scripts/dbservers.sh start)\")",
            Need::Mysql => "no MariaDB test server (eval \"$(scripts/dbservers.sh start)\")",
            Need::Pgbouncer => "no PgBouncer (eval \"$(scripts/dbservers.sh start)\")",
            Need::PgReplica => "no PostgreSQL replica (eval \"$(scripts/dbservers.sh start)\")",
            Need::Galera => "no Galera cluster (eval \"$(scripts/dbservers.sh start)\")",
        }
    }
}

/// Whether `program args` runs and succeeds (its output discarded).
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

fn set(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty())
}

/// Whether this run is CI's (`CI=true`), where nothing may be skipped for want of a tool.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The test's name as the standard harness would print it: its module path inside the
/// suite, then its name (`nextcloud::pgsql::tls_settings_are_honoured`).
fn full_name(test: &Test) -> String {
    match test.module.split_once("::") {
        Some((_, inside)) => format!("{inside}::{}", test.name),
        None => test.name.to_owned(),
    }
}

/// Whether the command line selects this test (so its needs are worth finding out).
fn selected(name: &str, args: &Arguments) -> bool {
    if args.list {
        return true;
    }
    let matches = |filter: &str| {
        if args.exact {
            name == filter
        } else {
            name.contains(filter)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}

/// Runs the suite: the tests the command line selects, the ones whose needs are missing
/// reported as ignored (failed under CI), the reasons printed once.
pub(crate) fn main() -> ExitCode {
    let args = Arguments::from_args();
    let ci = in_ci();
    let mut tests: Vec<&'static Test> = TESTS.iter().collect();
    tests.sort_by_key(|t| full_name(t));
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    let trials = tests
        .into_iter()
        .map(|test| {
            let name = full_name(test);
            let missing: Vec<Need> = if selected(&name, &args) {
                test.needs
                    .iter()
                    .copied()
                    .filter(|n| !n.available())
                    .collect()
            } else {
                Vec::new()
            };
            let skip = !missing.is_empty() && !ci;
            if skip && test.ignore.is_none() {
                for need in &missing {
                    *reasons.entry(need.missing()).or_default() += 1;
                }
            }
            let run = test.run;
            Trial::test(name, move || {
                if !missing.is_empty() {
                    let lacks: Vec<&str> = missing.iter().map(|n| n.missing()).collect();
                    return Err(Failed::from(format!(
                        "CI=true, and this machine lacks what the test needs: {}",
                        lacks.join("; ")
                    )));
                }
                run();
                Ok(())
            })
            .with_ignored_flag(test.ignore.is_some() || skip)
        })
        .collect();
    if !args.list {
        for (reason, count) in &reasons {
            eprintln!("ignored, {count} test(s): {reason}");
        }
    }
    libtest_mimic::run(&args, trials).exit_code()
}
