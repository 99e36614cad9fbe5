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

    Attributes
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
        """
        if not self.is_ragged:
            return self.values.reshape(-1, self.n_features)
        return self.values[time_mask(self.lengths, self.n_timesteps)]


@dataclass(frozen=True)
class TableData:
    """Checked tabular rows: a DataFrame whose columns may be numeric or categorical.

    It describes itself as series of one step, like :class:`SequenceData` of tabular
    input, so that the samplers' book-keeping is the same for both.
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
    """What the user passed, so that samples come back as the same kind of object."""

    kind: str  # "array", "padded", "list", "tabular", "frame" or "long_frame"
    dtypes: list = field(default_factory=list)  # one numpy/pandas dtype per feature
    columns: list | None = None
    id_column: Any = None
    time_column: Any = None
    time_values: np.ndarray | None = None  # time stamps of the longest training series
    univariate_items: bool = False  # list input whose items were 1-D


@dataclass(frozen=True)
class LabelInfo:
    """Checked class labels: the encoder and the integer code of every series."""

    encoder: LabelEncoder
    codes: np.ndarray

    @property
    def classes(self) -> np.ndarray:
        return self.encoder.classes_


def time_mask(lengths, n_timesteps):
    """Boolean mask ``(n_series, n_timesteps)``, True on the valid steps of each series."""
    return np.arange(n_timesteps)[np.newaxis, :] < np.asarray(lengths)[:, np.newaxis]
