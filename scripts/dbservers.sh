#!/usr/bin/env bash
# Private PostgreSQL and MariaDB servers for the tests of Nextcloud installations on those
# engines: unprivileged processes (user nobody) on a temp data folder, listening on a Unix
# socket and a loopback port, never a system service. Each gets a role `nextcloud` (the
# fixtures' dbuser and dbpassword) and a database `nc_fixture` loaded from the dumps the
# real app wrote (tests/data/nextcloud/pgsql, mysql; gzip-compressed SQL).
#
#   scripts/dbservers.sh install          apt-get the Debian packages if missing
#   eval "$(scripts/dbservers.sh start)"  start both; prints the exports the tests read
#   scripts/dbservers.sh stop             stop both
#   scripts/dbservers.sh galera-node N    start Galera node N again if it is down
#
# The tests read PWACCOUNT_TEST_PGSQL and PWACCOUNT_TEST_MYSQL ("socket|port|superuser"):
# without them, the server tests are reported ignored (and fail under CI=true).
# PWACCOUNT_TEST_PGBOUNCER is "transaction port|session port" of PgBouncer in front of
# that PostgreSQL; PWACCOUNT_TEST_PG_REPLICA the port of a hot standby streaming from it.
# PWACCOUNT_TEST_GALERA is node 0 of a 3-node Galera cluster ("socket|port|superuser";
# nodes 1 and 2 listen on the next two ports), with the oldest and newest pair's databases.
# PWACCOUNT_TEST_TLS is the folder of the test CA (ca.pem), an unrelated CA (other-ca.pem)
# and the servers' certificate (for localhost only); the role / user `nextcloud_tls` may
# log in over TLS only.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${PWACCOUNT_DBSERVERS:-/tmp/pwaccount-dbservers}
fixtures=$here/tests/data/nextcloud
pg_port=${PWACCOUNT_PG_PORT:-55433}
# PgBouncer in front of that PostgreSQL: transaction pooling, and session pooling.
pgb_tx_port=${PWACCOUNT_PGB_TX_PORT:-$((pg_port + 1))}
pgb_session_port=${PWACCOUNT_PGB_SESSION_PORT:-$((pg_port + 2))}
# A streaming replica of it (a hot standby).
pg_replica_port=${PWACCOUNT_PG_REPLICA_PORT:-$((pg_port + 3))}
my_port=${PWACCOUNT_MY_PORT:-53307}
# A 3-node MariaDB Galera cluster: client ports galera_port..+2, its own ports above.
galera_port=${PWACCOUNT_GALERA_PORT:-$((my_port + 10))}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
# The servers refuse to run as root: as root, they run as nobody.
as_nobody() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; else "$@"; fi
}
own() { if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$@"; fi; }

install() {
  local need=()
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/postgres" ] || need+=(postgresql)
  command -v psql >/dev/null || need+=(postgresql-client)
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
  command -v mariadb >/dev/null || need+=(mariadb-client)
  [ -f /usr/lib/galera/libgalera_smm.so ] || need+=(galera-4)
  command -v rsync >/dev/null || need+=(rsync)
  command -v openssl >/dev/null || need+=(openssl)
  command -v setpriv >/dev/null || need+=(util-linux)
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}" >&2
    # Debian's maintainer scripts must not start the system services.
    local policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      policy=/usr/sbin/policy-rc.d
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
    [ -z "$policy" ] || rm -f "$policy"
  fi
}

# A test CA and a server certificate for localhost (a DNS name only: connecting by
# 127.0.0.1 does not match it), and an unrelated CA, for the TLS tests.
make_certs() {
  local tls=$root/tls
  [ -f "$tls/server.pem" ] && return
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=pwaccount-test-ca \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=another-ca \
    -keyout "$tls/other-ca.key" -out "$tls/other-ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$tls/server.key" \
    -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$tls/ext.cnf"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 3650 -extfile "$tls/ext.cnf" -out "$tls/server.pem" 2>/dev/null
  chmod 0600 "$tls/server.key"
  own "$tls" "$tls/server.key" "$tls/server.pem" "$tls/ca.pem"
}

