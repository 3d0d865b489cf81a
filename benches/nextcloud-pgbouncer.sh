#!/usr/bin/env bash
# Issue 30's first figure: reset of a 10,000-item user through PgBouncer (transaction
# pooling) against the same reset straight on the PostgreSQL server, on the newest pair's
# schema, on the private test servers (scripts/dbservers.sh start). The user (dave of the
# 34-2026.7.0 fixture) is grown in SQL (benches/nextcloud_clone.py); each round resets a
# fresh copy directly and another through PgBouncer, interleaved.
#   eval "$(scripts/dbservers.sh start)"; benches/nextcloud-pgbouncer.sh [N] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000} rounds=${2:-5}
pw=$here/target/release/pwaccount
(cd "$here" && cargo build --release --locked -q --bin pwaccount)
python3 -c 'import psycopg2' 2>/dev/null || python3 -m pip install --quiet psycopg2-binary
IFS='|' read -r pgsock pgport pgsuper <<<"${PWACCOUNT_TEST_PGSQL:?start scripts/dbservers.sh}"
IFS='|' read -r txport _ <<<"${PWACCOUNT_TEST_PGBOUNCER:?start scripts/dbservers.sh}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home
psql_() { psql -X -q -h "$pgsock" -p "$pgport" -U "$pgsuper" "$@"; }
pair=34-2026.7.0
template=nc_rel_${pair//[-.]/_}
password=$(sed -n "s/.*'dbpassword' => '\([^']*\)'.*/\1/p" "$here/tests/data/nextcloud/pgsql/config.php")
fixture=$here/tests/data/nextcloud/releases/$pair/pgsql/config.php
for via in direct pgbouncer; do
  mkdir -p "$work/$via/config" "$work/$via/data"
  host=$([ "$via" = direct ] && echo "127.0.0.1:$pgport" || echo "127.0.0.1:$txport")
  sed -e "s#/srv/nextcloud/data#$work/$via/data#" -e "s#'dbhost' => '[^']*'#'dbhost' => '$host'#" \
    -e "s#'dbpassword' => '[^']*'#'dbpassword' => '$password'#" "$fixture" >"$work/$via/config/config.php"
done
psql_ -d postgres -c "DROP DATABASE IF EXISTS grown" -c "CREATE DATABASE grown TEMPLATE $template OWNER nextcloud" >/dev/null
python3 "$here/benches/nextcloud_clone.py" pgsql "host=$pgsock port=$pgport user=$pgsuper dbname=grown" dave $((n - 3)) >/dev/null
psql_ -d grown -c "ANALYZE" >/dev/null
echo "| round | direct (s) | through PgBouncer, transaction pooling (s) |"
echo "| --- | --- | --- |"
for i in $(seq 1 "$rounds"); do
  row="| $i"
  for via in direct pgbouncer; do
    db=r_${via}_$i
    psql_ -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE grown OWNER nextcloud" >/dev/null
    code=$(NC_dbname=$db "$pw" --nextcloud "$work/$via" -u dave reset --no-input 2>/dev/null)
    start=$(date +%s.%N)
    NC_dbname=$db "$pw" --nextcloud "$work/$via" -u dave reset --no-backup --code "$code" >/dev/null 2>&1
    row+=" | $(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)")"
    psql_ -d postgres -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
  done
  echo "$row |"
done
psql_ -d postgres -c "DROP DATABASE grown WITH (FORCE)" >/dev/null
