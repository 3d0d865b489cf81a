#!/usr/bin/env bash
# Issue 14's per-account comparison on a Nextcloud installation (the app's SQLite fixture):
# 2,000 users x 500 passwords (1,000,000 passwords), each sharing 2 passwords with the
# next user, against an installation holding only the one user measured (and the
# fixture's own alice and bob).
#
#   benches/nextcloud-accounts.sh [DIR]      (default /tmp/pwaccount-ncscale; ~2 minutes to fill)
#
# Users are copies of the fixture's bob (benches/nextcloud_users.py): they open with bob's
# passphrase. The big database is about 5 GB (the app's revisions are large). Prints paired timings (benches/pair.py, medians) of status, challenge get, backup
# and reset (snapshot first) of user u-1000 in the big installation against the same user
# in the small one.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/pwaccount-ncscale}
fixture=$here/tests/data/nextcloud/sqlite
mkdir -p "$dir"
(cd "$here" && cargo build --release --locked -q)
pw=$here/target/release/pwaccount
# An installation folder NAME whose database is the fixture plus users FIRST.. (COUNT).
install() {
  local name=$1 first=$2 count=$3
  [ -f "$dir/$name/data/nextcloud.db" ] && return
  mkdir -p "$dir/$name/config" "$dir/$name/data"
  sed "s#/srv/nextcloud/data#$dir/$name/data#" "$fixture/config.php" >"$dir/$name/config/config.php"
  gzip -dc "$fixture/nextcloud.db.gz" >"$dir/$name/data/nextcloud.tmp"
  chmod u+w "$dir/$name/data/nextcloud.tmp"
  python3 "$here/benches/nextcloud_users.py" "$dir/$name/data/nextcloud.tmp" bob "$first" "$count" 500 2
  mv "$dir/$name/data/nextcloud.tmp" "$dir/$name/data/nextcloud.db"
}
install big 0 2000
install one 1000 1
export HOME=$dir/home
big=("$pw" --nextcloud "$dir/big" -u u-1000 --json)
one="$pw --nextcloud $dir/one -u u-1000 --json"
echo "users, passwords (big): $(sqlite3 "$dir/big/data/nextcloud.db" \
  "SELECT count(DISTINCT user_id), count(*) FROM oc_passwords_password")"
# Both databases read once, so that the pairs compare pwaccount's work, not the page cache.
cat "$dir/big/data/nextcloud.db" "$dir/one/data/nextcloud.db" >/dev/null
for c in status "challenge get"; do
  echo "== $c (2,000 users vs 1)"
  # shellcheck disable=SC2086
  python3 "$here/benches/pair.py" -n 10 --vs "$one $c" -- "${big[@]}" $c 2>&1 | grep -E "A wall|B wall|A/B wall"
done
echo "== backup (2,000 users vs 1)"
python3 "$here/benches/pair.py" -n 10 --vs "$one backup --force $dir/bB.sqlite" -- "${big[@]}" backup --force "$dir/bA.sqlite" 2>&1 |
  grep -E "A wall|B wall|A/B wall"
# reset: each run (benches/pair.py adds a warm-up run: the queues are longer than -n) takes the next
# prepared (installation, user, code) of a queue. In the big
# installation every run resets another of the identical users; the small one is copied
# once per run (it is small).
rm -f "$dir/qA" "$dir/qB"
n=1100
for i in $(seq 1 8); do
  # The next user no earlier run has reset (a reset user has no live passwords left).
  while u=$(printf 'u-%04d' $n) && n=$((n + 1)) &&
    [ "$(sqlite3 "$dir/big/data/nextcloud.db" \
      "SELECT count(*) FROM oc_passwords_password WHERE user_id = '$u' AND deleted = 0")" != 500 ]; do :; done
  code=$("$pw" --nextcloud "$dir/big" -u "$u" reset --no-input 2>/dev/null)
  echo "$dir/big $u $code" >>"$dir/qA"
  copy=$dir/one-$i
  rm -rf "$copy"
  mkdir -p "$copy/config" "$copy/data"
  sed "s#$dir/one/data#$copy/data#" "$dir/one/config/config.php" >"$copy/config/config.php"
  cp "$dir/one/data/nextcloud.db" "$copy/data/nextcloud.db"
  code=$("$pw" --nextcloud "$copy" -u u-1000 reset --no-input 2>/dev/null)
  echo "$copy u-1000 $code" >>"$dir/qB"
done
cat "$dir"/one-*/data/nextcloud.db >/dev/null
cat >"$dir/next.sh" <<NEXT
#!/bin/sh
line=\$(head -1 "\$1"); sed -i 1d "\$1"
set -- \$line
exec $pw --nextcloud "\$1" -u "\$2" --json reset --code "\$3"
NEXT
chmod +x "$dir/next.sh"
echo "== reset of a 500-item user, snapshot first (2,000 users vs 1)"
python3 "$here/benches/pair.py" -n 6 --vs "$dir/next.sh $dir/qB" -- "$dir/next.sh" "$dir/qA" 2>&1 | grep -E "A wall|B wall|A/B wall"
rm -rf "$dir"/one-*
