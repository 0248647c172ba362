"""Scale (issue 15, "The suite"): many worker processes on one coordinator on
this machine. For W workers (one slot each) and a baseline of B workers with the
same load per worker, each repetition: a fresh coordinator and store, W
`hpo worker` processes, all joined before the clock starts, then one
experiment of W × K `sleep` trials of S seconds (`parallel` = 2W, so each slot
can lease its next trial while it runs one). Reports, per run and as medians:

- how many distinct workers ran a trial (`hpo trials NAME --store FILE --format json`);
- the makespan (the experiment's `created_at` to its `finished_at` in the
  store: from the moment the coordinator accepted it, so the `hpo submit`
  client's own start-up is left out; it is kept as `from_submit_launch_s`)
  against the ideal W × K × S / W = K × S, as an overhead percentage;
- the coordinator's CPU per trial (utime + stime from /proc/PID/stat between
  the same two moments), and its idle CPU with all workers connected
  (heartbeats only), measured over a few seconds before the submission;
- the ratio of each figure to the baseline's.

    python scale.py --hpo HPO [--workers 200] [--baseline 20] [--per-worker 40] [--reps 3]

Standard library only. Every process it starts is its own child, stopped by
pid; every wait is bounded; the only address is 127.0.0.1. Exit 1 when a run
leaves a worker without work or ends with the wrong trial count.
"""
import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a live process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_ticks():
    """(busy, total) jiffies of all cores from /proc/stat (idle and iowait are not busy)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    total = sum(values[:8])
    return total - values[3] - values[4], total


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def wait_for_text(path, pattern, count, timeout, proc=None):
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            seen = f.read().count(pattern)
        if seen >= count:
            return seen
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.1)
    return seen


def stop(procs, grace=60):
    """SIGTERM to each, then reap; SIGKILL after `grace` seconds. Returns the exit codes."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    codes = []
    for p in procs:
        try:
            codes.append(p.wait(timeout=max(0.1, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(p.wait(timeout=10))
    return codes


def run_once(args, workers, rep):
    run = tempfile.mkdtemp(prefix=f"hpo-scale-w{workers}-", dir=args.dir)
    store = os.path.join(run, "store.sqlite")
    name = f"scale-w{workers}-r{rep}"
    trials = workers * args.per_worker
    spec = {
        "name": name,
        "description": f"scale benchmark: {trials} trials of {args.trial_seconds} s on {workers} workers",
        "model": {"kind": "function", "function": "sleep"},
        "space": {"seconds": args.trial_seconds, "x": {"type": "float", "low": 0, "high": 1}},
        "objective": {"metric": "value", "direction": "minimize"},
        "search": {"strategy": "random", "trials": trials, "parallel": 2 * workers, "seed": rep + 1},
        "output": {"dir": os.path.join(run, "out"), "keep_top": 0},
    }
    spec_path = os.path.join(run, "exp.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    clog, cout = os.path.join(run, "coordinator.log"), os.path.join(run, "coordinator.out")
    coordinator = subprocess.Popen(
        [args.hpo, "coordinator", "--bind", "tcp://127.0.0.1:*", "--store", store],
        stdout=open(cout, "w"), stderr=open(clog, "w"), stdin=subprocess.DEVNULL)
    procs = []
    try:
        if not wait_for_text(cout, "listening on", 1, 60, coordinator):
            raise RuntimeError(f"the coordinator did not start; see {clog}")
        endpoint = re.search(r"listening on (\S+)", open(cout).read()).group(1)
        wlog = open(os.path.join(run, "workers.log"), "w")
        t_start = time.monotonic()
        for k in range(workers):
            procs.append(subprocess.Popen(
                [args.hpo, "worker", "--coordinator", endpoint, "--id", f"w{k:03d}", "--idle-exit", "600",
                 "--log-level", "warning"],
                stdout=subprocess.DEVNULL, stderr=wlog, stdin=subprocess.DEVNULL,
                env={**os.environ, "OPENBLAS_NUM_THREADS": "1"}))
        wlog.close()
        joined = wait_for_text(clog, "worker joined", workers, 300, coordinator)
        if joined < workers:
            raise RuntimeError(f"{joined} of {workers} workers joined within 300 s; see {clog}")
        join_s = time.monotonic() - t_start
        # Idle: all workers connected and asking, nothing to do (heartbeats and parked asks).
        time.sleep(1)
        i0, it0 = cpu_seconds(coordinator.pid), time.monotonic()
        time.sleep(args.idle_seconds)
        idle_cpu = (cpu_seconds(coordinator.pid) - i0) / (time.monotonic() - it0)
        db = None
        c0, t0 = cpu_seconds(coordinator.pid), time.time()
        w0, m0 = sum(cpu_seconds(p.pid) for p in procs), machine_ticks()
        sub = subprocess.run([args.hpo, "submit", spec_path, "--coordinator", endpoint, "--detach"],
                             capture_output=True, text=True, timeout=60)
        if sub.returncode != 0:
            raise RuntimeError(f"hpo submit exited {sub.returncode}: {sub.stderr.strip()}")
        deadline = time.monotonic() + args.timeout
        finished = None
        while time.monotonic() < deadline:
            if db is None and os.path.exists(store):
                db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
            row = db.execute("SELECT state, created_at, finished_at FROM experiments WHERE name = ?",
                             (name,)).fetchone() if db else None
            if row and row[2] is not None and row[0] != "running":
                created, finished = row[1] / 1000, row[2] / 1000
                break
            time.sleep(0.01)
        c1 = cpu_seconds(coordinator.pid)
        w1, m1 = sum(cpu_seconds(p.pid) for p in procs), machine_ticks()
        window = time.time() - t0
        if db:
            db.close()
        if finished is None:
            raise RuntimeError(f"{name} did not finish within {args.timeout} s")
        rss = rss_mb(coordinator.pid)
        listing = subprocess.run([args.hpo, "trials", name, "--store", store, "--format", "json"],
                                 capture_output=True, text=True, timeout=120)
        if listing.returncode != 0:
            raise RuntimeError(f"hpo trials --store exited {listing.returncode}: {listing.stderr.strip()}")
        rows = [json.loads(line) for line in listing.stdout.splitlines() if line.strip()]
        complete = sum(1 for r in rows if r["state"] == "complete")
        per_worker = {}
        for r in rows:
            if r["state"] == "complete":
                per_worker[r["worker"]] = per_worker.get(r["worker"], 0) + 1
        counts = sorted(per_worker.values())
        makespan = finished - created
        ideal = trials * args.trial_seconds / workers
        return {
            "workers": workers, "rep": rep, "trials": trials, "complete": complete,
            "numbers_exact": sorted(r["number"] for r in rows) == list(range(trials)),
            "distinct_workers": len(per_worker), "trials_per_worker_min": counts[0] if counts else 0,
            "trials_per_worker_median": statistics.median(counts) if counts else 0,
            "trials_per_worker_max": counts[-1] if counts else 0,
            "join_s": join_s, "makespan_s": makespan, "from_submit_launch_s": finished - t0, "ideal_s": ideal, "overhead_pct": 100 * (makespan / ideal - 1),
            "trials_per_s": complete / makespan,
            "coordinator_cpu_s": c1 - c0, "coordinator_cpu_ms_per_trial": 1000 * (c1 - c0) / max(1, complete),
            "coordinator_idle_cpu_pct": 100 * idle_cpu,
            "workers_cpu_ms_per_trial": 1000 * (w1 - w0) / max(1, complete),
            # How much of the machine this run's processes used, and how busy it was in all (other users too).
            "run_cpu_share_pct": 100 * ((c1 - c0) + (w1 - w0)) / (os.cpu_count() * window),
            "machine_busy_pct": 100 * (m1[0] - m0[0]) / max(1, m1[1] - m0[1]), "coordinator_rss_mb": rss,
            "load": open("/proc/loadavg").read().split()[0],
        }
    finally:
        began = time.monotonic()
        codes = stop(procs + [coordinator])
        bad = [("coordinator" if i == len(procs) else f"worker w{i:03d}", c) for i, c in enumerate(codes) if c != 0]
        if bad:
            print(f"   note: after SIGTERM to all ({time.monotonic() - began:.1f} s to stop), exited non-zero "
                  f"(-9: still running after 60 s, killed): {bad[:10]}", flush=True)
        if not args.keep:
            shutil.rmtree(run, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hpo", required=True)
    p.add_argument("--workers", type=int, default=200)
    p.add_argument("--baseline", type=int, default=20, help="workers of the baseline run (same trials per worker)")
    p.add_argument("--per-worker", type=int, default=40, help="trials per worker")
    p.add_argument("--trial-seconds", type=float, default=0.05)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--idle-seconds", type=float, default=5, help="seconds over which the idle coordinator's CPU is measured")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"))
    p.add_argument("--out", help="append each run as a JSON line to this file")
    p.add_argument("--keep", action="store_true", help="keep each run's folder (store, logs)")
    args = p.parse_args()

    print(f"== scale: {args.workers} workers against a baseline of {args.baseline}, {args.per_worker} `sleep` trials of "
          f"{args.trial_seconds * 1000:g} ms per worker (ideal makespan {args.per_worker * args.trial_seconds:g} s), "
          f"parallel = 2 × workers, {args.reps} repetition(s), baseline and scale alternated", flush=True)
    results = {args.baseline: [], args.workers: []}
    failures = []
    for rep in range(args.reps):
        for w in ((args.baseline, args.workers) if rep % 2 == 0 else (args.workers, args.baseline)):
            r = run_once(args, w, rep)
            results[w].append(r)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(r) + "\n")
            print(f"   rep {rep} W={w:3d}: {r['complete']}/{r['trials']} complete, {r['distinct_workers']} distinct workers "
                  f"(trials each {r['trials_per_worker_min']}/{r['trials_per_worker_median']:g}/{r['trials_per_worker_max']} "
                  f"min/median/max); makespan {r['makespan_s']:.3f} s vs ideal {r['ideal_s']:.3f} s "
                  f"(+{r['overhead_pct']:.1f} %), {r['trials_per_s']:.0f} trials/s; coordinator CPU "
                  f"{r['coordinator_cpu_ms_per_trial']:.3f} ms/trial, idle {r['coordinator_idle_cpu_pct']:.1f} % of a core; "
                  f"workers' CPU {r['workers_cpu_ms_per_trial']:.2f} ms/trial; this run used {r['run_cpu_share_pct']:.0f} % "
                  f"of the cores, the machine was {r['machine_busy_pct']:.0f} % busy; "
                  f"RSS {r['coordinator_rss_mb']:.0f} MB; workers joined in {r['join_s']:.1f} s; load {r['load']}", flush=True)
            if r["distinct_workers"] != w:
                failures.append(f"rep {rep} W={w}: only {r['distinct_workers']} of {w} workers ran a trial")
            if r["complete"] != r["trials"] or not r["numbers_exact"]:
                failures.append(f"rep {rep} W={w}: {r['complete']} complete of {r['trials']} (numbers exact: {r['numbers_exact']})")

    def med(w, key):
        return statistics.median(r[key] for r in results[w])

    b, s = args.baseline, args.workers
    print(f"== medians of {args.reps}")
    print(f"| workers | trials | distinct workers (min) | makespan | ideal | overhead | trials/s | coordinator CPU ms/trial "
          f"| idle CPU % | workers' CPU ms/trial | machine busy % |")
    print(f"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for w in (b, s):
        print(f"| {w} | {w * args.per_worker} | {min(r['distinct_workers'] for r in results[w])} | {med(w, 'makespan_s'):.3f} s "
              f"| {med(w, 'ideal_s'):.3f} s | {med(w, 'overhead_pct'):.1f} % | {med(w, 'trials_per_s'):.0f} "
              f"| {med(w, 'coordinator_cpu_ms_per_trial'):.3f} | {med(w, 'coordinator_idle_cpu_pct'):.1f} "
              f"| {med(w, 'workers_cpu_ms_per_trial'):.2f} | {med(w, 'machine_busy_pct'):.0f} |")
    print(f"ratio {s}/{b} workers: makespan {med(s, 'makespan_s') / med(b, 'makespan_s'):.2f}×, "
          f"trials/s {med(s, 'trials_per_s') / med(b, 'trials_per_s'):.2f}×, "
          f"coordinator CPU per trial {med(s, 'coordinator_cpu_ms_per_trial') / med(b, 'coordinator_cpu_ms_per_trial'):.2f}×")
    if failures:
        print("FAILED:")
        for f in failures:
            print(f"  - {f}")
        sys.exit(1)
    print(f"PASSED: every worker of every run ran trials; every run ended with exactly its trials")


if __name__ == "__main__":
    main()
