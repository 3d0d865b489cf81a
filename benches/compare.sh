#!/usr/bin/env bash
# One command for the comparison benchmarks: installs what they need (PyNaCl, Debian's
# sqlite3), builds pwaccount in release mode and runs benches/compare.py.
#   benches/compare.sh [--rounds 20] [--passwords 100000] [--only 1,2,3,4,5,6] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import nacl' 2>/dev/null || python3 -m pip install --quiet pynacl
if ! command -v sqlite3 >/dev/null; then
  apt-get update -qq && apt-get install -y -qq sqlite3
fi
cargo build --release --locked --bin pwaccount --example populate
python3 benches/compare.py "$@"
