"""Readers and writers, one per container: how each input format becomes padded series
(or a table), and how samples go back into the format they came in."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import check_array

from ._containers import InputFormat, SequenceData, time_mask


def sample_dtype(input_format):
    """Float dtype to generate samples in: float32 when every feature is float32.

    Generating straight into the output's dtype keeps a single copy of the samples.

    Parameters
    ----------
    input_format : InputFormat
        What the training data was; its ``dtypes`` decide.

    Returns
    -------
    dtype : numpy.dtype
        ``float32`` if ``input_format.dtypes`` is not empty and all of them are
        ``float32``, else ``float64``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils.validation import check_sequences, sample_dtype
    >>> _, fmt = check_sequences(np.zeros((4, 10, 2), dtype=np.float32))
    >>> sample_dtype(fmt)
    dtype('float32')
    """
    dtypes = [pd.api.types.pandas_dtype(dt) for dt in input_format.dtypes]
    if dtypes and all(dt == np.float32 for dt in dtypes):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def restore_format(values, lengths, input_format):
    """Turn samples ``(n, n_timesteps, n_features)`` back into the user's format.

    ``values`` are in original units; steps past ``lengths`` are ignored. Each feature
    is cast to its training dtype: integers rounded (and clipped to the dtype's
    range), booleans true above 0.5.

    Parameters
    ----------
    values : ndarray of shape (n, n_timesteps, n_features)
        The samples as floats; of tabular formats (``"tabular"``, ``"frame"``) only
        the first step is read. For a ``"padded"`` format of the same dtype as
        ``values``, the NaN padding is written into ``values`` itself.
    lengths : array-like of shape (n,)
        Number of valid steps of each sample.
    input_format : InputFormat
        What the training data was (from :func:`check_sequences` or
        :func:`check_table`).

    Returns
    -------
    samples : ndarray, DataFrame or list of ndarray
        In the format of the training data (``input_format.kind``): ``"tabular"``,
        an array ``(n, n_features)``; ``"frame"``, a DataFrame with the training
        columns; ``"array"``, an array ``(n, n_timesteps, n_features)``;
        ``"padded"``, the same, NaN past ``lengths``; ``"list"``, a list of ``n``
        arrays ``(lengths[i], n_features)`` (1-D with ``univariate_items``);
        ``"long_frame"``, a long DataFrame with the id column (numbered from 0),
        the time column if any, and the feature columns.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils.validation import check_sequences, restore_format
    >>> _, fmt = check_sequences([np.zeros(3), np.zeros(5)])
    >>> samples = restore_format(np.ones((2, 5, 1)), [2, 4], fmt)
    >>> [item.shape for item in samples]
    [(2,), (4,)]
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


def is_categorical_dtype(dtype):
    """Whether a column of this dtype is read as categorical when none are named.

    ``category``, ``object``, ``bool`` (numpy or pandas) and pandas ``string`` are.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._formats import is_categorical_dtype
    >>> is_categorical_dtype(np.dtype(bool)), is_categorical_dtype(np.dtype("int64"))
    (True, False)
    """
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def sorted_levels(column):
    """The levels a categorical column holds, as an object array, NaN left out: a category
    dtype's own order (those present), else sorted (or in order of appearance, for mixed
    types). The categorical channels of series and ``TabularEncoder`` order levels so.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktsgan.utils._formats import sorted_levels
    >>> sorted_levels(pd.Series(["on", "off", None, "on"])).tolist()
    ['off', 'on']
    """
    values = column.dropna()
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = set(values.unique().tolist())
        levels = [c for c in column.dtype.categories.tolist() if c in present]
    else:
        levels = values.drop_duplicates().tolist()
        try:
            levels = sorted(levels)
        except TypeError:
            pass
    out = np.empty(len(levels), dtype=object)
    out[:] = levels
    return out


def _categorical_channels(features):
    """``{position: levels}`` of the categorical (non-bool) channels of a long frame."""
    categories = {}
    for j, (column, dtype) in enumerate(features.dtypes.items()):
        if is_categorical_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            if features[column].isna().any():
                raise ValueError(
                    f"The categorical channel {column!r} has missing values; give every "
                    "step a level (for example a level of its own such as 'unknown')."
                )
            categories[j] = sorted_levels(features[column])
    return categories


def _read_long_frame(frame, id_column, time_column, allow_categorical=False):
    _check_columns(frame)
    for name, col in (("id_column", id_column), ("time_column", time_column)):
        if col is not None and col not in frame.columns:
            raise ValueError(
                f"{name}={col!r} is not a column of X; its columns are {list(frame.columns)}."
            )
    features = frame.drop(columns=[c for c in (id_column, time_column) if c is not None])
    if features.shape[1] == 0:
        raise ValueError("X has no feature columns besides the id and time columns.")
    categories = _categorical_channels(features) if allow_categorical else {}
    _check_numeric_columns(features.drop(columns=features.columns[list(categories)]))
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
    dtypes = list(features.dtypes)
    if categories:  # level codes, as floats beside the numeric channels
        features = features.copy()
        for j, levels in categories.items():
            level_codes = pd.Index(levels).get_indexer(features.iloc[:, j])
            features.isetitem(j, level_codes.astype(np.float64))
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
        dtypes=dtypes,
        columns=list(features.columns),
        id_column=id_column,
        time_column=time_column,
        time_values=time_values,
        categories=categories or None,
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
    categories = getattr(fmt, "categories", None) or {}
    for j, (col, dt) in enumerate(zip(fmt.columns, fmt.dtypes)):
        if j in categories:
            columns[col] = _levels_of(rows[:, j], categories[j], dt)
        else:
            columns[col] = _cast(rows[:, j], dt)
    return pd.DataFrame(columns)


def _levels_of(codes, levels, dtype):
    """Level codes (floats) as the channel's levels, in its training dtype."""
    values = levels[codes.astype(np.int64)]
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values, dtype=dtype)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return pd.array(values, dtype=dtype)
    return pd.Series(values, dtype=dtype)  # object stays object: pandas would infer str


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
            f"Columns {bad} are not numeric (dtype {', '.join(kinds)}). This estimator "
            "learns numeric features only: encode these columns as numbers (e.g. "
            "sklearn.preprocessing.OrdinalEncoder) or drop them. RCGANSampler, "
            "TimeGANSampler and DiffusionSampler learn the category, object and string "
            "columns of a long DataFrame as categorical channels."
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
