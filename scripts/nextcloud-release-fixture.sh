#!/usr/bin/env bash
# Make the fixture of one (Nextcloud, Passwords release) pair from a live instance of the
# real app on SQLite: two users made through the app's HTTP API only, then the app's
# tables (and the Nextcloud tables pwaccount reads) copied out of its database.
#
#   NC_DRIVER=/path/to/client.py scripts/nextcloud-release-fixture.sh ROOT PORT OUT
#
# ROOT/PORT: the instance (its server/ and data/ folders under ROOT, served on 127.0.0.1:PORT).
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
sqlite3 "$root/data/nextcloud.db" ".backup '$work/nextcloud.db'"
# Only the tables pwaccount reads or writes are kept: the rest is Nextcloud's own.
keep="'oc_preferences','oc_appconfig','oc_users','oc_accounts','oc_authtoken','sqlite_sequence'"
sqlite3 "$work/nextcloud.db" "SELECT 'DROP TABLE \"' || name || '\";' FROM sqlite_master
  WHERE type = 'table' AND substr(name, 1, 13) <> 'oc_passwords_' AND name NOT IN ($keep)" >"$work/drop.sql"
sqlite3 "$work/nextcloud.db" <"$work/drop.sql"
# Only dave's and erin's rows of the app: the instance may hold other users' rows that
# another program (pwaccount, in a live check) wrote.
for table in $(sqlite3 "$work/nextcloud.db" "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 13) = 'oc_passwords_'"); do
  sqlite3 "$work/nextcloud.db" "DELETE FROM $table WHERE user_id NOT IN ('dave', 'erin')"
done
sqlite3 "$work/nextcloud.db" "DELETE FROM oc_preferences WHERE appid IN ('passwords', 'pwaccount') AND userid NOT IN ('dave', 'erin');
  DELETE FROM oc_users WHERE uid NOT IN ('admin', 'dave', 'erin');
  DELETE FROM oc_accounts WHERE uid NOT IN ('admin', 'dave', 'erin');
  DROP TABLE IF EXISTS oc_pwaccount_audit; VACUUM"
gzip -9n <"$work/nextcloud.db" >"$out/nextcloud.db.gz"
sed -e "s#'datadirectory' => '[^']*'#'datadirectory' => '/srv/nextcloud/data'#" \
    "$root/server/config/config.php" >"$out/config.php"
nc=$(sed -n "s/.*'version' => '\(.*\)'.*/\1/p" "$out/config.php")
app=$(sqlite3 "$root/data/nextcloud.db" "SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'installed_version'")
printf '{"nextcloud": "%s", "installed_version": "%s"}\n' "$nc" "$app" >"$out/versions.json"
echo "$out: Nextcloud $nc, Passwords $app"
