"""A conditional GAN that forecasts a series' next steps from its recent history."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..base import BaseSequenceSampler, _one_hot
from ..nn import RecurrentNetwork, crps_loss, with_condition
from ..utils._random import draw_seed
from ..utils._torch import seeded_torch
from ..utils.validation import (
    _check_columns,
    _check_numeric_columns,
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

    def forecast(self, history, condition=None):
        """One drawn future ``(batch, horizon, n_features)`` for each history."""
        return self.draw(history, condition, 1)[:, 0]

    def draw(self, history, condition=None, n_paths=1):
        """``n_paths`` futures ``(batch, n_paths, horizon, n_features)`` per history.

        The history is encoded once; its state starts every path's decoder.
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
        noise = torch.randn(batch * n_paths, self.horizon, self.latent_dim, device=history.device)
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

    **Data.** ``X`` is one long series ``(n_timesteps, n_features)`` (a 2-D array or a
    DataFrame with one row per step; unlike the other samplers, which read 2-D input as
    tabular rows), or a set of series in any of the samplers' 3-D formats, ragged
    allowed. Series shorter than ``window + horizon`` give no training pair. Histories
    passed to the prediction methods are read the same way (the last ``window`` valid
    steps of each).

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
    device : {"cpu", "cuda", "auto"} or str, default="cpu"
        Where to train; "auto" picks CUDA when available.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, noise and batching, without touching global random states.
    verbose : int, default=0
        0 is silent; 1 shows a progress bar; 2 also prints a table per epoch.
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks.
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
    >>> series = np.sin(t / 5)[:, None]  # one long series, one feature
    >>> model = LSTMForecastGAN(window=12, horizon=3, n_epochs=2, random_state=0)
    >>> model.fit(series).predict(series[-12:]).shape
    (3, 1)
    >>> model.sample_paths(series[-12:], n_paths=20).shape
    (20, 3, 1)
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

    def fit(self, X, y=None):
        """Learn the distribution of the next ``horizon`` steps given ``window`` steps.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features) or (n_series, n_timesteps, \
                n_features), list of series or DataFrame
            One long series, or a set of series; see the class docstring.
        y : array-like of shape (n_series,), default=None
            Class labels, one per series (not per step); condition the generator.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        X, columns = _as_series_set(X, self.id_column)
        super().fit(X, y)
        if columns is not None and all(isinstance(c, str) for c in columns):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        return self

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

    def _training_tensors(self, data, labels, device):
        """Every (history, future) pair of every series, scaled, as one tensor."""
        span = self.window + self.horizon
        scaled = self._scale(data.values)
        pairs, owners = [], []
        for i, length in enumerate(data.lengths):
            if length < span:
                continue
            windows = np.lib.stride_tricks.sliding_window_view(scaled[i, :length], span, axis=0)
            pairs.append(windows[:: self.stride].transpose(0, 2, 1))
            owners.append(np.full(len(pairs[-1]), i))
        if not pairs:
            raise ValueError(
                f"No series in X is long enough for one training pair: window={self.window} "
                f"+ horizon={self.horizon} = {span} steps are needed, and the longest series "
                f"has {int(data.lengths.max())}. Pass longer series or lower window/horizon."
            )
        pairs, owners = np.concatenate(pairs), np.concatenate(owners)
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

    def _scale(self, values):
        n, t, d = values.shape
        return self.scaler_.transform(values.reshape(-1, d)).reshape(n, t, d)

    # -- forecasting -----------------------------------------------------------------

    def sample_paths(self, X_history, n_paths=100, y=None, *, random_state=None):
        """Draw ``n_paths`` futures for each history.

        Parameters
        ----------
        X_history : array-like of shape (n_timesteps, n_features) or (n, n_timesteps, \
                n_features), or list of series
            One history or several, each at least ``window`` valid steps long; the last
            ``window`` steps of each are used.
        n_paths : int, default=100
            Futures per history.
        y : label or array-like of shape (n,), default=None
            For a model fitted with ``y``: the class of each history (or one label for
            all). Required then.
        random_state : int, RandomState instance or None, default=None
            Seed for this draw; None continues the model's own stream.

        Returns
        -------
        paths : ndarray of shape (n, n_paths, horizon, n_features)
            In original units; ``(n_paths, horizon, n_features)`` for one 2-D history.
        """
        check_is_fitted(self, "engine_")
        histories, single = self._check_history(X_history)
        n_paths = check_n_samples(
            n_paths,
            bytes_per_sample=len(histories) * self.horizon * self.n_features_in_ * 8,
            name="n_paths",
        )
        codes = self._history_codes(y, len(histories))
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        repeated = np.repeat(histories, n_paths, axis=0)
        repeated_codes = None if codes is None else np.repeat(codes, n_paths)
        futures = self._forecast(repeated, repeated_codes, seed=draw_seed(rng))
        paths = self._unscale(futures).reshape(len(histories), n_paths, self.horizon, -1)
        return paths[0] if single else paths

    def predict_quantiles(
        self, X_history, quantiles=(0.1, 0.5, 0.9), y=None, *, random_state=None
    ):
        """Quantiles of the drawn futures, per step and feature.

        Parameters
        ----------
        X_history : array-like
            Histories, as for :meth:`sample_paths`.
        quantiles : sequence of float in [0, 1], default=(0.1, 0.5, 0.9)
        y : label or array-like, default=None
            Classes of the histories, for a model fitted with ``y``.
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        ndarray of shape (n_quantiles, n, horizon, n_features)
            Quantile axis first, as :func:`numpy.quantile` puts it;
            ``(n_quantiles, horizon, n_features)`` for one 2-D history. Based on
            ``n_draws`` paths per history.
        """
        quantiles = np.asarray(quantiles, dtype=float)
        if quantiles.ndim != 1 or np.any((quantiles < 0) | (quantiles > 1)):
            raise ValueError(
                f"quantiles must be a sequence of numbers in [0, 1], got {quantiles}."
            )
        paths = self.sample_paths(X_history, self.n_draws, y, random_state=random_state)
        return np.quantile(paths, quantiles, axis=-3)

    def predict(self, X_history, y=None):
        """Point forecasts: the median of ``n_draws`` drawn futures.

        Parameters
        ----------
        X_history : array-like
            Histories, as for :meth:`sample_paths`.
        y : label or array-like, default=None
            Classes of the histories, for a model fitted with ``y``.

        Returns
        -------
        ndarray of shape (n, horizon, n_features)
            ``(horizon, n_features)`` for one 2-D history.
        """
        return self.predict_quantiles(X_history, (0.5,), y, random_state=0)[0]

    def score(self, X, y, labels=None):
        """Negative mean absolute error of :meth:`predict` (greater is better).

        Parameters
        ----------
        X : array-like
            Histories, as for :meth:`sample_paths`.
        y : array-like of shape (n, horizon, n_features)
            The real futures (``(horizon, n_features)`` for one 2-D history).
        labels : label or array-like, default=None
            Classes of the histories, for a model fitted with class labels.

        Returns
        -------
        score : float
            ``-mean(|y - predict(X)|)`` in original units.
        """
        predicted = self.predict(X, labels)
        y = np.asarray(y, dtype=float)
        if y.shape != predicted.shape:
            raise ValueError(
                f"y must hold the real futures, shape {predicted.shape} (n, horizon, "
                f"n_features); got shape {y.shape}."
            )
        return -float(np.mean(np.abs(y - predicted)))

    # -- sampling whole series -------------------------------------------------------

    def _generate(self, n, codes, *, seed):
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
            future = self._forecast(
                series[:, -self.window :], codes, seed=draw_seed(rng), scaled=True
            )
            series = np.concatenate([series, future], axis=1)
        values = self._unscale(series[:, : self.n_timesteps_])
        # as the other samplers do: within the training range (constant features pinned)
        return np.clip(values, self.scaler_.data_min_, self.scaler_.data_max_)

    def _forecast(self, histories, codes, *, seed, scaled=False):
        """One drawn future per (scaled if ``scaled``) history, in the scaled space."""
        module = self.engine_.module_
        device = self.engine_.device
        module.eval()
        if not scaled:
            histories = self._scale(histories).astype(np.float32)
        out = np.empty((len(histories), self.horizon, self.n_features_in_), dtype=np.float32)
        with seeded_torch(seed, device), torch.inference_mode():
            for start in range(0, len(histories), _FORECAST_CHUNK):
                stop = min(len(histories), start + _FORECAST_CHUNK)
                history = torch.as_tensor(histories[start:stop], device=device)
                condition = None
                if codes is not None:
                    condition = _one_hot(codes[start:stop], len(self.classes_), device)
                out[start:stop] = module.forecast(history, condition).cpu().numpy()
        return out

    def _unscale(self, scaled):
        shape = scaled.shape
        d = self.n_features_in_
        values = self.scaler_.inverse_transform(scaled.reshape(-1, d).astype(np.float64))
        return values.reshape(shape)

    # -- input checks ----------------------------------------------------------------

    def _check_history(self, X_history):
        """The last ``window`` steps of each history ``(n, window, d)``; one 2-D history?"""
        single = _is_single_series(X_history, self.id_column)
        X_history, _ = _as_series_set(X_history, self.id_column)
        data, _ = check_sequences(
            X_history,
            id_column=self.id_column,
            time_column=self.time_column,
            estimator_name=type(self).__name__,
            min_series=1,
        )
        if data.n_features != self.n_features_in_:
            raise ValueError(
                f"X_history has {data.n_features} features, but {type(self).__name__} was "
                f"fitted with {self.n_features_in_}."
            )
        short = np.flatnonzero(data.lengths < self.window)
        if len(short):
            raise ValueError(
                f"Each history needs at least window={self.window} steps; history "
                f"{short[0]} has {data.lengths[short[0]]}. Pass longer histories."
            )
        index = data.lengths[:, None] - self.window + np.arange(self.window)
        histories = np.take_along_axis(data.values, index[:, :, None], axis=1)
        return histories, single

    def _history_codes(self, y, n):
        if getattr(self, "classes_", None) is not None and y is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with class labels: pass y, the class of "
                "each history (or one label for all)."
            )
        return self._sample_codes(n, y, np.random.RandomState(0))


def _is_single_series(X, id_column):
    if isinstance(X, pd.DataFrame):
        return id_column is None
    if isinstance(X, list):
        return False
    return np.ndim(X) == 2


def _as_series_set(X, id_column):
    """One long series (2-D array or wide DataFrame) becomes a set of one series."""
    if not _is_single_series(X, id_column):
        return X, None
    if isinstance(X, pd.DataFrame):
        _check_columns(X)
        _check_numeric_columns(X)
        return X.to_numpy(dtype=np.float64, na_value=np.nan)[np.newaxis], list(X.columns)
    return np.asarray(X)[np.newaxis], None
