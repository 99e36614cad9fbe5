"""TimeGAN: time-series GAN in a learned latent space (Yoon, Jarrett, van der Schaar, 2019)."""

from __future__ import annotations

import copy
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn
from torch.nn import functional as F

from ..base import BaseSequenceSampler
from ..base._neural import _DiscriminatorAugmentationMixin, _WeightSelectionMixin
from ..base._static import STATIC_CONSTRAINTS, _StaticAttributesMixin
from ..nn import (
    RecurrentNetwork,
    TrainingPhase,
    bce_discriminator_loss,
    bce_generator_loss,
    correlation_loss,
    masked_mean,
    moment_loss,
    with_condition,
)
from ..nn._augmentation import augment_for_discriminator, observe_real_scores
from ..utils._torch import pinned_threads
from ..utils.validation import check_fitted_sequences, time_mask


class TimeGANNetworks(nn.Module):
    """TimeGAN's five networks: embedder, recovery, generator, supervisor, discriminator.

    The embedder and recovery form an autoencoder between feature space and a latent
    sequence space of size ``hidden_size``; the generator maps noise sequences into
    that space; the supervisor predicts latent step ``t + 1`` from steps up to ``t``;
    the discriminator scores latent sequences per step. The condition (one-hot class)
    joins the inputs of generator, supervisor and discriminator.
    """

    def __init__(
        self, n_features, n_classes, hidden_size, num_layers, latent_dim, cell, blocks=None
    ):
        super().__init__()
        self.latent_dim = latent_dim

        def rnn(n_in, n_out, layers, activation="sigmoid", blocks=None):
            return RecurrentNetwork(
                n_in,
                hidden_size,
                n_out,
                num_layers=layers,
                cell=cell,
                output_activation=activation,
                output_blocks=blocks,
            )

        self.embedder = rnn(n_features, hidden_size, num_layers)
        # a categorical channel comes out of the recovery as the probabilities of its levels
        self.recovery = rnn(hidden_size, n_features, num_layers, blocks=blocks)
        self.generator = rnn(latent_dim + n_classes, hidden_size, num_layers)
        # one layer fewer, as in the paper's code
        self.supervisor = rnn(hidden_size + n_classes, hidden_size, max(1, num_layers - 1))
        self.discriminator = rnn(hidden_size + n_classes, 1, num_layers, activation=None)

    def player_parameters(self):
        autoencoder = [
            *self.embedder.named_parameters("embedder"),
            *self.recovery.named_parameters("recovery"),
        ]
        dynamics = [
            *self.generator.named_parameters("generator"),
            *self.supervisor.named_parameters("supervisor"),
        ]
        # one optimiser per loss, as in the paper's code: the autoencoder has one for
        # reconstruction alone and one for the joint phase, and so do the dynamics
        return {
            "autoencoder": autoencoder,
            "supervisor": dynamics,
            "generator": dynamics,
            "embedder": autoencoder,
            "discriminator": list(self.discriminator.named_parameters()),
        }

    def supervise(self, latent, condition=None):
        return self.supervisor(with_condition(latent, condition))

    def noise(self, n, n_timesteps, device):
        # uniform noise, as in the paper's code
        return torch.rand(n, n_timesteps, self.latent_dim, device=device)

    def draw_noise(self, n, n_timesteps):
        """The random inputs of :meth:`generate`, as its keyword arguments."""
        return {"noise": self.noise(n, n_timesteps, self.recovery.readout.weight.device)}

    def generate_latent(self, n, n_timesteps, condition=None, *, noise=None):
        if noise is None:
            noise = self.draw_noise(n, n_timesteps)["noise"]
        return self.generator(with_condition(noise, condition))

    def generate(self, n, n_timesteps, condition=None, *, noise=None):
        latent = self.generate_latent(n, n_timesteps, condition, noise=noise)
        return self.recovery(self.supervise(latent, condition))

    def discriminate(self, latent, condition=None):
        return self.discriminator(with_condition(latent, condition)).squeeze(2)


def _masked_mse(a, b, mask):
    return masked_mean(((a - b) ** 2).mean(dim=2), mask)


