"""One place that turns user input into checked arrays, and samples back into the user's format.

Every sampler reads its training data through :func:`check_sequences` and gives its
samples back through :func:`restore_format`, so every input format is handled the same
way everywhere:

========================================  ===================  ==========================
input                                     read as              ``sample`` returns
========================================  ===================  ==========================
3-D array ``(n_series, n_timesteps, d)``  equal-length series  3-D array
3-D array with trailing-NaN padding       variable-length      3-D array, NaN-padded
list of 2-D ``(T_i, d)`` or 1-D arrays    variable-length      list of arrays
2-D array ``(n_samples, d)``              tabular rows         2-D array
DataFrame (wide)                          tabular rows         DataFrame, same columns
DataFrame (long, ``id_column`` given)     one series per id    long DataFrame
========================================  ===================  ==========================

2-D arrays are tabular rows, one row per sample. This differs from tslearn, which reads
a 2-D array as a set of univariate series: pass ``X[:, :, np.newaxis]`` for that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_array
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_feature_names

__all__ = [
    "InputFormat",
    "LabelInfo",
    "SequenceData",
    "TableData",
    "check_features",
    "check_fitted_sequences",
    "check_labels",
    "check_n_samples",
    "check_sequences",
    "check_table",
    "memory_limit",
    "restore_format",
]


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


def check_sequences(
    X, *, id_column=None, time_column=None, estimator_name="The sampler", min_series=2
):
    """Check training data in any supported format and read it as padded series.

    Parameters
    ----------
    X : array-like, DataFrame or list of array-like
        See the module docstring for the supported formats.
    id_column, time_column : str, default=None
        For a long DataFrame: the column that names each series and the column that
        orders its steps. ``time_column`` requires ``id_column``.
    estimator_name : str, default="The sampler"
        Used in error messages.
    min_series : int, default=2
        Fewest series accepted (a sampler needs two to learn a distribution; a
        forecaster can learn from the windows of one).

    Returns
    -------
    data : SequenceData
        The series as float64, NaN-padded to the longest one.
    input_format : InputFormat
        What to give samples back as.

    Raises
    ------
    TypeError
        For non-numeric data or an unsupported container.
    ValueError
        For empty data, fewer than 2 series, NaN inside a series, inf, or a bad layout.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils.validation import check_sequences
    >>> data, fmt = check_sequences(np.zeros((4, 10, 2)))
    >>> data.values.shape, fmt.kind
    ((4, 10, 2), 'array')
    >>> data, fmt = check_sequences([np.zeros((3, 2)), np.ones((5, 2))])
    >>> data.lengths.tolist(), fmt.kind
    ([3, 5], 'list')
    """
    if X is None:
        raise TypeError(f"{estimator_name} needs training data X, got None.")
    if time_column is not None and id_column is None:
        raise ValueError(
            "time_column was given without id_column; a long DataFrame needs id_column "
            "to tell its series apart."
        )
    if isinstance(X, pd.DataFrame):
        if id_column is not None:
            data, fmt = _read_long_frame(X, id_column, time_column)
        else:
            data, fmt = _read_wide_frame(X)
    elif id_column is not None:
        raise TypeError(
            f"id_column={id_column!r} needs X as a pandas DataFrame in long format, got "
            f"{type(X).__name__}."
        )
    elif isinstance(X, pd.Series):
        raise ValueError(
            "X is a pandas Series (one feature, no sample axis). Pass X.to_frame() for "
            "tabular rows or X.to_numpy().reshape(1, -1, 1) for one series."
        )
    elif isinstance(X, (list, tuple)) and _is_collection_of_series(X):
        data, fmt = _read_series_list(X)
    else:
        data, fmt = _read_array(X)
    _check_sizes(data, estimator_name, min_series)
    _check_integer_precision(data, fmt)
    return data, fmt


def check_table(X, *, estimator_name="The sampler", min_rows=2):
    """Check a wide DataFrame of tabular rows whose columns may be of any kind.

    Unlike :func:`check_sequences` it keeps non-numeric columns (``category``,
    ``object``, ``bool``, ``string``) as they are, for the tabular samplers, whose
    encoder (:class:`sktsgan.preprocessing.TabularEncoder`) decides what each column is
    and checks its values.

    Parameters
    ----------
    X : DataFrame of shape (n_rows, n_columns)
        Training rows.
    estimator_name : str, default="The sampler"
        Used in error messages.
    min_rows : int, default=2
        Fewest rows accepted.

    Returns
    -------
    data : TableData
        The rows, with a fresh ``RangeIndex``.
    input_format : InputFormat
        Kind ``"frame"``, with the columns and their dtypes.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktsgan.utils.validation import check_table
    >>> frame = pd.DataFrame({"age": [30, 41, 52], "city": ["Oslo", "Rome", "Oslo"]})
    >>> data, fmt = check_table(frame)
    >>> data.n_series, fmt.kind, fmt.columns
    (3, 'frame', ['age', 'city'])
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"check_table reads a pandas DataFrame, got {type(X).__name__}.")
    _check_columns(X)
    if X.shape[1] == 0 or len(X) == 0:
        raise ValueError(
            f"X is empty (shape {X.shape}); {estimator_name} needs at least {min_rows} "
            "row(s) with at least 1 column."
        )
    if len(X) < min_rows:
        raise ValueError(
            f"X has {len(X)} row(s); {estimator_name} needs at least {min_rows} to learn a "
            "distribution."
        )
    numeric = X.select_dtypes(include="number")
    if numeric.shape[1] and np.isinf(numeric.to_numpy(dtype=np.float64, na_value=np.nan)).any():
        raise ValueError(
            "X contains inf; replace infinite values (e.g. by clipping) before fitting."
        )
    integers = [j for j, dtype in enumerate(X.dtypes) if pd.api.types.is_integer_dtype(dtype)]
    if integers:
        _check_exact_integers(X.iloc[:, integers].to_numpy(dtype=np.float64, na_value=np.nan))
    fmt = InputFormat("frame", dtypes=list(X.dtypes), columns=list(X.columns))
    return TableData(X.reset_index(drop=True)), fmt


