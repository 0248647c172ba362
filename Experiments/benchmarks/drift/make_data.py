#!/usr/bin/env python3
"""Writes the drift benchmark's data: train.csv (20,000 rows) and new.csv (ROWS rows, default
1,000,000), FEATURES standard-normal features (default 100) and a label y = x0 + noise.
Seeded: the same files every run. Usage: make_data.py DIR [ROWS] [FEATURES]"""
import os
import sys

import numpy as np

directory = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
features = int(sys.argv[3]) if len(sys.argv) > 3 else 100
rng = np.random.default_rng(16)
header = ",".join([f"f{j}" for j in range(features)] + ["y"])


def write(path, n):
    with open(path, "w") as f:
        f.write(header + "\n")
        for start in range(0, n, 50_000):
            x = rng.standard_normal((min(50_000, n - start), features))
            y = x[:, 0] + 0.1 * rng.standard_normal(x.shape[0])
            np.savetxt(f, np.column_stack([x, y]), fmt="%.5g", delimiter=",")


write(os.path.join(directory, "train.csv"), 20_000)
write(os.path.join(directory, "new.csv"), rows)
