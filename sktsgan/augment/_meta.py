"""Meta-estimators that augment their training data in ``fit`` only, for plain sklearn."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _num_samples, check_consistent_length, check_is_fitted

from ._augmenter import GANAugmenter, _concatenate, seeded_clone


def _estimator_has(attr):
    """available_if check: the fitted estimator, or else the unfitted one, has ``attr``."""

    def check(self):
        return hasattr(getattr(self, "estimator_", self.estimator), attr)

    return check


class _AugmentedEstimator(MetaEstimatorMixin, BaseEstimator):
    """Fit ``estimator_`` on augmented data; delegate every prediction method to it."""

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict with the estimator fitted on the augmented data.

        Parameters
        ----------
        X : array-like
            Data in the format the wrapped estimator takes.

        Returns
        -------
        y_pred : ndarray
            The wrapped estimator's predictions.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """Score of the estimator fitted on the augmented data, on ``(X, y)``.

        Parameters
        ----------
        X : array-like
            Test data in the format the wrapped estimator takes.
        y : array-like of shape (n_samples,)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed on when given.

        Returns
        -------
        score : float
            The wrapped estimator's ``score`` (accuracy for most classifiers, R² for
            most regressors).
        """
        check_is_fitted(self, "estimator_")
        if sample_weight is None:
            return self.estimator_.score(X, y)
        return self.estimator_.score(X, y, sample_weight=sample_weight)

    def _fit_estimator(self, X, y):
        self.estimator_ = clone(self.estimator).fit(X, y)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # the data goes to the augmenter and to the estimator: accept what both accept
        inner = get_tags(self.estimator)
        tags.input_tags.three_d_array = inner.input_tags.three_d_array
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = False
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags


class AugmentedClassifier(ClassifierMixin, _AugmentedEstimator):
    """A classifier trained on its training data plus synthetic series.

    For plain scikit-learn users: ``fit(X, y)`` runs ``augmenter.fit_resample(X, y)``
    and fits a clone of ``estimator`` on the result; ``predict``, ``predict_proba``,
    ``decision_function`` and ``score`` go to that estimator unchanged. Synthetic data
    therefore never reaches a validation fold in :func:`~sklearn.model_selection.cross_validate`
    or :class:`~sklearn.model_selection.GridSearchCV`, and both the augmenter's and the
    estimator's parameters are searchable (``augmenter__sampler__hidden_size``,
    ``estimator__C``).

    Read more in :ref:`augmentation`.

    Parameters
    ----------
    estimator : classifier
        Fitted on the augmented data. It must read the data format of ``X``: for 3-D
        series put a :class:`~sktsgan.preprocessing.SeriesFlattener` in front of it in a
        pipeline, or use a tslearn classifier, which reads 3-D arrays.
    augmenter : object with ``fit_resample(X, y)``, default=None
        ``None`` means ``GANAugmenter()``. Any imbalanced-learn sampler works for
        tabular data.

    Attributes
    ----------
    augmenter_ : object
        The fitted clone of ``augmenter``.
    estimator_ : classifier
        The clone of ``estimator`` fitted on the augmented data.
    classes_ : ndarray of shape (n_classes,)
        The class labels.

    See Also
    --------
    GANAugmenter : The augmentation step for imbalanced-learn pipelines.
    AugmentedRegressor : The same for regression targets.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sktsgan.augment import AugmentedClassifier, GANAugmenter, JitterSampler
    >>> from sktsgan.datasets import make_waves
    >>> from sktsgan.preprocessing import SeriesFlattener
    >>> X, y = make_waves(40, n_timesteps=20, random_state=0)
    >>> model = AugmentedClassifier(
    ...     make_pipeline(SeriesFlattener(), LogisticRegression()),
    ...     GANAugmenter(JitterSampler(), synthetic_ratio=1.0, random_state=0),
    ... )
    >>> cross_val_score(model, X, y, cv=3).round(2)
    array([1., 1., 1.])
    >>> model.fit(X, y).augmenter_.n_synthetic_
    40
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "augmenter": [HasMethods(["fit_resample"]), None],
    }
    # the wrapped estimator's score, not ClassifierMixin's
    score = _AugmentedEstimator.score

    def __init__(self, estimator, augmenter=None):
        self.estimator = estimator
        self.augmenter = augmenter

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, static=None):
        """Augment ``(X, y)``, then fit the estimator on the result.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data.
        y : array-like of shape (n_series,)
            Class labels.
        static : DataFrame or array-like of shape (n_series, n_attributes), default=None
            Static attributes of the series, passed to the augmenter's
            ``fit_resample``: the sampler is conditioned on them as well as on the
            class. The estimator is fitted on the series alone. Sample-aligned, so
            ``GridSearchCV(...).fit(X, y, static=table)`` splits it with the folds.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        if y is None:
            raise ValueError(
                "AugmentedClassifier requires y to be passed, but the target y is None."
            )
        if not isinstance(y, pd.Series | pd.DataFrame):
            y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; it is "
                "raveled to shape (n_samples,).",
                DataConversionWarning,
                stacklevel=2,
            )
            y = np.ravel(y)
        augmenter = GANAugmenter() if self.augmenter is None else clone(self.augmenter)
        with_static = {} if static is None else {"static": static}
        X_res, y_res = augmenter.fit_resample(X, y, **with_static)
        self.augmenter_ = augmenter
        self._fit_estimator(X_res, y_res)
        self.classes_ = self.estimator_.classes_
        return self

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the estimator fitted on the augmented data.

        Parameters
        ----------
        X : array-like
            Data in the format the wrapped estimator takes.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The wrapped estimator's probabilities.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from the estimator fitted on the augmented data.

        Parameters
        ----------
        X : array-like
            Data in the format the wrapped estimator takes.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The wrapped estimator's log probabilities.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the estimator fitted on the augmented data.

        Parameters
        ----------
        X : array-like
            Data in the format the wrapped estimator takes.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The wrapped estimator's decision function.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)


class AugmentedRegressor(RegressorMixin, _AugmentedEstimator):
    """A regressor trained on its training data plus synthetic ``(X, y)`` pairs.

    Regression targets cannot condition a class-conditional sampler, so the sampler
    learns ``X`` and ``y`` jointly: ``y`` joins ``X`` as extra features (for series,
    a channel repeated at every time step), the sampler is fitted unconditionally on
    the joined data, and each synthetic sample is split back into its features and
    its target (for series, the mean of the target channel over the series). The
    synthetic pairs are appended to the real ones and a clone of ``estimator`` is
    fitted on all of them; predictions go to that estimator unchanged.

    Read more in :ref:`augmentation`.

    Parameters
    ----------
    estimator : regressor
        Fitted on the augmented data; it must read the data format of ``X``.
    sampler : estimator with ``fit(X)`` and ``sample(n, random_state)``, default=None
        Learns the joint distribution; ``None`` means ``DiffusionSampler()``.
    synthetic_ratio : float, default=1.0
        Synthetic pairs added per real one.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw and, when the sampler's own ``random_state`` is ``None``, its
        training.

    Attributes
    ----------
    sampler_ : estimator
        The sampler fitted on features and target joined.
    estimator_ : regressor
        The clone of ``estimator`` fitted on the augmented data.
    n_synthetic_ : int
        Number of synthetic pairs added.

    See Also
    --------
    AugmentedClassifier : The same for class labels, conditioning on them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sktsgan.augment import AugmentedRegressor, JitterSampler
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(50, 3))
    >>> y = X @ [1.0, 2.0, -1.0]
    >>> model = AugmentedRegressor(Ridge(), JitterSampler(), random_state=0).fit(X, y)
    >>> model.n_synthetic_, model.estimator_.coef_.round(1)
    (50, array([ 1.,  2., -1.]))
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "sampler": [HasMethods(["fit", "sample"]), None],
        "synthetic_ratio": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }
    # the wrapped estimator's score, not RegressorMixin's
    score = _AugmentedEstimator.score

    def __init__(self, estimator, sampler=None, *, synthetic_ratio=1.0, random_state=None):
        self.estimator = estimator
        self.sampler = sampler
        self.synthetic_ratio = synthetic_ratio
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Learn ``(X, y)`` jointly, add synthetic pairs, fit the estimator on all.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data.
        y : array-like of shape (n_series,) or (n_series, n_targets)
            Numeric targets.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X = _check_features(X)
        target = _check_target(y)
        check_consistent_length(X, target)
        self.n_synthetic_ = round(self.synthetic_ratio * _num_samples(X))
        if self.n_synthetic_ == 0:
            self.sampler_ = None
            return self._fit_estimator(X, y)
        sampler, sample_seed = seeded_clone(self.sampler, self.random_state)
        joined = _join_target(X, target.reshape(len(target), -1))
        self.sampler_ = sampler.fit(joined)
        synthetic = self.sampler_.sample(self.n_synthetic_, random_state=sample_seed)
        X_new, y_new = _split_target(synthetic, target.reshape(len(target), -1).shape[1])
        if isinstance(X, list | tuple) and np.ndim(X[0]) == 1:
            X_new = [series[:, 0] for series in X_new]  # univariate items, as given
        y_new = y_new if target.ndim == 2 else y_new[:, 0]
        y_all = np.concatenate([target, y_new])
        if isinstance(y, pd.Series):
            y_all = pd.Series(y_all, name=y.name)
        return self._fit_estimator(_concatenate(X, X_new), y_all)


