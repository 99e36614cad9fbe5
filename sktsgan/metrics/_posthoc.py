"""The TimeGAN paper's post-hoc scores: a GRU that tells real from synthetic, and one that
predicts the next step after training on synthetic data (Yoon et al., NeurIPS 2019).

Both networks are skorch nets trained, by default, on data min-max scaled with the real
data's range (as the paper's code does for Stocks and Energy), from a seed, without
touching global random state.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state
from skorch import NeuralNetBinaryClassifier, NeuralNetRegressor
from torch import nn

from ..nn import RecurrentNetwork
from ..utils._random import draw_seed
from ..utils._torch import resolve_device, seeded_torch
from ..utils.validation import check_real_synthetic, time_mask


class _LastStepClassifier(nn.Module):
    """GRU whose hidden state at each series' last valid step gives one logit."""

    def __init__(self, n_features, hidden_size):
        super().__init__()
        self.body = RecurrentNetwork(n_features, hidden_size, 1, cell="gru")

    def forward(self, x, lengths):
        steps = self.body(x).squeeze(2)
        return steps.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)


class _NextStepRegressor(nn.Module):
    """GRU that reads the other features and emits the last one a step ahead."""

    def __init__(self, n_features, hidden_size):
        super().__init__()
        self.body = RecurrentNetwork(
            n_features, hidden_size, 1, cell="gru", output_activation="sigmoid"
        )

    def forward(self, x, lengths):
        return self.body(x)


class _MaskedL1Loss(nn.Module):
    """Mean absolute error over targets that are not NaN (padding of shorter series)."""

    def forward(self, prediction, target):
        valid = ~torch.isnan(target)
        return (prediction[valid] - target[valid]).abs().mean()


