"""C-RNN-GAN: continuous recurrent GAN with an autoregressive generator (Mogren, 2016)."""

from __future__ import annotations

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ..base import BaseSequenceSampler
from ..base._neural import _DiscriminatorAugmentationMixin, _WeightSelectionMixin
from ..base._static import STATIC_CONSTRAINTS, _StaticAttributesMixin
from ..nn import (
    RecurrentNetwork,
    TrainingPhase,
    bce_discriminator_loss,
    bce_generator_loss,
    feature_matching_loss,
    masked_mean,
    moment_loss,
    with_condition,
)
from ..nn._augmentation import augment_for_discriminator, observe_real_scores
from ._gan import discriminator_lr

_CELLS = {"lstm": nn.LSTMCell, "gru": nn.GRUCell}


class FeedbackGenerator(nn.Module):
    """A stack of recurrent cells whose input at step ``t`` includes its output at ``t - 1``.

    Step ``t`` reads ``relu(input_layer([inputs[:, t], y[t - 1]]))`` (``y[-1]`` is
    ``start``) through the cells and emits ``y[t] = readout(h[t])``; input layer and
    linear read-out are those of the paper's code. Being autoregressive, it cannot be
    one fused call over all steps: the loop runs the cells once per step. The input
    layer's share of ``inputs`` is computed for all steps at once, so a step costs one
    matrix product for the fed-back output, the cells and the read-out.

    Parameters
    ----------
    input_size : int
        Features per step of ``inputs`` (noise and condition).
    hidden_size : int
        Units per recurrent cell.
    output_size : int
        Features per output step (fed back at the next step).
    num_layers : int
        Stacked cells.
    cell : {"lstm", "gru"}
        Recurrent cell.
    """

    def __init__(self, input_size, hidden_size, output_size, num_layers, cell):
        super().__init__()
        self.lstm = cell == "lstm"
        self.input_size = input_size
        # the paper's code: a ReLU layer reads [noise, condition, previous output]
        self.input_layer = nn.Linear(input_size + output_size, hidden_size)
        self.cells = nn.ModuleList(
            _CELLS[cell](hidden_size, hidden_size) for _ in range(num_layers)
        )
        self.readout = nn.Linear(hidden_size, output_size)

    def forward(self, inputs, start, previous=None):
        """Unroll over ``inputs`` ``(batch, time, input_size)`` from ``start`` ``(batch, out)``.

        ``previous`` ``(batch, time, out)``, if given, is fed back instead of the
        generator's own outputs (teacher forcing): step ``t`` reads ``previous[:, t - 1]``.
        """
        weight = self.input_layer.weight
        # the input layer's share of the noise and condition, for all steps at once
        given = nn.functional.linear(inputs, weight[:, : self.input_size], self.input_layer.bias)
        feedback = weight[:, self.input_size :].t()
        states = [None] * len(self.cells)  # the cells start from zeros
        fed_back = start
        teacher = None if previous is None else previous.unbind(1)
        outputs = []
        for t, step in enumerate(given.unbind(1)):
            x = torch.relu(torch.addmm(step, fed_back, feedback))
            for layer, cell in enumerate(self.cells):
                states[layer] = cell(x, states[layer])
                x = states[layer][0] if self.lstm else states[layer]
            # no squashing: fed back through a sigmoid, outputs drifted into its flat
            # tails and stuck there (the generator collapsed to one constant series)
            output = self.readout(x)
            outputs.append(output)
            fed_back = output if teacher is None else teacher[t]
        return torch.stack(outputs, dim=1)


class CRNNGANNetworks(nn.Module):
    """C-RNN-GAN's autoregressive generator and bidirectional per-step discriminator."""

    def __init__(self, n_features, n_classes, hidden_size, num_layers, latent_dim, cell):
        super().__init__()
        self.n_features = n_features
        self.latent_dim = latent_dim
        self.generator = FeedbackGenerator(
            latent_dim + n_classes, hidden_size, n_features, num_layers, cell
        )
        self.discriminator = RecurrentNetwork(
            n_features + n_classes,
            hidden_size,
            1,
            num_layers=num_layers,
            cell=cell,
            bidirectional=True,
        )

    def player_parameters(self):
        generator = list(self.generator.named_parameters())
        return {
            "discriminator": list(self.discriminator.named_parameters()),
            "generator": generator,
            # maximum-likelihood pre-training: the generator's weights, own optimiser
            "pretraining": generator,
        }

    def generate(self, n, n_timesteps, condition=None, *, noise=None, start=None, previous=None):
        """Series ``(n, n_timesteps, n_features)`` in the scaled space (data in ``[0, 1]``).

        ``noise`` ``(n, n_timesteps, latent_dim)`` and ``start`` (the made-up output
        before the first step, ``(n, n_features)``) are drawn uniformly in ``[0, 1]``
        unless given; ``previous`` feeds the given series back (teacher forcing).
        """
        if noise is None or start is None:
            drawn = self.draw_noise(n, n_timesteps)
            noise = drawn["noise"] if noise is None else noise
            start = drawn["start"] if start is None else start
        return self.generator(with_condition(noise, condition), start, previous)

    def draw_noise(self, n, n_timesteps):
        """The random inputs of :meth:`generate` (``noise``, then ``start``), as keywords."""
        device = self.generator.readout.weight.device
        noise = torch.rand(n, n_timesteps, self.latent_dim, device=device)
        return {"noise": noise, "start": torch.rand(n, self.n_features, device=device)}

    def discriminate(self, x, condition=None, *, features=False):
        """Per-step logits ``(batch, time)``; with ``features``, also the last hidden layer."""
        hidden = self.discriminator.features(with_condition(x, condition))
        logits = self.discriminator.readout(hidden).squeeze(2)
        return (logits, hidden) if features else logits


