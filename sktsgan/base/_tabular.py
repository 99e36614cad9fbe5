"""The base of the samplers that learn fixed-length vectors (table rows, or whole series
flattened) with dense networks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ..preprocessing import TabularEncoder
from ..utils._formats import _check_columns
from ..utils._random import draw_seed
from ..utils.validation import (
    TableData,
    check_feature_names,
    check_fitted_sequences,
    check_labels,
    check_table,
    restore_format,
    time_mask,
)
from ._neural import BaseNeuralSampler


class BaseTabularSampler(BaseNeuralSampler):
    """Base class for the samplers that learn a distribution of fixed-length vectors.

    Not for direct use: see :class:`sktsgan.DenseGANSampler` and
    :class:`sktsgan.VAESampler`.

    A wide DataFrame is a table whose columns may be numeric or categorical; a
    :class:`~sktsgan.preprocessing.TabularEncoder` (``encoder_``) scales the numeric
    ones and one-hot encodes the categorical ones, and decodes samples back into the
    same columns, dtypes and units. A 2-D array is a numeric table (its
    ``categorical_columns`` given by position). Series (3-D arrays, NaN-padded arrays,
    lists, long DataFrames) are flattened into vectors of ``n_timesteps * n_features``
    numeric values, one scaling per step and feature; padding is masked out of the
    losses, and each sample's length is drawn from the training lengths (of its class).

    Subclasses' modules take the encoded width as ``n_features``, the blocks of the
    encoding as ``blocks``, and provide ``generate(n, condition)``: encoded rows with
    each categorical block a vector of probabilities.
    """

    _parameter_constraints: dict = {
        **BaseNeuralSampler._parameter_constraints,
        # the encoding's parameters, passed on to encoder_
        **TabularEncoder._parameter_constraints,
    }

    # encoded values generated per sampling chunk
    _values_per_sampling_chunk = 2**20

    def _read_training_data(self, X, y):
        if not isinstance(X, pd.DataFrame) or self.id_column is not None:
            return super()._read_training_data(X, y)
        name = type(self).__name__
        data, input_format = check_table(X, estimator_name=name, min_rows=self._min_series)
        labels = check_labels(y, data.n_series, estimator_name=name) if y is not None else None
        return data, input_format, labels

    @property
    def _example_name(self):
        fmt = getattr(self, "_input_format", None)
        return "rows in X" if fmt is not None and fmt.kind == "frame" else "series in X"

    def _encode_training_data(self, data, labels, device):
        """Fit ``encoder_``; the encoded rows ``x`` and their ``mask``."""
        frame, mask = self._as_table(data)
        self.encoder_ = TabularEncoder(
            categorical_columns=self.categorical_columns,
            max_categories=self.max_categories,
            numeric_scaling=self.numeric_scaling,
            clip_to_bounds=self.clip_to_bounds,
            categorical_sampling=self.categorical_sampling,
        ).fit(frame)
        x = self.encoder_.transform(frame)
        if mask is None:
            mask = np.ones(x.shape, dtype=np.float32)
        return {
            "x": torch.as_tensor(x, dtype=torch.float32, device=device),
            "mask": torch.as_tensor(mask, dtype=torch.float32, device=device),
        }

    def _as_table(self, data):
        """The training data as a table, and the mask of its encoded values (None: all)."""
        if isinstance(data, TableData):
            return data.frame, None
        if self._input_format.kind != "tabular" and self.categorical_columns is not None:
            raise ValueError(
                "categorical_columns applies to tables (a DataFrame or a 2-D array of "
                "rows); series are flattened into numeric vectors. Pass the table "
                "itself, or leave categorical_columns=None."
            )
        n, t, d = data.values.shape
        # padding is masked out of every loss; the column mean keeps it out of the way
        self._padding_fill = np.nanmean(data.values.reshape(n, t * d), axis=0)
        if not data.is_ragged:  # (a 2-D array's categorical columns widen its rows)
            return self._flat_table(data.values), None
        mask = np.repeat(time_mask(data.lengths, t), d, axis=1).astype(np.float32)
        return self._flat_table(data.values), mask

    def _flat_table(self, values):
        """Series ``(n, n_timesteps_, d)`` (or shorter) as a table of ``n_timesteps_ * d``."""
        n, t, d = values.shape
        full = np.full((n, self.n_timesteps_, d), np.nan)
        full[:, :t] = values
        flat = full.reshape(n, -1)
        return pd.DataFrame(np.where(np.isnan(flat), self._padding_fill, flat))

    def _encode_rows(self, X):
        """``X`` read as in ``fit`` (any number of rows) and encoded, shape ``(n, width)``."""
        name = type(self).__name__
        fmt = self._input_format
        if fmt.kind != "frame":
            data, _ = check_fitted_sequences(self, X)
            if data.n_timesteps > self.n_timesteps_:
                raise ValueError(
                    f"X has series of {data.n_timesteps} steps, but {name} was fitted on "
                    f"series of at most {self.n_timesteps_}; pass series no longer than those."
                )
            return self.encoder_.transform(self._flat_table(data.values))
        if isinstance(X, pd.DataFrame):
            _check_columns(X)
        if not isinstance(X, pd.DataFrame) or all(isinstance(c, str) for c in X.columns):
            # (sklearn refuses names of mixed types, which fit accepts; the encoder
            # compares those with the names of fit)
            check_feature_names(self, X, reset=False)
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X, dtype=object)
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has shape {X.shape}, but {name} is expecting "
                    f"{self.n_features_in_} features as input (the columns of fit)."
                )
            X = pd.DataFrame(X, columns=fmt.columns).astype(dict(zip(fmt.columns, fmt.dtypes)))
        data, _ = check_table(X, estimator_name=name, min_rows=1)
        if data.n_features != self.n_features_in_:
            raise ValueError(
                f"X has {data.n_features} features, but {name} is expecting "
                f"{self.n_features_in_} features as input; pass data with the columns "
                "seen in fit."
            )
        return self.encoder_.transform(data.frame)

    def _draw(self, n, codes, rng, static_draw=None):
        lengths = self._sample_lengths(n, codes, rng)
        width = self.encoder_._width
        encoded = np.empty((n, width), dtype=np.float32)
        chunks = self._generated_chunks(
            n, codes, max(1, self._values_per_sampling_chunk // width),
            draw_seed(rng),
            lambda module, start, stop, condition: module.generate(stop - start, condition),
        )  # fmt: skip
        for start, stop, rows in chunks:
            encoded[start:stop] = rows
        return self.encoder_.inverse_transform(encoded, random_state=rng), lengths

    def _restore(self, values, lengths):
        if self._input_format.kind == "frame":
            return values
        n = len(values)
        rows = np.array(values, dtype=np.float64).reshape(  # a writable copy
            n, self.n_timesteps_, self.n_features_in_
        )
        return restore_format(rows, lengths, self._input_format)