start_pg() {
  local bin data=$root/pg sock=$root/pgsock pw tls=$root/tls
  bin=$(pg_bin)
  pw=$(sed -n "s/.*'dbpassword' => '\(.*\)'.*/\1/p" "$fixtures/pgsql/config.php")
  mkdir -p "$data" "$sock"
  own "$root" "$data" "$sock"
  chmod 0700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_nobody "$bin/initdb" -D "$data" -U postgres -A trust --no-sync -E UTF8 --locale=C >/dev/null
  fi
  # nextcloud_tls may log in over TLS only.
  cat >"$data/pg_hba.conf" <<EOF
local all postgres trust
local replication postgres trust
local all all scram-sha-256
hostssl all nextcloud_tls 127.0.0.1/32 scram-sha-256
hostnossl all nextcloud_tls 127.0.0.1/32 reject
host all all 127.0.0.1/32 scram-sha-256
EOF
  own "$data/pg_hba.conf"
  if as_nobody "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_nobody "$bin/pg_ctl" -D "$data" reload >/dev/null
  else
    if ! as_nobody "$bin/pg_ctl" -D "$data" -l "$root/pg.log" -w -o \
      "-k $sock -p $pg_port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" start >/dev/null; then
      echo "dbservers: PostgreSQL did not start; the end of $root/pg.log:" >&2
      tail -n 40 "$root/pg.log" >&2 || true
      exit 1
    fi
  fi
  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$pg_port" -U postgres)
  "${psql[@]}" -d postgres -c "CREATE ROLE nextcloud LOGIN CREATEDB PASSWORD '$pw'" 2>/dev/null || true
  "${psql[@]}" -d postgres -c "CREATE ROLE nextcloud_tls LOGIN PASSWORD '$pw' IN ROLE nextcloud" 2>/dev/null || true
  if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'nc_fixture'" | grep -q 1; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE nc_fixture OWNER nextcloud"
    gzip -dc "$fixtures/pgsql/nextcloud.sql.gz" |
      PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$pg_port" -U nextcloud -d nc_fixture >/dev/null
  fi
  # The verified release pairs' databases, as nc_rel_<pair> (tests/nextcloud_releases.rs).
  for dump in "$fixtures"/releases/*/pgsql/nextcloud.sql.gz; do
    [ -f "$dump" ] || continue
    local name
    name=nc_rel_$(basename "$(dirname "$(dirname "$dump")")" | tr -c 'a-zA-Z0-9\n' '_')
    if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      "${psql[@]}" -d postgres -c "CREATE DATABASE $name OWNER nextcloud"
      gzip -dc "$dump" |
        PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$pg_port" -U nextcloud -d "$name" >/dev/null
    fi
  done
  # The app-backup fixtures' two states, as nc_ab_<pair>_<state> (tests/app_backups.rs).
  for dump in "$fixtures"/app-backups/*/pgsql/*.sql.gz; do
    [ -f "$dump" ] || continue
    local name
    name=$(ab_name "$dump")
    if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      "${psql[@]}" -d postgres -c "CREATE DATABASE $name OWNER nextcloud"
      gzip -dc "$dump" |
        PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$pg_port" -U nextcloud -d "$name" >/dev/null
    fi
  done
  echo "export PWACCOUNT_TEST_PGSQL='$sock|$pg_port|postgres'"
}


# The template name of an app-backup fixture's dump (…/app-backups/<pair>/<engine>/<state>.sql.gz):
# nc_ab_<pair>_<state>, with every other character than letters and digits as `_`.
ab_name() {
  local pair state
  pair=$(basename "$(dirname "$(dirname "$1")")")
  state=$(basename "$1" .sql.gz)
  echo "nc_ab_${pair}_${state}" | tr -c 'a-zA-Z0-9\n' '_'
}

# A hot standby streaming from the test PostgreSQL, on its own port: databases the tests
# create on the primary appear there moments later, read-only.
start_pg_replica() {
  local bin data=$root/pgreplica sock=$root/pgsock tls=$root/tls
  bin=$(pg_bin)
  # The replica streams through a replication slot, so the primary keeps the WAL it has
  # not received yet, however long a test pauses it (without one, a paused replica whose
  # WAL the busy primary recycled is broken for good). A standby without its slot (made
  # before there was one) is made again.
  local psql=(psql -X -q -h "$sock" -p "$pg_port" -U postgres -d postgres)
  if [ -f "$data/standby.signal" ] &&
    ! "${psql[@]}" -tAc "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'pwaccount_replica'" | grep -q 1; then
    as_nobody "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -f "$data/standby.signal"
  fi
  if [ ! -f "$data/standby.signal" ]; then
    as_nobody "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
    mkdir -p "$data"
    own "$data"
    chmod 0700 "$data"
    "${psql[@]}" -tAc "SELECT pg_drop_replication_slot('pwaccount_replica') FROM pg_replication_slots WHERE slot_name = 'pwaccount_replica'" >/dev/null
    as_nobody "$bin/pg_basebackup" -h "$sock" -p "$pg_port" -U postgres -D "$data" -R -X stream -c fast \
      -C -S pwaccount_replica --no-sync >/dev/null
  fi
  if ! as_nobody "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    if ! as_nobody "$bin/pg_ctl" -D "$data" -l "$root/pgreplica.log" -w -o \
      "-k $sock -p $pg_replica_port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c hot_standby=on -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" start >/dev/null; then
      echo "dbservers: the PostgreSQL replica did not start; the end of $root/pgreplica.log:" >&2
      tail -n 40 "$root/pgreplica.log" >&2 || true
      exit 1
    fi
  fi
  echo "export PWACCOUNT_TEST_PG_REPLICA='$pg_replica_port'"
}

# PgBouncer (Debian's, 1.18 on bookworm: no max_prepared_statements) in front of the test
# PostgreSQL, every database passed through, as the unprivileged user; the role
# `nextcloud` logs in with its password (SCRAM), which PgBouncer also uses towards the
# server. One process per pooling mode.
start_pgbouncer() {
  local dir=$root/pgbouncer pw
  pw=$(sed -n "s/.*'dbpassword' => '\(.*\)'.*/\1/p" "$fixtures/pgsql/config.php")
  mkdir -p "$dir"
  own "$dir"
  printf '"nextcloud" "%s"\n' "$pw" >"$dir/users.txt"
  chmod 0600 "$dir/users.txt"
  own "$dir/users.txt"
  local mode port
  for mode in transaction session; do
    port=$pgb_tx_port
    [ "$mode" = session ] && port=$pgb_session_port
    cat >"$dir/$mode.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/users.txt
pool_mode = $mode
max_client_conn = 200
default_pool_size = 4
logfile = $dir/$mode.log
pidfile = $dir/$mode.pid
ignore_startup_parameters = extra_float_digits,options
EOF
    : >>"$dir/$mode.log"
    own "$dir/$mode.ini" "$dir/$mode.log"
    if ! { [ -f "$dir/$mode.pid" ] && kill -0 "$(cat "$dir/$mode.pid")" 2>/dev/null; }; then
      rm -f "$dir/$mode.pid"
      if ! as_nobody /usr/sbin/pgbouncer -d "$dir/$mode.ini" >/dev/null 2>"$dir/$mode.err"; then
        cat "$dir/$mode.err" >&2
        echo "dbservers: PgBouncer ($mode pooling) did not start; the end of its log:" >&2
        tail -n 20 "$dir/$mode.log" >&2 || true
        exit 1
      fi
    fi
  done
  echo "export PWACCOUNT_TEST_PGBOUNCER='$pgb_tx_port|$pgb_session_port'"
}

