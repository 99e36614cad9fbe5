"""Pick the augmentation by cross-validation: a grid search over samplers and ratios.

The pattern sktsgan exists for: an :class:`~sktsgan.augment.AugmentedClassifier` (or an
imbalanced-learn pipeline with a :class:`~sktsgan.augment.GANAugmenter`) inside
:class:`~sklearn.model_selection.GridSearchCV`, searching which sampler to augment
with and how much, scored on real validation folds only. The search runs on a small
subset of Trace's training split (``--per-class`` series of each class); the chosen
model is then scored on the whole real test split, beside the same classifier without
augmentation.

Example
-------
    python benchmarks/augmentation_search.py --per-class 10 --seed 0 --threads 1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import print_machine_and_command, set_threads
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktsgan import RCGANSampler
from sktsgan.augment import (
    AugmentedClassifier,
    GANAugmenter,
    JitterSampler,
    RandomSeriesSampler,
    TimeWarpSampler,
)
from sktsgan.datasets import load_trace
from sktsgan.preprocessing import SeriesFlattener


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stride", type=int, default=5, help="keep every stride-th step")
    parser.add_argument("--threads", type=int, help="torch threads")
    args = parser.parse_args(argv)
    if args.threads:
        set_threads(args.threads)

    X_all, y_all, X_test, y_test = load_trace(split="all")
    X_all, X_test = X_all[:, :: args.stride], X_test[:, :: args.stride]
    rng = np.random.RandomState(args.seed)
    index = np.concatenate(
        [
            rng.choice(np.flatnonzero(y_all == label), args.per_class, replace=False)
            for label in np.unique(y_all)
        ]
    )
    X, y = X_all[index], y_all[index]

    classifier = make_pipeline(
        SeriesFlattener(), StandardScaler(), LogisticRegression(max_iter=2000)
    )
    model = AugmentedClassifier(classifier, GANAugmenter(random_state=args.seed))
    grid = {
        "augmenter__sampler": [
            RandomSeriesSampler(),
            JitterSampler(),
            TimeWarpSampler(),
            RCGANSampler(n_epochs=300),
        ],
        "augmenter__synthetic_ratio": [0.0, 1.0, 3.0],
    }
    cv = StratifiedKFold(3, shuffle=True, random_state=args.seed)
    start = time.perf_counter()
    search = GridSearchCV(model, grid, cv=cv).fit(X, y)
    seconds = time.perf_counter() - start

    results = pd.DataFrame(search.cv_results_)
    results["sampler"] = results["param_augmenter__sampler"].map(lambda s: type(s).__name__)
    results["ratio"] = results["param_augmenter__synthetic_ratio"]
    table = results.sort_values("rank_test_score")[
        ["sampler", "ratio", "mean_test_score", "std_test_score", "mean_fit_time"]
    ]
    print(f"Trace, {args.per_class} series per class, seed {args.seed}, 3-fold CV accuracy:\n")
    print("| sampler | synthetic per real | CV accuracy | fit s |")
    print("|---|---|---|---|")
    for row in table.itertuples():
        print(
            f"| {row.sampler} | {row.ratio:g} | {row.mean_test_score:.3f} ± "
            f"{row.std_test_score:.3f} | {row.mean_fit_time:.1f} |"
        )
    best = search.best_params_
    real_only = classifier.fit(X, y).score(X_test, y_test)
    print(
        f"\nBest: {type(best['augmenter__sampler']).__name__}, "
        f"synthetic_ratio={best['augmenter__synthetic_ratio']:g}. Test accuracy (100 real "
        f"series): {search.score(X_test, y_test):.3f} with it, {real_only:.3f} without "
        f"augmentation. Search: {seconds:.0f} s."
    )
    print_machine_and_command()


if __name__ == "__main__":
    main()
