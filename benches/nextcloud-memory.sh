#!/usr/bin/env bash
# Peak memory of pwaccount on Nextcloud installations on the database servers, for a user
# with 10,000 and with 100,000 passwords: `backup` and `reset` (snapshot first), release
# build, peak resident set size from GNU time. The servers are the test servers of
# scripts/dbservers.sh (started here if needed); each size gets a copy of the app-written
# fixture database in which bob's passwords are grown by benches/nextcloud_clone.py.
#
#   benches/nextcloud-memory.sh [pgsql] [mysql]      (default: both)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$here/tests/data/nextcloud
pw=$here/target/release/pwaccount
[ -x "$pw" ] || (cd "$here" && cargo build --release --locked -q)
python3 -c 'import psycopg2, pymysql' 2>/dev/null || python3 -m pip install --quiet psycopg2-binary pymysql
eval "$("$here/scripts/dbservers.sh" start)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(pgsql mysql)
printf '| engine | passwords | backup peak RSS | reset peak RSS | reset time |\n| --- | --- | --- | --- | --- |\n'
for engine in "${engines[@]}"; do
  if [ "$engine" = pgsql ]; then
    IFS='|' read -r sock port super <<<"$PWACCOUNT_TEST_PGSQL"
  else
    IFS='|' read -r sock port super <<<"$PWACCOUNT_TEST_MYSQL"
  fi
  for n in 10000 100000; do
    db=memory_${engine}_$n
    if [ "$engine" = pgsql ]; then
      psql -X -q -h "$sock" -p "$port" -U "$super" -d postgres \
        -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE nc_fixture OWNER nextcloud"
      where="host=$sock port=$port user=$super dbname=$db"
      dbhost="$sock:$port"
    else
      mariadb --socket="$sock" -u "$super" -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
      mariadb-dump --socket="$sock" -u "$super" nc_fixture | mariadb --socket="$sock" -u "$super" "$db"
      where="$sock:$db"
      dbhost="localhost:$sock"
    fi
    python3 "$here/benches/nextcloud_clone.py" "$engine" "$where" bob $((n - 4)) >/dev/null
    inst=$work/$db
    mkdir -p "$inst/config" "$inst/home"
    sed -e "s#'dbhost' => 'localhost'#'dbhost' => '$dbhost'#" -e "s#'dbname' => 'nextcloud'#'dbname' => '$db'#" \
      "$fixtures/$engine/config.php" >"$inst/config/config.php"
    export HOME=$inst/home
    backup=$(/usr/bin/time -f %M "$pw" --nextcloud "$inst" -u bob backup "$inst/b.sqlite" 2>&1 >/dev/null | tail -1)
    code=$("$pw" --nextcloud "$inst" -u bob reset --no-input 2>/dev/null)
    start=$(date +%s.%N)
    reset=$(/usr/bin/time -f %M "$pw" --nextcloud "$inst" -u bob reset --code "$code" 2>&1 >/dev/null | tail -1)
    took=$(echo "$(date +%s.%N) - $start" | bc)
    printf '| %s | %s | %s KiB | %s KiB | %.2f s |\n' "$engine" "$n" "$backup" "$reset" "$took"
    if [ "$engine" = pgsql ]; then
      psql -X -q -h "$sock" -p "$port" -U "$super" -d postgres -c "DROP DATABASE $db WITH (FORCE)"
    else
      mariadb --socket="$sock" -u "$super" -e "DROP DATABASE $db"
    fi
  done
done
