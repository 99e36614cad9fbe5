"""GANAugmenter: add synthetic series to a training set, as an imbalanced-learn sampler."""

from __future__ import annotations

import inspect
import warnings
from numbers import Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from imblearn.base import BaseSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.base import _fit_context, clone
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import label_binarize
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _num_samples, check_consistent_length

from ..utils._random import draw_seed
from ..utils.validation import check_feature_names

_FILTER_ROUNDS = 10


class GANAugmenter(BaseSampler):
    """Augment a training set with synthetic series drawn from a fitted sampler.

    An imbalanced-learn sampler: ``fit_resample(X, y)`` fits a clone of ``sampler`` on
    ``(X, y)`` (conditional on the classes) and returns the real data followed by the
    synthetic series it draws, with their labels. As a step of
    :class:`imblearn.pipeline.Pipeline` it acts during ``fit`` only, so cross-validation
    scores are computed on real data alone; its sampler's settings are grid-searchable
    as ``<step>__sampler__<parameter>``.

    Unlike imbalanced-learn's own samplers it reads every input the samplers read:
    3-D arrays ``(n_series, n_timesteps, n_features)``, NaN-padded arrays, lists of
    series of different lengths, 2-D tabular arrays and DataFrames. The synthetic data
    comes back in the same container, units and dtypes, appended after the real data.

    Read more in :ref:`augmentation`.

    Parameters
    ----------
    sampler : estimator with ``fit(X, y)`` and ``sample(n, y, random_state)``, \
            default=None
        The generative model, cloned before fitting: any sktsgan sampler
        (:class:`~sktsgan.RCGANSampler`, :class:`~sktsgan.TimeGANSampler`, ...) or a
        cheap baseline (:class:`~sktsgan.augment.JitterSampler`, ...). ``None`` means
        one ``DiffusionSampler()`` per class
        (:class:`~sktsgan.augment.ClassWiseSampler`) when ``fit_resample`` gets labels
        and no ``static``, and one ``DiffusionSampler()`` otherwise: by the small
        labelled benchmarks, the generative augmenter that costs a classifier least
        (see :ref:`augmentation`). Its fits take minutes where the cheap baselines take
        none.
    sampling_strategy : float, str, dict or callable, default="auto"
        How many synthetic series to make per class, with imbalanced-learn's meaning for
        over-samplers: ``"auto"`` / ``"not majority"`` (every class but the largest up
        to the size of the largest), ``"minority"``, ``"not minority"``, ``"all"``, a
        float (binary targets: the minority-to-majority ratio after resampling), a dict
        ``{class: n_series_after_resampling}`` or a callable ``y -> dict``.
    synthetic_ratio : float, default=None
        Augment every class in proportion instead: add ``round(synthetic_ratio * n_c)``
        synthetic series to a class of ``n_c`` real ones, so ``2.0`` triples the data set
        and keeps its class proportions. Used instead of ``sampling_strategy``, which
        must then be left at ``"auto"``. Without ``y`` (unsupervised augmentation) it
        defaults to 1.0: as many synthetic series as real ones.
    label_filter : "nearest", classifier or None, default=None
        Keep only the synthetic series that a classifier fitted on the real training
        data assigns to the class they were drawn for, and draw again for the ones
        dropped (up to 10 rounds). ``"nearest"`` is a 1-nearest-neighbour classifier on
        the flattened series (``SeriesFlattener(resample=True)`` then
        ``KNeighborsClassifier(n_neighbors=1)``): a series is kept when its closest real
        series has its label. Any classifier that reads ``X`` as given works (it is
        cloned). A conditional generator trained on a few series per class often draws
        series that look like another class; they teach the downstream model the wrong
        boundary, and this removes them. Needs ``y``.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of synthetic series and, when the sampler's own
        ``random_state`` is ``None``, its training: one seed then makes the whole
        augmentation reproducible.

    Attributes
    ----------
    sampler_ : estimator or None
        The fitted clone of ``sampler``; ``None`` when the strategy asked for no
        synthetic series (e.g. ``"auto"`` on balanced classes), in which case no model
        is trained.
    sampling_strategy_ : dict
        Number of synthetic series added per class (key ``None`` without ``y``).
    n_synthetic_ : int
        Total number of synthetic series added by the last ``fit_resample``.
    label_filter_ : classifier or None
        The fitted ``label_filter``; ``None`` without one.
    filter_acceptance_ : float
        Share of the drawn series that ``label_filter`` kept (1.0 without one).
    static_resampled_ : DataFrame, ndarray or None
        The static attributes of ``X_resampled``: the ``static`` table given to
        ``fit_resample`` followed by the attributes the sampler drew with each
        synthetic series; ``None`` without ``static``.

    See Also
    --------
    AugmentedClassifier : The same augmentation inside a plain scikit-learn estimator.
    imblearn.over_sampling.SMOTE : Interpolation-based over-sampling of tabular rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.augment import GANAugmenter, JitterSampler
    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(30, n_timesteps=20, weights=(0.7, 0.3), random_state=0)
    >>> np.unique(y, return_counts=True)
    (array(['sawtooth', 'sine'], dtype=object), array([ 9, 21]))
    >>> augmenter = GANAugmenter(JitterSampler(), random_state=0)
    >>> X_res, y_res = augmenter.fit_resample(X, y)      # minority up to the majority
    >>> X_res.shape, np.unique(y_res, return_counts=True)[1]
    ((42, 20, 1), array([21, 21]))
    >>> augmenter.set_params(synthetic_ratio=1.0).fit_resample(X, y)[0].shape
    (60, 20, 1)

    A GAN sampler goes in the same place and its settings can be grid-searched:

    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.preprocessing import SeriesFlattener
    >>> pipe = make_pipeline(
    ...     GANAugmenter(RCGANSampler(n_epochs=2), random_state=0),
    ...     SeriesFlattener(),
    ...     LogisticRegression(),
    ... ).fit(X, y)
    >>> pipe.get_params()["ganaugmenter__sampler__n_epochs"]
    2

    Static attributes (one row per series) condition the sampler too, and the
    synthetic series come with the attributes they were drawn for:

    >>> import pandas as pd
    >>> static = pd.DataFrame({"site": ["a", "b"] * 15, "capacity": np.arange(30.0)})
    >>> augmenter = GANAugmenter(RCGANSampler(n_epochs=2), random_state=0)
    >>> X_res, y_res = augmenter.fit_resample(X, y, static=static)
    >>> augmenter.static_resampled_.shape, list(augmenter.static_resampled_.columns)
    ((42, 2), ['site', 'capacity'])
    """

    _sampling_type = "over-sampling"

    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit", "sample"]), None],
        "sampling_strategy": [Interval(Real, 0, 1, closed="right"), StrOptions({
            "auto", "minority", "not majority", "not minority", "all"
        }), dict, callable],
        "synthetic_ratio": [Interval(Real, 0, None, closed="left"), None],
        "label_filter": [StrOptions({"nearest"}), HasMethods(["fit", "predict"]), None],
        "random_state": ["random_state"],
    }  # fmt: skip

    def __init__(
        self,
        sampler=None,
        *,
        sampling_strategy="auto",
        synthetic_ratio=None,
        label_filter=None,
        random_state=None,
    ):
        self.sampler = sampler
        self.sampling_strategy = sampling_strategy
        self.synthetic_ratio = synthetic_ratio
        self.label_filter = label_filter
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Check the data and work out how many series each class will get.

        Use :meth:`fit_resample`: ``fit`` only validates and sets ``sampling_strategy_``.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data.
        y : array-like of shape (n_series,), default=None
            Class labels; ``None`` for unsupervised augmentation.

        Returns
        -------
        self : object
            The augmenter.
        """
        self.sampling_strategy_ = self._synthetic_counts(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y=None, *, static=None):
        """Fit the sampler on ``(X, y)`` and return the real data plus synthetic series.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data, in any format the sampler reads except long DataFrames.
        y : array-like of shape (n_series,), default=None
            Class labels; ``None`` adds unconditional samples (``synthetic_ratio`` of
            them per real series).
        static : DataFrame or array-like of shape (n_series, n_attributes), default=None
            Static attributes of the series (one row each), for a sampler whose ``fit``
            takes them (:class:`~sktsgan.RCGANSampler`, :class:`~sktsgan.TimeGANSampler`,
            :class:`~sktsgan.DiffusionSampler`). The sampler is conditioned on them and
            draws each synthetic series with its attributes; the attributes of the
            returned data are in ``static_resampled_``.

        Returns
        -------
        X_resampled : same type as X
            The real series followed by the synthetic ones.
        y_resampled : ndarray or pandas Series of shape (n_series_resampled,) or None
            Labels of ``X_resampled``; ``None`` when ``y`` is ``None``.
        """
        if not isinstance(X, pd.DataFrame | list | tuple | np.ndarray) and not sp.issparse(X):
            X = np.asarray(X)  # array-likes: read them as arrays
        self.sampling_strategy_ = self._synthetic_counts(X, y)
        _check_static_sampler(self.sampler, static)
        labels, one_vs_all = (None, False) if y is None else _check_labels(y)
        X_res, labels_res = self._fit_resample(X, labels, static=static)
        return X_res, None if y is None else _restore_labels(labels_res, y, labels, one_vs_all)

    def _fit_resample(self, X, y, static=None):
        counts = self.sampling_strategy_
        self.n_synthetic_ = int(sum(counts.values()))
        self.label_filter_, self.filter_acceptance_ = None, 1.0
        self.static_resampled_ = static
        if self.n_synthetic_ == 0:
            self.sampler_ = None
            return X, y

        sampler, sample_seed = seeded_clone(
            self.sampler, self.random_state, labelled=y is not None, with_static=static is not None
        )
        with_static = {} if static is None else {"static": static}

        if y is None:
            self.sampler_ = sampler.fit(X, **with_static)
            drawn = self.sampler_.sample(self.n_synthetic_, random_state=sample_seed)
            X_new, _, static_new = _split_draw(drawn, labelled=False, static=static)
            self.static_resampled_ = _concatenate_static(static, static_new)
            return _concatenate(X, X_new), None

        self.sampler_ = _fit_with_labels(sampler, X, y, with_static)
        wanted = np.concatenate(
            [np.full(n, label, dtype=object) for label, n in counts.items() if n > 0]
        )
        if self.label_filter is None:
            drawn = self.sampler_.sample(len(wanted), y=wanted, random_state=sample_seed)
            X_new, y_new, static_new = _split_draw(drawn, labelled=True, static=static)
        else:
            X_new, y_new, static_new = self._filtered_draws(X, y, wanted, sample_seed, static)
            self.n_synthetic_ = _num_samples(y_new)
        self.static_resampled_ = _concatenate_static(static, static_new)
        return _concatenate(X, X_new), np.concatenate([y, np.asarray(y_new, dtype=y.dtype)])

    def _filtered_draws(self, X, y, wanted, sample_seed, static=None):
        """Draws of ``wanted`` labels that ``label_filter`` assigns to their own class,
        and their attributes (``None`` without ``static``)."""
        self.label_filter_ = _make_label_filter(self.label_filter).fit(X, y)
        seeds = None if sample_seed is None else np.random.RandomState(sample_seed)
        kept_X, kept_y, kept_static, n_drawn, missing = [], [], [], 0, wanted
        for _ in range(_FILTER_ROUNDS):
            seed = None if seeds is None else draw_seed(seeds)
            drawn = self.sampler_.sample(len(missing), y=missing, random_state=seed)
            X_try, y_try, static_try = _split_draw(drawn, labelled=True, static=static)
            y_try = np.asarray(y_try)
            n_drawn += len(missing)
            agrees = np.asarray(self.label_filter_.predict(X_try)) == y_try
            kept_X.append(_safe_indexing(X_try, np.flatnonzero(agrees)))
            kept_y.append(y_try[agrees])
            if static_try is not None:
                kept_static.append(_safe_indexing(static_try, np.flatnonzero(agrees)))
            # each round asks for exactly what is missing: the next asks for what it lost
            missing = np.sort(y_try[~agrees]).astype(object)
            if len(missing) == 0:
                break
        self.filter_acceptance_ = sum(len(labels) for labels in kept_y) / n_drawn
        if len(missing):
            labels, short = np.unique(missing, return_counts=True)
            warnings.warn(
                f"label_filter kept {len(wanted) - len(missing)} of the {len(wanted)} "
                f"synthetic series asked for after {_FILTER_ROUNDS} rounds of draws "
                f"(short by {dict(zip(labels.tolist(), short.tolist()))}): the sampler "
                "draws series that look like another class. Train it longer, add fewer "
                "series, or set label_filter=None to keep every draw.",
                UserWarning,
                stacklevel=5,
            )
        X_new, static_new = kept_X[0], kept_static[0] if kept_static else None
        for more in kept_X[1:]:
            X_new = _concatenate(X_new, more)
        for more in kept_static[1:]:
            static_new = _concatenate_static(static_new, more)
        return X_new, np.concatenate(kept_y), static_new

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # trailing-NaN padding of ragged series
        tags.target_tags.required = False
        return tags

    def _synthetic_counts(self, X, y):
        """Dict label -> number of synthetic series to add (key None without y)."""
        if self.synthetic_ratio is not None and not _is_default_strategy(self.sampling_strategy):
            raise ValueError(
                f"Got synthetic_ratio={self.synthetic_ratio} and sampling_strategy="
                f"{self.sampling_strategy!r}; they are two ways to say how many series "
                "to add, so set only one of them (leave sampling_strategy='auto')."
            )
        if _is_long_frame(self.sampler):
            raise ValueError(
                "GANAugmenter returns the real and the synthetic series together, which "
                "it cannot do for a long DataFrame (id_column is set on the sampler). "
                "Pass the series as a 3-D array or a list of arrays instead."
            )
        if sp.issparse(X):
            raise TypeError(
                "GANAugmenter does not support sparse input: samplers learn dense "
                "series; convert X with X.toarray()."
            )
        n_series = _num_samples(X)
        self._check_n_features_and_names(X)
        if y is None and self.label_filter is not None:
            raise ValueError(
                "label_filter keeps the synthetic series a classifier assigns to their "
                "class, so it needs class labels: pass y, or set label_filter=None."
            )
        if y is None:
            ratio = 1.0 if self.synthetic_ratio is None else self.synthetic_ratio
            return {None: round(ratio * n_series)}
        check_consistent_length(X, y)
        labels, _ = _check_labels(y)
        if self.synthetic_ratio is not None:
            classes, class_counts = np.unique(labels, return_counts=True)
            return {
                label: round(self.synthetic_ratio * count)
                for label, count in zip(classes.tolist(), class_counts)
            }
        return dict(check_sampling_strategy(self.sampling_strategy, labels, "over-sampling"))

    def _check_n_features_and_names(self, X):
        """Set n_features_in_ (last axis) and, for DataFrames, feature_names_in_."""
        check_feature_names(self, X, reset=True)
        if isinstance(X, pd.DataFrame):
            self.n_features_in_ = X.shape[1]
        elif isinstance(X, np.ndarray):
            self.n_features_in_ = 1 if X.ndim < 2 else X.shape[-1]
        elif len(X):
            try:
                first = np.asarray(X[0], dtype=float)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    "Series 0 of X is not a numeric array of shape (n_timesteps, "
                    f"n_features) or (n_timesteps,): {exc}"
                ) from exc
            self.n_features_in_ = 1 if first.ndim < 2 else first.shape[-1]


def _check_labels(y):
    """Class labels as a 1-D array, and whether they came one-hot encoded."""
    if np.ndim(y) == 2 and np.shape(y)[1] > 1 and type_of_target(y) != "multilabel-indicator":
        raise ValueError(
            f"y must be one class label per series, shape (n_series,), got shape "
            f"{np.shape(y)}. GANAugmenter augments classification data; for "
            "regression targets use sktsgan.augment.AugmentedRegressor."
        )
    if np.size(y) == 0:
        raise ValueError("y is empty; pass one class label per series.")
    values = np.asarray(y)
    if values.dtype.kind in "fc" and not np.all(np.isfinite(values)):
        raise ValueError(
            "y contains NaN or infinity: every series needs a class label; drop the "
            "unlabelled series or fill in their labels."
        )
    try:
        check_classification_targets(y)
    except (TypeError, ValueError) as exc:  # e.g. strings mixed with numbers or None
        kind = TypeError if isinstance(exc, TypeError) else ValueError
        raise kind(
            f"y must hold class labels of one type (integers or strings), one per series: {exc}"
        ) from exc
    return check_target_type(np.asarray(y), indicate_one_vs_all=True)


def _restore_labels(labels, y, original, one_vs_all):
    """Resampled labels in the type of the user's ``y`` (Series, DataFrame, one-hot)."""
    if one_vs_all:
        labels = label_binarize(labels, classes=np.unique(original))
    if isinstance(y, pd.Series):
        return pd.Series(labels, name=y.name, dtype=y.dtype)
    if isinstance(y, pd.DataFrame):
        return pd.DataFrame(np.reshape(labels, (len(labels), -1)), columns=y.columns)
    return labels


