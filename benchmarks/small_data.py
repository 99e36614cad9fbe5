"""Does augmentation help on small, real, labelled data sets? Measure it per task.

Every task is a train/test split of labelled series. For each seed, each method fits
:class:`sktsgan.augment.GANAugmenter` on the training split (``fit_resample``, adding
``--ratio`` synthetic series per real one, in every class) and two downstream
classifiers are fitted on real + synthetic data, then scored on the real test split:

* logistic regression on flattened, standardised series;
* 1-NN with Euclidean distance on flattened series (the classic UCR baseline).

Tasks and where their data come from:

* ``unittest``, ``osuleaf``, ``pickup``: UnitTest (20 train / 22 test, length 24, 2
  classes), OSULeaf (200 / 242, length 427, 6 classes) and PickupGestureWiimoteZ
  (50 / 50, variable length up to 361, 10 classes) from the UCR time series
  classification archive (H. A. Dau et al., "The UCR Time Series Archive", IEEE/CAA
  Journal of Automatica Sinica, 2019), read from ``.npz`` files in ``--ucr-dir``
  (default ``../shared/data/ucr/`` beside the repository; see the README there). They
  are not shipped with sktsgan: without the folder these tasks are skipped.
* ``trace``: Trace from the same archive, the copy bundled with tslearn
  (:func:`sktsgan.datasets.load_trace`; 100 / 100, length 275, 4 classes).
* ``waves``: :func:`sktsgan.datasets.make_waves` with 3 features and noise of standard
  deviation 4 (at the default 0.05 every method scores 1.0), 40 training series
  (``random_state=0``) and 200 test series (``random_state=1``): multivariate, with
  room to gain and to lose.

Methods: ``none`` is real data only; ``gan`` is ``GANAugmenter()``'s default sampler
(``sampler=None``), the method this benchmark judges; ``timewarp`` is
:class:`~sktsgan.augment.TimeWarpSampler`. ``rcgan``, ``timegan``, ``crnngan``,
``diffusion``, ``random``, ``jitter``, ``scaling`` and ``smote`` are the named samplers
with their default settings; ``classwise`` is
:class:`~sktsgan.augment.ClassWiseSampler` at its defaults (one ``DiffusionSampler`` per
class); ``classwise-rcgan`` is one ``RCGANSampler()`` per class. Every sampler is
seeded through the augmenter's ``random_state``.
``none`` always runs: gains are measured against it. Every method but ``none`` also
comes as ``<method>+nearest`` (``gan+nearest``, ``timewarp+nearest``, ...): the same
sampler behind ``GANAugmenter(label_filter="nearest")``, which keeps only the synthetic
series whose nearest real training series has their label. ``--quick`` trains the GANs for
2 epochs (the default sampler, one ``DiffusionSampler()`` per class for these labelled
sets, is made explicit with ``n_epochs=2``): a smoke test, not a result.

Variable-length series (PickupGestureWiimoteZ) are NaN-padded at the end, and the
augmenter gets them so, as a user would pass them. The classifiers start with
``SeriesFlattener(resample=True)``, which resamples every series (real or synthetic,
each over its own length) to the longest training length by linear interpolation, so
they see finite rows of one width; series of equal length pass unchanged.

Per task, the tables give test accuracy (mean ± std over the seeds, and the worst seed)
and the gain over ``none`` in accuracy points (mean, and the worst seed's paired gain).
The summary counts, per method, the tasks on which it is (a) never more than 1 point
below real data alone and (b) at least as good as time warping, both on the mean over
seeds and for both classifiers. A method that fails on a task (SMOTE needs series of one
length, so it fails on ``pickup``) is reported as failed, with its error in the log and
the JSON, and counts as a loss in the summary.

Example
-------
    OMP_NUM_THREADS=1 python benchmarks/small_data.py --seeds 0 1 2 \\
        --methods none gan timewarp --json out/small_data.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import machine, parse_setting, set_threads, write_json
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktsgan import CRNNGANSampler, DiffusionSampler, RCGANSampler, TimeGANSampler
from sktsgan.augment import (
    ClassWiseSampler,
    GANAugmenter,
    JitterSampler,
    RandomSeriesSampler,
    ScalingSampler,
    SMOTESampler,
    TimeWarpSampler,
    VariationSampler,
)
from sktsgan.datasets import load_trace, make_waves
from sktsgan.preprocessing import SeriesFlattener

UCR_DIR = Path(__file__).resolve().parents[1].parent / "shared/data/ucr"
UCR_FILES = {
    "unittest": "UnitTest.npz",
    "osuleaf": "OSULeaf.npz",
    "pickup": "PickupGestureWiimoteZ.npz",
}
TASKS = [*UCR_FILES, "trace", "waves"]
# noise of the waves task: real-only accuracy 0.98 (logistic) and 0.92 (1-NN)
WAVES_NOISE = 4.0

# name -> factory of the sampler given to GANAugmenter; "none" (no factory) is no
# augmentation, and "gan" builds None: GANAugmenter's own default sampler.
METHODS = {
    "none": None,
    "gan": lambda: None,
    "timewarp": TimeWarpSampler,
    "rcgan": RCGANSampler,
    "timegan": TimeGANSampler,
    "crnngan": CRNNGANSampler,
    "diffusion": DiffusionSampler,
    "classwise": ClassWiseSampler,
    # training series varied by a diffusion model of their class (SDEdit)
    "variation": VariationSampler,
    # one RCGAN per class: the discriminator sees 5-33 series, where augmenting what it
    # sees (discriminator_augmentation) is meant to help
    "classwise-rcgan": lambda: ClassWiseSampler(RCGANSampler()),
    "random": RandomSeriesSampler,
    "jitter": JitterSampler,
    "scaling": ScalingSampler,
    "smote": SMOTESampler,
}
# "<method>+nearest": the same sampler behind GANAugmenter(label_filter="nearest"), which
# keeps only the draws whose nearest real training series has their label
METHODS.update({f"{name}+nearest": METHODS[name] for name in list(METHODS) if name != "none"})
QUICK_EPOCHS = 2

# resample=True: ragged (NaN-padded) series become finite rows of the training length
CLASSIFIERS = {
    "logistic": make_pipeline(
        SeriesFlattener(resample=True), StandardScaler(), LogisticRegression(max_iter=2000)
    ),
    "1-NN": make_pipeline(SeriesFlattener(resample=True), KNeighborsClassifier(n_neighbors=1)),
}


def load_task(name, ucr_dir):
    """``X_train, y_train, X_test, y_test`` of a task; FileNotFoundError without the data."""
    if name in UCR_FILES:
        with np.load(Path(ucr_dir) / UCR_FILES[name], allow_pickle=False) as data:
            return tuple(data[key] for key in ("X_train", "y_train", "X_test", "y_test"))
    if name == "trace":
        return load_trace(split="all")
    X_train, y_train = make_waves(40, n_features=3, noise=WAVES_NOISE, random_state=0)
    X_test, y_test = make_waves(200, n_features=3, noise=WAVES_NOISE, random_state=1)
    return X_train, y_train, X_test, y_test


def make_sampler(method, quick, settings=None):
    """A fresh sampler for ``method``; GAN epochs cut to QUICK_EPOCHS when ``quick``.

    ``settings`` (``--set``) go to every generative sampler that has such parameters: to
    the per-class sampler of a :class:`~sktsgan.augment.ClassWiseSampler`, to the
    sampler itself otherwise; the cheap transforms take none.
    """
    sampler = METHODS[method]()
    if quick or settings:
        # GANAugmenter's default for labelled series without attributes
        sampler = ClassWiseSampler() if sampler is None else sampler
        if isinstance(sampler, (ClassWiseSampler, VariationSampler)) and sampler.sampler is None:
            sampler.set_params(sampler=DiffusionSampler())  # its default, made explicit
    params = sampler.get_params() if sampler is not None else {}
    wanted = {"n_epochs": QUICK_EPOCHS} if quick else {}
    wanted.update(settings or {})
    for name, value in wanted.items():
        for key in (name, f"sampler__{name}"):
            if key in params:
                sampler.set_params(**{key: value})
    return sampler


def run_one(method, data, ratio, seed, quick, settings=None):
    """Test accuracy of each classifier, augmentation seconds, synthetic count, share kept."""
    X_train, y_train, X_test, y_test = data
    start = time.perf_counter()
    if METHODS[method] is None:
        X_fit, y_fit, n_synthetic, kept = X_train, y_train, 0, 1.0
    else:
        augmenter = GANAugmenter(
            make_sampler(method, quick, settings),
            synthetic_ratio=ratio,
            label_filter="nearest" if method.endswith("+nearest") else None,
            random_state=seed,
        )
        X_fit, y_fit = augmenter.fit_resample(X_train, y_train)
        n_synthetic, kept = augmenter.n_synthetic_, augmenter.filter_acceptance_
    seconds = time.perf_counter() - start
    scores = {
        name: float(clone(model).fit(X_fit, y_fit).score(X_test, y_test))
        for name, model in CLASSIFIERS.items()
    }
    return scores, seconds, n_synthetic, kept


def describe(name, data):
    X_train, y_train, X_test, _ = data
    lengths = (~np.isnan(X_train).all(axis=2)).sum(axis=1)
    length = (
        f"length {lengths.max()}"
        if lengths.min() == lengths.max()
        else f"length {lengths.min()}-{lengths.max()} (NaN-padded)"
    )
    return (
        f"{name}: {len(X_train)} train / {len(X_test)} test series, {length}, "
        f"{X_train.shape[2]} feature(s), {len(np.unique(y_train))} classes"
    )


def accuracies(results, task, method, name):
    """Accuracy of classifier ``name`` per seed, in seed order."""
    rows = sorted(
        (r for r in results if r["task"] == task and r["method"] == method),
        key=lambda r: r["seed"],
    )
    return np.array([np.nan if r[name] is None else r[name] for r in rows])


def task_table(results, task, methods):
    """Markdown table of one task; {(method, classifier): mean accuracy}."""
    means = {}
    lines = [
        "| method | classifier | accuracy (mean ± std) | worst seed | gain, pts (mean) "
        "| gain, pts (worst seed) | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for method in methods:
        rows = [r for r in results if r["task"] == task and r["method"] == method]
        failed = sum("error" in r for r in rows)
        seconds = np.mean([r["seconds"] for r in rows if "error" not in r] or [np.nan])
        for name in CLASSIFIERS:
            acc = accuracies(results, task, method, name)
            if failed:  # NaN mean: counts as a loss in the summary
                means[method, name] = np.nan
                lines.append(
                    f"| {method} | {name} | failed on {failed}/{len(rows)} seeds "
                    "(see the log) | – | – | – | – |"
                )
                continue
            gain = 100 * (acc - accuracies(results, task, "none", name))
            means[method, name] = acc.mean()
            gains = "– | –" if method == "none" else f"{gain.mean():+.1f} | {gain.min():+.1f}"
            lines.append(
                f"| {method} | {name} | {acc.mean():.3f} ± {acc.std():.3f} | {acc.min():.3f} "
                f"| {gains} | {seconds:.1f} |"
            )
    print("\n".join(lines))
    return means


def summary(means, tasks, methods):
    """Per method: tasks within 1 point of real-only, and tasks at least as good as timewarp."""
    lines = []
    for method in methods:
        if method == "none":
            continue
        parts = []
        for label, reference, slack in (
            ("within 1 pt of none", "none", 0.01),
            ("≥ timewarp", "timewarp", 0.0),
        ):
            if reference not in methods or method == reference:
                continue
            ok = {
                name: {
                    task
                    for task in tasks
                    if means[task][method, name] >= means[task][reference, name] - slack - 1e-9
                }
                for name in CLASSIFIERS
            }
            both = set.intersection(*ok.values())
            each = ", ".join(f"{name} {len(ok[name])}/{len(tasks)}" for name in CLASSIFIERS)
            parts.append(f"{label} on {len(both)}/{len(tasks)} tasks ({each})")
        lines.append(f"- {method}: " + "; ".join(parts))
    print("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=TASKS)
    parser.add_argument(
        "--methods", nargs="+", choices=list(METHODS), default=["none", "gan", "timewarp"]
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--ratio", type=float, default=1.0, help="synthetic series per real")
    parser.add_argument("--ucr-dir", default=str(UCR_DIR), help="folder of the UCR .npz files")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument(
        "--quick", action="store_true", help=f"GANs train {QUICK_EPOCHS} epochs (smoke test)"
    )
    parser.add_argument(
        "--set",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="generative samplers' parameters to override, values as Python literals "
        "(prediction='velocity')",
    )
    parser.add_argument("--json", help="also write the raw per-seed results to this JSON file")
    args = parser.parse_args(argv)
    args.set = dict(parse_setting(item, parser) for item in args.set)
    set_threads(args.threads)
    methods = ["none", *(m for m in dict.fromkeys(args.methods) if m != "none")]
    print(f"Machine: {machine()}, {torch.get_num_threads()} torch threads")
    print("Command: python " + " ".join(sys.argv))
    print()

    tasks, skipped, results = [], [], []
    for task in dict.fromkeys(args.tasks):
        try:
            data = load_task(task, args.ucr_dir)
        except FileNotFoundError:
            if task not in UCR_FILES:
                raise
            skipped.append(task)
            print(
                f"Skipping {task}: {UCR_FILES[task]} is not in {args.ucr_dir}. It comes from "
                "the UCR time series classification archive (Dau et al. 2019); pass "
                "--ucr-dir with the folder of its .npz file."
            )
            continue
        tasks.append(task)
        print(describe(task, data), flush=True)
        for seed in args.seeds:
            for method in methods:
                row = {"task": task, "method": method, "seed": seed, "n_train": len(data[0])}
                try:
                    scores, seconds, n_synthetic, kept = run_one(
                        method, data, args.ratio, seed, args.quick, args.set
                    )
                except Exception as exc:  # a method that cannot do a task is a result too
                    error = f"{type(exc).__name__}: {exc}"
                    results.append({**row, "error": error, **dict.fromkeys(CLASSIFIERS)})
                    print(f"  seed {seed}, {method:>9}: FAILED, {error}", flush=True)
                    continue
                results.append(
                    {**row, "seconds": seconds, "n_synthetic": n_synthetic, "kept": kept, **scores}
                )
                shown = ", ".join(f"{name} {score:.3f}" for name, score in scores.items())
                filtered = f", {kept:.0%} of draws kept" if kept < 1 else ""
                print(
                    f"  seed {seed}, {method:>9}: {shown} ({seconds:.1f} s{filtered})", flush=True
                )

    means = {}
    for task in tasks:
        print(f"\n{task}: test accuracy over {len(args.seeds)} seed(s)\n")
        means[task] = task_table(results, task, methods)
    if tasks:
        print(f"\nSummary over {len(tasks)} task(s), mean over seeds, both classifiers:\n")
        summary(means, tasks, methods)
    if args.quick:
        print(f"\n--quick: GANs trained {QUICK_EPOCHS} epochs; a smoke test, not a result.")
    if args.json:
        write_json(
            args.json,
            {
                "args": vars(args),
                "machine": f"{machine()}, {torch.get_num_threads()} torch threads",
                "skipped": skipped,
                "results": results,
            },
        )


if __name__ == "__main__":
    main()
