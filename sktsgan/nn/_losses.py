"""GAN and VAE losses: pure functions on tensors.

Scores are ``(batch, time)`` (one per step, as RCGAN's discriminator gives) and ``mask``
is a float ``(batch, time)`` tensor, 1 on valid steps and 0 on padding. A tabular
critic scores each row once: its scores and mask are ``(batch, 1)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._fused_gru import native_recurrence


def masked_mean(values, mask):
    """Mean of ``values`` over the steps where ``mask`` is 1.

    Parameters
    ----------
    values : Tensor of shape (batch, time)
        Per-step values, such as losses or scores.
    mask : Tensor of shape (batch, time)
        1.0 at valid steps, 0.0 on padding; a float weight in general.

    Returns
    -------
    Tensor
        A scalar: ``sum(values * mask) / sum(mask)``, 0 when ``mask`` is all 0.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import masked_mean
    >>> masked_mean(torch.tensor([[1.0, 3.0, 100.0]]), torch.tensor([[1.0, 1.0, 0.0]]))
    tensor(2.)
    """
    return (values * mask).sum() / mask.sum().clamp_min(1.0)


def bce_discriminator_loss(real_logits, fake_logits, mask):
    """Binary cross-entropy of a discriminator labelling real 1 and fake 0, per step.

    Parameters
    ----------
    real_logits, fake_logits : Tensor of shape (batch, time)
        The discriminator's logits for real and for generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: the masked mean cross-entropy on real plus that on fake.
    """
    real = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits), reduction="none"
    )
    fake = F.binary_cross_entropy_with_logits(
        fake_logits, torch.zeros_like(fake_logits), reduction="none"
    )
    return masked_mean(real, mask) + masked_mean(fake, mask)


def bce_generator_loss(fake_logits, mask):
    """Non-saturating generator loss: cross-entropy of fakes against the label real.

    Parameters
    ----------
    fake_logits : Tensor of shape (batch, time)
        The discriminator's logits for generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: the masked mean cross-entropy.
    """
    loss = F.binary_cross_entropy_with_logits(
        fake_logits, torch.ones_like(fake_logits), reduction="none"
    )
    return masked_mean(loss, mask)


def wasserstein_critic_loss(real_scores, fake_scores, mask):
    """Critic side of the Wasserstein loss (Arjovsky et al. 2017): fake minus real.

    Parameters
    ----------
    real_scores, fake_scores : Tensor of shape (batch, time)
        The critic's scores of real and of generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: the masked mean score of fakes minus that of real series.
    """
    return masked_mean(fake_scores, mask) - masked_mean(real_scores, mask)


def wasserstein_generator_loss(fake_scores, mask):
    """Generator side of the Wasserstein loss: minus the critic's score of fakes.

    Parameters
    ----------
    fake_scores : Tensor of shape (batch, time)
        The critic's scores of generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: minus the masked mean score.
    """
    return -masked_mean(fake_scores, mask)


def gradient_penalty(critic, real, fake, mask):
    """WGAN-GP penalty (Gulrajani et al. 2017) on points between real and fake.

    ``critic`` maps ``(batch, time, features)`` to per-step scores ``(batch, time)``;
    each series' score is its mean over valid steps, and the penalty pushes the norm of
    its gradient (over all steps and features) towards 1. A tabular critic maps rows
    ``(batch, features)`` to ``(batch, 1)``, with a ``(batch, 1)`` mask of ones.

    Parameters
    ----------
    critic : callable
        The critic (a module, or any function of a tensor that autograd can
        differentiate twice).
    real, fake : Tensor of shape (batch, time, features)
        Real and generated series (rows ``(batch, features)`` for a tabular critic);
        each pair is joined at a uniformly drawn point of the line between them.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: the mean over series of ``(gradient norm - 1) ** 2``.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import gradient_penalty
    >>> critic = lambda x: 2.0 * x.sum(dim=2)  # gradient norm 2 * sqrt(time * features)
    >>> real, fake = torch.zeros(3, 4, 1), torch.ones(3, 4, 1)
    >>> gradient_penalty(critic, real, fake, torch.ones(3, 4))  # (2 * 2 / 4 - 1) ** 2
    tensor(0.)
    """
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)  # series or rows
    weight = torch.rand(shape, device=real.device, dtype=real.dtype)
    between = (weight * real + (1 - weight) * fake).requires_grad_(True)
    # cuDNN's recurrent kernels and the fused CPU GRU have no double backward, which
    # this penalty needs.
    with torch.backends.cudnn.flags(enabled=False), native_recurrence():
        scores = critic(between)
    per_series = (scores * mask).sum(dim=1) / mask.sum(dim=1).clamp_min(1.0)
    (grad,) = torch.autograd.grad(per_series.sum(), between, create_graph=True)
    norms = grad.flatten(1).norm(dim=1)
    return ((norms - 1.0) ** 2).mean()


def moment_loss(real, fake, mask, condition=None):
    """L1 distance between the batch mean and std of real and fake, per step and feature.

    TimeGAN's "moments" loss (Yoon et al., 2019), a cheap pull against mode collapse.
    With a one-hot ``condition`` ``(batch, n_classes)`` the moments are taken within
    each class, so that every class keeps its own spread.

    Parameters
    ----------
    real, fake : Tensor of shape (batch, time, features)
        Real and generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.
    condition : Tensor of shape (batch, n_classes), default=None
        One-hot class of each series; None: one class.

    Returns
    -------
    Tensor
        A scalar: the mean, over features and the steps and classes present, of the
        absolute gaps between the means and between the standard deviations.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import moment_loss
    >>> real = torch.tensor([[[0.0], [2.0]], [[2.0], [4.0]]])
    >>> moment_loss(real, real + 1.0, torch.ones(2, 2))
    tensor(1.)
    """
    weights, count, safe = _class_weights(real, mask, condition)
    moments = []
    for x in (real, fake):
        mean, centred = _class_centred(x, weights, safe)
        var = torch.einsum("btk,btkf->tkf", weights, centred**2) / safe
        moments.append((mean, (var + 1e-6).sqrt()))
    gap = (moments[0][0] - moments[1][0]).abs() + (moments[0][1] - moments[1][1]).abs()
    present = (count > 0).to(gap.dtype)
    return (gap * present).sum() / (present.sum() * real.shape[2]).clamp_min(1.0)


def _class_weights(real, mask, condition):
    """Each series' weight in each step's class statistics, ``(batch, time, class)``;
    the count per step and class ``(time, class, 1)``, and the count floored at 1."""
    if condition is None:
        condition = torch.ones(real.shape[0], 1, device=real.device, dtype=real.dtype)
    weights = mask.unsqueeze(2) * condition.unsqueeze(1)
    count = weights.sum(dim=0).unsqueeze(2)
    return weights, count, count.clamp_min(1.0)


def _class_centred(x, weights, safe):
    """Each step's class means ``(time, class, feature)`` and every series' deviation
    from its step's mean of each class, ``(batch, time, class, feature)``."""
    mean = torch.einsum("btk,btf->tkf", weights, x) / safe
    return mean, x.unsqueeze(2) - mean.unsqueeze(0)


