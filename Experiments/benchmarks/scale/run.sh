#!/usr/bin/env bash
# The scale benchmark (issue 15, "The suite"; not run in CI): 200 worker
# processes (function kind, `sleep` 50 ms trials, one slot each) on one
# coordinator on this machine, against a baseline of 20 workers with the same
# trials per worker, alternated in one run. Prints per run and as medians: the
# distinct workers that ran a trial (all must), the makespan against the ideal
# (trials × 50 ms / workers) as an overhead, the coordinator's CPU per trial and
# the ratios to the baseline.
#
#   Experiments/benchmarks/scale/run.sh                   # 3 repetitions, ~6-10 min on 2 cores (+ build)
#   Experiments/benchmarks/scale/run.sh --reps 1          # a quick look
#   Experiments/benchmarks/scale/run.sh --workers 100 --baseline 10 --per-worker 20
#
# Arguments go to scale.py (`python3 scale.py --help`). Environment: HPO_BIN (an
# hpo binary; default: the release build of this checkout). Exit 1 when a
# worker got no trial or a run ended with the wrong count.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
hpo=$("$here/../release-hpo.sh")
echo "   $("$hpo" --version) at $hpo; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(free -g | awk '/Mem/ {print $7}') GB available"
exec python3 "$here/scale.py" --hpo "$hpo" "$@"
