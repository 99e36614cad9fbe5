"""Scores of probabilistic forecasts: many drawn futures against the one that happened."""

from __future__ import annotations

import numpy as np


def crps_ensemble(y_true, paths, *, axis=1):
    """Continuous ranked probability score of drawn futures (lower is better).

    For each forecast value, ``CRPS = E|X - y| - E|X - X'| / 2`` over the empirical
    distribution of the drawn values ``X`` (Gneiting and Raftery, 2007); it reduces to
    the absolute error for a single draw, and rewards a spread that matches the real
    uncertainty. Computed exactly from the sorted draws, in ``O(m log m)`` for ``m``
    draws.

    Parameters
    ----------
    y_true : array-like of shape (n, ...)
        The real values, e.g. ``(n, horizon, n_features)``.
    paths : array-like
        Drawn values with one more axis than ``y_true``, the draws on ``axis``, e.g.
        ``(n, n_paths, horizon, n_features)`` as
        :meth:`sktsgan.LSTMForecastGAN.sample_paths` returns them.
    axis : int, default=1
        The draws' axis in ``paths``.

    Returns
    -------
    crps : float
        Mean CRPS over every value of ``y_true``, in its units.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import crps_ensemble
    >>> y = np.zeros((1, 1))
    >>> crps_ensemble(y, np.full((1, 5, 1), 2.0))  # one value drawn: absolute error
    2.0
    >>> draws = np.random.RandomState(0).normal(size=(1, 20000, 1))
    >>> round(crps_ensemble(y, draws), 2)  # a standard normal at its mean: 0.234
    0.23
    """
    y_true, paths = _as_float(y_true=y_true), _as_float(paths=paths)
    if paths.ndim == 0 or not -paths.ndim <= axis < paths.ndim:
        raise ValueError(
            f"axis={axis} is not an axis of paths (shape {paths.shape}); paths needs the "
            "shape of y_true plus one axis of draws."
        )
    paths = np.moveaxis(paths, axis, -1)
    if paths.shape[:-1] != y_true.shape:
        raise ValueError(
            f"paths must have the shape of y_true {y_true.shape} plus one axis of draws "
            f"(axis={axis}); got {np.moveaxis(paths, -1, axis).shape}."
        )
    m = paths.shape[-1]
    if m == 0 or y_true.size == 0:
        raise ValueError(f"Nothing to score: y_true {y_true.shape}, paths {paths.shape}.")
    error = np.abs(paths - y_true[..., np.newaxis]).mean(axis=-1)
    ordered = np.sort(paths, axis=-1)
    # E|X - X'| = 2 / m^2 * sum_i (2 i - m - 1) x_(i), for the order statistics x_(i)
    weights = 2 * np.arange(1, m + 1) - m - 1
    spread = 2.0 * (ordered * weights).sum(axis=-1) / m**2
    return float(np.mean(error - spread / 2))


def interval_coverage(y_true, lower, upper):
    """Share of real values inside their forecast interval ``[lower, upper]``.

    Parameters
    ----------
    y_true, lower, upper : array-like of the same shape
        Real values, and the lower and upper ends of their forecast intervals.

    Returns
    -------
    coverage : float in [0, 1]
        For a calibrated 10–90 % interval, about 0.8.

    Examples
    --------
    >>> from sktsgan.metrics import interval_coverage
    >>> interval_coverage([1.0, 2.0, 5.0, 0.0], [0.0, 0.0, 0.0, 0.5], [3.0, 3.0, 3.0, 3.0])
    0.5
    """
    y_true, lower, upper = (
        _as_float(y_true=y_true),
        _as_float(lower=lower),
        _as_float(upper=upper),
    )
    if not (y_true.shape == lower.shape == upper.shape):
        raise ValueError(
            f"y_true, lower and upper must have one shape; got {y_true.shape}, "
            f"{lower.shape} and {upper.shape}."
        )
    if y_true.size == 0:
        raise ValueError("y_true is empty: nothing to score.")
    return float(np.mean((y_true >= lower) & (y_true <= upper)))


def _as_float(**array):
    """The one array passed by keyword as floats, or a TypeError naming it."""
    ((name, values),) = array.items()
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric: {exc}.") from exc
