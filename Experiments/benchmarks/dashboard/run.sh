#!/usr/bin/env bash
# The dashboard's trial table at scale (issue 20, "Scale"): a store of 100,000 trials written
# through the real HPOStore API, served by the real DashboardServer on 127.0.0.1, and pages of
# 100 trials fetched over HTTP sorted by number, value, a float and a categorical parameter,
# duration, start and state (offsets spread over the whole table, the last page included).
# Prints p50/p95 per sort key as a Markdown table. Target: p95 under 50 ms for any key.
#
#   Experiments/benchmarks/dashboard/run.sh          # ~1-2 min once built
#
# Environment: CONFIG (release, or debug to reuse a debug build), TRIALS (100000),
# REPS (requests per sort key; 40). The store is written once into a temporary folder.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
config=${CONFIG:-release}
(cd "$root" && swift build -c "$config" --product hpo-dashboard-bench >&2)
work=$(mktemp -d "${TMPDIR:-/tmp}/hpo-dashboard-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$root/.build/$config/hpo-dashboard-bench" --trials "${TRIALS:-100000}" --repetitions "${REPS:-40}" \
  --store "$work/store.sqlite"
