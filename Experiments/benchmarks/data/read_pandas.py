"""Times pandas.read_csv on one file; prints `seconds peak_rss_mb rows cols`."""
import resource
import sys
import time

import pandas as pd

start = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 * 1.048576
print(f"{seconds:.4f} {peak_mb:.1f} {frame.shape[0]} {frame.shape[1]}")
