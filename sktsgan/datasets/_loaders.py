"""Loaders of the real data sets: the TimeGAN benchmarks Stocks and Energy, and Trace."""

from __future__ import annotations

import os
from importlib import resources
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..utils._docstrings import fill_docstring

STOCK_FILE = "stock_data.csv"
STOCK_COLUMNS = ("Open", "High", "Low", "Close", "Adj_Close", "Volume")
ENERGY_FILE = "energy_data.csv"
# UCI "Appliances energy prediction" in UCI order, without the date column.
ENERGY_COLUMNS = (
    ("Appliances", "lights")
    + tuple(name for room in range(1, 10) for name in (f"T{room}", f"RH_{room}"))
    + ("T_out", "Press_mm_hg", "RH_out", "Windspeed", "Visibility", "Tdewpoint", "rv1", "rv2")
)
ENV_DATA_HOME = "SKTSGAN_DATA_HOME"
# The repository's data/ folder, in a source checkout or an editable install only: a
# wheel's parents[2] is site-packages, whose data/ (if any) is not ours.
_REPO_ROOT = Path(__file__).resolve().parents[2]
_REPO_DATA = _REPO_ROOT / "data" if (_REPO_ROOT / "pyproject.toml").is_file() else None

_LOADER_PARAMS = {
    "as_windows": ["boolean"],
    "window": [Interval(Integral, 1, None, closed="left")],
    "reverse": ["boolean"],
    "data_home": [str, os.PathLike, None],
}


def _read_table(source, expected_columns, name):
    """Read a CSV (plain or gz) and check its header; float64 columns."""
    frame = pd.read_csv(source)
    if tuple(frame.columns) != expected_columns:
        raise ValueError(
            f"{name} has columns {list(frame.columns)}; expected the header "
            f"{','.join(expected_columns)} (one row per time step, no date column)."
        )
    return frame.astype(np.float64)


def sliding_windows(series, window, *, reverse=False):
    """Cut one long series into stride-1 windows, the TimeGAN protocol's samples.

    Parameters
    ----------
    series : DataFrame or array-like of shape (n_timesteps, n_features)
        One long series, one row per time step.
    window : int
        Steps per window.
    reverse : bool, default=False
        Reverse the row order first, as the original TimeGAN loader does.

    Returns
    -------
    windows : ndarray of shape (n_timesteps - window + 1, window, n_features)
        Float64 windows in raw units, in order (window ``i + 1`` is window ``i``
        shifted by one step).

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.datasets import sliding_windows
    >>> sliding_windows(np.arange(10.0).reshape(5, 2), 3).shape
    (3, 3, 2)
    """
    values = np.asarray(series, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, np.newaxis]
    if values.ndim != 2:
        raise ValueError(
            f"series must be 2-D (n_timesteps, n_features), got shape {values.shape}."
        )
    n_rows = len(values)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}.")
    if window > n_rows:
        raise ValueError(
            f"window={window} is longer than the series ({n_rows} rows); "
            f"pass a window between 1 and {n_rows}."
        )
    if reverse:
        values = values[::-1]
    # sliding_window_view puts the window axis last: (n_windows, n_features, window).
    views = sliding_window_view(values, window, axis=0)
    return np.ascontiguousarray(views.transpose(0, 2, 1))