def check_features(data, n_features, estimator_name="The sampler"):
    """Check that ``data`` has the number of features the estimator was fitted with.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils.validation import check_features, check_sequences
    >>> data, _ = check_sequences(np.zeros((3, 5, 2)))
    >>> check_features(data, 3, "RCGANSampler")
    Traceback (most recent call last):
    ...
    ValueError: X has 2 features but RCGANSampler was fitted with 3; ...
    """
    if data.n_features != n_features:
        raise ValueError(
            f"X has {data.n_features} features but {estimator_name} was fitted with "
            f"{n_features}; pass data with the same last axis."
        )


def check_fitted_sequences(estimator, X):
    """Read ``X`` for a fitted estimator's ``transform``, as its ``fit`` read it.

    Every format of :func:`check_sequences` is accepted (one series is enough), with
    the estimator's ``id_column`` and ``time_column`` for a long DataFrame. Feature
    names are checked against ``feature_names_in_`` by scikit-learn's rules (the id
    and time columns of a long DataFrame are not features), and the number of
    features against ``n_features_in_``.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator with ``n_features_in_`` (and ``id_column``,
        ``time_column`` if it reads long DataFrames).
    X : array-like, DataFrame or list of array-like
        The data to transform.

    Returns
    -------
    data : SequenceData
        The series as float64, NaN-padded to the longest one.
    input_format : InputFormat
        What ``X`` was.

    Raises
    ------
    ValueError
        If ``X`` has another number of features or other feature names than in
        ``fit``, or is not valid input for :func:`check_sequences`.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.preprocessing import SeriesSummary
    >>> from sktsgan.utils.validation import check_fitted_sequences
    >>> summary = SeriesSummary().fit(np.zeros((4, 10, 2)))
    >>> data, _ = check_fitted_sequences(summary, [np.ones((3, 2))])
    >>> data.values.shape
    (1, 3, 2)
    >>> check_fitted_sequences(summary, np.zeros((4, 10, 3)))
    Traceback (most recent call last):
    ...
    ValueError: X has 3 features, but SeriesSummary is expecting 2 features as input; ...
    """
    name = type(estimator).__name__
    id_column = getattr(estimator, "id_column", None)
    time_column = getattr(estimator, "time_column", None)
    if isinstance(X, pd.DataFrame):
        _check_columns(X)  # before scikit-learn's name check, which fails on duplicates
        keys = [c for c in (id_column, time_column) if c is not None and c in X.columns]
        _check_feature_names(estimator, X.iloc[:0].drop(columns=keys), reset=False)
    else:
        _check_feature_names(estimator, X, reset=False)
    data, fmt = check_sequences(
        X, id_column=id_column, time_column=time_column, estimator_name=name, min_series=1
    )
    if data.n_features != estimator.n_features_in_:
        # scikit-learn's wording, which its estimator checks look for
        raise ValueError(
            f"X has {data.n_features} features, but {name} is expecting "
            f"{estimator.n_features_in_} features as input; pass series with the features "
            "(last axis) seen in fit."
        )
    return data, fmt


