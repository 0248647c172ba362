#!/usr/bin/env bash
# The soak (issue 15, "The suite"; not run in CI): 30 minutes of `sleep` trials
# through one coordinator and 6 workers while a random worker is killed with
# SIGKILL and restarted every 2-5 s and the coordinator is restarted on the same
# store every 5 minutes (SIGKILL and SIGTERM alternately). Checks and prints:
# every experiment's finished count exact (no trial lost, none duplicated), the
# coordinator's RSS and open file descriptors flat (median of the first 5
# minutes vs the last 5, within 10 %), no zombie process.
#
#   Experiments/benchmarks/soak/run.sh                    # 30 minutes (+ build)
#   Experiments/benchmarks/soak/run.sh --minutes 60 --seed 7
#   Experiments/benchmarks/soak/run.sh --smoke            # 2 minutes: restarts every 40 s, windows of 40 s
#
# Arguments go to soak.py (`python3 soak.py --help`). Environment: HPO_BIN (an
# hpo binary; default: the release build of this checkout). Exit 0 when every
# check passes, 1 when one fails (each failure is listed), 3 when the harness
# could not run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
hpo=$("$here/../release-hpo.sh")
echo "   $("$hpo" --version) at $hpo; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$here/soak.py" --hpo "$hpo" "$@"
