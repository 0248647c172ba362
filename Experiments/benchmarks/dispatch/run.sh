#!/usr/bin/env bash
# The dispatch benchmark (issue 4, "Targets"): hpo's coordinator and workers
# against Optuna's own distributed mode, same trivial work, same run; then the
# makespan of 20 ms trials on 8 slots, and how fast a killed worker's trial is
# back in the queue; then two long runs (100,000 random trials with the
# coordinator's memory at the end, 10,000 TPE trials).
#
#   Experiments/benchmarks/dispatch/run.sh             # ~12-15 min on 2 cores
#   QUICK=1 Experiments/benchmarks/dispatch/run.sh     # one repetition, 2 workers, no sustained run
#   PROFILE=1 Experiments/benchmarks/dispatch/run.sh   # then where the coordinator's time goes (+3 min)
#
# hpo: a coordinator on 127.0.0.1 (free port) with a fresh store, W workers of one
# slot, `hpo submit` of T `sleep`-0 s trials (random, then tpe; parallel = W); the
# store on disk, then on /dev/shm (tmpfs: no fsync cost). Optuna: W processes
# sharing one study in RDBStorage (SQLite file) and in JournalStorage
# (JournalFileBackend), objective returning at once, n_trials split across them.
# Medians of REPS runs; see README.md for the method.
#
# Environment: HPO_BIN (an hpo binary; default: release build of this checkout),
# HPO_BENCH_VENV (default $TMPDIR/hpo-throughput-bench-venv), OPTUNA_SPEC (default
# "optuna", the latest), REPS (3), WORKERS ("1 2 4"), TRIALS (2000), RDB_TRIALS (500),
# JOURNAL_TRIALS (2000), SUSTAINED (20000; 0 = skip), DISK_DIR (default $TMPDIR),
# OUT (JSON lines; default a temporary file, printed at the end), PROFILE, QUICK.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=${TMPDIR:-/tmp}
venv=${HPO_BENCH_VENV:-$tmp/hpo-throughput-bench-venv}
optuna_spec=${OPTUNA_SPEC:-optuna}
if [ -n "${QUICK:-}" ]; then
  reps=${REPS:-1}; workers=${WORKERS:-"2"}; sustained=${SUSTAINED:-0}
else
  reps=${REPS:-3}; workers=${WORKERS:-"1 2 4"}; sustained=${SUSTAINED:-20000}
fi
out=${OUT:-$(mktemp "$tmp/hpo-throughput.XXXXXX.jsonl")}
disk_dir=${DISK_DIR:-$tmp}

echo "== Optuna: $optuna_spec in $venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade "$optuna_spec"
py="$venv/bin/python"
echo "   $("$py" -c 'import optuna; print("optuna", optuna.__version__)')"

if [ -n "${HPO_BIN:-}" ]; then
  hpo=$HPO_BIN
else
  echo "== hpo: release build"
  (cd "$root" && swift build -c release --product hpo)
  hpo="$root/.build/release/hpo"
fi
echo "   $("$hpo" --version 2>/dev/null || echo "hpo (version unknown)") at $hpo"
echo "   store on disk under $disk_dir ($(df -T "$disk_dir" | awk 'NR==2 {print $2}')); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== matrix: samplers random tpe; workers $workers; $reps repetition(s)"
start=$(date +%s)
"$py" "$here/bench.py" matrix --hpo "$hpo" --python "$py" --out "$out" --disk-dir "$disk_dir" \
  --workers "$workers" --reps "$reps" --trials "${TRIALS:-2000}" --rdb-trials "${RDB_TRIALS:-500}" \
  --journal-trials "${JOURNAL_TRIALS:-2000}" --sustained "$sustained"
echo "(matrix took $(( $(date +%s) - start )) s; JSON lines in $out)"

echo "== makespan: 2,000 trials of 20 ms on 2 workers x 4 slots (lease-ahead off/on; parallel 8/16)"
"$py" "$here/bench.py" makespan --hpo "$hpo" --out "$out" --disk-dir "$disk_dir" --reps "$reps"

echo "== requeue: kill -9 of a worker mid-trial, time until its trial is back in the queue"
"$py" "$here/bench.py" requeue --hpo "$hpo" --out "$out" --disk-dir "$disk_dir" --reps "$reps"

if [ -z "${QUICK:-}" ]; then
  echo "== long runs: 100,000 random trials (rate, coordinator memory), 10,000 TPE trials (rate)"
  "$py" "$here/bench.py" long --hpo "$hpo" --out "$out" --disk-dir "$disk_dir" --sampler random --trials 100000
  "$py" "$here/bench.py" long --hpo "$hpo" --out "$out" --disk-dir "$disk_dir" --sampler tpe --trials 10000
fi

if [ -n "${PROFILE:-}" ]; then
  echo "== profile: fdatasync latencies (strace) and the coordinator's on-CPU breakdown (perf)"
  "$py" "$here/bench.py" profile --hpo "$hpo" --out "${out%.jsonl}-profile" --disk-dir "$disk_dir"
fi
