#!/usr/bin/env python3
"""Reference values that HPOModels' tests hard-code, recomputed with scikit-learn.

    sklearn_reference.py diabetes

Diabetes (Experiments/data/diabetes.csv), the canonical split of
Experiments/data/README.md: train = the first floor(0.8 n) = 353 rows, test =
the remaining 89. StandardScaler is fitted on train (population std, as
HPOData's Preprocessing), then Ridge(alpha) with fit_intercept=True; the test
RMSE is printed with 17 significant digits for each alpha the tests use
(Tests/HPOModelsTests/RidgeTests.swift, DiabetesReference).
"""
import os
import sys

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error
from sklearn.preprocessing import StandardScaler

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def diabetes():
    data = np.loadtxt(os.path.join(ROOT, "Experiments", "data", "diabetes.csv"), delimiter=",", skiprows=1)
    x, y = data[:, :-1], data[:, -1]
    cut = len(y) * 8 // 10
    scaler = StandardScaler().fit(x[:cut])
    xtr, xte = scaler.transform(x[:cut]), scaler.transform(x[cut:])
    for alpha in (0.01, 1.0, 10.0):
        model = Ridge(alpha=alpha, solver="cholesky").fit(xtr, y[:cut])
        rmse = mean_squared_error(y[cut:], model.predict(xte)) ** 0.5
        print(f"alpha {alpha!r}: rmse {rmse:.17g}")


if __name__ == "__main__":
    if sys.argv[1:] != ["diabetes"]:
        sys.exit(__doc__)
    diabetes()
