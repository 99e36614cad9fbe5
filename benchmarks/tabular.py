"""Tabular samplers against real data and cheap over-samplers, on real tables.

Data sets, all shipped offline by a maintained package:

* **penguins** (mixed types): the Palmer penguins of the ``palmerpenguins`` package
  (``pip install sktsgan[benchmarks]``; data CC0), the 333 rows without missing values;
  target ``species`` (3 classes, 146/68/119), categorical ``island`` and ``sex``, numeric
  bill length and depth, flipper length, body mass and ``year`` (an integer).
* **breast cancer** (numeric only): scikit-learn's ``load_breast_cancer``, 569 rows, 30
  numeric columns, binary target (212 malignant, 357 benign).
* **breast cancer, 15 malignant** (imbalanced): the same split, with the training
  split's malignant rows cut to 15 (the test split is untouched); here the methods
  balance the classes (``sampling_strategy="auto"``) instead of doubling each.

For every seed: a stratified split (75 % train, 25 % test), then every method makes
synthetic rows from the training split only: as many as there are real rows of each
class (``GANAugmenter(synthetic_ratio=1.0)``, and the imbalanced-learn over-samplers
asked for the same counts), or, on the imbalanced set, as many minority rows as make the
classes equal. The samplers run with their defaults. Scores, all on the real test split,
balanced accuracy (the mean of the per-class recalls):

* **TSTR**: a model trained on the synthetic rows alone (for "real only": on the real
  training split, TRTR, the reference);
* **gain**: the model trained on real + synthetic rows minus the model on real rows
  (:func:`sktsgan.metrics.augmentation_gain`, same model seed);
* **fidelity** of the synthetic rows against the real training rows of the same classes
  (:func:`sktsgan.metrics.column_fidelity`, :func:`sktsgan.metrics.correlation_gap`):
  mean Kolmogorov–Smirnov statistic over numeric columns, mean total-variation distance
  over categorical ones, mean absolute gap of pairwise associations. For "real only"
  these compare the real test split with the training split: the level that sampling
  alone gives.

Two downstream models, one-hot encoding the categorical columns first (the metrics do):
a logistic regression on standardised columns and a random forest of 200 trees. The
tables give mean ± standard deviation over the seeds (the seed drives the split, the
sampler and the model).

Example
-------
    OMP_NUM_THREADS=1 python benchmarks/tabular.py --seeds 0 1 2 --threads 1 \\
        --json out/tabular.json
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np
import pandas as pd
import torch
from _common import set_threads, write_json
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktsgan import DenseGANSampler, VAESampler
from sktsgan.augment import GANAugmenter
from sktsgan.metrics import (
    augmentation_gain,
    column_fidelity,
    correlation_gap,
    trtr_score,
    tstr_score,
)

MODELS = {
    "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
    "forest": RandomForestClassifier(n_estimators=200),
}
SAMPLERS = {
    "VAESampler": VAESampler(),
    "DenseGAN wgan-gp": DenseGANSampler(),
    "DenseGAN bce": DenseGANSampler(loss="bce"),
}
METHODS = ["real only", "random oversampling", "SMOTE(NC)", *SAMPLERS]
SCORING = "balanced_accuracy"


def load_penguins():
    try:
        from palmerpenguins import load_penguins as load
    except ImportError as error:
        raise ImportError(
            "The penguins data set needs the palmerpenguins package: pip install "
            "'sktsgan[benchmarks]', or leave it out with --datasets."
        ) from error

    frame = load().dropna().reset_index(drop=True)
    y = frame.pop("species").astype(str).to_numpy(dtype=object)
    return frame, y


def load_cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X, np.where(y.to_numpy() == 0, "malignant", "benign").astype(object)


DATASETS = {
    "penguins": (load_penguins, None),
    "breast cancer": (load_cancer, None),
    "breast cancer, 15 malignant": (load_cancer, ("malignant", 15)),
}


def split(X, y, seed, cut):
    """Stratified 75/25 split; ``cut=(label, n)`` keeps only n training rows of label."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    if cut is not None:
        label, n = cut
        rng = np.random.RandomState(seed)
        rows = np.flatnonzero(y_train == label)
        keep = np.sort(np.r_[np.flatnonzero(y_train != label), rng.choice(rows, n, False)])
        X_train, y_train = X_train.iloc[keep], y_train[keep]
    return (
        X_train.reset_index(drop=True),
        X_test.reset_index(drop=True),
        np.asarray(y_train),
        np.asarray(y_test),
    )


def resampler(method, X, y, balance, seed):
    """The resampler of ``method``: it returns the real rows first, then the synthetic ones."""
    if method in SAMPLERS:
        ratio = None if balance else 1.0
        return GANAugmenter(SAMPLERS[method], synthetic_ratio=ratio, random_state=seed)
    labels, counts = np.unique(y, return_counts=True)
    strategy = "auto" if balance else {c: 2 * int(n) for c, n in zip(labels, counts)}
    if method == "random oversampling":
        return RandomOverSampler(sampling_strategy=strategy, random_state=seed)
    categorical = [i for i, c in enumerate(X.columns) if not pd.api.types.is_numeric_dtype(X[c])]
    if categorical:
        return SMOTENC(categorical, sampling_strategy=strategy, random_state=seed)
    return SMOTE(sampling_strategy=strategy, random_state=seed)


