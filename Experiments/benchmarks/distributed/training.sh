#!/usr/bin/env bash
# Gang training benchmark (issue 17): one MLP trial on Fashion-MNIST trained by one worker, then
# by a gang of 2 (each member holding half of the training shards, gradients all-reduced every
# step) all-reducing through shared memory (the default on one host), then the same gang over
# TCP on 127.0.0.1 (--no-gang-shared-memory), then two single-worker runs at once (what 2
# processes get of this machine: the ceiling of any gang of 2 here), side by side in this
# script: time per epoch, scaling efficiency t1 / (2 t2), and the accuracy after the last epoch.
#
#   Experiments/benchmarks/distributed/training.sh                  # 3 repeats, 10 epochs
#   REPEATS=1 EPOCHS=3 .../training.sh                              # reduced
#
# The data: the 70,000 images of Debian's dataset-fashion-mnist pooled into one CSV; the
# experiment's split (validation 0.1, test 0.05) leaves 59,500 training images in 2 shards.
# The model: MLP 784-256-256-10 (the space has one width for all hidden layers), ReLU, Adam,
# learning rate 0.001, global batch 256 (128 per member in the gang), float32, one BLAS thread
# per worker process (as hpo workers run). Time per epoch is the trial's train_seconds over
# its epochs (training only: data preparation and start-up excluded).
#
# Environment (all optional): HPO_BIN (default: release build of this checkout), REPEATS=3, BATCH=256,
# EPOCHS=10, FASHION_MNIST=/usr/share/datasets/fashion-mnist, WORK=$TMPDIR/hpo-gang-bench.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${WORK:-${TMPDIR:-/tmp}/hpo-gang-bench}
src=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
repeats=${REPEATS:-3}
epochs=${EPOCHS:-10}
batch=${BATCH:-256}
mkdir -p "$work"

if [ ! -f "$src/train-images-idx3-ubyte.gz" ]; then
  echo "training.sh: no Fashion-MNIST in $src (apt-get install dataset-fashion-mnist, or set FASHION_MNIST)" >&2; exit 2
fi
csv="$work/fashion-70000.csv"
[ -f "$csv" ] || python3 "$root/Experiments/benchmarks/early-stopping/make_csv.py" "$src" "$csv" 70000 0

if [ -n "${HPO_BIN:-}" ]; then
  hpo=$HPO_BIN
else
  echo "== hpo: release build" >&2
  (cd "$root" && swift build -c release --product hpo >&2)
  hpo="$root/.build/release/hpo"
fi

experiment() {  # NAME WORKERS
  cat > "$work/$1.json" <<JSON
{"name": "$1",
 "data": {"path": "fashion-70000.csv", "label": "label", "task": "classification",
          "split": {"validation": 0.1, "test": 0.05, "seed": 0}, "shards": 2},
 "model": {"kind": "mlp", "epochs": $epochs, "precision": "float32"},
 "space": {"hidden_units": 256, "layers": 2, "activation": "relu", "optimizer": "adam",
           "learning_rate": 0.001, "batch_size": $batch, "dropout": 0.0},
 "objective": {"metric": "accuracy"},
 "search": {"strategy": "random", "trials": 1, "parallel": 1, "seed": 1},
 "output": {"dir": "runs/$1", "keep_top": 1},
 "resources": {"workers_per_trial": $2}}
JSON
}

results="$work/results.txt"
: > "$results"
# run NAME WORKERS [hpo run options]: one experiment; appends "KIND REPEAT S_PER_EPOCH ACCURACY".
run() {
  local name=$1 workers=$2 kind=$3; shift 3
  experiment "$name" "$workers"
  rm -rf "$work/runs/$name"
  (cd "$work" && "$hpo" run "$name.json" --workers "$workers" "$@" > "$work/$name.log" 2>&1) || {
    echo "training.sh: hpo run $name failed; see $work/$name.log" >&2; return 1; }
  "$hpo" trials "$name" --store "$work/runs/$name/store.sqlite" --format json | python3 -c "
import json, sys
t = json.loads(sys.stdin.readline())
m = t['metrics']
print('$kind', $r, m['train_seconds'] / t['epochs'], m['accuracy'])" >> "$results"
  tail -1 "$results" | awk '{printf "repeat %d, %s: %.3f s per epoch, accuracy %.4f\n", $2, $1, $3, $4}'
}
for r in $(seq 1 "$repeats"); do
  run "fashion-w1-r$r" 1 one
  run "fashion-shm-r$r" 2 gang-shm
  run "fashion-tcp-r$r" 2 gang-tcp --no-gang-shared-memory
  # The machine's ceiling: two single-worker runs at once, on the 2 cores a gang of 2 uses.
  run "fashion-pa-r$r" 1 pair & pair=$!
  run "fashion-pb-r$r" 1 pair
  wait "$pair"
done

python3 - "$results" "$epochs" "$batch" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
kinds = ["one", "gang-shm", "gang-tcp", "pair"]
t = {k: statistics.median(float(r[2]) for r in rows if r[0] == k) for k in kinds}
a = {k: statistics.median(float(r[3]) for r in rows if r[0] == k) for k in kinds}
n = sum(r[0] == "one" for r in rows)
print(f"\nmedian of {n}, {sys.argv[2]} epochs, MLP 784-256-256-10, global batch {sys.argv[3]}")
print("| run | s per epoch | efficiency t1/(2 t) | accuracy | vs 1 worker |")
print("|---|---:|---:|---:|---:|")
names = {"one": "1 worker", "gang-shm": "gang of 2, shared memory", "gang-tcp": "gang of 2, TCP (127.0.0.1)",
         "pair": "2 single workers at once (each)"}
for k in kinds:
    eff = "" if k in ("one", "pair") else f"{100 * t['one'] / (2 * t[k]):.0f}%"
    gap = "" if k == "one" else f"{100 * (a[k] - a['one']):+.2f} points"
    print(f"| {names[k]} | {t[k]:.3f} | {eff} | {a[k]:.4f} | {gap} |")
ceiling = t["one"] / t["pair"]
print(f"ceiling of this machine for 2 processes: t1 / t(pair) = {100 * ceiling:.0f}% "
      f"(the gang over shared memory reaches {100 * t['one'] / (2 * t['gang-shm']) / ceiling:.0f}% of it)")
PY