_TARGET = "__sktsgan_target_{}"


def _check_features(X):
    """``X`` as a DataFrame, list of series or 2-D/3-D array; sparse and 1-D refused."""
    if sp.issparse(X):
        raise TypeError(
            "AugmentedRegressor does not support sparse input: its sampler needs dense "
            "values; convert X with X.toarray()."
        )
    if isinstance(X, pd.DataFrame | list | tuple):
        return X
    X = np.asarray(X)
    if np.iscomplexobj(X):
        raise ValueError(
            "Complex data not supported: X has complex values; pass their real part "
            "(X.real) or their magnitude (abs(X))."
        )
    if X.ndim not in (2, 3):
        raise ValueError(
            f"Expected a 2D array (tabular rows) or a 3D array (series), got a {X.ndim}D "
            "array instead. Reshape your data using array.reshape(-1, 1) if it has a "
            "single feature or array.reshape(1, -1) if it contains a single sample."
        )
    return X


def _check_target(y):
    if y is None:
        raise ValueError("AugmentedRegressor requires y to be passed, but the target y is None.")
    y = np.asarray(y)
    if np.iscomplexobj(y):
        raise ValueError(
            "Complex data not supported: y has complex values; pass their real part "
            "(y.real) or their magnitude (abs(y))."
        )
    try:
        target = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            "AugmentedRegressor needs numeric targets y; for class labels use AugmentedClassifier."
        ) from error
    if target.ndim not in (1, 2):
        raise ValueError(
            f"y must have shape (n_series,) or (n_series, n_targets), got {target.shape}."
        )
    if not np.all(np.isfinite(target)):
        raise ValueError("y contains NaN or infinity; drop or impute those samples first.")
    return target


