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

The checks are here; the containers of checked data are in ``_containers.py`` and the
reader and writer of each format in ``_formats.py``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import validate_data

from ._channels import align_levels
from ._containers import InputFormat, LabelInfo, SequenceData, TableData, time_mask
from ._formats import (
    _check_columns,
    _check_exact_integers,
    _check_integer_precision,
    _is_collection_of_series,
    _read_array,
    _read_long_frame,
    _read_series_list,
    _read_wide_frame,
    restore_format,
    sample_dtype,
)

__all__ = [
    "InputFormat",
    "LabelInfo",
    "SequenceData",
    "TableData",
    "check_feature_names",
    "check_features",
    "check_fitted_sequences",
    "check_labels",
    "check_n_samples",
    "check_sequences",
    "check_table",
    "memory_limit",
    "one_per_series",
    "restore_format",
    "sample_dtype",
    "time_mask",
]


def check_sequences(
    X,
    *,
    id_column=None,
    time_column=None,
    estimator_name="The sampler",
    min_series=2,
    allow_categorical=False,
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
    allow_categorical : bool, default=False
        Read the category, object and string columns of a long DataFrame as
        categorical channels: their values become level codes, and
        ``input_format.categories`` keeps the levels. Otherwise they are refused.

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
            data, fmt = _read_long_frame(X, id_column, time_column, allow_categorical)
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


def check_real_synthetic(X_real, X_synth, estimator_name, *, id_column=None, time_column=None):
    """Read a real and a synthetic data set that a metric or display compares.

    Parameters
    ----------
    X_real, X_synth : array-like or DataFrame
        Series in any format :func:`check_sequences` reads.
    estimator_name : str
        The caller's name, used in error messages.
    id_column, time_column : str, default=None
        Columns of long DataFrames, as in :func:`check_sequences`.

    Returns
    -------
    real, synth : SequenceData
        The checked data sets, with the same number of features.
    real_format : InputFormat
        The real data's container, to name its features.

    Raises
    ------
    ValueError
        If either is not valid series data, or their numbers of features differ.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils.validation import check_real_synthetic
    >>> real, synth, _ = check_real_synthetic(np.zeros((3, 5, 2)), np.ones((4, 5, 2)), "demo")
    >>> real.n_series, synth.n_series
    (3, 4)
    """
    columns = {"id_column": id_column, "time_column": time_column}
    real, real_format = check_sequences(X_real, estimator_name=estimator_name, **columns)
    synth, _ = check_sequences(X_synth, estimator_name=estimator_name, **columns)
    check_features(synth, real.n_features, "the real data")
    return real, synth, real_format


def check_features(data, n_features, estimator_name="The sampler"):
    """Check that ``data`` has the number of features the estimator was fitted with.

    Parameters
    ----------
    data : SequenceData or TableData
        Checked data, as :func:`check_sequences` or :func:`check_table` return it.
    n_features : int
        Number of features seen in ``fit``.
    estimator_name : str, default="The sampler"
        Used in the error message.

    Raises
    ------
    ValueError
        If ``data`` has another number of features.

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
    check_feature_names(estimator, X, reset=False)
    data, fmt = check_sequences(
        X,
        id_column=id_column,
        time_column=time_column,
        estimator_name=name,
        min_series=1,
        allow_categorical=getattr(estimator, "_categorical_channels", False),
    )
    fitted_format = getattr(estimator, "_input_format", None)
    fitted_categories = getattr(fitted_format, "categories", None)
    if (fmt.categories or fitted_categories) and data.n_features == estimator.n_features_in_:
        values = align_levels(data.values, fmt.categories, fitted_categories, fmt.columns, name)
        data = SequenceData(values, data.lengths)
    if data.n_features != estimator.n_features_in_:
        # scikit-learn's wording, which its estimator checks look for
        raise ValueError(
            f"X has {data.n_features} features, but {name} is expecting "
            f"{estimator.n_features_in_} features as input; pass series with the features "
            "(last axis) seen in fit."
        )
    return data, fmt


def check_feature_names(estimator, X, *, reset):
    """Set (``reset=True``) or check ``feature_names_in_`` by scikit-learn's rules.

    Through :func:`sklearn.utils.validation.validate_data` without its array checks
    (``X`` may be 3-D, a list of series or a long DataFrame). The names of a DataFrame
    are its columns but the estimator's ``id_column`` and ``time_column``; other inputs
    have none (a fitted estimator with names warns, as scikit-learn's estimators do).

    Parameters
    ----------
    estimator : estimator
        With ``id_column`` and ``time_column`` if it reads long DataFrames.
    X : array-like, DataFrame or list of array-like
        The data.
    reset : bool
        True in ``fit``: set ``feature_names_in_`` (or remove it). False afterwards:
        compare with it.

    Raises
    ------
    ValueError
        For duplicated column names, or names other than those seen in ``fit``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktsgan.preprocessing import SeriesSummary
    >>> from sktsgan.utils.validation import check_feature_names
    >>> summary = SeriesSummary(id_column="id")
    >>> check_feature_names(summary, pd.DataFrame({"id": [0], "a": [1.0]}), reset=True)
    >>> summary.feature_names_in_.tolist()
    ['a']
    """
    if isinstance(X, pd.DataFrame):
        _check_columns(X)  # before scikit-learn's name check, which fails on duplicates
        keys = [
            column
            for column in (
                getattr(estimator, "id_column", None),
                getattr(estimator, "time_column", None),
            )
            if column is not None and column in X.columns
        ]
        X = X.iloc[:0].drop(columns=keys)
    validate_data(estimator, X, reset=reset, skip_check_array=True, ensure_2d=False)


def one_per_series(y, n_series, *, name="y", noun="label", of="X"):
    """``y`` as a 1-D array of one value per series, or an error that says what is wrong.

    Parameters
    ----------
    y : array-like of shape (n_series,) or (n_series, 1)
        A list, an array or a pandas Series; a column vector is raveled.
    n_series : int
        Number of series in the data ``y`` belongs to.
    name, noun, of : str
        How the error messages call ``y``, one of its values and the data.

    Returns
    -------
    y : ndarray of shape (n_series,)

    Raises
    ------
    ValueError
        If ``y`` is a DataFrame, not 1-D, or not of length ``n_series``.

    Examples
    --------
    >>> from sktsgan.utils.validation import one_per_series
    >>> one_per_series([[1], [2]], 2).tolist()
    [1, 2]
    """
    if isinstance(y, pd.DataFrame):
        raise ValueError(
            f"{name} is a DataFrame; pass one {noun} per series as a 1-D array or Series."
        )
    y = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one {noun} per series; got shape {y.shape}.")
    if len(y) != n_series:
        raise ValueError(
            f"{name} has {len(y)} {noun}s but {of} has {n_series} series; pass one {noun} "
            "per series."
        )
    return y


def check_labels(y, n_series, *, estimator_name="The sampler"):
    """Check class labels for conditional training.

    Labels may be of any hashable type; each class needs at least two series.

    Parameters
    ----------
    y : array-like of shape (n_series,) or (n_series, 1)
        One class label per series (a list, an array or a pandas Series).
    n_series : int
        Number of series in ``X``.
    estimator_name : str, default="The sampler"
        Used in error messages.

    Returns
    -------
    labels : LabelInfo
        The fitted ``LabelEncoder`` and the int64 code of every series.

    Raises
    ------
    ValueError
        If ``y`` is a DataFrame, not 1-D, empty, of another length than
        ``n_series``, holds NaN or inf or continuous values, has fewer than 2
        classes, or a class with a single series.
    TypeError
        If ``y`` holds unhashable labels or labels of types that cannot be sorted
        together.

    Examples
    --------
    >>> from sktsgan.utils.validation import check_labels
    >>> info = check_labels(["a", "b", "a", "b"], 4)
    >>> info.classes.tolist(), info.codes.tolist()
    (['a', 'b'], [0, 1, 0, 1])
    """
    y = one_per_series(y, n_series)
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

    Returns
    -------
    n : int
        ``n`` as a Python int.

    Raises
    ------
    TypeError
        If ``n`` is not an integer (booleans are refused).
    ValueError
        If ``n`` is not positive, or ``n`` samples would not fit in memory.

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

    Returns
    -------
    n_bytes : int
        Page size times number of physical pages, or ``2**40``.

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