class TimeGANObjective(nn.Module):
    """The losses of TimeGAN's five optimisers (the paper's equations, its code's weights).

    Parameters
    ----------
    gamma : float
        Weight of the adversarial loss on the direct path (generator output without the
        supervisor), for generator and discriminator.
    supervised_weight : float
        Weight of ``sqrt(supervised loss)`` in the generator's loss (the paper's eta).
    moment_weight : float
        Weight of the moment loss in the generator's loss.
    correlation_weight : float
        Weight of the correlation loss (:func:`~sktsgan.nn.correlation_loss`) in the
        generator's loss; 0 leaves it out.
    reconstruction_weight : float
        Weight of ``sqrt(reconstruction loss)`` in the autoencoder's losses.
    embedder_supervised_weight : float
        Weight of the supervised loss in the embedder's joint loss (the paper's lambda).
    """

    def __init__(
        self,
        gamma=1.0,
        supervised_weight=100.0,
        moment_weight=100.0,
        reconstruction_weight=10.0,
        embedder_supervised_weight=0.1,
        correlation_weight=0.0,
    ):
        super().__init__()
        self.gamma = gamma
        self.supervised_weight = supervised_weight
        self.moment_weight = moment_weight
        self.reconstruction_weight = reconstruction_weight
        self.embedder_supervised_weight = embedder_supervised_weight
        self.correlation_weight = correlation_weight

    def _supervised(self, networks, latent, mask, condition):
        """Next-step loss of the supervisor in latent space."""
        predicted = networks.supervise(latent, condition)
        return _masked_mse(latent[:, 1:], predicted[:, :-1], mask[:, 1:])

    def forward(self, networks, batch, player):
        x, mask = batch["x"], batch["mask"]
        condition = batch.get("condition")
        if player == "autoencoder" or player == "embedder":
            latent = networks.embedder(x)
            reconstruction = _masked_mse(x, networks.recovery(latent), mask)
            loss = self.reconstruction_weight * torch.sqrt(reconstruction + 1e-12)
            if player == "embedder":
                supervised = self._supervised(networks, latent, mask, condition)
                loss = loss + self.embedder_supervised_weight * supervised
            return loss
        if player == "supervisor":
            with torch.no_grad():
                latent = networks.embedder(x)
            return self._supervised(networks, latent, mask, condition)

        n, t = x.shape[:2]
        steps = mask.unsqueeze(2)
        # Inputs that go through the same network are stacked into one batch: the same
        # losses, a third of the recurrent passes.
        if player == "discriminator":
            with torch.no_grad():
                latent = networks.embedder(x)
                fake_direct = networks.generate_latent(n, t, condition)
                fake = networks.supervise(fake_direct, condition)
            seen = augment_for_discriminator(
                networks, torch.cat([latent, fake, fake_direct]), mask.repeat(3, 1)
            )
            real_logits, fake_logits, direct_logits = networks.discriminate(
                seen, _repeat(condition, 3)
            ).split(n)
            observe_real_scores(networks, real_logits, mask)
            loss = bce_discriminator_loss(real_logits, fake_logits, mask)
            direct = masked_mean(F.softplus(direct_logits), mask)  # BCE against "fake"
            return loss + self.gamma * direct

        # the generator (with the supervisor)
        with torch.no_grad():
            latent = networks.embedder(x)
        fake_direct = networks.generate_latent(n, t, condition)
        fake, predicted = networks.supervise(
            torch.cat([fake_direct, latent]), _repeat(condition, 2)
        ).split(n)
        seen = augment_for_discriminator(
            networks, torch.cat([fake, fake_direct]), mask.repeat(2, 1)
        )
        fake_logits, direct_logits = networks.discriminate(seen, _repeat(condition, 2)).split(n)
        adversarial = bce_generator_loss(fake_logits, mask)
        direct = bce_generator_loss(direct_logits, mask)
        supervised = _masked_mse(latent[:, 1:], predicted[:, :-1], mask[:, 1:])
        synthetic = networks.recovery(fake) * steps
        moments = moment_loss(x, synthetic, mask, batch.get("classes"))
        loss = (
            adversarial
            + self.gamma * direct
            + self.supervised_weight * torch.sqrt(supervised + 1e-12)
            + self.moment_weight * moments
        )
        if self.correlation_weight:
            correlations = correlation_loss(x, synthetic, mask, batch.get("classes"))
            loss = loss + self.correlation_weight * correlations
        return loss


def _repeat(condition, times):
    return None if condition is None else condition.repeat(times, 1)


