"""Which weights a trained GAN samples with: an average of the generator's recent
weights, and the best of them by a cheap fidelity check made during training.

Torch only. The engine keeps both copies inside its module (so that snapshots,
checkpoints, pickles and model files carry them with no code of their own), updates the
average after every batch and scores the copy it would sample with every few epochs of
the last phase.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

# Updates over which the average warms up: the decay of update t is
# min(decay, (1 + t) / (_WARMUP + t)), so that early weights fade fast.
_WARMUP = 10.0
# The generated-vs-real neighbour check reads at most this many real series, and draws
# fakes in rounds until it has compared at least _MIN_COMPARED pairs.
MAX_REAL = 512
_MIN_COMPARED = 256
# A class's one-hot code is scaled by this in the neighbour features, so that a series'
# nearest neighbour is always of its own class (values are in [0, 1]).
_CLASS_SEPARATION = 1e3


class SamplingWeights(nn.Module):
    """The copies of a model's networks that sampling uses.

    ``average``: an exponential moving average of the model's weights (the generator's
    "EMA", Karras et al. 2018; Yazıcı et al. 2019), updated by :meth:`update` after
    every training batch. ``best``: the latest copy that :meth:`consider` found within
    the check's noise of the lowest score seen (``lowest_score``), from the epoch in
    the buffer ``best_epoch`` (-1 until a first score).

    Written here rather than with :class:`torch.optim.swa_utils.AveragedModel`: that
    keeps its averaging function as an attribute (a closure for EMA, which pickle
    refuses), has no warm-up, and the copies must sit inside the engine's module so
    that every saved state carries them.

    Parameters
    ----------
    networks : nn.Module
        The model's networks; copied, never changed.
    decay : float or None
        Decay of the average per update; ``None`` keeps no average (the engine then
        :meth:`reset` s ``average`` to the weights before each check).

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn._selection import SamplingWeights
    >>> net = torch.nn.Linear(1, 1, bias=False)
    >>> copies = SamplingWeights(net, decay=0.5)
    >>> with torch.no_grad():
    ...     _ = net.weight.add_(1.0)
    >>> before = float(copies.average.weight)
    >>> copies.update(list(net.parameters()), [])  # first update: decay min(0.5, 1 / 10)
    >>> round(float(copies.average.weight) - before, 2)
    0.9
    """

    def __init__(self, networks, decay):
        super().__init__()
        self.decay = decay
        self.average = copy.deepcopy(networks).requires_grad_(False)
        self.best = copy.deepcopy(networks).requires_grad_(False)
        self.register_buffer("n_averaged", torch.zeros((), dtype=torch.long))
        self.register_buffer("lowest_score", torch.full((), math.inf))
        self.register_buffer("best_epoch", torch.full((), -1, dtype=torch.long))

    @torch.no_grad()
    def reset(self, parameters, buffers):
        """Start the average afresh from the networks' ``parameters`` and ``buffers``."""
        _copy_tensors(self.average, parameters, buffers)
        self.n_averaged.zero_()

    @torch.no_grad()
    def update(self, parameters, buffers):
        """Move the average towards the networks' current ``parameters``."""
        t = float(self.n_averaged)
        decay = min(self.decay, (1.0 + t) / (_WARMUP + t))
        averaged = list(self.average.parameters())
        torch._foreach_lerp_(averaged, [p.detach() for p in parameters], 1.0 - decay)
        for mine, theirs in zip(self.average.buffers(), buffers):
            mine.copy_(theirs)
        self.n_averaged += 1

    @torch.no_grad()
    def consider(self, score, epoch, tolerance=0.0):
        """Keep ``average`` as ``best`` if ``score`` is within ``tolerance`` of the lowest.

        ``tolerance`` is the noise of the score: a later copy that scores no worse
        than that is kept, as it has trained longer. When every check scores about the
        same (a strict check that finds every copy separable), the last copy is kept
        rather than the luckiest draw; a copy clearly better than the later ones (the
        generator collapsed or drifted after it) stays.
        """
        self.lowest_score.fill_(min(float(self.lowest_score), score))
        if score <= float(self.lowest_score) + tolerance:
            _copy_tensors(self.best, list(self.average.parameters()), list(self.average.buffers()))
            self.best_epoch.fill_(epoch)
            return True
        return False


