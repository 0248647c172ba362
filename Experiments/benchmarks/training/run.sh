#!/usr/bin/env bash
# Training benchmark: hpo (HPOModels, release build) against scikit-learn, side
# by side, one BLAS thread each. See README.md for what is measured and the
# figures of the last run.
#
#   Experiments/benchmarks/training/run.sh
#
# Environment (all optional):
#   EPOCHS=10           epochs of the Fashion-MNIST MLP on each side
#   FASHION_MNIST=/usr/share/datasets/fashion-mnist   the IDX .gz files
#   SCRATCH=.build      SwiftPM scratch path of the release build
#   VENV=~/.cache/hpo-training-bench-venv   Python venv (created if missing)
#   OUT=<new temp dir>  where the JSON results are written
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
EPOCHS="${EPOCHS:-10}"
FASHION_MNIST="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
SCRATCH="${SCRATCH:-.build}"
VENV="${VENV:-$HOME/.cache/hpo-training-bench-venv}"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

if [ ! -f "$FASHION_MNIST/train-images-idx3-ubyte.gz" ]; then
  echo "run.sh: no Fashion-MNIST in $FASHION_MNIST; install Debian's dataset-fashion-mnist or set FASHION_MNIST" >&2
  exit 2
fi

# 1. scikit-learn in a venv.
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet scikit-learn threadpoolctl numpy
PY="$VENV/bin/python"

# 2. The hpo side: HPOModels built for release, and bench.swift compiled
#    against it with swiftc (a script-compiled harness, not a package target).
cd "$ROOT"
swift build -c release --scratch-path "$SCRATCH" --target HPOModels >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
OBJECTS=()
for module in HPOCore HPOLinearAlgebra HPOData HPOModels Crypto CCryptoBoringSSL CCryptoBoringSSLShims CryptoBoringWrapper; do
  while IFS= read -r -d '' o; do OBJECTS+=("$o"); done < <(find "$BIN/$module.build" -name '*.o' -print0)
done
swiftc -O "$HERE/bench.swift" -o "$OUT/bench" -I "$BIN/Modules" \
  -Xcc -fmodule-map-file="$ROOT/Sources/CLinearAlgebra/module.modulemap" \
  -Xcc -fmodule-map-file="$ROOT/Sources/CZlib/module.modulemap" \
  "${OBJECTS[@]}" -lopenblas -llapacke -lz -lstdc++

# 3. Run both sides, one BLAS thread each. hpo keeps this machine's
#    OPENBLAS_CORETYPE (its system OpenBLAS needs it); numpy's own, newer
#    OpenBLAS runs without it, as the machine notes advise for benchmarks
#    (each side's kernel is reported).
export OPENBLAS_NUM_THREADS=1
sk() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$HERE/sklearn_bench.py" "$@"; }

echo "single-thread sgemm at the MLP's shapes ..." >&2
"$OUT/bench" sgemm > "$OUT/sgemm.json"
echo "hpo MLP, $EPOCHS epochs ..." >&2
"$OUT/bench" mlp "$FASHION_MNIST" "$EPOCHS" > "$OUT/hpo_mlp.json"
echo "scikit-learn MLP float64, $EPOCHS epochs ..." >&2
sk mlp "$FASHION_MNIST" --epochs "$EPOCHS" --dtype float64 > "$OUT/sklearn_mlp_float64.json"
echo "scikit-learn MLP float32, $EPOCHS epochs ..." >&2
sk mlp "$FASHION_MNIST" --epochs "$EPOCHS" --dtype float32 > "$OUT/sklearn_mlp_float32.json"

echo "ridge 50,000 x 200 ..." >&2
sk ridge-data "$OUT/ridge" --rows 50000 --features 200
sk ridge "$OUT/ridge" --rows 50000 --features 200 --alpha 1.0 > "$OUT/sklearn_ridge.json"
"$OUT/bench" ridge "$OUT/ridge" 50000 200 1.0 > "$OUT/hpo_ridge.json"
sk compare "$OUT/ridge" > "$OUT/ridge_compare.json"

# 4. Summary (and summary.json).
"$PY" - "$OUT" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
r = {name[:-5]: json.load(open(os.path.join(out, name))) for name in os.listdir(out) if name.endswith(".json") and name != "summary.json"}
hpo, f64, f32, gemm = r["hpo_mlp"], r["sklearn_mlp_float64"], r["sklearn_mlp_float32"], r["sgemm"]
t = hpo["median_epoch_seconds"]
gflop = hpo["gflop_per_epoch"]
s = {
    "epochs": len(hpo["epoch_seconds"]),
    "hpo_epoch_seconds": t,
    "sklearn_float64_epoch_seconds": f64["median_epoch_seconds"],
    "sklearn_float32_epoch_seconds": f32["median_epoch_seconds"],
    "speedup_vs_float64": f64["median_epoch_seconds"] / t,
    "speedup_vs_float32": f32["median_epoch_seconds"] / t,
    "hpo_test_accuracy": hpo["test_accuracy"],
    "sklearn_float64_test_accuracy": f64["test_accuracy"],
    "sklearn_float32_test_accuracy": f32["test_accuracy"],
    "hpo_gflops": gflop / t,
    "sklearn_float64_gflops": gflop / f64["median_epoch_seconds"],
    "sgemm_gflops_at_model_shapes": gemm["gflops"],
    "fraction_of_sgemm": gflop / t / gemm["gflops"],
    "ridge_hpo_seconds": r["hpo_ridge"]["median_fit_seconds"],
    "ridge_sklearn_seconds": r["sklearn_ridge"]["median_fit_seconds"],
    "ridge_max_relative_coefficient_difference": r["ridge_compare"]["max_relative_difference"],
    "hpo_blas": gemm["blas"],
    "sklearn_blas": [b for b in f64["blas"] if b["internal_api"] == "openblas"],
}
json.dump(s, open(os.path.join(out, "summary.json"), "w"), indent=2)
print(f"""
Fashion-MNIST MLP 784-256-128-10 ReLU, Adam, batch 128, {s['epochs']} epochs, 1 thread (median s/epoch)
  hpo float32            {t:7.3f} s   {s['hpo_gflops']:6.1f} GFLOP/s   test accuracy {s['hpo_test_accuracy']:.4f}
  scikit-learn float64   {s['sklearn_float64_epoch_seconds']:7.3f} s   {s['sklearn_float64_gflops']:6.1f} GFLOP/s   test accuracy {s['sklearn_float64_test_accuracy']:.4f}   hpo {s['speedup_vs_float64']:.2f}x faster (target >= 2)
  scikit-learn float32   {s['sklearn_float32_epoch_seconds']:7.3f} s                    test accuracy {s['sklearn_float32_test_accuracy']:.4f}   hpo {s['speedup_vs_float32']:.2f}x faster (target > 1)
  sgemm at the model's shapes {s['sgemm_gflops_at_model_shapes']:.1f} GFLOP/s; hpo attains {100 * s['fraction_of_sgemm']:.0f}% (target >= 70%)
Ridge 50,000 x 200, alpha 1, 1 thread (median of 5 fits)
  hpo {s['ridge_hpo_seconds']:.4f} s, scikit-learn Ridge(solver="cholesky") {s['ridge_sklearn_seconds']:.4f} s; coefficients agree to {s['ridge_max_relative_coefficient_difference']:.1e} relative (target 1e-8)
results: {out}""")
PYEOF
