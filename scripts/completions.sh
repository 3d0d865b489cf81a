#!/usr/bin/env bash
# Regenerate the checked-in shell completion scripts and the man page from the
# command-line definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --locked
bin=target/debug/pwaccount
"$bin" completions bash > completions/pwaccount.bash
"$bin" completions zsh > completions/_pwaccount
"$bin" completions fish > completions/pwaccount.fish
"$bin" completions elvish > completions/pwaccount.elv
"$bin" completions powershell > completions/_pwaccount.ps1
cargo run --quiet --locked --example man > man/pwaccount.1
echo "completions/ and man/pwaccount.1 regenerated (the README's error table: cargo run --example catalogue)"
