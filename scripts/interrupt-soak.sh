#!/usr/bin/env bash
# The long interruption test: SIGINT, SIGTERM and SIGHUP each sent ROUNDS times (default
# 30) at random moments across a reset of PASSWORDS passwords (default 20,000). Every
# round's printed outcome and exit status must match the database, and no temporary file
# may be left. Prints how many rounds ended in the before- and in the after-state.
set -euo pipefail
cd "$(dirname "$0")/.."
export PWACCOUNT_INTERRUPT_ROUNDS="${1:-30}"
export PWACCOUNT_INTERRUPT_PASSWORDS="${2:-20000}"
cargo test --locked --release --test integration interrupt_soak -- --ignored --nocapture
