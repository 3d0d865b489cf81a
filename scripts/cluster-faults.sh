#!/usr/bin/env bash
# Issue 30's fault rounds on each cluster kind of scripts/dbservers.sh, 20 rounds each
# (the test suite runs 3): a reset of a user grown to 2,003 passwords cut at a random
# moment by PgBouncer killed, by the primary ending pwaccount's session, and by a Galera
# node killed (then started again); and a stalled Galera node. Each round is judged:
# the user is untouched or fully reset, never in between, and the words fit.
#   eval "$(scripts/dbservers.sh start)"; scripts/cluster-faults.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PWACCOUNT_TEST_PGBOUNCER:?start scripts/dbservers.sh first}"
: "${PWACCOUNT_TEST_GALERA:?start scripts/dbservers.sh first}"
touch build.rs
PWACCOUNT_FAULT_ROUNDS=${1:-20} cargo test --locked --test integration -- \
  faults::pgbouncer_killed_mid_reset faults::the_primary_ends_the_session_mid_reset \
  galera::a_node_killed_mid_reset_leaves_the_user_untouched_or_reset \
  galera::a_stalled_node_ends_the_reset_with_nothing_changed \
  --test-threads 1 --nocapture
