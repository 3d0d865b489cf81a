//! Finds out, once per build, whether the libsodium cross-check can run here: it needs
//! PyNaCl (the reference client's library) for python3. Where it is missing, the test is
//! compiled as ignored and reported as such, not as passed (CI installs PyNaCl first).

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
}