start_my() {
  local data=$root/my run=$root/myrun pw
  pw=$(sed -n "s/.*'dbpassword' => '\(.*\)'.*/\1/p" "$fixtures/mysql/config.php")
  mkdir -p "$data" "$run"
  own "$root" "$data" "$run"
  if [ ! -d "$data/mysql" ]; then
    # --no-defaults: the system's /etc/mysql settings (a datadir, a socket, a log under
    # /var and /run) are not this server's. --force --skip-name-resolve: a sandbox where
    # neither the host name nor localhost resolves makes the tool give up otherwise; the users
    # below are named by 'localhost' (the socket) and 127.0.0.1. The tool's output is kept
    # for a failure report.
    if ! mariadb-install-db --no-defaults --user="$(id -u -n | sed 's/^root$/nobody/')" \
      --datadir="$data" --auth-root-authentication-method=socket --skip-test-db --force --skip-name-resolve \
      >"$root/my-install.log" 2>&1; then
      echo "dbservers: mariadb-install-db failed; its output:" >&2
      tail -n 40 "$root/my-install.log" >&2
      rm -rf "$data"
      exit 1
    fi
  fi
  # A socket file a server that is gone left behind (a machine restarted) is removed.
  if [ -S "$run/mariadbd.sock" ] && ! mariadb --socket="$run/mariadbd.sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
    rm -f "$run/mariadbd.sock" "$run/mariadbd.pid"
  fi
  if [ ! -S "$run/mariadbd.sock" ]; then
    /usr/sbin/mariadbd --no-defaults --user="$(id -u -n | sed 's/^root$/nobody/')" --datadir="$data" --socket="$run/mariadbd.sock" \
      --pid-file="$run/mariadbd.pid" --port="$my_port" --bind-address=127.0.0.1 \
      --innodb-flush-log-at-trx-commit=0 --innodb-use-native-aio=0 --skip-name-resolve --skip-log-bin --character-set-server=utf8mb4 \
      --collation-server=utf8mb4_bin --ssl-ca="$root/tls/ca.pem" --ssl-cert="$root/tls/server.pem" \
      --ssl-key="$root/tls/server.key" --log-error="$root/my.log" </dev/null >/dev/null 2>>"$root/my.log" &
    local up=""
    for _ in $(seq 1 300); do
      if [ -S "$run/mariadbd.sock" ] && mariadb --socket="$run/mariadbd.sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
        up=1
        break
      fi
      sleep 0.2
    done
    if [ -z "$up" ]; then
      echo "dbservers: MariaDB did not answer within 60 s; the end of $root/my.log:" >&2
      tail -n 40 "$root/my.log" >&2 || true
      exit 1
    fi
  fi
  local my=(mariadb --socket="$run/mariadbd.sock" -u root)
  "${my[@]}" -e "CREATE USER IF NOT EXISTS 'nextcloud'@'localhost' IDENTIFIED BY '$pw';
      CREATE USER IF NOT EXISTS 'nextcloud'@'127.0.0.1' IDENTIFIED BY '$pw';
      GRANT ALL PRIVILEGES ON *.* TO 'nextcloud'@'localhost';
      GRANT ALL PRIVILEGES ON *.* TO 'nextcloud'@'127.0.0.1';
      CREATE USER IF NOT EXISTS 'nextcloud_tls'@'localhost' IDENTIFIED BY '$pw' REQUIRE SSL;
      CREATE USER IF NOT EXISTS 'nextcloud_tls'@'127.0.0.1' IDENTIFIED BY '$pw' REQUIRE SSL;
      GRANT ALL PRIVILEGES ON *.* TO 'nextcloud_tls'@'localhost';
      GRANT ALL PRIVILEGES ON *.* TO 'nextcloud_tls'@'127.0.0.1';"
  if ! "${my[@]}" -N -e "SHOW DATABASES LIKE 'nc_fixture'" | grep -q nc_fixture; then
    "${my[@]}" -e "CREATE DATABASE nc_fixture CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
    # Line 1 of the dump turns on MariaDB's sandbox mode; it is kept (this is MariaDB).
    gzip -dc "$fixtures/mysql/nextcloud.sql.gz" | "${my[@]}" nc_fixture
  fi
  for dump in "$fixtures"/releases/*/mysql/nextcloud.sql.gz; do
    [ -f "$dump" ] || continue
    local name
    name=nc_rel_$(basename "$(dirname "$(dirname "$dump")")" | tr -c 'a-zA-Z0-9\n' '_')
    if ! "${my[@]}" -N -e "SHOW DATABASES LIKE '$name'" | grep -q "$name"; then
      "${my[@]}" -e "CREATE DATABASE $name CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
      gzip -dc "$dump" | "${my[@]}" "$name"
    fi
  done
  for dump in "$fixtures"/app-backups/*/mysql/*.sql.gz; do
    [ -f "$dump" ] || continue
    local name
    name=$(ab_name "$dump")
    if ! "${my[@]}" -N -e "SHOW DATABASES LIKE '$name'" | grep -q "$name"; then
      "${my[@]}" -e "CREATE DATABASE $name CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
      gzip -dc "$dump" | "${my[@]}" "$name"
    fi
  done
  echo "export PWACCOUNT_TEST_MYSQL='$run/mariadbd.sock|$my_port|root'"
}

# One Galera node: its number, then extra options (the first node of a new cluster:
# --wsrep-new-cluster). Nodes 1 and 2 receive node 0's data by rsync.
galera_node() {
  local i=$1 data=$root/galera$1 run=$root/galera$1.run g
  shift
  g=$((galera_port + 100 + i * 10))
  local peers="gcomm://127.0.0.1:$((galera_port + 100)),127.0.0.1:$((galera_port + 110)),127.0.0.1:$((galera_port + 120))"
  /usr/sbin/mariadbd --no-defaults --user="$(id -u -n | sed 's/^root$/nobody/')" --datadir="$data" \
    --socket="$run/mariadbd.sock" --pid-file="$run/mariadbd.pid" --port=$((galera_port + i)) \
    --bind-address=127.0.0.1 --skip-name-resolve --innodb-use-native-aio=0 \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M --skip-log-bin \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin --binlog-format=ROW \
    --innodb-autoinc-lock-mode=2 --log-error="$root/galera$i.log" --wsrep-on=ON \
    --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-address="$peers" \
    --wsrep-node-address=127.0.0.1:$g --wsrep-node-name=node$i \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$((g + 1));gcache.size=32M;evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT3S" \
    --wsrep-sst-receive-address=127.0.0.1:$((g + 2)) --wsrep-sst-method=rsync "$@" \
    </dev/null >/dev/null 2>>"$root/galera$i.log" &
}

# Wait until node $1 answers and says it is synced with the cluster.
galera_synced() {
  local sock=$root/galera$1.run/mariadbd.sock
  for _ in $(seq 1 300); do
    if mariadb --socket="$sock" -u root -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | grep -q Synced; then
      return 0
    fi
    sleep 0.2
  done
  echo "dbservers: Galera node $1 did not join within 60 s; the end of its log:" >&2
  tail -n 30 "$root/galera$1.log" >&2 || true
  exit 1
}

start_galera() {
  local i
  for i in 0 1 2; do
    mkdir -p "$root/galera$i" "$root/galera$i.run"
    own "$root/galera$i" "$root/galera$i.run"
  done
  if [ ! -d "$root/galera0/mysql" ]; then
    if ! mariadb-install-db --no-defaults --user="$(id -u -n | sed 's/^root$/nobody/')" \
      --datadir="$root/galera0" --auth-root-authentication-method=socket --skip-test-db --force \
      --skip-name-resolve >"$root/galera-install.log" 2>&1; then
      echo "dbservers: mariadb-install-db failed for Galera; its output:" >&2
      tail -n 40 "$root/galera-install.log" >&2
      exit 1
    fi
  fi
  if ! mariadb --socket="$root/galera0.run/mariadbd.sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
    rm -f "$root/galera0.run/mariadbd.sock"
    # All nodes down: node 0 starts a new cluster from its own data.
    [ -f "$root/galera0/grastate.dat" ] && sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$root/galera0/grastate.dat"
    galera_node 0 --wsrep-new-cluster
  fi
  galera_synced 0
  for i in 1 2; do
    if ! mariadb --socket="$root/galera$i.run/mariadbd.sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
      rm -f "$root/galera$i.run/mariadbd.sock"
      galera_node "$i"
    fi
  done
  galera_synced 1
  galera_synced 2
  local pw my=(mariadb --socket="$root/galera0.run/mariadbd.sock" -u root)
  pw=$(sed -n "s/.*'dbpassword' => '\(.*\)'.*/\1/p" "$fixtures/mysql/config.php")
  "${my[@]}" -e "CREATE USER IF NOT EXISTS 'nextcloud'@'127.0.0.1' IDENTIFIED BY '$pw';
      CREATE USER IF NOT EXISTS 'nextcloud'@'localhost' IDENTIFIED BY '$pw';
      GRANT ALL PRIVILEGES ON *.* TO 'nextcloud'@'127.0.0.1';
      GRANT ALL PRIVILEGES ON *.* TO 'nextcloud'@'localhost';"
  for dump in "$fixtures"/releases/*/mysql/nextcloud.sql.gz; do
    [ -f "$dump" ] || continue
    local name
    name=nc_rel_$(basename "$(dirname "$(dirname "$dump")")" | tr -c 'a-zA-Z0-9\n' '_')
    case "$name" in nc_rel_28_2024_12_1|nc_rel_34_2026_7_0) ;; *) continue ;; esac
    if ! "${my[@]}" -N -e "SHOW DATABASES LIKE '$name'" | grep -q "$name"; then
      "${my[@]}" -e "CREATE DATABASE $name CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
      gzip -dc "$dump" | "${my[@]}" "$name"
    fi
  done
  echo "export PWACCOUNT_TEST_GALERA='$root/galera0.run/mariadbd.sock|$galera_port|root'"
}

stop() {
  local bin
  bin=$(pg_bin)
  if [ -f "$root/pgreplica/postmaster.pid" ]; then
    as_nobody "$bin/pg_ctl" -D "$root/pgreplica" -m fast -w stop >/dev/null || true
  fi
  if [ -f "$root/pg/postmaster.pid" ]; then
    as_nobody "$bin/pg_ctl" -D "$root/pg" -m fast -w stop >/dev/null || true
  fi
  local mode
  for mode in transaction session; do
    if [ -f "$root/pgbouncer/$mode.pid" ]; then
      kill "$(cat "$root/pgbouncer/$mode.pid")" 2>/dev/null || true
      rm -f "$root/pgbouncer/$mode.pid"
    fi
  done
  for i in 2 1 0; do
    if [ -f "$root/galera$i.run/mariadbd.pid" ]; then
      local gpid
      gpid=$(cat "$root/galera$i.run/mariadbd.pid")
      kill "$gpid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$gpid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  if [ -f "$root/myrun/mariadbd.pid" ]; then
    local pid
    pid=$(cat "$root/myrun/mariadbd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

case "${1:-}" in
  install) install ;;
  start)
    mkdir -p "$root"; own "$root"; make_certs; start_pg; start_pg_replica; start_pgbouncer; start_my; start_galera
    echo "export PWACCOUNT_TEST_TLS='$root/tls'" ;;
  # Start Galera node N again if it is down (the fault tests kill one), and wait until
  # it is synced with the others: it rejoins by a state transfer from a live node.
  galera-node)
    i=${2:?usage: $0 galera-node N}
    if ! mariadb --socket="$root/galera$i.run/mariadbd.sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
      rm -f "$root/galera$i.run/mariadbd.sock" "$root/galera$i.run/mariadbd.pid"
      galera_node "$i"
    fi
    galera_synced "$i" ;;
  stop) stop ;;
  clean) stop; rm -rf "$root" ;;
  *) echo "usage: $0 install|start|stop|clean|galera-node N" >&2; exit 2 ;;
esac
