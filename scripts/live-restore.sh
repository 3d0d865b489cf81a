#!/usr/bin/env bash
# Restore judged by the real app: on a Nextcloud + Passwords instance built by the
# reference setup.sh and served (`setup.sh serve`), a user made and filled by the app is
# backed up by pwaccount, reset by the app's own reset, and restored by pwaccount without
# --replace (a user the app reset is blank); the app then opens a session with the old
# passphrase and lists the same items. Then pwaccount resets the user and restores it; a
# restore over the user's data is refused (exit 3) without --replace and done with it.
# Exit 0 only if every step held.
#
#   NCORACLE_ROOT=/tmp/nc34 NC_PORT=8134 NC_DRIVER=.../oracle.py scripts/live-restore.sh [PWACCOUNT]
set -euo pipefail
# shellcheck source=scripts/live-common.sh
. "$(dirname "$0")/live-common.sh"

u="r$(date +%s)"
pass="passphrase of $u"
step "the app makes $u and fills it"
oracle adduser "$u" >/dev/null
oracle populate "$u" "$pass" -n 4 >/dev/null
oracle list "$u" "$pass" >"$work/before.txt" || fail "the app cannot list $u's items"
step "pwaccount backs $u up"
"$pw" "${nc[@]}" -u "$u" backup "$work/$u.sqlite" >/dev/null || fail "backup"
step "the app resets $u"
oracle reset "$u" "$pass" >/dev/null || fail "the app's reset"
# The control: the app's reset took the items (a session opens, nothing is listed).
oracle list "$u" "$pass" >"$work/reset.txt" 2>&1 || true
if cmp -s "$work/before.txt" "$work/reset.txt"; then fail "the app still lists $u's items after its reset"; fi
step "pwaccount restores $u without --replace"
"$pw" "${nc[@]}" -u "$u" restore --yes "$work/$u.sqlite" >/dev/null || fail "restore after the app's reset"
oracle login "$u" "$pass" >/dev/null || fail "the app refuses the old passphrase after the restore"
oracle list "$u" "$pass" >"$work/after.txt" || fail "the app cannot list after the restore"
diff -u "$work/before.txt" "$work/after.txt" || fail "the items differ after the restore"
step "pwaccount resets $u and restores it again; over its data only with --replace"
code=$("$pw" "${nc[@]}" -u "$u" reset --no-input)
"$pw" "${nc[@]}" -u "$u" reset --no-backup --code "$code" >/dev/null || fail "pwaccount's reset"
"$pw" "${nc[@]}" -u "$u" restore --yes "$work/$u.sqlite" >/dev/null || fail "restore after pwaccount's reset"
set +e
"$pw" "${nc[@]}" -u "$u" restore --yes "$work/$u.sqlite" >/dev/null 2>&1
status=$?
set -e
[ "$status" = 3 ] || fail "a restore over the user's data without --replace exited $status, not 3"
"$pw" "${nc[@]}" -u "$u" restore --yes --replace "$work/$u.sqlite" >/dev/null || fail "restore --replace"
oracle list "$u" "$pass" >"$work/again.txt" || fail "the app cannot list after restore --replace"
diff -u "$work/before.txt" "$work/again.txt" || fail "the items differ after restore --replace"
"$pw" "${nc[@]}" check >/dev/null || fail "check is not sound after the restores"
step "every step held for $u"
