//! Finds out, once per build, whether the libsodium cross-check can run here: it needs
//! PyNaCl (the reference client's library) for python3. Where it is missing, the test is
//! compiled as ignored and reported as such, not as passed (CI installs PyNaCl first).
//! Likewise the tests of Nextcloud on PostgreSQL and MySQL need the private test servers
//! `scripts/dbservers.sh` starts (it prints the variables read here), and two tests need
//! root (a tmpfs in a mount namespace, a switch to a user id the system does not know):
//! without root they are compiled as ignored, with the reason. Under `CI=true` a test
//! fails instead of any of these being skipped.
// A build script talks to cargo by printing.
#![allow(clippy::disallowed_macros)]

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pynacl)");
    println!("cargo::rustc-check-cfg=cfg(as_root)");
    // The owner of /proc/self is the effective user of this process; without /proc, `id`.
    let root = match std::fs::metadata("/proc/self") {
        Ok(meta) => std::os::unix::fs::MetadataExt::uid(&meta) == 0,
        Err(_) => Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0"),
    };
    if root {
        println!("cargo::rustc-cfg=as_root");
    }
    // The configuration corpus test reads through php too where it is installed.
    println!("cargo::rustc-check-cfg=cfg(php)");
    if Command::new("php")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        println!("cargo::rustc-cfg=php");
    }
    // The Debian package test needs Debian's dpkg-deb and binutils' objdump.
    println!("cargo::rustc-check-cfg=cfg(dpkg)");
    let tools = ["dpkg-deb", "objdump"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if tools {
        println!("cargo::rustc-cfg=dpkg");
    }
    println!("cargo::rerun-if-changed=build.rs");
    let found = Command::new("python3")
        .args(["-c", "import nacl.bindings"])
        .status()
        .is_ok_and(|s| s.success());
    if found {
        println!("cargo::rustc-cfg=pynacl");
    }
    for (var, cfg) in [
        ("PWACCOUNT_TEST_PGSQL", "pgsql_server"),
        ("PWACCOUNT_TEST_MYSQL", "mysql_server"),
        ("PWACCOUNT_TEST_PGBOUNCER", "pgbouncer"),
        ("PWACCOUNT_TEST_PG_REPLICA", "pg_replica"),
        ("PWACCOUNT_TEST_GALERA", "galera"),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
