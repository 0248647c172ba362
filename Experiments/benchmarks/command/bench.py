"""Command-trial overhead benchmark (issue 18, "Benchmarks"); run.sh drives it.

  bench.py hpo-rate    --hpo BIN --trials N --workers W --work DIR [--data CSV]
  bench.py hpo-latency --hpo BIN --trials T --epochs E --workers W --work DIR
  bench.py optuna-rate --optuna BIN --trials N --workers W --work DIR [--storage sqlite|journal]
  bench.py summary     --out FILE

Each measuring subcommand appends one JSON line to --out and prints it.
Standard library only (runs with the system python3).
"""
import argparse
import glob
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def emit(out, record):
    line = json.dumps(record)
    print(line, flush=True)
    with open(out, "a") as f:
        f.write(line + "\n")


def hpo_experiment(name, train, trials, workers, run, epochs=None, env=None, data=None, early_stopping=None):
    """Writes an experiment file into run/ (its workdir: a copy of code/) and returns its path."""
    shutil.copytree(os.path.join(HERE, "code"), os.path.join(run, "code"))
    model = {"kind": "command", "train": train, "workdir": "code", "timeout": "5m"}
    if epochs:
        model["epochs"] = epochs
    if env:
        model["env"] = env
    spec = {
        "name": name,
        "model": model,
        "space": {"x": {"type": "float", "low": 0, "high": 1}},
        "objective": {"metric": "value", "direction": "minimize"},
        "search": {"strategy": "random", "trials": trials, "parallel": workers, "seed": 1},
        "output": {"dir": "out", "keep_top": 0},
    }
    if data:
        spec["data"] = {"path": os.path.abspath(data), "task": "classification"}
        spec["objective"] = {"metric": "accuracy", "direction": "maximize"}
    if early_stopping:
        spec["early_stopping"] = early_stopping
    path = os.path.join(run, "experiment.json")
    with open(path, "w") as f:
        json.dump(spec, f, indent=1)
    return path


