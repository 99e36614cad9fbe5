"""The torch layer: networks, losses and the shared adversarial training engine."""

from ._engine import AdversarialNet, LossProgressBar, TensorBatches, TrainingPhase
from ._fused_gru import fused_gru, native_recurrence
from ._losses import (
    bce_discriminator_loss,
    bce_generator_loss,
    crps_loss,
    feature_matching_loss,
    gradient_penalty,
    masked_mean,
    moment_loss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from ._modules import RecurrentNetwork, with_condition
from ._reliability import diversity_ratio

__all__ = [
    "AdversarialNet",
    "LossProgressBar",
    "RecurrentNetwork",
    "TensorBatches",
    "TrainingPhase",
    "bce_discriminator_loss",
    "bce_generator_loss",
    "crps_loss",
    "diversity_ratio",
    "feature_matching_loss",
    "fused_gru",
    "gradient_penalty",
    "masked_mean",
    "moment_loss",
    "native_recurrence",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "with_condition",
]
