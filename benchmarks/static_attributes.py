"""Do the sequence samplers generate series that follow their static attributes?

The known-answer set of issue 20: ``make_attributed_sines`` gives series whose number
of sine periods (``cycles``, continuous in [1, 4]) and linear trend (``trend``:
falling, flat or rising) are static attributes. A sampler is fitted on the series and
their attributes, then

- **on request**: asked for series at ``cycles`` values on a grid between those seen
  in training (none of them a training value), for every trend; the cycles and trend
  are recovered from each generated series (the peak of the zero-padded spectrum of
  the detrended series; the nearest trend level to the fitted rise) and compared with
  those asked for: the correlation of cycles, the accuracy of trend;
- **jointly**: ``sample(n)`` draws attributes and series; the attributes' total
  variation distance (trend) and Kolmogorov-Smirnov distance (cycles) to the training
  ones, and the same recovery checks on the drawn pairs;
- the discriminative score of the joint draw against the real series.

The recovery's own accuracy on the real series is printed beside it: the ceiling.

Examples
--------
    python benchmarks/static_attributes.py --sampler diffusion --seeds 0 1 2 --max-time 120
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from _common import parse_setting, print_mean_and_worst, set_threads

from sktsgan import models
from sktsgan.datasets import make_attributed_sines
from sktsgan.metrics import discriminative_score

SAMPLERS = {
    "rcgan": "RCGANSampler",
    "timegan": "TimeGANSampler",
    "crnngan": "CRNNGANSampler",
    "diffusion": "DiffusionSampler",
}
TRENDS = np.array([-1.0, 0.0, 1.0])
TREND_NAMES = np.array(["falling", "flat", "rising"])


def recover(X):
    """The cycles and trend of univariate series ``(n, t, 1)``, from their shape.

    Cycles: the peak of the zero-padded spectrum of the series less its fitted line.
    Trend: the rise of a line fitted jointly with a sinusoid of those cycles (a line
    alone takes up part of a sine's own slope), read as the nearest trend level.
    """
    series = X[:, :, 0]
    n, t = series.shape
    steps = np.arange(t) / (t - 1)
    line = np.stack([np.ones(t), steps], axis=1)
    coefficients, *_ = np.linalg.lstsq(line, series.T, rcond=None)
    residual = series - (line @ coefficients).T
    padded = 64 * t
    spectrum = np.abs(np.fft.rfft(residual, n=padded, axis=1))
    cycles = np.argmax(spectrum, axis=1) * t / padded
    rise = np.empty(n)
    angle = 2 * np.pi * np.arange(t) / t
    for i in range(n):
        design = np.column_stack([line, np.sin(cycles[i] * angle), np.cos(cycles[i] * angle)])
        rise[i] = np.linalg.lstsq(design, series[i], rcond=None)[0][1]
    trend = TREND_NAMES[np.argmin(np.abs(rise[:, None] - TRENDS[None, :]), axis=1)]
    return cycles, trend


def total_variation(a, b, levels):
    pa = np.array([np.mean(a == level) for level in levels])
    pb = np.array([np.mean(b == level) for level in levels])
    return 0.5 * float(np.abs(pa - pb).sum())


def ks_distance(a, b):
    grid = np.sort(np.concatenate([a, b]))
    fa = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    fb = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.max(np.abs(fa - fb)))


def run_seed(args, seed):
    X, static = make_attributed_sines(args.n_series, args.n_timesteps, random_state=seed)
    sampler = getattr(models, SAMPLERS[args.sampler])(
        n_epochs=100_000, max_time=args.max_time, random_state=seed
    )
    sampler.set_params(**args.set)
    start = time.perf_counter()
    sampler.fit(X, static=static)
    fit_seconds = time.perf_counter() - start

    # on request: a grid of cycles strictly between training values, every trend
    grid = np.linspace(1.05, 3.95, args.n_grid)
    asked_cycles = np.tile(grid, 3)
    asked_trend = np.repeat(TREND_NAMES, args.n_grid)
    asked = {"cycles": asked_cycles, "trend": asked_trend}
    X_asked, _ = sampler.sample(len(asked_cycles), static=asked, random_state=seed)
    cycles, trend = recover(X_asked)

    # jointly
    X_joint, static_joint = sampler.sample(len(X), random_state=seed)
    joint_cycles, joint_trend = recover(X_joint)
    drawn_trend = static_joint["trend"].astype(str).to_numpy()
    real_cycles, real_trend = recover(X)
    figures = {
        "seed": seed,
        "fit_seconds": round(fit_seconds, 1),
        "epochs": len(sampler.history_),
        "requested_cycles_correlation": float(np.corrcoef(asked_cycles, cycles)[0, 1]),
        "requested_trend_accuracy": float(np.mean(trend == asked_trend)),
        "joint_cycles_correlation": float(
            np.corrcoef(static_joint["cycles"].to_numpy(), joint_cycles)[0, 1]
        ),
        "joint_trend_accuracy": float(np.mean(joint_trend == drawn_trend)),
        "attribute_trend_tv": total_variation(
            drawn_trend, static["trend"].astype(str).to_numpy(), TREND_NAMES
        ),
        "attribute_cycles_ks": ks_distance(
            static_joint["cycles"].to_numpy(), static["cycles"].to_numpy()
        ),
        "discriminative": float(discriminative_score(X, X_joint, random_state=seed)),
        "ceiling_cycles_correlation": float(np.corrcoef(static["cycles"], real_cycles)[0, 1]),
        "ceiling_trend_accuracy": float(
            np.mean(real_trend == static["trend"].astype(str).to_numpy())
        ),
    }
    print(json.dumps(figures), flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sampler", choices=sorted(SAMPLERS), default="diffusion")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--max-time", type=float, default=120, help="seconds of training")
    parser.add_argument("--n-series", type=int, default=1000)
    parser.add_argument("--n-timesteps", type=int, default=24)
    parser.add_argument("--n-grid", type=int, default=40, help="cycles asked for, per trend")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--set", nargs="+", action="extend", default=[], metavar="NAME=VALUE")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    args.set = dict(parse_setting(item, parser) for item in args.set)
    set_threads(args.threads)
    runs = [run_seed(args, seed) for seed in args.seeds]
    keys = [key for key in runs[0] if key != "seed"]
    lower_is_better = ("attribute_trend_tv", "attribute_cycles_ks", "discriminative")
    print_mean_and_worst(runs, keys, lower_is_better)
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
