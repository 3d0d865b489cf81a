#!/usr/bin/env bash
# Issue 30's Galera figure: reset of a 10,000-item user on node 0 of the 3-node Galera
# cluster against the same reset on the single MariaDB server, on the newest pair's
# schema, on the private test servers (scripts/dbservers.sh start). The user (dave of the
# 34-2026.7.0 fixture) is grown in SQL (benches/nextcloud_clone.py) once per server; each
# round resets a fresh copy on the single server and another on the cluster, interleaved.
#   eval "$(scripts/dbservers.sh start)"; benches/nextcloud-galera.sh [N] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000} rounds=${2:-5}
pw=$here/target/release/pwaccount
(cd "$here" && cargo build --release --locked -q --bin pwaccount)
python3 -c 'import pymysql' 2>/dev/null || python3 -m pip install --quiet pymysql
IFS='|' read -r single_sock single_port _ <<<"${PWACCOUNT_TEST_MYSQL:?start scripts/dbservers.sh}"
IFS='|' read -r galera_sock galera_port _ <<<"${PWACCOUNT_TEST_GALERA:?start scripts/dbservers.sh}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home
pair=34-2026.7.0
template=nc_rel_${pair//[-.]/_}
password=$(sed -n "s/.*'dbpassword' => '\([^']*\)'.*/\1/p" "$here/tests/data/nextcloud/mysql/config.php")
fixture=$here/tests/data/nextcloud/releases/$pair/mysql/config.php
sock_of() { [ "$1" = single ] && echo "$single_sock" || echo "$galera_sock"; }
port_of() { [ "$1" = single ] && echo "$single_port" || echo "$galera_port"; }
my() { mariadb --socket="$(sock_of "$1")" -u root "${@:2}"; }
# copy SERVER FROM TO: a database with every table of FROM, rows included.
copy() {
  local t sql="DROP DATABASE IF EXISTS $3; CREATE DATABASE $3 CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
  for t in $(my "$1" -N -e "SELECT table_name FROM information_schema.tables WHERE table_schema = '$2'"); do
    sql+="CREATE TABLE $3.$t LIKE $2.$t; INSERT INTO $3.$t SELECT * FROM $2.$t;"
  done
  my "$1" -e "$sql"
}
for on in single galera; do
  mkdir -p "$work/$on/config" "$work/$on/data"
  sed -e "s#/srv/nextcloud/data#$work/$on/data#" \
    -e "s#'dbhost' => '[^']*'#'dbhost' => '127.0.0.1:$(port_of $on)'#" \
    -e "s#'dbpassword' => '[^']*'#'dbpassword' => '$password'#" "$fixture" >"$work/$on/config/config.php"
  copy $on "$template" grown
  python3 "$here/benches/nextcloud_clone.py" mysql "$(sock_of $on):grown" dave $((n - 3)) >/dev/null
  my $on -e "ANALYZE TABLE grown.oc_passwords_password, grown.oc_passwords_password_rv, grown.oc_passwords_pw_tag_rel" >/dev/null
done
echo "| round | single MariaDB server (s) | Galera, 3 nodes (s) |"
echo "| --- | --- | --- |"
for i in $(seq 1 "$rounds"); do
  row="| $i"
  for on in single galera; do
    db=r_${on}_$i
    copy $on grown "$db"
    code=$(NC_dbname=$db "$pw" --nextcloud "$work/$on" -u dave reset --no-input 2>/dev/null)
    start=$(date +%s.%N)
    NC_dbname=$db "$pw" --nextcloud "$work/$on" -u dave reset --no-backup --code "$code" >/dev/null 2>&1
    row+=" | $(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)")"
    my $on -e "DROP DATABASE $db"
  done
  echo "$row |"
done
for on in single galera; do my $on -e "DROP DATABASE grown"; done
