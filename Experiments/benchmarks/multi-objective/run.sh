#!/usr/bin/env bash
# The multi-objective benchmark: hpo's strategies (`hpo bench pareto`, the sampler an
# experiment with several objectives gets from makeSampler(for: spec)) and Optuna's
# NSGAIISampler, multi-objective TPESampler and RandomSampler on the same work, in the
# same run.
#
#   Experiments/benchmarks/multi-objective/run.sh           # everything (~40 minutes on 2 cores: Optuna's MO-TPE is slow)
#   QUICK=1 Experiments/benchmarks/multi-objective/run.sh   # 3 seeds, 3 repetitions
#
# Quality: hypervolume after 200 trials on ZDT1, ZDT2 (30 variables) and DTLZ2 (3
# objectives, 12 variables), seeds 0-9, medians; reference points (11, 11) and
# (2.2, 2.2, 2.2) on both sides. Latency: one suggestion after 1,000 random complete
# trials on ZDT1, median over repetitions after a warm-up, and the ratio hpo/Optuna.
# Real case: Experiments/digits-mlp-latency.json run with 2 workers; its front is
# drawn to digits-front.svg (FRONT_SVG) for the README.
#
# Environment: HPO_BIN (an hpo binary to use instead of building one),
# HPO_BENCH_VENV (the venv, default $TMPDIR/hpo-mo-bench-venv),
# OPTUNA_SPEC (default "optuna>=5,<6"), SEEDS, TRIALS, HISTORY, REPS,
# SAMPLERS (hpo side, default "nsga2 tpe random"),
# OUT (where the JSON lines go, default a temporary file; printed at the end).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
venv=${HPO_BENCH_VENV:-${TMPDIR:-/tmp}/hpo-mo-bench-venv}
optuna_spec=${OPTUNA_SPEC:-"optuna>=5,<6"}
if [ -n "${QUICK:-}" ]; then
  seeds=${SEEDS:-3}; reps=${REPS:-3}
else
  seeds=${SEEDS:-10}; reps=${REPS:-10}
fi
trials=${TRIALS:-200}
history=${HISTORY:-1000}
samplers=${SAMPLERS:-"nsga2 tpe random"}
out=${OUT:-$(mktemp "${TMPDIR:-/tmp}/hpo-mo-bench.XXXXXX.jsonl")}
: > "$out"

echo "== Optuna: $optuna_spec in $venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$optuna_spec"
py="$venv/bin/python"
echo "   $("$py" -c 'import optuna; print("optuna", optuna.__version__)')"

if [ -n "${HPO_BIN:-}" ]; then
  hpo=$HPO_BIN
else
  echo "== hpo: release build"
  (cd "$root" && swift build -c release --scratch-path .build-mo-release --product hpo)
  hpo="$root/.build-mo-release/release/hpo"
fi
if ! "$hpo" bench pareto --help > /dev/null 2>&1; then
  echo "error: '$hpo bench pareto' does not exist (an hpo older than NSGA-II?); set HPO_BIN" >&2
  exit 2
fi

tag() { "$py" -c "import json,sys; d=json.load(sys.stdin); d['tool']='$1'; print(json.dumps(d))"; }

echo "== quality: hypervolume after $trials trials, seeds 0-$((seeds - 1))"
for p in zdt1 zdt2 dtlz2; do
  for s in $samplers; do
    # Latency only once, on ZDT1, below.
    "$hpo" bench pareto --problem "$p" --sampler "$s" --trials "$trials" --seeds "$seeds" --history 0 --format json | tag hpo >> "$out"
  done
  for s in nsga2 tpe random; do
    "$py" "$here/optuna_mo_bench.py" search --problem "$p" --sampler "$s" --trials "$trials" --seeds "$seeds" | tag optuna >> "$out"
  done
  echo "   $p done"
done

echo "== latency: one suggestion after $history finished trials on zdt1 ($reps repetitions)"
for s in nsga2 tpe; do
  "$hpo" bench pareto --problem zdt1 --sampler "$s" --trials 1 --seeds 1 --history "$history" --repetitions "$reps" --format json \
    | tag hpo >> "$out"
  "$py" "$here/optuna_mo_bench.py" suggest --problem zdt1 --sampler "$s" --history "$history" --repetitions "$reps" \
    | tag optuna >> "$out"
