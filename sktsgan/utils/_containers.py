"""The checked data every sampler works on: padded series, tables, what the input was
(to give samples back in it) and class labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder


@dataclass(frozen=True)
class SequenceData:
    """Checked training data: float series padded with NaN to a common length.

    Parameters
    ----------
    values : ndarray of shape (n_series, n_timesteps, n_features)
        Float64 values; steps past a series' length are NaN.
    lengths : ndarray of shape (n_series,)
        Number of valid steps of each series.
    """

    values: np.ndarray
    lengths: np.ndarray

    @property
    def n_series(self) -> int:
        return self.values.shape[0]

    @property
    def n_timesteps(self) -> int:
        return self.values.shape[1]

    @property
    def n_features(self) -> int:
        return self.values.shape[2]

    @property
    def is_ragged(self) -> bool:
        return bool(np.any(self.lengths != self.n_timesteps))

    def valid_steps(self) -> np.ndarray:
        """Every valid time step stacked into rows, shape ``(sum(lengths), n_features)``.

        A view of ``values`` when no series is padded, a copy otherwise.

        Returns
        -------
        steps : ndarray of shape (sum(lengths), n_features)
            The valid steps of the first series, then of the second, and so on.
        """
        if not self.is_ragged:
            return self.values.reshape(-1, self.n_features)
        return self.values[time_mask(self.lengths, self.n_timesteps)]


@dataclass(frozen=True)
class TableData:
    """Checked tabular rows: a DataFrame whose columns may be numeric or categorical.

    It describes itself as series of one step, like :class:`SequenceData` of tabular
    input, so that the samplers' book-keeping is the same for both.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The rows; its columns keep their dtypes (numeric, ``bool``, ``category``,
        ``object``, ``string``).
    """

    frame: pd.DataFrame

    @property
    def n_series(self) -> int:
        return len(self.frame)

    @property
    def n_timesteps(self) -> int:
        return 1

    @property
    def n_features(self) -> int:
        return self.frame.shape[1]

    @property
    def lengths(self) -> np.ndarray:
        return np.ones(len(self.frame), dtype=np.int64)


@dataclass
class InputFormat:
    """What the user passed, so that samples come back as the same kind of object.

    Parameters
    ----------
    kind : str
        The input format: ``"array"`` (3-D array of equal-length series),
        ``"padded"`` (3-D array with trailing-NaN padding), ``"list"`` (list of
        series), ``"tabular"`` (2-D array), ``"frame"`` (wide DataFrame) or
        ``"long_frame"`` (long DataFrame, one series per id).
    dtypes : list of dtype, default=[]
        numpy or pandas dtypes of the input: one per feature column of a DataFrame;
        one for an array, and for a list the common dtype of its items.
    columns : list, default=None
        A DataFrame's feature column names (without the id and time columns); None
        for other inputs.
    id_column : hashable, default=None
        The column of a long DataFrame that names each series.
    time_column : hashable, default=None
        The column of a long DataFrame that orders the steps of a series.
    time_values : ndarray, default=None
        Time stamps of the longest series of a long DataFrame, when every series'
        stamps are the first ones of these; samples get them in ``time_column``
        (None: step numbers 0, 1, ...).
    univariate_items : bool, default=False
        Whether the items of list input were 1-D; samples then come back 1-D too.
    categories : dict, default=None
        For a long DataFrame read with categorical channels: ``{channel position:
        levels}``; the values of such a channel are the integer codes of its levels.
    """

    kind: str  # "array", "padded", "list", "tabular", "frame" or "long_frame"
    dtypes: list = field(default_factory=list)  # one numpy/pandas dtype per feature
    columns: list | None = None
    id_column: Any = None
    time_column: Any = None
    time_values: np.ndarray | None = None  # time stamps of the longest training series
    univariate_items: bool = False  # list input whose items were 1-D
    categories: dict | None = None  # {channel position: levels} of categorical channels


@dataclass(frozen=True)
class LabelInfo:
    """Checked class labels: the encoder and the integer code of every series.

    Parameters
    ----------
    encoder : LabelEncoder
        Fitted on the labels; its ``classes_`` are the sorted classes.
    codes : ndarray of shape (n_series,)
        Integer code of each series' label, an index into ``encoder.classes_``.
    """

    encoder: LabelEncoder
    codes: np.ndarray

    @property
    def classes(self) -> np.ndarray:
        return self.encoder.classes_


def time_mask(lengths, n_timesteps):
    """Boolean mask ``(n_series, n_timesteps)``, True on the valid steps of each series.

    Parameters
    ----------
    lengths : array-like of shape (n_series,)
        Number of valid steps of each series.
    n_timesteps : int
        Length of the padded series.

    Returns
    -------
    mask : ndarray of shape (n_series, n_timesteps), dtype=bool
        True at step ``t`` of series ``i`` where ``t < lengths[i]``.

    Examples
    --------
    >>> from sktsgan.utils.validation import time_mask
    >>> time_mask([1, 3], 3).astype(int)
    array([[1, 0, 0],
           [1, 1, 1]])
    """
    return np.arange(n_timesteps)[np.newaxis, :] < np.asarray(lengths)[:, np.newaxis]
