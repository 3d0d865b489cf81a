#!/usr/bin/env bash
# `backups` on a folder of COUNT automatic backups of a USERS-user installation (ITEMS
# passwords each; benches/app_backups_folder.py builds them from a backup the real app
# wrote, tests/data/nextcloud/app-backups/34-2026.7.0/sqlite): cold (the index of summaries
# removed before each run: every file read) and warm (the index kept), RUNS each; median
# wall time and peak memory (GNU time).
#
#   benches/nextcloud-backups.sh [COUNT] [USERS] [ITEMS] [RUNS]
set -euo pipefail
count=${1:-28} users=${2:-1000} items=${3:-5} runs=${4:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
(cd "$here" && cargo build --release --locked -q)
pw=$here/target/release/pwaccount
fixture=$here/tests/data/nextcloud/app-backups/34-2026.7.0/sqlite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inst/config" "$work/inst/data"
sed "s#/srv/nextcloud/data#$work/inst/data#" "$fixture/config.php" >"$work/inst/config/config.php"
gzip -dc "$fixture/before.db.gz" >"$work/inst/data/nextcloud.db"
id=$(sed -n "s/.*'instanceid' => '\(.*\)'.*/\1/p" "$fixture/config.php")
app=$work/inst/data/appdata_$id
python3 "$here/benches/app_backups_folder.py" "$fixture/backup.json.gz" "$app/passwords/autoBackups" \
  "$count" "$users" "$items"
mkdir -p "$app/pwaccount/backups"
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
for mode in cold warm; do
  t=() m=()
  for _ in $(seq 1 "$runs"); do
    [ "$mode" = warm ] || rm -f "$app/pwaccount/app-backups-index.json"
    /usr/bin/time -f "%e %M" -o "$work/time" "$pw" --nextcloud "$work/inst" backups >/dev/null 2>&1
    read -r a b <"$work/time"
    t+=("$a") m+=("$b")
  done
  echo "backups, $mode: ${t[*]} s (median $(median "${t[@]}") s), peak $(median "${m[@]}") KiB"
done
