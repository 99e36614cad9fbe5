"""A reversible encoding of price bars that keeps High and Low where they belong."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted


class CandlestickEncoder(TransformerMixin, BaseEstimator):
    """Encode Open/High/Low/Close channels so that generated bars are always valid bars.

    A price bar has ``High >= max(Open, Close)`` and ``Low <= min(Open, Close)``. A
    sampler that learns the four prices as four free channels breaks these relations
    (on the bundled stock prices an RCGAN put High below max(Open, Close) in 80 % of
    its synthetic rows). This encoding keeps Open and Close and replaces High and Low by
    their distances from the bar's body, ``High - max(Open, Close)`` and
    ``min(Open, Close) - Low``, which are never negative in real bars. Decoding adds
    them back, with a negative distance read as 0, so every decoded bar is valid.
    sktsgan's samplers keep every generated value inside its training range, so a
    sampler fitted on encoded bars generates distances of 0 or more anyway.

    Use it through :class:`sktsgan.TransformedSampler`, which encodes the
    training series, fits a sampler on them and decodes its samples.

    Parameters
    ----------
    open, high, low, close : int, default=0, 1, 2, 3
        Positions of the four prices on the last axis (the features). Other features
        (volume, adjusted close) pass through unchanged.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen in ``fit``.
    invalid_fraction_ : float
        Share of the training bars (time steps) that were not valid bars (High below
        the body or Low above it); decoding cannot reproduce those.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.preprocessing import CandlestickEncoder
    >>> bars = np.array([[[10.0, 12.0, 9.0, 11.0]]])  # Open, High, Low, Close
    >>> encoder = CandlestickEncoder().fit(bars)
    >>> encoder.transform(bars)  # High is 1 above the body, Low 1 below it
    array([[[10.,  1.,  1., 11.]]])
    >>> encoder.inverse_transform(np.array([[[10.0, -0.5, 2.0, 11.0]]]))
    array([[[10., 11.,  8., 11.]]])
    """

    _parameter_constraints: dict = {
        name: [Interval(Integral, 0, None, closed="left")]
        for name in ("open", "high", "low", "close")
    }

    def __init__(self, *, open=0, high=1, low=2, close=3):  # noqa: A002 (the bar's name)
        self.open = open
        self.high = high
        self.low = low
        self.close = close

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the positions against ``X`` and count the invalid bars.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features) or (n_rows, n_features)
            Price series (NaN-padded where shorter) or rows of bars.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted encoder.
        """
        X = self._check(X, reset=True)
        o, h, low, c = (X[..., i] for i in self._positions())
        with np.errstate(invalid="ignore"):
            invalid = (h < np.maximum(o, c)) | (low > np.minimum(o, c))
        valid_steps = ~np.isnan(o)
        self.invalid_fraction_ = float(invalid[valid_steps].mean()) if valid_steps.any() else 0.0
        return self

    def transform(self, X):
        """Replace High and Low by their distances from the bar's body.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features) or (n_rows, n_features)
            Bars with the features seen in ``fit``.

        Returns
        -------
        Z : ndarray of the same shape
            Float64; NaN stays NaN.
        """
        check_is_fitted(self)
        Z = self._check(X, reset=False)  # a float64 copy
        o, h, low, c = (Z[..., i] for i in self._positions())
        high_gap, low_gap = h - np.maximum(o, c), np.minimum(o, c) - low
        Z[..., self.high], Z[..., self.low] = high_gap, low_gap
        return Z

    def inverse_transform(self, Z):
        """Bars from encoded values; a negative distance counts as 0.

        Parameters
        ----------
        Z : array-like of shape (n_series, n_timesteps, n_features) or (n_rows, n_features)
            Encoded bars (from :meth:`transform`, or generated).

        Returns
        -------
        X : ndarray of the same shape
            Float64 bars with ``High >= max(Open, Close)`` and ``Low <= min(Open, Close)``.
        """
        check_is_fitted(self)
        X = self._check(Z, reset=False)  # a float64 copy
        o, h, low, c = (X[..., i] for i in self._positions())
        high, low = np.maximum(o, c) + np.maximum(h, 0.0), np.minimum(o, c) - np.maximum(low, 0.0)
        X[..., self.high], X[..., self.low] = high, low
        return X

    def _positions(self):
        return self.open, self.high, self.low, self.close

    def _check(self, X, *, reset):
        name = type(self).__name__
        X = np.array(X, dtype=np.float64)  # a copy: the caller's array is never changed
        if X.ndim not in (2, 3):
            raise ValueError(
                f"{name} takes series of shape (n_series, n_timesteps, n_features) or rows "
                f"(n_rows, n_features); got an array of {X.ndim} dimension(s)."
            )
        positions = self._positions()
        if len(set(positions)) != 4:
            raise ValueError(
                f"open, high, low and close must be four different positions, got {positions}."
            )
        d = X.shape[-1]
        if max(positions) >= d:
            raise ValueError(
                f"X has {d} features, but the positions open={self.open}, high={self.high}, "
                f"low={self.low}, close={self.close} need at least {max(positions) + 1}."
            )
        if reset:
            self.n_features_in_ = d
        elif d != self.n_features_in_:
            raise ValueError(
                f"X has {d} features, but {name} was fitted with {self.n_features_in_}; "
                "pass data with the same last axis."
            )
        return X
