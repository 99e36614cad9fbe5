"""(history, future) pairs cut from series: what a forecaster trains on."""

from __future__ import annotations

import numpy as np


def sliding_pairs(values, lengths, span, stride):
    """Every window of ``span`` valid steps, every ``stride`` steps, of every series.

    Parameters
    ----------
    values : ndarray of shape (n_series, n_timesteps, n_features)
        Padded series.
    lengths : ndarray of shape (n_series,)
        Valid steps of each; series shorter than ``span`` give no window.
    span : int
        Steps per window (history and future together).
    stride : int
        Steps between the starts of successive windows of a series.

    Returns
    -------
    windows : ndarray of shape (n_windows, span, n_features)
    owners : ndarray of shape (n_windows,)
        The series each window comes from.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._windows import sliding_pairs
    >>> values = np.arange(10.0).reshape(2, 5, 1)
    >>> windows, owners = sliding_pairs(values, np.array([5, 3]), span=3, stride=2)
    >>> windows[..., 0].tolist(), owners.tolist()
    ([[0.0, 1.0, 2.0], [2.0, 3.0, 4.0], [5.0, 6.0, 7.0]], [0, 0, 1])
    """
    windows, owners = [], []
    for i, length in enumerate(lengths):
        if length < span:
            continue
        cut = np.lib.stride_tricks.sliding_window_view(values[i, :length], span, axis=0)
        windows.append(cut[::stride].transpose(0, 2, 1))
        owners.append(np.full(len(windows[-1]), i))
    if not windows:
        return np.empty((0, span, values.shape[2]), dtype=values.dtype), np.empty(0, dtype=int)
    return np.concatenate(windows), np.concatenate(owners)
