"""The reversible encoding of the sequence samplers: per-feature min-max scaling of
padded series, with a fitted :class:`~sklearn.preprocessing.MinMaxScaler` applied to 3-D
arrays. The tabular samplers' counterpart is :class:`~sktsgan.preprocessing.TabularEncoder`.
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import MinMaxScaler

from ._containers import time_mask

# steps scaled at a time: no float64 copy of a whole large data set
_STEPS_PER_CHUNK = 2**15


def fit_series_scaler(data):
    """A :class:`~sklearn.preprocessing.MinMaxScaler` of the valid steps of ``data``.

    Parameters
    ----------
    data : SequenceData
        Checked series, NaN-padded.

    Returns
    -------
    scaler : MinMaxScaler
        Fitted per feature, on every valid step of every series.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._scaling import fit_series_scaler
    >>> from sktsgan.utils.validation import check_sequences
    >>> data, _ = check_sequences(np.arange(12.0).reshape(2, 3, 2))
    >>> fit_series_scaler(data).data_max_.tolist()
    [10.0, 11.0]
    """
    return MinMaxScaler().fit(data.valid_steps())


def scale_series(scaler, values, lengths=None, *, dtype=np.float32):
    """Scale series ``(n, t, d)`` with a fitted scaler, into a new array of ``dtype``.

    The arithmetic is :meth:`MinMaxScaler.transform`'s, in float64, a chunk of series at
    a time, so the only full copy made is the result.

    Parameters
    ----------
    scaler : MinMaxScaler
        Fitted on ``d`` features.
    values : ndarray of shape (n, t, d)
        Series in original units.
    lengths : ndarray of shape (n,), default=None
        Valid steps of each series; the steps past them (padding) are set to 0. None
        leaves every step as it is scaled.
    dtype : numpy dtype, default=np.float32
        Of the result.

    Returns
    -------
    scaled : ndarray of shape (n, t, d)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sktsgan.utils._scaling import scale_series
    >>> scaler = MinMaxScaler().fit([[0.0], [4.0]])
    >>> scale_series(scaler, np.array([[[1.0], [np.nan]]]), lengths=np.array([1])).ravel()
    array([0.25, 0.  ], dtype=float32)
    """
    n, t, d = values.shape
    scaled = np.empty((n, t, d), dtype=dtype)
    chunk = max(1, _STEPS_PER_CHUNK // max(t, 1))
    for start in range(0, n, chunk):
        block = values[start : start + chunk] * scaler.scale_
        block += scaler.min_
        scaled[start : start + chunk] = block
    if lengths is not None:
        scaled[~time_mask(lengths, t)] = 0.0
    return scaled


def unscale_series(scaler, scaled, *, clip=True):
    """Map scaled series (any shape ending in ``d`` features) back to original units.

    Computed in the dtype of ``scaled``.

    Parameters
    ----------
    scaler : MinMaxScaler
        The scaler ``scaled`` was made with.
    scaled : ndarray of shape (..., d)
    clip : bool, default=True
        Keep every value within the feature's training range (what generated series
        do: a constant feature has no range to scale into, and clipping pins it).
        False for forecasts, which may leave the range the history had.

    Returns
    -------
    values : ndarray of the shape of ``scaled``

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sktsgan.utils._scaling import unscale_series
    >>> scaler = MinMaxScaler().fit([[0.0], [4.0]])
    >>> unscale_series(scaler, np.array([[[0.5], [1.5]]])).ravel().tolist()
    [2.0, 4.0]
    >>> unscale_series(scaler, np.array([[[1.5]]]), clip=False).ravel().tolist()
    [6.0]
    """
    shape = scaled.shape
    values = scaler.inverse_transform(scaled.reshape(-1, shape[-1]))
    if clip:
        values = np.clip(values, scaler.data_min_, scaler.data_max_)
    return values.reshape(shape)