def correlation_loss(real, fake, mask, condition=None, *, spread_floor=0.5):
    """L1 gap between the features' correlations in real and fake series, per step.

    :func:`moment_loss` matches each feature's mean and spread over the batch; this
    matches how the features vary *together*: at every step, the correlation over the
    batch of every pair of features. A generator that ties features together that vary
    independently in the data (or the reverse) pays for it here, which neither the
    moment loss nor a discriminator that learns slowly penalises much. With a one-hot
    ``condition`` the correlations are taken within each class.

    The generated series' correlation divides their covariance by their own standard
    deviations, each floored at ``spread_floor`` times the real one: above the floor
    it is their correlation, which no change of spread can lower (so the loss cannot be
    met by shrinking a feature rather than untying it); below it the divisor stops,
    which keeps the gradient bounded where a generator barely varies (an unfloored
    correlation divides by almost zero there).

    Parameters
    ----------
    real, fake : Tensor of shape (batch, time, features)
        Real and generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.
    condition : Tensor of shape (batch, n_classes), default=None
        One-hot class of each series; None: one class.
    spread_floor : float, default=0.5
        The generated standard deviations count as at least this share of the real
        ones. 0 would divide by the generated spreads however small.

    Returns
    -------
    Tensor
        A scalar: the mean absolute gap over pairs of distinct features, steps and the
        classes present; 0 for a single feature. Real standard deviations below 1e-3
        count as 1e-3.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import correlation_loss
    >>> real = torch.tensor([[[0.0, 1.0]], [[1.0, 0.0]]])  # two features, opposed
    >>> correlation_loss(real, real, torch.ones(2, 1))
    tensor(0.)
    >>> correlation_loss(real, 0.6 * real, torch.ones(2, 1))  # narrower, as opposed
    tensor(0.)
    >>> correlation_loss(real, real[..., [0, 0]], torch.ones(2, 1))  # the same feature twice
    tensor(2.)
    """
    n_features = real.shape[2]
    if n_features < 2:
        return fake.new_zeros(())
    weights, count, safe = _class_weights(real, mask, condition)
    covariances = []
    for x in (real, fake):
        _, centred = _class_centred(x, weights, safe)
        weighted = centred * weights.unsqueeze(3)
        covariances.append(torch.einsum("btkf,btkg->tkfg", weighted, centred) / safe.unsqueeze(3))
    real_variance, fake_variance = (
        torch.diagonal(covariance, dim1=2, dim2=3).clamp_min(0.0) for covariance in covariances
    )
    real_spread = real_variance.sqrt().clamp_min(1e-3)
    # the floor applies to the variances, so that sqrt never sees a zero
    fake_spread = torch.maximum(fake_variance, (spread_floor * real_spread) ** 2).sqrt()
    correlations = [
        covariance / (spread.unsqueeze(3) * spread.unsqueeze(2))
        for covariance, spread in zip(covariances, (real_spread, fake_spread))
    ]
    pairs = 1.0 - torch.eye(n_features, device=real.device, dtype=real.dtype)
    gap = (correlations[0] - correlations[1]).abs() * pairs
    present = (count > 0).to(gap.dtype).unsqueeze(3)  # (time, class, 1, 1)
    return (gap * present).sum() / (present.sum() * pairs.sum()).clamp_min(1.0)