def default_sampler(*, labelled, with_static):
    """The sampler that ``sampler=None`` stands for, given what ``fit_resample`` got.

    Labelled series without attributes: one ``DiffusionSampler()`` per class
    (:class:`~sktsgan.augment.ClassWiseSampler`), the generative augmenter that lost
    least on the small labelled benchmarks; otherwise one ``DiffusionSampler()``, which
    also takes the label and the attributes as conditions.
    """
    if labelled and not with_static:
        from ._class_wise import ClassWiseSampler

        return ClassWiseSampler()
    from ..models import DiffusionSampler

    return DiffusionSampler()


def seeded_clone(sampler, random_state, *, labelled=False, with_static=False):
    """An unfitted clone of ``sampler`` and a seed to draw with.

    ``None`` becomes :func:`default_sampler` for ``labelled`` series ``with_static``
    attributes or without. With ``random_state`` set, a sampler whose own
    ``random_state`` is None is seeded from it, so one seed makes training and drawing
    reproducible; the draw seed is None otherwise (``sample`` then continues the
    sampler's own stream).
    """
    if sampler is None:
        sampler = default_sampler(labelled=labelled, with_static=with_static)
    sampler = clone(sampler)
    if random_state is None:
        return sampler, None
    rng = check_random_state(random_state)
    if sampler.get_params().get("random_state", 0) is None:
        sampler.set_params(random_state=draw_seed(rng))
    return sampler, draw_seed(rng)


