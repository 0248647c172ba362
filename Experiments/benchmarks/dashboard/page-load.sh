#!/usr/bin/env bash
# The experiment page's load at scale (issue 20, "Scale"): a store of N trials written through
# the real HPOStore API (hpo-dashboard-page-bench: 16 workers, 3 reported epochs per complete
# trial), served by the real `hpo dashboard`, loaded LOADS times in headless Chromium (the Debian
# package; a fresh browser and profile each time, driven by page_load.py over the DevTools
# protocol). The page records when every chart was first drawn
# (<body data-drawn-ms>, ms after the navigation started) and, as the baseline, when the history
# plot alone was (data-history-ms: the page before the charts came). Prints the medians per
# store size, and each chart endpoint's answer time (curl, median of 5) and size.
# Target: every chart drawn within 2 s at 100,000 trials.
#
#   Experiments/benchmarks/dashboard/page-load.sh        # ~3-5 min once built
#
# Environment: CONFIG (release, or debug to reuse a debug build), SIZES ("1000 100000"), LOADS (5).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
config=${CONFIG:-release}
(cd "$root" && swift build -c "$config" --product hpo >&2 && swift build -c "$config" --product hpo-dashboard-page-bench >&2)
bin="$root/.build/$config"
work=$(mktemp -d "${TMPDIR:-/tmp}/hpo-page-bench.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| trials | history drawn, median ms | every chart drawn, median ms | ratio | loads |"
echo "|---|---|---|---|---|"
endpoints=""
for size in ${SIZES:-1000 100000}; do
  store="$work/store-$size.sqlite"
  "$bin/hpo-dashboard-page-bench" --store "$store" --trials "$size" >&2
  "$bin/hpo" dashboard --store "$store" --http 127.0.0.1:0 >"$work/dashboard.log" 2>&1 &
  pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/dashboard.log" || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "page-load: hpo dashboard did not start: $(cat "$work/dashboard.log")" >&2; exit 1; }
  # page_load.py: a fresh headless Chromium per load, driven over the DevTools protocol; it prints
  # "DRAWN_MS HISTORY_MS" per load once <body data-charts="drawn">.
  python3 "$here/page_load.py" "${url}#experiment=page" "${LOADS:-5}" >"$work/loads.txt"
  drawn=($(awk '{ print $1 }' "$work/loads.txt"))
  history=($(awk '{ print $2 }' "$work/loads.txt"))
  dm=$(printf '%s\n' "${drawn[@]}" | median)
  hm=$(printf '%s\n' "${history[@]}" | median)
  echo "| $size | $hm | $dm | $(awk -v a="$dm" -v b="$hm" 'BEGIN { printf "%.2f", a / b }') | ${drawn[*]} |"
  for path in history columns intermediate importance; do
    times=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' "${url}api/experiments/page/$path"; done | median)
    bytes=$(curl -s -o /dev/null -w '%{size_download}' "${url}api/experiments/page/$path")
    endpoints+="| $size | \`$path\` | $(awk -v t="$times" 'BEGIN { printf "%.0f", t * 1000 }') | $(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }') |"$'\n'
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
done
echo
echo "| trials | endpoint | median ms (curl, 5 requests) | MB |"
echo "|---|---|---|---|"
printf '%s' "$endpoints"
