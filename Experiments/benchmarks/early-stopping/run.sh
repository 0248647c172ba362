#!/usr/bin/env bash
# Early-stopping benchmark (issue 6, Targets): ASHA against no early stopping on
# Fashion-MNIST with the MLP space of Experiments/digits-mlp.json.
#
#   Experiments/benchmarks/early-stopping/run.sh                 # 3 seeds x 81 trials x 27 epochs
#   SEEDS=1 TRIALS=27 EPOCHS=9 .../run.sh                        # reduced
#   WITH_OPTUNA=1 .../run.sh                                     # + Optuna's pruners baseline
#
# Environment (all optional):
#   HPO_BIN        an hpo binary (default: release build of this checkout, .build/release/hpo)
#   SEEDS="1 2 3"  TRIALS=81  EPOCHS=27  WORKERS=2 (also search.parallel)
#   STRATEGY=tpe   (or random)   MIN_EPOCHS=1  ETA=3   MODES="none asha" (also: median, hyperband, bohb)
#   FASHION_MNIST=/usr/share/datasets/fashion-mnist  (IDX .gz files)
#   WORK=$TMPDIR/hpo-es-bench   (CSV cache, experiment files, runs/<name>/store.sqlite)
#   OUT=$WORK/results.jsonl     (one JSON line per run; appended)
#   WITH_OPTUNA=1  VENV=$TMPDIR/hpo-es-bench-venv  OPTUNA_SPEC="optuna>=5,<6"
#   OPTUNA_PRUNERS="sh hyperband" (add "none" for Optuna without pruning: 81 x 27 epochs per seed)
#   SKIP_HPO=1     only the Optuna part
# MODES entries are "none" or SCHEDULER[:MIN_EPOCHS[:ETA]], e.g. MODES="none asha:1:3 asha:3:3 hyperband:1:3".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${WORK:-${TMPDIR:-/tmp}/hpo-es-bench}
src=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
out=${OUT:-$work/results.jsonl}
mkdir -p "$work"

if [ ! -f "$src/train-images-idx3-ubyte.gz" ]; then
  echo "run.sh: no Fashion-MNIST in $src (set FASHION_MNIST)" >&2; exit 2
fi

# 1. The data, written once: 15,000 images drawn with seed 0 from the 70,000;
#    the experiment's split (validation 1/6, test 1/6, stratified) makes them
#    ~10,000 training, ~2,500 validation, ~2,500 test images.
csv="$work/fashion-15000.csv"
[ -f "$csv" ] || python3 "$here/make_csv.py" "$src" "$csv" 15000 0

# 2. hpo.
if [ -n "${SKIP_HPO:-}" ]; then
  :
elif [ -n "${HPO_BIN:-}" ]; then
  hpo=$HPO_BIN
else
  echo "== hpo: release build" >&2
  (cd "$root" && swift build -c release --product hpo >&2)
  hpo="$root/.build/release/hpo"
fi

# 3. hpo: no early stopping against ASHA, per seed.
if [ -z "${SKIP_HPO:-}" ]; then
  echo "== hpo: seeds ${SEEDS:-1 2 3}, ${TRIALS:-81} trials, ${EPOCHS:-27} epochs max, ${STRATEGY:-tpe}, ${WORKERS:-2} workers, modes ${MODES:-none asha}"
  python3 "$here/bench.py" "$hpo" "$csv" "$work" "$out"
fi

# 4. Optuna's SuccessiveHalvingPruner and HyperbandPruner, same space and budget.
if [ -n "${WITH_OPTUNA:-}" ]; then
  venv=${VENV:-${TMPDIR:-/tmp}/hpo-es-bench-venv}
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${OPTUNA_SPEC:-optuna>=5,<6}" scikit-learn numpy
  echo "== optuna: $("$venv/bin/python" -c 'import optuna, sklearn; print("optuna", optuna.__version__, "scikit-learn", sklearn.__version__)')"
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" "$here/optuna_baseline.py" "$csv" "$out"
fi
echo "results: $out"