class CRNNGANObjective(nn.Module):
    """Per-step cross-entropy or feature matching, and the pre-training's next-step error."""

    def __init__(self, feature_matching=False, moment_weight=0.0, pretrain_length=None):
        super().__init__()
        self.feature_matching = feature_matching
        self.moment_weight = moment_weight
        self.pretrain_length = pretrain_length

    def forward(self, networks, batch, player):
        real, mask = batch["x"], batch["mask"]
        condition = batch.get("condition")
        n, t = real.shape[:2]
        if player == "pretraining":
            # the paper's pre-training: squared error of the next step, the real
            # previous step fed back, on the first ``pretrain_length`` steps
            t = t if self.pretrain_length is None else min(t, self.pretrain_length)
            real, mask = real[:, :t], mask[:, :t]
            predicted = networks.generate(n, t, condition, previous=real)
            return masked_mean(((predicted - real) ** 2).mean(dim=2), mask)
        steps = mask.unsqueeze(2)
        if player == "discriminator":
            with torch.no_grad():
                fake = networks.generate(n, t, condition) * steps
            real_logits = networks.discriminate(
                augment_for_discriminator(networks, real, mask), condition
            )
            fake_logits = networks.discriminate(
                augment_for_discriminator(networks, fake, mask), condition
            )
            observe_real_scores(networks, real_logits, mask)
            return bce_discriminator_loss(real_logits, fake_logits, mask)
        fake = networks.generate(n, t, condition) * steps
        seen_fake = augment_for_discriminator(networks, fake, mask)
        if self.feature_matching:
            with torch.no_grad():
                seen_real = augment_for_discriminator(networks, real, mask)
                _, real_features = networks.discriminate(seen_real, condition, features=True)
            _, fake_features = networks.discriminate(seen_fake, condition, features=True)
            loss = feature_matching_loss(real_features, fake_features, mask, batch.get("classes"))
        else:
            loss = bce_generator_loss(networks.discriminate(seen_fake, condition), mask)
        if self.moment_weight:
            moments = moment_loss(real, fake, mask, batch.get("classes"))
            loss = loss + self.moment_weight * moments
        return loss