def feature_matching_loss(real_features, fake_features, mask, condition=None):
    """Squared L2 distance between the batch means of real and fake features, per step.

    Feature matching (Salimans et al., 2016), as C-RNN-GAN uses it: the generator
    matches the mean of the discriminator's last hidden layer ``(batch, time, units)``
    on real and on generated series, at every valid step. With a one-hot ``condition``
    ``(batch, n_classes)`` the means are taken within each class.

    Parameters
    ----------
    real_features, fake_features : Tensor of shape (batch, time, units)
        The discriminator's features of real and of generated series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.
    condition : Tensor of shape (batch, n_classes), default=None
        One-hot class of each series; None: one class.

    Returns
    -------
    Tensor
        A scalar: the squared distance summed over units, averaged over the steps
        and classes present.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import feature_matching_loss
    >>> real = torch.zeros(4, 3, 2)
    >>> feature_matching_loss(real, real + 0.5, torch.ones(4, 3))  # 2 units * 0.5 ** 2
    tensor(0.5000)
    """
    if condition is None:
        condition = torch.ones(
            real_features.shape[0], 1, device=real_features.device, dtype=real_features.dtype
        )
    weights = mask.unsqueeze(2) * condition.unsqueeze(1)  # (batch, time, class)
    count = weights.sum(dim=0)  # (time, class)
    safe = count.clamp_min(1.0).unsqueeze(2)
    real_mean = torch.einsum("btk,btf->tkf", weights, real_features) / safe
    fake_mean = torch.einsum("btk,btf->tkf", weights, fake_features) / safe
    gap = ((real_mean - fake_mean) ** 2).sum(dim=2)  # (time, class)
    present = (count > 0).to(gap.dtype)
    return (gap * present).sum() / present.sum().clamp_min(1.0)


