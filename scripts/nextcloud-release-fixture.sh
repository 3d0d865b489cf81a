#!/usr/bin/env bash
# Make the fixture of one (Nextcloud, Passwords release) pair from a live instance of the
# real app on SQLite: two users made through the app's HTTP API only, then the app's
# tables (and the Nextcloud tables pwaccount reads) copied out of its database.
#
#   NC_DRIVER=/path/to/client.py scripts/nextcloud-release-fixture.sh ROOT PORT OUT
#
# ROOT/PORT: the instance (its server/ and data/ folders under ROOT, served on 127.0.0.1:PORT).
# On PostgreSQL or MariaDB (ROOT/db.env says so) the users are made the same way and OUT
# receives pgsql/nextcloud.sql.gz or mysql/nextcloud.sql.gz and the config.php beside it
# instead (dumps of a copy of the database holding only those tables and rows).
# NC_DRIVER: a client of the app's HTTP API with the verbs adduser USER, populate USER
# PASSPHRASE -n N and reset USER PASSPHRASE (it reads NCORACLE_ROOT and NC_PORT); it is not
# part of this repository. OUT receives nextcloud.db.gz, config.php (datadirectory
# /srv/nextcloud/data) and versions.json. Users: dave (a challenge, 3 passwords in
# folders with tags) and erin (a challenge and 2 passwords, then the app's own account
# reset, then a new challenge and 1 password). Passphrases: see tests/nextcloud_releases.rs.
set -euo pipefail
root=$1 port=$2 out=$3
driver=${NC_DRIVER:?set NC_DRIVER to a client of the HTTP API of the app}
export NCORACLE_ROOT=$root NC_PORT=$port
client() { python3 "$driver" "$@" >/dev/null; }
client adduser dave
client populate dave 'dave passphrase for the fixture' -n 3
client adduser erin
client populate erin 'erin first passphrase here' -n 2
client reset erin 'erin first passphrase here'
client populate erin 'erin second passphrase here' -n 1
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
engine=sqlite
[ -f "$root/db.env" ] && . "$root/db.env" && engine=${SAVED_DB:-sqlite}
# The rows of other users than dave and erin, which another program (pwaccount, in a live
# check) may have written, and pwaccount's own table are left out.
filter_users="DELETE FROM oc_preferences WHERE appid IN ('passwords', 'pwaccount') AND userid NOT IN ('dave', 'erin');
  DELETE FROM oc_users WHERE uid NOT IN ('admin', 'dave', 'erin');
  DELETE FROM oc_accounts WHERE uid NOT IN ('admin', 'dave', 'erin');"
app_tables="passwords_challenge passwords_keychain passwords_password passwords_password_rv passwords_folder
  passwords_folder_rv passwords_tag passwords_tag_rv passwords_pw_tag_rel passwords_share passwords_session
  passwords_registration"
for table in $app_tables; do
  filter_users="$filter_users DELETE FROM oc_$table WHERE user_id NOT IN ('dave', 'erin');"
done
case $engine in
  sqlite)
    sqlite3 "$root/data/nextcloud.db" ".backup '$work/nextcloud.db'"
    # Only the tables pwaccount reads or writes are kept: the rest is Nextcloud's own.
    keep="'oc_preferences','oc_appconfig','oc_users','oc_accounts','oc_authtoken','sqlite_sequence'"
    sqlite3 "$work/nextcloud.db" "SELECT 'DROP TABLE \"' || name || '\";' FROM sqlite_master
      WHERE type = 'table' AND substr(name, 1, 13) <> 'oc_passwords_' AND name NOT IN ($keep)" >"$work/drop.sql"
    sqlite3 "$work/nextcloud.db" <"$work/drop.sql"
    sqlite3 "$work/nextcloud.db" "$filter_users DROP TABLE IF EXISTS oc_pwaccount_audit; VACUUM"
    gzip -9n <"$work/nextcloud.db" >"$out/nextcloud.db.gz"
    config=$out/config.php
    ;;
  pgsql)
    psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres)
    "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS fixture_copy" -c "CREATE DATABASE fixture_copy TEMPLATE nextcloud"
    "${psql[@]}" -d fixture_copy -c "$filter_users DROP TABLE IF EXISTS oc_pwaccount_audit"
    mkdir -p "$out/pgsql"
    tables=(-t 'oc_passwords_*' -t oc_preferences -t oc_appconfig -t oc_users -t oc_accounts -t 'oc_authtoken*')
    pg_dump -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres --no-owner --no-privileges "${tables[@]}" fixture_copy |
      gzip -9n >"$out/pgsql/nextcloud.sql.gz"
    "${psql[@]}" -d postgres -c "DROP DATABASE fixture_copy"
    config=$out/pgsql/config.php
    ;;
  mysql)
    my=(mariadb --socket="$root/myrun/mariadbd.sock" -u root)
    copy="DROP DATABASE IF EXISTS fixture_copy; CREATE DATABASE fixture_copy CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
    for table in $app_tables preferences appconfig users accounts authtoken; do
      copy="$copy CREATE TABLE fixture_copy.oc_$table LIKE nextcloud.oc_$table;
        INSERT INTO fixture_copy.oc_$table SELECT * FROM nextcloud.oc_$table;"
    done
    "${my[@]}" -e "$copy"
    "${my[@]}" fixture_copy -e "$filter_users"
    mkdir -p "$out/mysql"
    mariadb-dump --socket="$root/myrun/mariadbd.sock" -u root --single-transaction --skip-dump-date fixture_copy |
      gzip -9n >"$out/mysql/nextcloud.sql.gz"
    "${my[@]}" -e "DROP DATABASE fixture_copy"
    config=$out/mysql/config.php
    ;;
esac
sed -e "s#'datadirectory' => '[^']*'#'datadirectory' => '/srv/nextcloud/data'#" \
    -e "s#'dbhost' => '[^']*'#'dbhost' => 'localhost'#" \
    "$root/server/config/config.php" >"$config"
nc=$(sed -n "s/.*'version' => '\(.*\)'.*/\1/p" "$config")
query="SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'installed_version'"
case $engine in
  sqlite) app=$(sqlite3 "$root/data/nextcloud.db" "$query") ;;
  pgsql) app=$(psql -X -tA -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres -d nextcloud -c "$query") ;;
  mysql) app=$(mariadb --socket="$root/myrun/mariadbd.sock" -u root -N nextcloud -e "$query") ;;
esac
printf '{"nextcloud": "%s", "installed_version": "%s"}\n' "$nc" "$app" >"$out/versions.json"
echo "$out ($engine): Nextcloud $nc, Passwords $app"
