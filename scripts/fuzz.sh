#!/usr/bin/env bash
# Run the property tests of the parsers (--data, secret files, salts, secrets, snapshots,
# the Nextcloud configuration) and the fast Argon2 against the reference
# with many more cases than CI does. Failures are kept by proptest under
# proptest-regressions/ and replayed by every later test run: commit them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PROPTEST_CASES="${1:-20000}"
cargo test --locked --release --lib properties
cargo test --locked --release --test integration fuzz
cargo test --locked --release --test integration argon2_reference