def fidelity(X_reference, X_other):
    """Mean KS (numeric columns), mean TV (categorical columns), correlation gap."""
    columns = column_fidelity(X_reference, X_other)
    return {
        "mean KS": columns["ks_statistic"].mean(),
        "mean TV": columns["total_variation"].mean(),
        "corr. gap": correlation_gap(X_reference, X_other),
    }


def minority_classes(y):
    labels, counts = np.unique(y, return_counts=True)
    return labels[counts < counts.max()]


def synthetic_part(method, X_train, y_train, balance, seed):
    """The synthetic rows and labels ``method`` adds to the training split; fit seconds."""
    start = time.perf_counter()
    sampler = resampler(method, X_train, y_train, balance, seed)
    X_res, y_res = sampler.fit_resample(X_train, y_train)
    seconds = time.perf_counter() - start
    X_syn = X_res.iloc[len(X_train) :].reset_index(drop=True).astype(X_train.dtypes.to_dict())
    return X_syn, np.asarray(y_res)[len(X_train) :], seconds


def run_one(method, data, balance, seed):
    """TSTR and gain of each model, fidelity and fit seconds of ``method`` on one split."""
    X_train, X_test, y_train, y_test = data
    scores = {"scoring": SCORING, "random_state": seed}
    if method == "real only":
        classes = minority_classes(y_train) if balance else np.unique(y_train)
        result = {"fit s": 0.0}
        result.update(
            fidelity(X_train[np.isin(y_train, classes)], X_test[np.isin(y_test, classes)])
        )
        for name, model in MODELS.items():
            result[f"TSTR {name}"] = trtr_score(
                X_train, y_train, X_test, y_test, estimator=model, **scores
            )
            result[f"gain {name}"] = 0.0
        return result
    X_syn, y_syn, seconds = synthetic_part(method, X_train, y_train, balance, seed)
    result = {"fit s": seconds}
    result.update(fidelity(X_train[np.isin(y_train, np.unique(y_syn))], X_syn))
    for name, model in MODELS.items():
        # on the balanced set the synthetic rows hold one class: no TSTR there
        result[f"TSTR {name}"] = (
            np.nan
            if balance
            else tstr_score(X_syn, y_syn, X_test, y_test, estimator=model, **scores)
        )
        result[f"gain {name}"] = augmentation_gain(
            X_train, y_train, X_syn, y_syn, X_test, y_test, estimator=model, **scores
        )
    return result


COLUMNS = [
    *(f"{kind} {name}" for name in MODELS for kind in ("TSTR", "gain")),
    "mean KS",
    "mean TV",
    "corr. gap",
    "fit s",
]


def cell(values, column):
    values = np.asarray(values, dtype=float)
    if np.isnan(values).all():
        return "–"
    digits = 1 if column == "fit s" else 3
    sign = "+" if column.startswith("gain") else ""
    return f"{np.mean(values):{sign}.{digits}f} ± {np.std(values):.{digits}f}"


def markdown_table(results, dataset, methods):
    rows = [r for r in results if r["dataset"] == dataset]
    lines = [
        "| method | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for method in methods:
        mine = [r for r in rows if r["method"] == method]
        name = "SMOTENC" if method == "SMOTE(NC)" and dataset == "penguins" else method
        name = "SMOTE" if name == "SMOTE(NC)" else name
        lines.append(
            f"| {name} | " + " | ".join(cell([r[c] for r in mine], c) for c in COLUMNS) + " |"
        )
    return "\n".join(lines)


def machine():
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPU cores, "
        f"torch {torch.__version__}, {torch.get_num_threads()} torch thread(s)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=METHODS)
    parser.add_argument("--threads", type=int, help="torch threads")
    parser.add_argument("--json", help="also write the raw results to this JSON file")
    args = parser.parse_args(argv)
    if args.threads:
        set_threads(args.threads)
    print(f"Command: python {' '.join(sys.argv)}")
    print(f"Machine: {machine()}", flush=True)

    results = []
    start = time.perf_counter()
    for dataset in args.datasets:
        load, cut = DATASETS[dataset]
        X, y = load()
        for seed in args.seeds:
            data = split(X, y, seed, cut)
            for method in args.methods:
                result = run_one(method, data, cut is not None, seed)
                results.append({"dataset": dataset, "seed": seed, "method": method, **result})
                shown = ", ".join(f"{k} {v:.3f}" for k, v in result.items())
                print(f"{dataset}, seed {seed}, {method}: {shown}", flush=True)

    print(f"\nTotal {time.perf_counter() - start:.0f} s; balanced accuracy on the real test split")
    for dataset in args.datasets:
        n_train = len(split(*DATASETS[dataset][0](), args.seeds[0], DATASETS[dataset][1])[0])
        print(f"\n### {dataset} ({n_train} training rows), seeds {args.seeds}\n")
        print(markdown_table(results, dataset, args.methods))
    if args.json:
        write_json(
            args.json, {"machine": machine(), "argv": sys.argv, "results": results}, indent=1
        )


if __name__ == "__main__":
    main()
