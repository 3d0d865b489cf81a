#!/usr/bin/env bash
# Reset of a freshly grown 10,000-item user on each verified pair's schema, on the private
# test servers (scripts/dbservers.sh start): no live app needed. Per pair and engine: a
# database from the pair's fixture (nc_rel_<pair>), its user dave grown to N passwords in
# SQL (benches/nextcloud_clone.py), ROUNDS copies made at once (tables just loaded, the
# statistics of the fixture's three rows, autovacuum left on), then `reset --no-input` and
# a timed `reset --code` on each copy; then the same after a user id the statistics have
# never seen: the grown user renamed (the case that made PostgreSQL's planner go wrong).
#   eval "$(scripts/dbservers.sh start)"; benches/nextcloud-reset-local.sh [N] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000} rounds=${2:-3}
pw=$here/target/release/pwaccount
(cd "$here" && cargo build --release --locked -q --bin pwaccount)
python3 -c 'import psycopg2, pymysql' 2>/dev/null || python3 -m pip install --quiet psycopg2-binary pymysql
IFS='|' read -r pgsock pgport pgsuper <<<"${PWACCOUNT_TEST_PGSQL:?start scripts/dbservers.sh}"
IFS='|' read -r mysock myport mysuper <<<"${PWACCOUNT_TEST_MYSQL:?start scripts/dbservers.sh}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home
psql_() { psql -X -q -h "$pgsock" -p "$pgport" -U "$pgsuper" "$@"; }
my_() { mariadb --socket="$mysock" -u "$mysuper" "$@"; }
copy() { # engine from to
  if [ "$1" = pgsql ]; then
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $3" -c "CREATE DATABASE $3 TEMPLATE $2 OWNER nextcloud" >/dev/null 2>&1
  else
    my_ -e "DROP DATABASE IF EXISTS $3; CREATE DATABASE $3 CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    for t in $(my_ -N -B -e "SELECT table_name FROM information_schema.tables WHERE table_schema = '$2'"); do
      my_ -e "CREATE TABLE $3.$t LIKE $2.$t; INSERT INTO $3.$t SELECT * FROM $2.$t"
    done
  fi
}
rename() { # engine db from to
  for t in password password_rv pw_tag_rel tag tag_rv folder folder_rv keychain challenge session share; do
    if [ "$1" = pgsql ]; then psql_ -d "$2" -c "UPDATE oc_passwords_$t SET user_id = '$4' WHERE user_id = '$3'"
    else my_ "$2" -e "UPDATE oc_passwords_$t SET user_id = '$4' WHERE user_id = '$3'"; fi
  done
  local sql="UPDATE oc_preferences SET userid = '$4' WHERE userid = '$3'; INSERT INTO oc_users (uid, displayname, password, uid_lower) VALUES ('$4', '$4', '', '$4')"
  if [ "$1" = pgsql ]; then psql_ -d "$2" -c "$sql"; else my_ "$2" -e "$sql"; fi
}
echo "| pair | engine | user | reset --code, $rounds rounds (s) |"
echo "| --- | --- | --- | --- |"
for pair in 28-2024.12.1 31-2025.10.0 34-2026.7.0; do
  template=nc_rel_${pair//[-.]/_}
  for engine in pgsql mysql; do
    inst=$work/$pair-$engine
    mkdir -p "$inst/config" "$inst/data"
    fixture=$here/tests/data/nextcloud/releases/$pair/$engine/config.php
    password=$(sed -n "s/.*'dbpassword' => '\([^']*\)'.*/\1/p" "$here/tests/data/nextcloud/$engine/config.php")
    host=$([ "$engine" = pgsql ] && echo "$pgsock:$pgport" || echo "localhost:$mysock")
    sed -e "s#/srv/nextcloud/data#$inst/data#" -e "s#'dbhost' => '[^']*'#'dbhost' => '$host'#" \
      -e "s#'dbpassword' => '[^']*'#'dbpassword' => '$password'#" "$fixture" >"$inst/config/config.php"
    copy "$engine" "$template" grown
    if [ "$engine" = pgsql ]; then where="host=$pgsock port=$pgport user=$pgsuper dbname=grown"; else where="$mysock:grown"; fi
    python3 "$here/benches/nextcloud_clone.py" "$engine" "$where" dave $((n - 3)) >/dev/null
    for user in dave zed; do
      [ "$user" = dave ] || rename "$engine" grown dave zed >/dev/null
      times=()
      for i in $(seq 1 "$rounds"); do copy "$engine" grown "run$i"; done
      for i in $(seq 1 "$rounds"); do
        code=$(NC_dbname=run$i "$pw" --nextcloud "$inst" -u "$user" reset --no-input 2>/dev/null)
        start=$(date +%s.%N)
        NC_dbname=run$i "$pw" --nextcloud "$inst" -u "$user" reset --code "$code" >/dev/null 2>&1
        times+=("$(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)")")
      done
      echo "| $pair | $engine | $user$([ "$user" = zed ] && echo ' (unknown to the statistics)') | ${times[*]} |"
    done
  done
done