def check_labels(y, n_series, *, estimator_name="The sampler"):
    """Check class labels for conditional training.

    Labels may be of any hashable type; each class needs at least two series.

    Examples
    --------
    >>> from sktsgan.utils.validation import check_labels
    >>> info = check_labels(["a", "b", "a", "b"], 4)
    >>> info.classes.tolist(), info.codes.tolist()
    (['a', 'b'], [0, 1, 0, 1])
    """
    if isinstance(y, pd.DataFrame):
        raise ValueError("y is a DataFrame; pass one label per series as a 1-D array or Series.")
    y = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, one label per series; got shape {y.shape}.")
    if len(y) != n_series:
        raise ValueError(
            f"y has {len(y)} labels but X has {n_series} series; pass one label per series."
        )
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or inf; every series needs a class label.")
    if y.dtype.kind in "fc" and type_of_target(y) == "continuous":
        raise ValueError(
            f"{estimator_name} conditions on class labels, but y looks continuous "
            f"({len(np.unique(y))} distinct float values). Pass discrete labels, e.g. bin "
            "a continuous target with numpy.digitize."
        )
    if y.dtype == object and any(isinstance(v, (list, dict, set)) for v in y):
        raise TypeError("y must hold hashable class labels, one per series.")
    if len(y) == 0:
        raise ValueError("y is empty; pass one class label per series.")
    encoder = LabelEncoder()
    try:
        codes = encoder.fit_transform(y)
    except TypeError as exc:  # e.g. strings mixed with numbers: labels that do not sort
        kinds = sorted({type(v).__name__ for v in y.ravel()})
        raise TypeError(
            f"y mixes labels of types {kinds} that cannot be sorted; pass labels of one "
            "type, e.g. y.astype(str)."
        ) from exc
    counts = np.bincount(codes, minlength=len(encoder.classes_))
    if len(encoder.classes_) < 2:
        raise ValueError(
            f"y has only 1 class ({encoder.classes_[0]!r}); conditioning needs at least 2. "
            "Fit without y to learn one unconditional distribution."
        )
    single = encoder.classes_[counts < 2]
    if len(single):
        raise ValueError(
            f"Class(es) {single.tolist()} have a single series; each class needs at least "
            "2 to learn a conditional distribution. Drop or merge those classes."
        )
    return LabelInfo(encoder=encoder, codes=codes.astype(np.int64))


