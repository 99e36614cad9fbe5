"""Synthetic series generators: the TimeGAN sines, a labelled two-class wave set, and
sines with static attributes whose effect on each series is known."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

_POSITIVE_INT = Interval(Integral, 1, None, closed="left")

# Class settings of ``make_waves``: offset, base amplitude and the range of the number
# of cycles that fit in one series. Each class differs from the other in all three.
_WAVE_CLASSES = {
    "sine": {"offset": 1.0, "amplitude": 1.0, "cycles": (1.0, 1.5)},
    "sawtooth": {"offset": -1.0, "amplitude": 0.5, "cycles": (3.0, 4.0)},
}
_AMPLITUDE_JITTER = 0.2


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "n_features": [_POSITIVE_INT],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_sines(n_samples=1000, n_timesteps=24, n_features=5, *, random_state=None):
    """Generate the multivariate sine series of the TimeGAN paper.

    For every series and every feature a frequency ``f`` and a phase ``p`` are
    drawn uniformly in ``[0, 0.1]``; the feature's values are
    ``sin(f * t + p)`` for ``t = 0, ..., n_timesteps - 1``, mapped to ``[0, 1]``
    by ``(x + 1) / 2``. Features are independent of each other.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of series.
    n_timesteps : int, default=24
        Length of every series.
    n_features : int, default=5
        Number of features (sines) per series.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the frequencies and phases.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        The series, float64 with values in ``[0, 1]``.

    See Also
    --------
    make_waves : A labelled two-class data set for conditional generation.

    References
    ----------
    .. [1] J. Yoon, D. Jarrett and M. van der Schaar, "Time-series Generative
       Adversarial Networks", NeurIPS 2019.

    Examples
    --------
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(n_samples=100, n_timesteps=24, n_features=5, random_state=0)
    >>> X.shape
    (100, 24, 5)
    >>> bool(X.min() >= 0.0 and X.max() <= 1.0)
    True
    """
    rng = check_random_state(random_state)
    frequency = rng.uniform(0.0, 0.1, size=(n_samples, 1, n_features))
    phase = rng.uniform(0.0, 0.1, size=(n_samples, 1, n_features))
    t = np.arange(n_timesteps, dtype=np.float64)[None, :, None]
    return (np.sin(frequency * t + phase) + 1.0) / 2.0


# ``make_attributed_sines``: the range of the number of cycles per series, and the
# rise over a series of each trend level
_ATTRIBUTED_CYCLES = (1.0, 4.0)
_TRENDS = {"falling": -1.0, "flat": 0.0, "rising": 1.0}


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [Interval(Integral, 4, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_attributed_sines(n_samples=1000, n_timesteps=24, *, noise=0.05, random_state=None):
    """Generate univariate sines with static attributes that set their shape.

    A data set with a known answer for conditional generation: each series has a
    continuous attribute ``cycles``, the number of sine periods it spans (uniform in
    ``[1, 4]``), and a categorical attribute ``trend`` (``"falling"``, ``"flat"`` or
    ``"rising"``, equally likely), a linear rise of -1, 0 or +1 over the series.
    The value at step ``t`` is ``sin(2 pi cycles t / n_timesteps + phase) + rise *
    t / (n_timesteps - 1)`` plus Gaussian noise, the phase uniform in ``[0, 2 pi)``.
    A generator conditioned on the attributes can be checked by recovering them
    from its series (:func:`numpy.fft.rfft` finds ``cycles``, a fitted slope finds
    ``trend``).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of series.
    n_timesteps : int, default=24
        Length of every series, at least 4.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to every step.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the attributes, phases and noise.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, 1)
        The series.
    static : DataFrame of shape (n_samples, 2)
        The attributes of each series: ``cycles`` (float64) and ``trend``
        (categorical).

    See Also
    --------
    make_sines : The TimeGAN paper's unconditional sines.

    Examples
    --------
    >>> from sktsgan.datasets import make_attributed_sines
    >>> X, static = make_attributed_sines(100, random_state=0)
    >>> X.shape, list(static.columns)
    ((100, 24, 1), ['cycles', 'trend'])
    >>> sorted(static["trend"].cat.categories)
    ['falling', 'flat', 'rising']
    """
    rng = check_random_state(random_state)
    cycles = rng.uniform(*_ATTRIBUTED_CYCLES, size=n_samples)
    trend = rng.choice(list(_TRENDS), size=n_samples)
    phase = rng.uniform(0.0, 2 * np.pi, size=n_samples)
    t = np.arange(n_timesteps, dtype=np.float64)
    rise = np.array([_TRENDS[level] for level in trend])
    X = (
        np.sin(2 * np.pi * cycles[:, None] * t / n_timesteps + phase[:, None])
        + rise[:, None] * t / (n_timesteps - 1)
        + noise * rng.normal(size=(n_samples, n_timesteps))
    )
    static = pd.DataFrame(
        {"cycles": cycles, "trend": pd.Categorical(trend, categories=list(_TRENDS))}
    )
    return X[:, :, None], static


def _class_counts(n_samples, weights):
    """Number of series of each class, from the class proportions ``weights``."""
    if weights is None:
        proportions = np.array([0.5, 0.5])
    else:
        proportions = np.asarray(weights, dtype=np.float64).ravel()
        if proportions.size == 1:
            proportions = np.array([proportions[0], 1.0 - proportions[0]])
        if proportions.size != 2:
            raise ValueError(
                f"weights must hold 2 class proportions (sine, sawtooth), got "
                f"{proportions.size}. Pass e.g. weights=[0.3, 0.7], or None for balanced classes."
            )
        if not np.all(np.isfinite(proportions)) or np.any(proportions < 0):
            raise ValueError(
                f"weights must be finite and non-negative, got {proportions.tolist()}."
            )
        if proportions.sum() <= 0:
            raise ValueError("weights must not all be zero.")
        proportions = proportions / proportions.sum()
    n_sine = int(round(n_samples * proportions[0]))
    return {"sine": n_sine, "sawtooth": n_samples - n_sine}


def _wave_class(kind, n, n_timesteps, n_features, rng):
    """Noise-free series of one class, shape ``(n, n_timesteps, n_features)``."""
    settings = _WAVE_CLASSES[kind]
    size = (n, 1, n_features)
    cycles = rng.uniform(*settings["cycles"], size=size)
    phase = rng.uniform(0.0, 1.0, size=size)  # in cycles
    amplitude = settings["amplitude"] * rng.uniform(
        1.0 - _AMPLITUDE_JITTER, 1.0 + _AMPLITUDE_JITTER, size=size
    )
    position = cycles * np.arange(n_timesteps)[None, :, None] / n_timesteps + phase
    if kind == "sine":
        shape = np.sin(2.0 * np.pi * position)
    else:  # a ramp from -1 up to 1, then a sharp drop back to -1
        shape = 2.0 * np.mod(position, 1.0) - 1.0
    return settings["offset"] + amplitude * shape


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "n_features": [_POSITIVE_INT],
        "noise": [Interval(Real, 0, None, closed="left")],
        "weights": ["array-like", None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_waves(
    n_samples=200, n_timesteps=48, n_features=1, *, noise=0.05, weights=None, random_state=None
):
    """Generate a labelled two-class set of sine and sawtooth series.

    A small data set for conditional generation and augmentation. The classes
    differ in level, amplitude, frequency and shape, so they are separable by
    their means alone and also look different:

    * ``"sine"``: offset 1, amplitude 1, 1 to 1.5 smooth cycles per series;
    * ``"sawtooth"``: offset -1, amplitude 0.5, 3 to 4 cycles per series of a
      rising ramp with a sharp drop.

    For every series and feature the number of cycles and the phase are drawn
    uniformly, and the amplitude is scaled by a factor drawn uniformly in
    ``[0.8, 1.2]``. Gaussian noise of standard deviation ``noise`` is then added
    to every value. Series of both classes come in random order.

    Parameters
    ----------
    n_samples : int, default=200
        Number of series.
    n_timesteps : int, default=48
        Length of every series. Frequencies are in cycles per series, so the
        shapes look alike at any length.
    n_features : int, default=1
        Number of features; each is drawn independently.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to every value.
    weights : array-like of shape (2,) or (1,), default=None
        Proportions of the classes ``("sine", "sawtooth")``; they are normalised
        to sum to one. A single value is the proportion of ``"sine"``, as in
        :func:`sklearn.datasets.make_classification`. None gives balanced classes.
        The number of sine series is ``round(n_samples * weights[0])``.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the series, the noise and the order.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        The series, float64.
    y : ndarray of shape (n_samples,)
        The class label of each series, ``"sine"`` or ``"sawtooth"`` (object dtype).

    See Also
    --------
    make_sines : The unlabelled sine series of the TimeGAN paper.
    load_trace : A real labelled set of series.

    Examples
    --------
    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(n_samples=100, weights=[0.3, 0.7], random_state=0)
    >>> X.shape
    (100, 48, 1)
    >>> sorted((str(label), int((y == label).sum())) for label in set(y))
    [('sawtooth', 70), ('sine', 30)]
    >>> bool(X[y == "sine"].mean() > 0 > X[y == "sawtooth"].mean())
    True
    """
    counts = _class_counts(n_samples, weights)
    rng = check_random_state(random_state)
    X = np.concatenate(
        [_wave_class(kind, n, n_timesteps, n_features, rng) for kind, n in counts.items()]
    )
    y = np.array([kind for kind, n in counts.items() for _ in range(n)], dtype=object)
    X += noise * rng.standard_normal(size=X.shape)
    order = rng.permutation(n_samples)
    return X[order], y[order]
