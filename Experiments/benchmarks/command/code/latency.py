"""Times hpo_client.report(): HPO_EPOCHS reports of one metric, each timed with
time.perf_counter_ns from the call to its return (script -> worker ->
coordinator's decision -> script). The timings, one per line in nanoseconds,
go to CMD_BENCH_TIMINGS/trial-<HPO_TRIAL>-<pid>.txt when the trial ends,
stopped or not. The reported value is x, the same every epoch, so the median
rule stops the trials worse than the median: real decisions, real stops.
"""
import os
import time

import hpo_client

x = float(hpo_client.params()["x"])
epochs = int(os.environ["HPO_EPOCHS"])
timings = []
try:
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter_ns()
        stop = hpo_client.report(epoch, {"value": x})
        timings.append(time.perf_counter_ns() - t0)
        if stop:
            break
finally:
    folder = os.environ["CMD_BENCH_TIMINGS"]
    path = os.path.join(folder, f"trial-{hpo_client.trial()}-{os.getpid()}.txt")
    with open(path + ".tmp", "w") as f:
        f.write("".join(f"{t}\n" for t in timings))
    os.replace(path + ".tmp", path)
