#!/usr/bin/env bash
# Checkpoint benchmark: what sending a running mlp trial's state every epoch
# (model.checkpoint_every 1, the default) costs a whole `hpo run`, against the
# same run sending only final checkpoints (checkpoint_every 0), side by side
# and interleaved in this script. See README.md.
#
#   Experiments/benchmarks/checkpoints/run.sh
#
# Environment (all optional):
#   REPS=5            runs of each variant (interleaved: 0, 1, 5, 0, 1, 5, …)
#   CADENCES="0 1 5"  the checkpoint_every values run; 0 is the baseline
#   TRIALS=8          trials per run (2 workers, parallel 2)
#   EPOCHS=30         epochs per trial
#   HIDDEN=256        units of each of the 2 hidden layers (the checkpoint's size)
#   SCRATCH=.build-bench-release   SwiftPM scratch path of the release build
#   OUT=<new temp dir>             where the runs and results.jsonl go
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
REPS="${REPS:-5}"
CADENCES="${CADENCES:-0 1 5}"
TRIALS="${TRIALS:-8}"
EPOCHS="${EPOCHS:-30}"
HIDDEN="${HIDDEN:-256}"
SCRATCH="${SCRATCH:-.build-bench-release}"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

cd "$ROOT"
swift build -c release --scratch-path "$SCRATCH" --product hpo >&2
HPO="$ROOT/$SCRATCH/release/hpo"
cp Experiments/data/digits.csv "$OUT/digits.csv"

experiment() {  # NAME CADENCE
  cat > "$OUT/$1.json" <<JSON
{"name": "$1", "data": {"path": "digits.csv", "label": "label", "task": "classification",
                      "split": {"validation": 0.2, "test": 0.2, "seed": 0}, "shards": 2},
 "model": {"kind": "mlp", "epochs": $EPOCHS, "checkpoint_every": $2},
 "space": {"learning_rate": {"type": "float", "low": 0.0005, "high": 0.01, "log": true},
           "hidden_units": $HIDDEN, "layers": 2, "batch_size": 32, "optimizer": "adam"},
 "objective": {"metric": "accuracy"},
 "search": {"strategy": "random", "trials": $TRIALS, "parallel": 2, "seed": 3},
 "output": {"dir": "runs/$1", "keep_top": 1}}
JSON
}

: > "$OUT/results.jsonl"
for rep in $(seq 1 "$REPS"); do
  for cadence in $CADENCES; do
    name="c${cadence}-r${rep}"
    experiment "$name" "$cadence"
    start=$(date +%s.%N)
    (cd "$OUT" && OPENBLAS_NUM_THREADS=1 "$HPO" run "$name.json" --workers 2 > "$name.out" 2> "$name.err")
    end=$(date +%s.%N)
    printf '{"cadence": %s, "rep": %s, "seconds": %s}\n' "$cadence" "$rep" "$(echo "$end - $start" | bc)" >> "$OUT/results.jsonl"
  done
done
bytes=$(stat -c %s "$OUT"/runs/c0-r1/checkpoints/*.ckpt | head -1)

python3 - "$OUT/results.jsonl" "$bytes" "$EPOCHS" "$TRIALS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cadences = sorted({r["cadence"] for r in rows})
by = {c: sorted(r["seconds"] for r in rows if r["cadence"] == c) for c in cadences}
epochs, trials = int(sys.argv[3]), int(sys.argv[4])
base = statistics.median(by[0])
print(f"checkpoint size: {int(sys.argv[2]) / 1e6:.2f} MB; {trials} trials × {epochs} epochs, 2 workers")
print("| checkpoint_every | runs | median s | min s | max s | / final only | ms per checkpoint sent |")
print("|---|---|---|---|---|---|---|")
for c in cadences:
    m = statistics.median(by[c])
    sent = trials * ((epochs - 1) // c) if c else 0
    per = f"{(m - base) / sent * 1000:.1f}" if sent else "-"
    print(f"| {c} | {len(by[c])} | {m:.2f} | {by[c][0]:.2f} | {by[c][-1]:.2f} | {m / base:.3f} | {per} |")
PY
echo "results: $OUT/results.jsonl" >&2