def _stock_path(data_home):
    """Where ``stock_data.csv`` is, or a FileNotFoundError saying how to get it."""
    if data_home is not None:
        places = [Path(data_home)]
    else:
        places = [Path(os.environ[ENV_DATA_HOME])] if os.environ.get(ENV_DATA_HOME) else []
        places += [_REPO_DATA] if _REPO_DATA is not None else []
    for place in places:
        if (place / STOCK_FILE).is_file():
            return place / STOCK_FILE
    searched = (
        f"searched: {', '.join(str(place) for place in places)}"
        if places
        else f"no data_home given, {ENV_DATA_HOME} not set and no source checkout"
    )
    raise FileNotFoundError(
        f"{STOCK_FILE} was not found ({searched}). The Google stock prices are "
        "not shipped in the sktsgan wheel because Yahoo Finance's terms do not allow "
        "redistributing them. To get the file, download the GOOG daily history from Yahoo "
        "Finance, or take data/stock_data.csv from the sktsgan repository (the same file is "
        "in the TimeGAN repository, jsyoon0823/TimeGAN). Save it as "
        f"<dir>/{STOCK_FILE} with the header {','.join(STOCK_COLUMNS)} and rows in "
        f"chronological order, then pass data_home=<dir> or set the environment variable "
        f"{ENV_DATA_HOME}=<dir>."
    )


def _energy_source(data_home):
    """A path or file object for the energy table: the user's copy or the packaged gz."""
    if data_home is None:
        return resources.files(__package__).joinpath("data", ENERGY_FILE + ".gz")
    for name in (ENERGY_FILE, ENERGY_FILE + ".gz"):
        if (Path(data_home) / name).is_file():
            return Path(data_home) / name
    raise FileNotFoundError(
        f"Neither {ENERGY_FILE} nor {ENERGY_FILE}.gz was found in {data_home}. Pass "
        "data_home=None to load the copy shipped with sktsgan."
    )


def _finish(frame, as_windows, window, reverse):
    if as_windows:
        return sliding_windows(frame, window, reverse=reverse)
    return frame.iloc[::-1].reset_index(drop=True) if reverse else frame


_WINDOWS_NOTE = """With ``as_windows=True`` the series is cut into stride-1 windows in
chronological order, ``N - window + 1`` of them for ``N`` rows (the
Diffusion-TS convention: 3662 for Stocks and 19712 for Energy at window
24). Values stay in raw units and the windows are not shuffled: the
samplers scale the data themselves. ``reverse=True`` reverses the row order
first, as the original TimeGAN loader does (it calls this "flip to
chronological", which for the stock file actually makes it
reverse-chronological); note that the original loader also takes only
``N - window`` windows (3661 and 19711)."""


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_stocks(*, as_windows=False, window=24, reverse=False, data_home=None):
    """Load the Google daily stock prices of the TimeGAN benchmark.

    GOOG daily prices from Yahoo Finance, 2004 to 2019: 3685 rows in
    chronological order, 6 columns ``Open, High, Low, Close, Adj_Close,
    Volume``, no dates. It is the "Stocks" data set of the TimeGAN paper.

    The file is not in the wheel (Yahoo Finance's terms). It is read from
    ``data_home`` if given, otherwise from the directory in the environment
    variable ``SKTSGAN_DATA_HOME`` and then from the ``data/`` folder of a
    source checkout of sktsgan. See ``data/README.md`` in the repository.

    {windows_note}

    Parameters
    ----------
    as_windows : bool, default=False
        If True, return the stride-1 windows as a 3-D array instead of the
        table.
    window : int, default=24
        Length of each window, between 1 and the number of rows.
    reverse : bool, default=False
        If True, reverse the row order (of the table, or before windowing).
    data_home : str or path-like, default=None
        Directory holding ``stock_data.csv``. If given, it is the only place
        searched.

    Returns
    -------
    data : DataFrame of shape (3685, 6) or ndarray of shape (n_windows, window, 6)
        The table with float64 columns, or its windows (float64) if
        ``as_windows=True``.

    Raises
    ------
    FileNotFoundError
        If ``stock_data.csv`` is in none of the places searched; the message
        says how to get it.
    ValueError
        If the file does not have the expected header.

    References
    ----------
    .. [1] J. Yoon, D. Jarrett and M. van der Schaar, "Time-series Generative
       Adversarial Networks", NeurIPS 2019.

    Examples
    --------
    >>> from sktsgan.datasets import load_stocks
    >>> load_stocks().shape
    (3685, 6)
    >>> load_stocks(as_windows=True, window=24).shape
    (3662, 24, 6)
    """
    frame = _read_table(_stock_path(data_home), STOCK_COLUMNS, STOCK_FILE)
    return _finish(frame, as_windows, window, reverse)


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_energy(*, as_windows=False, window=24, reverse=False, data_home=None):
    """Load the UCI appliances energy series of the TimeGAN benchmark.

    Appliances energy use of a low-energy house with temperature and humidity
    readings, every 10 minutes from 2016-01-11 to 2016-05-27: 19735 rows in
    chronological order and 28 columns (the UCI columns without the date).
    The last two, ``rv1`` and ``rv2``, are identical columns of random noise
    that UCI added to test feature selection. It is the "Energy" data set of
    the TimeGAN paper and ships with sktsgan (UCI, CC BY 4.0).

    {windows_note}

    Parameters
    ----------
    as_windows : bool, default=False
        If True, return the stride-1 windows as a 3-D array instead of the
        table.
    window : int, default=24
        Length of each window, between 1 and the number of rows.
    reverse : bool, default=False
        If True, reverse the row order (of the table, or before windowing).
    data_home : str or path-like, default=None
        Directory holding your own ``energy_data.csv`` or ``energy_data.csv.gz``
        (with the same 28-column header). None loads the copy shipped with
        sktsgan.

    Returns
    -------
    data : DataFrame of shape (19735, 28) or ndarray of shape (n_windows, window, 28)
        The table with float64 columns, or its windows (float64) if
        ``as_windows=True``.

    References
    ----------
    .. [1] L. M. Candanedo, V. Feldheim and D. Deramaix, "Data driven prediction
       models of energy use of appliances in a low-energy house", Energy and
       Buildings 140 (2017) 81-97.

    Examples
    --------
    >>> from sktsgan.datasets import load_energy
    >>> load_energy().shape
    (19735, 28)
    >>> load_energy(as_windows=True, window=24).shape
    (19712, 24, 28)
    """
    source = _energy_source(data_home)
    name = getattr(source, "name", ENERGY_FILE)
    with resources.as_file(source) as path:
        frame = _read_table(path, ENERGY_COLUMNS, name)
    return _finish(frame, as_windows, window, reverse)


