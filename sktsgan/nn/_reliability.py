"""What the engine needs to survive a long run: the diversity statistic, a forked random
state and atomic, pickle-free checkpoint files (random states as plain values are in
``sktsgan.utils._random``). Torch only."""

from __future__ import annotations

import contextlib
import numbers

import numpy as np
import torch

# series generated (and real series read) per diversity check
DIVERSITY_BATCH = 128
# training updates between two diversity checks at least: on a data set of one or two
# batches, a check every epoch would cost more than the training (a diffusion model
# draws its 128 series in 10 network passes)
DIVERSITY_EVERY = 25


def diversity_ratio(real, fake, mask=None, condition=None):
    """Spread of generated series relative to real ones: 1 matches, 0 is one series.

    The spread is the standard deviation across series at every step and feature,
    averaged over the valid steps (``mask`` ``(batch, time)``) and features; with a
    one-hot ``condition`` ``(batch, n_classes)`` it is taken within each class, so that
    a generator drawing one series per class counts as collapsed. ``fake`` must be
    generated for the same conditions as ``real``. NaN when the real series do not
    vary at all.

    Parameters
    ----------
    real : Tensor of shape (batch, time, features)
        Real series, the reference spread.
    fake : Tensor of shape (batch, time, features)
        Generated series, one for each real series (same condition, same valid steps).
    mask : Tensor of shape (batch, time), default=None
        1 at valid steps, 0 at padding; applies to ``real`` and ``fake`` alike.
        None: every step is valid.
    condition : Tensor of shape (batch, n_classes), default=None
        One-hot class of every series, shared by ``real`` and ``fake``; None: one
        class.

    Returns
    -------
    ratio : Tensor
        A scalar: generated spread divided by real spread.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import diversity_ratio
    >>> real = torch.randn(64, 5, 2, generator=torch.Generator().manual_seed(0))
    >>> float(diversity_ratio(real, 0.5 * real))
    0.5
    >>> float(diversity_ratio(real, real[:1].expand(64, -1, -1)))
    0.0
    """
    if mask is None:
        mask = real.new_ones(real.shape[:2])
    if condition is None:
        condition = real.new_ones(len(real), 1)
    weights = mask.unsqueeze(2) * condition.unsqueeze(1)  # (batch, time, class)
    count = weights.sum(dim=0)  # (time, class)
    spreads = []
    for x in (real, fake):
        mean = torch.einsum("btk,btf->tkf", weights, x) / count.clamp_min(1.0).unsqueeze(2)
        centred = (x.unsqueeze(2) - mean.unsqueeze(0)) ** 2  # (batch, time, class, feature)
        var = torch.einsum("btk,btkf->tkf", weights, centred)
        # unbiased, over the (time, class) cells with two series or more
        var = var / (count - 1).clamp_min(1.0).unsqueeze(2)
        spreads.append((var.sqrt() * (count > 1).unsqueeze(2)).sum())
    real_spread, fake_spread = spreads
    return torch.where(real_spread > 0, fake_spread / real_spread, real_spread * float("nan"))


def evenly_spaced(n, k):
    """Indices of ``min(n, k)`` items spread evenly over ``range(n)``."""
    if n <= k:
        return torch.arange(n)
    return torch.linspace(0, n - 1, k).round().long()


@contextlib.contextmanager
def forked_rng(device):
    """Draw from torch's random state in the block without advancing it after."""
    devices = []
    if torch.device(device).type == "cuda":
        devices = [torch.device(device).index or torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        yield


def plain(value):
    """``value`` as tensors, dicts, lists, numbers and strings only (what
    ``torch.load(weights_only=True)`` reads back); anything else becomes its ``repr``."""
    if isinstance(value, dict):
        # int keys stay (an optimiser's state is keyed by parameter index)
        return {key if isinstance(key, int) else str(key): plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, str, torch.Tensor)):
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Number):
        return value
    return repr(value)
