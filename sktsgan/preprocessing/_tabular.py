"""The reversible encoding of a mixed-type table into the vectors the networks learn.

Kept apart from the networks: numeric columns are scaled (and clipped, rounded and cast
back on the way out), each categorical column becomes a one-hot block (and comes back
as one of its training values, by argmax or by a draw from the block's probabilities).
"""

from __future__ import annotations

from collections.abc import Hashable
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._formats import _cast, _frame, is_categorical_dtype, sorted_levels
from ..utils._formats import _check_columns as _refuse_duplicated_columns

__all__ = ["TabularEncoder", "check_table_pair", "is_categorical_dtype", "resolve_categorical"]

# Standard scaling squares the values: beyond about 1e154 their variance overflows float64.
_MAX_STANDARD_MAGNITUDE = 1e150


def resolve_categorical(frame, categorical_columns):
    """The set of categorical column names of ``frame``.

    ``categorical_columns`` None reads them from the dtypes (:func:`is_categorical_dtype`)
    and refuses columns that are neither numeric nor categorical (datetimes, complex);
    otherwise it lists names or positions, and every other column must be numeric.
    """
    if categorical_columns is None:
        chosen = {c for c, dtype in frame.dtypes.items() if is_categorical_dtype(dtype)}
        _check_numeric_dtypes(frame, chosen, named=False)
        return chosen
    keys = categorical_columns
    keys = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
    if not all(isinstance(key, Hashable) for key in keys):
        raise TypeError(
            "categorical_columns must be a flat list of column names or positions, got "
            f"{categorical_columns!r}."
        )
    chosen = set()
    for key in keys:
        if key in frame.columns:
            chosen.add(key)
        elif (
            isinstance(key, Integral)
            and not isinstance(key, bool)
            and 0 <= key < len(frame.columns)
        ):
            chosen.add(frame.columns[key])
        else:
            raise ValueError(
                f"categorical_columns names {key!r}, which is neither a column of X "
                f"nor a position in it; the columns are {list(frame.columns)}."
            )
    _check_numeric_dtypes(frame, chosen, named=True)
    return chosen


def _check_numeric_dtypes(frame, categorical, named):
    """Every column not in ``categorical`` must be real numbers (or booleans)."""
    for column, dtype in frame.dtypes.items():
        if column in categorical:
            continue
        numeric = pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        if numeric and not pd.api.types.is_complex_dtype(dtype):
            continue
        if not named:  # datetimes, timedeltas, periods, complex
            raise TypeError(
                f"Column {column!r} (dtype {dtype}) is neither numeric nor categorical. "
                "Name it in categorical_columns (with the categorical columns) to read "
                "its values as levels, or convert it to numbers first."
            )
        raise TypeError(
            f"Column {column!r} (dtype {dtype}) is not numeric but is not in "
            "categorical_columns; add it there, or leave categorical_columns=None "
            "to read every category, object, bool and string column as categorical."
        )


