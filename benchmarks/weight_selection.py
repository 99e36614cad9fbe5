"""Which weights should a GAN sampler sample with? Score each choice from one fit.

For every seed, fit one sampler (the TimeGAN paper's data, ``--n-series`` of them) and
draw as many synthetic series from the sets of weights of that one fit that ``--choices``
names (all three by default):

* ``last``: the weights of the last epoch (what the samplers returned before
  ``ema_decay`` and ``restore_best`` existed);
* ``average``: the exponential moving average of the weights at the last epoch
  (``ema_decay``);
* ``best``: the average at the epoch with the lowest ``fidelity_gap`` (what ``sample``
  uses with ``restore_best=True``);
* ``second`` (with ``--also-decay D``): a second moving average, with decay ``D``, kept
  beside the sampler's own in the same fit. The average does not change training, so
  one fit scores two decays on identical training runs.

Each is scored with the TimeGAN paper's discriminative score (post-hoc GRU classifier,
2000 batches; lower is better), averaged over ``--n-repeats`` post-hoc classifiers: on
one sample set of 1000 sines, five classifiers gave 0.015 to 0.228, so one alone
cannot rank seeds. The last of ``--choices`` (``best`` by default) also gets the
predictive score. The table gives every seed, the mean and the worst seed: a user
trains once. ``--extra-classifiers K`` scores each sample set with K more post-hoc
classifiers (seeds 100 to 100 + K - 1) and reports the mean over all ``n_repeats + K``
as well: one classifier's score of one sample set spreads with a standard deviation of
0.03-0.07, so settings whose difference is a few hundredths need 10 or more.
``--cosine-lr`` probes a learning rate that falls along a cosine to zero
over each phase's epochs or ``max_time`` share, whichever runs out first.
The ``fidelity_gap`` trajectory of each fit goes to the JSON file.

Examples
--------
    python benchmarks/weight_selection.py --sampler timegan --data sines --n-series 2000 \\
        --seeds 0 1 2 --json out/selection_timegan_sines.json
    python benchmarks/weight_selection.py --sampler rcgan --data stocks --seeds 0 1 2 \\
        --set n_epochs=100
    python benchmarks/weight_selection.py --sampler diffusion --data sines \\
        --set n_epochs=100000 --set max_time=780 --choices average --also-decay 0.9999
    python benchmarks/weight_selection.py --sampler timegan --data sines --n-series 2000 \\
        --seeds 0 1 2 3 4 --choices average --extra-classifiers 10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    BudgetCosineLR,
    parse_setting,
    print_machine_and_command,
    set_threads,
    write_json,
)
from timegan_protocol import SAMPLERS, load  # noqa: E402

from sktsgan import models  # noqa: E402
from sktsgan.metrics import discriminative_score, predictive_score  # noqa: E402
from sktsgan.nn._selection import SamplingWeights  # noqa: E402

CHOICES = ("last", "average", "best")


def keep_second_average(decay):
    """Make every ``SamplingWeights`` also keep a moving average with ``decay``.

    The second average lives outside the module's state (``__dict__["second"]``), is
    dropped whenever the first is reset (each training phase) and copied from the first
    after the first update that follows: the warm-up makes that update's decay the same
    (0.1) for any decay, so the copy is exactly the average a fit with ``decay`` keeps.
    """
    update, reset = SamplingWeights.update, SamplingWeights.reset

    def update_both(self, parameters, buffers):
        update(self, parameters, buffers)
        second = self.__dict__.get("second")
        if second is None:
            second = SamplingWeights(self.average, decay)
            second.n_averaged.copy_(self.n_averaged)
            self.__dict__["second"] = second
        else:
            update(second, parameters, buffers)

    def reset_both(self, parameters, buffers):
        reset(self, parameters, buffers)
        self.__dict__.pop("second", None)

    SamplingWeights.update = update_both
    SamplingWeights.reset = reset_both


def networks(sampler, choice):
    """The networks of one fit that ``choice`` names."""
    engine = sampler.engine_
    copies = engine._copies()
    if choice == "last" or copies is None:
        return engine.module_
    if choice == "second":
        return copies.__dict__["second"].average
    return copies.average if choice == "average" else copies.best


def draw(sampler, choice, n, seed):
    """``n`` series in original units from the weights ``choice`` names."""
    original = sampler._sampling_networks
    sampler._sampling_networks = lambda: networks(sampler, choice)
    try:
        return sampler.sample(n, random_state=seed)
    finally:
        sampler._sampling_networks = original


def run_seed(args, X, scale, seed):
    class_name, _ = SAMPLERS[args.sampler]
    sampler = getattr(models, class_name)(random_state=seed, **args.set)
    if args.cosine_lr:
        sampler.set_params(callbacks=[BudgetCosineLR()])
    start = time.perf_counter()
    sampler.fit(X)
    figures = {
        "seed": seed,
        "fit_seconds": time.perf_counter() - start,
        "best_epoch": sampler.best_epoch_,
        "n_epochs_run": len(sampler.history_),
        "fidelity_gap": [
            (i + 1, row["fidelity_gap"])
            for i, row in enumerate(sampler.history_)
            if "fidelity_gap" in row
        ],
    }
    if "augmentation_probability" in sampler.history_[-1]:  # its course, ten points
        every = max(1, len(sampler.history_) // 10)
        figures["augmentation_probability"] = [
            round(p, 3) for p in sampler.history_[::every, "augmentation_probability"]
        ]
    options = {"scale": scale, "random_state": seed, "n_repeats": args.n_repeats}
    for choice in args.choices + (["second"] if args.also_decay else []):
        synthetic = draw(sampler, choice, len(X), seed)
        figures[choice] = float(discriminative_score(X, synthetic, **options))
        if args.extra_classifiers:
            extra = [
                float(discriminative_score(X, synthetic, scale=scale, random_state=100 + k))
                for k in range(args.extra_classifiers)
            ]
            figures[f"{choice}_extra"] = extra
            figures[f"{choice}_all"] = (args.n_repeats * figures[choice] + sum(extra)) / (
                args.n_repeats + len(extra)
            )
        if choice == args.choices[-1]:
            figures["predictive"] = float(predictive_score(X, synthetic, **options))
    figures["predictive_original"] = float(predictive_score(X, X, **options))
    print(json.dumps({k: v for k, v in figures.items() if k != "fidelity_gap"}), flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sampler", choices=sorted(SAMPLERS), default="timegan")
    parser.add_argument("--data", choices=("sines", "stocks", "energy"), default="sines")
    parser.add_argument("--n-series", type=int, help="first N series of the data set")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument(
        "--n-repeats",
        type=int,
        default=3,
        help="post-hoc scores per sample set, averaged (one is too noisy to rank seeds)",
    )
    parser.add_argument(
        "--extra-classifiers",
        type=int,
        default=0,
        metavar="K",
        help="also score each sample set with K more classifiers and report the mean of all",
    )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--also-decay",
        type=float,
        metavar="D",
        help="also score a second moving average with decay D from the same fit",
    )
    parser.add_argument(
        "--choices",
        nargs="+",
        choices=CHOICES,
        default=list(CHOICES),
        help="the weights to score (the last named also gets the predictive score)",
    )
    parser.add_argument(
        "--cosine-lr",
        action="store_true",
        help="probe: learning rates follow a cosine to zero over each phase's epochs or time",
    )
    parser.add_argument("--json", help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    args.set = dict(parse_setting(item, parser) for item in args.set)
    set_threads(args.threads)
    if args.also_decay:
        keep_second_average(args.also_decay)

    X, scale = load(args.data, random_state=0)
    if args.n_series:
        X = X[: args.n_series]
    print(f"{args.sampler} on {args.data} {X.shape}, settings {args.set}", flush=True)
    runs = [run_seed(args, X, scale, seed) for seed in args.seeds]

    columns = args.choices + (["second"] if args.also_decay else [])
    titles = {"last": "last epoch", "average": "moving average", "best": "best"}
    titles["second"] = f"moving average {args.also_decay}"
    if args.extra_classifiers:
        all_classifiers = args.n_repeats + args.extra_classifiers
        for choice in list(columns):
            columns.append(f"{choice}_all")
            titles[f"{choice}_all"] = f"{titles[choice]}, {all_classifiers} classifiers"
    print()
    print("| seed | " + " | ".join(titles[c] for c in columns) + " | predictive | fit (s) |")
    print("|---" * (len(columns) + 3) + "|")
    for r in runs:
        cells = " | ".join(f"{r[c]:.3f}" for c in columns)
        print(f"| {r['seed']} | {cells} | {r['predictive']:.3f} | {r['fit_seconds']:.0f} |")
    for label, reduce in (("mean", np.mean), ("worst", np.max)):
        cells = " | ".join(f"{reduce([r[c] for r in runs]):.3f}" for c in columns)
        print(f"| {label} | {cells} | {reduce([r['predictive'] for r in runs]):.3f} | |")
    print(f"\nThe predictive score is measured on the {titles[args.choices[-1]]}'s samples.")
    original = np.mean([r["predictive_original"] for r in runs])
    print(f"\nPredictive score of the real data: {original:.3f}.")
    print_machine_and_command(gpu=True)
    if args.json:
        write_json(args.json, {"args": vars(args), "runs": runs}, indent=1, default=str)


if __name__ == "__main__":
    main()
