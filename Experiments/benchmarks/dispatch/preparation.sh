#!/usr/bin/env bash
# Dispatch latency while another experiment's data is prepared (issue 15,
# finding 6): a coordinator serves a steady experiment of short `sleep` trials
# to 2 workers; then a large CSV is submitted as a second experiment. The
# coordinator logs every dispatch with its latency (ask received → assignment
# sent; `--log-level debug`). Baseline, in the same run: the dispatches before
# the large submission; measured: the dispatches between "preparing data" and
# "data prepared". Target: p99 during preparation under 50 ms.
#
#   Experiments/benchmarks/dispatch/preparation.sh        # 3 repetitions, ~2-4 min on 2 cores
#
# Environment: HPO_BIN (default: release build of this checkout, built if
# missing), ROWS (rows of the large CSV, 8 features each; default 1000000),
# REPS (3), BASELINE_SECONDS (how long the steady experiment runs alone; 4).
# Every process it starts is its own child, stopped by pid; the only address
# used is 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
hpo=${HPO_BIN:-$root/.build/release/hpo}
if [ ! -x "$hpo" ]; then
  echo "== building hpo (release)"
  (cd "$root" && swift build -c release --product hpo)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/hpo-preparation-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

HPO="$hpo" WORK="$work" ROWS="${ROWS:-1000000}" REPS="${REPS:-3}" BASELINE_SECONDS="${BASELINE_SECONDS:-4}" python3 - <<'PY'
import json, os, random, re, signal, statistics, subprocess, sys, time

hpo, work = os.environ["HPO"], os.environ["WORK"]
rows, reps, baseline_s = int(os.environ["ROWS"]), int(os.environ["REPS"]), float(os.environ["BASELINE_SECONDS"])
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")

csv = os.path.join(work, "large.csv")
rng = random.Random(1)
with open(csv, "w") as f:
    f.write("f0,f1,f2,f3,f4,f5,f6,f7,y\n")
    for _ in range(rows):
        xs = [rng.random() for _ in range(8)]
        f.write(",".join(f"{x:.6f}" for x in xs) + f",{sum((j + 1) * x for j, x in enumerate(xs)):.6f}\n")
print(f"large CSV: {rows} rows, {os.path.getsize(csv) / 1e6:.1f} MB")

def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path

steady = write("steady.json", json.dumps({
    "name": "steady", "model": {"kind": "function", "function": "sleep"},
    "space": {"seconds": 0.005, "x": {"type": "float", "low": 0, "high": 1}},
    "objective": {"metric": "value"}, "search": {"strategy": "random", "trials": 1000000, "parallel": 8, "seed": 1},
    "output": {"dir": "out/steady", "keep_top": 0}}))
large = write("large.json", json.dumps({
    "name": "large", "data": {"path": "large.csv", "task": "regression", "shards": 4},
    "model": {"kind": "ridge"}, "space": {"alpha": {"type": "float", "low": 0.001, "high": 1, "log": True}},
    "objective": {"metric": "rmse"}, "search": {"strategy": "random", "trials": 1, "parallel": 1, "seed": 1},
    "output": {"dir": "out/large", "keep_top": 0}}))

def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    deadline = time.time() + 10
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

LAT = re.compile(r"latency_ms=([0-9.]+)")

def one(rep):
    d = os.path.join(work, f"rep{rep}")
    os.makedirs(d)
    log = open(os.path.join(d, "coordinator.log"), "w+")
    coord = subprocess.Popen([hpo, "coordinator", "--bind", "tcp://127.0.0.1:*", "--store", os.path.join(d, "store.sqlite"),
                              "--log-level", "debug"], stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=d)
    procs = [coord]
    try:
        line = coord.stdout.readline()
        assert line.startswith("listening on "), line
        endpoint = line.split()[-1]
        for k in range(2):
            procs.append(subprocess.Popen([hpo, "worker", "--coordinator", endpoint, "--id", f"w{k}", "--log-level", "warning",
                                           "--cache", os.path.join(d, f"cache{k}")], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        def submit(path):
            r = subprocess.run([hpo, "submit", path, "--detach", "--coordinator", endpoint], capture_output=True, text=True, env=env, cwd=work)
            assert r.returncode == 0, r.stderr
        submit(steady)
        time.sleep(baseline_s)
        t0 = time.time()
        submit(large)
        answered = time.time() - t0
        prepared = None
        while time.time() - t0 < 600:
            log.seek(0)
            text = log.read()
            if "data prepared" in text or "experiment failed" in text:
                prepared = time.time() - t0
                break
            time.sleep(0.05)
        assert prepared is not None and "data prepared" in text, "the large experiment was not prepared"
    finally:
        stop(procs[1:] + procs[:1])
    log.seek(0)
    before, during, phase = [], [], "before"
    for line in log:
        if "preparing data" in line and "experiment=large" in line:
            phase = "during"
        elif "data prepared" in line and "experiment=large" in line:
            phase = "after"
        m = LAT.search(line)
        if m and "trial=steady" in line and phase != "after":
            (before if phase == "before" else during).append(float(m.group(1)))
    before = before[len(before) // 4:]  # leave out the start-up
    return dict(before_n=len(before), during_n=len(during), before_p50=pct(before, 0.5), before_p99=pct(before, 0.99),
                during_p50=pct(during, 0.5), during_p99=pct(during, 0.99), submit_answer_s=answered, preparation_s=prepared)

results = []
print(f"{'rep':>3} {'base n':>7} {'base p50':>9} {'base p99':>9} {'prep n':>7} {'prep p50':>9} {'prep p99':>9} {'submit':>7} {'prep s':>7}")
for rep in range(reps):
    r = one(rep)
    results.append(r)
    print(f"{rep:>3} {r['before_n']:>7} {r['before_p50']:>8.3f}ms {r['before_p99']:>8.3f}ms {r['during_n']:>7} "
          f"{r['during_p50']:>8.3f}ms {r['during_p99']:>8.3f}ms {r['submit_answer_s']:>6.2f}s {r['preparation_s']:>6.2f}s")
med = {k: statistics.median(r[k] for r in results) for k in results[0]}
print(f"median over {reps}: dispatch latency p50 {med['before_p50']:.3f} ms alone, {med['during_p50']:.3f} ms during preparation; "
      f"p99 {med['before_p99']:.3f} ms alone, {med['during_p99']:.3f} ms during preparation "
      f"(ratio {med['during_p99'] / med['before_p99']:.2f}); `hpo submit` answered in {med['submit_answer_s']:.2f} s, "
      f"preparation took {med['preparation_s']:.2f} s")
print("target p99 during preparation < 50 ms:", "met" if med["during_p99"] < 50 else "NOT met")
PY
