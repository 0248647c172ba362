#!/usr/bin/env bash
# Benchmark: reading a ~150 MB numeric CSV (Fashion-MNIST train written out as
# CSV), hpo's CSV reader against pandas.read_csv. Issue 7's target: hpo at
# least 2x faster, peak memory under 2x the data size.
#
# Usage: Experiments/benchmarks/data/run.sh   (RUNS=5 by default)
# Needs Debian's dataset-fashion-mnist and PyPI access for the venv (pandas).
# The CSV and the venv are cached under $HPO_BENCH_CACHE (/tmp/hpo-bench-data).
# Both sides time only the read call (no process start, no imports), median
# of RUNS runs in fresh processes, alternating; peak RSS is each process's
# ru_maxrss (the hpo number includes its own runtime, about 20 MB).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${HPO_ROOT:-$(cd "$HERE/../../.." && pwd)}
CACHE=${HPO_BENCH_CACHE:-/tmp/hpo-bench-data}
RUNS=${RUNS:-5}
CSV=$CACHE/fashion-mnist-train.csv
VENV=$CACHE/venv
mkdir -p "$CACHE"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import pandas" 2>/dev/null; then
  echo "making the venv (pandas, numpy) in $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet pandas numpy
fi
if [ ! -f "$CSV" ]; then
  echo "writing $CSV (once)" >&2
  "$VENV/bin/python" "$HERE/make_csv.py" "$CSV"
fi

echo "building hpo (release)" >&2
swift build -c release --package-path "$ROOT" --scratch-path "$ROOT/.build-bench" --product hpo >&2
HPO="$ROOT/.build-bench/release/hpo"

# numpy/pandas run their kernels single-threaded for read_csv either way; the
# OpenBLAS overrides of this machine only slow numpy (see PLATFORM.md).
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

size_mb=$(awk -v b="$(stat -c %s "$CSV")" 'BEGIN { printf "%.1f", b / 1e6 }')
cat "$CSV" > /dev/null  # page cache warm for both sides

hpo32=(); hpo64=(); pandas=()
rss32=(); rss64=(); rssp=()
for ((i = 0; i < RUNS; i++)); do
  line=$("$HPO" data inspect "$CSV" --timing --dtype float32)
  hpo32+=("$(sed -E 's/.* in ([0-9.]+) s,.*/\1/' <<<"$line")")
  rss32+=("$(sed -E 's/.*peak RSS ([0-9.]+) MB.*/\1/' <<<"$line")")
  line=$("$HPO" data inspect "$CSV" --timing --dtype float64)
  hpo64+=("$(sed -E 's/.* in ([0-9.]+) s,.*/\1/' <<<"$line")")
  rss64+=("$(sed -E 's/.*peak RSS ([0-9.]+) MB.*/\1/' <<<"$line")")
  read -r seconds peak _ _ < <("$VENV/bin/python" "$HERE/read_pandas.py" "$CSV")
  pandas+=("$seconds"); rssp+=("$peak")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
m32=$(median "${hpo32[@]}"); m64=$(median "${hpo64[@]}"); mp=$(median "${pandas[@]}")
r32=$(median "${rss32[@]}"); r64=$(median "${rss64[@]}"); rp=$(median "${rssp[@]}")
pandas_version=$("$VENV/bin/python" -c "import pandas; print(pandas.__version__)")

echo "file: $CSV ($size_mb MB, 60000 rows x 785 columns); median of $RUNS runs"
# Parsed data: 784 features in the element type plus a float64 label per row
# (pandas: 785 int64 columns).
awk -v m32="$m32" -v m64="$m64" -v mp="$mp" -v r32="$r32" -v r64="$r64" -v rp="$rp" -v size="$size_mb" -v pv="$pandas_version" 'BEGIN {
  d32 = 60000 * (784 * 4 + 8) / 1e6; d64 = 60000 * 785 * 8 / 1e6
  printf "%-24s %8s %10s %12s %10s %10s %12s\n", "reader", "seconds", "vs pandas", "peak RSS MB", "RSS/file", "data MB", "RSS/data"
  printf "%-24s %8.3f %9.2fx %12.1f %10.2f %10.1f %12.2f\n", "hpo float32", m32, mp / m32, r32, r32 / size, d32, r32 / d32
  printf "%-24s %8.3f %9.2fx %12.1f %10.2f %10.1f %12.2f\n", "hpo float64", m64, mp / m64, r64, r64 / size, d64, r64 / d64
  printf "%-24s %8.3f %9.2fx %12.1f %10.2f %10.1f %12.2f\n", "pandas " pv " read_csv", mp, 1, rp, rp / size, d64, rp / d64
}'
