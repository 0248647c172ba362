"""What train.py and evaluate.py share: reading the trial's CSV files, the
metrics hpo knows, and the checkpoint (a pickle written atomically)."""
import csv
import math
import os
import pickle

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, log_loss

CHECKPOINT = "model.pkl"
MISSING = {"", "na", "n/a", "null", "nan"}


def read_csv(path):
    """(features as a float matrix with NaN for missing cells, labels) of a CSV whose last column is the label."""
    rows, labels = [], []
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if not row:
                continue
            rows.append([math.nan if v.strip().lower() in MISSING else float(v) for v in row[:-1]])
            labels.append(row[-1].strip())
    return np.array(rows, dtype=float), np.array(labels)


def metrics(model, x, y):
    """accuracy, balanced_accuracy, f1_macro and log_loss of model on (x, y)."""
    proba = model.predict_proba(x)
    guess = model.classes_[proba.argmax(axis=1)]
    return {
        "accuracy": float(accuracy_score(y, guess)),
        "balanced_accuracy": float(balanced_accuracy_score(y, guess)),
        "f1_macro": float(f1_score(y, guess, average="macro")),
        "log_loss": float(log_loss(y, proba, labels=model.classes_)),
    }


def save(folder, model, epoch):
    """Writes model.pkl into folder atomically (a temporary file, then os.replace)."""
    path = os.path.join(folder, CHECKPOINT)
    with open(path + ".tmp", "wb") as f:
        pickle.dump({"epoch": epoch, "model": model}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(path + ".tmp", path)


def load(folder):
    """(model, epoch) from folder's model.pkl, or None when it holds none."""
    path = os.path.join(folder, CHECKPOINT)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        state = pickle.load(f)
    return state["model"], state["epoch"]