class _ArrayBatches:
    """skorch iterator over a Dataset of tensors: one gather per batch, no collation."""

    def __init__(self, dataset, batch_size, shuffle=False, **_):
        self.X, self.y = dataset.X, dataset.y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.n = len(self.X["x"])

    def __len__(self):
        return -(-self.n // self.batch_size)

    def __iter__(self):
        order = torch.randperm(self.n) if self.shuffle else torch.arange(self.n)
        for start in range(0, self.n, self.batch_size):
            index = order[start : start + self.batch_size]
            yield (
                {k: v[index] for k, v in self.X.items()},
                None if self.y is None else self.y[index],
            )


def _scaled_pair(X_real, X_synth, name, scale):
    real, synth, _ = check_real_synthetic(X_real, X_synth, name)
    if not scale:
        for data, which in ((real, "X_real"), (synth, "X_synth")):
            if np.nanmin(data.values) < 0 or np.nanmax(data.values) > 1:
                raise ValueError(
                    f"{name}(scale=False) needs data already in [0, 1], but {which} "
                    f"spans [{np.nanmin(data.values):.3g}, {np.nanmax(data.values):.3g}]. "
                    "Leave scale=True to min-max scale it with the real data's range."
                )
        return [(real.values, real.lengths), (synth.values, synth.lengths)]
    scaler = MinMaxScaler().fit(real.valid_steps())
    out = []
    for data in (real, synth):
        n, t, d = data.values.shape
        values = scaler.transform(data.values.reshape(-1, d)).reshape(n, t, d)
        out.append((values, data.lengths))
    return out


def _pad_to(values, n_timesteps):
    if values.shape[1] >= n_timesteps:
        return values
    pad = np.full((values.shape[0], n_timesteps - values.shape[1], values.shape[2]), np.nan)
    return np.concatenate([values, pad], axis=1)


def _net_kwargs(n_iterations, n_train, batch_size, device):
    batch_size = min(batch_size, n_train)
    batches_per_epoch = -(-n_train // batch_size)
    return {
        "max_epochs": max(1, round(n_iterations / batches_per_epoch)),
        "batch_size": batch_size,
        "optimizer": torch.optim.Adam,
        "lr": 1e-3,
        "train_split": None,
        "iterator_train": _ArrayBatches,
        "iterator_train__shuffle": True,
        "iterator_valid": _ArrayBatches,
        "device": device,
        # no scoring, timing or printing: they cost more than these tiny steps
        "callbacks": "disable",
        "verbose": 0,
    }


def _inputs(values, lengths, device):
    mask = time_mask(lengths, values.shape[1])
    x = np.where(mask[:, :, None], values, 0.0)
    return {
        "x": torch.as_tensor(x, dtype=torch.float32, device=device),
        "lengths": torch.as_tensor(lengths, dtype=torch.int64, device=device),
    }


def _repeat(score_once, n_repeats, random_state, return_std):
    rng = check_random_state(random_state)
    scores = np.array([score_once(draw_seed(rng)) for _ in range(n_repeats)])
    mean, std = float(scores.mean()), float(scores.std())
    return (mean, std) if return_std else mean


def discriminative_score(
    X_real,
    X_synth,
    *,
    hidden_size=None,
    n_iterations=2000,
    batch_size=128,
    test_size=0.2,
    n_repeats=1,
    return_std=False,
    scale=True,
    device="cpu",
    random_state=None,
):
    """How well a post-hoc GRU tells synthetic series from real ones (lower is better).

    The TimeGAN protocol: a one-layer GRU classifier is trained to label real series 1
    and synthetic series 0 on ``1 - test_size`` of each, then tested on the rest. The
    score is ``|accuracy - 0.5|``: 0 when the two are indistinguishable, 0.5 when the
    classifier always tells them apart.

    Parameters
    ----------
    X_real, X_synth : array-like, list of series or DataFrame
        Real and synthetic data in any format the samplers accept, same features.
        The paper compares as many synthetic series as real ones; when the sets differ
        in size, each repeat draws that many series from the larger one, so that
        always answering "real" cannot score.
    hidden_size : int, default=None
        GRU units; None uses ``max(1, n_features // 2)``, as the paper's code does.
    n_iterations : int, default=2000
        Training batches (the paper's 2000).
    batch_size : int, default=128
        Series per batch.
    test_size : float, default=0.2
        Share of each set held out for testing.
    n_repeats : int, default=1
        Independent splits and trainings; the result is their mean.
    return_std : bool, default=False
        Also return the standard deviation over repeats, as the paper reports it.
    scale : bool, default=True
        Min-max scale both sets with the real data's per-feature range first, as the
        paper does for Stocks and Energy. Set False for data already on a unit scale
        that the paper left unscaled (its Sines), to compare with its figures.
    device : str, default="cpu"
        Where the post-hoc network trains.
    random_state : int, RandomState instance or None, default=None
        Seeds the splits and the networks.

    Returns
    -------
    score : float
        Mean ``|accuracy - 0.5|`` over repeats.
    std : float
        Standard deviation over repeats; only with ``return_std=True``.

    References
    ----------
    .. [1] J. Yoon, D. Jarrett and M. van der Schaar. "Time-series generative
       adversarial networks". NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.datasets import make_sines
    >>> from sktsgan.metrics import discriminative_score
    >>> real = make_sines(n_samples=100, n_timesteps=12, n_features=3, random_state=0)
    >>> noise = np.random.RandomState(0).uniform(size=real.shape)
    >>> score = discriminative_score(real, noise, n_iterations=600, hidden_size=4, random_state=0)
    >>> bool(score > 0.3)
    True
    """
    (real, real_len), (synth, synth_len) = _scaled_pair(
        X_real, X_synth, "discriminative_score", scale
    )
    n_timesteps = max(real.shape[1], synth.shape[1])
    values = np.concatenate([_pad_to(real, n_timesteps), _pad_to(synth, n_timesteps)])
    lengths = np.concatenate([real_len, synth_len])
    labels = np.concatenate([np.ones(len(real)), np.zeros(len(synth))]).astype(np.float32)
    device = resolve_device(device)
    hidden = hidden_size or max(1, real.shape[2] // 2)

    def score_once(seed):
        rng = np.random.RandomState(seed)
        train, test = [], []
        groups = (np.flatnonzero(labels == 1), np.flatnonzero(labels == 0))
        n_each = min(len(group) for group in groups)
        for group in groups:
            group = rng.permutation(group)[:n_each]
            n_test = max(1, int(round(test_size * len(group))))
            test.append(group[:n_test])
            train.append(group[n_test:])
        train, test = np.concatenate(train), np.concatenate(test)
        inputs = _inputs(values, lengths, device)
        target = torch.as_tensor(labels, device=device)
        with seeded_torch(seed, device):
            net = NeuralNetBinaryClassifier(
                _LastStepClassifier,
                module__n_features=values.shape[2],
                module__hidden_size=hidden,
                **_net_kwargs(n_iterations, len(train), batch_size, device),
            )
            net.fit({k: v[train] for k, v in inputs.items()}, target[train])
            predicted = net.predict({k: v[test] for k, v in inputs.items()})
        accuracy = np.mean(predicted == labels[test])
        return abs(accuracy - 0.5)

    return _repeat(score_once, n_repeats, random_state, return_std)


def predictive_score(
    X_real,
    X_synth,
    *,
    hidden_size=None,
    n_iterations=5000,
    batch_size=128,
    n_repeats=1,
    return_std=False,
    scale=True,
    device="cpu",
    random_state=None,
):
    """Mean absolute error on real data of a next-step predictor trained on synthetic data.

    The TimeGAN protocol ("train on synthetic, test on real"): a one-layer GRU reads all
    features but the last at steps ``0..T-2`` and predicts the last feature at steps
    ``1..T-1``. It is trained on ``X_synth`` and its mean absolute error is measured on
    all of ``X_real``, both min-max scaled with the real data's range. Lower is better.
    ``predictive_score(X_real, X_real)`` gives the paper's "original data" reference.

    Parameters
    ----------
    X_real, X_synth : array-like, list of series or DataFrame
        Real and synthetic series with at least 2 features and 2 time steps.
    hidden_size : int, default=None
        GRU units; None uses ``max(1, n_features // 2)``, as the paper's code does.
    n_iterations : int, default=5000
        Training batches (the paper's 5000).
    batch_size : int, default=128
        Series per batch.
    n_repeats : int, default=1
        Independent trainings; the result is their mean.
    return_std : bool, default=False
        Also return the standard deviation over repeats.
    scale : bool, default=True
        Min-max scale both sets with the real data's per-feature range first, as the
        paper does for Stocks and Energy. Set False for data already on a unit scale
        that the paper left unscaled (its Sines), to compare with its figures.
    device : str, default="cpu"
        Where the post-hoc network trains.
    random_state : int, RandomState instance or None, default=None
        Seeds the networks.

    Returns
    -------
    score : float
        Mean absolute error over repeats, on the unit scale of the real data.
    std : float
        Standard deviation over repeats; only with ``return_std=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import predictive_score
    >>> rng = np.random.RandomState(0)
    >>> t = np.arange(16)
    >>> real = np.sin(rng.uniform(0.2, 0.5, (200, 1, 2)) * t[:, None])
    >>> predictive_score(real, real, n_iterations=200, random_state=0) < 0.3
    True
    """
    (real, real_len), (synth, synth_len) = _scaled_pair(X_real, X_synth, "predictive_score", scale)
    if real.shape[2] < 2:
        raise ValueError(
            "predictive_score needs at least 2 features: it predicts the last feature from "
            f"the others, but X_real has {real.shape[2]}."
        )
    if min(real_len.min(), synth_len.min()) < 2:
        raise ValueError("predictive_score needs series of at least 2 time steps.")
    device = resolve_device(device)
    hidden = hidden_size or max(1, real.shape[2] // 2)

    def split(values, lengths):
        mask = time_mask(lengths, values.shape[1])
        inputs = _inputs(values[:, :-1, :-1], lengths - 1, device)
        target = np.where(mask[:, 1:], values[:, 1:, -1], np.nan)[:, :, None]
        return inputs, torch.as_tensor(target, dtype=torch.float32, device=device)

    train_inputs, train_target = split(synth, synth_len)
    test_inputs, test_target = split(real, real_len)
    valid = ~torch.isnan(test_target)

    def score_once(seed):
        with seeded_torch(seed, device):
            net = NeuralNetRegressor(
                _NextStepRegressor,
                module__n_features=real.shape[2] - 1,
                module__hidden_size=hidden,
                criterion=_MaskedL1Loss,
                **_net_kwargs(n_iterations, len(synth), batch_size, device),
            )
            net.fit(train_inputs, train_target)
            predicted = torch.as_tensor(net.predict(test_inputs), device=device)
        # the paper averages the error per series, then over series
        errors = torch.where(valid, (predicted - test_target).abs(), 0.0).sum(dim=(1, 2))
        return float((errors / valid.sum(dim=(1, 2))).mean())

    return _repeat(score_once, n_repeats, random_state, return_std)