def check_table_pair(X_real, X_synthetic, categorical_columns, caller):
    """Read a real and a synthetic table for comparison, column by column.

    Both must be DataFrames with the same columns (the synthetic one is put in the real
    one's column order) or both 2-D arrays with the same number of columns, each with
    at least one row. Returns the two DataFrames and the list of categorical columns of
    the real one (:func:`resolve_categorical`), in column order.
    """
    if isinstance(X_real, pd.DataFrame) != isinstance(X_synthetic, pd.DataFrame):
        raise TypeError(
            f"{caller} got a DataFrame and an array; pass both tables as DataFrames (with "
            "the same columns) or both as 2-D arrays."
        )
    frames = []
    for name, X in (("X_real", X_real), ("X_synthetic", X_synthetic)):
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    f"{caller} compares tables: {name} must be a DataFrame or a 2-D array "
                    f"of rows, got shape {X.shape}."
                )
            X = pd.DataFrame(X)
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(
                f"{name} is empty (shape {X.shape}); {caller} needs at least one row and "
                "one column in each table."
            )
        frames.append(X)
    real, synthetic = frames
    missing = [c for c in real.columns if c not in synthetic.columns]
    extra = [c for c in synthetic.columns if c not in real.columns]
    if missing or extra or real.shape[1] != synthetic.shape[1]:
        raise ValueError(
            f"X_real and X_synthetic have different columns (in X_real only: {missing}; in "
            f"X_synthetic only: {extra}; {real.shape[1]} and {synthetic.shape[1]} columns); "
            "pass tables with the same columns."
        )
    chosen = resolve_categorical(real, categorical_columns)
    categorical = [c for c in real.columns if c in chosen]
    synthetic = synthetic[list(real.columns)]
    for column in real.columns:
        if column in chosen:
            continue
        dtype = synthetic[column].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) and not is_categorical_dtype(dtype)):
            raise TypeError(
                f"Column {column!r} is numeric in X_real but has dtype {dtype} in "
                "X_synthetic; pass the same dtypes, or name the column in "
                "categorical_columns."
            )
        for name, frame in (("X_real", real), ("X_synthetic", synthetic)):
            values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
            if not np.isfinite(values).all():
                raise ValueError(
                    f"Numeric column {column!r} of {name} holds NaN or inf; impute or drop "
                    "those rows first, or name the column in categorical_columns, where "
                    "NaN is a level of its own."
                )
    return real, synthetic, categorical


