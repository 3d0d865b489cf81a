#!/usr/bin/env bash
# A user of N passwords restored from the Passwords app's own backup: pwaccount's restore
# against the app's `occ passwords:backup:restore LABEL --user U`, on the same backup and
# the same live installation, in turn (occ, pwaccount, occ, ...), ROUNDS each. Each restore
# replaces the user's rows (both delete them and write the backup's), so every round does
# the same work. Wall time and peak memory (GNU time's maximum resident set) of each run;
# then the user's rows after the last two runs are compared (no numeric ids).
#
#   NC_DRIVER=/path/to/driver.py benches/nextcloud-app-restore.sh ROOT PORT [N] [ROUNDS]
#
# ROOT/PORT: a live instance of the real app (any engine; served); NC_DRIVER: a client of
# the app's HTTP API (adduser, populate), not part of this repository. The user is made
# through the app's API (2 passwords) and grown to N in SQL (benches/nextcloud_clone.py).
set -euo pipefail
root=$1 port=$2 n=${3:-10000} rounds=${4:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
driver=${NC_DRIVER:?set NC_DRIVER to a client of the HTTP API of the app}
export NCORACLE_ROOT=$root NC_PORT=$port
pw=$here/target/release/pwaccount
(cd "$here" && cargo build --release --locked -q)
python3 -c 'import psycopg2, pymysql' 2>/dev/null || python3 -m pip install --quiet psycopg2-binary pymysql
occ() { (cd "$root/server" && "$root/bin/php" occ "$@"); }
engine=sqlite
[ -f "$root/db.env" ] && . "$root/db.env" && engine=${SAVED_DB:-sqlite}
case $engine in
  sqlite) where=$root/data/nextcloud.db ;;
  pgsql) where="host=$root/pgsock port=$SAVED_DB_PORT user=postgres dbname=nextcloud" ;;
  mysql) where=$root/myrun/mariadbd.sock:nextcloud ;;
esac
user=rb$(date +%s)
echo "user $user on $engine: made through the app, grown to $n passwords" >&2
python3 "$driver" adduser "$user" >/dev/null
python3 "$driver" populate "$user" "restore benchmark passphrase" -n 2 >/dev/null
python3 "$here/benches/nextcloud_clone.py" "$engine" "$where" "$user" $((n - 2)) >&2
label="rb-$(date +%s)"
occ passwords:backup:create "$label" >/dev/null
file=$(ls "$root"/data/appdata_*/passwords/backups/"$label".json*)
echo "backup $label: $(stat -c %s "$file") bytes" >&2
export HOME=$root/bench-home
measure() { /usr/bin/time -f "%e %M" -o "$root/bench-time" "$@" >/dev/null 2>&1; cat "$root/bench-time"; }
occ_t=() occ_m=() pw_t=() pw_m=()
for i in $(seq 1 "$rounds"); do
  read -r t m < <(measure "$root/bin/php" "$root/server/occ" passwords:backup:restore "$label" --user "$user" -n)
  occ_t+=("$t") occ_m+=("$m")
  "$here/scripts/nc-user-rows.py" "$user" --tables-only >"$root/bench-occ-rows.txt"
  read -r t m < <(measure "$pw" --nextcloud "$root/server" -u "$user" restore --yes --replace "$label")
  pw_t+=("$t") pw_m+=("$m")
  "$here/scripts/nc-user-rows.py" "$user" --tables-only >"$root/bench-pw-rows.txt"
  echo "round $i: occ ${occ_t[-1]} s ${occ_m[-1]} KiB; pwaccount ${pw_t[-1]} s ${pw_m[-1]} KiB" >&2
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
mo=$(median "${occ_t[@]}") mp=$(median "${pw_t[@]}")
echo "occ passwords:backup:restore --user: ${occ_t[*]} s (median $mo s), peak $(median "${occ_m[@]}") KiB"
echo "pwaccount restore:                   ${pw_t[*]} s (median $mp s), peak $(median "${pw_m[@]}") KiB"
echo "ratio pwaccount/occ: $(echo "scale=4; $mp / $mo" | bc)"
if cmp -s "$root/bench-occ-rows.txt" "$root/bench-pw-rows.txt"; then
  echo "the two restores left the same rows ($(grep -c '' "$root/bench-pw-rows.txt") lines)"
else
  echo "the rows differ:"; diff "$root/bench-occ-rows.txt" "$root/bench-pw-rows.txt" | cut -c1-160 | head
fi
