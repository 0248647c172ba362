#!/usr/bin/env bash
# Benchmark: `hpo drift` on ROWS rows x FEATURES features (default 1,000,000 x 100) against
# scipy.stats.ks_2samp over the same columns and the same reference samples, in one script.
# hpo's time is the whole command (checksums, CSV read and schema check, every test, Holm,
# the report); SciPy's is the tests alone (its CSV read is not counted), and so is Evidently's
# (a Report with DataDriftPreset(method="ks"), when it installs from pip into a venv this script
# makes under the cache; pandas < 3, which Evidently 0.7 needs). Median of RUNS runs,
# alternating; peak RSS of each process. Issue 16's target: hpo faster than SciPy.
#
# Usage: Experiments/benchmarks/drift/run.sh   (RUNS=3 ROWS=1000000 FEATURES=100)
# Needs the tests' venv (Cluster/bootstrap --no-build --test: numpy, scipy).
# Data and package are cached under $HPO_BENCH_CACHE (/tmp/hpo-bench-drift).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${HPO_ROOT:-$(cd "$HERE/../../.." && pwd)}
CACHE=${HPO_BENCH_CACHE:-/tmp/hpo-bench-drift}
RUNS=${RUNS:-3}
ROWS=${ROWS:-1000000}
FEATURES=${FEATURES:-100}
PY="$ROOT/.build/test-venv/bin/python"
DATA="$CACHE/$ROWS-$FEATURES"
mkdir -p "$DATA"

if [ ! -f "$DATA/new.csv" ]; then
  echo "writing $DATA/train.csv and new.csv (once)" >&2
  "$PY" "$HERE/make_data.py" "$DATA" "$ROWS" "$FEATURES"
fi

echo "building hpo (release)" >&2
swift build -c release --package-path "$ROOT" --scratch-path "$ROOT/.build-bench" --product hpo >&2
HPO="$ROOT/.build-bench/release/hpo"

if [ ! -f "$DATA/out/package/test-outputs.json" ]; then
  cat > "$DATA/experiment.json" <<JSON
{"name": "drift-bench", "data": {"path": "train.csv", "label": "y", "task": "regression",
 "split": {"validation": 0.2, "test": 0.2, "seed": 0}},
 "model": {"kind": "ridge"}, "space": {"alpha": {"type": "float", "low": 0.01, "high": 1, "log": true, "grid_points": 2}},
 "objective": {"metric": "rmse"}, "search": {"strategy": "grid", "trials": 2, "parallel": 1},
 "validation": {"stress": false}, "output": {"dir": "out", "keep_top": 1}}
JSON
  (cd "$DATA" && "$HPO" run experiment.json --workers 1 >&2)
fi
PACKAGE="$DATA/out/package"

# Evidently, in a venv of its own (its pins would clash with the tests' venv); skipped when pip cannot install it.
EVIDENTLY="$CACHE/evidently-venv/bin/python"
if [ ! -x "$EVIDENTLY" ] || ! "$EVIDENTLY" -c "import evidently" 2>/dev/null; then
  echo "installing Evidently into $CACHE/evidently-venv (once)" >&2
  python3 -m venv "$CACHE/evidently-venv" && "$CACHE/evidently-venv/bin/pip" install -q evidently "pandas<3" >&2 \
    || { echo "Evidently did not install; its column is skipped" >&2; EVIDENTLY=; }
fi

size_mb=$(awk -v b="$(stat -c %s "$DATA/new.csv")" 'BEGIN { printf "%.0f", b / 1e6 }')
echo "new.csv: $ROWS rows x $FEATURES features, $size_mb MB" >&2
hpo_times=(); hpo_rss=(); scipy_times=(); scipy_rss=(); ev_times=(); ev_rss=()
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$CACHE/time.txt" "$HPO" drift --package "$PACKAGE" --data "$DATA/new.csv" > "$CACHE/hpo.txt" || true
  read -r seconds kb < "$CACHE/time.txt"
  hpo_times+=("$seconds"); hpo_rss+=("$((kb / 1024))")
  line=$("$PY" "$HERE/scipy_ks.py" "$PACKAGE" "$DATA/new.csv")
  scipy_times+=("$(echo "$line" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
  scipy_rss+=("$(echo "$line" | "$PY" -c 'import json,sys; print(int(json.load(sys.stdin)["peak_mb"]))')")
  ev=""
  if [ -n "$EVIDENTLY" ]; then
    line=$("$EVIDENTLY" "$HERE/evidently_drift.py" "$PACKAGE" "$DATA/new.csv")
    ev_times+=("$(echo "$line" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
    ev_rss+=("$(echo "$line" | "$PY" -c 'import json,sys; print(int(json.load(sys.stdin)["peak_mb"]))')")
    ev="; evidently ${ev_times[-1]}s ${ev_rss[-1]} MB"
  fi
  echo "run $i: hpo ${seconds}s ${hpo_rss[-1]} MB; scipy ${scipy_times[-1]}s ${scipy_rss[-1]} MB$ev" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
h=$(median "${hpo_times[@]}"); s=$(median "${scipy_times[@]}")
echo "hpo drift (whole command): median ${h}s, peak $(median "${hpo_rss[@]}") MB"
echo "scipy ks_2samp (tests only): median ${s}s, peak $(median "${scipy_rss[@]}") MB"
awk -v h="$h" -v s="$s" 'BEGIN { printf "ratio scipy/hpo: %.2fx\n", s / h }'
if [ "${#ev_times[@]}" -gt 0 ]; then
  e=$(median "${ev_times[@]}")
  echo "evidently DataDriftPreset(ks) (report only): median ${e}s, peak $(median "${ev_rss[@]}") MB"
  awk -v h="$h" -v e="$e" 'BEGIN { printf "ratio evidently/hpo: %.2fx\n", e / h }'
fi
tail -1 "$CACHE/hpo.txt"
