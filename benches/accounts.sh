#!/usr/bin/env bash
# Issue 14's scale benchmark on the pwaccount file: a database of 2,000 accounts x 500
# passwords (1,000,000 passwords), one of 200 accounts, and one of a single account.
#
#   benches/accounts.sh [DIR]        (default /tmp/pwaccount-scale; ~3 minutes to populate)
#
# Prints paired timings (benches/pair.py) (pwaccount against the yardstick, medians):
# - per-account commands on the 2,000-account database against the same command on the
#   one-account database (status, challenge get, backup, reset of a 500-item account);
# - `accounts` and `check --all` against the hand-written sqlite3 queries in benches/sql/;
# - peak memory of `accounts` at 200 and at 2,000 accounts (GNU time).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/pwaccount-scale}
mkdir -p "$dir"
(cd "$here" && cargo build --release --locked -q --examples && cargo build --release --locked -q)
pw=$here/target/release/pwaccount
populate=$here/target/release/examples/populate
for n in 2000 200 1; do
  [ -f "$dir/a$n.sqlite" ] || "$populate" --db "$dir/a$n.sqlite" --user u --accounts $n --passwords 500
done
echo 'correct horse battery staple' >"$dir/pass"
"$pw" --db "$dir/a2000.sqlite" -u u-1000 challenge set --passphrase-file "$dir/pass" 2>/dev/null || true
"$pw" --db "$dir/a1.sqlite" -u u-0000 challenge set --passphrase-file "$dir/pass" 2>/dev/null || true
big=("$pw" --db "$dir/a2000.sqlite" -u u-1000 --json)
one="$pw --db $dir/a1.sqlite -u u-0000 --json"
for c in status "challenge get"; do
  echo "== $c (2,000 accounts vs 1)"
  # shellcheck disable=SC2086
  python3 "$here/benches/pair.py" -n 10 --vs "$one $c" -- "${big[@]}" $c 2>&1 | grep -E "A wall|B wall|A/B wall"
done
echo "== backup (2,000 accounts vs 1)"
python3 "$here/benches/pair.py" -n 10 --vs "$one backup --force $dir/bB.sqlite" -- "${big[@]}" backup --force "$dir/bA.sqlite" 2>&1 |
  grep -E "A wall|B wall|A/B wall"
# reset: each run takes the next prepared (database, account, code) of a queue.
rm -f "$dir/qA" "$dir/qB"
for i in $(seq 1 8); do
  u=$(printf 'u-%04d' $((1500 + i + RANDOM % 400)))
  code=$("$pw" --db "$dir/a2000.sqlite" -u "$u" reset --no-input 2>/dev/null) || continue
  echo "$dir/a2000.sqlite $u $code" >>"$dir/qA"
  cp "$dir/a1.sqlite" "$dir/a1-$i.sqlite"
  code=$("$pw" --db "$dir/a1-$i.sqlite" -u u-0000 reset --no-input 2>/dev/null)
  echo "$dir/a1-$i.sqlite u-0000 $code" >>"$dir/qB"
done
cat >"$dir/next.sh" <<NEXT
#!/bin/sh
line=\$(head -1 "\$1"); sed -i 1d "\$1"
set -- \$line
exec $pw --db "\$1" -u "\$2" --json reset --code "\$3"
NEXT
chmod +x "$dir/next.sh"
# Both files read once first, so that the pair compares SQLite's work, not whether the
# pages it needs happen to be in the page cache (a cold 1.7 GB file made the reset 10x).
cat "$dir/a2000.sqlite" "$dir"/a1-*.sqlite >/dev/null
echo "== reset of a 500-item account, snapshot first (2,000 accounts vs 1)"
python3 "$here/benches/pair.py" -n 6 --vs "$dir/next.sh $dir/qB" -- "$dir/next.sh" "$dir/qA" 2>&1 | grep -E "A wall|B wall|A/B wall"
echo "== accounts vs sqlite3 (2,000 accounts)"
python3 "$here/benches/pair.py" -n 5 --vs "sh -c 'exec sqlite3 -readonly $dir/a2000.sqlite < $here/benches/sql/accounts.sql'" \
  -- "$pw" --db "$dir/a2000.sqlite" --json accounts 2>&1 | grep -E "A wall|B wall|A/B wall"
echo "== check --all vs sqlite3 (2,000 accounts)"
python3 "$here/benches/pair.py" -n 3 --vs "sh -c 'exec sqlite3 -readonly $dir/a2000.sqlite < $here/benches/sql/check.sql'" \
  -- "$pw" --db "$dir/a2000.sqlite" --json check --all 2>&1 | grep -E "A wall|B wall|A/B wall"
echo "== peak memory of accounts"
for n in 200 2000; do
  for _ in 1 2 3; do
    /usr/bin/time -f "$n accounts: %M KiB" "$pw" --db "$dir/a$n.sqlite" --json accounts 2>&1 >/dev/null
  done
done
