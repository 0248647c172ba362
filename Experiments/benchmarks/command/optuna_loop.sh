#!/bin/sh
# Optuna's documented workflow for code that is not Python: a shell loop of
# `optuna ask`, the trial's command, `optuna tell`. One loop of COUNT trials;
# bench.py runs two at once on the same study (2 workers).
#
#   optuna_loop.sh OPTUNA STORAGE STUDY COUNT HERE PYTHON [STORAGE_CLASS]
#
# HERE is this folder: the trial runs `PYTHON HERE/code/noop.py` with
# HERE/optuna_shim on PYTHONPATH (its hpo_client prints the value). Optuna's
# warnings and info lines go to standard error.
set -eu
optuna=$1 storage=$2 study=$3 count=$4 here=$5 python=$6
class=${7:-}
set -- --storage "$storage" --study-name "$study"
[ -z "$class" ] || set -- "$@" --storage-class "$class"
space='{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}}}'
i=0
while [ "$i" -lt "$count" ]; do
  trial=$("$optuna" ask "$@" --sampler RandomSampler --search-space "$space" -f json)
  number=$(printf '%s' "$trial" | sed -n 's/.*"number": *\([0-9][0-9]*\).*/\1/p')
  params=$(printf '%s' "$trial" | sed -n 's/.*"params": *\({[^}]*}\).*/\1/p')
  value=$(HPO_PARAMS=$params PYTHONPATH="$here/optuna_shim" "$python" "$here/code/noop.py")
  "$optuna" tell "$@" --trial-number "$number" --values "$value" --state complete
  i=$((i + 1))
done
