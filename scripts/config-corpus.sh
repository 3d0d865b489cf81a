#!/usr/bin/env bash
# Regenerate tests/data/nextcloud-config/*/expected.json with Nextcloud's own
# `lib/private/Config.php`: what Nextcloud reads from each case's configuration folder,
# with the case's environment (case.json "env"; NEXTCLOUD_CONFIG_DIR relative to the case).
#
#   scripts/config-corpus.sh NEXTCLOUD_TREE      (a release tree: the folder holding lib/)
#
# Needs php (Debian's php-cli). The expected files are committed, so the tests need no PHP.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "${1:?give the Nextcloud release tree (the folder with lib/private/Config.php)}" && pwd)
for case in "$here"/tests/data/nextcloud-config/*/; do
  case=${case%/}
  env_args=()
  while IFS= read -r line; do
    [ -n "$line" ] && env_args+=("$line")
  done < <(python3 - "$case" <<'PY'
import json, os, sys
case = sys.argv[1]
for key, value in json.load(open(os.path.join(case, "case.json")))["env"].items():
    if key == "NEXTCLOUD_CONFIG_DIR":
        value = os.path.join(case, value)
    print(f"{key}={value}")
PY
)
  # A case may read another case's folder ("installation") with its own environment.
  installation=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("installation", ""))' "$case/case.json")
  installation=$(dirname "$case")/${installation:-$(basename "$case")}
  rm -f "$case/expected.json"
  env -i PATH="$PATH" "${env_args[@]}" php -d display_errors=stderr -d output_buffering=0 \
    "$here/scripts/config-corpus.php" "$tree" "$installation" "$case/expected.json" >/dev/null 2>&1 || true
  echo "$(basename "$case"): $(head -c 60 "$case/expected.json" | tr '\n' ' ')"
done
