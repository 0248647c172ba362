#!/usr/bin/env bash
# The command-trial benchmark (issue 18, "Benchmarks"): what a command trial
# costs hpo beyond the user's own code, next to Optuna's CLI driving the same
# no-op script, in the same run.
#
#   Experiments/benchmarks/command/run.sh                    # hpo and Optuna, REPS=3
#   SKIP_HPO=1 Experiments/benchmarks/command/run.sh         # the Optuna baseline only
#   HPO_BIN=path/to/hpo SKIP_OPTUNA=1 .../run.sh             # hpo only, a given binary
#
# 1. Rate: `hpo run` of TRIALS trials of code/noop.py (python3: import hpo_client,
#    read the parameters, report final metrics once, exit) with WORKERS workers,
#    without data and with Experiments/data/digits.csv (materialised once per
#    worker); trials/s over hpo run's whole wall time (start-up included), over the
#    trials alone (store: first start -> last finish), and the start-up itself.
# 2. Round trip: code/latency.py reports LATENCY_EPOCHS epochs in each of
#    LATENCY_TRIALS trials (median rule: real decisions, real stops), timing every
#    hpo_client.report() with perf_counter_ns: p50/p99 (target p99 < 5 ms).
# 3. Baseline: Optuna's documented ask/tell CLI workflow (optuna_loop.sh: `optuna
#    ask`, the same noop.py, `optuna tell`), WORKERS loops at once on one study,
#    OPTUNA_TRIALS trials in all (default TRIALS), storage per OPTUNA_STORAGES.
# Medians of REPS repetitions, the tools interleaved in each; then the ratio
# hpo/Optuna (target >= 5x).
#
# Environment: HPO_BIN (default: release build of this checkout in .build-bench),
# HPO_BENCH_VENV (Optuna's venv; default $TMPDIR/hpo-throughput-bench-venv, shared
# with the dispatch benchmark), OPTUNA_SPEC ("optuna"), REPS (3), TRIALS (200),
# WORKERS (2), OPTUNA_TRIALS (TRIALS), OPTUNA_STORAGES ("sqlite"; also "journal"),
# LATENCY_TRIALS (10), LATENCY_EPOCHS (200), WORK ($TMPDIR/hpo-command-bench),
# OUT (JSON lines; default $WORK/results-<time>.jsonl), SKIP_HPO, SKIP_OPTUNA, KEEP
# (keep each run's folder), TRIAL_PYTHON (the interpreter both tools start for each
# trial; default python3's own sys.executable, so that a wrapper on PATH such as
# pyenv's shim, a shell script costing ~100 ms a start, is not what is measured).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=${TMPDIR:-/tmp}
work=${WORK:-$tmp/hpo-command-bench}
mkdir -p "$work"
out=${OUT:-$work/results-$(date +%Y%m%d-%H%M%S).jsonl}
reps=${REPS:-3}
trials=${TRIALS:-200}
workers=${WORKERS:-2}
optuna_trials=${OPTUNA_TRIALS:-$trials}
keep=${KEEP:+--keep}
trial_python=${TRIAL_PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}

if [ -z "${SKIP_OPTUNA:-}" ]; then
  venv=${HPO_BENCH_VENV:-$tmp/hpo-throughput-bench-venv}
  echo "== Optuna: ${OPTUNA_SPEC:-optuna} in $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade "${OPTUNA_SPEC:-optuna}"
  echo "   $("$venv/bin/python" -c 'import optuna; print("optuna", optuna.__version__)')"
fi
if [ -z "${SKIP_HPO:-}" ]; then
  if [ -n "${HPO_BIN:-}" ]; then
    hpo=$HPO_BIN
  else
    echo "== hpo: release build (.build-bench)"
    swift build -c release --package-path "$root" --scratch-path "$root/.build-bench" --product hpo >&2
    hpo="$root/.build-bench/release/hpo"
  fi
  echo "   $("$hpo" --version 2>/dev/null || echo "hpo (version unknown)") at $hpo"
fi
echo "   $("$trial_python" --version) ($trial_python) runs the trials; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); results in $out"

for rep in $(seq 1 "$reps"); do
  echo "== repetition $rep of $reps"
  if [ -z "${SKIP_HPO:-}" ]; then
    python3 "$here/bench.py" hpo-rate --hpo "$hpo" --trials "$trials" --workers "$workers" --work "$work" --out "$out" --python "$trial_python" $keep
    python3 "$here/bench.py" hpo-rate --hpo "$hpo" --trials "$trials" --workers "$workers" --work "$work" --out "$out" --python "$trial_python" $keep \
      --data "$root/Experiments/data/digits.csv"
    python3 "$here/bench.py" hpo-latency --hpo "$hpo" --trials "${LATENCY_TRIALS:-10}" --epochs "${LATENCY_EPOCHS:-200}" \
      --workers "$workers" --work "$work" --out "$out" --python "$trial_python" $keep
  fi
  if [ -z "${SKIP_OPTUNA:-}" ]; then
    for storage in ${OPTUNA_STORAGES:-sqlite}; do
      python3 "$here/bench.py" optuna-rate --optuna "$venv/bin/optuna" --storage "$storage" --trials "$optuna_trials" \
        --workers "$workers" --work "$work" --out "$out" --python "$trial_python" $keep
    done
  fi
done
echo "== summary"
python3 "$here/bench.py" summary --out "$out"
