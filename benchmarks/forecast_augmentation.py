"""Does augmenting a small forecasting data set with sampled series help a forecaster?

A small set of real series (noisy sines with random period, phase and amplitude) is
split by series into a training set (``--n-train-series``) and 200 held-out series. A
plain scikit-learn forecaster (ridge regression from the last ``window`` steps to the
next ``horizon``) is fitted on every window of the training series, either as they are
("none") or after :class:`sktsgan.augment.GANAugmenter` has added ``--ratio`` synthetic
series per real one (unsupervised, ``fit_resample(X)``), and scored by mean absolute
error on every window of the held-out real series. Mean ± std over seeds; each seed
draws its own data. The samplers: jitter, time warping, RCGAN (whole series from noise;
300 epochs, and at its defaults), ``GANAugmenter``'s default sampler (``sampler=None``:
``DiffusionSampler()`` for series without labels) and LSTMForecastGAN (whole series
rolled forward, ``horizon`` steps at a time, from the first ``window`` real steps of a
training series). ``--methods`` picks some of them; "none" always runs.

Example
-------
    python benchmarks/forecast_augmentation.py --seeds 0 1 2 --threads 1
    python benchmarks/forecast_augmentation.py --methods default "rcgan default" --threads 1
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

import numpy as np
import torch
from _common import machine, set_threads
from sklearn.linear_model import Ridge

from sktsgan import LSTMForecastGAN, RCGANSampler
from sktsgan.augment import GANAugmenter, JitterSampler, TimeWarpSampler
from sktsgan.preprocessing import forecast_pairs

WINDOW, HORIZON, LENGTH = 12, 4, 48

METHODS = {
    "none": None,
    "jitter": JitterSampler(),
    "time warp": TimeWarpSampler(),
    "rcgan": RCGANSampler(n_epochs=300),
    "rcgan default": RCGANSampler(),
    "default": None,  # GANAugmenter(sampler=None)
    # whole series rolled forward from each training series' first WINDOW real steps
    "forecast gan": LSTMForecastGAN(window=WINDOW, horizon=HORIZON, hidden_size=32, n_epochs=200),
}


def make_series(n, rng):
    """Noisy sines: period 8 to 16 steps, random phase and amplitude, noise sd 0.1."""
    t = np.arange(LENGTH)
    period = rng.uniform(8, 16, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    amplitude = rng.uniform(0.5, 1.5, size=(n, 1))
    values = amplitude * np.sin(2 * np.pi * t / period + phase)
    return (values + rng.normal(scale=0.1, size=values.shape))[:, :, None]


def windows(X):
    """Every (history, future) pair of every series, flattened for a plain regressor."""
    history, future = forecast_pairs(X, WINDOW, HORIZON)
    return history[..., 0], future[..., 0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-train-series", type=int, default=20)
    parser.add_argument("--ratio", type=float, default=2.0, help="synthetic series per real")
    parser.add_argument("--threads", type=int, help="torch threads")
    parser.add_argument(
        "--methods", nargs="+", choices=list(METHODS), default=list(METHODS), metavar="METHOD"
    )
    args = parser.parse_args(argv)
    if args.threads:
        set_threads(args.threads)

    methods = ["none", *(method for method in args.methods if method != "none")]
    results = {method: [] for method in methods}
    seconds = {method: [] for method in methods}
    for seed in args.seeds:
        rng = np.random.RandomState(seed)
        X_train, X_test = make_series(args.n_train_series, rng), make_series(200, rng)
        history_test, future_test = windows(X_test)
        for method in methods:
            start = time.perf_counter()
            X_fit = X_train
            if method != "none":
                sampler = METHODS[method]
                augmenter = GANAugmenter(sampler, synthetic_ratio=args.ratio, random_state=seed)
                X_fit, _ = augmenter.fit_resample(X_train)
            seconds[method].append(time.perf_counter() - start)
            model = Ridge(alpha=1e-2).fit(*windows(X_fit))
            mae = float(np.mean(np.abs(model.predict(history_test) - future_test)))
            results[method].append(mae)
            print(f"seed {seed}, {method:>12}: MAE {mae:.4f}", flush=True)

    baseline = np.mean(results["none"])
    print(
        f"\n{args.n_train_series} training series, {args.ratio:g} synthetic per real, "
        f"{len(args.seeds)} seeds (mean ± std):\n"
    )
    print("| method | test MAE | vs real only | sampler fit s |")
    print("|---|---|---|---|")
    for method in methods:
        mae = np.mean(results[method])
        print(
            f"| {method} | {mae:.4f} ± {np.std(results[method]):.4f} | "
            f"{100 * (mae / baseline - 1):+.1f} % | {np.mean(seconds[method]):.1f} |"
        )
    print(f"\nMachine: {machine()}, {torch.get_num_threads()} torch threads.")
    print("Command: python " + shlex.join(sys.argv))


if __name__ == "__main__":
    main()
