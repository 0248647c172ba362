#!/usr/bin/env bash
# The search benchmark: hpo's samplers and Optuna's TPESampler (defaults) on the
# same work, in the same run.
#
#   Experiments/benchmarks/search/run.sh            # everything (about 10 minutes on 2 cores)
#   QUICK=1 Experiments/benchmarks/search/run.sh    # fewer repetitions and seeds
#
# Latency: one suggestion after N finished trials on the 6-D mixed space
# (`hpo bench suggest`), median over repetitions, and the ratio hpo/Optuna.
# Quality: best value after 50 and 100 trials over 30 seeds on branin,
# rosenbrock and mixed (`hpo bench search`), medians for hpo TPE, hpo random and
# Optuna TPE; hpo GP after 50 trials against Optuna TPE after 50.
#
# Environment: HPO_BIN (an hpo binary to use instead of building one),
# HPO_BENCH_VENV (the venv, default $TMPDIR/hpo-search-bench-venv),
# OPTUNA_SPEC (default "optuna>=5,<6"), HISTORIES, REPS, SEEDS, TRIALS, GP_TRIALS,
# OUT (where the JSON lines go, default a temporary file; printed at the end).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
venv=${HPO_BENCH_VENV:-${TMPDIR:-/tmp}/hpo-search-bench-venv}
optuna_spec=${OPTUNA_SPEC:-"optuna>=5,<6"}
if [ -n "${QUICK:-}" ]; then
  histories=${HISTORIES:-"100 1000 5000"}; reps=${REPS:-10}; seeds=${SEEDS:-10}
else
  histories=${HISTORIES:-"100 1000 5000 10000"}; reps=${REPS:-30}; seeds=${SEEDS:-30}
fi
trials=${TRIALS:-100}
gp_trials=${GP_TRIALS:-50}
out=${OUT:-$(mktemp "${TMPDIR:-/tmp}/hpo-search-bench.XXXXXX.jsonl")}
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
  (cd "$root" && swift build -c release --scratch-path .build-search-release --product hpo)
  hpo="$root/.build-search-release/release/hpo"
fi
if ! "$hpo" bench --help > /dev/null 2>&1; then
  echo "error: '$hpo bench' does not exist: register HPOCommand.Bench in Sources/hpo/HPOCommand.swift, or set HPO_BIN" >&2
  exit 2
fi

echo "== latency: one suggestion after N finished trials ($reps repetitions)"
for n in $histories; do
  "$hpo" bench suggest --sampler tpe --history "$n" --repetitions "$reps" --format json \
    | "$py" -c 'import json,sys; d=json.load(sys.stdin); d["kind"]="latency"; d["tool"]="hpo"; print(json.dumps(d))' >> "$out"
  "$py" "$here/optuna_bench.py" suggest --history "$n" --repetitions "$reps" \
    | "$py" -c 'import json,sys; d=json.load(sys.stdin); d["kind"]="latency"; d["tool"]="optuna"; print(json.dumps(d))' >> "$out"
  echo "   N=$n done"
done

echo "== quality: best value over $seeds seeds"
tag() { "$py" -c "import json,sys; d=json.load(sys.stdin); d['kind']='quality'; d['tool']='$1'; print(json.dumps(d))"; }
for f in branin rosenbrock mixed; do
  "$hpo" bench search --function "$f" --sampler tpe --trials "$trials" --seeds "$seeds" --format json | tag hpo >> "$out"
  "$hpo" bench search --function "$f" --sampler random --trials "$trials" --seeds "$seeds" --format json | tag hpo >> "$out"
  "$py" "$here/optuna_bench.py" search --function "$f" --trials "$trials" --seeds "$seeds" | tag optuna >> "$out"
  echo "   $f done"
done
for f in branin rosenbrock; do
  "$hpo" bench search --function "$f" --sampler gp --trials "$gp_trials" --seeds "$seeds" --format json | tag hpo >> "$out"
  echo "   $f gp done"
done

"$py" - "$out" "$gp_trials" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
gp_trials = int(sys.argv[2])
lat = {(r["tool"], r["history"]): r for r in rows if r["kind"] == "latency"}
print("\nTPE suggestion latency (median ms; hpo/Optuna)")
print(f"{'N':>7} {'hpo':>10} {'optuna':>10} {'ratio':>10}")
for n in sorted({k[1] for k in lat}):
    h, o = lat.get(("hpo", n)), lat.get(("optuna", n))
    if h and o:
        print(f"{n:>7} {h['median_ms']:>10.3f} {o['median_ms']:>10.2f} {h['median_ms'] / o['median_ms']:>10.4f}  (1/{o['median_ms'] / h['median_ms']:.0f})")
q = {(r["tool"], r["sampler"], r["function"], r["trials"]): r for r in rows if r["kind"] == "quality"}
print("\nSearch quality: median best value over seeds (lower is better)")
print(f"{'function':>11} {'trials':>6} {'hpo tpe':>11} {'optuna tpe':>11} {'hpo random':>11} {'hpo gp':>11}")
fmt = lambda v: f"{v:>11.4g}" if v is not None else f"{'-':>11}"
verdicts = []
for f in ["branin", "rosenbrock", "mixed"]:
    tpe = next((r for k, r in q.items() if k[:3] == ("hpo", "tpe", f)), None)
    if tpe is None:
        continue
    total = tpe["trials"]
    opt = q.get(("optuna", "optuna-tpe", f, total))
    rnd = q.get(("hpo", "random", f, total))
    gp = q.get(("hpo", "gp", f, gp_trials))
    for part in ["half", "full"]:
        n = tpe[part]["trials"]
        gp_val = next((gp[p]["median"] for p in ["full", "half"] if gp and gp[p]["trials"] == n), None)
        print(f"{f:>11} {n:>6} " + " ".join(fmt(v) for v in [
            tpe[part]["median"], opt[part]["median"] if opt else None, rnd[part]["median"] if rnd else None, gp_val]))
        if part == "full" and opt:
            verdicts.append(f"{f}: hpo tpe {'<=' if tpe['full']['median'] <= opt['full']['median'] else '>'} optuna tpe at {n}")
        if part == "full" and rnd:
            verdicts.append(f"{f}: hpo tpe {'<' if tpe['full']['median'] < rnd['full']['median'] else '>='} hpo random at {n}")
        if gp_val is not None and opt:
            o = next((opt[p]["median"] for p in ["half", "full"] if opt[p]["trials"] == n), None)
            if o is not None:
                verdicts.append(f"{f}: hpo gp {'<=' if gp_val <= o else '>'} optuna tpe at {n}")
print()
for v in verdicts:
    print("  " + v)
PY
echo
echo "results: $out"
