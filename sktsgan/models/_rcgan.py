"""RCGAN: recurrent conditional GAN (Esteban, Hyland and Rätsch, 2017)."""

from __future__ import annotations

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ..base import BaseSequenceSampler
from ..base._neural import _DiscriminatorAugmentationMixin, _WeightSelectionMixin
from ..base._static import STATIC_CONSTRAINTS, _StaticAttributesMixin
from ..nn import RecurrentNetwork, draw_blocks, moment_loss, with_condition
from ..nn._augmentation import augment_for_discriminator, observe_real_scores
from ..nn._modules import softmax_width
from ._gan import (
    DIVERGENCE_ADVICE,
    LOSS_CONSTRAINTS,
    adam_betas,
    adversarial_phase,
    discriminator_loss,
    discriminator_lr,
    generator_loss,
)


class RCGANNetworks(nn.Module):
    """RCGAN's generator and per-step discriminator, both seeing the condition.

    With categorical channels (``blocks`` with softmax blocks), each generated step
    holds one drawn level per channel (:func:`~sktsgan.nn.draw_blocks`), one-hot as in
    the real series, rather than the level probabilities.
    """

    def __init__(
        self, n_features, n_classes, hidden_size, num_layers, latent_dim, cell, blocks=None
    ):
        super().__init__()
        self.latent_dim = latent_dim
        self.blocks = tuple(blocks) if blocks else None
        self.n_choices = softmax_width(self.blocks)
        self.generator = RecurrentNetwork(
            latent_dim + n_classes,
            hidden_size,
            n_features,
            num_layers=num_layers,
            cell=cell,
            output_activation="sigmoid",
            output_blocks=blocks,
        )
        self.discriminator = RecurrentNetwork(
            n_features + n_classes, hidden_size, 1, num_layers=num_layers, cell=cell
        )

    def player_parameters(self):
        return {
            "discriminator": list(self.discriminator.named_parameters()),
            "generator": list(self.generator.named_parameters()),
        }

    def draw_noise(self, n, n_timesteps):
        """The random inputs of :meth:`generate`, as its keyword arguments."""
        device = self.generator.readout.weight.device
        inputs = {"noise": torch.randn(n, n_timesteps, self.latent_dim, device=device)}
        if self.n_choices:
            inputs["choice"] = torch.rand(n, n_timesteps, self.n_choices, device=device)
        return inputs

    def generate(self, n, n_timesteps, condition=None, *, noise=None, choice=None):
        if noise is None:
            drawn = self.draw_noise(n, n_timesteps)
            noise, choice = drawn["noise"], drawn.get("choice")
        out = self.generator(with_condition(noise, condition))
        if self.n_choices:
            out = draw_blocks(out, self.blocks, choice)
        return out

    def discriminate(self, x, condition=None):
        return self.discriminator(with_condition(x, condition)).squeeze(2)


class RCGANObjective(nn.Module):
    """Per-step binary cross-entropy, or the Wasserstein loss with gradient penalty.

    The generator's loss adds ``moment_weight`` times the moment loss on the series and
    ``difference_weight`` times the same loss on their step-to-step differences.
    """

    def __init__(self, loss="bce", gp_weight=10.0, moment_weight=0.0, difference_weight=0.0):
        super().__init__()
        self.loss = loss
        self.gp_weight = gp_weight
        self.moment_weight = moment_weight
        self.difference_weight = difference_weight

    def forward(self, networks, batch, player):
        real, mask = batch["x"], batch["mask"]
        condition = batch.get("condition")
        scored = self._score_mask(mask)
        if player == "discriminator":
            with torch.no_grad():
                fake = self._fake(networks, real, mask, condition)
            seen_real = augment_for_discriminator(networks, real, mask)
            seen_fake = augment_for_discriminator(networks, fake, mask)
            real_scores = networks.discriminate(seen_real, condition)
            fake_scores = networks.discriminate(seen_fake, condition)
            critic_fakes = None if self.loss == "bce" else fake_scores  # no undecided 0
            observe_real_scores(networks, real_scores, scored, critic_fakes)
            return discriminator_loss(
                self.loss,
                lambda x: networks.discriminate(x, condition),
                seen_real,
                seen_fake,
                real_scores,
                fake_scores,
                scored,
                self.gp_weight,
            )
        fake = self._fake(networks, real, mask, condition)
        seen_fake = augment_for_discriminator(networks, fake, mask)
        loss = generator_loss(self.loss, networks.discriminate(seen_fake, condition), scored)
        classes = batch.get("classes")
        if self.moment_weight:
            loss = loss + self.moment_weight * self._moments(real, fake, mask, classes)
        if self.difference_weight:
            loss = loss + self.difference_weight * self._differences(real, fake, mask, classes)
        return loss

    # Hooks a GAN over other shapes overrides (the tabular DenseGAN).

    def _fake(self, networks, real, mask, condition):
        """Generated series shaped like ``real``, zero on its padding."""
        return networks.generate(len(real), real.shape[1], condition) * mask.unsqueeze(2)

    def _score_mask(self, mask):
        """Which discriminator scores count: one per valid step."""
        return mask

    def _moments(self, real, fake, mask, classes):
        return moment_loss(real, fake, mask, classes)

    def _differences(self, real, fake, mask, classes):
        """The moment loss on the steps' differences, where both steps are valid."""
        both = mask[:, 1:] * mask[:, :-1]
        return moment_loss(real.diff(dim=1), fake.diff(dim=1), both, classes)