class CRNNGANSampler(
    _StaticAttributesMixin,
    _DiscriminatorAugmentationMixin,
    _WeightSelectionMixin,
    BaseSequenceSampler,
):
    """Continuous recurrent GAN sampler (C-RNN-GAN) for (multivariate) time series.

    The generator is a stack of recurrent cells whose input at every step is a vector
    of uniform noise in ``[0, 1]`` joined with its own output at the previous step
    (through a ReLU layer, as in the paper's code), so each step is generated from the
    ones before it; the made-up "previous output" of the first step is drawn uniformly
    in ``[0, 1]``, the range of the min-max scaled data, as the paper's code does. The
    output is linear, as in the paper's code; samples are clipped to the training
    range. The discriminator is a bidirectional recurrent network that scores every
    step real or fake (Mogren, 2016). ``feature_matching=True``
    replaces the generator's cross-entropy by the paper's feature matching: the
    squared distance between the mean activations of the discriminator's last hidden
    layer on real and on generated series.

    With ``y``, the one-hot class joins the generator's input at every step and the
    discriminator's input (the paper has no conditioning; this is RCGAN's scheme).

    Parameters
    ----------
    hidden_size : int, default=32
        Units per recurrent layer, in generator and discriminator (each direction).
    num_layers : int, default=2
        Stacked recurrent layers in each network (the paper's 2).
    latent_dim : int, default=None
        Size of the uniform noise vector fed at every step; None uses the number of
        features, as the paper does.
    cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell of both networks (the paper's LSTM).
    feature_matching : bool, default=False
        Train the generator to match the batch mean of the discriminator's last hidden
        layer on real series, per step (within each class, for a conditional sampler),
        instead of fooling the discriminator's output.
    moment_weight : float, default=1.0
        Weight of TimeGAN's moment loss added to the generator's: the L1 distance
        between the batch mean and standard deviation of real and generated series at
        every step (within each class, for a conditional sampler). 0 gives the paper's
        C-RNN-GAN; the default keeps the generator from collapsing to one constant
        series, which plain C-RNN-GAN did on the sines in a third of our seeded runs.
    pretrain_epochs : int, default=0
        Passes of maximum-likelihood pre-training of the generator before the
        adversarial training, as in the paper: the squared error of each step with
        the real previous step fed back instead of the generated one. It tames the
        jumpy windows of price-like series, but the scores gain little: on the Google
        stock prices, over 3 seeds, 5 epochs of it gave discriminative 0.455 +- 0.063
        against 0.495 +- 0.007 without, predictive 0.069 +- 0.035 against
        0.075 +- 0.017 (docs/benchmarks.md); on the sines, 0.221 +- 0.094 against
        0.250 +- 0.066: smaller than the spread over seeds on both.
    pretrain_length : int, default=None
        Pre-train on the first ``pretrain_length`` steps only (the paper starts with
        short sequences); None uses whole series.
    n_epochs : int, default=200
        Passes over the training data in adversarial training.
    batch_size : int or "auto", default="auto"
        Series per batch; "auto" uses ``min(64, n_series)``. A larger value than the
        number of series is clipped to it, with a warning.
    lr : float, default=1e-3
        Adam learning rate of the generator (and of its pre-training).
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
        Per epoch: ``phase`` ("pretraining" or "adversarial"), the losses of that
        phase's players (``pretraining_loss``; ``generator_loss`` and
        ``discriminator_loss``) and ``dur`` (seconds).
        ``diversity``: spread of generated series over real ones (mode collapse
        if near 0; see :doc:`/reliability`).
    scaler_ : sklearn.preprocessing.MinMaxScaler
        Per-feature scaling learned in ``fit``.
    {data_attributes}
    device_ : str
        The device the sampler was trained on.

    See Also
    --------
    RCGANSampler : Noise alone drives its generator; faster per epoch.
    TimeGANSampler : Adversarial training in a learned latent space.

    Notes
    -----
    Where this differs from the paper: Adam instead of SGD with L2 regularisation;
    the discriminator's cross-entropy is taken per step and averaged (the paper
    averages the per-step probabilities, then takes the log); feature matching
    matches batch means (Salimans et al.), where the paper's formula pairs each real
    series with one generated series; pre-training uses one fixed length instead of
    a growing one; the paper's freezing of a player whose loss runs far below the
    other's is left out.

    References
    ----------
    .. [1] O. Mogren. "C-RNN-GAN: Continuous recurrent neural networks with
       adversarial training". Constructive Machine Learning Workshop, NIPS 2016.
       arXiv:1611.09904.
    .. [2] T. Salimans et al. "Improved techniques for training GANs". NIPS 2016.

    Examples
    --------
    >>> from sktsgan import CRNNGANSampler
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(64, n_timesteps=12, n_features=2, random_state=0)
    >>> sampler = CRNNGANSampler(hidden_size=8, n_epochs=2, random_state=0).fit(X)
    >>> sampler.sample(5).shape
    (5, 12, 2)

    Conditional on class labels, with feature matching:

    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(40, n_timesteps=16, random_state=0)
    >>> sampler = CRNNGANSampler(
    ...     hidden_size=8, feature_matching=True, n_epochs=2, random_state=0
    ... ).fit(X, y)
    >>> X_new, y_new = sampler.sample(4, y="sine")
    >>> X_new.shape, y_new.tolist()
    ((4, 16, 1), ['sine', 'sine', 'sine', 'sine'])
    """

    _parameter_constraints: dict = {
        **BaseSequenceSampler._parameter_constraints,
        **_DiscriminatorAugmentationMixin._parameter_constraints,
        **_WeightSelectionMixin._parameter_constraints,
        **STATIC_CONSTRAINTS,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        "cell": [StrOptions({"lstm", "gru"})],
        "feature_matching": ["boolean"],
        "moment_weight": [Interval(Real, 0, None, closed="left")],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "pretrain_length": [Interval(Integral, 1, None, closed="left"), None],
        "lr_discriminator": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        *,
        hidden_size=32,
        num_layers=2,
        latent_dim=None,
        cell="lstm",
        feature_matching=False,
        moment_weight=1.0,
        pretrain_epochs=0,
        pretrain_length=None,
        n_epochs=200,
        batch_size="auto",
        lr=1e-3,
        lr_discriminator=None,
        discriminator_augmentation=None,
        ema_decay=0.999,
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
        self.feature_matching = feature_matching
        self.moment_weight = moment_weight
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_length = pretrain_length
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
            "module": CRNNGANNetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__hidden_size": self.hidden_size,
            "module__num_layers": self.num_layers,
            "module__latent_dim": self.latent_dim or n_features,
            "module__cell": self.cell,
            "criterion": CRNNGANObjective,
            "criterion__feature_matching": self.feature_matching,
            "criterion__moment_weight": self.moment_weight,
            "criterion__pretrain_length": self.pretrain_length,
            "lr": self.lr,
            "player_lr": discriminator_lr(self.lr, self.lr_discriminator),
            "optimizer__betas": (0.5, 0.999),
        }

    def _training_phases(self, n_batches):
        phases = []
        if self.pretrain_epochs:
            phases.append(
                TrainingPhase("pretraining", (("pretraining", 1),), self.pretrain_epochs)
            )
        schedule = (("discriminator", 1), ("generator", 1))
        phases.append(TrainingPhase("adversarial", schedule, self.n_epochs))
        return phases
