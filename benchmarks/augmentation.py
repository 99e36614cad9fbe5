"""Does augmentation help a classifier trained on a few real series? Measure it.

Real data: Trace (UCR archive, the copy bundled with tslearn; 4 classes, 100 training
and 100 test series of 275 steps), down-sampled in time by ``--stride`` to keep GAN
training to seconds. For every seed and training-set size (``--per-class`` series of
each class, drawn from the training split), each augmentation method adds
``--ratio`` synthetic series per real one through :class:`sktsgan.augment.GANAugmenter`;
then two downstream classifiers are fitted on real + synthetic data and scored on the
whole real test split:

* 1-NN with Euclidean distance on flattened series (the classic UCR baseline);
* logistic regression on flattened, standardised series.

"none" is the classifier on real data alone. The table gives mean ± standard deviation
of test accuracy over the seeds; every method sees the same subsets.

Example
-------
    python benchmarks/augmentation.py --seeds 0 1 2 --per-class 5 10 20 \\
        --json out/augmentation.json
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import machine, print_machine_and_command, set_threads, write_json
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktsgan import CRNNGANSampler, RCGANSampler, TimeGANSampler
from sktsgan.augment import (
    GANAugmenter,
    JitterSampler,
    RandomSeriesSampler,
    ScalingSampler,
    SMOTESampler,
    TimeWarpSampler,
)
from sktsgan.datasets import load_trace
from sktsgan.preprocessing import SeriesFlattener

# name -> sampler; None is "no augmentation". The GANs run with their defaults but for
# the number of epochs, which is set for the small training sets of this benchmark.
METHODS = {
    "none": None,
    "random": RandomSeriesSampler(),
    "jitter": JitterSampler(),
    "scaling": ScalingSampler(),
    "time warp": TimeWarpSampler(),
    "smote": SMOTESampler(),
    "rcgan": RCGANSampler(n_epochs=300),
    "timegan": TimeGANSampler(n_epochs=300),
    "crnngan": CRNNGANSampler(n_epochs=300),
}

CLASSIFIERS = {
    "1-NN": make_pipeline(SeriesFlattener(), KNeighborsClassifier(n_neighbors=1)),
    "logistic": make_pipeline(
        SeriesFlattener(), StandardScaler(), LogisticRegression(max_iter=2000)
    ),
}


def subset(X, y, per_class, rng):
    """``per_class`` series of each class, drawn without replacement."""
    index = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == label), per_class, replace=False)
            for label in np.unique(y)
        ]
    )
    return X[index], y[index]


def run_one(method, X_train, y_train, X_test, y_test, ratio, seed):
    """Test accuracy of each classifier after augmenting with ``method``; fit seconds."""
    start = time.perf_counter()
    if METHODS[method] is None:
        X_fit, y_fit = X_train, y_train
    else:
        augmenter = GANAugmenter(METHODS[method], synthetic_ratio=ratio, random_state=seed)
        X_fit, y_fit = augmenter.fit_resample(X_train, y_train)
    seconds = time.perf_counter() - start
    scores = {
        name: float(clone(model).fit(X_fit, y_fit).score(X_test, y_test))
        for name, model in CLASSIFIERS.items()
    }
    return scores, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--per-class", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--ratio", type=float, default=1.0, help="synthetic series per real")
    parser.add_argument("--stride", type=int, default=5, help="keep every stride-th step")
    parser.add_argument("--threads", type=int, help="torch threads")
    parser.add_argument("--json", help="also write the raw results to this JSON file")
    args = parser.parse_args(argv)
    if args.threads:
        set_threads(args.threads)

    X_train_all, y_train_all, X_test, y_test = load_trace(split="all")
    X_train_all, X_test = X_train_all[:, :: args.stride], X_test[:, :: args.stride]
    print(f"Trace: {X_train_all.shape[1]} steps after stride {args.stride}; test {X_test.shape}")

    results = []  # one dict per (per_class, seed, method)
    for per_class in args.per_class:
        for seed in args.seeds:
            X_train, y_train = subset(
                X_train_all, y_train_all, per_class, np.random.RandomState(seed)
            )
            for method in args.methods:
                scores, seconds = run_one(
                    method, X_train, y_train, X_test, y_test, args.ratio, seed
                )
                results.append(
                    {
                        "per_class": per_class,
                        "seed": seed,
                        "method": method,
                        "seconds": seconds,
                        **scores,
                    }
                )
                print(
                    f"{per_class:>3} per class, seed {seed}, {method:>9}: {scores} "
                    f"({seconds:.0f} s)",
                    flush=True,
                )

    print()
    for name in CLASSIFIERS:
        print(f"Test accuracy, {name} ({len(args.seeds)} seeds, mean ± std):")
        print()
        print("| method | " + " | ".join(f"{n} per class" for n in args.per_class) + " | fit s |")
        print("|---|" + "---|" * len(args.per_class) + "---|")
        for method in args.methods:
            cells = []
            for per_class in args.per_class:
                values = [
                    r[name]
                    for r in results
                    if r["method"] == method and r["per_class"] == per_class
                ]
                cells.append(f"{np.mean(values):.3f} ± {np.std(values):.3f}")
            seconds = np.mean([r["seconds"] for r in results if r["method"] == method])
            print(f"| {method} | " + " | ".join(cells) + f" | {seconds:.1f} |")
        print()
    print_machine_and_command()
    if args.json:
        write_json(args.json, {"args": vars(args), "results": results, "machine": machine()})


if __name__ == "__main__":
    main()