fill_docstring(load_stocks, windows_note=_WINDOWS_NOTE)
fill_docstring(load_energy, windows_note=_WINDOWS_NOTE)


@validate_params(
    {"split": [StrOptions({"train", "test", "all"})]}, prefer_skip_nested_validation=True
)
def load_trace(*, split="train"):
    """Load the Trace data set: a real labelled set of univariate series.

    Trace (UCR time-series classification archive) holds simulated
    instrumentation transients of a nuclear power plant in 4 classes, labelled
    1 to 4. Each split has 100 series of 275 steps. It is the copy bundled with
    tslearn, so it loads offline; sktsgan's examples use it as a small real
    classification set for conditional generation and augmentation.

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which split to return; ``"all"`` returns both.

    Returns
    -------
    X, y : ndarray of shape (100, 275, 1) and ndarray of shape (100,)
        The series (float64) and their integer labels, for ``"train"`` or
        ``"test"``.
    X_train, y_train, X_test, y_test : ndarrays
        Both splits, for ``split="all"``.

    References
    ----------
    .. [1] H. A. Dau et al., "The UCR Time Series Archive", IEEE/CAA Journal of
       Automatica Sinica 6(6) (2019) 1293-1305.

    Examples
    --------
    >>> from sktsgan.datasets import load_trace
    >>> X, y = load_trace()
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 275, 1), [1, 2, 3, 4])
    """
    from tslearn.datasets import CachedDatasets

    X_train, y_train, X_test, y_test = CachedDatasets().load_dataset("Trace")
    X_train, X_test = (np.asarray(X, dtype=np.float64) for X in (X_train, X_test))
    if split == "train":
        return X_train, y_train
    if split == "test":
        return X_test, y_test
    return X_train, y_train, X_test, y_test
