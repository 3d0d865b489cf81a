#!/usr/bin/env bash
# Key health judged by the real app: on a Nextcloud + Passwords instance built by the
# reference setup.sh and served (`setup.sh serve`), users made and filled by the app lose
# their data to a changed secret (the control: the app fails), `pwaccount check` names
# them, `pwaccount rekey` with the old secret mends it, and the app opens sessions, lists
# and adds items for every one of them again; `check` is sound after.
#
#   NCORACLE_ROOT=/tmp/nc34 NC_PORT=8134 NC_DRIVER=.../oracle.py scripts/live-rekey.sh [PWACCOUNT]
#
# With PASSWORDS_SECRET=1, the same again for `passwords.secret`: set (the items stay
# under `secret`), then removed (they are under `passwords.secret` by then). On a release
# that does not read it (2024.12 to 2025.5) setting it must change nothing.
# The instance keeps the new secret afterwards. Exit 0 only if every step held.
set -euo pipefail
# shellcheck source=scripts/live-common.sh
. "$(dirname "$0")/live-common.sh"

run_id=$(date +%s)
users=("k${run_id}a" "k${run_id}b")
for u in "${users[@]}"; do
  step "the app makes $u and fills it (a passphrase, 2 folders, 2 tags, 3 passwords)"
  oracle adduser "$u" >/dev/null
  oracle populate "$u" "passphrase of $u" -n 3 >/dev/null
  oracle list "$u" "passphrase of $u" >/dev/null || fail "the app cannot list $u's items before anything changed"
done
"$pw" --nextcloud "$root/server" check >/dev/null || fail "check is not sound before the change"

# $1: the config key to change; $2: the value to give it ("" deletes it); $3: the file
# to write the secret the items are under now.
change() {
  local key=$1 value=$2
  if [ -n "$value" ]; then
    occ config:system:set "$key" --value="$value" >/dev/null
  else
    occ config:system:delete "$key" >/dev/null
  fi
}

# Everything of the users opens for the app; $1 says when.
app_reads_all() {
  for u in "${users[@]}"; do
    oracle list "$u" "passphrase of $u" >/dev/null || fail "the app cannot list $u's items $1"
  done
}

# The control, check, rekey, the app, check: $1 names the change, $2 the old secret file,
# $3 the words check must say with --old-secret-file ("" for none), $4 how many passwords
# each user lists after one more is added ("" for no count).
mend() {
  local what=$1 old=$2 words=$3 count=$4
  step "control: after $what the app fails for every user"
  for u in "${users[@]}"; do
    if oracle list "$u" "passphrase of $u" >/dev/null 2>&1; then
      fail "the app still lists $u's items after $what (the control did not fail)"
    fi
  done
  step "check names the users and the cause"
  set +e
  "$pw" --nextcloud "$root/server" check >"$work/check.txt" 2>&1
  code=$?
  set -e
  sed 's/^/   /' "$work/check.txt"
  [ "$code" = 8 ] || fail "check exited $code, not 8"
  for u in "${users[@]}"; do grep -q "^$u: " "$work/check.txt" || fail "check does not name $u"; done
  if [ -n "$words" ]; then
    "$pw" --nextcloud "$root/server" check --old-secret-file "$old" >"$work/check-old.txt" 2>&1 || true
    grep -q "$words" "$work/check-old.txt" || fail "check --old-secret-file does not say: $words"
  fi
  step "rekey with the old secret"
  "$pw" --nextcloud "$root/server" rekey --old-secret-file "$old" --yes | sed 's/^/   /'
  step "the app opens sessions, lists and adds items for every user"
  app_reads_all "after the rekey"
  for u in "${users[@]}"; do
    oracle populate "$u" "passphrase of $u" -n 1 >/dev/null || fail "the app cannot add an item for $u"
    if [ -n "$count" ]; then
      n=$(oracle list "$u" "passphrase of $u" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
      [ "$n" = "$count" ] || fail "$u lists $n items after adding one, not $count"
    fi
  done
  step "check is sound"
  "$pw" --nextcloud "$root/server" check | sed 's/^/   /'
}

secret_now() { occ config:system:get "$1" 2>/dev/null || true; }

# 1. secret changed.
secret_now secret >"$work/old-secret"
change secret "changed-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
mend "occ config:system:set secret" "$work/old-secret" "they open with the old secret given" 4
# The users were re-encrypted; one more item each was added: 4 passwords from here.
if [ "${PASSWORDS_SECRET:-0}" = 1 ]; then
  version=$(occ config:app:get passwords installed_version)
  case "$version" in
    2024.*|2025.[1-5].*)
      step "passwords.secret on $version, which does not read it: the app must be unaffected"
      change passwords.secret "ps-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
      app_reads_all "with passwords.secret set on a release that ignores it"
      "$pw" --nextcloud "$root/server" check >/dev/null || fail "check is not sound"
      change passwords.secret ""
      ;;
    *)
      secret_now secret >"$work/old-secret"
      change passwords.secret "ps-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
      mend "occ config:system:set passwords.secret" "$work/old-secret" "they open with \`secret\`" 5
      secret_now passwords.secret >"$work/old-secret"
      change passwords.secret ""
      mend "occ config:system:delete passwords.secret" "$work/old-secret" "they open with the old secret given" 6
      ;;
  esac
fi
step "every step held"
