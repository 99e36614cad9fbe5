"""Differentiable augmentation of what a discriminator sees, with an adaptive strength.

A discriminator trained on a few dozen series learns them by heart; its verdict then
says "not one of those", and the generator, chasing it, learns nothing general. The
remedy of DiffAugment (Zhao et al., 2020) is to show the discriminator every series,
real and generated, through random transformations that are differentiable, so that
the generator's gradient flows back through them; ADA (Karras et al., 2020) sets how
often each transformation applies from a sign of over-fitting. Written here for series
``(batch, time, features)``: jitter, scaling, magnitude warping, a time shift and
cutout, the transformations of time-series augmentation (Um et al., 2017), each applied
to a series with probability ``p``.

Because real and generated series go through the same random transformations, the
distribution the generator must match is the real one seen through them; transformations
that can be undone in distribution (none of these changes what a series is, only how it
looks) do not leak into the samples, which are drawn without any.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._losses import masked_mean

# the submodule of an engine's networks that holds the augmentation (see AdversarialNet)
AUGMENTATION = "discriminator_augmentation"

# the transformations' strengths, for values scaled to [0, 1]
JITTER = 0.03  # standard deviation of the noise added to every value
SCALING = 0.1  # standard deviation of a series' log scale factor, per feature
WARP = 0.1  # standard deviation of the smooth multiplicative curve's knots
WARP_KNOTS = 4
SHIFT = 1 / 8  # largest time shift, a fraction of the series' length
CUTOUT = 1 / 4  # length of the zeroed window, a fraction of the series' length

# ADA's rule: every ADJUST_EVERY discriminator updates, move p by ADJUST_EVERY /
# ADJUST_UPDATES towards keeping the mean sign of the real scores at TARGET
TARGET = 0.6
ADJUST_EVERY = 4
ADJUST_UPDATES = 200  # updates for p to go from 0 to 1; ADA's 500k images are far more
# than a small data set's whole run


class DiscriminatorAugmentation(nn.Module):
    """Random differentiable transformations of series, each with probability ``p``.

    In training mode, :meth:`forward` transforms each series of a batch independently:
    with probability ``p`` each, it adds jitter, scales each feature, multiplies by a
    smooth random curve (magnitude warping), shifts the series in time (repeating its
    first or last valid value) and zeroes a window of a quarter of its length
    (cutout). In evaluation mode, it returns its input. Padding steps are left as they
    were, shifts and cutouts stay inside each series' valid steps, and the random
    draws are the same whatever ``p``, so a run's random stream does not depend on it.

    Parameters
    ----------
    probability : float or "adaptive", default="adaptive"
        ``p``; "adaptive" starts at 0 and follows ADA's rule: after every
        ``ADJUST_EVERY`` discriminator updates reported to :meth:`observe`, ``p`` rises
        if the mean sign of the discriminator's scores of real series was above 0.6
        (it tells the training series apart too confidently) and falls otherwise, by
        as much as would take it from 0 to 1 in ``ADJUST_UPDATES`` updates.

    Attributes
    ----------
    probability : Tensor
        The current ``p`` (a buffer, so checkpoints and model files keep it).

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn._augmentation import DiscriminatorAugmentation
    >>> augment = DiscriminatorAugmentation(probability=1.0)
    >>> x, mask = torch.rand(8, 24, 2), torch.ones(8, 24)
    >>> augment(x, mask).shape
    torch.Size([8, 24, 2])
    >>> bool((augment.eval()(x, mask) == x).all())
    True
    """

    def __init__(self, probability="adaptive"):
        super().__init__()
        self.adaptive = probability == "adaptive"
        start = 0.0 if self.adaptive else float(probability)
        self.register_buffer("probability", torch.tensor(start))
        self.register_buffer("sign_total", torch.zeros(()))
        self.register_buffer("n_observed", torch.zeros((), dtype=torch.long))

    def forward(self, x, mask):
        """Transform ``x`` of shape ``(n, t, f)``; ``mask`` ``(n, t)`` marks valid steps."""
        if not self.training:
            return x
        n, t, f = x.shape
        options = {"device": x.device, "dtype": x.dtype}

        def chosen(*shape):  # 1.0 for the series a transformation applies to
            return (torch.rand(n, *shape, **options) < self.probability).to(x.dtype)

        out = x + chosen(1, 1) * JITTER * torch.randn_like(x)
        scale = torch.exp(SCALING * torch.randn(n, 1, f, **options))
        out = out * (1.0 + chosen(1, 1) * (scale - 1.0))
        knots = WARP * torch.randn(n, f, WARP_KNOTS, **options)
        curve = F.interpolate(knots, size=t, mode="linear", align_corners=True)
        out = out * (1.0 + chosen(1, 1) * curve.transpose(1, 2))

        lengths = (mask > 0).sum(1).clamp(min=1).unsqueeze(1)  # (n, 1)
        steps = torch.arange(t, device=x.device).unsqueeze(0)
        largest = max(1, int(t * SHIFT))
        shift = torch.randint(-largest, largest + 1, (n, 1), device=x.device)
        source = (steps - shift * chosen(1).long()).clamp(min=0)
        source = torch.minimum(source, lengths - 1)
        out = out.gather(1, source.unsqueeze(2).expand(n, t, f))

        width = max(1, int(t * CUTOUT))
        room = (lengths - width + 1).clamp(min=1)
        start = (torch.rand(n, 1, **options) * room).long()
        window = ((steps >= start) & (steps < start + width)).to(x.dtype)
        out = out * (1.0 - chosen(1) * window).unsqueeze(2)
        return torch.where(mask.unsqueeze(2) > 0, out, x)

    @torch.no_grad()
    def observe(self, real_scores, mask, centre=0.0):
        """Report a discriminator update's scores of real series; adapts ``p`` (ADA).

        Does nothing unless adaptive and in training mode. Works on the device, with no
        host synchronisation.

        Parameters
        ----------
        real_scores : Tensor of shape (n, t)
            The discriminator's scores of the (augmented) real series of the update.
        mask : Tensor of shape (n, t)
            Which scores count.
        centre : float or Tensor, default=0.0
            The score that means "undecided": 0 for logits; a critic's scores have no
            such point, and a Wasserstein loss passes the mean score of the fakes.
        """
        if not (self.adaptive and self.training):
            return
        self.sign_total += masked_mean(torch.sign(real_scores - centre), mask)
        self.n_observed += 1
        due = (self.n_observed % ADJUST_EVERY == 0).to(self.probability.dtype)
        mean_sign = self.sign_total / ADJUST_EVERY
        step = torch.sign(mean_sign - TARGET) * (ADJUST_EVERY / ADJUST_UPDATES)
        self.probability.add_(due * step).clamp_(0.0, 1.0)
        self.sign_total.mul_(1.0 - due)

    def extra_repr(self):
        return (
            "probability='adaptive'"
            if self.adaptive
            else f"probability={float(self.probability):g}"
        )


def augment_for_discriminator(networks, x, mask):
    """``x`` as the discriminator of ``networks`` sees it in training.

    Through the networks' :class:`DiscriminatorAugmentation` if the engine gave them
    one (``AdversarialNet(discriminator_augmentation=...)``), else unchanged.

    Parameters
    ----------
    networks : nn.Module
        An engine's networks.
    x : Tensor of shape (n, t, f)
        Series, real or generated (or several stacked).
    mask : Tensor of shape (n, t)
        Their valid steps.

    Returns
    -------
    Tensor of shape (n, t, f)

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn._augmentation import augment_for_discriminator
    >>> x = torch.rand(2, 5, 1)
    >>> augment_for_discriminator(torch.nn.Module(), x, torch.ones(2, 5)) is x
    True
    """
    augmentation = getattr(networks, AUGMENTATION, None)
    return x if augmentation is None else augmentation(x, mask)


def observe_real_scores(networks, real_scores, mask, fake_scores=None):
    """Report real scores to the networks' adaptive augmentation, if they have one.

    See :meth:`DiscriminatorAugmentation.observe`; does nothing (and computes nothing)
    without one.

    Parameters
    ----------
    networks : nn.Module
        An engine's networks.
    real_scores : Tensor of shape (n, t)
        The discriminator's scores of augmented real series.
    mask : Tensor of shape (n, t)
        Which scores count.
    fake_scores : Tensor of shape (n, t), default=None
        For a critic, whose scores have no undecided point: its scores of the fakes,
        whose mean is taken as that point. None: the scores are logits (undecided
        at 0).

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn._augmentation import observe_real_scores
    >>> observe_real_scores(torch.nn.Module(), torch.zeros(2, 5), torch.ones(2, 5))
    """
    augmentation = getattr(networks, AUGMENTATION, None)
    if augmentation is None:
        return
    centre = 0.0 if fake_scores is None else masked_mean(fake_scores.detach(), mask)
    augmentation.observe(real_scores.detach(), mask, centre)
