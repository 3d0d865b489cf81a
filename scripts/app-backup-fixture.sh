#!/usr/bin/env bash
# Make the fixture of a restore from the Passwords app's own backup, from a live instance
# of a (Nextcloud, Passwords release) pair (built by the reference setup.sh, served):
#
#   1. two users made through the app's HTTP API only: gina (a challenge, 2 folders,
#      2 tags, 3 passwords) and hank (a challenge, 1 password);
#   2. `occ passwords:backup:create`: the file is kept as backup.json.gz;
#   3. the app's own reset of gina; the database then is kept as the "before" state;
#   4. `occ passwords:backup:restore LABEL --user gina -n`; the database then is kept as
#      the "after occ" state, which a restore by pwaccount must equal, apart from ids.
#
#   NC_DRIVER=/path/to/client.py scripts/app-backup-fixture.sh ROOT PORT OUT
#
# ROOT/PORT: the instance (server/ and data/ under ROOT, served on 127.0.0.1:PORT).
# OUT (one folder per pair and engine) receives backup.json.gz, label, config.php and the
# two states: on SQLite before.db.gz and occ.db.gz; on PostgreSQL or MariaDB (ROOT/db.env
# says so) before.sql.gz and occ.sql.gz (pg_dump / mariadb-dump of a copy). Each state holds
# only the app's tables and the Nextcloud tables pwaccount reads, and only gina's and
# hank's rows of them. NC_DRIVER: a client of the app's HTTP API with the verbs adduser
# USER, populate USER PASSPHRASE -n N and reset USER PASSPHRASE (it reads NCORACLE_ROOT
# and NC_PORT); it is not part of this repository.
set -euo pipefail
root=$1 port=$2 out=$3
driver=${NC_DRIVER:?set NC_DRIVER to a client of the HTTP API of the app}
export NCORACLE_ROOT=$root NC_PORT=$port
client() { python3 "$driver" "$@" >/dev/null; }
occ() { (cd "$root/server" && "$root/bin/php" occ "$@"); }
engine=sqlite
[ -f "$root/db.env" ] && . "$root/db.env" && engine=${SAVED_DB:-sqlite}
users="'admin', 'gina', 'hank'"
for u in gina hank; do
  if ! occ user:info "$u" >/dev/null 2>&1; then client adduser "$u"; fi
done
client populate gina 'gina passphrase for the fixture' -n 3
client populate hank 'hank passphrase for the fixture' -n 1
# Settings the backup carries, set as the app stores them (preferences of the app).
occ user:setting gina passwords session/lifetime 1200
occ user:setting gina passwords password/generator/numbers 1
occ user:setting gina passwords client/settings '{"client.example":{"theme":"dark"}}'
label="fixture-$(date +%s)"
occ passwords:backup:create "$label" >/dev/null
mkdir -p "$out"
cp "$(ls "$root"/data/appdata_*/passwords/backups/"$label".json.gz)" "$out/backup.json.gz"
echo "$label" >"$out/label"
client reset gina 'gina passphrase for the fixture'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
filter="DELETE FROM oc_preferences WHERE appid IN ('passwords', 'pwaccount') AND userid NOT IN ($users);
  DELETE FROM oc_users WHERE uid NOT IN ($users);
  DELETE FROM oc_accounts WHERE uid NOT IN ($users);
  DELETE FROM oc_authtoken WHERE uid NOT IN ($users);"
app_tables="passwords_challenge passwords_keychain passwords_password passwords_password_rv passwords_folder
  passwords_folder_rv passwords_tag passwords_tag_rv passwords_pw_tag_rel passwords_share passwords_session
  passwords_registration"
for table in $app_tables; do
  filter="$filter DELETE FROM oc_$table WHERE user_id NOT IN ($users);"
done
# dump NAME: the database now, only the tables and rows kept, as OUT[/engine]/NAME.*
dump() {
  case $engine in
    sqlite)
      sqlite3 "$root/data/nextcloud.db" ".backup '$work/db'"
      keep="'oc_preferences','oc_appconfig','oc_users','oc_accounts','oc_authtoken','sqlite_sequence'"
      sqlite3 "$work/db" "SELECT 'DROP TABLE \"' || name || '\";' FROM sqlite_master
        WHERE type = 'table' AND substr(name, 1, 13) <> 'oc_passwords_' AND name NOT IN ($keep)" >"$work/drop.sql"
      sqlite3 "$work/db" <"$work/drop.sql"
      sqlite3 "$work/db" "$filter DROP TABLE IF EXISTS oc_pwaccount_audit; VACUUM"
      gzip -9n <"$work/db" >"$out/$1.db.gz"
      ;;
    pgsql)
      psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres)
      "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS fixture_copy" -c "CREATE DATABASE fixture_copy TEMPLATE nextcloud"
      "${psql[@]}" -d fixture_copy -c "$filter DROP TABLE IF EXISTS oc_pwaccount_audit"
            tables=(-t 'oc_passwords_*' -t oc_preferences -t oc_appconfig -t oc_users -t oc_accounts -t 'oc_authtoken*')
      pg_dump -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres --no-owner --no-privileges "${tables[@]}" fixture_copy |
        gzip -9n >"$out/$1.sql.gz"
      "${psql[@]}" -d postgres -c "DROP DATABASE fixture_copy"
      ;;
    mysql)
      my=(mariadb --socket="$root/myrun/mariadbd.sock" -u root)
      copy="DROP DATABASE IF EXISTS fixture_copy; CREATE DATABASE fixture_copy CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
      for table in $app_tables preferences appconfig users accounts authtoken; do
        copy="$copy CREATE TABLE fixture_copy.oc_$table LIKE nextcloud.oc_$table;
          INSERT INTO fixture_copy.oc_$table SELECT * FROM nextcloud.oc_$table;"
      done
      "${my[@]}" -e "$copy"
      "${my[@]}" fixture_copy -e "$filter"
            mariadb-dump --socket="$root/myrun/mariadbd.sock" -u root --single-transaction --skip-dump-date fixture_copy |
        gzip -9n >"$out/$1.sql.gz"
      "${my[@]}" -e "DROP DATABASE fixture_copy"
      ;;
  esac
}
dump before
occ passwords:backup:restore "$label" --user gina -n >/dev/null
dump occ
config=$out/config.php
sed -e "s#'datadirectory' => '[^']*'#'datadirectory' => '/srv/nextcloud/data'#" \
    -e "s#'dbhost' => '[^']*'#'dbhost' => 'localhost'#" \
    "$root/server/config/config.php" >"$config"
echo "$out ($engine): backup $label, gina reset by the app, then restored by occ"