def crps_loss(real, paths, mask):
    """Fair ensemble CRPS of drawn ``paths`` ``(batch, m, time, features)``, m >= 2.

    ``E|X - y| - E|X - X'| / 2`` per value, the second mean over the ``m (m - 1)``
    pairs of distinct draws so that its minimum is at the real distribution (Ferro
    2014); averaged over the steps where ``mask`` ``(batch, time)`` is 1.

    Parameters
    ----------
    real : Tensor of shape (batch, time, features)
        The real values.
    paths : Tensor of shape (batch, m, time, features)
        ``m`` drawn paths for each real series.
    mask : Tensor of shape (batch, time)
        1 at valid steps, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: the CRPS averaged over features and valid steps.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import crps_loss
    >>> paths = torch.tensor([0.0, 2.0]).reshape(1, 2, 1, 1)  # two draws, 0 and 2
    >>> crps_loss(torch.ones(1, 1, 1), paths, torch.ones(1, 1))  # 1 - 2 / 2
    tensor(0.)
    """
    m = paths.shape[1]
    error = (paths - real[:, None]).abs().mean(dim=1)
    spread = (paths[:, :, None] - paths[:, None, :]).abs().sum(dim=(1, 2)) / (m * (m - 1))
    per_step = (error - spread / 2).mean(dim=-1)
    return (per_step * mask).sum() / mask.sum().clamp_min(1.0)


def tabular_reconstruction_loss(x, outputs, log_sigma, blocks, mask):
    """Negative log-likelihood of encoded rows ``x`` under a decoder's ``outputs``.

    ``blocks`` cuts the last axis into ``("numeric", width)`` pieces, Gaussian with
    mean ``outputs`` and standard deviation ``exp(log_sigma)`` (one per column), and
    ``("softmax", width)`` pieces, one-hot categories scored by cross-entropy against
    the ``outputs`` read as logits. ``mask`` ``(batch, width)`` is 1 where ``x`` holds a
    value (flattened series shorter than the longest have 0 on their padding). Summed
    over columns, averaged over rows.

    Parameters
    ----------
    x : Tensor of shape (batch, width)
        Encoded rows.
    outputs : Tensor of shape (batch, width)
        The decoder's outputs: means of numeric columns, logits of categories.
    log_sigma : Tensor of shape (width,)
        Log standard deviation of each numeric column (entries of softmax blocks are
        not used).
    blocks : sequence of (str, int)
        ``(kind, width)`` pieces of the last axis in order, ``kind`` ``"numeric"`` or
        ``"softmax"``.
    mask : Tensor of shape (batch, width)
        1 where ``x`` holds a value, 0 on padding.

    Returns
    -------
    Tensor
        A scalar: the negative log-likelihood (without constant terms).

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import tabular_reconstruction_loss
    >>> x = torch.tensor([[0.0, 1.0, 0.0]])
    >>> logits = torch.tensor([[0.0, 0.0, 0.0]])  # a perfect mean, a 50/50 category
    >>> loss = tabular_reconstruction_loss(
    ...     x, logits, torch.zeros(3), (("numeric", 1), ("softmax", 2)), torch.ones(1, 3)
    ... )
    >>> round(float(loss), 4)  # log(2)
    0.6931
    """
    total = x.new_zeros(x.shape[0])
    start = 0
    for kind, width in blocks:
        part = slice(start, start + width)
        target, output, valid = x[:, part], outputs[:, part], mask[:, part]
        if kind == "softmax":
            nll = -(target * output.log_softmax(dim=-1)).sum(dim=-1)
            total = total + nll * valid[:, 0]
        else:
            sigma = log_sigma[part].exp()
            nll = 0.5 * ((target - output) / sigma) ** 2 + log_sigma[part]
            total = total + (nll * valid).sum(dim=-1)
        start += width
    return total.mean()


def gaussian_kl(mean, log_var):
    """KL divergence of ``N(mean, exp(log_var))`` from ``N(0, 1)``, summed over latents.

    Averaged over the batch; the VAE's regulariser (Kingma and Welling, 2014).

    Parameters
    ----------
    mean, log_var : Tensor of shape (batch, n_latent)
        Mean and log variance of the encoder's Gaussian.

    Returns
    -------
    Tensor
        A scalar: the KL divergence.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import gaussian_kl
    >>> gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3))
    tensor(0.)
    """
    return (-0.5 * (1 + log_var - mean**2 - log_var.exp()).sum(dim=-1)).mean()
