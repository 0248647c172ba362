#!/usr/bin/env python3
"""Reference values for hpo's drift and gate statistics, from SciPy and statsmodels.

Writes statistics-reference.json beside this file (or to the path given as the
first argument). The inputs are drawn from a seeded NumPy generator, so the file
is the same on every run with the same library versions; the Swift tests
(DriftReferenceTests, PairedTestsReferenceTests) read it and must agree to 1e-9.

Run it in the tests' venv (Cluster/bootstrap --no-build --test):
    .build/test-venv/bin/python Tests/HPODriftTests/Fixtures/statistics_reference.py
With --check it writes nothing and exits 1 when the committed file's numbers
differ from fresh ones by more than 1e-12 (relative), naming the first that does.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

rng = np.random.default_rng(20261206)


def ints(n, scale, shift=0.0, spread=1.0):
    """n integer-valued draws (ties occur): round(shift + spread * N(0, 1) * scale)."""
    return [int(v) for v in np.floor(scale * (shift + spread * rng.standard_normal(n)))]


ks_cases = []
# (n, m, scale, shift, spread, method): equal and unequal sizes, ties, a shift, both branches.
for n, m, scale, shift, spread, method in [
    (5, 7, 10, 0.0, 1.0, "exact"),
    (10, 10, 100, 0.8, 1.0, "exact"),
    (30, 30, 100, 0.0, 1.0, "exact"),
    (30, 2000, 100, 0.4, 1.0, "exact"),
    (100, 250, 5, 0.0, 1.0, "exact"),
    (1000, 2000, 1000, 0.1, 1.0, "exact"),
    (1000, 1000, 1000, 0.0, 1.3, "exact"),
    (2000, 10000, 1000, 0.05, 1.0, "exact"),
    (1, 40, 10, 0.0, 1.0, "exact"),
    (300, 10050, 1000, 0.0, 1.0, "asymp"),
    (400, 10400, 1000, 0.2, 1.0, "asymp"),
]:
    a = sorted(ints(n, scale))
    b = sorted(ints(m, scale, shift, spread))
    res = stats.ks_2samp(a, b, method="auto")
    d = float(res.statistic)
    en = n * m / (n + m)
    entry = {"a": a, "b": b, "statistic": d}
    if method == "exact":
        entry["exact"] = True
        entry["p_value"] = float(stats.ks_2samp(a, b, method="exact").pvalue)
    else:
        # hpo's asymptotic p-value is the Kolmogorov limit distribution; SciPy's
        # ks_2samp("asymp") uses kstwo at round(en), kept here for the record.
        entry["exact"] = False
        entry["p_value"] = float(stats.kstwobign.sf(math.sqrt(en) * d))
        entry["scipy_asymp_p_value"] = float(res.pvalue)
    ks_cases.append(entry)

kolmogorov = [{"x": x, "sf": float(stats.kstwobign.sf(x))} for x in [0.2, 0.5, 0.8, 1.0, 1.18, 1.2, 1.36, 1.63, 2.0, 3.0, 5.0]]
kolmogorov_isf = [{"p": p, "x": float(stats.kstwobign.isf(p))} for p in [0.5, 0.1, 0.05, 0.01, 0.001]]

chi_square_sf = [
    {"x": x, "df": df, "sf": float(stats.chi2.sf(x, df))}
    for x, df in [(0.5, 1), (3.84, 1), (10.0, 1), (60.0, 1), (2.0, 2), (7.0, 3), (25.0, 4), (9.0, 9), (40.0, 9), (120.0, 29), (400.0, 99)]
]

chi_square = []
for k, n_ref, n_new, tilt in [(2, 400, 300, 0.0), (3, 5000, 200, 0.3), (5, 10000, 1000, 0.0), (8, 2000, 2000, 0.2), (12, 50000, 3000, 0.05)]:
    base = rng.dirichlet(np.full(k, 5.0))
    other = base * np.exp(tilt * rng.standard_normal(k))
    other /= other.sum()
    ref = rng.multinomial(n_ref, base).tolist()
    new = rng.multinomial(n_new, other).tolist()
    table = np.array([ref, new])
    assert (stats.contingency.expected_freq(table) >= 5).all()
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    chi_square.append({"reference": ref, "new": new, "statistic": float(chi2), "df": int(dof), "p_value": float(p)})

fisher = []
for table in [[[8, 2], [1, 5]], [[3, 1], [1, 3]], [[0, 10], [6, 4]], [[50, 2], [3000, 20]], [[1, 999], [9, 91]], [[12, 5], [7, 40]], [[5, 5], [5, 5]], [[0, 30], [0, 3]]]:
    fisher.append({"table": table, "p_value": float(stats.fisher_exact(table).pvalue)})

proportions = []
for x1, n1, x2, n2 in [(30, 1000, 45, 1000), (500, 20000, 40, 1000), (120, 400, 80, 400), (60, 5000, 20, 500)]:
    z, p = proportions_ztest([x1, x2], [n1, n2])
    proportions.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "statistic": float(z), "p_value": float(p)})

holm = []
for m in [1, 3, 10, 30]:
    p = rng.uniform(0, 1, m) ** 3
    if m >= 3:
        p[1] = p[0]  # a tie
    holm.append({"p": [float(v) for v in p], "corrected": [float(v) for v in multipletests(p, method="holm")[1]]})

mcnemar_cases = []
for b, c in [(0, 3), (3, 9), (10, 2), (12, 12), (30, 45), (100, 60)]:
    table = [[50, b], [c, 50]]
    exact = b + c < 25
    res = mcnemar(table, exact=exact, correction=True)
    mcnemar_cases.append({"b": b, "c": c, "exact": exact, "p_value": float(res.pvalue)})

normal_sf = [{"z": z, "sf": float(stats.norm.sf(z))} for z in [-2.0, 0.0, 0.25, 1.0, 1.96, 3.0, 6.0]]

out = {
    "generator": "Tests/HPODriftTests/Fixtures/statistics_reference.py",
    "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__},
    "ks": ks_cases,
    "kolmogorov_sf": kolmogorov,
    "kolmogorov_isf": kolmogorov_isf,
    "chi_square_sf": chi_square_sf,
    "chi_square": chi_square,
    "fisher": fisher,
    "proportions": proportions,
    "holm": holm,
    "mcnemar": mcnemar_cases,
    "normal_sf": normal_sf,
}
default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "statistics-reference.json")


def differences(fresh, committed, where="$"):
    """Where two JSON values differ (numbers by more than 1e-12 relative)."""
    if isinstance(fresh, dict) and isinstance(committed, dict):
        if fresh.keys() != committed.keys():
            yield f"{where}: keys {sorted(fresh)} vs {sorted(committed)}"
        for k in fresh.keys() & committed.keys():
            yield from differences(fresh[k], committed[k], f"{where}.{k}")
    elif isinstance(fresh, list) and isinstance(committed, list):
        if len(fresh) != len(committed):
            yield f"{where}: {len(fresh)} items vs {len(committed)}"
        for i, (a, b) in enumerate(zip(fresh, committed)):
            yield from differences(a, b, f"{where}[{i}]")
    elif isinstance(fresh, (int, float)) and isinstance(committed, (int, float)) and not isinstance(fresh, bool):
        if abs(fresh - committed) > 1e-12 * max(1.0, abs(committed)):
            yield f"{where}: {fresh} vs committed {committed}"
    elif fresh != committed:
        yield f"{where}: {fresh!r} vs committed {committed!r}"


if "--check" in sys.argv:
    with open(default) as f:
        committed = json.load(f)
    fresh = json.loads(json.dumps(out))
    del fresh["versions"], committed["versions"]
    found = list(differences(fresh, committed))
    if found:
        print(f"{default} is stale ({len(found)} differences), e.g. {found[0]}; rerun this script", file=sys.stderr)
        sys.exit(1)
    print(f"{default} matches SciPy {scipy.__version__} and statsmodels {statsmodels.__version__}")
    sys.exit(0)

path = sys.argv[1] if len(sys.argv) > 1 else default
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {path}")
