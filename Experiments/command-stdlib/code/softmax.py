"""Multinomial logistic regression in plain Python (standard library only).

Shared by train.py, evaluate.py and predict.py: reading the CSV files hpo hands a command
trial, the model (standardisation, weights, probabilities), its metrics, and
its checkpoint file (JSON, written atomically).
"""
import csv
import json
import math
import os

CHECKPOINT = "model.json"


def read_csv(path):
    """(feature names, rows of floats, labels as strings) of a CSV whose last column is the label."""
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        features, labels = [], []
        for row in rows:
            if not row:
                continue
            features.append([float(v) for v in row[:-1]])
            labels.append(row[-1].strip())
    return header[:-1], features, labels


def class_order(labels):
    """Distinct labels, numerically sorted when they are numbers."""
    distinct = set(labels)
    try:
        return sorted(distinct, key=float)
    except ValueError:
        return sorted(distinct)


class Model:
    """Weights W (classes x features), biases b, and the training split's mean and scale."""

    def __init__(self, classes, mean, scale, weights=None, biases=None, features=None):
        self.classes = classes
        self.features = features or []  # the training columns' names, for predict.py
        self.mean = mean
        self.scale = scale
        k, d = len(classes), len(mean)
        self.weights = weights or [[0.0] * d for _ in range(k)]
        self.biases = biases or [0.0] * k

    @staticmethod
    def fitted_scaler(classes, rows):
        d = len(rows[0])
        mean = [sum(r[j] for r in rows) / len(rows) for j in range(d)]
        scale = []
        for j in range(d):
            var = sum((r[j] - mean[j]) ** 2 for r in rows) / len(rows)
            scale.append(math.sqrt(var) or 1.0)
        return Model(classes, mean, scale)

    def standardise(self, row):
        return [(v - m) / s for v, m, s in zip(row, self.mean, self.scale)]

    def probabilities(self, x):
        """Softmax of the class scores of one standardised row (stable: max subtracted)."""
        scores = [b + sum(w * v for w, v in zip(ws, x)) for ws, b in zip(self.weights, self.biases)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def sgd_epoch(self, xs, ys, order, learning_rate, l2, batch_size):
        """One pass over the standardised rows xs (labels as class indices ys) in the given order."""
        k, d = len(self.classes), len(self.mean)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            grad_w = [[0.0] * d for _ in range(k)]
            grad_b = [0.0] * k
            for i in batch:
                p = self.probabilities(xs[i])
                for c in range(k):
                    err = p[c] - (1.0 if ys[i] == c else 0.0)
                    grad_b[c] += err
                    gw = grad_w[c]
                    for j, v in enumerate(xs[i]):
                        gw[j] += err * v
            n = len(batch)
            for c in range(k):
                ws = self.weights[c]
                for j in range(d):
                    ws[j] -= learning_rate * (grad_w[c][j] / n + l2 * ws[j])
                self.biases[c] -= learning_rate * grad_b[c] / n

    def metrics(self, rows, labels):
        """accuracy, balanced_accuracy, f1_macro and log_loss of raw rows against label strings."""
        index = {c: i for i, c in enumerate(self.classes)}
        k = len(self.classes)
        correct, loss = 0, 0.0
        tp, fp, fn = [0] * k, [0] * k, [0] * k
        for row, label in zip(rows, labels):
            p = self.probabilities(self.standardise(row))
            guess = max(range(k), key=lambda c: p[c])
            truth = index.get(label)
            # A label the training split never had: the model gave it no probability.
            loss -= math.log(max(p[truth] if truth is not None else 0.0, 1e-15))
            if guess == truth:
                correct += 1
                tp[guess] += 1
            else:
                fp[guess] += 1
                if truth is not None:
                    fn[truth] += 1
        n = len(labels)
        present = [c for c in range(k) if tp[c] + fn[c] > 0]
        recall = [tp[c] / (tp[c] + fn[c]) for c in present]
        f1 = [2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) if tp[c] + fp[c] + fn[c] else 0.0 for c in range(k)]
        return {
            "accuracy": correct / n,
            "balanced_accuracy": sum(recall) / len(recall) if recall else 0.0,
            "f1_macro": sum(f1) / k,
            "log_loss": loss / n,
        }

    def save(self, folder, epoch):
        """Writes model.json into folder atomically (a temporary file, then os.replace)."""
        state = {"epoch": epoch, "classes": self.classes, "mean": self.mean, "scale": self.scale,
                 "weights": self.weights, "biases": self.biases, "features": self.features}
        path = os.path.join(folder, CHECKPOINT)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @staticmethod
    def load(folder):
        """(model, epoch) from folder's model.json, or None when folder holds none."""
        path = os.path.join(folder, CHECKPOINT)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            s = json.load(f)
        model = Model(s["classes"], s["mean"], s["scale"], s["weights"], s["biases"], s.get("features"))
        return model, s["epoch"]