def run_hpo(hpo, path, workers, run, timeout):
    """`hpo run PATH --workers W`; (launch time, exit time) as time.time() seconds."""
    log = os.path.join(run, "hpo-run.log")
    t0 = time.time()
    with open(log, "w") as f:
        p = subprocess.run([hpo, "run", path, "--workers", str(workers)], stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    t1 = time.time()
    if p.returncode != 0:
        with open(log) as f:
            tail = f.read()[-2000:]
        raise SystemExit(f"bench.py: hpo run exited {p.returncode} (log {log}):\n{tail}")
    return t0, t1


def store_times(run):
    """(complete trials, first trial's start, last trial's end, experiment created) in seconds."""
    db = sqlite3.connect(f"file:{os.path.join(run, 'out', 'store.sqlite')}?mode=ro", uri=True, timeout=30)
    complete, first, last = db.execute(
        "SELECT COUNT(*), MIN(started_at), MAX(finished_at) FROM trials WHERE state = 'complete'").fetchone()
    created = db.execute("SELECT MIN(created_at) FROM experiments").fetchone()[0]
    db.close()
    return complete, first / 1000, last / 1000, created / 1000


def hpo_rate(a):
    run = tempfile.mkdtemp(prefix="hpo-cmd-rate-", dir=a.work)
    kind = "data" if a.data else "nodata"
    path = hpo_experiment(f"cmd-rate-{kind}", [a.python, "noop.py"], a.trials, a.workers, run, data=a.data)
    t0, t1 = run_hpo(a.hpo, path, a.workers, run, a.timeout)
    complete, first, last, created = store_times(run)
    if complete != a.trials:
        raise SystemExit(f"bench.py: {complete} of {a.trials} trials complete (see {run})")
    emit(a.out, {
        "tool": "hpo", "bench": "rate", "data": kind, "python": a.python, "workers": a.workers, "trials": a.trials,
        # Everything: hpo run's start-up (coordinator, workers, data and workdir), the trials, its shut-down.
        "wall_s": t1 - t0, "trials_per_s": complete / (t1 - t0),
        # The trials alone: first trial leased -> last trial finished.
        "trials_span_s": last - first, "steady_trials_per_s": complete / max(1e-6, last - first),
        "startup_s": first - t0, "submitted_after_s": created - t0, "shutdown_s": t1 - last,
        "run_dir": run,
    })
    if not a.keep:
        shutil.rmtree(run, ignore_errors=True)


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    k = max(0, min(len(sorted_values) - 1, int(round(q / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def hpo_latency(a):
    run = tempfile.mkdtemp(prefix="hpo-cmd-latency-", dir=a.work)
    timings = os.path.join(run, "timings")
    os.makedirs(timings)
    path = hpo_experiment("cmd-latency", [a.python, "latency.py"], a.trials, a.workers, run, epochs=a.epochs,
                          env={"CMD_BENCH_TIMINGS": timings},
                          early_stopping={"scheduler": "median", "warmup_epochs": 0, "min_trials": 3})
    run_hpo(a.hpo, path, a.workers, run, a.timeout)
    files = glob.glob(os.path.join(timings, "trial-*.txt"))
    ns = sorted(int(line) for f in files for line in open(f) if line.strip())
    if not ns:
        raise SystemExit(f"bench.py: no timings in {timings}")
    ms = [v / 1e6 for v in ns]
    emit(a.out, {
        "tool": "hpo", "bench": "latency", "python": a.python, "workers": a.workers, "trials": a.trials, "epochs": a.epochs,
        "trials_timed": len(files), "reports": len(ms),
        "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90), "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1], "mean_ms": statistics.fmean(ms), "run_dir": run,
    })
    if not a.keep:
        shutil.rmtree(run, ignore_errors=True)


def optuna_rate(a):
    run = tempfile.mkdtemp(prefix="optuna-cmd-rate-", dir=a.work)
    if a.storage == "sqlite":
        storage, cls = f"sqlite:///{os.path.join(run, 'optuna.db')}", ""
    else:
        storage, cls = os.path.join(run, "optuna-journal.log"), "JournalFileBackend"
    base = [a.optuna, "create-study", "--storage", storage, "--study-name", "noop", "--direction", "minimize"]
    subprocess.run(base + (["--storage-class", cls] if cls else []), check=True, capture_output=True)
    per = [a.trials // a.workers + (1 if k < a.trials % a.workers else 0) for k in range(a.workers)]
    logs = [open(os.path.join(run, f"loop{k}.log"), "w") for k in range(a.workers)]
    t0 = time.time()
    loops = [subprocess.Popen(["sh", os.path.join(HERE, "optuna_loop.sh"), a.optuna, storage, "noop", str(n), HERE, a.python]
                              + ([cls] if cls else []), stdout=logs[k], stderr=subprocess.STDOUT)
             for k, n in enumerate(per)]
    codes = [p.wait(timeout=a.timeout) for p in loops]
    t1 = time.time()
    for f in logs:
        f.close()
    if any(codes):
        raise SystemExit(f"bench.py: an Optuna loop exited {codes} (logs in {run})")
    count = [sys.executable, "-c", "import optuna, sys; optuna.logging.set_verbosity(optuna.logging.WARNING); "
             "s = optuna.load_study(study_name='noop', storage=optuna.storages.JournalStorage("
             "optuna.storages.journal.JournalFileBackend(sys.argv[1])) if sys.argv[2] else sys.argv[1]); "
             "print(sum(t.state.name == 'COMPLETE' for t in s.trials))", storage, cls]
    complete = int(subprocess.run([os.path.join(os.path.dirname(a.optuna), "python")] + count[1:], check=True,
                                  capture_output=True, text=True).stdout)
    if complete != a.trials:
        raise SystemExit(f"bench.py: {complete} of {a.trials} Optuna trials complete (logs in {run})")
    emit(a.out, {
        "tool": "optuna-cli", "bench": "rate", "storage": a.storage, "python": a.python, "workers": a.workers, "trials": a.trials,
        "wall_s": t1 - t0, "trials_per_s": complete / (t1 - t0), "run_dir": run,
    })
    if not a.keep:
        shutil.rmtree(run, ignore_errors=True)


def summary(a):
    rows = [json.loads(line) for line in open(a.out) if line.strip()]
    med = statistics.median

    def pick(**kw):
        return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]

    print(f"results: {a.out} (medians of the repetitions; n = repetitions)")
    optuna = {}
    for storage in ("sqlite", "journal"):
        rs = pick(tool="optuna-cli", bench="rate", storage=storage)
        if rs:
            optuna[storage] = med(r["trials_per_s"] for r in rs)
            print(f"  Optuna CLI ask/tell ({storage}), {rs[0]['workers']} loops, {rs[0]['trials']} trials: "
                  f"{optuna[storage]:.2f} trials/s (n={len(rs)}; wall {med(r['wall_s'] for r in rs):.1f} s)")
    for kind in ("nodata", "data"):
        rs = pick(tool="hpo", bench="rate", data=kind)
        if not rs:
            continue
        rate = med(r["trials_per_s"] for r in rs)
        line = (f"  hpo run, {rs[0]['workers']} workers, {rs[0]['trials']} no-op trials ({'with' if kind == 'data' else 'no'} data):"
                f" {rate:.2f} trials/s all included (n={len(rs)}; wall {med(r['wall_s'] for r in rs):.2f} s);"
                f" trials alone {med(r['steady_trials_per_s'] for r in rs):.2f} trials/s;"
                f" start-up {med(r['startup_s'] for r in rs):.2f} s, shut-down {med(r['shutdown_s'] for r in rs):.2f} s")
        print(line)
        for storage, o in optuna.items():
            print(f"    ratio hpo/Optuna ({storage}): {rate / o:.1f}x all included,"
                  f" {med(r['steady_trials_per_s'] for r in rs) / o:.1f}x trials alone (target >= 5x)")
    rs = pick(tool="hpo", bench="latency")
    if rs:
        print(f"  report round trip, {rs[0]['trials']} trials x up to {rs[0]['epochs']} epochs, median rule: "
              f"p50 {med(r['p50_ms'] for r in rs):.3f} ms, p99 {med(r['p99_ms'] for r in rs):.3f} ms "
              f"(target < 5 ms), max {max(r['max_ms'] for r in rs):.3f} ms; "
              f"{med(r['reports'] for r in rs):.0f} reports per run (n={len(rs)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("hpo-rate", "hpo-latency", "optuna-rate"):
        s = sub.add_parser(name)
        s.add_argument("--trials", type=int, required=True)
        s.add_argument("--workers", type=int, default=2)
        s.add_argument("--work", required=True)
        s.add_argument("--out", required=True)
        s.add_argument("--timeout", type=float, default=3600)
        s.add_argument("--keep", action="store_true", help="keep the run's folder")
        s.add_argument("--python", default="python3", help="the interpreter that runs the trial scripts")
        if name == "optuna-rate":
            s.add_argument("--optuna", required=True)
            s.add_argument("--storage", choices=["sqlite", "journal"], default="sqlite")
        else:
            s.add_argument("--hpo", required=True)
        if name == "hpo-rate":
            s.add_argument("--data")
        if name == "hpo-latency":
            s.add_argument("--epochs", type=int, required=True)
    s = sub.add_parser("summary")
    s.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(getattr(a, "work", None) or ".", exist_ok=True)
    {"hpo-rate": hpo_rate, "hpo-latency": hpo_latency, "optuna-rate": optuna_rate, "summary": summary}[a.cmd](a)


if __name__ == "__main__":
    main()
