"""A CSV file as one long series for the command line, and samples back in its column types.

The reader raises ValueError with a message for the person at the command line: it
names the file, the line (as a spreadsheet or editor counts them: the header is line 1)
and the column, and says what to do.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

_DELIMITERS = ",;\t|"
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+\s*$")


@dataclass(frozen=True)
class SeriesTable:
    """One long series read from a CSV file, one row per time step.

    Attributes
    ----------
    features : DataFrame of shape (n_rows, n_features)
        The numeric columns in file order, in the dtypes pandas read them in.
    time : Series of shape (n_rows,) or None
        The time column as written in the file (kept out of the model), or None.
    notes : list of str
        What the reader did that the user should hear about.
    """

    features: pd.DataFrame
    time: pd.Series | None = None
    notes: list = field(default_factory=list)


def read_series_csv(path, time_column=None):
    """Read and check a CSV file that holds one long series.

    The delimiter (``,``, ``;``, tab or ``|``) is detected. Empty lines at the end of
    the file are dropped; an empty line, a missing or an infinite value anywhere else
    is an error naming its line and column.

    Parameters
    ----------
    path : pathlib.Path
        The file; a header line, then one line per time step.
    time_column : str, default=None
        The column holding the time, kept out of the features. None looks for it: the
        one text column whose values all parse as dates or times, if there is exactly
        one.

    Returns
    -------
    table : SeriesTable

    Raises
    ------
    ValueError
        If the file cannot be read or does not hold one complete numeric series.
    """
    sep = sniff_delimiter(path)
    frame, n_empty = _read_without_empty_tail(path, sep)
    notes = [f"Read {path.name} with {sep!r} between fields."] if sep != "," else []
    if n_empty:
        notes.append(f"Ignored {n_empty} empty line(s) at the end of {path.name}.")
    if frame.empty:
        raise ValueError(f"{path} has no data rows; it needs one row per time step.")
    _check_no_empty_lines(frame, path)
    name = time_column if time_column is not None else find_time_column(frame)
    time = None
    if name is not None:
        time = _time_values(frame, name, path)
        frame = frame.drop(columns=name)
        if time_column is None:
            notes.append(
                f"Column {name!r} holds times: it is kept out of the model "
                "(--time-column NAME chooses another)."
            )
    _check_numeric(frame, path)
    _check_complete(frame, path)
    return SeriesTable(frame, time, notes)


def sniff_delimiter(path):
    """The field delimiter of a CSV file: ``,``, ``;``, tab or ``|`` (``,`` if unclear).

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    delimiter : str
    """
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as file:
            sample = file.read(_SNIFF_CHARS)
    except OSError:
        return ","  # the reader says what is wrong with the file
    lines = sample.splitlines()
    if len(sample) == _SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # cut off mid-line
    try:
        return csv.Sniffer().sniff("\n".join(lines[:_SNIFF_LINES]), _DELIMITERS).delimiter
    except csv.Error:  # a single column, or no consistent delimiter
        return ","


def find_time_column(frame):
    """The one text column whose values all parse as dates or times, else None.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    name : column label or None
    """
    text = [name for name in frame.columns if not _is_numeric(frame[name])]
    times = [name for name in text if _holds_times(frame[name])]
    return times[0] if len(times) == 1 else None


def restore_dtypes(values, like):
    """Cast float samples to the column types of the data they imitate.

    Integer columns are rounded and clipped to the range the column spans in ``like``
    (a count stays a whole number and never leaves the range it was learnt from);
    boolean columns are True above 0.5; float columns keep their dtype.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        Samples in original units.
    like : DataFrame with n_features columns
        The training data.

    Returns
    -------
    columns : dict of column label to ndarray of shape (n_rows,)
        In the order of ``like``'s columns.
    """
    return {name: _restore(values[:, j], like[name]) for j, name in enumerate(like.columns)}


def integral_as_int(frame):
    """``frame`` with its float columns that hold only whole numbers made int64.

    For tables whose loader made every column float (the bundled data sets), so that
    a count such as a trading volume is written back as a whole number.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    frame : DataFrame
    """
    whole = [
        name
        for name in frame.columns
        if pd.api.types.is_float_dtype(frame[name])
        and (np.abs(frame[name]) < 2**53).all()  # also False for NaN and inf
        and (frame[name] % 1 == 0).all()
    ]
    return frame.astype(dict.fromkeys(whole, np.int64))


def _restore(values, column):
    """``values`` in the dtype of ``column``: see :func:`restore_dtypes`."""
    if pd.api.types.is_bool_dtype(column):
        return values > 0.5
    if pd.api.types.is_integer_dtype(column):
        return np.clip(np.rint(values), column.min(), column.max()).astype(column.dtype)
    return values.astype(column.dtype, copy=False)


def _read_without_empty_tail(path, sep):
    """The file as a DataFrame without its trailing empty lines, and how many they were."""
    frame = _read(path, sep)
    filled = np.flatnonzero(frame.notna().any(axis=1).to_numpy())
    n_kept = filled[-1] + 1 if len(filled) else 0
    if n_kept == len(frame):
        return frame, 0
    # read again: the empty lines made every integer column float
    return _read(path, sep, nrows=n_kept), len(frame) - n_kept


def _read(path, sep, nrows=None):
    # Blank lines are kept as rows so that row i is line i + 2 of the file.
    try:
        return pd.read_csv(path, sep=sep, skip_blank_lines=False, nrows=nrows)
    except (ValueError, OSError, OverflowError, csv.Error) as exc:
        raise ValueError(f"Could not read {path} as CSV: {exc}") from exc


def _line(row, path, *, first=False):
    """Where row ``row`` (from 0) of the data is in the file, as an editor counts."""
    return f"{'Line' if first else 'line'} {row + 2} of {path} (the header is line 1)"


def _check_no_empty_lines(frame, path):
    empty = np.flatnonzero(frame.isna().all(axis=1).to_numpy())
    if len(empty):
        raise ValueError(
            f"{_line(empty[0], path, first=True)} is empty, inside the series; delete "
            "the line or fill in its values."
        )


def _time_values(frame, name, path):
    if name not in frame.columns:
        raise ValueError(
            f"--time-column {name!r} is not a column of {path}; its columns are "
            f"{list(frame.columns)}."
        )
    missing = np.flatnonzero(frame[name].isna().to_numpy())
    if len(missing):
        raise ValueError(
            f"{_line(missing[0], path, first=True)} has no value in the time column "
            f"{name!r}; fill it in."
        )
    return frame[name]


def _check_numeric(frame, path):
    if frame.shape[1] == 0:
        raise ValueError(f"{path} has no columns besides the time column; add the features.")
    bad = [name for name in frame.columns if not _is_numeric(frame[name])]
    if not bad:
        return
    where = ""
    fix = "pass --time-column NAME for a date or time column and delete other text columns"
    rows = _non_numbers(frame[bad[0]])
    if len(rows):
        value = frame[bad[0]].iloc[rows[0]]
        where = f": {_line(rows[0], path)} holds {value!r} in {bad[0]!r}"
        if isinstance(value, str) and _DECIMAL_COMMA.match(value):
            fix = "write numbers with a decimal point, not a decimal comma"
    raise ValueError(
        f"{path} has non-numeric columns {bad}{where}. The model learns numbers only: {fix}."
    )


_GAPS = (
    ("no value", np.isnan, "fill in or interpolate it (e.g. pandas' DataFrame.interpolate)"),
    ("an infinite value", np.isinf, "replace it (e.g. by clipping)"),
)


def _check_complete(frame, path):
    values = frame.to_numpy(dtype=np.float64)
    for problem, test, fix in _GAPS:
        found = test(values)
        if found.any():
            row, col = np.argwhere(found)[0]
            raise ValueError(
                f"{_line(row, path, first=True)} has {problem} in column "
                f"{frame.columns[col]!r}; the model needs a number in every column at every "
                f"step: {fix}."
            )


def _is_numeric(column):
    return pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def _non_numbers(column):
    """Positions of the values of ``column`` that are there but are not numbers."""
    numbers = pd.to_numeric(column, errors="coerce")
    return np.flatnonzero((numbers.isna() & column.notna()).to_numpy())


def _holds_times(column):
    values = column.dropna().astype(str)
    # a text column of labels fails on its first values: spare parsing all of it
    return not values.empty and _all_times(values.iloc[:20]) and _all_times(values)


def _all_times(values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it parses value by value
        try:
            parsed = pd.to_datetime(values, errors="coerce")
        except (ValueError, TypeError, OverflowError):  # e.g. mixed time zones
            return False
    return bool(parsed.notna().all())
