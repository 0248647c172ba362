#!/usr/bin/env bash
# Gang ridge benchmark (issue 17): ridge on a synthetic 500,000 x 100 regression, trained by one
# worker, then by a gang of 2 (each member reading only its half of the training shards), side by
# side in this script: each worker process's peak resident memory (/usr/bin/time), the largest
# relative difference of the two models' predictions on 10,000 rows (hpo predict on the two
# released packages), and the training time.
#
#   Experiments/benchmarks/distributed/ridge.sh             # 500,000 rows x 100 features
#   ROWS=100000 .../ridge.sh                                # smaller
#
# Environment (all optional): HPO_BIN (default: release build of this checkout), ROWS=500000,
# FEATURES=100, WORK=$TMPDIR/hpo-ridge-bench.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${WORK:-${TMPDIR:-/tmp}/hpo-ridge-bench}
rows=${ROWS:-500000}
features=${FEATURES:-100}
mkdir -p "$work"

if [ -n "${HPO_BIN:-}" ]; then
  hpo=$HPO_BIN
else
  echo "== hpo: release build" >&2
  (cd "$root" && swift build -c release --product hpo >&2)
  hpo="$root/.build/release/hpo"
fi

# 1. The data: y = x.w + 3 + noise, x ~ U(-1, 1) scaled by column, from a fixed seed (a small C
#    program: Python would take minutes to print 50 million numbers).
csv="$work/ridge-$rows-$features.csv"
if [ ! -f "$csv" ]; then
  cat > "$work/gen.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
static uint64_t s = 0x9E3779B97F4A7C15ull;
static double u(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return (double)(s >> 11) / 9007199254740992.0; }
int main(int argc, char **argv) {
  long n = atol(argv[1]); int d = atoi(argv[2]);
  double *w = malloc(sizeof(double) * d);
  for (int j = 0; j < d; j++) w[j] = 4 * u() - 2;
  for (int j = 0; j < d; j++) printf("x%d,", j);
  printf("y\n");
  for (long i = 0; i < n; i++) {
    double y = 3 + 0.1 * (2 * u() - 1);
    for (int j = 0; j < d; j++) { double x = (2 * u() - 1) * (1 + j % 7); y += w[j] * x; printf("%.6f,", x); }
    printf("%.6f\n", y);
  }
  return 0;
}
C
  gcc -O2 -o "$work/gen" "$work/gen.c"
  "$work/gen" "$rows" "$features" > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi
head -1 "$csv" > "$work/predict-rows.csv"
tail -n 10000 "$csv" >> "$work/predict-rows.csv"

experiment() {  # NAME WORKERS
  cat > "$work/$1.json" <<JSON
{"name": "$1",
 "data": {"path": "$(basename "$csv")", "label": "y", "task": "regression",
          "split": {"validation": 0.1, "test": 0.05, "seed": 0}, "shards": 2},
 "model": {"kind": "ridge"},
 "space": {"alpha": 1.0},
 "objective": {"metric": "rmse"},
 "search": {"strategy": "random", "trials": 1, "parallel": 1, "seed": 1},
 "validation": {"stress": false},
 "output": {"dir": "runs/$1", "keep_top": 1},
 "resources": {"workers_per_trial": $2}}
JSON
}

results="$work/results.txt"
: > "$results"
for workers in 1 2; do
  name="ridge-w$workers"
  experiment "$name" "$workers"
  rm -rf "$work/runs/$name" "$work/c-$name.ipc" "$work/$name.store.sqlite"*
  endpoint="ipc://$work/c-$name.ipc"
  "$hpo" coordinator --bind "$endpoint" --store "$work/$name.store.sqlite" > "$work/$name.coordinator.log" 2>&1 &
  cpid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/$name.coordinator.log" && break; sleep 0.1; done
  pids=()
  for w in $(seq 1 "$workers"); do
    /usr/bin/time -f "%M" -o "$work/$name.rss$w" "$hpo" worker --coordinator "$endpoint" --id "$name-$w" \
      --cache "$work/cache-$w" --idle-exit 15 > "$work/$name.worker$w.log" 2>&1 &
    pids+=($!)
  done
  (cd "$work" && "$hpo" submit "$name.json" --coordinator "$endpoint" > "$work/$name.submit.log" 2>&1) || {
    echo "ridge.sh: hpo submit $name failed; see $work/$name.submit.log" >&2; kill "$cpid" "${pids[@]}"; exit 1; }
  wait "${pids[@]}"
  kill -TERM "$cpid"; wait "$cpid" || true
  package=$(grep -o "package in [^ ]*" "$work/$name.submit.log" | head -1 | cut -d' ' -f3)
  "$hpo" predict --package "$package" --data "$work/predict-rows.csv" --output "$work/$name.predictions.csv" > /dev/null
  seconds=$("$hpo" trials "$name" --store "$work/$name.store.sqlite" --format json | python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['metrics']['train_seconds'])")
  for w in $(seq 1 "$workers"); do echo "$workers $w $(cat "$work/$name.rss$w") $seconds" >> "$results"; done
done

python3 - "$results" "$work/ridge-w1.predictions.csv" "$work/ridge-w2.predictions.csv" "$rows" "$features" <<'PY'
import csv, sys
rows = [line.split() for line in open(sys.argv[1])]
single = [int(r[2]) for r in rows if r[0] == "1"]; gang = [int(r[2]) for r in rows if r[0] == "2"]
t1 = float([r[3] for r in rows if r[0] == "1"][0]); t2 = float([r[3] for r in rows if r[0] == "2"][0])
def predictions(path):
    with open(path) as f:
        return [float(r["prediction"]) for r in csv.DictReader(f)]
a, b = predictions(sys.argv[2]), predictions(sys.argv[3])
worst = max(abs(x - y) / max(abs(x), 1e-300) for x, y in zip(a, b))
print(f"\nridge, {int(sys.argv[4]):,} rows x {sys.argv[5]} features (2 training shards), alpha 1")
print("| run | peak RSS per worker | train seconds |\n|---|---|---|")
print(f"| 1 worker | {single[0] / 1024:.0f} MB | {t1:.2f} |")
print(f"| gang of 2 | {', '.join(f'{m / 1024:.0f} MB' for m in gang)} | {t2:.2f} |")
print(f"largest member / single worker: {max(gang) / single[0]:.0%} (target <= 60%)")
print(f"largest relative difference of the predictions on 10,000 rows: {worst:.2e} (target <= 1e-9)")
PY
