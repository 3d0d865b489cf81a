#!/usr/bin/env bash
# Build the Debian package of pwaccount: the binary, the man page and the completions for
# bash, zsh and fish where Debian's tools look for them.
#
#   scripts/deb.sh [OUTDIR]                 release build, then target/debian/pwaccount_VERSION_ARCH.deb
#   scripts/deb.sh --binary PATH [OUTDIR]   package an existing binary instead (the tests do)
#
# Needs dpkg-deb and gzip (Debian's dpkg and gzip packages); objdump (binutils) for the
# libc version the binary needs. Install it with `sudo apt install ./target/debian/pwaccount_*.deb`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
binary=
if [ "${1:-}" = --binary ]; then
  binary=$2
  shift 2
fi
out=${1:-$here/target/debian}
if [ -z "$binary" ]; then
  (cd "$here" && cargo build --release --locked)
  binary=$here/target/release/pwaccount
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -1)
arch=$(dpkg --print-architecture)
# The newest glibc symbol version the binary uses is the libc6 it needs.
glibc=$(objdump -T "$binary" | sed -n 's/.*GLIBC_\([0-9.]*\).*/\1/p' | sort -uV | tail -1)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/pwaccount_${version}_$arch
install -D -m 0755 "$binary" "$root/usr/bin/pwaccount"
install -d "$root/usr/share/man/man1"
gzip -9n <"$here/man/pwaccount.1" >"$root/usr/share/man/man1/pwaccount.1.gz"
install -D -m 0644 "$here/completions/pwaccount.bash" "$root/usr/share/bash-completion/completions/pwaccount"
install -D -m 0644 "$here/completions/_pwaccount" "$root/usr/share/zsh/vendor-completions/_pwaccount"
install -D -m 0644 "$here/completions/pwaccount.fish" "$root/usr/share/fish/vendor_completions.d/pwaccount.fish"
install -d "$root/usr/share/doc/pwaccount"
gzip -9n <"$here/CHANGELOG.md" >"$root/usr/share/doc/pwaccount/changelog.gz"
install -m 0644 "$here/README.md" "$root/usr/share/doc/pwaccount/README.md"
# Every mode set here, whatever the caller's umask (under 077 the redirected files and
# the folders would be private, and `man pwaccount` would fail for all but root).
find "$root" -type d -exec chmod 0755 {} +
find "$root/usr" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/pwaccount"
size=$(du -sk "$root/usr" | cut -f1)
install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: pwaccount
Version: $version
Architecture: $arch
Maintainer: pwaccount developers <pwaccount@localhost>
Installed-Size: $size
Depends: libc6 (>= ${glibc:-2.17})
Section: admin
Priority: optional
Description: admin tool for the accounts of the Nextcloud Passwords app
 pwaccount runs the Passwords app's account flows (reset, challenge get and set,
 backup and restore) directly on the database of a Nextcloud installation
 (SQLite, PostgreSQL or MySQL/MariaDB), or on its own SQLite account file.
CONTROL
chmod 0644 "$root/DEBIAN/control"
mkdir -p "$out"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/pwaccount_${version}_$arch.deb" >/dev/null
echo "$out/pwaccount_${version}_$arch.deb"
