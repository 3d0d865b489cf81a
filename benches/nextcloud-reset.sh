#!/usr/bin/env bash
# The Nextcloud reset benchmark on a database server: pwaccount's reset of a user with N
# passwords against the real app's own reset of the same user, on the same engine.
#
#   NC_DRIVER=/path/to/driver.py benches/nextcloud-reset.sh pgsql|mysql ROOT PORT [N] [ROUNDS]
#
# ROOT/PORT: a live instance of the real app (Nextcloud with the Passwords app on that
# engine, its database server up; see docs/nextcloud.md, "Checking against the real app").
# NC_DRIVER: a client of the app's HTTP API with the verbs adduser, populate and reset
# (it reads NCORACLE_ROOT and NC_PORT); it is not part of this repository. A fresh user is
# made through the app's API (2 passwords), grown to N passwords in SQL
# (benches/nextcloud_clone.py: each clone a copy of an app-made password with its revision
# and tag relation), and the database copied ROUNDS times. pwaccount resets the user on each
# copy (release build, the snapshot first: `reset --no-input`, then `reset --code`, timed);
# the app resets it on the live database through its API (the driver's `reset`, timed once).
# Then the user's rows in every oc_passwords_* table and the app's preferences are compared
# between the app's result and pwaccount's first copy, with `updated` left out.
set -euo pipefail
engine=$1 root=$2 port=$3 n=${4:-10000} rounds=${5:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
driver=${NC_DRIVER:?set NC_DRIVER to a client of the HTTP API of the app (adduser, populate, reset)}
export NCORACLE_ROOT=$root NC_PORT=$port
oracle() { python3 "$driver" "$@"; }
# The driver gives each request 120 s; the app's reset of a large user takes longer.
oracle_patient() {
  python3 - "$driver" "$@" <<'PY'
import runpy, sys
import requests
request = requests.Session.request
def patient(self, *args, **kwargs):
    kwargs["timeout"] = 7200
    return request(self, *args, **kwargs)
requests.Session.request = patient
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
PY
}
pw=$here/target/release/pwaccount
# Always (a no-op when it is fresh): a stale binary would measure other code.
(cd "$here" && cargo build --release --locked -q)
python3 -c 'import psycopg2, pymysql' 2>/dev/null || python3 -m pip install --quiet psycopg2-binary pymysql
user=bench$(date +%s)
pass="benchmark passphrase $user"
case $engine in
  pgsql)
    pgport=$(sed -n "s/.*'dbhost' => '[^:]*:\([0-9]*\)'.*/\1/p" "$root/server/config/config.php")
    super=(psql -X -q -h "$root/pgsock" -p "$pgport" -U postgres)
    where="host=$root/pgsock port=$pgport user=postgres dbname=nextcloud"
    copy() {
      "${super[@]}" -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'nextcloud' AND pid <> pg_backend_pid()" >/dev/null
      "${super[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE nextcloud OWNER nextcloud"
    }
    rows() { "${super[@]}" -d "$1" -At -F '|' -c "$2"; }
    ;;
  mysql)
    sock=$root/myrun/mariadbd.sock
    where=$sock:nextcloud
    copy() {
      mariadb --socket="$sock" -u root -e "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1 CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
      mariadb-dump --socket="$sock" -u root --single-transaction nextcloud | mariadb --socket="$sock" -u root "$1"
      mariadb --socket="$sock" -u root -e "GRANT ALL ON $1.* TO 'nextcloud'@'localhost'; GRANT ALL ON $1.* TO 'nextcloud'@'127.0.0.1'" 2>/dev/null || true
    }
    rows() { mariadb --socket="$sock" -u root -N -B "$1" -e "$2"; }
    ;;
  *) echo "usage: $0 pgsql|mysql ROOT PORT [N] [ROUNDS]" >&2; exit 2 ;;
esac

echo "user $user: made through the app, grown to $n passwords" >&2
oracle adduser "$user" >/dev/null
oracle populate "$user" "$pass" -n 2 >/dev/null
python3 "$here/benches/nextcloud_clone.py" "$engine" "$where" "$user" $((n - 2)) >&2
for i in $(seq 1 "$rounds"); do copy "ncbench$i" >/dev/null 2>&1; done
# The copies leave gigabytes of dirty pages and WAL: flush them first, or the first
# minutes of fsyncs (pwaccount's snapshot, every commit) wait behind that write-back.
[ "$engine" != pgsql ] || "${super[@]}" -d postgres -c CHECKPOINT
sync
sleep 5

export HOME=$root/bench-home
times=()
for i in $(seq 1 "$rounds"); do
  code=$(NC_dbname=ncbench$i "$pw" --nextcloud "$root/server" -u "$user" reset --no-input 2>/dev/null)
  start=$(date +%s.%N)
  NC_dbname=ncbench$i "$pw" --nextcloud "$root/server" -u "$user" reset --code "$code" >/dev/null 2>&1
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
start=$(date +%s.%N)
oracle_patient reset "$user" "$pass" >/dev/null
end=$(date +%s.%N)
app=$(echo "$end - $start" | bc)
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((rounds + 1) / 2))p")
echo "pwaccount reset ($rounds rounds): ${times[*]} s; median $median s"
echo "app reset (one run): $app s"
echo "ratio: $(echo "scale=4; $median / $app" | bc)"

# The user's rows after each reset, `updated` left out, in a stable order.
dump() {
  local db=$1 out="" t cols
  for t in challenge keychain password password_rv folder folder_rv tag tag_rv pw_tag_rel share session registration; do
    if [ "$engine" = pgsql ]; then
      cols=$(rows "$db" "SELECT string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'oc_passwords_$t' AND column_name NOT IN ('id', 'updated') AND table_schema = current_schema()")
    else
      cols=$(rows "$db" "SELECT group_concat(concat('\`', column_name, '\`') ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'oc_passwords_$t' AND column_name NOT IN ('id', 'updated') AND table_schema = DATABASE()")
    fi
    out+=$(rows "$db" "SELECT '$t', $cols FROM oc_passwords_$t WHERE user_id = '$user' ORDER BY uuid")$'\n'
  done
  out+=$(rows "$db" "SELECT appid, configkey, configvalue FROM oc_preferences WHERE userid = '$user' AND appid = 'passwords' ORDER BY configkey")
  printf '%s\n' "$out"
}
dump nextcloud >"$root/bench-app.txt"
dump ncbench1 >"$root/bench-pwaccount.txt"
echo "rows compared: $(wc -l <"$root/bench-app.txt") (app) / $(wc -l <"$root/bench-pwaccount.txt") (pwaccount)"
if diff "$root/bench-app.txt" "$root/bench-pwaccount.txt" >"$root/bench-diff.txt"; then
  echo "the two resets left the same rows"
else
  echo "differences (< app, > pwaccount), $(grep -c '^[<>]' "$root/bench-diff.txt") lines:"
  cut -c1-160 "$root/bench-diff.txt" | head -20
fi
