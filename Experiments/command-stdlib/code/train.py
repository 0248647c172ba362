"""Trains a multinomial logistic regression by mini-batch SGD, one hpo trial.

Standard library only. Reads the trial's CSV splits (HPO_TRAIN, HPO_VALIDATION;
the label is the last column), the hyperparameters learning_rate, l2 and
batch_size, and the number of epochs (HPO_EPOCHS). After each epoch it writes
its weights into the checkpoint folder, then reports validation metrics; it
stops when hpo says so. A requeued trial continues from HPO_RESUME_DIR.
"""
import os
import random
import sys

import hpo_client
from softmax import Model, class_order, read_csv


def main():
    params = hpo_client.params()
    learning_rate = float(params["learning_rate"])
    l2 = float(params["l2"])
    batch_size = int(params["batch_size"])
    epochs = int(os.environ.get("HPO_EPOCHS", "20"))
    seed = hpo_client.seed() or 0  # None when run by hand, outside hpo

    names, train_rows, train_labels = read_csv(os.environ["HPO_TRAIN"])
    _, val_rows, val_labels = read_csv(os.environ["HPO_VALIDATION"])
    if batch_size > len(train_rows):
        # Every epoch would be one full batch of fewer rows than asked for: not this configuration.
        hpo_client.infeasible(f"batch_size {batch_size} > {len(train_rows)} training rows")
        sys.exit(78)

    model, done = None, 0
    resume = hpo_client.resume_dir()
    if resume:
        loaded = Model.load(resume)
        if loaded:
            model, done = loaded
            print(f"resuming after epoch {done} from {resume}")
    if model is None:
        model = Model.fitted_scaler(class_order(train_labels), train_rows)
        model.features = names

    index = {c: i for i, c in enumerate(model.classes)}
    xs = [model.standardise(r) for r in train_rows]
    ys = [index[label] for label in train_labels]
    metrics = None
    for epoch in range(done + 1, epochs + 1):
        # One generator per epoch, from the trial's seed: a resumed trial shuffles as an unbroken one.
        order = list(range(len(xs)))
        random.Random(seed * 100003 + epoch).shuffle(order)
        model.sgd_epoch(xs, ys, order, learning_rate, l2, batch_size)
        metrics = model.metrics(val_rows, val_labels)
        model.save(hpo_client.checkpoint_dir(), epoch)
        print(f"epoch {epoch}: accuracy {metrics['accuracy']:.4f} log_loss {metrics['log_loss']:.4f}", flush=True)
        if hpo_client.report(epoch, metrics):
            print(f"stopped by hpo after epoch {epoch}")
            return
    if metrics is None:
        # Resumed from a checkpoint of the last epoch: nothing left to train.
        metrics = model.metrics(val_rows, val_labels)
    hpo_client.final(metrics)


if __name__ == "__main__":
    main()
