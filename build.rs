//! Finds out, once per build, whether the libsodium cross-check can run here: it needs
//! PyNaCl (the reference client's library) for python3. Where it is missing, the test is
//! compiled as ignored and reported as such, not as passed (CI installs PyNaCl first).
//! Likewise the tests of Nextcloud on PostgreSQL and MySQL need the private test servers
//! `scripts/dbservers.sh` starts (it prints the variables read here).

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pynacl)");
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
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
