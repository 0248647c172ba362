#!/bin/sh
# Runs one of this example's Python scripts (its arguments) with the Python of
# the venv that ../setup.sh makes: $HPO_SKLEARN_VENV, default
# ~/.cache/hpo/sklearn-venv. hpo's worker runs it as the trial's command
# ("train": ["sh", "run.sh", "train.py"]); hpo_client stays importable because
# the worker's PYTHONPATH reaches the venv's Python too.
set -eu
home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
venv=${HPO_SKLEARN_VENV:-$home/.cache/hpo/sklearn-venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "run.sh: no Python venv with scikit-learn at $venv: run 'sh Experiments/command-sklearn/setup.sh' on this machine first (or set HPO_SKLEARN_VENV to where it made one)" >&2
  exit 1
fi
exec "$venv/bin/python" "$@"