def _make_label_filter(label_filter):
    """An unfitted clone of the classifier that ``label_filter`` names."""
    if isinstance(label_filter, str):  # "nearest", the only name
        from ..preprocessing import SeriesFlattener

        return make_pipeline(SeriesFlattener(resample=True), KNeighborsClassifier(n_neighbors=1))
    return clone(label_filter)


def _is_default_strategy(strategy):
    return isinstance(strategy, str) and strategy == "auto"


def _is_long_frame(sampler):
    params = sampler.get_params() if sampler is not None else {}
    return params.get("id_column") is not None


def _concatenate(X, X_new):
    """The real data followed by the synthetic data, in the container of ``X``."""
    if isinstance(X, pd.DataFrame):
        return pd.concat([X, X_new], ignore_index=True)
    if isinstance(X, np.ndarray):
        return np.concatenate([X, np.asarray(X_new, dtype=X.dtype)])
    return [*X, *X_new]


def _fit_with_labels(sampler, X, labels, fit_params):
    """``sampler.fit(X, labels, **fit_params)``; ``fit(X, labels=...)`` for a sampler
    whose ``fit`` has that keyword (LSTMForecastGAN, whose ``y`` is the futures)."""
    if "labels" in inspect.signature(sampler.fit).parameters:
        return sampler.fit(X, labels=labels, **fit_params)
    return sampler.fit(X, labels, **fit_params)


def _check_static_sampler(sampler, static):
    """Refuse ``static`` for a sampler whose ``fit`` does not take attributes."""
    if static is None or sampler is None:  # None is DiffusionSampler() with attributes
        return
    if "static" not in inspect.signature(sampler.fit).parameters:
        raise ValueError(
            f"fit_resample got static attributes but {type(sampler).__name__}.fit does "
            "not take them. Use a sampler that is conditioned on attributes "
            "(RCGANSampler, TimeGANSampler or DiffusionSampler), or leave static=None."
        )


def _split_draw(drawn, *, labelled, static):
    """``(X, y, static)`` from what ``sample`` returned; ``None`` for what it did not."""
    if static is None:
        return (*drawn, None) if labelled else (drawn, None, None)
    return drawn if labelled else (drawn[0], None, drawn[1])


def _concatenate_static(static, static_new):
    """The real attribute rows followed by the synthetic ones, in the container of
    ``static`` (a DataFrame, or an array)."""
    if static is None:
        return None
    if isinstance(static, pd.DataFrame):
        return pd.concat([static, static_new], ignore_index=True)
    return np.concatenate([np.asarray(static), np.asarray(static_new)])
