"""Distributed throughput: hpo's coordinator + workers against Optuna's own
distributed mode, on trials that do nothing (see README.md).

    python bench.py matrix --hpo HPO --python VENV_PYTHON --out FILE.jsonl
    python bench.py profile --hpo HPO --out DIR

Standard library only (the Optuna side runs optuna_dist.py with the venv's
Python). Every process it starts is its own child, stopped by pid; every wait
is bounded; the only address used is 127.0.0.1.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- processes

def cpu_seconds(pid):
    """utime + stime of a live process, in seconds (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def child_pid(pid, timeout=10.0):
    """The first child of `pid` (the coordinator under perf or strace)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"process {pid} started no child")


def stop(procs, pids=None, grace=10.0):
    """SIGINT to each pid (default: each process), then SIGKILL after `grace`."""
    for pid in (pids if pids is not None else [p.pid for p in procs]):
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass
    deadline = time.time() + grace
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


def read_line(proc, timeout):
    """One line of proc's stdout within `timeout` seconds, or None."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline() if ready else None


def wait_for(path, pattern, count, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(path, errors="replace") as f:
                if f.read().count(pattern) >= count:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- hpo side

def experiment(name, sampler, trials, parallel, outdir, seconds=0):
    return {
        "name": name,
        "description": f"dispatch benchmark: each trial sleeps {seconds} s",
        "model": {"kind": "function", "function": "sleep"},
        "space": {"seconds": seconds, "x": {"type": "float", "low": 0, "high": 1}},
        "objective": {"metric": "value", "direction": "minimize"},
        "search": {"strategy": sampler, "trials": trials, "parallel": parallel, "seed": 1},
        "output": {"dir": outdir, "keep_top": 0},
    }


def run_hpo(hpo, base, sampler, workers, trials, wrap=(), blocks=0, log_level="info", timeout=300,
            seconds=0, slots=1, coordinator_args=(), parallel=None, worker_args=()):
    """One coordinator (fresh store under `base`), `workers` workers of one slot,
    one `hpo submit`; returns the measurements. `wrap` prefixes the coordinator's
    command (perf, strace)."""
    run = tempfile.mkdtemp(prefix="hpo-tp-", dir=base)
    store = os.path.join(run, "store.sqlite")
    spec = os.path.join(run, "exp.json")
    name = f"tp-{sampler}-w{workers}"
    with open(spec, "w") as f:
        json.dump(experiment(name, sampler, trials, parallel or workers * slots, os.path.join(run, "out"), seconds), f)
    clog = os.path.join(run, "coordinator.log")
    procs, cpid = [], None
    try:
        coord = subprocess.Popen(
            list(wrap) + [hpo, "coordinator", "--bind", "tcp://127.0.0.1:*", "--store", store, "--log-level", log_level]
            + list(coordinator_args),
            stdout=subprocess.PIPE, stderr=open(clog, "w"), text=True)
        procs.append(coord)
        line = read_line(coord, 30)
        m = re.match(r"listening on (\S+)", line or "")
        if not m:
            raise RuntimeError(f"the coordinator did not start (see {clog}): {line!r}")
        endpoint = m.group(1)
        cpid = child_pid(coord.pid) if wrap else coord.pid
        wprocs = []
        for k in range(workers):
            wprocs.append(subprocess.Popen(
                [hpo, "worker", "--coordinator", endpoint, "--slots", str(slots), "--id", f"w{k}", "--idle-exit", "120",
                 "--log-level", log_level] + list(worker_args),
                stdout=subprocess.DEVNULL, stderr=open(os.path.join(run, f"worker{k}.log"), "w")))
        procs += wprocs
        if not wait_for(clog, "worker joined", workers, 30):
            raise RuntimeError(f"the workers did not join (see {clog})")
        c0, w0 = cpu_seconds(cpid), sum(cpu_seconds(p.pid) for p in wprocs)
        t0 = time.time()
        sub = subprocess.run([hpo, "submit", spec, "--coordinator", endpoint], capture_output=True, text=True,
                             timeout=timeout)
        t1 = time.time()
        c1, w1 = cpu_seconds(cpid), sum(cpu_seconds(p.pid) for p in wprocs)
        memory = coordinator_memory(cpid)
        if sub.returncode != 0:
            raise RuntimeError(f"hpo submit exited {sub.returncode}: {sub.stderr[-500:]}")
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
        created, finished = db.execute("SELECT created_at, finished_at FROM experiments WHERE name = ?",
                                       (name,)).fetchone()
        complete, first_start, last_end = db.execute(
            "SELECT COUNT(*), MIN(started_at), MAX(finished_at) FROM trials WHERE state = 'complete'").fetchone()
        ends = [r[0] for r in db.execute(
            "SELECT finished_at FROM trials WHERE state = 'complete' ORDER BY finished_at")] if blocks else []
        db.close()
        seconds = finished / 1000 - t0
        out = {"tool": "hpo", "store": "tmpfs" if base.startswith("/dev/shm") else "disk", "sampler": sampler,
               "workers": workers, "trials": trials, "complete": complete, "seconds": seconds,
               "trials_per_s": complete / seconds, "submit_exit_s": t1 - t0,
               "coordinator_cpu_s": c1 - c0, "workers_cpu_s": w1 - w0,
               "coordinator_cpu_ms_per_trial": 1000 * (c1 - c0) / max(1, complete),
               "store_span_s": (finished - created) / 1000,
               "slots": workers * slots, "trial_seconds": seconds,
               "makespan_s": finished / 1000 - t0, "leased_span_s": (last_end - first_start) / 1000,
               # Workers that asked before the submission are answered when the first trial exists.
               "first_lease_delay_s": (first_start - created) / 1000,
               "coordinator_rss_mb": memory.get("VmRSS"), "coordinator_peak_rss_mb": memory.get("VmHWM")}
        if blocks:
            rates = []
            for i in range(0, len(ends) - 1, blocks):
                chunk = ends[i:i + blocks]
                rates.append(round((len(chunk) - 1) / max(1e-3, (chunk[-1] - chunk[0]) / 1000), 1))
            out["block_rates"] = rates
        return out
    finally:
        if procs and cpid is None and wrap and procs[0].poll() is None:
            try:
                cpid = child_pid(procs[0].pid, 1)
            except RuntimeError:
                pass
        stop(procs, ([cpid] if cpid else [p.pid for p in procs[:1]]) + [p.pid for p in procs[1:]])
        shutil.rmtree(run, ignore_errors=True)


def coordinator_memory(pid):
    """VmRSS and VmHWM (peak) of a process, in MB, from /proc; {} if it is gone."""
    out = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return out


def long_run(args):
    """One long experiment: T `sleep`-0 trials with W workers, store on disk;
    the rate per block of 2,000 and the coordinator's resident memory when it
    ends (the issue's targets: 100,000 trials under 300 MB; TPE >= 500 trials/s
    over 10,000)."""
    r = run_hpo(args.hpo, args.disk_dir, args.sampler, args.workers, args.trials, blocks=2000, timeout=3600)
    r.update(kind="long")
    with open(args.out, "a") as out:
        out.write(json.dumps(r) + "\n")
    rates = r.get("block_rates", [])
    print(f"{args.trials} {args.sampler} trials, {args.workers} workers, store on disk: {r['trials_per_s']:,.0f} trials/s"
          f" overall; per 2,000: first {rates[0] if rates else '-'}, last {rates[-1] if rates else '-'}"
          f" (last/first {100 * rates[-1] / rates[0]:.0f} %)" if rates else "")
    print(f"coordinator resident memory at the end: {r['coordinator_rss_mb']} MB (peak {r['coordinator_peak_rss_mb']} MB);"
          f" CPU {r['coordinator_cpu_ms_per_trial']:.2f} ms/trial")


# ---------------------------------------------------------------- Optuna side

def run_optuna(python, base, storage, sampler, workers, trials, timeout=300):
    d = tempfile.mkdtemp(prefix="optuna-tp-", dir=base)
    try:
        r = subprocess.run([python, os.path.join(HERE, "optuna_dist.py"), "--storage", storage, "--sampler", sampler,
                            "--workers", str(workers), "--trials", str(trials), "--dir", d, "--timeout", str(timeout)],
                           capture_output=True, text=True, timeout=timeout + 60)
        if r.returncode != 0:
            raise RuntimeError(f"optuna_dist.py exited {r.returncode}: {r.stderr[-800:]}")
        return json.loads(r.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- matrix

def median(rows, key="trials_per_s"):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def ratio(a, b):
    return "—" if a is None or not b else f"{a / b:.1f}×"


def matrix(args):
    samplers = args.samplers.split()
    workers = [int(w) for w in args.workers.split()]
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and not args.no_tmpfs else None
    os.makedirs(args.disk_dir, exist_ok=True)
    out = open(args.out, "a")
    rows = []
    started = time.time()

    def record(row):
        row["rep"] = rep
        rows.append(row)
        out.write(json.dumps(row) + "\n")
        out.flush()

    def attempt(what, fn):
        try:
            record(fn())
        except Exception as e:  # a failed run is reported, not fatal
            print(f"   ! {what}: {e}", file=sys.stderr)
            record({"tool": what, "error": str(e)[:300]})

    for rep in range(1, args.reps + 1):
        for s in samplers:
            for w in workers:
                attempt("hpo", lambda: run_hpo(args.hpo, args.disk_dir, s, w, args.trials))
                if shm:
                    attempt("hpo", lambda: run_hpo(args.hpo, shm, s, w, args.trials))
                attempt("optuna-rdb", lambda: run_optuna(args.python, args.disk_dir, "rdb", s, w, args.rdb_trials))
                attempt("optuna-journal",
                        lambda: run_optuna(args.python, args.disk_dir, "journal", s, w, args.journal_trials))
                print(f"   rep {rep} {s} W={w} done ({time.time() - started:.0f} s)", file=sys.stderr)
    rep = 0
    if args.sustained:
        attempt("hpo", lambda: dict(run_hpo(args.hpo, args.disk_dir, "random", 2, args.sustained, blocks=2000),
                                    kind="sustained"))
        print(f"   sustained run done ({time.time() - started:.0f} s)", file=sys.stderr)
    out.close()
    report(rows, args)


def report(rows, args):
    def cell(tool, s, w, store=None, key="trials_per_s"):
        sel = [r for r in rows if r.get("tool") == tool and r.get("sampler") == s and r.get("workers") == w
               and r.get("kind") is None and (store is None or r.get("store") == store) and "error" not in r]
        return median(sel, key)

    print(f"\nDistributed throughput, trials/s (median of {args.reps}); hpo {args.trials} trials, "
          f"Optuna RDB {args.rdb_trials}, Optuna journal {args.journal_trials}")
    head = (f"{'sampler':<7} {'W':>2} {'hpo':>8} {'RDB':>7} {'journal':>8} {'hpo/RDB':>8} {'hpo/jrnl':>9}"
            f" {'hpo tmpfs':>10} {'fsync share':>12} {'coord ms/trial':>15}")
    print(head)
    print("-" * len(head))
    for s in args.samplers.split():
        for w in [int(x) for x in args.workers.split()]:
            h, hs = cell("hpo", s, w, "disk"), cell("hpo", s, w, "tmpfs")
            rdb, jr = cell("optuna-rdb", s, w), cell("optuna-journal", s, w)
            cpu = cell("hpo", s, w, "disk", "coordinator_cpu_ms_per_trial")
            share = None if not (h and hs) else max(0.0, 1 - h / hs)
            print(f"{s:<7} {w:>2} {fmt(h):>8} {fmt(rdb):>7} {fmt(jr):>8} {ratio(h, rdb):>8} {ratio(h, jr):>9}"
                  f" {fmt(hs):>10} {'—' if share is None else f'{share:.0%}':>12} {fmt(cpu, 2):>15}")
    delays = [r["first_lease_delay_s"] for r in rows
              if r.get("tool") == "hpo" and r.get("kind") is None and "first_lease_delay_s" in r]
    if delays:
        print(f"\nhpo: first lease {1000 * statistics.median(delays):.0f} ms (median; max {1000 * max(delays):.0f} ms)"
              " after the submission (idle workers' asks are parked until a trial exists); included in the rates above")
    for r in rows:
        if r.get("kind") == "sustained" and "block_rates" in r:
            b = r["block_rates"]
            print(f"\nsustained: {r['complete']} random trials, 2 workers, store on disk: {r['trials_per_s']:.0f} trials/s"
                  f" overall; per 2,000: {', '.join(f'{x:.0f}' for x in b)}; last/first = {b[-1] / b[0]:.0%}"
                  f"; coordinator CPU {r['coordinator_cpu_ms_per_trial']:.2f} ms/trial")
    errors = [r for r in rows if "error" in r]
    if errors:
        print(f"\n{len(errors)} run(s) failed; see the JSON lines")


# ---------------------------------------------------------------- profile

def profile(args):
    """Where the coordinator's time goes: fdatasync latencies (strace, seccomp
    filtered so only those calls stop), and an on-CPU breakdown (perf)."""
    os.makedirs(args.out, exist_ok=True)
    res = {}
    if shutil.which("strace"):
        trace = os.path.join(args.out, "fdatasync.txt")
        r = run_hpo(args.hpo, args.disk_dir, "random", 2, args.trials,
                    wrap=["strace", "-f", "--seccomp-bpf", "-e", "trace=fdatasync,fsync", "-T", "-o", trace])
        lat = sorted(float(x) for x in re.findall(r"<([0-9.]+)>", open(trace).read()))
        if lat:
            res["fdatasync"] = {
                "calls": len(lat), "per_trial": len(lat) / r["complete"], "sum_s": round(sum(lat), 3),
                "p50_ms": round(1000 * lat[len(lat) // 2], 3), "p90_ms": round(1000 * lat[int(len(lat) * .9)], 3),
                "p99_ms": round(1000 * lat[int(len(lat) * .99)], 3), "run_s": round(r["seconds"], 3),
                "share_of_run": round(sum(lat) / r["seconds"], 3), "trials_per_s_under_strace": round(r["trials_per_s"])}
    if shutil.which("perf"):
        for store, base in (("disk", args.disk_dir), ("tmpfs", "/dev/shm")):
            for trials in (args.trials, args.long_trials):
                data = os.path.join(args.out, f"perf-{store}-{trials}.data")
                r = run_hpo(args.hpo, base, "random", 2, trials, wrap=["perf", "record", "-q", "-F", "499", "-g",
                                                                         "-o", data])
                script = subprocess.run(["perf", "script", "-i", data], capture_output=True, timeout=300).stdout
                if shutil.which("swift"):
                    script = subprocess.run(["swift", "demangle", "--simplified"], input=script, capture_output=True,
                                            timeout=300).stdout
                br = subprocess.run([sys.executable, os.path.join(HERE, "perf_breakdown.py")], input=script,
                                    capture_output=True, timeout=300)
                res[f"perf_{store}_{trials}"] = {"trials_per_s_under_perf": round(r["trials_per_s"]),
                                                 "coordinator_cpu_ms_per_trial": round(r["coordinator_cpu_ms_per_trial"], 3),
                                                 **json.loads(br.stdout)}
                os.remove(data)
    with open(os.path.join(args.out, "profile.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


def makespan(args):
    """T trials that each sleep S seconds on W workers x K slots: the makespan
    (submission -> the experiment's finish in the store) against the ideal
    T*S/(W*K). Variants: lease-ahead off (the baseline: each slot asks for its
    next trial when one ends) and on, with `parallel` = the slot count and
    twice it (lease-ahead needs room above the running trials); store on disk
    with synchronous=FULL, and on tmpfs."""
    out = open(args.out, "a")
    rows = []
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    slots = args.workers * args.slots
    variants = []
    for base_label, base in [("disk", args.disk_dir)] + ([("tmpfs", shm)] if shm else []):
        variants.append((f"{base_label}, no lease-ahead, parallel {slots}", base, slots, ("--no-lease-ahead",)))
        variants.append((f"{base_label}, lease-ahead, parallel {slots}", base, slots, ()))
        variants.append((f"{base_label}, lease-ahead, parallel {2 * slots}", base, 2 * slots, ()))
    ideal = args.trials * args.seconds / slots
    for rep in range(1, args.reps + 1):
        for label, base, parallel, wargs in variants:
            try:
                r = run_hpo(args.hpo, base, "random", args.workers, args.trials, seconds=args.seconds,
                            slots=args.slots, parallel=parallel, worker_args=wargs)
                r.update(kind="makespan", variant=label, rep=rep, ideal_s=ideal,
                         overhead=r["makespan_s"] / ideal - 1)
            except Exception as e:
                r = {"kind": "makespan", "variant": label, "rep": rep, "error": str(e)[:300]}
            rows.append(r)
            out.write(json.dumps(r) + "\n")
            out.flush()
            print(f"   rep {rep} {label}: " + (f"makespan {r['makespan_s']:.3f} s, overhead {100 * r['overhead']:.1f} %,"
                  f" first lease {1000 * r['first_lease_delay_s']:.0f} ms" if "error" not in r else r["error"]),
                  file=sys.stderr)
    out.close()
    print(f"\n{args.trials} trials x {args.seconds * 1000:.0f} ms on {args.workers} workers x {args.slots} slots;"
          f" ideal {ideal:.2f} s; median of {args.reps}; load {open('/proc/loadavg').read().split()[0]}:")
    print("| variant | makespan s | overhead | first lease ms | trials/s |")
    print("|---|---:|---:|---:|---:|")
    for label, _, _, _ in variants:
        ok = [r for r in rows if r.get("variant") == label and "error" not in r]
        if not ok:
            print(f"| {label} | — | — | — | — |")
            continue
        med = lambda k: statistics.median(r[k] for r in ok)
        print(f"| {label} | {med('makespan_s'):.3f} | {100 * med('overhead'):.1f} % |"
              f" {1000 * med('first_lease_delay_s'):.0f} | {med('trials_per_s'):,.0f} |")


def requeue(args):
    """Kill -9 a worker mid-trial; time from the kill until its trial is back in
    the queue (the store shows it pending or leased to another worker), with
    the coordinator's default lease (5 s, heartbeats every second)."""
    out = open(args.out, "a")
    times = []
    for rep in range(1, args.reps + 1):
        run = tempfile.mkdtemp(prefix="hpo-rq-", dir=args.disk_dir)
        store, spec = os.path.join(run, "store.sqlite"), os.path.join(run, "exp.json")
        with open(spec, "w") as f:
            json.dump(experiment("requeue", "random", 4, 2, os.path.join(run, "out"), args.seconds), f)
        procs = []
        try:
            clog = os.path.join(run, "coordinator.log")
            coord = subprocess.Popen([args.hpo, "coordinator", "--bind", "tcp://127.0.0.1:*", "--store", store],
                                     stdout=subprocess.PIPE, stderr=open(clog, "w"), text=True)
            procs.append(coord)
            endpoint = re.match(r"listening on (\S+)", read_line(coord, 30) or "").group(1)
            for k in range(2):
                procs.append(subprocess.Popen([args.hpo, "worker", "--coordinator", endpoint, "--id", f"w{k}"],
                                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(run, f"w{k}.log"), "w")))
            wait_for(clog, "worker joined", 2, 30)
            subprocess.Popen([args.hpo, "submit", spec, "--coordinator", endpoint, "--detach"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait(30)
            db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
            victim, deadline = None, time.time() + 30
            while victim is None and time.time() < deadline:
                row = db.execute("SELECT number FROM trials WHERE state = 'running' AND worker = 'w0-0'").fetchone()
                victim = row[0] if row else None
                time.sleep(0.01)
            if victim is None:
                raise RuntimeError("w0 never ran a trial")
            time.sleep(0.3)
            procs[1].kill()
            killed = time.time()
            while time.time() < killed + 60:
                state, worker = db.execute("SELECT state, worker FROM trials WHERE number = ?", (victim,)).fetchone()
                if state != "running" or worker != "w0-0":
                    break
                time.sleep(0.01)
            back = time.time() - killed
            db.close()
            times.append(back)
            row = {"kind": "requeue", "rep": rep, "seconds_to_requeue": back, "lease_s": 5}
            out.write(json.dumps(row) + "\n")
            print(f"   rep {rep}: trial {victim} back in the queue {back:.2f} s after kill -9", file=sys.stderr)
        finally:
            stop(procs, grace=2)
            shutil.rmtree(run, ignore_errors=True)
    out.close()
    print(f"killed worker's trial back in the queue: median {statistics.median(times):.2f} s, max {max(times):.2f} s"
          f" over {len(times)} kills (lease 5 s; target <= 2 x 5 s)")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("matrix")
    m.add_argument("--hpo", required=True)
    m.add_argument("--python", required=True, help="the venv's python with optuna")
    m.add_argument("--out", required=True)
    m.add_argument("--disk-dir", default=tempfile.gettempdir())
    m.add_argument("--samplers", default="random tpe")
    m.add_argument("--workers", default="1 2 4")
    m.add_argument("--reps", type=int, default=3)
    m.add_argument("--trials", type=int, default=2000)
    m.add_argument("--rdb-trials", type=int, default=500)
    m.add_argument("--journal-trials", type=int, default=2000)
    m.add_argument("--sustained", type=int, default=20000, help="trials of the sustained run (0: none)")
    m.add_argument("--no-tmpfs", action="store_true")
    pr = sub.add_parser("profile")
    pr.add_argument("--hpo", required=True)
    pr.add_argument("--out", required=True)
    pr.add_argument("--disk-dir", default=tempfile.gettempdir())
    pr.add_argument("--trials", type=int, default=2000)
    pr.add_argument("--long-trials", type=int, default=20000)
    ms = sub.add_parser("makespan")
    ms.add_argument("--hpo", required=True)
    ms.add_argument("--out", required=True)
    ms.add_argument("--disk-dir", default=tempfile.gettempdir())
    ms.add_argument("--trials", type=int, default=2000)
    ms.add_argument("--seconds", type=float, default=0.02)
    ms.add_argument("--workers", type=int, default=2)
    ms.add_argument("--slots", type=int, default=4)
    ms.add_argument("--reps", type=int, default=3)
    rq = sub.add_parser("requeue")
    rq.add_argument("--hpo", required=True)
    rq.add_argument("--out", required=True)
    rq.add_argument("--disk-dir", default=tempfile.gettempdir())
    rq.add_argument("--seconds", type=float, default=20)
    rq.add_argument("--reps", type=int, default=3)
    lg = sub.add_parser("long")
    lg.add_argument("--hpo", required=True)
    lg.add_argument("--out", required=True)
    lg.add_argument("--disk-dir", default=tempfile.gettempdir())
    lg.add_argument("--sampler", default="random")
    lg.add_argument("--trials", type=int, default=100000)
    lg.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    {"matrix": matrix, "profile": profile, "makespan": makespan, "requeue": requeue, "long": long_run}[a.cmd](a)


if __name__ == "__main__":
    main()