def _join_target(X, target):
    """``X`` with the target columns appended as features (a channel for series)."""
    if isinstance(X, pd.DataFrame):
        extra = {_TARGET.format(j): target[:, j] for j in range(target.shape[1])}
        return X.assign(**extra)
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return np.column_stack([X.astype(np.float64), target])
    if isinstance(X, np.ndarray) and X.ndim == 3:
        values = X.astype(np.float64)
        channel = np.repeat(target[:, None, :], values.shape[1], axis=1)
        channel[np.all(np.isnan(values), axis=2)] = np.nan  # keep the trailing padding
        return np.concatenate([values, channel], axis=2)
    items = []
    for series, row in zip(X, target):
        series = np.asarray(series, dtype=np.float64)
        series = series[:, None] if series.ndim == 1 else series
        items.append(np.column_stack([series, np.tile(row, (len(series), 1))]))
    return items


def _split_target(joined, n_targets):
    """Undo :func:`_join_target` on synthetic data: features, and targets (n, n_targets)."""
    if isinstance(joined, pd.DataFrame):
        names = [_TARGET.format(j) for j in range(n_targets)]
        return joined.drop(columns=names), joined[names].to_numpy(dtype=np.float64)
    if isinstance(joined, np.ndarray) and joined.ndim == 2:
        return joined[:, :-n_targets], joined[:, -n_targets:]
    if isinstance(joined, np.ndarray):
        return joined[:, :, :-n_targets], np.nanmean(joined[:, :, -n_targets:], axis=1)
    features = [series[:, :-n_targets] for series in joined]
    targets = np.array([series[:, -n_targets:].mean(axis=0) for series in joined])
    return features, targets
