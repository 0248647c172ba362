#!/usr/bin/env bash
# Dispatch throughput with the dashboard's event stream open (issue 20: "the dashboard never
# slows dispatch"): a coordinator with --http 127.0.0.1:0 and 2 workers run T `sleep`-0 trials
# (random sampler, store on disk), once with no client on /api/events and once with 5 `curl -N`
# clients reading it; the two alternate, REPS times each, in one run. Throughput: trials over
# the wall time from `hpo submit` to its exit (it follows the experiment to its end). Prints each
# run, the medians and their ratio. Target: with 5 clients within 10 % of none.
#
#   Experiments/benchmarks/dashboard/events.sh        # ~2-3 min on 2 cores once built
#
# Environment: HPO_BIN (default: release build of this checkout, built if missing), TRIALS
# (20000), REPS (3), CLIENTS (5). Every process it starts is its own child, stopped by pid; the
# only address used is 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
hpo=${HPO_BIN:-$root/.build/release/hpo}
if [ ! -x "$hpo" ]; then
  echo "== building hpo (release)"
  (cd "$root" && swift build -c release --product hpo)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/hpo-events-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

HPO="$hpo" WORK="$work" TRIALS="${TRIALS:-20000}" REPS="${REPS:-3}" CLIENTS="${CLIENTS:-5}" python3 - <<'PY'
import json, os, signal, statistics, subprocess, time

hpo, work = os.environ["HPO"], os.environ["WORK"]
trials, reps, clients = int(os.environ["TRIALS"]), int(os.environ["REPS"]), int(os.environ["CLIENTS"])
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
print(f"{trials} sleep-0 trials, 2 workers, store on disk; {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[:3]}")

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

def one(run, streams):
    d = os.path.join(work, f"run{run}")
    os.makedirs(d)
    spec = os.path.join(d, "experiment.json")
    with open(spec, "w") as f:
        json.dump({"name": "events", "model": {"kind": "function", "function": "sleep"},
                   "space": {"seconds": 0, "x": {"type": "float", "low": 0, "high": 1}},
                   "objective": {"metric": "value"}, "search": {"strategy": "random", "trials": trials, "parallel": 4, "seed": 1},
                   "output": {"dir": "out", "keep_top": 0}}, f)
    coord = subprocess.Popen([hpo, "coordinator", "--bind", "tcp://127.0.0.1:*", "--store", os.path.join(d, "store.sqlite"),
                              "--http", "127.0.0.1:0", "--log-level", "warning"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=d)
    procs = [coord]
    try:
        endpoint = dashboard = None
        while endpoint is None or dashboard is None:
            line = coord.stdout.readline()
            assert line, "the coordinator ended before it listened"
            if line.startswith("listening on "):
                endpoint = line.split()[-1]
            elif line.startswith("dashboard on "):
                dashboard = line.split()[-1]
        for k in range(2):
            procs.append(subprocess.Popen([hpo, "worker", "--coordinator", endpoint, "--id", f"w{k}", "--log-level", "warning",
                                           "--cache", os.path.join(d, f"cache{k}")], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        received = []
        for k in range(streams):
            out = open(os.path.join(d, f"events{k}.txt"), "w")
            received.append(out.name)
            procs.append(subprocess.Popen(["curl", "-sN", dashboard + "api/events"], stdout=out, stderr=subprocess.DEVNULL))
        time.sleep(1)  # the workers connect, the streams open
        t0 = time.time()
        r = subprocess.run([hpo, "submit", spec, "--coordinator", endpoint], capture_output=True, text=True, env=env, cwd=d)
        elapsed = time.time() - t0
        assert r.returncode == 0, r.stderr
        events = [open(p).read().count("event: experiment") for p in received]
        assert all(n > 1 for n in events), f"a stream received no event while the experiment ran: {events}"
    finally:
        stop(procs[1:] + procs[:1])
    return trials / elapsed, events

rates = {0: [], clients: []}
print(f"{'run':>3} {'clients':>7} {'trials/s':>9} {'events per client':>18}")
run = 0
for rep in range(reps):
    for streams in ([0, clients] if rep % 2 == 0 else [clients, 0]):
        rate, events = one(run, streams)
        rates[streams].append(rate)
        print(f"{run:>3} {streams:>7} {rate:>9.0f} {(statistics.median(events) if events else 0):>18}")
        run += 1
none, some = statistics.median(rates[0]), statistics.median(rates[clients])
print(f"median over {reps}: {none:.0f} trials/s with no event-stream client, {some:.0f} with {clients} "
      f"(ratio {some / none:.3f}); target within 10 %: {'met' if some >= 0.9 * none else 'NOT met'}")
PY