def check_n_samples(n, *, bytes_per_sample=None, name="n"):
    """Check the number of samples asked of ``sample``.

    Parameters
    ----------
    n : int
        Number of samples asked for.
    bytes_per_sample : int, default=None
        Memory one sample takes in the returned array. When given, ``n`` samples must
        fit in this machine's physical memory (:func:`memory_limit`): a larger ``n``
        is refused at once rather than failing (or swapping) half-way.
    name : str, default="n"
        The parameter's name, for messages.

    Examples
    --------
    >>> from sktsgan.utils.validation import check_n_samples
    >>> check_n_samples(3)
    3
    >>> check_n_samples(10**12, bytes_per_sample=960)
    Traceback (most recent call last):
    ...
    ValueError: n=1000000000000 samples need 960 TB, more than ...
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer, got {n!r} ({type(n).__name__}).")
    if n <= 0:
        raise ValueError(f"{name} must be a positive integer, got {n}.")
    n = int(n)
    if bytes_per_sample is not None:
        needed, limit = n * int(bytes_per_sample), memory_limit()
        if needed > limit:
            raise ValueError(
                f"{name}={n} samples need {_format_bytes(needed)}, more than the "
                f"{_format_bytes(limit)} of memory of this machine. Draw them in batches "
                "(several calls with a smaller n, each saved before the next)."
            )
    return n


def memory_limit():
    """Bytes of physical memory: the most that one ``sample`` call may return.

    Falls back to 1 TiB where the operating system does not say.

    Examples
    --------
    >>> from sktsgan.utils.validation import memory_limit
    >>> memory_limit() > 0
    True
    """
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX
        return 2**40


def _format_bytes(n_bytes):
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n_bytes < 1000 or unit == "TB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1000


def sample_dtype(input_format):
    """Float dtype to generate samples in: float32 when every feature is float32.

    Generating straight into the output's dtype keeps a single copy of the samples.
    """
    dtypes = [pd.api.types.pandas_dtype(dt) for dt in input_format.dtypes]
    if dtypes and all(dt == np.float32 for dt in dtypes):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def restore_format(values, lengths, input_format):
    """Turn samples ``(n, n_timesteps, n_features)`` back into the user's format.

    ``values`` are in original units; steps past ``lengths`` are ignored.
    """
    fmt = input_format
    kind = fmt.kind
    if kind in ("tabular", "frame"):
        rows = values[:, 0, :]
        if kind == "tabular":
            return _cast(rows, fmt.dtypes[0])
        return _frame([_cast(rows[:, j], dt) for j, dt in enumerate(fmt.dtypes)], fmt.columns)
    if kind == "array":
        return _cast(values, fmt.dtypes[0])
    if kind == "padded":
        out = values.astype(fmt.dtypes[0], copy=False)  # float: the input held NaN padding
        out[~time_mask(lengths, values.shape[1])] = np.nan
        return out
    if kind == "list":
        items = [_cast(values[i, :length], fmt.dtypes[0]) for i, length in enumerate(lengths)]
        if fmt.univariate_items:
            items = [item[:, 0] for item in items]
        return items
    if kind == "long_frame":
        return _to_long_frame(values, lengths, fmt)
    raise AssertionError(f"unknown input kind {kind!r}")


# -- readers ---------------------------------------------------------------------------


def _is_collection_of_series(X):
    if len(X) == 0:
        return False
    if any(isinstance(item, (np.ndarray, pd.DataFrame)) for item in X):
        return True
    try:
        np.asarray(X, dtype=float)
    except ValueError:  # inhomogeneous nesting (a ragged list of lists) or non-numbers
        return True
    except TypeError:
        return False
    return False


def _read_array(X):
    X = check_array(
        X,
        ensure_2d=False,
        allow_nd=True,
        ensure_all_finite=False,
        dtype=None,
        ensure_min_samples=0,
        input_name="X",
    )
    if X.dtype.kind not in "biuf":
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"X must be numeric, but its values could not be read as numbers ({exc}). "
                "Encode categorical values as numbers first."
            ) from exc
    if X.ndim == 2:
        _check_finite(X, where="X", padding_allowed=False)
        values = X.astype(np.float64, copy=False)[:, np.newaxis, :]
        lengths = np.ones(X.shape[0], dtype=np.int64)
        return SequenceData(values, lengths), InputFormat("tabular", dtypes=[X.dtype])
    if X.ndim == 3:
        values = X.astype(np.float64, copy=False)  # float64 input is not copied
        lengths = _padded_lengths(values)
        kind = "padded" if np.any(lengths != values.shape[1]) else "array"
        return SequenceData(values, lengths), InputFormat(kind, dtypes=[X.dtype])
    if X.ndim == 1:
        raise ValueError(
            "Expected a 2-D array of tabular rows (n_samples, n_features) or a 3-D array of "
            f"series (n_series, n_timesteps, n_features), got a 1-D array of shape {X.shape}. "
            "Reshape your data either using array.reshape(-1, 1) if your data has a single "
            "feature, or array.reshape(1, -1, 1) if it is a single univariate series."
        )
    raise ValueError(
        "Expected a 2-D array of tabular rows (n_samples, n_features) or a 3-D array of "
        f"series (n_series, n_timesteps, n_features), got {X.ndim} dimensions "
        f"(shape {X.shape})."
    )


def _read_series_list(items):
    arrays, dtypes, univariate = [], [], []
    for i, item in enumerate(items):
        if isinstance(item, pd.DataFrame):
            _check_numeric_columns(item)
            item = item.to_numpy()
        try:
            arr = np.asarray(item)
            if arr.dtype.kind not in "biuf":
                arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"Series {i} of X could not be read as numbers ({exc}); every series must "
                "be numeric."
            ) from exc
        if arr.dtype.kind == "c":
            raise ValueError("Complex data not supported; pass real-valued series.")
        if arr.ndim not in (1, 2):
            raise ValueError(
                f"Series {i} of X has {arr.ndim} dimensions; each series must be 1-D "
                "(n_timesteps,) or 2-D (n_timesteps, n_features)."
            )
        univariate.append(arr.ndim == 1)
        arrays.append(arr.reshape(-1, 1) if arr.ndim == 1 else arr)
        dtypes.append(arr.dtype)
    n_features = {a.shape[1] for a in arrays}
    if len(n_features) > 1:
        raise ValueError(
            f"The series in X have different numbers of features {sorted(n_features)}; "
            "every series needs the same features."
        )
    if len(set(univariate)) > 1:
        raise ValueError("X mixes 1-D and 2-D series; pass them all in one layout.")
    d = n_features.pop()
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    values = np.full((len(arrays), max(lengths.max(), 1), d), np.nan)
    for i, arr in enumerate(arrays):
        values[i, : len(arr)] = arr
    # A NaN tail inside a list item is padding too (tslearn writes lists that way).
    lengths = np.minimum(lengths, _padded_lengths(values, where_prefix="series"))
    dtype = np.result_type(*dtypes)
    return SequenceData(values, lengths), InputFormat(
        "list", dtypes=[dtype], univariate_items=univariate[0]
    )


def _read_wide_frame(frame):
    _check_columns(frame)
    _check_numeric_columns(frame)
    rows = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    _check_finite(rows, where="X", padding_allowed=False)
    values = rows[:, np.newaxis, :]
    lengths = np.ones(len(frame), dtype=np.int64)
    fmt = InputFormat("frame", dtypes=list(frame.dtypes), columns=list(frame.columns))
    return SequenceData(values, lengths), fmt


def _read_long_frame(frame, id_column, time_column):
    _check_columns(frame)
    for name, col in (("id_column", id_column), ("time_column", time_column)):
        if col is not None and col not in frame.columns:
            raise ValueError(
                f"{name}={col!r} is not a column of X; its columns are {list(frame.columns)}."
            )
    features = frame.drop(columns=[c for c in (id_column, time_column) if c is not None])
    if features.shape[1] == 0:
        raise ValueError("X has no feature columns besides the id and time columns.")
    _check_numeric_columns(features)
    if len(frame) == 0:
        raise ValueError("X is an empty DataFrame (no rows); pass at least 2 series.")
    if frame[id_column].isna().any():
        raise ValueError(f"The id column {id_column!r} has missing values; every row needs an id.")
    order = pd.Index(pd.unique(frame[id_column]))
    codes = order.get_indexer(frame[id_column])
    if time_column is not None:
        if frame[time_column].isna().any():
            raise ValueError(f"The time column {time_column!r} has missing values.")
        sort_keys = (frame[time_column].to_numpy(), codes)
        if frame.duplicated([id_column, time_column]).any():
            raise ValueError(
                f"Some series have two rows with the same {time_column!r}; each (id, time) "
                "pair must be unique."
            )
    else:
        sort_keys = (np.arange(len(frame)), codes)
    rows = np.lexsort(sort_keys)
    codes = codes[rows]
    raw = features.to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    _check_finite(raw, where="X", padding_allowed=False)
    lengths = np.bincount(codes, minlength=len(order)).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    positions = np.arange(len(codes)) - starts[codes]
    values = np.full((len(order), lengths.max(), raw.shape[1]), np.nan)
    values[codes, positions] = raw
    time_values = None
    if time_column is not None:
        times = frame[time_column].to_numpy()[rows]
        longest = np.argmax(lengths)
        reference = times[codes == longest]
        if all(
            np.array_equal(times[codes == k], reference[: lengths[k]]) for k in range(len(order))
        ):
            time_values = reference
    fmt = InputFormat(
        "long_frame",
        dtypes=list(features.dtypes),
        columns=list(features.columns),
        id_column=id_column,
        time_column=time_column,
        time_values=time_values,
    )
    data = SequenceData(values, lengths)
    return data, fmt


def _to_long_frame(values, lengths, fmt):
    n, _, _ = values.shape
    mask = time_mask(lengths, values.shape[1])
    ids = np.repeat(np.arange(n), lengths)
    steps = np.concatenate([np.arange(length) for length in lengths])
    rows = values[mask]
    columns = {fmt.id_column: ids}
    if fmt.time_column is not None:
        columns[fmt.time_column] = fmt.time_values[steps] if fmt.time_values is not None else steps
    for j, (col, dt) in enumerate(zip(fmt.columns, fmt.dtypes)):
        columns[col] = _cast(rows[:, j], dt)
    return pd.DataFrame(columns)


# -- checks ------------------------------------------------------------------------------


def _check_columns(frame):
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise ValueError(
            f"X has duplicated column names {list(duplicated)}; rename them so that each "
            "feature has its own name."
        )


def _check_numeric_columns(frame):
    bad = [
        col
        for col, dtype in frame.dtypes.items()
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))
    ]
    if bad:
        kinds = sorted({str(frame[c].dtype) for c in bad})
        raise TypeError(
            f"Columns {bad} are not numeric (dtype {', '.join(kinds)}). The sequence samplers "
            "learn numeric features only: encode these columns as numbers (e.g. "
            "sklearn.preprocessing.OrdinalEncoder) or drop them."
        )


def _check_finite(values, *, where, padding_allowed):
    if np.isinf(values).any():
        raise ValueError(
            f"{where} contains inf; replace infinite values (e.g. by clipping) before fitting."
        )
    if not padding_allowed and np.isnan(values).any():
        row = int(np.argwhere(np.isnan(values))[0][0])
        raise ValueError(
            f"{where} contains NaN (first in row {row}). Impute missing values first "
            "(e.g. sklearn.impute.SimpleImputer); NaN is read as padding only at the end of "
            "a series in a 3-D array."
        )


def _check_integer_precision(data, fmt):
    """Integers of 2**53 or more do not survive float64: refuse rather than shift them."""
    is_int = [pd.api.types.is_integer_dtype(pd.api.types.pandas_dtype(dt)) for dt in fmt.dtypes]
    if not any(is_int):
        return
    _check_exact_integers(data.values if all(is_int) else data.values[..., np.flatnonzero(is_int)])


def _check_exact_integers(values):
    """Refuse integers (as float64 ``values``) that float64 does not hold exactly."""
    if values.size and (np.nanmax(values) >= 2**53 or np.nanmin(values) <= -(2**53)):
        raise ValueError(
            "X holds integers of magnitude 2**53 or more, which float64 (and so the "
            "sampler) cannot represent exactly; rescale them (e.g. to other units) or pass "
            "them as floats if approximate values will do."
        )


def _padded_lengths(values, where_prefix="series"):
    """Lengths of NaN-padded series; NaN anywhere but a whole trailing step is an error."""
    if np.isinf(values).any():
        raise ValueError("X contains inf; replace infinite values (e.g. by clipping) first.")
    nan = np.isnan(values)
    if not nan.any():
        return np.full(values.shape[0], values.shape[1], dtype=np.int64)
    step_all_nan = nan.all(axis=2)
    partial = nan.any(axis=2) & ~step_all_nan
    if partial.any():
        i, t = np.argwhere(partial)[0]
        raise ValueError(
            f"{where_prefix.capitalize()} {i} has NaN in some but not all features at step "
            f"{t}. Impute missing values first; NaN is read as padding only when a whole "
            "step is missing at the end of a series."
        )
    # length = index after the last step holding any value
    has_value = ~step_all_nan
    last = values.shape[1] - np.argmax(has_value[:, ::-1], axis=1)
    lengths = np.where(has_value.any(axis=1), last, 0).astype(np.int64)
    inner_gap = step_all_nan & time_mask(lengths, values.shape[1])
    if inner_gap.any():
        i, t = np.argwhere(inner_gap)[0]
        raise ValueError(
            f"{where_prefix.capitalize()} {i} has a missing step (all NaN) at step {t}, "
            "before its last value. Impute or interpolate missing steps first; NaN is read "
            "as padding only at the end of a series."
        )
    empty = np.flatnonzero(lengths == 0)
    if len(empty):
        raise ValueError(
            f"{where_prefix.capitalize()} {empty[0]} is all NaN; drop empty series before fitting."
        )
    return lengths


def _check_sizes(data, estimator_name, min_series=2):
    if data.values.size == 0 or data.n_series == 0:
        raise ValueError(
            f"X is empty (shape {data.values.shape}); {estimator_name} needs at least "
            f"{min_series} sample(s) with at least 1 feature."
        )
    if data.n_series < min_series:
        raise ValueError(
            f"X has 1 sample (series); {estimator_name} needs at least 2 to learn a distribution."
        )


def _frame(columns, names):
    """DataFrame of ``columns`` labelled exactly ``names`` (None, 1 and True stay apart)."""
    frame = pd.DataFrame(dict(enumerate(columns)))
    index = pd.Index(names, tupleize_cols=False)
    if index.tolist() != list(names):  # inference changed a label (None to NaN, 0 to 0.0)
        index = pd.Index(names, dtype=object, tupleize_cols=False)
    frame.columns = index
    return frame


def _float_bounds(dtype):
    """The widest float range that casts to the integer ``dtype`` without overflow."""
    info = np.iinfo(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype)
    low, high = float(info.min), float(info.max)
    if high > info.max:  # int64 and uint64: float(max) rounds up past the range
        high = np.nextafter(high, -np.inf)
    return low, high


def _cast(values, dtype):
    """Cast float samples to the training dtype: round integers, threshold booleans."""
    dtype = pd.api.types.pandas_dtype(dtype)
    if pd.api.types.is_bool_dtype(dtype):
        return (
            (values > 0.5).astype(dtype)
            if isinstance(dtype, np.dtype)
            else pd.array(values > 0.5, dtype=dtype)
        )
    if pd.api.types.is_integer_dtype(dtype):
        rounded = np.clip(np.rint(values), *_float_bounds(dtype))  # no wrap-around
        return (
            rounded.astype(dtype)
            if isinstance(dtype, np.dtype)
            else pd.array(rounded.astype(np.int64), dtype=dtype)
        )
    if isinstance(dtype, np.dtype):
        return values.astype(dtype, copy=False)  # no second copy of a million series
    return pd.array(values, dtype=dtype)
