"""A sampler that learns in an encoded space and samples back in the data's own."""

from __future__ import annotations

from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted


class TransformedSampler(MetaEstimatorMixin, BaseEstimator):
    """Fit a sampler on transformed series and give its samples back untransformed.

    The sampler's counterpart of :class:`sklearn.compose.TransformedTargetRegressor`:
    ``fit`` fits a clone of ``transformer`` on ``X``, then a clone of ``sampler`` on
    ``transformer.transform(X)``; ``sample`` draws from the sampler and returns
    ``transformer.inverse_transform`` of its draws. Use it to make a sampler respect
    a relation between channels that it would otherwise have to learn, and may break:
    with :class:`~sktsgan.preprocessing.CandlestickEncoder`, every generated price bar
    has its High above and its Low below the bar's body.

    It pickles (and goes through joblib) like any estimator; the safe model format of
    :meth:`~sktsgan.RCGANSampler.save` does not know it yet: save ``sampler_`` with it
    and pickle the fitted ``transformer_``, or pickle the whole.

    Parameters
    ----------
    sampler : sampler
        Any sktsgan sampler (or object with ``fit(X, y)`` and ``sample(n, y,
        random_state=...)``); cloned in ``fit``. Its settings are searchable as
        ``sampler__<parameter>``.
    transformer : transformer
        An object with ``fit``, ``transform`` and ``inverse_transform`` on the arrays
        the sampler reads; cloned in ``fit``.

    Attributes
    ----------
    sampler_ : sampler
        The fitted clone of ``sampler``.
    transformer_ : transformer
        The fitted clone of ``transformer``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    classes_ : ndarray
        Class labels, for a sampler fitted with ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan import TransformedSampler
    >>> from sktsgan.preprocessing import CandlestickEncoder
    >>> rng = np.random.RandomState(0)
    >>> close = 100 + rng.randn(64, 12, 1).cumsum(axis=1)
    >>> open_ = close + rng.randn(64, 12, 1)
    >>> high = np.maximum(open_, close) + rng.rand(64, 12, 1)
    >>> low = np.minimum(open_, close) - rng.rand(64, 12, 1)
    >>> bars = np.concatenate([open_, high, low, close], axis=2)
    >>> sampler = TransformedSampler(
    ...     RCGANSampler(hidden_size=8, n_epochs=2, random_state=0), CandlestickEncoder()
    ... ).fit(bars)
    >>> fake = sampler.sample(100)
    >>> bool((fake[..., 1] >= np.maximum(fake[..., 0], fake[..., 3])).all())
    True
    """

    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit", "sample"])],
        "transformer": [HasMethods(["fit", "transform", "inverse_transform"])],
    }

    def __init__(self, sampler, transformer):
        self.sampler = sampler
        self.transformer = transformer

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the transformer on ``X``, then the sampler on the transformed ``X``.

        Parameters
        ----------
        X : array-like
            Training data in a format both the transformer and the sampler read.
        y : array-like of shape (n_series,), default=None
            Class labels, passed to the sampler.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        transformer = clone(self.transformer)
        encoded = transformer.fit_transform(X)
        sampler = clone(self.sampler).fit(encoded, y)
        self.transformer_, self.sampler_ = transformer, sampler
        self.n_features_in_ = getattr(sampler, "n_features_in_", None)
        if hasattr(sampler, "classes_"):
            self.classes_ = sampler.classes_
        else:
            self.__dict__.pop("classes_", None)
        return self

    def sample(self, n, y=None, *, random_state=None):
        """Draw ``n`` samples from the sampler and map them back through the transformer.

        Parameters
        ----------
        n : int
            Number of samples.
        y : label or array-like of shape (n,), default=None
            For a sampler fitted with ``y``: the class of each sample, or one for all.
        random_state : int, RandomState instance or None, default=None
            Seed for this draw, as the sampler's ``sample`` takes it.

        Returns
        -------
        X : ndarray
            The samples in the units of the training data.
        y : ndarray of shape (n,)
            Their classes; only for a sampler fitted with ``y``.
        """
        check_is_fitted(self, "sampler_")
        drawn = self.sampler_.sample(n, y, random_state=random_state)
        if isinstance(drawn, tuple):
            X, labels = drawn
            return self.transformer_.inverse_transform(X), labels
        return self.transformer_.inverse_transform(drawn)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