def _copy_tensors(target, parameters, buffers):
    for mine, theirs in zip(target.parameters(), parameters, strict=True):
        mine.copy_(theirs.detach())
    for mine, theirs in zip(target.buffers(), buffers, strict=True):
        mine.copy_(theirs)


def neighbour_features(x, mask=None, condition=None):
    """Flat features of series for a nearest-neighbour check: values and differences.

    ``x`` ``(batch, time, features)`` (or rows ``(batch, features)``) in the training
    scale; the step-to-step differences make noise and jumps count as much as levels.
    Padding (``mask`` 0) is zeroed; a one-hot ``condition`` is appended far apart, so
    that neighbours are always of the same class.
    """
    if x.dim() == 2:
        x = x.unsqueeze(1)
    if mask is not None:
        x = x * mask.unsqueeze(2)
    parts = [x.flatten(1)]
    if x.shape[1] > 1:
        steps = x[:, 1:] - x[:, :-1]
        if mask is not None:
            steps = steps * mask[:, 1:].unsqueeze(2)
        parts.append(steps.flatten(1))
    if condition is not None:
        parts.append(condition * _CLASS_SEPARATION)
    return torch.cat(parts, dim=1)


def nearest_neighbour_accuracy(real, fake):
    """Leave-one-out 1-nearest-neighbour accuracy at telling ``real`` from ``fake`` rows.

    The classifier two-sample test of Lopez-Paz and Oquab (ICLR 2017) with a 1-NN
    classifier, as Xu et al. (2018) use it to evaluate GANs: 0.5 when the two sets are
    indistinguishable, 1 when every point's nearest neighbour is from its own set
    (collapsed, or off the data), below 0.5 when fakes copy real points. Balanced over
    the two sets.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn._selection import nearest_neighbour_accuracy
    >>> real = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    >>> float(nearest_neighbour_accuracy(real, real + 100.0))
    1.0
    """
    points = torch.cat([real, fake])
    distances = torch.cdist(points, points)
    distances.fill_diagonal_(math.inf)
    nearest = distances.argmin(dim=1)
    n_real = len(real)
    is_real = torch.arange(len(points), device=points.device) < n_real
    correct = (is_real[nearest] == is_real).float()
    return 0.5 * (correct[:n_real].mean() + correct[n_real:].mean())


def fidelity_gap(module, tensors, index):
    """``|1-NN two-sample accuracy - 0.5|`` of ``module``'s samples against real series,
    and its standard error.

    0 when generated series are as close to the real ones (``tensors`` rows ``index``,
    with their masks and classes) as the real ones are to each other, 0.5 when every
    series' nearest neighbour is of its own kind: generated series far from the data,
    collapsed onto a few, or copies of training series. On the scale of the TimeGAN
    paper's discriminative score, and cheap enough to run every few epochs. Fakes are
    drawn for the same classes and lengths as the real series, in rounds until
    ``_MIN_COMPARED`` pairs have been compared (the mean over rounds is returned).
    The standard error is that of an accuracy over all the series classified,
    ``0.5 / sqrt(n)`` at most. Call it in inference mode, under a forked random state.
    """
    x = tensors["x"][index]
    mask = tensors.get("mask")
    mask = None if mask is None or x.dim() == 2 else mask[index]
    condition, classes = (tensors.get(key) for key in ("condition", "classes"))
    condition = None if condition is None else condition[index]
    classes = None if classes is None else classes[index]
    real = neighbour_features(x, mask, classes)
    n_rounds = max(1, math.ceil(_MIN_COMPARED / len(x)))
    total = 0.0
    for _ in range(n_rounds):
        if x.dim() == 3:
            fake = module.generate(len(x), x.shape[1], condition)
        else:
            fake = module.generate(len(x), condition)
        total += float(nearest_neighbour_accuracy(real, neighbour_features(fake, mask, classes)))
    n_classified = 2 * len(x) * n_rounds
    return abs(total / n_rounds - 0.5), 0.5 / math.sqrt(n_classified)
