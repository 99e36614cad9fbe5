"""The torch layer: networks, losses and the shared training engine.

What a user or a new model needs: the engine (:class:`AdversarialNet`, trained in
:class:`TrainingPhase` s), the networks, the losses and the diversity statistic. The
engine's own parts (its batching, its progress bar, the sampling copies, checkpoints)
stay in the private modules.
"""

from ._engine import AdversarialNet, TrainingPhase
from ._fused_gru import fused_gru, native_recurrence
from ._losses import (
    bce_discriminator_loss,
    bce_generator_loss,
    correlation_loss,
    crps_loss,
    feature_matching_loss,
    gaussian_kl,
    gradient_penalty,
    masked_mean,
    moment_loss,
    tabular_reconstruction_loss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from ._modules import (
    DenseNetwork,
    RecurrentNetwork,
    RowGenerator,
    draw_blocks,
    softmax_blocks,
    with_condition,
)
from ._reliability import diversity_ratio

__all__ = [
    "AdversarialNet",
    "DenseNetwork",
    "RecurrentNetwork",
    "RowGenerator",
    "TrainingPhase",
    "bce_discriminator_loss",
    "bce_generator_loss",
    "correlation_loss",
    "crps_loss",
    "diversity_ratio",
    "draw_blocks",
    "feature_matching_loss",
    "fused_gru",
    "gaussian_kl",
    "gradient_penalty",
    "masked_mean",
    "moment_loss",
    "native_recurrence",
    "softmax_blocks",
    "tabular_reconstruction_loss",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "with_condition",
]