done

"$py" - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
quality = {(r["tool"], r["sampler"].removeprefix("optuna-"), r["problem"]): r for r in rows if "hypervolume" in r and r["trials"] > 1}
latency = {(r["tool"], r["sampler"].removeprefix("optuna-")): r["latency"] for r in rows if "latency" in r}
samplers = ["nsga2", "tpe", "random"]
print("\nHypervolume after %d trials: median over seeds (higher is better); ratio hpo/Optuna" % next(iter(quality.values()))["trials"])
print(f"{'problem':>8} {'sampler':>7} {'hpo':>10} {'optuna':>10} {'ratio':>7}")
for p in ["zdt1", "zdt2", "dtlz2"]:
    for s in samplers:
        h, o = quality.get(("hpo", s, p)), quality.get(("optuna", s, p))
        if not (h or o):
            continue
        hv = h["hypervolume"]["median"] if h else float("nan")
        ov = o["hypervolume"]["median"] if o else float("nan")
        print(f"{p:>8} {s:>7} {hv:>10.4f} {ov:>10.4f} {hv / ov if ov else float('nan'):>7.3f}")
print("\nOne suggestion after %s finished trials on zdt1 (median ms; hpo/Optuna)" % next(iter(latency.values()), {}).get("history", "?"))
print(f"{'sampler':>7} {'hpo':>10} {'optuna':>10} {'ratio':>10}")
for s in ["nsga2", "tpe"]:
    h, o = latency.get(("hpo", s)), latency.get(("optuna", s))
    if h and o:
        r = h["median_ms"] / o["median_ms"]
        print(f"{s:>7} {h['median_ms']:>10.3f} {o['median_ms']:>10.3f} {r:>10.3f}  ({('1/%.1f' if r > 0.1 else '1/%.0f') % (1 / r) if r < 1 else '%.1fx' % r})")
best = {}
for p in ["zdt1", "zdt2", "dtlz2"]:
    for tool in ["hpo", "optuna"]:
        c = [(r["hypervolume"]["median"], s) for (t, s, q), r in quality.items() if t == tool and q == p]
        if c:
            best[(tool, p)] = max(c)
print("\nBest sampler of each side (median hypervolume); ratio hpo/Optuna")
for p in ["zdt1", "zdt2", "dtlz2"]:
    if ("hpo", p) in best and ("optuna", p) in best:
        (hv, hs), (ov, os_) = best[("hpo", p)], best[("optuna", p)]
        print(f"{p:>8}  hpo {hs} {hv:.4f}  optuna {os_} {ov:.4f}  {hv / ov:.3f}")
PY

echo
echo "== real case: digits MLP, accuracy against latency_ms (Experiments/digits-mlp-latency.json)"
# The run's folder is kept on purpose: the last line prints where its report.html and store
# are, to open after the script ends (remove it with rm -r when done).
case_dir=$(mktemp -d "${TMPDIR:-/tmp}/hpo-mo-case.XXXXXX")
cp "$root/Experiments/digits-mlp-latency.json" "$case_dir/"
mkdir -p "$case_dir/data" && cp "$root/Experiments/data/digits.csv" "$case_dir/data/"
(cd "$case_dir" && OPENBLAS_NUM_THREADS=1 "$hpo" run digits-mlp-latency.json --workers 2 | tail -4)
released=$("$py" -c "import json,sys; w=json.load(open(sys.argv[1])).get('winner'); print(w['trial'] if isinstance(w, dict) else -1)" "$case_dir/runs/digits-mlp-latency/result.json")
"$hpo" trials digits-mlp-latency --store "$case_dir/runs/digits-mlp-latency/store.sqlite" --format json \
  | "$py" "$here/front_svg.py" latency_ms accuracy "$released" "${FRONT_SVG:-$here/digits-front.svg}"
echo "   front: ${FRONT_SVG:-$here/digits-front.svg} (released trial $released circled); report: $case_dir/runs/digits-mlp-latency/report.html (kept; rm -r $case_dir)"
echo
echo "results: $out"
