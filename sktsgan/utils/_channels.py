"""Series with categorical channels: one-hot blocks in, training levels out.

A long DataFrame may hold channels that are not numbers: an on/off state, a gear, a
weekday. The reader stores each such channel's integer level codes in the float values
of the series (``InputFormat.categories`` keeps the levels); the samplers that learn
them encode every categorical channel as a one-hot block beside the scaled numeric
channels, so that the networks see ``(n, t, width)`` with a softmax block per
categorical channel, and decode generated blocks back into level codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._containers import time_mask
from ._scaling import scale_series, unscale_series

__all__ = [
    "align_levels",
    "channel_blocks",
    "decode_channels",
    "encode_channels",
    "numeric_channels",
]


def channel_blocks(n_features, categories):
    """The ``(kind, width)`` blocks of the encoded last axis, in channel order.

    Parameters
    ----------
    n_features : int
        Number of channels.
    categories : dict or None
        ``{channel index: levels}`` of the categorical channels.

    Returns
    -------
    blocks : tuple of (str, int)
        ``("numeric", k)`` for a run of ``k`` numeric channels, ``("softmax", m)`` for a
        categorical channel of ``m`` levels.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._channels import channel_blocks
    >>> channel_blocks(3, {1: np.array(["off", "on"])})
    (('numeric', 1), ('softmax', 2), ('numeric', 1))
    """
    categories = categories or {}
    blocks = []
    for j in range(n_features):
        if j in categories:
            blocks.append(("softmax", len(categories[j])))
        elif blocks and blocks[-1][0] == "numeric":
            blocks[-1] = ("numeric", blocks[-1][1] + 1)
        else:
            blocks.append(("numeric", 1))
    return tuple(blocks)


def numeric_channels(n_features, categories):
    """Indices of the numeric channels (those the min-max scaler is fitted on)."""
    categories = categories or {}
    return [j for j in range(n_features) if j not in categories]


def encode_channels(scaler, values, lengths, categories, *, dtype=np.float32):
    """Scale the numeric channels and one-hot the categorical ones, in channel order.

    Parameters
    ----------
    scaler : MinMaxScaler or None
        Fitted on the numeric channels; None when there are none.
    values : ndarray of shape (n, t, d)
        Series in original units; a categorical channel holds level codes (NaN on
        padding).
    lengths : ndarray of shape (n,)
        Valid steps of each series; padding is 0 in the result.
    categories : dict or None
        ``{channel index: levels}``; without any, this is :func:`scale_series`.
    dtype : numpy dtype, default=np.float32
        Of the result.

    Returns
    -------
    encoded : ndarray of shape (n, t, width)
        ``width`` the sum of the block widths of :func:`channel_blocks`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sktsgan.utils._channels import encode_channels
    >>> values = np.array([[[0.0, 1.0], [10.0, 0.0]]])  # channel 1: codes of 2 levels
    >>> scaler = MinMaxScaler().fit(values[0, :, :1])
    >>> encode_channels(scaler, values, np.array([2]), {1: np.array(["a", "b"])})
    array([[[0., 0., 1.],
            [1., 1., 0.]]], dtype=float32)
    """
    if not categories:
        return scale_series(scaler, values, lengths, dtype=dtype)
    n, t, d = values.shape
    numeric = numeric_channels(d, categories)
    scaled = scale_series(scaler, values[:, :, numeric], lengths, dtype=dtype) if numeric else None
    valid = time_mask(lengths, t)
    pieces, at = [], 0
    for j in range(d):
        if j in categories:
            codes = np.where(valid, np.nan_to_num(values[:, :, j]), 0).astype(np.int64)
            block = np.zeros((n, t, len(categories[j])), dtype=dtype)
            np.put_along_axis(block, codes[:, :, None], 1.0, axis=2)
            block[~valid] = 0.0
            pieces.append(block)
        else:
            pieces.append(scaled[:, :, at : at + 1])
            at += 1
    return np.concatenate(pieces, axis=2)


def decode_channels(scaler, encoded, categories, n_features):
    """Map encoded series back: numeric channels unscaled, blocks to their largest level.

    Parameters
    ----------
    scaler : MinMaxScaler or None
        Fitted on the numeric channels; None when there are none.
    encoded : ndarray of shape (n, t, width)
        Generated series, in the dtype the result should have.
    categories : dict or None
        ``{channel index: levels}``; without any, this is :func:`unscale_series`.
    n_features : int
        Number of channels of the result.

    Returns
    -------
    values : ndarray of shape (n, t, n_features)
        Original units; a categorical channel holds the level code of its block's
        largest value (a training level, always).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sktsgan.utils._channels import decode_channels
    >>> scaler = MinMaxScaler().fit(np.array([[0.0], [10.0]]))
    >>> decode_channels(scaler, np.array([[[0.5, 0.2, 0.8]]]), {1: np.array(["a", "b"])}, 2)
    array([[[5., 1.]]])
    """
    if not categories:
        return unscale_series(scaler, encoded)
    n, t, _ = encoded.shape
    numeric = numeric_channels(n_features, categories)
    out = np.empty((n, t, n_features), dtype=encoded.dtype)
    at = 0
    numeric_columns = []
    for j in range(n_features):
        if j in categories:
            width = len(categories[j])
            out[:, :, j] = np.argmax(encoded[:, :, at : at + width], axis=2)
            at += width
        else:
            numeric_columns.append(at)
            at += 1
    if numeric:
        out[:, :, numeric] = unscale_series(scaler, encoded[:, :, numeric_columns])
    return out


def align_levels(values, read_categories, fitted_categories, columns, estimator_name):
    """Recode the categorical channels of newly read series by the levels of ``fit``.

    The reader numbers a channel's levels by what the new data holds; the networks
    learned the numbering of the training data. Returns ``values`` with every
    categorical channel's codes replaced by the training codes of the same levels.

    Parameters
    ----------
    values : ndarray of shape (n, t, d)
        Series as read; categorical channels hold the reader's codes (NaN on padding).
    read_categories, fitted_categories : dict or None
        ``{channel: levels}`` of the new data and of the training data.
    columns : list
        Channel names, for messages.
    estimator_name : str
        For messages.

    Returns
    -------
    values : ndarray of shape (n, t, d)
        A copy with the training codes.

    Raises
    ------
    ValueError
        If a channel is categorical in one and numeric in the other, or holds a level
        unseen in training.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._channels import align_levels
    >>> values = np.array([[[0.0], [1.0]]])  # read as levels ["on", "standby"]
    >>> align_levels(values, {0: np.array(["on", "standby"], dtype=object)},
    ...              {0: np.array(["off", "on", "standby"], dtype=object)}, ["s"], "demo")
    array([[[1.],
            [2.]]])
    """
    read_categories, fitted_categories = read_categories or {}, fitted_categories or {}
    if set(read_categories) != set(fitted_categories):
        changed = sorted(set(read_categories) ^ set(fitted_categories))
        names = [columns[j] for j in changed]
        raise ValueError(
            f"Channels {names} are categorical in one of fit and this data but numeric in "
            f"the other; give {estimator_name} the channels with the dtypes of fit."
        )
    values = values.copy()
    for j, levels in read_categories.items():
        index = pd.Index(fitted_categories[j]).get_indexer(levels)
        if (index < 0).any():
            unseen = [level for level, k in zip(levels.tolist(), index) if k < 0]
            raise ValueError(
                f"The categorical channel {columns[j]!r} holds levels {unseen} that "
                f"{estimator_name} did not see in fit."
            )
        channel = values[:, :, j]
        valid = ~np.isnan(channel)
        channel[valid] = index[channel[valid].astype(np.int64)]
    return values
