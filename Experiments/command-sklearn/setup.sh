#!/bin/sh
# Makes the Python environment the command-sklearn example runs in: a venv with
# scikit-learn, at $HPO_SKLEARN_VENV (default ~/.cache/hpo/sklearn-venv).
# Run it once before `hpo run`, on every machine that runs a worker:
#
#   sh Experiments/command-sklearn/setup.sh
#
# Environment: HPO_SKLEARN_VENV (the venv's folder), SKLEARN_SPEC (what pip
# installs; default "scikit-learn>=1.3"). Running it again upgrades nothing that
# already satisfies SKLEARN_SPEC.
set -eu
venv=${HPO_SKLEARN_VENV:-$HOME/.cache/hpo/sklearn-venv}
spec=${SKLEARN_SPEC:-scikit-learn>=1.3}
if [ ! -x "$venv/bin/python" ]; then
  echo "setup.sh: making a venv in $venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
fi
echo "setup.sh: pip install '$spec' into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$spec"
"$venv/bin/python" -c 'import sklearn, numpy; print("setup.sh: ready: scikit-learn", sklearn.__version__, "numpy", numpy.__version__)'
