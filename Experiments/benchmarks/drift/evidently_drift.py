#!/usr/bin/env python3
"""Evidently's side of the drift benchmark: a Report with DataDriftPreset(method="ks") over every
feature of new.csv against the same reference sample hpo uses (the package's data-profile.json
ks_sample; shorter samples padded with missing values), timed over the report only (the columns
are read first, untimed). Prints one JSON line: seconds, peak RSS (MB), drifted columns.
Usage: evidently_drift.py PACKAGE_DIR NEW_CSV"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset

package, new = sys.argv[1], sys.argv[2]
profile = json.load(open(f"{package}/data-profile.json"))
names = [f["name"] for f in profile["features"]]
samples = [np.array(f["ks_sample"], dtype=np.float64) for f in profile["features"]]
longest = max(len(s) for s in samples)
reference = pd.DataFrame({n: np.pad(s, (0, longest - len(s)), constant_values=np.nan) for n, s in zip(names, samples)})
current = pd.read_csv(new, usecols=names, dtype=np.float64)[names]
start = time.perf_counter()
snapshot = Report([DataDriftPreset(method="ks")]).run(current, reference)
result = snapshot.dict()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
count = next(m["value"]["count"] for m in result["metrics"] if m["metric_name"].startswith("DriftedColumnsCount"))
print(json.dumps({"tool": "evidently", "seconds": seconds, "peak_mb": peak, "features": len(names),
                  "rows": int(current.shape[0]), "drifted": int(count)}))
