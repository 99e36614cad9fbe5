"""Do a sampler's latent features help a downstream classifier? Measure it.

A logistic regression (on standardised features, ``max_iter=2000``) is fitted on the
training series and scored on the test series, with these features:

* ``raw``: the flattened series (:class:`sktsgan.preprocessing.SeriesFlattener`);
* ``summary``: per-series statistics (:class:`sktsgan.preprocessing.SeriesSummary`:
  mean, std, min, max, first, last, slope), a cheap hand-made baseline;
* ``timegan``: :meth:`sktsgan.TimeGANSampler.transform` (mean and last latent step);
* ``timegan untrained``: the same, from an embedder left at its random initial
  weights (``lr=1e-12``, one epoch per phase): the control that tells what training
  adds;
* ``raw + timegan``: both side by side;
* ``vae``: :meth:`sktsgan.VAESampler.transform` of the flattened series (posterior
  mean); ``raw + vae``: both.

The samplers are fitted on the training series with their labels (as in a
``Pipeline(sampler, StandardScaler(), LogisticRegression())``, which passes ``y`` to
the sampler); each is fitted once per seed and its features shared by the rows that
use it. The seed is the samplers' ``random_state``; the data and splits are fixed, so
``raw`` and ``summary`` have no spread.

Data sets:

* ``trace``: Trace (UCR archive, the copy bundled with tslearn; 4 classes, the fixed
  split of 100 training and 100 test series), every ``--stride``-th of its 275 steps;
* ``waves``: :func:`sktsgan.datasets.make_waves` (400 series of 48 steps, ``noise=0.3``,
  ``random_state=0``), each series z-normalised on its own so that the classes differ
  only in shape (smooth sine against sawtooth, random phase), not in level or scale;
  the first 200 series train, the others test.

Example
-------
    python benchmarks/latent_features.py --seeds 0 1 2 --threads 1
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _common import print_machine_and_command, set_threads
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktsgan import TimeGANSampler, VAESampler
from sktsgan.datasets import load_trace, make_waves
from sktsgan.preprocessing import SeriesFlattener, SeriesSummary

# The latent features come from the embedder, which learns in the embedding phase
# (and a little in the joint one): that phase gets the epochs.
TIMEGAN = dict(
    hidden_size=24,
    num_layers=2,
    n_epochs_embedding=60,
    n_epochs_supervised=5,
    n_epochs=5,
    batch_size=32,
)
UNTRAINED = dict(TIMEGAN, n_epochs_embedding=1, n_epochs_supervised=1, n_epochs=1, lr=1e-12)
VAE = dict(latent_dim=8, n_epochs=200)
FEATURES = ["raw", "summary", "timegan", "timegan untrained", "raw + timegan", "vae", "raw + vae"]


def load(name, stride):
    """``(X_train, y_train, X_test, y_test)`` of a data set."""
    if name == "trace":
        X_train, y_train, X_test, y_test = load_trace(split="all")
        return X_train[:, ::stride], y_train, X_test[:, ::stride], y_test
    X, y = make_waves(400, n_timesteps=48, noise=0.3, random_state=0)
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    return X[:200], y[:200], X[200:], y[200:]


def features(sampler, X_train, y_train, X_test):
    """``sampler`` fitted on the training series and labels; both splits transformed."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        # the untrained control's generator has not learned anything, by design
        warnings.filterwarnings("ignore", message=".*may have collapsed")
        sampler.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return (sampler.transform(X_train), sampler.transform(X_test)), seconds


def run_seed(X_train, y_train, X_test, y_test, seed):
    """Test accuracy of the classifier on each kind of features; fit seconds per sampler."""
    flattener = SeriesFlattener().fit(X_train)
    summary = SeriesSummary().fit(X_train)
    blocks = {
        "raw": (flattener.transform(X_train), flattener.transform(X_test)),
        "summary": (summary.transform(X_train), summary.transform(X_test)),
    }
    seconds = {}
    for name, sampler in (
        ("timegan", TimeGANSampler(**TIMEGAN, random_state=seed)),
        ("timegan untrained", TimeGANSampler(**UNTRAINED, random_state=seed)),
        ("vae", VAESampler(**VAE, random_state=seed)),
    ):
        blocks[name], seconds[name] = features(sampler, X_train, y_train, X_test)
    scores = {}
    for name in FEATURES:
        parts = [blocks[part] for part in name.split(" + ")]
        train = np.hstack([train for train, _ in parts])
        test = np.hstack([test for _, test in parts])
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        scores[name] = float(model.fit(train, y_train).score(test, y_test))
    return scores, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--datasets", nargs="+", choices=["trace", "waves"], default=["trace", "waves"]
    )
    parser.add_argument("--stride", type=int, default=1, help="Trace: keep every stride-th step")
    parser.add_argument("--threads", type=int, help="torch threads")
    args = parser.parse_args(argv)
    if args.threads:
        set_threads(args.threads)

    start = time.perf_counter()
    tables = {}
    for dataset in args.datasets:
        X_train, y_train, X_test, y_test = load(dataset, args.stride)
        print(f"{dataset}: train {X_train.shape}, test {X_test.shape}", flush=True)
        runs = []
        for seed in args.seeds:
            scores, seconds = run_seed(X_train, y_train, X_test, y_test, seed)
            runs.append((scores, seconds))
            fits = ", ".join(f"{name} {s:.0f} s" for name, s in seconds.items())
            print(f"  seed {seed}: {scores} (fits: {fits})", flush=True)
        tables[dataset] = runs

    print()
    print(f"Test accuracy of a logistic regression ({len(args.seeds)} seeds, mean ± std):")
    print()
    print("| features | " + " | ".join(args.datasets) + " |")
    print("|---|" + "---|" * len(args.datasets))
    for name in FEATURES:
        cells = []
        for dataset in args.datasets:
            values = [scores[name] for scores, _ in tables[dataset]]
            cells.append(f"{np.mean(values):.3f} ± {np.std(values):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    for dataset in args.datasets:
        fits = {
            name: np.mean([seconds[name] for _, seconds in tables[dataset]])
            for name in tables[dataset][0][1]
        }
        print(
            f"Mean fit seconds, {dataset}: " + ", ".join(f"{k} {v:.1f}" for k, v in fits.items())
        )
    print(f"Total {time.perf_counter() - start:.0f} s.")
    print_machine_and_command()


if __name__ == "__main__":
    main()