class TimeGANSampler(
    TransformerMixin,
    _StaticAttributesMixin,
    _DiscriminatorAugmentationMixin,
    _WeightSelectionMixin,
    BaseSequenceSampler,
):
    """Time-series GAN sampler: adversarial training in a learned latent space.

    TimeGAN (Yoon, Jarrett and van der Schaar, 2019) trains five recurrent networks in
    three phases. *Embedding*: an embedder and a recovery network learn to map series
    into a latent sequence space and back (reconstruction loss). *Supervised*: a
    supervisor learns to predict the next latent step from the past (teacher forcing).
    *Joint*: a generator maps noise sequences into the latent space; it is trained
    against a discriminator on latent sequences (both on the supervisor's output and
    on its own direct output), with the supervised loss and a moment loss, while the
    autoencoder keeps training; the discriminator updates only while its loss is
    above ``discriminator_threshold``. Samples are ``recovery(supervisor(generator(z)))``.

    With ``y``, the one-hot class joins the inputs of the generator, the supervisor
    and the discriminator (the paper has no conditioning; this is RCGAN's scheme), and
    the moment loss is taken within each class.

    As a transformer, :meth:`transform` gives each series' latent features: the mean
    of the embedder's latent sequence over the series' steps, then its last step,
    shape ``(n_series, 2 * hidden_size)``, for a downstream model in a
    :class:`~sklearn.pipeline.Pipeline`; :meth:`embed` gives the whole latent
    sequences. The embedder does not see the class, so neither needs labels.

    The loss weights are those of the paper's code: the paper writes the losses as
    ``L_S`` (supervised), ``L_U`` (adversarial) and ``L_R`` (reconstruction), with
    ``lambda`` and ``eta`` balancing them.

    Parameters
    ----------
    hidden_size : int, default=24
        Units per recurrent layer, and size of the latent space (the paper's 24).
    num_layers : int, default=3
        Recurrent layers per network (the supervisor has one fewer), the paper's 3.
    latent_dim : int, default=None
        Size of the uniform noise vector fed at every step; None uses the number of
        features, as the paper's code does.
    cell : {"gru", "lstm"}, default="gru"
        Recurrent cell of every network.
    gamma : float, default=1.0
        Weight of the adversarial loss on the generator's direct output (without the
        supervisor), for generator and discriminator.
    supervised_weight : float, default=100.0
        Weight of ``sqrt(L_S)`` in the generator's loss (the paper's ``eta``, as its code
        applies it).
    moment_weight : float, default=100.0
        Weight of the moment loss (L1 gap of per-step means and standard deviations of
        real and synthetic series) in the generator's loss.
    correlation_weight : float, default=100.0
        Weight of the correlation loss in the generator's loss: at every step, the gap
        between the correlations of every pair of features in real and in synthetic
        series (:func:`~sktsgan.nn.correlation_loss`). Not in the paper; without it the
        generator tends to tie features together that vary independently in the data
        (see :doc:`/training`). 0 trains as the paper does.
    reconstruction_weight : float, default=10.0
        Weight of ``sqrt(L_R)`` in the autoencoder's losses.
    embedder_supervised_weight : float, default=0.1
        Weight of ``L_S`` in the embedder's joint-phase loss (the paper's ``lambda``).
    discriminator_threshold : float, default=0.15
        The discriminator updates only while its loss is above this value, which
        keeps it from overpowering the generator (the paper's code).
    n_epochs : int, default=100
        Passes over the data in the joint phase.
    n_epochs_embedding : int, default=None
        Passes in the embedding phase; None uses ``n_epochs``, as the paper runs the
        same number of iterations in all three phases.
    n_epochs_supervised : int, default=None
        Passes in the supervised phase; None uses ``n_epochs``.
    batch_size : int or "auto", default="auto"
        Series per batch; "auto" uses ``min(128, n_series)`` (the paper's 128).
    lr : float, default=1e-3
        Adam learning rate of every network (the paper's code uses Adam's defaults).
    {augmentation_parameters}
    {selection_parameters}
    {runtime_parameters}
    {reliability_parameters}
    {long_frame_parameters}
    {static_parameters}

    Attributes
    ----------
    engine_ : sktsgan.nn.AdversarialNet
        The trained skorch net; ``engine_.module_`` holds the five networks.
    history_ : skorch.History
        Per epoch: ``phase`` ("embedding", "supervised" or "joint") and the losses of
        the players of that phase (``autoencoder_loss``, ``supervisor_loss``,
        ``generator_loss``, ``embedder_loss``, ``discriminator_loss``).
        ``diversity``: spread of generated series over real ones (mode collapse
        if near 0; see :doc:`/reliability`).
    scaler_ : sklearn.preprocessing.MinMaxScaler
        Per-feature scaling learned in ``fit``.
    {data_attributes}
    device_ : str
        The device the sampler was trained on.

    See Also
    --------
    RCGANSampler : A plain recurrent GAN; faster per epoch.

    References
    ----------
    .. [1] J. Yoon, D. Jarrett and M. van der Schaar. "Time-series generative
       adversarial networks". NeurIPS 2019.

    Examples
    --------
    >>> from sktsgan import TimeGANSampler
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(64, n_timesteps=12, n_features=2, random_state=0)
    >>> sampler = TimeGANSampler(hidden_size=8, num_layers=2, n_epochs=2, random_state=0)
    >>> sampler.fit(X).sample(5).shape
    (5, 12, 2)
    >>> sampler.transform(X).shape  # latent features: mean and last latent step
    (64, 16)
    """

    _categorical_channels = True

    _parameter_constraints: dict = {
        **BaseSequenceSampler._parameter_constraints,
        **_DiscriminatorAugmentationMixin._parameter_constraints,
        **_WeightSelectionMixin._parameter_constraints,
        **STATIC_CONSTRAINTS,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        "cell": [StrOptions({"lstm", "gru"})],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "supervised_weight": [Interval(Real, 0, None, closed="left")],
        "moment_weight": [Interval(Real, 0, None, closed="left")],
        "correlation_weight": [Interval(Real, 0, None, closed="left")],
        "reconstruction_weight": [Interval(Real, 0, None, closed="neither")],
        "embedder_supervised_weight": [Interval(Real, 0, None, closed="left")],
        "discriminator_threshold": [Interval(Real, 0, None, closed="left")],
        "n_epochs_embedding": [Interval(Integral, 1, None, closed="left"), None],
        "n_epochs_supervised": [Interval(Integral, 1, None, closed="left"), None],
    }
    _auto_batch_size = 128

    def __init__(
        self,
        *,
        hidden_size=24,
        num_layers=3,
        latent_dim=None,
        cell="gru",
        gamma=1.0,
        supervised_weight=100.0,
        moment_weight=100.0,
        correlation_weight=100.0,
        reconstruction_weight=10.0,
        embedder_supervised_weight=0.1,
        discriminator_threshold=0.15,
        n_epochs=100,
        n_epochs_embedding=None,
        n_epochs_supervised=None,
        batch_size="auto",
        lr=1e-3,
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
        self.gamma = gamma
        self.supervised_weight = supervised_weight
        self.moment_weight = moment_weight
        self.correlation_weight = correlation_weight
        self.reconstruction_weight = reconstruction_weight
        self.embedder_supervised_weight = embedder_supervised_weight
        self.discriminator_threshold = discriminator_threshold
        self.n_epochs = n_epochs
        self.n_epochs_embedding = n_epochs_embedding
        self.n_epochs_supervised = n_epochs_supervised
        self.batch_size = batch_size
        self.lr = lr
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
            "module": TimeGANNetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__blocks": getattr(self, "_channel_blocks", None),
            "module__hidden_size": self.hidden_size,
            "module__num_layers": self.num_layers,
            "module__latent_dim": self.latent_dim or n_features,
            "module__cell": self.cell,
            "criterion": TimeGANObjective,
            "criterion__gamma": self.gamma,
            "criterion__supervised_weight": self.supervised_weight,
            "criterion__moment_weight": self.moment_weight,
            "criterion__correlation_weight": self.correlation_weight,
            "criterion__reconstruction_weight": self.reconstruction_weight,
            "criterion__embedder_supervised_weight": self.embedder_supervised_weight,
            "lr": self.lr,
        }

    def _training_phases(self, n_batches):
        # the paper's code: per joint iteration, two generator and two embedder updates,
        # then one discriminator update if its loss is above the threshold
        joint = (("generator", 1), ("embedder", 1)) * 2 + (("discriminator", 1),)
        return [
            TrainingPhase(
                "embedding", (("autoencoder", 1),), self.n_epochs_embedding or self.n_epochs
            ),
            TrainingPhase(
                "supervised", (("supervisor", 1),), self.n_epochs_supervised or self.n_epochs
            ),
            TrainingPhase(
                "joint",
                joint,
                self.n_epochs,
                min_loss={"discriminator": self.discriminator_threshold},
            ),
        ]

    # -- latent features -----------------------------------------------------------------

    def transform(self, X):
        """Latent features of each series: its mean and last latent step.

        The embedder maps each step of a series into TimeGAN's latent space; a series'
        features are the mean of its latent steps followed by its last latent step
        (which, the embedder being recurrent, has read the whole series). Padding is
        never read: the features of a series do not depend on the series it comes
        with. Series may be longer than those of ``fit`` (the embedder runs over any
        number of steps, though it was trained on at most ``n_timesteps_``).

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series in any format ``fit`` reads, with the features seen in ``fit``; a
            long DataFrame gives one row per id, in the order the ids first appear.

        Returns
        -------
        Z : ndarray of shape (n_series, 2 * hidden_size)
            Float64; columns ``0 .. hidden_size - 1`` hold the mean of the latent
            steps, the others the last latent step (see
            :meth:`get_feature_names_out`). Each value is in ``[0, 1]`` (the
            embedder ends in a sigmoid).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> from sktsgan import TimeGANSampler
        >>> from sktsgan.datasets import make_waves
        >>> X, y = make_waves(40, n_timesteps=16, random_state=0)
        >>> timegan = TimeGANSampler(hidden_size=4, num_layers=1, n_epochs=2, random_state=0)
        >>> model = make_pipeline(timegan, LogisticRegression()).fit(X, y)
        >>> model[0].transform(X).shape
        (40, 8)
        >>> model.predict(X[:2]).shape
        (2,)
        """
        hidden = self.hidden_size
        data = self._read_series(X)
        Z = np.empty((data.n_series, 2 * hidden), dtype=np.float64)
        for start, stop, latent, lengths in self._latent_chunks(data):
            mask = time_mask(lengths, latent.shape[1])[:, :, None]
            Z[start:stop, :hidden] = (latent * mask).sum(axis=1) / lengths[:, None]
            Z[start:stop, hidden:] = latent[np.arange(stop - start), lengths - 1]
        return Z

    def embed(self, X):
        """The embedder's latent sequence of each series.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series in any format ``fit`` reads, with the features seen in ``fit``.

        Returns
        -------
        H : ndarray of shape (n_series, n_timesteps, hidden_size)
            Float64 latent steps in ``[0, 1]``; ``n_timesteps`` is that of the longest
            series in ``X`` (1 for tabular rows), and the steps past each series'
            length are NaN.

        Examples
        --------
        >>> from sktsgan import TimeGANSampler
        >>> from sktsgan.datasets import make_sines
        >>> X = make_sines(16, n_timesteps=10, n_features=2, random_state=0)
        >>> timegan = TimeGANSampler(hidden_size=4, num_layers=1, n_epochs=1, random_state=0)
        >>> timegan.fit(X).embed([X[0], X[1, :6]]).shape
        (2, 10, 4)
        """
        data = self._read_series(X)
        H = np.empty((data.n_series, data.n_timesteps, self.hidden_size), dtype=np.float64)
        for start, stop, latent, lengths in self._latent_chunks(data):
            latent[~time_mask(lengths, latent.shape[1])] = np.nan
            H[start:stop] = latent
        return H

    def get_feature_names_out(self, input_features=None):
        """Names of the latent features of :meth:`transform`.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        names : ndarray of str
            ``timegansampler_mean0 ..`` then ``timegansampler_last0 ..``, ``hidden_size``
            of each.
        """
        check_is_fitted(self, "engine_")
        prefix = type(self).__name__.lower()
        names = [
            f"{prefix}_{pool}{i}" for pool in ("mean", "last") for i in range(self.hidden_size)
        ]
        return np.asarray(names, dtype=object)

    def _read_series(self, X):
        check_is_fitted(self, "engine_")
        return check_fitted_sequences(self, X)[0]

    def _latent_chunks(self, data):
        """Yield ``(start, stop, latent, lengths)``: the embedder's output, chunk by chunk.

        The series are scaled with ``scaler_``; ``latent`` is a float64 array
        ``(stop - start, n_timesteps, hidden_size)``, arbitrary past each length.
        """
        n, t = data.values.shape[:2]
        # In double precision: float32 kernels round differently with the layout of a
        # batch, and a series' features should not depend on the series beside it.
        embedder = copy.deepcopy(self.engine_.module_.embedder).double().eval()
        chunk = max(1, self._steps_per_sampling_chunk // t)
        with pinned_threads(), torch.inference_mode():
            for start in range(0, n, chunk):
                stop = min(n, start + chunk)
                values, lengths = data.values[start:stop], data.lengths[start:stop]
                # padding set to 0, as in training
                scaled = self._encode_series(values, lengths, dtype=np.float64)
                x = torch.as_tensor(scaled, dtype=torch.float64, device=self.engine_.device)
                latent = embedder(x).cpu().numpy()
                yield start, stop, latent, lengths
