#!/usr/bin/env bash
# The long crash test: SIGKILL each writing command N times (default 1000) at random
# moments and check every outcome is the full before- or after-state. Prints the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
export PWACCOUNT_CRASH_KILLS="${1:-1000}"
cargo test --locked --release --test integration crash_soak -- --ignored --nocapture
