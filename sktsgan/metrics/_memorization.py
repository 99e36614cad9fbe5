"""Memorisation check: does a generator copy its training series?

A generator that generalises draws series about as far from its training series as new
real series are. One that memorised draws series much nearer to them. The check compares
the nearest-training-series distances of synthetic series with those of held-out real
series (the "distance to closest record" test of the synthetic-data privacy literature).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.metrics.pairwise import nan_euclidean_distances
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..utils.validation import check_sequences

_CONSTRAINTS = {
    "X_train": "no_validation",
    "X_holdout": "no_validation",
    "X_synth": "no_validation",
    "metric": [StrOptions({"euclidean", "dtw"})],
    "max_samples": [Interval(Integral, 1, None, closed="left"), None],
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
}


def _scaled_sets(X_train, X_holdout, X_synth, caller):
    """The three sets, min-max scaled with the training range, padded to one length."""
    sets = []
    for name, X in (("X_train", X_train), ("X_holdout", X_holdout), ("X_synth", X_synth)):
        data, _ = check_sequences(X, estimator_name=caller)
        if sets and data.n_features != sets[0].n_features:
            raise ValueError(
                f"{name} has {data.n_features} features but X_train has "
                f"{sets[0].n_features}; pass data with the same features (last axis)."
            )
        sets.append(data)
    scaler = MinMaxScaler().fit(sets[0].valid_steps())
    n_timesteps = max(data.n_timesteps for data in sets)
    out = []
    for data in sets:
        n, t, d = data.values.shape
        values = np.full((n, n_timesteps, d), np.nan)
        values[:, :t] = scaler.transform(data.values.reshape(-1, d)).reshape(n, t, d)
        out.append(values)
    return out


def _nearest_distances(X, reference, metric):
    """Distance of each series of ``X`` to its nearest series in ``reference``."""
    if metric == "dtw":
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="h5py not installed")  # tslearn's import
            from tslearn.metrics import cdist_dtw

        distances = cdist_dtw(X, reference)
    else:
        distances = nan_euclidean_distances(
            X.reshape(len(X), -1), reference.reshape(len(reference), -1)
        )
    return distances.min(axis=1)


def _subsample(values, max_samples, rng):
    if max_samples is None or len(values) <= max_samples:
        return values
    return values[np.sort(rng.choice(len(values), max_samples, replace=False))]


def _ratio(synth, holdout):
    synth_median, holdout_median = np.median(synth), np.median(holdout)
    if holdout_median > 0:
        return float(synth_median / holdout_median)
    warnings.warn(
        "Half or more of the X_holdout series equal a training series (median distance 0), "
        "so distance_ratio is undefined. Hold out series that are not in X_train.",
        UserWarning,
        stacklevel=5,  # the caller of memorization_check
    )
    return float("inf") if synth_median > 0 else float("nan")


def _check(X_train, X_holdout, X_synth, metric, quantile, max_samples, n_repeats, random_state):
    train, holdout, synth = _scaled_sets(X_train, X_holdout, X_synth, "memorization_check")
    rng = check_random_state(random_state)
    ratios, copy_rates, first = [], [], None
    for _ in range(n_repeats):
        train_part = _subsample(train, max_samples, rng)
        holdout_part = _subsample(holdout, max_samples, rng)
        synth_part = _subsample(synth, max_samples, rng)
        synth_distances = _nearest_distances(synth_part, train_part, metric)
        holdout_distances = _nearest_distances(holdout_part, train_part, metric)
        threshold = float(np.quantile(holdout_distances, quantile))
        ratios.append(_ratio(synth_distances, holdout_distances))
        copy_rates.append(float(np.mean(synth_distances < threshold)))
        if first is None:
            first = (synth_distances, holdout_distances, threshold)
    return Bunch(
        synth_distances=first[0],
        holdout_distances=first[1],
        threshold=first[2],
        distance_ratio=float(np.mean(ratios)),
        copy_rate=float(np.mean(copy_rates)),
    )


@validate_params(
    {**_CONSTRAINTS, "quantile": [Interval(Real, 0, 1, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def memorization_check(
    X_train,
    X_holdout,
    X_synth,
    *,
    metric="euclidean",
    quantile=0.05,
    max_samples=None,
    n_repeats=1,
    random_state=None,
):
    """Compare how near synthetic and held-out real series come to the training series.

    For every synthetic series, the distance to its nearest training series; the same
    for every held-out real series (real data the generator never saw). A generator
    that generalises puts its samples about as far from the training series as new
    real series are: ``distance_ratio`` is about 1 and ``copy_rate`` about
    ``quantile``. A generator that copies its training data has ``distance_ratio`` near
    0 and ``copy_rate`` near 1. A ratio well above 1 means samples far from every real
    series (poor fidelity, not memorisation).

    All data is min-max scaled per feature with the training data's range first, so
    that every feature counts alike.

    Parameters
    ----------
    X_train : array-like, list of series or DataFrame
        The data the generator was trained on, in any format the samplers accept.
    X_holdout : array-like, list of series or DataFrame
        Real data from the same source that the generator did not see; about as many
        series as ``X_synth`` gives the fairest comparison.
    X_synth : array-like, list of series or DataFrame
        Synthetic data.
    metric : {"euclidean", "dtw"}, default="euclidean"
        ``"euclidean"``: :func:`sklearn.metrics.pairwise.nan_euclidean_distances`
        between the flattened series, NaN-padded to a common length (for series of
        different lengths, the distance over the steps both have, scaled up to the
        full length). ``"dtw"``: dynamic time warping,
        :func:`tslearn.metrics.cdist_dtw`, which compares series of any lengths; the
        first call in a process compiles tslearn's code (several seconds).
    quantile : float, default=0.05
        A synthetic series counts as a copy when it is nearer to a training series
        than this quantile of the held-out distances.
    max_samples : int, default=None
        Use at most this many series of each set, drawn at random without
        replacement: pairwise distances cost ``O(n_train * (n_holdout + n_synth))``.
        None uses every series.
    n_repeats : int, default=1
        Number of subsamples (only useful with ``max_samples``). ``distance_ratio`` and
        ``copy_rate`` are averaged over them; the arrays and ``threshold`` come from
        the first.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the keys

        synth_distances : ndarray of shape (n_synth,)
            Distance of each synthetic series to its nearest training series.
        holdout_distances : ndarray of shape (n_holdout,)
            Distance of each held-out series to its nearest training series.
        threshold : float
            The ``quantile`` of ``holdout_distances``.
        distance_ratio : float
            ``median(synth_distances) / median(holdout_distances)``: about 1 for a
            generator that generalises, near 0 for one that copies.
        copy_rate : float
            Share of synthetic series nearer to a training series than
            ``threshold``: about ``quantile`` for a generator that generalises, near 1
            for one that copies.

    See Also
    --------
    memorization_score : ``distance_ratio`` alone.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.datasets import make_sines
    >>> from sktsgan.metrics import memorization_check
    >>> X = make_sines(n_samples=200, n_timesteps=12, n_features=2, random_state=0)
    >>> X_train, X_holdout = X[:100], X[100:]
    >>> copies = X_train + np.random.RandomState(0).normal(scale=1e-3, size=X_train.shape)
    >>> result = memorization_check(X_train, X_holdout, copies)
    >>> bool(result.distance_ratio < 0.2), bool(result.copy_rate > 0.9)
    (True, True)
    >>> fresh = make_sines(n_samples=100, n_timesteps=12, n_features=2, random_state=1)
    >>> result = memorization_check(X_train, X_holdout, fresh)
    >>> bool(0.7 < result.distance_ratio < 1.4), bool(result.copy_rate < 0.2)
    (True, True)
    """
    return _check(
        X_train, X_holdout, X_synth, metric, quantile, max_samples, n_repeats, random_state
    )


@validate_params(_CONSTRAINTS, prefer_skip_nested_validation=True)
def memorization_score(
    X_train,
    X_holdout,
    X_synth,
    *,
    metric="euclidean",
    max_samples=None,
    n_repeats=1,
    random_state=None,
):
    """The distance ratio of :func:`memorization_check` alone: about 1 is good, near 0 copies.

    ``median(synth_distances) / median(holdout_distances)``, the median distance of a
    synthetic series to its nearest training series over that of a held-out real
    series. See :func:`memorization_check` for the parameters.

    Parameters
    ----------
    X_train, X_holdout, X_synth : array-like, list of series or DataFrame
        Training data of the generator, real data it did not see, synthetic data.
    metric : {"euclidean", "dtw"}, default="euclidean"
        Distance between series.
    max_samples : int, default=None
        Use at most this many series of each set.
    n_repeats : int, default=1
        Number of subsamples; the ratio is averaged over them.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling.

    Returns
    -------
    distance_ratio : float

    Examples
    --------
    >>> from sktsgan.datasets import make_sines
    >>> from sktsgan.metrics import memorization_score
    >>> X = make_sines(n_samples=150, n_timesteps=12, n_features=2, random_state=0)
    >>> round(memorization_score(X[:50], X[50:100], X[:50]), 2)  # exact copies
    0.0
    """
    return _check(
        X_train, X_holdout, X_synth, metric, 0.05, max_samples, n_repeats, random_state
    ).distance_ratio
