#!/usr/bin/env bash
# Restore from the Passwords app's own backup, judged by the real app and by its own
# single-user restore. On an instance built by the reference setup.sh and served
# (`setup.sh serve`): the app makes and fills a user; `occ passwords:backup:create`; the
# app resets the user; `occ passwords:backup:restore LABEL --user U` restores it and its
# rows are dumped; the app resets the user again; pwaccount restores it from the same
# label (without --replace: a user the app reset is blank); its rows must equal occ's
# apart from numeric ids, and the app must open a session with the old passphrase and
# list the same items. Then the refusals: the backup with its secret edited, a user not
# in it, a label not found, a damaged copy: each refused, the user's rows unchanged.
# Exit 0 only if every step held.
#
#   NCORACLE_ROOT=/tmp/nc34 NC_PORT=8134 NC_DRIVER=.../oracle.py scripts/live-app-restore.sh [PWACCOUNT]
set -euo pipefail
# shellcheck source=scripts/live-common.sh
. "$(dirname "$0")/live-common.sh"
rows() { "$here/nc-user-rows.py" "$@"; }

u="a$(date +%s)"
pass="passphrase of $u"
label="pw-$u"
step "the app makes $u and fills it; occ backs the installation up as $label"
oracle adduser "$u" >/dev/null
oracle populate "$u" "$pass" -n 4 >/dev/null
oracle list "$u" "$pass" >"$work/before.txt" || fail "the app cannot list $u's items"
# Settings the backup carries, set as the app stores them (preferences of the app).
occ user:setting "$u" passwords session/lifetime 1200
occ user:setting "$u" passwords password/generator/numbers 1
occ user:setting "$u" passwords client/settings '{"client.example":{"theme":"dark"}}'
occ passwords:backup:create "$label" >/dev/null
step "the app resets $u; occ restores it from $label"
oracle reset "$u" "$pass" >/dev/null || fail "the app's reset"
occ passwords:backup:restore "$label" --user "$u" -n >/dev/null || fail "occ's restore"
rows "$u" --tables-only >"$work/occ.txt"
rows "$u" >"$work/occ-prefs.txt"
step "the app resets $u again; pwaccount restores it from $label"
oracle reset "$u" "$pass" >/dev/null || fail "the app's second reset"
# Settings changed since the backup: the restore sets them back, or resets them.
occ user:setting "$u" passwords session/lifetime 300
occ user:setting "$u" passwords encryption/sse 1
"$pw" "${nc[@]}" -u "$u" restore --yes "$label" >"$work/restore.txt" || fail "pwaccount's restore"
rows "$u" --tables-only >"$work/pwaccount.txt"
rows "$u" >"$work/pwaccount-prefs.txt"
diff -u "$work/occ.txt" "$work/pwaccount.txt" || fail "pwaccount's restore left other rows than occ's"
diff -u "$work/occ-prefs.txt" "$work/pwaccount-prefs.txt" || fail "pwaccount's restore left other preferences than occ's"
echo "   same rows as occ's restore: $(grep -c '' "$work/pwaccount-prefs.txt") lines compared"
oracle login "$u" "$pass" >/dev/null || fail "the app refuses the old passphrase after the restore"
oracle list "$u" "$pass" >"$work/after.txt" || fail "the app cannot list after the restore"
diff -u "$work/before.txt" "$work/after.txt" || fail "the items differ after the restore"
step "refusals leave $u as it is"
rows "$u" >"$work/kept.txt"
path=$(grep -o '/[^ ]*\.json\(\.gz\)\?' <<<"$(occ passwords:backup:list 2>/dev/null; ls "$root"/data/appdata_*/passwords/backups/"$label".json* 2>/dev/null)" | tail -1)
[ -f "$path" ] || fail "the backup file of $label was not found"
python3 - "$path" "$work/other.json.gz" <<'PYEOF'
import gzip, json, sys
data = json.loads(gzip.open(sys.argv[1]).read())
data["keys"]["server"]["secret"] = "not-this-installations-secret"
gzip.open(sys.argv[2], "wt").write(json.dumps(data))
PYEOF
head -c 3000 "$path" >"$work/truncated.json.gz"
expect() {
  local want=$1; shift
  set +e; "$pw" "${nc[@]}" "$@" >"$work/out.txt" 2>&1; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$work/out.txt"; fail "'$*' exited $got, not $want"; }
  rows "$u" >"$work/now.txt"
  cmp -s "$work/kept.txt" "$work/now.txt" || fail "'$*' changed $u's rows"
}
expect 2 -u "$u" restore --yes --replace "$work/other.json.gz"
expect 2 -u admin restore --yes --replace "$label"
expect 8 -u "$u" restore --yes --replace "$work/truncated.json.gz"
expect 2 -u "$u" restore --yes --replace "no-such-label"
step "a dump of the database; the app resets $u; pwaccount restores $u from the dump loaded into a scratch database"
engine=sqlite
[ -f "$root/db.env" ] && . "$root/db.env" && engine=${SAVED_DB:-sqlite}
rows "$u" >"$work/dumped.txt"
copy=$work/copy
mkdir -p "$copy/config"
case $engine in
  sqlite)
    sqlite3 "$root/data/nextcloud.db" ".backup '$work/nextcloud-copy.db'"
    source=$work/nextcloud-copy.db
    ;;
  pgsql)
    psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres)
    pg_dump -h "$root/pgsock" -p "$SAVED_DB_PORT" -U postgres --no-owner nextcloud >"$work/dump.sql"
    "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS nc_dump_copy" -c "CREATE DATABASE nc_dump_copy OWNER nextcloud"
    "${psql[@]}" -d nc_dump_copy -f "$work/dump.sql" >/dev/null
    "${psql[@]}" -d nc_dump_copy -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO nextcloud; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO nextcloud" >/dev/null
    source=$copy
    ;;
  mysql)
    my=(mariadb --socket="$root/myrun/mariadbd.sock" -u root)
    mariadb-dump --socket="$root/myrun/mariadbd.sock" -u root --single-transaction nextcloud >"$work/dump.sql"
    "${my[@]}" -e "DROP DATABASE IF EXISTS nc_dump_copy; CREATE DATABASE nc_dump_copy CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
      GRANT ALL ON nc_dump_copy.* TO 'nextcloud'@'localhost'; GRANT ALL ON nc_dump_copy.* TO 'nextcloud'@'127.0.0.1'" 2>/dev/null ||
      "${my[@]}" -e "DROP DATABASE IF EXISTS nc_dump_copy; CREATE DATABASE nc_dump_copy CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    "${my[@]}" -e "GRANT ALL ON nc_dump_copy.* TO 'nextcloud'@'%'" 2>/dev/null || true
    "${my[@]}" nc_dump_copy <"$work/dump.sql"
    source=$copy
    ;;
esac
sed "s/'dbname' => '[^']*'/'dbname' => 'nc_dump_copy'/" "$root/server/config/config.php" >"$copy/config/config.php"
oracle reset "$u" "$pass" >/dev/null || fail "the app's third reset"
"$pw" "${nc[@]}" -u "$u" restore --yes --replace "$source" >/dev/null || fail "pwaccount's restore from the dump"
rows "$u" >"$work/from-dump.txt"
diff -u "$work/dumped.txt" "$work/from-dump.txt" || fail "the rows restored from the dump differ from the dump's"
oracle list "$u" "$pass" >"$work/after-dump.txt" || fail "the app cannot list after the restore from the dump"
diff -u "$work/before.txt" "$work/after-dump.txt" || fail "the items differ after the restore from the dump"
case $engine in
  pgsql) "${psql[@]}" -d postgres -c "DROP DATABASE nc_dump_copy" >/dev/null ;;
  mysql) "${my[@]}" -e "DROP DATABASE nc_dump_copy" ;;
esac
"$pw" "${nc[@]}" check >/dev/null || fail "check is not sound after the restores"
step "every step held for $u"
