# Sourced by the scripts/live-*.sh checks (not run on its own): the instance and the
# reference driver from the environment, the pwaccount binary (the first argument, else
# the release build), a private scratch folder removed on exit, and the helpers every
# live check uses.
#
#   NCORACLE_ROOT  the instance setup.sh built      NC_DRIVER  the reference oracle.py
root=${NCORACLE_ROOT:?set NCORACLE_ROOT to the instance setup.sh built}
driver=${NC_DRIVER:?set NC_DRIVER to the reference oracle.py}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pw=${1:-$here/../target/release/pwaccount}
oracle() { python3 "$driver" "$@"; }
occ() { (cd "$root/server" && "$root/bin/php" occ "$@"); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
step() { printf '== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*"; exit 1; }
nc=(--nextcloud "$root/server")
