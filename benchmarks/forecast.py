"""How good are LSTMForecastGAN's forecasts? Measure them against simple baselines.

Every method reads the last ``--window`` steps and forecasts the next ``--horizon``.
The data are split in time: the models are fitted on the first part only, and scored on
forecasts whose futures lie wholly in the last part (their histories may reach back into
the training part: that is observed data, not leakage).

Data (``--data``):

* ``sines``: one long series of two noisy sines, periods 24 and 36 steps, random phases,
  Gaussian noise of standard deviation 0.2; 3000 training steps, 1000 test steps. The
  best possible point forecast (the clean sine) has an MAE of 0.2 * sqrt(2 / pi) = 0.16.
* ``stocks``: the Google daily prices of :func:`sktsgan.datasets.load_stocks` (3685
  days, 6 features). Every feature is log-transformed (prices and volume are positive
  and move in proportion), then standardised with the mean and standard deviation of the
  training part, the first 80 % of the days; the last 20 % are the test part. Errors are
  in those standardised log units, so every feature weighs the same.

Methods:

* ``naive``: the last observed value, repeated.
* ``seasonal``: (sines only) the value one period earlier, ``y[t + h - P]``, with the
  known period ``P`` of each feature. Stock prices have no known period: not run there.
* ``lstm-mse``: an LSTM of the GAN generator's size (encoder over the window, linear
  read-out to ``horizon * n_features`` changes from the last value) trained with the
  mean squared error as a ``skorch.NeuralNetRegressor``, with the GAN's number of
  epochs, batch size (256), training pairs and Adam learning rate (``--lr``).
* ``gan``: :class:`sktsgan.LSTMForecastGAN` with its defaults (``--supervised-weight``
  to change the weight of its CRPS term); ``gan-adv``: the same with
  ``supervised_weight=0``, the adversarial loss alone.

Scores, mean ± standard deviation over ``--seeds`` (seeds of the models; the data are
fixed): MAE of the point forecast (the GAN's: the median of 100 drawn futures); CRPS of
100 drawn futures (a point forecast is an ensemble of one member, its CRPS is its MAE);
coverage of the 10–90 % interval of the draws (about 0.8 when calibrated; none for point
forecasts).

Example
-------
    python benchmarks/forecast.py --data sines --seeds 0 1 --n-epochs 20 --lr 3e-3 \\
        --threads 1 --json out/forecast_sines.json
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import set_threads, write_json
from skorch import NeuralNetRegressor
from torch import nn

from sktsgan import LSTMForecastGAN
from sktsgan.datasets import load_stocks
from sktsgan.metrics import crps_ensemble, interval_coverage
from sktsgan.preprocessing import forecast_pairs

HIDDEN_SIZE = 64
N_PATHS = 100
SINE_PERIODS = (24.0, 36.0)


def load(name):
    """``(train, test, periods)``: two chronological parts of one series ``(t, d)``."""
    if name == "sines":
        rng = np.random.RandomState(0)
        t = np.arange(4000.0)[:, None]
        phases = rng.uniform(0, 2 * np.pi, len(SINE_PERIODS))
        series = np.sin(2 * np.pi * t / np.array(SINE_PERIODS) + phases)
        series = series + 0.2 * rng.randn(*series.shape)
        return series[:3000], series[3000:], SINE_PERIODS
    values = np.log(load_stocks().to_numpy(dtype=float))
    split = int(0.8 * len(values))
    train, test = values[:split], values[split:]
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / std, None


def test_pairs(train, test, window, horizon, stride):
    """Histories and futures whose futures lie in ``test``, every ``stride`` steps."""
    series = np.concatenate([train[-window:], test])
    starts = range(0, len(series) - window - horizon + 1, stride)
    histories = np.stack([series[s : s + window] for s in starts])
    futures = np.stack([series[s + window : s + window + horizon] for s in starts])
    return histories, futures


class LSTMRegressor(nn.Module):
    """LSTM encoder over the window, linear read-out to the changes from the last value."""

    def __init__(self, n_features, hidden_size, horizon):
        super().__init__()
        self.horizon = horizon
        self.encoder = nn.LSTM(n_features, hidden_size, batch_first=True)
        self.readout = nn.Linear(hidden_size, horizon * n_features)

    def forward(self, history):
        _, (hidden, _) = self.encoder(history)
        change = self.readout(hidden[-1]).reshape(len(history), self.horizon, -1)
        return history[:, -1:, :] + change


def run_method(method, train, histories, periods, args, seed):
    """``(median or point forecast, paths or None, seconds)`` on the test histories."""
    window, horizon = args.window, args.horizon
    start = time.perf_counter()
    if method == "naive":
        point = np.repeat(histories[:, -1:], horizon, axis=1)
        return point, None, time.perf_counter() - start
    if method == "seasonal":
        steps = np.arange(horizon)[:, None]
        lags = np.rint(np.asarray(periods)).astype(int)[None, :]
        index = window + steps - lags  # y[t + h - P], t + h counted from the window's end
        point = np.take_along_axis(
            histories, np.broadcast_to(index, (len(histories),) + index.shape), 1
        )
        return point, None, time.perf_counter() - start
    if method == "lstm-mse":
        torch.manual_seed(seed)
        X, y = forecast_pairs(train[np.newaxis], window, horizon, stride=args.train_stride)
        net = NeuralNetRegressor(
            LSTMRegressor,
            module__n_features=train.shape[1],
            module__hidden_size=HIDDEN_SIZE,
            module__horizon=horizon,
            max_epochs=args.n_epochs,
            lr=args.lr,
            batch_size=256,
            optimizer=torch.optim.Adam,
            train_split=None,
            verbose=0,
        )
        net.fit(X.astype(np.float32), y.astype(np.float32))
        point = net.predict(histories.astype(np.float32)).astype(float)
        return point, None, time.perf_counter() - start
    weight = 0.0 if method == "gan-adv" else args.supervised_weight
    model = LSTMForecastGAN(
        window=window,
        horizon=horizon,
        stride=args.train_stride,
        hidden_size=HIDDEN_SIZE,
        n_epochs=args.n_epochs,
        loss=args.loss,
        lr=args.lr,
        supervised_weight=weight,
        random_state=seed,
    )
    model.fit(train[np.newaxis])  # one long series
    paths = model.sample_paths(histories, n_paths=N_PATHS, random_state=seed)
    point = np.median(paths, axis=1)
    return point, paths, time.perf_counter() - start


def scores(futures, point, paths):
    mae = float(np.mean(np.abs(futures - point)))
    if paths is None:
        return {"mae": mae, "crps": mae, "coverage": None}
    lower, upper = np.quantile(paths, [0.1, 0.9], axis=1)
    return {
        "mae": mae,
        "crps": crps_ensemble(futures, paths),
        "coverage": interval_coverage(futures, lower, upper),
    }


def table(results, methods):
    def cell(values, digits=3):
        values = [v for v in values if v is not None]
        if not values:
            return "–"
        return f"{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}"

    lines = [
        "| method | MAE | CRPS | 10–90 % coverage | wall time (s) |",
        "|---|---|---|---|---|",
    ]
    for method in methods:
        rows = results[method]
        mae, crps = cell([r["mae"] for r in rows]), cell([r["crps"] for r in rows])
        coverage = cell([r["coverage"] for r in rows], 2)
        seconds = cell([r["seconds"] for r in rows], 1)
        lines.append(f"| {method} | {mae} | {crps} | {coverage} | {seconds} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", choices=["sines", "stocks"], default="sines")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-epochs", type=int, default=50)
    parser.add_argument("--window", type=int, default=42)
    parser.add_argument("--horizon", type=int, default=10)
    parser.add_argument("--stride", type=int, default=5, help="between test forecasts")
    parser.add_argument(
        "--train-stride", type=int, default=2, help="between training pairs (all models)"
    )
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam step, both LSTMs")
    parser.add_argument("--loss", choices=["bce", "wgan-gp"], default="bce")
    parser.add_argument("--supervised-weight", type=float, default=1.0)
    parser.add_argument(
        "--methods", nargs="+", default=["naive", "seasonal", "lstm-mse", "gan-adv", "gan"]
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    set_threads(args.threads)

    train, test, periods = load(args.data)
    methods = [m for m in args.methods if not (m == "seasonal" and periods is None)]
    histories, futures = test_pairs(train, test, args.window, args.horizon, args.stride)
    results = {method: [] for method in methods}
    for seed in args.seeds:
        for method in methods:
            point, paths, seconds = run_method(method, train, histories, periods, args, seed)
            row = {"seed": seed, "seconds": seconds, **scores(futures, point, paths)}
            results[method].append(row)
            print(f"seed {seed} {method}: {row}", file=sys.stderr, flush=True)

    command = "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
    machine = (
        f"{platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
        f"{args.threads} torch thread(s), torch {torch.__version__}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"\n{args.data}: {len(train)} training steps, {len(histories)} test forecasts "
        f"(window {args.window}, horizon {args.horizon}), seeds {args.seeds}, "
        f"{args.n_epochs} epochs\n"
    )
    print(table(results, methods))
    print(f"\nMachine: {machine}\nCommand: `{command}`")
    if args.json is not None:
        payload = {
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "command": command,
            "machine": machine,
            "results": results,
        }
        write_json(args.json, payload)


if __name__ == "__main__":
    main()
