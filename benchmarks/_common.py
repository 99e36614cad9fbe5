"""What every benchmark script shares."""

from __future__ import annotations

import os

import torch


def set_threads(threads):
    """Run torch, inside and outside sktsgan, with ``threads`` threads.

    sktsgan pins its own computations to ``SKTSGAN_NUM_THREADS`` (1 when unset) and
    restores the caller's count after; a benchmark that compares it with plain PyTorch
    must set both.
    """
    os.environ["SKTSGAN_NUM_THREADS"] = str(threads)
    torch.set_num_threads(threads)