class _GANLossMixin:
    """Loss settings and schedule of a GAN with RCGAN's parameters, for the engine.

    ``loss``, ``n_critic``, ``gp_weight``, ``moment_weight``, ``n_epochs``, ``lr`` and
    ``lr_discriminator`` mean the same in :class:`RCGANSampler` and
    :class:`~sktsgan.DenseGANSampler`.
    """

    _divergence_advice = DIVERGENCE_ADVICE

    def _gan_loss_params(self, objective):
        return {
            "criterion": objective,
            "criterion__loss": self.loss,
            "criterion__gp_weight": self.gp_weight,
            "criterion__moment_weight": self.moment_weight,
            "lr": self.lr,
            "player_lr": discriminator_lr(self.lr, self.lr_discriminator),
            "optimizer__betas": adam_betas(self.loss),
        }

    def _training_phases(self, n_batches):
        return [adversarial_phase(self.loss, self.n_critic, self.n_epochs)]


class RCGANSampler(
    _StaticAttributesMixin,
    _GANLossMixin,
    _DiscriminatorAugmentationMixin,
    _WeightSelectionMixin,
    BaseSequenceSampler,
):
    """Recurrent conditional GAN sampler for (multivariate) time series.

    The generator is a recurrent network that reads one latent vector per time step
    (joined with the class condition, if any) and emits the series; the discriminator
    is a recurrent network that sees the series and the condition and scores every
    step real or fake (Esteban, Hyland and Rätsch, 2017). ``loss="wgan-gp"`` swaps the
    per-step cross-entropy for the Wasserstein loss with gradient penalty (Gulrajani et
    al., 2017), which is slower per epoch but more stable on hard data.

    Parameters
    ----------
    hidden_size : int, default=32
        Units per recurrent layer, in generator and discriminator.
    num_layers : int, default=1
        Stacked recurrent layers in each network.
    latent_dim : int, default=8
        Size of the latent noise vector fed at every time step.
    cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell of both networks.
    loss : {"bce", "wgan-gp"}, default="bce"
        Per-step binary cross-entropy (the paper) or the Wasserstein loss with gradient
        penalty.
    n_critic : int or "auto", default="auto"
        Discriminator updates per generator update; "auto" is 1 for "bce" and 5 for
        "wgan-gp".
    gp_weight : float, default=10.0
        Weight of the gradient penalty (``loss="wgan-gp"`` only).
    moment_weight : float, default=1.0
        Weight of TimeGAN's moment loss added to the generator's: the L1 distance
        between the batch mean and standard deviation of real and generated series at
        every step (within each class, for a conditional sampler). 0 gives the paper's
        RCGAN; the default keeps the generator from collapsing, which plain RCGAN did
        on the sines in about half of our seeded runs.
    difference_weight : float, default=1.0
        Weight of the same moment loss on the series' step-to-step differences (how
        far each feature moves from one step to the next, and how that varies). 0
        leaves them to the discriminator, and the generator's fresh noise at every step
        then shows as jitter: on the TimeGAN paper's Stocks the windows moved 5 to 12
        times as far per step as the real ones (``docs/benchmarks.md``, "RCGAN's
        jitter and a moment loss on differences").
    n_epochs : int, default=200
        Passes over the training data.
    batch_size : int or "auto", default="auto"
        Series per batch; "auto" uses ``min(64, n_series)``. A larger value than the
        number of series is clipped to it, with a warning.
    lr : float, default=1e-3
        Adam learning rate of the generator.
    lr_discriminator : float, default=None
        Adam learning rate of the discriminator; None uses ``lr``.
    {augmentation_parameters}
    {selection_parameters}
    {runtime_parameters}
    {reliability_parameters}
    {long_frame_parameters}
    {static_parameters}

    Attributes
    ----------
    engine_ : sktsgan.nn.AdversarialNet
        The trained skorch net; ``engine_.module_`` holds the generator and
        discriminator.
    history_ : skorch.History
        Per epoch: ``generator_loss``, ``discriminator_loss``, ``dur`` (seconds).
        ``diversity``: spread of generated series over real ones (mode collapse
        if near 0; see :doc:`/reliability`).
    scaler_ : sklearn.preprocessing.MinMaxScaler
        Per-feature scaling learned in ``fit``.
    {data_attributes}
    device_ : str
        The device the sampler was trained on.

    See Also
    --------
    sktsgan.datasets.make_sines : The TimeGAN paper's sine data.

    References
    ----------
    .. [1] C. Esteban, S. L. Hyland and G. Rätsch. "Real-valued (medical) time series
       generation with recurrent conditional GANs". arXiv:1706.02633, 2017.
    .. [2] I. Gulrajani et al. "Improved training of Wasserstein GANs". NeurIPS 2017.

    Examples
    --------
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(64, n_timesteps=12, n_features=2, random_state=0)
    >>> sampler = RCGANSampler(hidden_size=8, n_epochs=2, random_state=0).fit(X)
    >>> sampler.sample(5).shape
    (5, 12, 2)

    Conditional on class labels:

    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(40, n_timesteps=16, random_state=0)
    >>> sampler = RCGANSampler(hidden_size=8, n_epochs=2, random_state=0).fit(X, y)
    >>> X_new, y_new = sampler.sample(4, y="sine")
    >>> X_new.shape, y_new.tolist()
    ((4, 16, 1), ['sine', 'sine', 'sine', 'sine'])
    """

    _categorical_channels = True

    _parameter_constraints: dict = {
        **BaseSequenceSampler._parameter_constraints,
        **_DiscriminatorAugmentationMixin._parameter_constraints,
        **_WeightSelectionMixin._parameter_constraints,
        **STATIC_CONSTRAINTS,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        **LOSS_CONSTRAINTS,
        "moment_weight": [Interval(Real, 0, None, closed="left")],
        "difference_weight": [Interval(Real, 0, None, closed="left")],
        "lr_discriminator": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        *,
        hidden_size=32,
        num_layers=1,
        latent_dim=8,
        cell="lstm",
        loss="bce",
        n_critic="auto",
        gp_weight=10.0,
        moment_weight=1.0,
        difference_weight=1.0,
        n_epochs=200,
        batch_size="auto",
        lr=1e-3,
        lr_discriminator=None,
        discriminator_augmentation=None,
        ema_decay=0.9999,
        restore_best=False,
        max_time=None,
        n_init=1,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        warm_start=False,
        id_column=None,
        time_column=None,
        static_columns=None,
        static_sampler=None,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.latent_dim = latent_dim
        self.cell = cell
        self.loss = loss
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.moment_weight = moment_weight
        self.difference_weight = difference_weight
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.lr_discriminator = lr_discriminator
        self.discriminator_augmentation = discriminator_augmentation
        self.ema_decay = ema_decay
        self.restore_best = restore_best
        self.max_time = max_time
        self.n_init = n_init
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.warm_start = warm_start
        self.id_column = id_column
        self.time_column = time_column
        self.static_columns = static_columns
        self.static_sampler = static_sampler

    def _engine_params(self, n_features, n_classes):
        return {
            "module": RCGANNetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__blocks": getattr(self, "_channel_blocks", None),
            "module__hidden_size": self.hidden_size,
            "module__num_layers": self.num_layers,
            "module__latent_dim": self.latent_dim,
            "module__cell": self.cell,
            **self._gan_loss_params(RCGANObjective),
            "criterion__difference_weight": self.difference_weight,
        }