def _as_frame(X):
    """A DataFrame view of ``X``: itself, or a 2-D array with columns 0 .. d - 1."""
    if isinstance(X, pd.DataFrame):
        return X
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"TabularEncoder reads a DataFrame or a 2-D array of rows, got {X.ndim} "
            f"dimension(s) (shape {X.shape})."
        )
    return pd.DataFrame(X)


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Encode a mixed-type table as float vectors, and decode vectors back into a table.

    Numeric columns are scaled (``numeric_scaling``); every categorical column becomes a
    one-hot block with one slot per level seen in ``fit``. :meth:`inverse_transform`
    undoes both: numeric values go back to their units (clipped to the training range if
    ``clip_to_bounds``, rounded for integer columns, in the column's dtype) and each
    block gives back one training level, the largest slot (``"argmax"``) or a draw with
    the block's values as probabilities (``"draw"``). A level absent from the training
    data never comes out. The tabular samplers use it between the user's table and
    their networks; :attr:`output_blocks_` tells the networks which outputs form a
    softmax block.

    Which columns are categorical: those named in ``categorical_columns``, or, when it
    is None, every column of dtype ``category``, ``object``, ``bool`` or ``string``.
    Every other column must be numeric.

    Missing values: a NaN in a numeric column is refused (impute it first, or make the
    column categorical); in a categorical column NaN is a level of its own that comes
    back as NaN. A column that is entirely NaN is refused.

    Parameters
    ----------
    categorical_columns : list of str or int, default=None
        Names (for a DataFrame) or positions (for a 2-D array, or for a DataFrame whose
        column names are not integers) of the categorical columns; None infers them from
        the dtypes. Given, it is the full list: other columns must be numeric.
    max_categories : int, default=50
        Most levels a categorical column may have; more is refused with an error (such a
        column is usually an identifier or free text).
    numeric_scaling : {"standard", "quantile"}, default="standard"
        ``"standard"`` centres each numeric column and divides by its standard
        deviation; ``"quantile"`` maps it through its empirical quantiles onto a
        standard normal (robust to skew and outliers; decoded values then stay inside
        the training range).
    clip_to_bounds : bool, default=True
        Clip decoded numeric values to each column's training minimum and maximum.
    categorical_sampling : {"argmax", "draw"}, default="draw"
        How a block becomes a level in :meth:`inverse_transform`.

    Attributes
    ----------
    categorical_columns_ : list
        Names of the categorical columns.
    numeric_columns_ : list
        Names of the numeric columns.
    categories_ : dict
        For each categorical column, the array of its training levels (NaN last when the
        column had missing values), in the order of its one-hot slots.
    output_blocks_ : tuple of (str, int)
        The encoded width cut into ``("numeric", width)`` and ``("softmax", width)``
        blocks, in column order.
    n_features_in_ : int
        Number of columns.
    feature_names_in_ : ndarray of str
        Column names, for a DataFrame with string names.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktsgan.preprocessing import TabularEncoder
    >>> frame = pd.DataFrame({"age": [30, 41, 52, 35], "city": ["Oslo", "Rome", "Oslo", "Rome"]})
    >>> encoder = TabularEncoder().fit(frame)
    >>> encoder.output_blocks_
    (('numeric', 1), ('softmax', 2))
    >>> Z = encoder.transform(frame)
    >>> Z.shape
    (4, 3)
    >>> encoder.inverse_transform(Z).equals(frame)
    True
    >>> encoder.get_feature_names_out().tolist()
    ['age', 'city_Oslo', 'city_Rome']
    """

    _parameter_constraints: dict = {
        "categorical_columns": ["array-like", None],
        "max_categories": [Interval(Integral, 1, None, closed="left")],
        "numeric_scaling": [StrOptions({"standard", "quantile"})],
        "clip_to_bounds": ["boolean"],
        "categorical_sampling": [StrOptions({"argmax", "draw"})],
    }

    def __init__(
        self,
        *,
        categorical_columns=None,
        max_categories=50,
        numeric_scaling="standard",
        clip_to_bounds=True,
        categorical_sampling="draw",
    ):
        self.categorical_columns = categorical_columns
        self.max_categories = max_categories
        self.numeric_scaling = numeric_scaling
        self.clip_to_bounds = clip_to_bounds
        self.categorical_sampling = categorical_sampling

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn which columns are categorical, their levels, and the numeric scaling.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_rows, n_columns)
            The table.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted encoder.
        """
        frame = _as_frame(X)
        _refuse_duplicated_columns(frame)
        if frame.shape[0] == 0 or frame.shape[1] == 0:
            raise ValueError(
                f"X is empty (shape {frame.shape}); {type(self).__name__} needs at least 1 "
                "row with at least 1 column."
            )
        self._input_is_frame = isinstance(X, pd.DataFrame)
        self.__dict__.pop("feature_names_in_", None)
        if self._input_is_frame and all(isinstance(c, str) for c in frame.columns):
            self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        self._columns = list(frame.columns)
        self._dtypes = list(frame.dtypes)
        categorical = resolve_categorical(frame, self.categorical_columns)
        for j, column in enumerate(frame.columns):
            if frame.iloc[:, j].isna().all():
                raise ValueError(
                    f"Column {column!r} is entirely missing (NaN); it carries nothing to "
                    "learn. Drop it before fitting."
                )
        self.categorical_columns_ = [c for c in frame.columns if c in categorical]
        self.numeric_columns_ = [c for c in frame.columns if c not in categorical]
        self.categories_ = {
            c: self._levels(self._column(frame, c)) for c in self.categorical_columns_
        }

        self._scaler = None
        if self.numeric_columns_:
            numeric = self._numeric_values(frame)
            self._check_magnitudes(numeric)
            if self.numeric_scaling == "quantile":
                self._scaler = QuantileTransformer(
                    n_quantiles=min(1000, len(frame)), output_distribution="normal"
                )
            else:
                self._scaler = StandardScaler()
            self._scaler.fit(numeric)
            self._low, self._high = numeric.min(axis=0), numeric.max(axis=0)

        # where each column's values start in an encoded row (plain ints: the safe model
        # format stores them)
        blocks, self._starts = [], {}
        start = 0
        for column in frame.columns:
            width = len(self.categories_[column]) if column in categorical else 1
            self._starts[column] = start
            start += width
            kind = "softmax" if column in categorical else "numeric"
            if kind == "numeric" and blocks and blocks[-1][0] == "numeric":
                blocks[-1] = ("numeric", blocks[-1][1] + 1)
            else:
                blocks.append((kind, width))
        self.output_blocks_ = tuple(blocks)
        self._width = start
        return self

    def transform(self, X):
        """Encode rows: scaled numeric values and one-hot blocks, in column order.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_rows, n_columns)
            Rows with the columns seen in ``fit``.

        Returns
        -------
        Z : ndarray of shape (n_rows, sum of block widths)
            The encoded rows, float64.
        """
        check_is_fitted(self, "output_blocks_")
        frame = self._check_columns(X)
        out = np.zeros((len(frame), self._width))
        if self.numeric_columns_:
            scaled = self._scaler.transform(self._numeric_values(frame))
            scaled[:, self._rounding_constant()] = 0.0
            for j, column in enumerate(self.numeric_columns_):
                out[:, self._starts[column]] = scaled[:, j]
        for column in self.categorical_columns_:
            codes = self._codes(self._column(frame, column), column)
            out[np.arange(len(frame)), self._starts[column] + codes] = 1.0
        return out

    def _rounding_constant(self):
        """Numeric columns that standard scaling left unscaled as constant.

        ``StandardScaler`` treats a column whose spread is rounding noise next to its
        magnitude as constant and leaves its scale at 1, so ``x - mean`` comes out
        unscaled: for values near 1e50 that is rounding noise of 1e34, which overflows
        the float32 networks. Such a column carries nothing; it encodes as 0.
        """
        scaler = self._scaler
        if self.numeric_scaling != "standard":
            return np.zeros(len(self.numeric_columns_), dtype=bool)
        return (scaler.scale_ == 1.0) & (np.sqrt(scaler.var_) != 1.0)

    def inverse_transform(self, Z, random_state=None):
        """Decode vectors into rows in the columns, units and dtypes seen in ``fit``.

        Parameters
        ----------
        Z : array-like of shape (n_rows, sum of block widths)
            Encoded rows; in a categorical block, scores (for ``"argmax"``) or
            non-negative weights (for ``"draw"``, normalised per block).
        random_state : int, RandomState instance or None, default=None
            Seeds the draws of ``categorical_sampling="draw"``.

        Returns
        -------
        X : DataFrame or ndarray of shape (n_rows, n_columns)
            A DataFrame for an encoder fitted on one (same columns, same order, same
            dtypes; a ``category`` column keeps all its categories), an array otherwise.
        """
        check_is_fitted(self, "output_blocks_")
        Z = np.asarray(Z, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[1] != self._width:
            raise ValueError(
                f"Z must have shape (n_rows, {self._width}), the encoded width; got {Z.shape}."
            )
        rng = check_random_state(random_state)
        columns = {}
        if self.numeric_columns_:
            index = [self._starts[c] for c in self.numeric_columns_]
            values = self._scaler.inverse_transform(Z[:, index])
            if self.clip_to_bounds:
                values = np.clip(values, self._low, self._high)
            for j, column in enumerate(self.numeric_columns_):
                columns[column] = _cast(values[:, j], self._dtype_of(column))
        for column in self.categorical_columns_:
            levels = self.categories_[column]
            start = self._starts[column]
            codes = self._choose(Z[:, start : start + len(levels)], rng)
            # a Series keeps its dtype in the frame (pandas 3 reads raw strings as str)
            values = pd.Series(levels[codes], dtype=object)
            columns[column] = values.astype(self._dtype_of(column))
        frame = _frame([columns[c] for c in self._columns], self._columns)
        if self._input_is_frame:
            return frame
        return frame.to_numpy(dtype=self._dtypes[0] if len(set(self._dtypes)) == 1 else None)

    def get_feature_names_out(self, input_features=None):
        """Names of the encoded columns: numeric columns, then ``<column>_<level>`` slots.

        Parameters
        ----------
        input_features : None
            Ignored; the names seen in ``fit`` are used.

        Returns
        -------
        names : ndarray of str
            One name per encoded column.
        """
        check_is_fitted(self, "output_blocks_")
        names = []
        for column in self._columns:
            if column in self.categories_:
                names.extend(f"{column}_{level}" for level in self.categories_[column])
            else:
                names.append(str(column))
        return np.asarray(names, dtype=object)

    # -- helpers -------------------------------------------------------------------------

    def _levels(self, column):
        levels = sorted_levels(column).tolist()  # pandas scalars (Timestamp) kept
        if column.isna().any():
            levels.append(np.nan)
        if len(levels) > self.max_categories:
            raise ValueError(
                f"Column {column.name!r} has {len(levels)} distinct values, more than "
                f"max_categories={self.max_categories}: it looks like an identifier or free "
                "text. Drop it, group its rare values, treat it as numeric (name the other "
                "columns in categorical_columns), or raise max_categories."
            )
        out = np.empty(len(levels), dtype=object)
        out[:] = levels
        return out

    def _numeric_values(self, frame):
        values = np.empty((len(frame), len(self.numeric_columns_)))
        for j, column in enumerate(self.numeric_columns_):
            try:
                values[:, j] = self._column(frame, column).to_numpy(np.float64, na_value=np.nan)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"Numeric column {column!r} holds values that are not numbers ({exc}); "
                    "pass numbers there, as in fit, or name the column in "
                    "categorical_columns."
                ) from exc
        if np.isnan(values).any():
            row, j = np.argwhere(np.isnan(values))[0]
            raise ValueError(
                f"Numeric column {self.numeric_columns_[j]!r} has missing values (first in "
                f"row {row}). Impute them first (e.g. sklearn.impute.SimpleImputer), or name "
                "the column in categorical_columns, where NaN is a level of its own."
            )
        if np.isinf(values).any():
            raise ValueError("X contains inf; replace infinite values (e.g. by clipping) first.")
        return values

    def _check_magnitudes(self, numeric):
        low, high = numeric.min(axis=0), numeric.max(axis=0)
        with np.errstate(over="ignore"):
            span = high - low
        if self.numeric_scaling == "standard":
            too_big = np.maximum(-low, high) > _MAX_STANDARD_MAGNITUDE
            problem = (
                "too large for numeric_scaling='standard' (their variance overflows "
                "float64). Rescale the column (e.g. to other units), or use "
                "numeric_scaling='quantile'."
            )
        else:
            too_big = ~np.isfinite(span)
            problem = "spread wider than float64 can hold. Rescale the column first."
        if too_big.any():
            j = int(np.flatnonzero(too_big)[0])
            raise ValueError(
                f"Numeric column {self.numeric_columns_[j]!r} holds values from {low[j]:.3g} "
                f"to {high[j]:.3g}, {problem}"
            )

    def _column(self, frame, column):
        """The column ``column`` of a frame with the training columns, by position."""
        return frame.iloc[:, self._columns.index(column)]

    def _codes(self, values, column):
        levels = self.categories_[column]
        has_missing = len(levels) and pd.isna(levels[-1])
        known = pd.Index(levels[:-1] if has_missing else levels)
        codes = known.get_indexer(values)
        missing = values.isna().to_numpy()
        if has_missing:
            codes[missing] = len(levels) - 1
        unseen = (codes < 0) & ~missing
        if unseen.any() or (missing.any() and not has_missing):
            bad = sorted(set(values[unseen | missing].tolist()), key=str)
            raise ValueError(
                f"Column {column!r} holds {bad}, which it did not hold in fit; the encoder "
                f"knows only {levels.tolist()}. Map such values to a known level first."
            )
        return codes

    def _choose(self, block, rng):
        if self.categorical_sampling == "argmax" or block.shape[1] == 1:
            return block.argmax(axis=1)
        weights = np.clip(block, 0.0, None)
        total = weights.sum(axis=1, keepdims=True)
        weights = np.where(
            total > 0, weights / np.where(total > 0, total, 1.0), 1.0 / block.shape[1]
        )
        draws = rng.random_sample((len(block), 1))
        codes = (weights.cumsum(axis=1) < draws).sum(axis=1)
        return np.minimum(codes, block.shape[1] - 1)

    def _dtype_of(self, column):
        return self._dtypes[self._columns.index(column)]

    def _check_columns(self, X):
        frame = _as_frame(X)
        if frame.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {frame.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input; pass the columns seen in fit."
            )
        if isinstance(X, pd.DataFrame) and self._input_is_frame:
            if list(frame.columns) != self._columns:
                raise ValueError(
                    f"X has columns {list(frame.columns)} but the encoder was fitted on "
                    f"{self._columns}; pass the same columns in the same order."
                )
        else:
            frame = frame.set_axis(self._columns, axis=1)
        return frame
