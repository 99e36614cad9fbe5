"""A conditional GAN that forecasts a series' next steps from its recent history."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..base import BaseSequenceSampler
from ..base._neural import _one_hot
from ..nn import RecurrentNetwork, crps_loss, with_condition
from ..utils._formats import _is_collection_of_series
from ..utils._random import draw_seed
from ..utils._scaling import scale_series, unscale_series
from ..utils._torch import seeded_torch
from ..utils._windows import sliding_pairs
from ..utils.validation import (
    SequenceData,
    check_fitted_sequences,
    check_labels,
    check_n_samples,
    check_sequences,
)
from ._gan import (
    DIVERGENCE_ADVICE,
    LOSS_CONSTRAINTS,
    adam_betas,
    adversarial_phase,
    discriminator_loss,
    discriminator_lr,
    generator_loss,
)

# forecast this many histories at once when predicting and sampling
_FORECAST_CHUNK = 4096
# futures drawn per training history for the supervised (CRPS) term of the generator
_SUPERVISED_DRAWS = 8


class ForecastNetworks(nn.Module):
    """Generator (history encoder + noise-driven decoder) and a history-aware critic.

    The generator's encoder LSTM reads the history. A linear read-out of its last
    hidden state gives the expected change of every future step from the last observed
    value (the path an MSE regressor has); its final state also starts a decoder LSTM
    fed one noise vector per future step, whose linear read-out adds each path's own
    deviation. The discriminator reads history and future as one sequence and scores
    every future step.
    """

    def __init__(self, n_features, n_classes, hidden_size, num_layers, latent_dim, horizon):
        super().__init__()
        self.latent_dim = latent_dim
        self.horizon = horizon
        self.encoder = nn.LSTM(n_features + n_classes, hidden_size, num_layers, batch_first=True)
        self.decoder = nn.LSTM(latent_dim + n_classes, hidden_size, num_layers, batch_first=True)
        self.readout = nn.Linear(hidden_size, n_features)
        self.location = nn.Linear(hidden_size, horizon * n_features)
        self.discriminator = RecurrentNetwork(
            n_features + n_classes, hidden_size, 1, num_layers=num_layers, cell="lstm"
        )

    def player_parameters(self):
        generator = [
            *self.encoder.named_parameters("encoder"),
            *self.decoder.named_parameters("decoder"),
            *self.readout.named_parameters("readout"),
            *self.location.named_parameters("location"),
        ]
        return {
            "discriminator": list(self.discriminator.named_parameters()),
            "generator": generator,
        }

    def forecast(self, history, condition=None, noise=None):
        """One drawn future ``(batch, horizon, n_features)`` for each history.

        ``noise`` ``(batch, horizon, latent_dim)`` is drawn when None.
        """
        return self.draw(history, condition, 1, noise)[:, 0]

    def draw(self, history, condition=None, n_paths=1, noise=None):
        """``n_paths`` futures ``(batch, n_paths, horizon, n_features)`` per history.

        The history is encoded once; its state starts every path's decoder. ``noise``
        ``(batch * n_paths, horizon, latent_dim)`` is drawn when None.
        """
        batch = len(history)
        _, state = self.encoder(with_condition(history, condition))
        # the shared expected change: without it the decoder had to learn the location
        # through its recurrence on noise, and point forecasts lagged an MSE LSTM's by 21 %
        location = self.location(state[0][-1]).reshape(batch, 1, self.horizon, -1)
        if n_paths > 1:
            state = tuple(s.repeat_interleave(n_paths, dim=1) for s in state)
            if condition is not None:
                condition = condition.repeat_interleave(n_paths, dim=0)
        if noise is None:
            noise = torch.randn(
                batch * n_paths, self.horizon, self.latent_dim, device=history.device
            )
        steps, _ = self.decoder(with_condition(noise, condition), state)
        change = self.readout(steps).reshape(batch, n_paths, self.horizon, -1)
        return history[:, None, -1:, :] + location + change

    def diversity_pair(self, batch):
        """Real and drawn changes from the last history step, for the diversity check.

        Changes, not levels: the levels of futures vary with their histories, so a
        forecaster that ignores its noise and its history would still look diverse.
        """
        series = batch["x"]
        history, future = series[:, : -self.horizon], series[:, -self.horizon :]
        last = history[:, -1:]
        drawn = self.forecast(history, batch.get("condition"))
        return future - last, drawn - last, batch["mask"][:, -self.horizon :]

    def discriminate(self, series, condition=None):
        """Per-step logits ``(batch, time)`` of whole (history + future) series."""
        return self.discriminator(with_condition(series, condition)).squeeze(2)


class ForecastObjective(nn.Module):
    """Adversarial loss on the future steps, the history given to both players.

    With ``supervised_weight > 0`` the generator's loss adds that weight times the CRPS
    of ``n_draws`` futures drawn for each history against the real one: a proper
    scoring rule, lowest when the draws follow the real distribution, so it pulls the
    forecasts towards the data without collapsing their spread.
    """

    def __init__(
        self,
        window,
        loss="bce",
        gp_weight=10.0,
        supervised_weight=0.0,
        n_draws=_SUPERVISED_DRAWS,
    ):
        super().__init__()
        self.window = window
        self.loss = loss
        self.gp_weight = gp_weight
        self.supervised_weight = supervised_weight
        self.n_draws = n_draws

    def forward(self, networks, batch, player):
        series, condition = batch["x"], batch.get("condition")
        history = series[:, : self.window]
        n = len(series)
        mask = batch["mask"][:, self.window :]
        if player == "discriminator":
            with torch.no_grad():
                fake = torch.cat([history, networks.forecast(history, condition)], dim=1)
            both = torch.cat([series, fake])
            cond2 = None if condition is None else condition.repeat(2, 1)
            real_scores, fake_scores = networks.discriminate(both, cond2)[:, self.window :].split(
                n
            )

            def critic(x):
                return networks.discriminate(x, condition)[:, self.window :]

            return discriminator_loss(
                self.loss, critic, series, fake, real_scores, fake_scores, mask, self.gp_weight
            )
        supervised = self.supervised_weight > 0
        paths = networks.draw(history, condition, self.n_draws if supervised else 1)
        fake = torch.cat([history, paths[:, 0]], dim=1)
        scores = networks.discriminate(fake, condition)[:, self.window :]
        loss = generator_loss(self.loss, scores, mask)
        if supervised:
            loss = loss + self.supervised_weight * crps_loss(series[:, self.window :], paths, mask)
        return loss


class LSTMForecastGAN(BaseSequenceSampler):
    """Probabilistic forecaster: a conditional GAN that draws futures given a history.

    The generator (LSTM encoder over the last ``window`` steps, a linear read-out of its
    state for the expected future and an LSTM decoder fed noise for each path's
    deviation from it) draws the next ``horizon`` steps; the discriminator reads
    history and future together and judges whether the future is real. Trained on
    every (history, future) pair cut from the training series with ``stride``, it
    learns the distribution of futures, not only their mean: :meth:`sample_paths`
    draws many plausible futures, :meth:`predict` returns their median,
    :meth:`predict_quantiles` their quantiles, and :meth:`sample` rolls the generator
    forward from real history windows into whole synthetic series, to augment a data
    set like the other samplers.

    **Data.** ``fit`` learns from (history, future) pairs, given in one of two ways:

    - ``fit(X)``: ``X`` is a set of whole series in any of the samplers' 3-D formats
      (a 3-D array ``(n_series, n_timesteps, n_features)``, NaN-padded or a list of
      series of different lengths, a long DataFrame with ``id_column``); the pairs are
      cut from every series with ``stride`` (series shorter than ``window + horizon``
      give none). One long series is the array ``series[np.newaxis]``.
    - ``fit(X, y)``, as a scikit-learn regressor: ``X`` holds the histories ``(n,
      n_steps, n_features)`` (the last ``window`` valid steps of each are read) and
      ``y`` the real futures ``(n, horizon, n_features)``, one pair per row. This is
      what ``cross_val_score(model, X, y)`` and ``GridSearchCV`` split, and
      :meth:`score` scores; :func:`sktsgan.preprocessing.forecast_pairs` cuts such
      pairs from series.

    Class labels, one per series (or per pair), go to ``labels=`` (in :meth:`fit`,
    :meth:`predict`, :meth:`predict_quantiles`, :meth:`sample_paths` and
    :meth:`score`) and condition the generator. :meth:`sample` keeps the contract of
    every sampler: ``sample(n, y=None)``, with ``y`` the classes of the series to draw.
    A 2-D array or a wide DataFrame is refused: every sampler in sktsgan reads those as
    tabular rows, which have no steps to forecast.

    **Privacy.** :meth:`sample` starts every series it draws with a real history
    window of the training data (the first ``window`` steps of a training series, or of
    a training history), then rolls the generator forward from it. Those steps are
    copies of training data: do not share sampled series where the training series must
    stay private.

    Parameters
    ----------
    window : int, default=42
        History steps the generator reads.
    horizon : int, default=10
        Future steps it draws.
    stride : int, default=1
        Steps between the starts of successive training pairs.
    hidden_size : int, default=64
        Units per LSTM layer, in every network.
    num_layers : int, default=1
        LSTM layers per network.
    latent_dim : int, default=8
        Size of the Gaussian noise vector fed at every future step.
    loss : {"bce", "wgan-gp"}, default="bce"
        Non-saturating cross-entropy GAN, or Wasserstein with gradient penalty.
    gp_weight : float, default=10.0
        Weight of the gradient penalty (``loss="wgan-gp"`` only).
    n_critic : int or "auto", default="auto"
        Discriminator updates per generator update; "auto" is 1 for "bce", 5 for
        "wgan-gp".
    supervised_weight : float, default=1.0
        Weight of a supervised term added to the generator's adversarial loss: the
        continuous ranked probability score (CRPS) of 8 futures drawn for each training
        history against the real future, in the scaled space. The CRPS is a proper
        scoring rule, lowest when the draws follow the real distribution, so the term
        sharpens forecasts without collapsing their spread to one path. 0 trains the
        adversarial loss alone.
    n_draws : int, default=100
        Futures drawn per history by :meth:`predict` (their median is the point
        forecast) and :meth:`score`.
    n_epochs : int, default=50
        Passes over the training pairs.
    batch_size : int or "auto", default="auto"
        Pairs per batch; "auto" uses ``min(256, n_pairs)``.
    lr : float, default=1e-3
        Adam learning rate of the generator.
    lr_discriminator : float, default=None
        Adam learning rate of the discriminator; None uses ``4 * lr``.
    {runtime_parameters}
    {reliability_parameters}
    id_column, time_column : str, default=None
        For a long DataFrame of several series: the column naming each series, and the
        one ordering its steps.

    Attributes
    ----------
    engine_ : sktsgan.nn.AdversarialNet
        The trained skorch net.
    history_ : skorch.History
        Per epoch: ``generator_loss``, ``discriminator_loss``
        (``generator_loss`` includes the weighted CRPS term).
        ``diversity``: spread of generated series over real ones (mode collapse
        if near 0; see :doc:`/reliability`).
    scaler_ : sklearn.preprocessing.MinMaxScaler
        Per-feature scaling learned in ``fit``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of str
        Feature names, for DataFrame input with string column names.
    n_timesteps_ : int
        Length of the longest training series (of ``sample``'s series).
    n_samples_fit_ : int
        Number of training series.
    n_pairs_ : int
        Number of (history, future) training pairs.
    lengths_ : ndarray of shape (n_series,)
        Training series lengths.
    classes_, class_prior_ : ndarray
        Class labels and their frequencies, for a model fitted with ``y``.
    device_ : str
        The device the model was trained on.

    See Also
    --------
    sktsgan.metrics.crps_ensemble : Score the drawn futures.
    RCGANSampler : Whole series from noise, without a history.

    References
    ----------
    .. [1] A. Koochali, P. Schichtel, A. Dengel and S. Ahmed. "Probabilistic
       forecasting of sensory data with generative adversarial networks - ForGAN".
       IEEE Access, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan import LSTMForecastGAN
    >>> t = np.arange(300.0)
    >>> series = np.sin(t / 5)[np.newaxis, :, np.newaxis]  # one series, one feature
    >>> model = LSTMForecastGAN(window=12, horizon=3, n_epochs=2, random_state=0)
    >>> model.fit(series).predict(series[:, -12:]).shape
    (1, 3, 1)
    >>> model.sample_paths(series[:, -12:], n_paths=20).shape
    (1, 20, 3, 1)

    As a regressor on (history, future) pairs, cross-validated:

    >>> from sklearn.model_selection import cross_val_score
    >>> from sktsgan.preprocessing import forecast_pairs
    >>> X, y = forecast_pairs(series, window=12, horizon=3, stride=3)
    >>> X.shape, y.shape
    ((96, 12, 1), (96, 3, 1))
    >>> model = LSTMForecastGAN(window=12, horizon=3, n_epochs=1, random_state=0)
    >>> cross_val_score(model, X, y, cv=3).shape
    (3,)
    """

    _divergence_advice = DIVERGENCE_ADVICE

    _parameter_constraints: dict = {
        **BaseSequenceSampler._parameter_constraints,
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        **LOSS_CONSTRAINTS,
        "supervised_weight": [Interval(Real, 0, None, closed="left")],
        "n_draws": [Interval(Integral, 1, None, closed="left")],
        "lr_discriminator": [Interval(Real, 0, None, closed="neither"), None],
    }
    _auto_batch_size = 256
    _example_name = "(history, future) pairs in X"
    _min_series = 1
    _fit_with_labels = "fit(X, labels=...)"

    def __init__(
        self,
        *,
        window=42,
        horizon=10,
        stride=1,
        hidden_size=64,
        num_layers=1,
        latent_dim=8,
        loss="bce",
        gp_weight=10.0,
        n_critic="auto",
        supervised_weight=1.0,
        n_draws=100,
        n_epochs=50,
        batch_size="auto",
        lr=1e-3,
        lr_discriminator=None,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        warm_start=False,
        id_column=None,
        time_column=None,
    ):
        self.window = window
        self.horizon = horizon
        self.stride = stride
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.latent_dim = latent_dim
        self.loss = loss
        self.gp_weight = gp_weight
        self.n_critic = n_critic
        self.supervised_weight = supervised_weight
        self.n_draws = n_draws
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.lr_discriminator = lr_discriminator
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.warm_start = warm_start
        self.id_column = id_column
        self.time_column = time_column

    # -- fitting ---------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, labels=None):
        """Learn the distribution of the next ``horizon`` steps given ``window`` steps.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series \
                or long DataFrame
            Without ``y``: whole series, the training pairs are cut from them. With
            ``y``: one history per row (its last ``window`` valid steps are read).
        y : array-like of shape (n_series, horizon, n_features), default=None
            The real future of each history in ``X``.
        labels : array-like of shape (n_series,), default=None
            Class labels, one per series of ``X``; condition the generator.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        if y is None:
            data, input_format = self._read_series(X, "X", min_series=1)
        else:
            data, input_format = self._read_pairs(X, y)
        label_info = None
        if labels is not None:
            label_info = check_labels(labels, data.n_series, estimator_name=type(self).__name__)
        return self._fit_data(data, input_format, label_info)

    def _read_pairs(self, X, y):
        """Histories and their futures, joined into series of ``window + horizon`` steps."""
        if _looks_like_labels(y):
            raise ValueError(
                f"y must hold the real futures, an array (n_series, horizon={self.horizon}, "
                f"n_features); got one value per series ({np.shape(y)}). "
                f"{type(self).__name__} takes class labels as fit(X, labels=labels)."
            )
        histories, input_format = self._read_series(X, "X", min_series=1)
        futures, _ = self._read_series(y, "y", min_series=1)
        n, d = histories.n_series, histories.n_features
        expected = (n, self.horizon, d)
        found = (futures.n_series, futures.n_timesteps, futures.n_features)
        if found != expected or futures.is_ragged:
            raise ValueError(
                f"y must hold the real future of each history in X, shape {expected} "
                f"(n_series, horizon, n_features), without padding; got {found}"
                f"{' with padded futures' if futures.is_ragged else ''}. Set horizon to the "
                "length of the futures, or pass y=None to fit on whole series."
            )
        values = np.concatenate([self._last_windows(histories, "X"), futures.values], axis=1)
        lengths = np.full(n, self.window + self.horizon, dtype=np.int64)
        return SequenceData(values, lengths), input_format

    def _engine_params(self, n_features, n_classes):
        return {
            "module": ForecastNetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__hidden_size": self.hidden_size,
            "module__num_layers": self.num_layers,
            "module__latent_dim": self.latent_dim,
            "module__horizon": self.horizon,
            "criterion": ForecastObjective,
            "criterion__window": self.window,
            "criterion__loss": self.loss,
            "criterion__gp_weight": self.gp_weight,
            "criterion__supervised_weight": self.supervised_weight,
            "lr": self.lr,
            # a faster discriminator (two time-scale updates): at the generator's rate it
            # stayed at chance while the generator's futures drifted out of range
            "player_lr": discriminator_lr(self.lr, self.lr_discriminator, ratio=4),
            # Adam's default momentum with BCE, not the other GANs' 0.5: this is how the
            # forecaster was first tuned, and its documented figures come from it
            # (not re-measured against 0.5)
            "optimizer__betas": adam_betas(self.loss, bce_betas=(0.9, 0.999)),
        }

    def _training_phases(self, n_batches):
        return [adversarial_phase(self.loss, self.n_critic, self.n_epochs)]

    def _scaled_tensors(self, data, labels, device):
        """Every (history, future) pair of every series, scaled, as one tensor."""
        span = self.window + self.horizon
        scaled = scale_series(self.scaler_, data.values, dtype=np.float64)
        pairs, owners = sliding_pairs(scaled, data.lengths, span, self.stride)
        if not len(pairs):
            raise ValueError(
                f"No series in X is long enough for one training pair: window={self.window} "
                f"+ horizon={self.horizon} = {span} steps are needed, and the longest series "
                f"has {int(data.lengths.max())}. Pass longer series or lower window/horizon."
            )
        self.n_pairs_ = len(pairs)
        # real history windows to start sampled series from, per training series
        self._seeds = scaled[:, : self.window].astype(np.float32)
        self._seed_owners = np.flatnonzero(data.lengths >= self.window)
        tensors = {
            "x": torch.as_tensor(pairs, dtype=torch.float32, device=device),
            "mask": torch.ones(len(pairs), span, device=device),
        }
        if labels is not None:
            tensors["condition"] = _one_hot(labels.codes[owners], len(labels.classes), device)
        return tensors

    # -- forecasting -----------------------------------------------------------------

    def sample_paths(self, X, n_paths=100, *, labels=None, random_state=None):
        """Draw ``n_paths`` futures for each history.

        Parameters
        ----------
        X : array-like of shape (n, n_timesteps, n_features), list of series or long \
                DataFrame
            Histories, each at least ``window`` valid steps long; the last ``window``
            steps of each are read.
        n_paths : int, default=100
            Futures per history.
        labels : label or array-like of shape (n,), default=None
            For a model fitted with ``labels``: the class of each history (or one label
            for all). Required then.
        random_state : int, RandomState instance or None, default=None
            Seed for this draw; None continues the model's own stream.

        Returns
        -------
        paths : ndarray of shape (n, n_paths, horizon, n_features)
            In original units.
        """
        check_is_fitted(self, "engine_")
        histories = self._check_history(X)
        n_paths = check_n_samples(
            n_paths,
            bytes_per_sample=len(histories) * self.horizon * self.n_features_in_ * 8,
            name="n_paths",
        )
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        return self._paths(histories, labels, n_paths, draw_seed(rng))

    def _paths(self, histories, labels, n_paths, seed, *, common_noise=False):
        """Drawn futures ``(n, n_paths, horizon, d)`` in original units.

        With ``common_noise``, path ``j`` of every history is driven by the same noise
        (common random numbers): the paths of a history then do not depend on the
        other histories drawn with it.
        """
        codes = self._history_codes(labels, len(histories))
        repeated = np.repeat(histories, n_paths, axis=0)
        repeated_codes = None if codes is None else np.repeat(codes, n_paths)
        noise = None
        if common_noise:
            module = self.engine_.module_
            shape = (n_paths, module.horizon, module.latent_dim)
            with seeded_torch(seed, self.engine_.device):
                noise = torch.randn(shape, device=self.engine_.device)
        futures = self._forecast(repeated, repeated_codes, seed=seed, noise=noise)
        paths = unscale_series(self.scaler_, futures.astype(np.float64), clip=False)
        return paths.reshape(len(histories), n_paths, self.horizon, -1)

    def predict_quantiles(self, X, quantiles=(0.1, 0.5, 0.9), *, labels=None, random_state=None):
        """Quantiles of the drawn futures, per step and feature.

        Parameters
        ----------
        X : array-like
            Histories, as for :meth:`sample_paths`.
        quantiles : sequence of float in [0, 1], default=(0.1, 0.5, 0.9)
            The quantiles to return.
        labels : label or array-like, default=None
            Classes of the histories, for a model fitted with ``labels``.
        random_state : int, RandomState instance or None, default=None
            Seed of the drawn futures; None continues the model's own stream.

        Returns
        -------
        ndarray of shape (n_quantiles, n, horizon, n_features)
            Quantile axis first, as :func:`numpy.quantile` puts it. Based on ``n_draws``
            paths per history, driven by the same ``n_draws`` noise vectors for every
            history (common random numbers): the quantiles of a history do not depend
            on the other histories in ``X`` or their order.
        """
        quantiles = np.asarray(quantiles, dtype=float)
        if quantiles.ndim != 1 or np.any((quantiles < 0) | (quantiles > 1)):
            raise ValueError(
                f"quantiles must be a sequence of numbers in [0, 1], got {quantiles}."
            )
        check_is_fitted(self, "engine_")
        histories = self._check_history(X)
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        paths = self._paths(histories, labels, self.n_draws, draw_seed(rng), common_noise=True)
        return np.quantile(paths, quantiles, axis=-3)

    def predict(self, X, *, labels=None):
        """Point forecasts: the median of ``n_draws`` drawn futures.

        Parameters
        ----------
        X : array-like
            Histories, as for :meth:`sample_paths`.
        labels : label or array-like, default=None
            Classes of the histories, for a model fitted with ``labels``.

        Returns
        -------
        ndarray of shape (n, horizon, n_features)
            The same for the same histories: the draws are seeded.
        """
        return self.predict_quantiles(X, (0.5,), labels=labels, random_state=0)[0]

    def score(self, X, y, *, labels=None):
        """Negative mean absolute error of :meth:`predict` (greater is better).

        Parameters
        ----------
        X : array-like
            Histories, as for :meth:`sample_paths`.
        y : array-like of shape (n, horizon, n_features)
            The real futures.
        labels : label or array-like, default=None
            Classes of the histories, for a model fitted with ``labels``.

        Returns
        -------
        score : float
            ``-mean(|y - predict(X)|)`` in original units.
        """
        predicted = self.predict(X, labels=labels)
        y = np.asarray(y, dtype=float)
        if y.shape != predicted.shape:
            raise ValueError(
                f"y must hold the real futures, shape {predicted.shape} (n, horizon, "
                f"n_features); got shape {y.shape}."
            )
        return -float(np.mean(np.abs(y - predicted)))

    # -- sampling whole series -------------------------------------------------------

    def _generate(self, n, codes, *, seed, static_rows=None):
        """Series of the training length, rolled forward from real history windows."""
        rng = np.random.RandomState(seed)
        owners = self._seed_owners
        if codes is not None:
            starts = np.empty(n, dtype=np.int64)
            for code in np.unique(codes):
                pool = owners[self._label_codes[owners] == code]
                pool = pool if len(pool) else owners  # the class has no long series
                starts[codes == code] = rng.choice(pool, size=int(np.sum(codes == code)))
        else:
            starts = rng.choice(owners, size=n)
        series = self._seeds[starts]
        while series.shape[1] < self.n_timesteps_:
            future = self._forecast(series[:, -self.window :], codes, seed=draw_seed(rng))
            series = np.concatenate([series, future], axis=1)
        # as the other samplers do: within the training range (constant features pinned)
        return unscale_series(self.scaler_, series[:, : self.n_timesteps_].astype(np.float64))

    def _forecast(self, histories, codes, *, seed, noise=None):
        """One drawn future per scaled history ``(n, window, d)``, in the scaled space.

        ``noise`` (``(k, horizon, latent_dim)``): history ``i`` is driven by row ``i % k``;
        None draws new noise for every history.
        """
        out = np.empty((len(histories), self.horizon, self.n_features_in_), dtype=np.float32)
        device = self.engine_.device

        def forecast(module, start, stop, condition):
            history = torch.as_tensor(histories[start:stop], device=device)
            rows = None if noise is None else noise[torch.arange(start, stop) % len(noise)]
            return module.forecast(history, condition, rows)

        for start, stop, future in self._generated_chunks(
            len(histories), codes, _FORECAST_CHUNK, seed, forecast
        ):
            out[start:stop] = future
        return out

    # -- input checks ----------------------------------------------------------------

    def _read_series(self, X, what, *, min_series):
        """Check ``X`` as series in any 3-D format; 2-D (tabular) input is refused."""
        name = type(self).__name__
        if _is_tabular(X, self.id_column):
            raise ValueError(
                f"{name} reads series, and {what} is 2-D: sktsgan reads a 2-D array or a "
                "wide DataFrame as tabular rows, which have no steps to forecast. Pass one "
                f"long series as a 3-D array, {what}[np.newaxis] (shape (1, n_timesteps, "
                "n_features)), or as a list of one series; several series as a 3-D array, "
                "a list of series or a long DataFrame with id_column."
            )
        return check_sequences(
            X,
            id_column=self.id_column,
            time_column=self.time_column,
            estimator_name=name,
            min_series=min_series,
        )

    def _last_windows(self, data, what):
        """The last ``window`` valid steps of each series, ``(n, window, d)``."""
        short = np.flatnonzero(data.lengths < self.window)
        if len(short):
            raise ValueError(
                f"Each history in {what} needs at least window={self.window} steps; "
                f"history {short[0]} has {data.lengths[short[0]]}. Pass longer histories."
            )
        index = data.lengths[:, None] - self.window + np.arange(self.window)
        return np.take_along_axis(data.values, index[:, :, None], axis=1)

    def _check_history(self, X):
        """Scaled float32 histories ``(n, window, d)`` for the prediction methods."""
        if _is_tabular(X, self.id_column):
            self._read_series(X, "X", min_series=1)  # raises, naming the fix
        data, _ = check_fitted_sequences(self, X)
        return scale_series(self.scaler_, self._last_windows(data, "X"))

    def _history_codes(self, labels, n):
        fitted_with_labels = getattr(self, "classes_", None) is not None
        if fitted_with_labels and labels is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with class labels: pass labels, the class "
                "of each history (or one label for all)."
            )
        if not fitted_with_labels and labels is not None:
            raise ValueError(
                f"{type(self).__name__} was fitted without labels, so it cannot forecast for "
                "a given class; leave labels=None or refit with fit(X, labels=...)."
            )
        return self._sample_codes(n, labels, np.random.RandomState(0), argument="labels")


def _is_tabular(X, id_column):
    """Whether ``X`` is what sktsgan reads as tabular rows: 2-D, or a wide DataFrame."""
    if isinstance(X, pd.DataFrame):
        return id_column is None
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and not _is_collection_of_series(X) and np.ndim(X) == 2
    return np.ndim(X) == 2


def _looks_like_labels(y):
    """Whether ``y`` holds one value per series (class labels), not futures."""
    if isinstance(y, pd.Series):
        return True
    if isinstance(y, (list, tuple)):
        return all(np.ndim(value) == 0 for value in y)
    return not isinstance(y, pd.DataFrame) and np.ndim(y) == 1
