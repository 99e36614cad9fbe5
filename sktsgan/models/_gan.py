"""What the GAN samplers share: the ``loss`` settings, the losses, the schedule, the rates.

RCGANSampler, DenseGANSampler and LSTMForecastGAN train a discriminator with binary
cross-entropy (``loss="bce"``) or a Wasserstein critic with gradient penalty
(``loss="wgan-gp"``, Gulrajani et al., 2017). The parameters ``loss``, ``n_critic`` and
``gp_weight`` mean the same in all three, and are read here only; ``lr_discriminator``
means the same in every GAN sampler.
"""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import (
    TrainingPhase,
    bce_discriminator_loss,
    bce_generator_loss,
    gradient_penalty,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)

LOSS_CONSTRAINTS = {
    "loss": [StrOptions({"bce", "wgan-gp"})],
    "n_critic": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "gp_weight": [Interval(Real, 0, None, closed="left")],
}

# Adam's momentum: the WGAN-GP paper's for its critic, DCGAN's (Radford et al., 2016) for
# binary cross-entropy
WGAN_GP_BETAS = (0.5, 0.9)
BCE_BETAS = (0.5, 0.999)

DIVERGENCE_ADVICE = "Lower the learning rate, or use loss='wgan-gp', which is more stable."


def adam_betas(loss, bce_betas=BCE_BETAS):
    """Adam's ``betas`` for ``loss``; ``bce_betas`` where a sampler has its own for BCE."""
    return WGAN_GP_BETAS if loss == "wgan-gp" else bce_betas


def discriminator_lr(lr, lr_discriminator, ratio=1):
    """The engine's ``player_lr``: ``lr_discriminator``, or ``ratio * lr`` when it is None."""
    return {"discriminator": lr_discriminator or ratio * lr}


def adversarial_phase(loss, n_critic, n_epochs):
    """The one training phase: ``n_critic`` discriminator updates, then a generator one.

    ``n_critic="auto"`` is 5 for the Wasserstein critic (the WGAN-GP paper's) and 1 for
    binary cross-entropy.
    """
    if n_critic == "auto":
        n_critic = 5 if loss == "wgan-gp" else 1
    schedule = (("discriminator", n_critic), ("generator", 1))
    return TrainingPhase("adversarial", schedule, n_epochs)


def discriminator_loss(loss, critic, real, fake, real_scores, fake_scores, mask, gp_weight):
    """The discriminator's loss on scores of ``real`` and ``fake`` where ``mask`` is 1.

    ``critic`` maps inputs to scores like those given; the gradient penalty, with
    ``loss="wgan-gp"``, evaluates it between ``real`` and ``fake``.
    """
    if loss == "bce":
        return bce_discriminator_loss(real_scores, fake_scores, mask)
    penalty = gradient_penalty(critic, real, fake, mask)
    return wasserstein_critic_loss(real_scores, fake_scores, mask) + gp_weight * penalty


def generator_loss(loss, fake_scores, mask):
    """The generator's adversarial loss on the discriminator's scores of its output."""
    if loss == "bce":
        return bce_generator_loss(fake_scores, mask)
    return wasserstein_generator_loss(fake_scores, mask)
