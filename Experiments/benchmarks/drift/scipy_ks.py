#!/usr/bin/env python3
"""SciPy's side of the drift benchmark: scipy.stats.ks_2samp of every feature of new.csv against
the same reference sample hpo uses (the package's data-profile.json ks_sample), timed over the
tests only (the columns are read first, untimed). Prints one JSON line: seconds, peak RSS (MB).
Usage: scipy_ks.py PACKAGE_DIR NEW_CSV"""
import json
import resource
import sys
import time

import numpy as np
from scipy.stats import ks_2samp

package, new = sys.argv[1], sys.argv[2]
profile = json.load(open(f"{package}/data-profile.json"))
samples = [np.array(f["ks_sample"]) for f in profile["features"]]
with open(new) as f:
    names = f.readline().strip().split(",")
data = np.loadtxt(new, delimiter=",", skiprows=1, usecols=range(len(samples)), dtype=np.float64)
start = time.perf_counter()
p = [ks_2samp(samples[j], data[:, j]).pvalue for j in range(len(samples))]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"tool": "scipy.ks_2samp", "seconds": seconds, "peak_mb": peak, "features": len(samples),
                  "rows": int(data.shape[0]), "min_p": float(min(p))}))
