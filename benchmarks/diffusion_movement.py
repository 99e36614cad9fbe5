"""Do DiffusionSampler's Stocks windows move as much as real ones?

Fits a ``DiffusionSampler`` on the 3662 windows of the bundled stock prices for
``--max-time`` seconds, draws 1000 windows and prints the moment gaps, the mean
within-window standard deviation of Close and of Volume beside the real data's, and
the discriminative score with 2 post-hoc classifiers. The discriminative score alone
misses windows that are flat lines at the right price levels; the within-window spread
does not.

Examples
--------
    python benchmarks/diffusion_movement.py --seed 0 --max-time 100 --prediction velocity
    python benchmarks/diffusion_movement.py --seed 0 --max-time 100 --prediction velocity \\
        --cosine-lr
    python benchmarks/diffusion_movement.py --seed 0 --max-time 120 --prediction velocity \\
        --sampling-steps 50 100 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BudgetCosineLR  # noqa: E402

from sktsgan import DiffusionSampler  # noqa: E402
from sktsgan.cli import load_data  # noqa: E402
from sktsgan.metrics import discriminative_score, moment_gaps  # noqa: E402


def within_window_std(X, feature):
    """Mean over windows of the standard deviation of ``feature`` along time."""
    return float(np.std(X[:, :, feature], axis=1).mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-time", type=float, default=100, help="seconds of training")
    parser.add_argument("--prediction", choices=["clean", "velocity"], default="clean")
    parser.add_argument(
        "--cosine-lr",
        action="store_true",
        help="probe: the learning rate follows a cosine to zero over the time budget",
    )
    parser.add_argument(
        "--sampling-steps",
        type=int,
        nargs="+",
        default=[50],
        help="DDIM steps to sample the one fit with (default: 50, the sampler's)",
    )
    args = parser.parse_args(argv)
    X, names = load_data("stocks", 24)
    close, volume = names.index("Close"), names.index("Volume")
    sampler = DiffusionSampler(
        max_time=args.max_time,
        n_epochs=100_000,  # max_time ends training
        prediction=args.prediction,
        random_state=args.seed,
        callbacks=[BudgetCosineLR()] if args.cosine_lr else None,
    )
    start = time.perf_counter()
    sampler.fit(X)
    seconds, epochs = time.perf_counter() - start, len(sampler.history_)
    print(f"seed {args.seed}: fit {seconds:.0f} s, {epochs} epochs")
    for steps in args.sampling_steps:  # the same fit, sampled with each number of steps
        sampler.set_params(n_sampling_steps=steps)
        S = sampler.sample(1000, random_state=0)
        print(f"{steps} sampling steps:")
        gaps = {key: round(value, 3) for key, value in moment_gaps(X, S).items()}
        print(gaps)
        real_volume, synthetic_volume = (within_window_std(Z, volume) / 1e6 for Z in (X, S))
        print(
            f"within-window std of Close {within_window_std(S, close):.2f} "
            f"(real {within_window_std(X, close):.2f}), of Volume "
            f"{synthetic_volume:.2f} M (real {real_volume:.2f} M)"
        )
        scores = [round(discriminative_score(X, S, random_state=k), 3) for k in range(2)]
        print(f"discriminative (2 classifiers): {scores}", flush=True)


if __name__ == "__main__":
    main()
