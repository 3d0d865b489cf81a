#!/usr/bin/env bash
# Issue 32's figures: `check` and `rekey` on a Nextcloud installation of 1,000 users with
# 100 passwords each (the app's SQLite fixture grown by benches/nextcloud_users.py: copies
# of the fixture's bob, with his folders and tags), after its `secret` changed.
#
#   benches/nextcloud-keys.sh [DIR] [USERS] [PASSWORDS] [RUNS]   (default /tmp/pwaccount-keys 1000 100 3)
#
# Prints, per command, the wall time of each run and its peak memory (GNU time's maximum
# resident set size): check with the changed secret (a finding per user), check with
# --old-secret-file, rekey --yes (on a fresh copy each run), and check once rekeyed (sound).
# The fixture's alice has one live revision that opens with no key (the app wrote it in a
# create that failed, not among the newest that check samples): rekey runs with
# --only-openable.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/pwaccount-keys}
users=${2:-1000}
passwords=${3:-100}
runs=${4:-3}
fixture=$here/tests/data/nextcloud/sqlite
(cd "$here" && cargo build --release --locked -q)
pw=$here/target/release/pwaccount
mkdir -p "$dir"
pristine=$dir/pristine-$users-$passwords.db
if [ ! -f "$pristine" ]; then
  gzip -dc "$fixture/nextcloud.db.gz" >"$pristine.tmp"
  python3 "$here/benches/nextcloud_users.py" "$pristine.tmp" bob 1 "$users" "$passwords"
  mv "$pristine.tmp" "$pristine"
fi
inst=$dir/inst
rm -rf "$inst"
mkdir -p "$inst/config" "$inst/data"
old=$(sed -n "s/.*'secret' => '\(.*\)'.*/\1/p" "$fixture/config.php")
printf '%s\n' "$old" >"$dir/old-secret"
chmod 600 "$dir/old-secret"
sed -e "s#/srv/nextcloud/data#$inst/data#" \
  -e "s#'secret' => '.*'#'secret' => 'a-new-secret-after-a-move-0123456789abcdef'#" \
  "$fixture/config.php" >"$inst/config/config.php"
fresh() { cp "$pristine" "$inst/data/nextcloud.db"; rm -rf "$inst/data/appdata_"*; }
# One timed run: label, expected exit code, then the command.
timed() {
  local label=$1 want=$2
  shift 2
  local out
  out=$(mktemp)
  set +e
  /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>"$dir/stderr.txt"
  local code=$?
  set -e
  [ "$code" = "$want" ] || { echo "$label: exit $code, expected $want" >&2; cat "$dir/stderr.txt" >&2; exit 1; }
  read -r secs kib < <(tail -n 1 "$out")
  rm -f "$out"
  printf '%-28s %8.2f s  %7d KiB peak\n' "$label" "$secs" "$kib"
}
revisions=$(sqlite3 "$pristine" "SELECT (SELECT count(*) FROM oc_passwords_password_rv WHERE deleted = 0) + (SELECT count(*) FROM oc_passwords_folder_rv WHERE deleted = 0) + (SELECT count(*) FROM oc_passwords_tag_rv WHERE deleted = 0)")
echo "installation: $(sqlite3 "$pristine" 'SELECT count(DISTINCT user_id) FROM oc_passwords_password') users, $revisions live item revisions, $(du -h "$pristine" | cut -f1)"
fresh
for i in $(seq 1 "$runs"); do
  timed "check (secret changed) #$i" 8 "$pw" --nextcloud "$inst" -q check
done
for i in $(seq 1 "$runs"); do
  timed "check --old-secret-file #$i" 8 "$pw" --nextcloud "$inst" -q check --old-secret-file "$dir/old-secret"
done
for i in $(seq 1 "$runs"); do
  fresh
  timed "rekey --yes #$i" 0 "$pw" --nextcloud "$inst" -q rekey --yes --only-openable --old-secret-file "$dir/old-secret"
done
for i in $(seq 1 "$runs"); do
  timed "check (rekeyed) #$i" 0 "$pw" --nextcloud "$inst" -q check
done
