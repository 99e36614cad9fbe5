"""What every benchmark script shares."""

from __future__ import annotations

import ast
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

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


def machine(gpu=False):
    """A line naming the machine the figures come from.

    System, processor, CPU cores and torch version; with ``gpu``, also the name of
    the first CUDA device where there is one.
    """
    cpu = platform.processor() or platform.machine()
    line = f"{platform.system()} {cpu}, {os.cpu_count()} CPU cores, torch {torch.__version__}"
    if gpu and torch.cuda.is_available():
        line += f", GPU {torch.cuda.get_device_name(0)}"
    return line


def print_machine_and_command(gpu=False):
    """The two closing lines of a report: the machine and torch threads, the command."""
    print(f"Machine: {machine(gpu)}, {torch.get_num_threads()} torch threads.")
    print("Command: python " + " ".join(sys.argv))


def write_json(path, data, indent=2, **options):
    """``data`` as JSON in the file ``path``, making its folder if need be.

    ``options`` go to :func:`json.dumps` (``default=str``, say).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent, **options))


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
