#!/usr/bin/env bash
# Prints the path of the hpo binary a benchmark runs: $HPO_BIN when set, else
# the release build of this checkout (built first; the build's output goes to
# standard error). Used by soak/run.sh and scale/run.sh.
set -euo pipefail
if [ -n "${HPO_BIN:-}" ]; then
  echo "$HPO_BIN"
  exit 0
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
echo "== hpo: release build" >&2
(cd "$root" && swift build -c release --product hpo) >&2
echo "$root/.build/release/hpo"
