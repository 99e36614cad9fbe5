"""Do the sequence samplers generate categorical channels with the right dynamics?

A known-answer set (issue 20): each series has a categorical ``regime`` channel, a
sticky three-level Markov chain (it keeps its level with probability ``--stay``, else
moves to one of the two others), and a numeric channel that is a noisy sine whose
amplitude the regime sets (calm 0.2, normal 1, storm 3). A sampler is fitted on the
long DataFrame and draws as many series; the script prints

- the total-variation distances of the regime's level frequencies and of its
  step-to-step transition matrix (:func:`sktsgan.metrics.categorical_channel_fidelity`),
  and any level the real data never takes;
- how well the numeric channel follows the regime: the mean absolute value of the sine
  in each generated regime against its real value;
- the discriminative score of the numeric channel.

Examples
--------
    python benchmarks/categorical_channels.py --sampler rcgan --seeds 0 1 2 --max-time 180
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from _common import print_mean_and_worst, set_threads

from sktsgan import models
from sktsgan.metrics import categorical_channel_fidelity, discriminative_score

SAMPLERS = {
    "rcgan": "RCGANSampler",
    "timegan": "TimeGANSampler",
    "diffusion": "DiffusionSampler",
}
AMPLITUDES = {"calm": 0.2, "normal": 1.0, "storm": 3.0}
LONG = {"id_column": "id", "time_column": "t"}


def regime_series(n_series, n_timesteps, stay, random_state):
    """The long DataFrame of the known-answer set."""
    rng = np.random.RandomState(random_state)
    names = list(AMPLITUDES)
    regimes = np.empty((n_series, n_timesteps), dtype=object)
    level = rng.randint(0, 3, n_series)
    for t in range(n_timesteps):
        move = rng.rand(n_series) > stay
        level = np.where(move, (level + rng.randint(1, 3, n_series)) % 3, level)
        regimes[:, t] = np.array(names, dtype=object)[level]
    amplitude = np.vectorize(AMPLITUDES.get)(regimes).astype(float)
    phase = rng.uniform(0, 2 * np.pi, (n_series, 1))
    steps = np.arange(n_timesteps)[None, :]
    value = amplitude * np.sin(2 * np.pi * steps / 8 + phase) + 0.05 * rng.normal(
        size=(n_series, n_timesteps)
    )
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n_series), n_timesteps),
            "t": np.tile(np.arange(n_timesteps), n_series),
            "regime": pd.Categorical(regimes.ravel(), categories=names),
            "value": value.ravel(),
        }
    )


def amplitude_by_regime(frame):
    return frame.groupby("regime", observed=True)["value"].apply(lambda v: np.abs(v).mean())


def switch_rate(frame, n_timesteps):
    """Share of step-to-step moves that change the level (real chain: 1 - stay)."""
    levels = frame["regime"].astype(str).to_numpy().reshape(-1, n_timesteps)
    return float((levels[:, 1:] != levels[:, :-1]).mean())


def as_array(frame, n_timesteps):
    return frame["value"].to_numpy().reshape(-1, n_timesteps, 1)


def run_seed(args, seed):
    real = regime_series(args.n_series, args.n_timesteps, args.stay, seed)
    sampler = getattr(models, SAMPLERS[args.sampler])(
        n_epochs=100_000, max_time=args.max_time, random_state=seed, **LONG
    )
    start = time.perf_counter()
    sampler.fit(real)
    fit_seconds = time.perf_counter() - start
    synthetic = sampler.sample(args.n_series, random_state=seed)
    fidelity = categorical_channel_fidelity(real, synthetic, "regime", **LONG)
    real_amplitude, synthetic_amplitude = (amplitude_by_regime(f) for f in (real, synthetic))
    figures = {
        "seed": seed,
        "fit_seconds": round(fit_seconds, 1),
        "epochs": len(sampler.history_),
        "frequency_tv": fidelity["frequency_tv"],
        "transition_tv": fidelity["transition_tv"],
        "unseen_levels": len(fidelity["unseen_levels"]),
        "switch_rate": switch_rate(synthetic, args.n_timesteps),
        "real_switch_rate": switch_rate(real, args.n_timesteps),
        **{
            f"amplitude_{name}": float(synthetic_amplitude.get(name, np.nan))
            for name in AMPLITUDES
        },
        "discriminative": float(
            discriminative_score(
                as_array(real, args.n_timesteps),
                as_array(synthetic, args.n_timesteps),
                random_state=seed,
            )
        ),
    }
    figures.update({f"real_amplitude_{name}": float(real_amplitude[name]) for name in AMPLITUDES})
    print(json.dumps(figures), flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sampler", choices=sorted(SAMPLERS), default="rcgan")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--max-time", type=float, default=180, help="seconds of training")
    parser.add_argument("--n-series", type=int, default=1000)
    parser.add_argument("--n-timesteps", type=int, default=24)
    parser.add_argument("--stay", type=float, default=0.9)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    set_threads(args.threads)
    runs = [run_seed(args, seed) for seed in args.seeds]
    keys = ("frequency_tv", "transition_tv", "unseen_levels", "discriminative")
    print_mean_and_worst(runs, keys, lower_is_better=keys)
    for name in AMPLITUDES:
        values = np.array([run[f"amplitude_{name}"] for run in runs])
        real = np.mean([run[f"real_amplitude_{name}"] for run in runs])
        print(f"| mean absolute value, {name} (real {real:.3f}) | {values.mean():.3f} | |")
    rates = np.array([run["switch_rate"] for run in runs])
    real = np.mean([run["real_switch_rate"] for run in runs])
    print(f"| level switches per step (real {real:.3f}) | {rates.mean():.3f} | |")


if __name__ == "__main__":
    main()
