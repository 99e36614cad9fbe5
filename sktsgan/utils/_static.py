"""Static attributes: one row of metadata per series, read, checked and given back.

A sequence sampler may learn series together with a table of attributes that are
constant within each series (a device's type, a region, a capacity). They come either
as their own table (``fit(X, static=table)``) or as columns of a long DataFrame named
by ``static_columns``. This module only reads, checks and writes such tables; how a
sampler encodes and generates them is in :mod:`sktsgan.base._static`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._formats import _check_columns

__all__ = ["read_static_table", "restore_static_table", "split_static_columns"]


def read_static_table(static, n_series, *, estimator_name="The sampler", argument="static"):
    """Check a table of static attributes, one row per series, as a DataFrame.

    Parameters
    ----------
    static : DataFrame, array-like of shape (n_series, n_attributes) or (n_series,), \
            or dict
        The attributes; a 1-D array is one attribute, a dict maps column names to
        one value each (a single row) or to ``n_series`` values.
    n_series : int or None
        Rows expected; None accepts any number of rows (at least one).
    estimator_name : str, default="The sampler"
        Used in error messages.
    argument : str, default="static"
        How the table is named in error messages.

    Returns
    -------
    table : DataFrame
        The attributes with a fresh ``RangeIndex``.
    fmt : dict
        The container (``"kind"``: ``"frame"`` or ``"array"``), ``"columns"`` and
        ``"dtypes"``, to give generated attributes back in (plain values: a model file
        stores them).

    Raises
    ------
    ValueError
        If the table is empty, has duplicated column names, is more than 2-D, or has
        another number of rows than ``n_series``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._static import read_static_table
    >>> table, fmt = read_static_table(np.array([[1.0, 2.0], [3.0, 4.0]]), 2)
    >>> table.shape, fmt["kind"]
    ((2, 2), 'array')
    """
    if isinstance(static, pd.Series):
        static = static.to_frame()
    if isinstance(static, Mapping):
        values = {
            key: np.atleast_1d(np.asarray(value, dtype=object)) for key, value in static.items()
        }
        lengths = {len(value) for value in values.values()}
        if len(lengths) > 1:
            raise ValueError(
                f"The columns of {argument} have different lengths {sorted(lengths)}; give "
                "each attribute one value (for every series) or one value per series."
            )
        static = pd.DataFrame({key: list(value) for key, value in values.items()})
        static = static.infer_objects()
    if isinstance(static, pd.DataFrame):
        table = static.reset_index(drop=True)
        kind = "frame"
    else:
        array = np.asarray(static)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        if array.ndim != 2:
            raise ValueError(
                f"{argument} must be a table of attributes, one row per series (a DataFrame "
                f"or a 2-D array), got an array of shape {array.shape}."
            )
        table = pd.DataFrame(array)
        if array.dtype == object:
            table = table.infer_objects()
        kind = "array"
    _check_columns(table)
    if table.shape[0] == 0 or table.shape[1] == 0:
        raise ValueError(
            f"{argument} is empty (shape {table.shape}); give at least one attribute for "
            "each series."
        )
    if n_series is not None and len(table) != n_series:
        raise ValueError(
            f"{argument} has {len(table)} rows but X has {n_series} series; {estimator_name} "
            "needs one row of attributes per series, in the order of the series."
        )
    return table, {"kind": kind, "columns": list(table.columns), "dtypes": list(table.dtypes)}


def split_static_columns(frame, id_column, static_columns):
    """Cut the static columns out of a long DataFrame: one row of them per series.

    Parameters
    ----------
    frame : DataFrame
        Long format: one row per step, ``id_column`` naming the series.
    id_column : str
        The column naming each series.
    static_columns : list of str
        Columns constant within each series.

    Returns
    -------
    dynamic : DataFrame
        ``frame`` without the static columns.
    table : DataFrame
        One row per series, in the order the series first appear, with the static
        columns in their dtypes.

    Raises
    ------
    ValueError
        If a static column is not in ``frame``, is the id column, or varies within a
        series (the message names the series and the values).

    Examples
    --------
    >>> import pandas as pd
    >>> from sktsgan.utils._static import split_static_columns
    >>> frame = pd.DataFrame({"id": [7, 7, 3], "kind": ["a", "a", "b"], "v": [1.0, 2.0, 3.0]})
    >>> dynamic, table = split_static_columns(frame, "id", ["kind"])
    >>> list(dynamic.columns), table["kind"].tolist()
    (['id', 'v'], ['a', 'b'])
    """
    if isinstance(static_columns, str):
        static_columns = [static_columns]
    columns = list(static_columns)
    if not columns:
        raise ValueError("static_columns is empty; give the names of the static columns or None.")
    if id_column is None:
        raise ValueError(
            "static_columns needs a long DataFrame with id_column, to tell which rows "
            "belong to one series; for other inputs pass the attributes as fit(X, static=...)."
        )
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                f"static_columns names {column!r}, which is not a column of X; its columns "
                f"are {list(frame.columns)}."
            )
        if column == id_column:
            raise ValueError(f"static_columns names the id column {id_column!r}.")
    if len(set(columns)) != len(columns):
        raise ValueError(f"static_columns names a column twice: {columns}.")
    if frame[id_column].isna().any():
        raise ValueError(f"The id column {id_column!r} has missing values; every row needs an id.")
    groups = frame.groupby(id_column, sort=False, dropna=False)
    for column in columns:
        counts = groups[column].nunique(dropna=False)
        varying = counts[counts > 1]
        if len(varying):
            series = varying.index.tolist()[0]
            values = pd.unique(frame.loc[frame[id_column] == series, column])[:5].tolist()
            raise ValueError(
                f"The static column {column!r} varies within series {series!r} (values "
                f"{values}); a static attribute must be constant within each series. Make "
                "it a feature column, or fix the data."
            )
    # each series' first row, in the order the series first appear (that of the reader)
    table = frame.drop_duplicates(id_column)[columns].reset_index(drop=True)
    return frame.drop(columns=columns), table


def restore_static_table(table, fmt):
    """Generated attributes (a DataFrame in the training columns) in the training container.

    Parameters
    ----------
    table : DataFrame
        Attributes in the columns and dtypes of the training table.
    fmt : dict
        What :func:`read_static_table` returned at fit time.

    Returns
    -------
    static : DataFrame or ndarray
        A DataFrame for a DataFrame at fit time, else an array of shape
        ``(n, n_attributes)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._static import read_static_table, restore_static_table
    >>> table, fmt = read_static_table(np.array([[1.0], [2.0]]), 2)
    >>> restore_static_table(table, fmt)
    array([[1.],
           [2.]])
    """
    if fmt["kind"] == "frame":
        return table.reset_index(drop=True)
    return table.to_numpy()
