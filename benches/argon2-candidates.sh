#!/usr/bin/env bash
# The Argon2 candidates of issue 31 in one process (benches/scratch/argon2_candidates.rs):
# libsodium (libsodium-sys-stable, built from libsodium's source), argon2 0.5 and
# argon2-rust 1.1, same inputs, interleaved, minimum of ROUNDS (default 16), tags checked
# equal. A scratch crate under target/, so that the project itself never builds libsodium.
#   benches/argon2-candidates.sh [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$here/target/argon2-candidates
mkdir -p "$work/src"
cp "$here/benches/scratch/argon2_candidates.rs" "$work/src/main.rs"
cat >"$work/Cargo.toml" <<'TOML'
[package]
name = "argon2-candidates"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
argon2 = "=0.5.3"
argon2-rust = "=1.1.0"
libsodium-sys = { package = "libsodium-sys-stable", version = "1" }
memmap2 = "0.9"

[profile.release]
lto = true
codegen-units = 1
TOML
(cd "$work" && cargo build --release --quiet)
"$work/target/release/argon2-candidates" "${1:-16}"
