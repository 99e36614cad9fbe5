"""Series in front of a plain scikit-learn estimator: flattened, summarised, or cut
into (history, future) pairs."""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
)

from ..utils._windows import sliding_pairs
from ..utils.validation import SequenceData, check_feature_names, check_sequences


class SeriesFlattener(TransformerMixin, BaseEstimator):
    """Flatten series into rows of ``n_timesteps * n_features`` columns.

    Reads ``X`` in every format the samplers accept (a 3-D array ``(n_series,
    n_timesteps, n_features)``, one with trailing-NaN padding, a list of series of
    different lengths, a long DataFrame with ``id_column``) and returns one row per
    series: step 0 of every feature, then step 1, and so on. A series shorter than
    ``n_timesteps_`` is padded with NaN, so a ragged data set can go straight into an
    estimator that accepts missing values, such as
    :class:`~sklearn.ensemble.RandomForestClassifier`.

    A 2-D array or wide DataFrame holds tabular rows ``(n_samples, n_features)``: they
    pass through unchanged (``n_timesteps_ == 1``). Note that tslearn reads a 2-D
    array as univariate series instead; pass ``X[:, :, np.newaxis]`` for that.

    Parameters
    ----------
    n_timesteps : int, default=None
        Number of steps of the output rows. None uses the longest series seen in
        ``fit``. A series longer than ``n_timesteps_`` is an error, unless
        ``resample=True``: set it to the longest length you expect at transform time.
    resample : bool, default=False
        Resample every series (each over its own length) to ``n_timesteps_`` steps by
        linear interpolation, with :class:`tslearn.preprocessing.TimeSeriesResampler`.
        The output then has no NaN, whatever the lengths of the series.
    id_column, time_column : str, default=None
        For a long DataFrame: the column that names each series and the column that
        orders its steps, as in the samplers. Rows come out in order of first
        appearance of each id.

    Attributes
    ----------
    n_timesteps_ : int
        Number of steps of every output row.
    n_features_in_ : int
        Number of features of each step.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the features, when ``X`` was a DataFrame with string column names.

    See Also
    --------
    tslearn.preprocessing.TimeSeriesResampler : Resample series to one length.
    sktsgan.metrics.tstr_score : Uses a SeriesFlattener in its default estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.preprocessing import SeriesFlattener
    >>> X = [np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]), np.array([[4.0, 40.0]])]
    >>> flattener = SeriesFlattener().fit(X)
    >>> flattener.transform(X)
    array([[ 1., 10.,  2., 20.,  3., 30.],
           [ 4., 40., nan, nan, nan, nan]])
    >>> flattener.get_feature_names_out().tolist()
    ['f0_t0', 'f1_t0', 'f0_t1', 'f1_t1', 'f0_t2', 'f1_t2']
    >>> SeriesFlattener(resample=True).fit_transform(X)
    array([[ 1., 10.,  2., 20.,  3., 30.],
           [ 4., 40.,  4., 40.,  4., 40.]])

    In front of a plain scikit-learn estimator:

    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(n_samples=40, n_timesteps=20, random_state=0)
    >>> model = make_pipeline(SeriesFlattener(), RandomForestClassifier(random_state=0))
    >>> float(model.fit(X, y).score(X, y))
    1.0
    """

    _parameter_constraints: dict = {
        "n_timesteps": [Interval(Integral, 1, None, closed="left"), None],
        "resample": ["boolean"],
        "id_column": "no_validation",
        "time_column": "no_validation",
    }

    def __init__(self, n_timesteps=None, *, resample=False, id_column=None, time_column=None):
        self.n_timesteps = n_timesteps
        self.resample = resample
        self.id_column = id_column
        self.time_column = time_column

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the number of features and steps of the output.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series or tabular rows; see the class docstring for every format.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted flattener.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit to ``X`` and flatten it.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series or tabular rows; see the class docstring for every format.
        y : None
            Ignored.

        Returns
        -------
        X_flat : ndarray of shape (n_series, n_timesteps * n_features)
            Float64 rows, NaN past the end of shorter series.
        """
        return self._output(X, self._flatten(self._fit(X)))

    def transform(self, X):
        """Flatten each series into one row.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series with the features seen in ``fit`` and at most ``n_timesteps_``
            steps (any length with ``resample=True``).

        Returns
        -------
        X_flat : ndarray of shape (n_series, n_timesteps * n_features)
            Float64 rows, NaN past the end of shorter series.
        """
        check_is_fitted(self, "n_timesteps_")
        data = self._read(X, reset=False)
        if data.n_features != self.n_features_in_:
            raise ValueError(
                f"X has {data.n_features} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input; pass series with the same "
                "features (last axis) as in fit."
            )
        return self._output(X, self._flatten(data))

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Names of the input features. None uses ``feature_names_in_`` if defined,
            else ``f0, f1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``"{feature}_t{step}"`` for each step and feature in output order, or the
            feature names themselves when ``n_timesteps_ == 1`` (tabular rows).
        """
        check_is_fitted(self, "n_timesteps_")
        if input_features is None and not hasattr(self, "feature_names_in_"):
            names = [f"f{j}" for j in range(self.n_features_in_)]
        else:
            names = list(_check_feature_names_in(self, input_features))
        if self.n_timesteps_ == 1:
            return np.asarray(names, dtype=object)
        return np.asarray(
            [f"{name}_t{t}" for t in range(self.n_timesteps_) for name in names], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    # -- helpers -------------------------------------------------------------------------

    def _output(self, X, out):
        """Rows of a long frame, as a DataFrame indexed by series id for pandas output."""
        if (
            self.id_column is None
            or not isinstance(X, pd.DataFrame)
            or _get_output_config("transform", self)["dense"] != "pandas"
        ):
            return out
        ids = pd.Index(pd.unique(X[self.id_column]), name=self.id_column)
        return pd.DataFrame(out, index=ids, columns=self.get_feature_names_out())

    def _fit(self, X):
        data = self._read(X, reset=True)
        self.n_features_in_ = data.n_features
        self.n_timesteps_ = int(self.n_timesteps or data.n_timesteps)
        self._check_lengths(data.lengths)
        return data

    def _check_lengths(self, lengths):
        if self.resample or lengths.max() <= self.n_timesteps_:
            return
        i = int(np.argmax(lengths))
        source = (
            f"n_timesteps={self.n_timesteps}"
            if self.n_timesteps is not None
            else "the longest series seen in fit"
        )
        raise ValueError(
            f"Series {i} of X has {lengths[i]} time steps, more than the {self.n_timesteps_} "
            f"of {type(self).__name__} ({source}). Set n_timesteps to the longest length you "
            f"expect, or resample=True to resample every series to {self.n_timesteps_} steps."
        )

    def _read(self, X, *, reset):
        return _read_series(self, X, reset=reset)

    def _flatten(self, data):
        values, n_timesteps = data.values, self.n_timesteps_
        self._check_lengths(data.lengths)
        if self.resample and np.any(data.lengths != n_timesteps):
            values = _resample(values, n_timesteps)
        n, t, d = values.shape
        out = np.full((n, n_timesteps, d), np.nan)
        out[:, :t] = values
        return out.reshape(n, n_timesteps * d)


# name -> function of (values (n, t, d) NaN-padded, lengths (n,)) -> (n, d)
_STATISTICS = {
    "mean": lambda v, lengths: np.nanmean(v, axis=1),
    "std": lambda v, lengths: np.nanstd(v, axis=1),
    "min": lambda v, lengths: np.nanmin(v, axis=1),
    "max": lambda v, lengths: np.nanmax(v, axis=1),
    "first": lambda v, lengths: v[:, 0],
    "last": lambda v, lengths: v[np.arange(len(v)), lengths - 1],
    "slope": lambda v, lengths: _slope(v, lengths),
}


class SeriesSummary(TransformerMixin, BaseEstimator):
    """Summarise each series by a few statistics per feature.

    A compact, length-free representation for plain scikit-learn estimators: one row
    per series holding, for every feature, the statistics named in ``statistics``
    computed over the series' valid steps. Series of different lengths give rows of the
    same width and no NaN. It reads every format the samplers read.

    Parameters
    ----------
    statistics : tuple of str, default=("mean", "std", "min", "max", "last", "slope")
        Any of ``"mean"``, ``"std"``, ``"min"``, ``"max"``, ``"first"``, ``"last"`` and
        ``"slope"`` (the least-squares slope per time step, 0 for a one-step series).
    id_column, time_column : str, default=None
        For a long DataFrame, as in :class:`SeriesFlattener`.

    Attributes
    ----------
    n_features_in_ : int
        Number of features of each step.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the features, when ``X`` was a DataFrame with string column names.

    See Also
    --------
    SeriesFlattener : Every value of every step, one column each.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.preprocessing import SeriesSummary
    >>> X = [np.array([1.0, 2.0, 3.0]), np.array([5.0, 3.0])]
    >>> summary = SeriesSummary(statistics=("mean", "last", "slope")).fit(X)
    >>> summary.transform(X)
    array([[ 2.,  3.,  1.],
           [ 4.,  3., -2.]])
    >>> summary.get_feature_names_out().tolist()
    ['f0_mean', 'f0_last', 'f0_slope']
    """

    _parameter_constraints: dict = {
        "statistics": [tuple, list],
        "id_column": "no_validation",
        "time_column": "no_validation",
    }

    def __init__(
        self,
        statistics=("mean", "std", "min", "max", "last", "slope"),
        *,
        id_column=None,
        time_column=None,
    ):
        self.statistics = statistics
        self.id_column = id_column
        self.time_column = time_column

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the statistics and learn the number of features.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series, in any format the samplers read.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        unknown = [name for name in self.statistics if name not in _STATISTICS]
        if unknown or not self.statistics:
            raise ValueError(
                f"Unknown statistics {unknown}; choose one or more of {sorted(_STATISTICS)}."
                if unknown
                else f"statistics is empty; choose one or more of {sorted(_STATISTICS)}."
            )
        self.n_features_in_ = _read_series(self, X, reset=True).n_features
        return self

    def transform(self, X):
        """Summarise each series.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series with the features seen in ``fit``, of any length.

        Returns
        -------
        X_summary : ndarray of shape (n_series, n_features * len(statistics))
            For each feature, its statistics in the order of ``statistics``.
        """
        check_is_fitted(self, "n_features_in_")
        data = _read_series(self, X, reset=False)
        if data.n_features != self.n_features_in_:
            raise ValueError(
                f"X has {data.n_features} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input; pass series with the same "
                "features (last axis) as in fit."
            )
        columns = [_STATISTICS[name](data.values, data.lengths) for name in self.statistics]
        return np.stack(columns, axis=2).reshape(data.n_series, -1)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, ``"{feature}_{statistic}"``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Names of the input features. None uses ``feature_names_in_`` if defined,
            else ``f0, f1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self, "n_features_in_")
        if input_features is None and not hasattr(self, "feature_names_in_"):
            names = [f"f{j}" for j in range(self.n_features_in_)]
        else:
            names = list(_check_feature_names_in(self, input_features))
        return np.asarray(
            [f"{name}_{stat}" for name in names for stat in self.statistics], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


@validate_params(
    {
        "X": "no_validation",
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "id_column": "no_validation",
        "time_column": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def forecast_pairs(X, window, horizon, *, stride=1, id_column=None, time_column=None):
    """Cut (history, future) pairs from series, for a forecaster's ``fit(X, y)``.

    The pairs are the ones :class:`sktsgan.LSTMForecastGAN` cuts itself in ``fit(X)``;
    as arrays, they go to ``fit(X, y)``, ``score(X, y)``, ``cross_val_score`` or
    ``GridSearchCV`` like any regression data set. Pairs cut with a ``stride`` below
    ``window + horizon`` overlap: to estimate how well a model forecasts the future,
    split by time (:class:`~sklearn.model_selection.TimeSeriesSplit`, or cut the pairs
    of a held-out later part separately) rather than shuffling them.

    Parameters
    ----------
    X : array-like of shape (n_series, n_timesteps, n_features), list of series or \
            long DataFrame
        Series in any of the samplers' 3-D formats (one long series is
        ``series[np.newaxis]``); a series shorter than ``window + horizon`` gives no
        pair.
    window : int
        Steps of each history.
    horizon : int
        Steps of each future.
    stride : int, default=1
        Steps between the starts of successive pairs of a series.
    id_column, time_column : str, default=None
        For a long DataFrame: the column naming each series, and the one ordering its
        steps.

    Returns
    -------
    X_history : ndarray of shape (n_pairs, window, n_features)
        The histories, float64, series after series.
    Y_future : ndarray of shape (n_pairs, horizon, n_features)
        The step after each history's last and the ``horizon - 1`` that follow.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.preprocessing import forecast_pairs
    >>> series = np.arange(6.0).reshape(1, 6, 1)
    >>> X_history, Y_future = forecast_pairs(series, window=3, horizon=2)
    >>> X_history[..., 0].tolist(), Y_future[..., 0].tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[3.0, 4.0], [4.0, 5.0]])
    """
    data, input_format = check_sequences(
        X,
        id_column=id_column,
        time_column=time_column,
        estimator_name="forecast_pairs",
        min_series=1,
    )
    if input_format.kind in ("tabular", "frame"):
        raise ValueError(
            "X is 2-D: sktsgan reads a 2-D array or a wide DataFrame as tabular rows, which "
            "have no steps to cut. Pass one long series as X[np.newaxis] (shape (1, "
            "n_timesteps, n_features)), or several series in a 3-D format."
        )
    span = window + horizon
    windows, _ = sliding_pairs(data.values, data.lengths, span, stride)
    if not len(windows):
        raise ValueError(
            f"No series in X is long enough for one pair: window={window} + "
            f"horizon={horizon} = {span} steps are needed, and the longest series has "
            f"{int(data.lengths.max())}."
        )
    return windows[:, :window].copy(), windows[:, window:].copy()


def _slope(values, lengths):
    """Least-squares slope per step of each series and feature, over its valid steps."""
    steps = np.arange(values.shape[1], dtype=np.float64)[None, :, None]
    valid = ~np.isnan(values)
    centred_steps = np.where(valid, steps - (lengths - 1)[:, None, None] / 2.0, 0.0)
    centred_values = np.where(valid, values - np.nanmean(values, axis=1, keepdims=True), 0.0)
    spread = np.sum(centred_steps**2, axis=1)
    covariance = np.sum(centred_steps * centred_values, axis=1)
    return np.divide(covariance, spread, out=np.zeros_like(covariance), where=spread > 0)


def _read_series(transformer, X, *, reset):
    """Checked series of ``X`` for a transformer with id_column and time_column."""
    name = type(transformer).__name__
    check_feature_names(transformer, X, reset=reset)
    kwargs = {"id_column": transformer.id_column, "time_column": transformer.time_column}
    if reset or _n_series(X, transformer.id_column) != 1:
        return check_sequences(X, estimator_name=name, **kwargs)[0]
    # check_sequences asks for 2 series (enough to fit); one is fine to transform.
    data, _ = check_sequences(_twice(X, transformer.id_column), estimator_name=name, **kwargs)
    return SequenceData(data.values[:1], data.lengths[:1])


def _resample(values, n_timesteps):
    """Resample NaN-padded series, each over its own length, to ``n_timesteps`` steps."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="h5py not installed")  # tslearn's import
        from tslearn.preprocessing import TimeSeriesResampler

    return TimeSeriesResampler(sz=n_timesteps).fit_transform(values).astype(np.float64)


def _n_series(X, id_column):
    """Number of series (rows) in ``X`` when it is easy to tell, else None."""
    if isinstance(X, pd.DataFrame):
        if id_column is None:
            return len(X)
        return X[id_column].nunique(dropna=False) if id_column in X.columns else None
    if isinstance(X, (list, tuple)):
        return len(X)
    shape = None if sp.issparse(X) else getattr(X, "shape", None)
    return shape[0] if shape is not None and len(shape) >= 2 else None


def _twice(X, id_column):
    """``X`` holding one series (or row), repeated to make two."""
    if isinstance(X, pd.DataFrame):
        if id_column is None:
            return pd.concat([X, X], ignore_index=True)
        first, second = X.copy(), X.copy()
        first[id_column], second[id_column] = 0, 1
        return pd.concat([first, second], ignore_index=True)
    if isinstance(X, (list, tuple)):
        return [*X, *X]
    return np.concatenate([X, X])
