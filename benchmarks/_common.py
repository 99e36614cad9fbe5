"""What every benchmark script shares."""

from __future__ import annotations

import ast
import math
import os
import time

import numpy as np
import torch
from skorch.callbacks import Callback


def set_threads(threads):
    """Run torch, inside and outside sktsgan, with ``threads`` threads.

    sktsgan pins its own computations to ``SKTSGAN_NUM_THREADS`` (1 when unset) and
    restores the caller's count after; a benchmark that compares it with plain PyTorch
    must set both. BLAS libraries get the same count for the whole process (the
    compiled GRU kernels multiply through SciPy's BLAS, which ``fit`` pins but a
    benchmark that calls the engine directly does not).
    """
    import scipy.linalg  # noqa: F401  (loads SciPy's BLAS, so that the limit reaches it)
    from threadpoolctl import threadpool_limits

    os.environ["SKTSGAN_NUM_THREADS"] = str(threads)
    torch.set_num_threads(threads)
    threadpool_limits(threads, user_api="blas")


def print_mean_and_worst(runs, keys, lower_is_better=()):
    """A markdown table of each figure's mean over seeds and its worst seed.

    ``runs`` holds one dict of figures per seed; the worst of a figure in
    ``lower_is_better`` is its largest value, of any other its smallest.
    """
    print()
    print("| figure | mean | worst seed |")
    print("|---|---|---|")
    for key in keys:
        values = np.array([run[key] for run in runs], dtype=float)
        worst = values.max() if key in lower_is_better else values.min()
        print(f"| {key} | {values.mean():.3f} | {worst:.3f} |")


def parse_setting(item, parser):
    """``"name=value"`` as ``(name, value)``, the value read as a Python literal."""
    name, sep, text = item.partition("=")
    if not sep or not name:
        parser.error(f"--set takes NAME=VALUE, got {item!r}")
    try:
        return name, ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return name, text  # a bare word such as cell=lstm


class BudgetCosineLR(Callback):
    """A skorch callback: every optimiser's learning rate follows a cosine to zero.

    Progress through the current phase is the larger of its share of epochs done and
    its share of the ``max_time`` budget used, so a time-bounded fit ends its schedule
    when its time runs out. A probe for benchmarks, not (yet) a library feature.
    """

    def on_epoch_begin(self, net, **kwargs):
        progress = net.position_[1] / max(1, net.max_epochs)
        deadlines = getattr(net, "_deadlines", None)
        deadline = deadlines[net._phase_index] if deadlines else None
        if deadline is not None:
            budget = max(1e-9, deadline - net._phase_started)
            progress = max(progress, (time.monotonic() - net._phase_started) / budget)
        factor = 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
        for name in vars(net):
            if name.startswith("optimizer_") and name.endswith("_"):
                for group in getattr(net, name).param_groups:
                    group.setdefault("initial_lr", group["lr"])
                    group["lr"] = group["initial_lr"] * factor
