"""Candlestick charts of real and synthetic price series (open, high, low, close)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ..utils.validation import check_real_synthetic
from ._plotting import import_pyplot, sample_series

_ROLES = ("open", "high", "low", "close")
_DEFAULT_NAMES = ("Open", "High", "Low", "Close")
_UP, _DOWN = "tab:green", "tab:red"
_BODY_WIDTH = 0.6


class CandlestickDisplay:
    """Candlestick charts of a few real and a few synthetic price series, side by side.

    Each time step is one candle: a body from the open to the close price, green when
    the close is at or above the open and red below it, and a thin wick from the low to
    the high price. The chosen series run left to right on one axes for the real data
    and one for the synthetic data, so a trader's eye can judge whether the synthetic
    days look like real ones (bodies inside the wicks, plausible gaps between days).
    Candles are drawn with matplotlib primitives only.

    Build it with :meth:`from_samples` or :meth:`from_estimator`; matplotlib is
    imported only when plotting (``pip install sktsgan[plot]``).

    Parameters
    ----------
    real, synthetic : ndarray of shape (n_series, n_timesteps, 4)
        Open, high, low and close prices, in that order; NaN steps (padding of
        shorter series) are not drawn.

    Attributes
    ----------
    axes_ : ndarray of 2 matplotlib Axes
        The real and the synthetic chart.
    figure_ : matplotlib Figure
        The figure holding ``axes_``.
    bodies_ : list of 2 lists of matplotlib Rectangle
        The candle bodies of each axes, series by series, step by step.
    wicks_ : list of 2 matplotlib LineCollection
        The high-low wicks of each axes.

    See Also
    --------
    SeriesComparisonDisplay : Every feature's series overlaid.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import CandlestickDisplay
    >>> rng = np.random.RandomState(0)
    >>> close = 100 + rng.randn(6, 10).cumsum(axis=1)
    >>> open_ = close - rng.randn(6, 10)
    >>> high = np.maximum(open_, close) + rng.rand(6, 10)
    >>> low = np.minimum(open_, close) - rng.rand(6, 10)
    >>> prices = np.stack([open_, high, low, close], axis=2)
    >>> display = CandlestickDisplay.from_samples(prices, prices + 1, n_series=2)
    >>> [len(bodies) for bodies in display.bodies_]
    [20, 20]
    """

    def __init__(self, real, synthetic):
        self.real = real
        self.synthetic = synthetic

    @classmethod
    def from_samples(
        cls,
        X_real,
        X_synth,
        *,
        open=None,
        high=None,
        low=None,
        close=None,
        n_series=3,
        feature_names=None,
        random_state=0,
        id_column=None,
        time_column=None,
        ax=None,
    ):
        """Draw ``n_series`` real and synthetic price series given in any sampler format.

        Parameters
        ----------
        X_real : array-like of shape (n_series, n_timesteps, n_features), list of \
                series or DataFrame
            Real prices, in any format a sampler's ``fit`` reads.
        X_synth : same kinds as ``X_real``
            Synthetic prices with the same features.
        open, high, low, close : int or str, default=None
            The feature (index, or name when feature names are known) of each price.
            None means ``"Open"``, ``"High"``, ``"Low"``, ``"Close"`` when feature names
            are known (matched ignoring case), else features 0, 1, 2 and 3.
        n_series : int, default=3
            Series of each set to draw, chosen at random (all if fewer).
        feature_names : list of str, default=None
            Names of the features; None takes the real data's DataFrame columns, if any.
        random_state : int, RandomState instance or None, default=0
            Seeds the choice of series.
        id_column, time_column : str, default=None
            For long DataFrames: the columns that name each series and order its steps.
        ax : array of 2 matplotlib Axes, default=None
            Where to draw the real and the synthetic chart; a new figure if None.

        Returns
        -------
        display : CandlestickDisplay
        """
        if (
            isinstance(n_series, (bool, np.bool_))
            or not isinstance(n_series, Integral)
            or n_series < 1
        ):
            raise ValueError(f"n_series must be a positive integer, got {n_series!r}.")
        real, synth, real_format = check_real_synthetic(
            X_real, X_synth, "CandlestickDisplay", id_column=id_column, time_column=time_column
        )
        if feature_names is None and real_format.columns is not None:
            feature_names = real_format.columns
        index = _ohlc_indices(
            dict(zip(_ROLES, (open, high, low, close))), feature_names, real.n_features
        )
        # None: an unseeded generator of our own, leaving numpy's global state alone.
        rng = np.random.RandomState() if random_state is None else check_random_state(random_state)
        picked = [
            data.values[np.sort(rng.choice(data.n_series, min(n_series, data.n_series), False))]
            for data in (real, synth)
        ]
        return cls(*(values[:, :, index] for values in picked)).plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        sampler,
        X_real,
        *,
        open=None,
        high=None,
        low=None,
        close=None,
        n_series=3,
        feature_names=None,
        random_state=0,
        ax=None,
    ):
        """Draw ``n_series`` fresh samples of a fitted sampler against ``X_real``.

        Parameters
        ----------
        sampler : fitted sampler
            Anything with ``sample(n, random_state=...)``; of a conditional sampler's
            ``(X, y)`` only ``X`` is used.
        X_real : array-like, list of series or DataFrame
            Real prices in the format the sampler was fitted on.
        open, high, low, close : int or str, default=None
            As in :meth:`from_samples`.
        n_series : int, default=3
            Series to sample, and real series to draw at random (all if fewer).
        feature_names : list of str, default=None
            None takes the sampler's ``feature_names_in_``, if it has one.
        random_state : int, RandomState instance or None, default=0
            Seeds the sampling and the choice of real series.
        ax : array of 2 matplotlib Axes, default=None
            As in :meth:`from_samples`.

        Returns
        -------
        display : CandlestickDisplay
        """
        if feature_names is None and hasattr(sampler, "feature_names_in_"):
            feature_names = list(sampler.feature_names_in_)
        synthetic = sample_series(sampler, n_series, random_state)
        return cls.from_samples(
            X_real,
            synthetic,
            open=open,
            high=high,
            low=low,
            close=close,
            n_series=n_series,
            feature_names=feature_names,
            random_state=random_state,
            id_column=getattr(sampler, "id_column", None),
            time_column=getattr(sampler, "time_column", None),
            ax=ax,
        )

    def plot(self, ax=None):
        """Draw the candles of the real and the synthetic series.

        Parameters
        ----------
        ax : array of 2 matplotlib Axes, default=None
            Where to draw; a new figure with two axes sharing the price axis if None.

        Returns
        -------
        display : CandlestickDisplay
            ``self``, with ``axes_``, ``figure_``, ``bodies_`` and ``wicks_`` set.
        """
        plt = import_pyplot("CandlestickDisplay.plot")
        from matplotlib.patches import Patch, Rectangle

        new_figure = ax is None
        if new_figure:
            n_timesteps = self.real.shape[1]
            width = min(7.0, 2.0 + 0.12 * len(self.real) * n_timesteps)
            _, ax = plt.subplots(1, 2, figsize=(2 * width, 3.4), sharey=True, squeeze=False)
        ax = np.asarray(ax, dtype=object).ravel()
        if len(ax) != 2:
            raise ValueError(f"ax must hold 2 Axes (real, synthetic), got {len(ax)}.")
        self.bodies_, self.wicks_ = [], []
        for axis, prices, title in zip(ax, (self.real, self.synthetic), ("real", "synthetic")):
            n_series, n_timesteps = prices.shape[:2]
            offset = np.arange(n_series)[:, np.newaxis] * (n_timesteps + 1)
            x = (offset + np.arange(n_timesteps)).ravel()
            o, h, low, c = (prices[:, :, j].ravel() for j in range(4))
            valid = ~np.isnan(prices).any(axis=2).ravel()
            x, o, h, low, c = (v[valid] for v in (x, o, h, low, c))
            colors = np.where(c >= o, _UP, _DOWN)
            self.wicks_.append(axis.vlines(x, low, h, colors=colors, linewidth=0.8))
            bodies = [
                Rectangle(
                    (xi - _BODY_WIDTH / 2, min(oi, ci)),
                    _BODY_WIDTH,
                    abs(ci - oi),
                    facecolor=color,
                    edgecolor=color,
                    linewidth=0.8,
                )
                for xi, oi, ci, color in zip(x, o, c, colors)
            ]
            for body in bodies:
                axis.add_patch(body)
            self.bodies_.append(bodies)
            for start in offset[1:, 0]:
                axis.axvline(start - 1, color="0.85", linewidth=0.8)
            axis.set_xticks(offset[:, 0] + (n_timesteps - 1) / 2)
            axis.set_xticklabels([str(k + 1) for k in range(n_series)])
            axis.set_xlim(-1, n_series * (n_timesteps + 1) - 1)
            axis.set_xlabel("series (time runs left to right)")
            axis.set_title(title)
            axis.autoscale_view(scalex=False)
        ax[0].set_ylabel("price")
        ax[0].legend(
            handles=[
                Patch(color=_UP, label="close >= open"),
                Patch(color=_DOWN, label="close < open"),
            ],
            loc="best",
            fontsize="small",
        )
        self.axes_ = ax
        self.figure_ = ax[0].figure
        if new_figure:
            self.figure_.tight_layout()
        return self


def _ohlc_indices(given, feature_names, n_features):
    """Feature indices of the open, high, low and close prices.

    ``given`` maps each role to an index, a name or None (the default). Names are only
    used when every feature name is a string.
    """
    names = None
    if feature_names is not None:
        names = list(feature_names)
        if len(names) != n_features:
            raise ValueError(
                f"feature_names has {len(names)} names but the data has {n_features} features."
            )
        if not all(isinstance(n, str) for n in names):
            names = None
    index = []
    for role, default_index, default_name in zip(_ROLES, range(4), _DEFAULT_NAMES):
        value = given[role]
        if value is None:
            value = default_index if names is None else default_name
        index.append(_feature_index(role, value, names, n_features))
    return index


def _feature_index(role, value, names, n_features):
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{role} must be a feature index or name, got {value!r}.")
    if isinstance(value, Integral):
        if not -n_features <= value < n_features:
            raise ValueError(
                f"{role}={value} is out of range: the data has {n_features} features; pass "
                f"{role}= a feature index between 0 and {n_features - 1} or a feature name."
            )
        return int(value) % n_features
    if not isinstance(value, str):
        raise TypeError(
            f"{role} must be a feature index or name, got {value!r} ({type(value).__name__})."
        )
    if names is None:
        raise ValueError(
            f"{role}={value!r} names a feature, but the data has no feature names (e.g. a "
            f"NumPy array); pass feature_names=[...] or {role}= a feature index."
        )
    if value in names:
        return names.index(value)
    folded = [i for i, n in enumerate(names) if n.casefold() == value.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ValueError(
        f"{role}={value!r} is not a feature name; the features are {names}. Pass {role}= "
        "one of them or a feature index."
    )
