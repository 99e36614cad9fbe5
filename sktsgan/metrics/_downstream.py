"""Downstream-task scores: how useful synthetic data is for training a model.

"Train on synthetic, test on real" (TSTR, Esteban et al. 2017) fits a model on the
synthetic data and scores it on real test data; "train on real, test on real" (TRTR) is
its reference, and the augmentation gain is what adding synthetic series to the real
training data changes. All three share one task definition, one default model and one
way of seeding, so their scores compare directly.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils.multiclass import type_of_target

from ..preprocessing import SeriesFlattener
from ..preprocessing._tabular import is_categorical_dtype
from ..utils._docstrings import with_snippets
from ..utils._random import draw_seed
from ..utils.validation import check_sequences, one_per_series, time_mask
from ._posthoc import _repeat

_COMMON_CONSTRAINTS = {
    "estimator": [HasMethods(["fit"]), None],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "return_std": ["boolean"],
    "random_state": ["random_state"],
}

_TASK_NOTES = """**The task.** With labels, ``y`` holds one target per series: class labels
(``type_of_target`` binary or multiclass) make it a classification, continuous
values a regression. A given ``estimator`` settles the question (a classifier or a
regressor). Without labels (every ``y`` None, the common case of an unconditional
generator) the task is self-supervised one-step forecasting: for a series of
``L`` steps the target is its last feature at step ``L - 1`` and the input is the
series without that step (every feature at steps ``0 .. L - 2``), so every series
needs at least 2 steps; this works for variable-length series. Giving some labels
but not others is an error.

**Mixed-type tables.** DataFrames with categorical columns (``category``,
``object``, ``bool``, ``string``) have those columns one-hot encoded, with the
levels of every set together, before the model sees them.

**The model.** ``estimator`` is cloned and fitted on NaN-padded float64 arrays
``(n_series, n_timesteps, n_features)``, every set padded to its longest series
(or on ``(n_samples, n_features)`` arrays when every set holds tabular rows). The
default ``make_pipeline(SeriesFlattener(), RandomForestClassifier(n_estimators=100))``
(``RandomForestRegressor`` for regression and forecasting) flattens each series
into one row and reads padding as missing values. Scores are in original units."""

_COMMON_PARAMETERS = """estimator : estimator object, default=None
    Model to fit (cloned first). None uses a random forest behind a
    :class:`~sktsgan.preprocessing.SeriesFlattener`, as described above.
scoring : str or callable, default=None
    A scikit-learn scorer name or ``scorer(estimator, X, y)``; greater is better
    (errors are negated, as in scikit-learn). None uses ``"accuracy"`` for
    classification and ``"neg_mean_absolute_error"`` otherwise.
n_repeats : int, default=1
    Fits with different seeds: every parameter of ``estimator`` whose name ends in
    ``random_state`` is set from a seed drawn from ``random_state``. The result is
    the mean score.
return_std : bool, default=False
    Also return the standard deviation of the score over repeats.
random_state : int, RandomState instance or None, default=None
    Seeds the repeats."""


_fill_docstring = with_snippets(task_notes=_TASK_NOTES, common_parameters=_COMMON_PARAMETERS)


def _read_sets(sets, caller):
    """Read every ``(name, X, y)`` set; check features and labels against each other."""
    given = [f"y{name[1:]}" for name, _, y in sets if y is not None]
    missing = [f"y{name[1:]}" for name, _, y in sets if y is None]
    if given and missing:
        raise ValueError(
            f"{', '.join(missing)} is None but {', '.join(given)} is not. Pass labels for "
            "every set (a classification or regression task) or for none (the "
            "self-supervised forecasting task)."
        )
    read = []
    for name, X, y in _one_hot_tables(sets):
        data, fmt = check_sequences(X, estimator_name=caller)
        target = (
            None
            if y is None
            else one_per_series(y, data.n_series, name=f"y{name[1:]}", noun="target", of="its X")
        )
        read.append((name, data, fmt, target))
    reference_name, reference = read[-1][0], read[-1][1]  # the real test set
    for name, data, _, _ in read[:-1]:
        if data.n_features != reference.n_features:
            raise ValueError(
                f"{name} has {data.n_features} features but {reference_name} has "
                f"{reference.n_features}; synthetic and real data need the same features "
                "(last axis)."
            )
    return read


def _one_hot_tables(sets):
    """Sets of mixed-type DataFrames with their categorical columns one-hot encoded.

    The levels are those of all sets together, so that every set gets the same
    columns; numeric columns pass through. Other sets come back unchanged.
    """
    frames = [X for _, X, _ in sets]
    if not all(isinstance(X, pd.DataFrame) for X in frames):
        return sets
    categorical = [
        c
        for c in frames[-1].columns
        if any(is_categorical_dtype(X[c].dtype) for X in frames if c in X.columns)
    ]
    if not categorical:
        return sets
    for (name, X, _), reference in zip(sets, frames[-1:] * len(sets)):
        if list(X.columns) != list(reference.columns):
            raise ValueError(
                f"{name} has columns {list(X.columns)} but {sets[-1][0]} has "
                f"{list(reference.columns)}; synthetic and real tables need the same columns."
            )
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    encoder.fit(pd.concat([X[categorical].astype(str) for X in frames], ignore_index=True))
    out = []
    for name, X, y in sets:
        numeric = X.drop(columns=categorical).astype(np.float64)
        dummies = pd.DataFrame(
            encoder.transform(X[categorical].astype(str)),
            columns=encoder.get_feature_names_out(),
            index=X.index,
        )
        out.append((name, pd.concat([numeric, dummies], axis=1), y))
    return out


def _forecast_task(name, data):
    """Inputs (the series without their last step) and targets (last feature there)."""
    if data.lengths.min() < 2:
        raise ValueError(
            f"{name} has series of 1 step. Without labels the task is to forecast the last "
            "step of each series from the steps before, which needs at least 2 steps; pass "
            "labels (y) to score tabular rows or short series on a labelled task."
        )
    last = data.lengths - 1
    target = data.values[np.arange(data.n_series), last, -1]
    inputs = data.values[:, :-1].copy()
    inputs[~time_mask(last, inputs.shape[1])] = np.nan
    return inputs, target


def _resolve_task(estimator, targets):
    if targets is None:
        if estimator is not None and is_classifier(estimator):
            raise ValueError(
                "Without labels the task is forecasting, a regression, but estimator is a "
                "classifier; pass a regressor or labels."
            )
        return "forecasting"
    if estimator is not None and is_classifier(estimator):
        continuous = [n for n, y in targets.items() if type_of_target(y) == "continuous"]
        if continuous:
            raise ValueError(
                f"estimator is a classifier, but {', '.join(continuous)} holds continuous "
                "values; pass class labels, or a regressor for a regression task."
            )
        return "classification"
    if estimator is not None and is_regressor(estimator):
        return "regression"
    kinds = {name: type_of_target(y, input_name=name) for name, y in targets.items()}
    unsupported = {
        n: k for n, k in kinds.items() if k not in ("binary", "multiclass", "continuous")
    }
    if unsupported:
        raise ValueError(
            f"Unsupported targets {unsupported}: pass one class label or one number per series."
        )
    return "regression" if "continuous" in kinds.values() else "classification"


def _prepare(sets, estimator, scoring, caller):
    """Checked arrays ``{name: (X, y)}``, the estimator and the scorer of the task."""
    read = _read_sets(sets, caller)
    targets = None if read[0][3] is None else {f"y{n[1:]}": y for n, _, _, y in read}
    task = _resolve_task(estimator, targets)
    arrays = {}
    for name, data, _, y in read:
        arrays[name] = _forecast_task(name, data) if task == "forecasting" else (data.values, y)
    if task != "forecasting" and all(fmt.kind in ("tabular", "frame") for _, _, fmt, _ in read):
        arrays = {name: (X[:, 0, :], y) for name, (X, y) in arrays.items()}
    else:
        n_timesteps = max(X.shape[1] for X, _ in arrays.values())
        arrays = {name: (_pad_to(X, n_timesteps), y) for name, (X, y) in arrays.items()}
    if estimator is None:
        model = (
            RandomForestClassifier(n_estimators=100)
            if task == "classification"
            else RandomForestRegressor(n_estimators=100)
        )
        estimator = make_pipeline(SeriesFlattener(), model)
    if scoring is None:
        scoring = "accuracy" if task == "classification" else "neg_mean_absolute_error"
    scorer = check_scoring(estimator, scoring=scoring)
    return arrays, task, estimator, scorer


def _pad_to(X, n_timesteps):
    if X.shape[1] == n_timesteps:
        return X
    out = np.full((X.shape[0], n_timesteps, X.shape[2]), np.nan)
    out[:, : X.shape[1]] = X
    return out


def _seeded(estimator, seed):
    """A clone of ``estimator`` with every ``*random_state`` parameter set from ``seed``."""
    estimator = clone(estimator)
    rng = np.random.RandomState(seed)
    keys = sorted(k for k in estimator.get_params(deep=True) if k.endswith("random_state"))
    return estimator.set_params(**{k: draw_seed(rng) for k in keys})


def _warn_missing_classes(y_fit, y_test, fit_name, stacklevel):
    missing = set(y_test.tolist()) - set(y_fit.tolist())
    if missing:
        warnings.warn(
            f"Classes {sorted(missing, key=str)} of y_test are absent from {fit_name}: a model "
            "trained on it never predicts them, so every test series of those classes "
            "counts as an error. Synthetic data that misses a class scores low by design; "
            "draw every class (e.g. sampler.sample(n, y=labels)) to compare classes.",
            UserWarning,
            stacklevel=stacklevel,
        )


def _concat_targets(a, b):
    if a.dtype == b.dtype or {a.dtype.kind, b.dtype.kind} <= set("biuf"):
        return np.concatenate([a, b])
    return np.concatenate([a.astype(object), b.astype(object)])


def _train_test_score(X_train, y_train, X_test, y_test, options, caller, names):
    """TSTR and TRTR: fit on one set, score on the real test set."""
    estimator, scoring, n_repeats, return_std, random_state = options
    train_name, train_y_name = names
    arrays, task, estimator, scorer = _prepare(
        [(train_name, X_train, y_train), ("X_test", X_test, y_test)], estimator, scoring, caller
    )
    (X_fit, y_fit), (X_eval, y_eval) = arrays[train_name], arrays["X_test"]
    if task == "classification":
        _warn_missing_classes(y_fit, y_eval, train_y_name, stacklevel=5)

    def score_once(seed):
        model = _seeded(estimator, seed).fit(X_fit, y_fit)
        return scorer(model, X_eval, y_eval)

    return _repeat(score_once, n_repeats, random_state, return_std)


@validate_params(
    {"X_synth": "no_validation", "X_test": "no_validation", **_COMMON_CONSTRAINTS},
    prefer_skip_nested_validation=False,
)
@_fill_docstring
def tstr_score(
    X_synth,
    y_synth,
    X_test,
    y_test,
    *,
    estimator=None,
    scoring=None,
    n_repeats=1,
    return_std=False,
    random_state=None,
):
    """Train on synthetic, test on real: the score on real data of a model fitted on synthetic.

    A model fitted on good synthetic data scores about as well as one fitted on the
    real training data (:func:`trtr_score`, the reference); one fitted on synthetic
    data that lost the link between series and labels scores about chance.

    {task_notes}

    Classes of ``y_test`` that ``y_synth`` lacks give a ``UserWarning``: the model can
    never predict them, and the score counts them as errors (it measures the missing
    classes too, as it should).

    Parameters
    ----------
    X_synth : array-like, list of series or DataFrame
        Synthetic training data in any format the samplers accept.
    y_synth : array-like of shape (n_series,) or None
        Its targets (labels or numbers), or None for the forecasting task.
    X_test : array-like, list of series or DataFrame
        Real test data, with the features of ``X_synth``. Keep it apart from the data
        the generator was trained on.
    y_test : array-like of shape (n_series,) or None
        Its targets, or None for the forecasting task.
    {common_parameters}

    Returns
    -------
    score : float
        Mean test score over repeats (greater is better).
    std : float
        Standard deviation over repeats; only with ``return_std=True``.

    See Also
    --------
    trtr_score : The same model trained on real data, the reference.
    augmentation_gain : What adding synthetic data to real data changes.

    References
    ----------
    .. [1] C. Esteban, S. L. Hyland and G. Rätsch. "Real-valued (medical) time series
       generation with recurrent conditional GANs". arXiv:1706.02633, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.datasets import make_waves
    >>> from sktsgan.metrics import trtr_score, tstr_score
    >>> X, y = make_waves(n_samples=80, n_timesteps=16, random_state=0)
    >>> X_train, y_train, X_test, y_test = X[:40], y[:40], X[40:], y[40:]
    >>> X_synth = X_train + np.random.RandomState(0).normal(scale=0.1, size=X_train.shape)
    >>> float(tstr_score(X_synth, y_train, X_test, y_test, random_state=0))
    1.0
    >>> shuffled = np.random.RandomState(0).permutation(y_train)  # labels lost
    >>> float(tstr_score(X_synth, shuffled, X_test, y_test, random_state=0)) < 0.8
    True
    """
    return _train_test_score(
        X_synth,
        y_synth,
        X_test,
        y_test,
        (estimator, scoring, n_repeats, return_std, random_state),
        "tstr_score",
        ("X_synth", "y_synth"),
    )


@validate_params(
    {"X_train": "no_validation", "X_test": "no_validation", **_COMMON_CONSTRAINTS},
    prefer_skip_nested_validation=False,
)
@_fill_docstring
def trtr_score(
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    estimator=None,
    scoring=None,
    n_repeats=1,
    return_std=False,
    random_state=None,
):
    """Train on real, test on real: the reference score for :func:`tstr_score`.

    The same task, model, scorer and seeds as :func:`tstr_score`, with the real
    training data (the data the generator learned from) in place of synthetic data.

    {task_notes}

    Parameters
    ----------
    X_train : array-like, list of series or DataFrame
        Real training data in any format the samplers accept.
    y_train : array-like of shape (n_series,) or None
        Its targets (labels or numbers), or None for the forecasting task.
    X_test : array-like, list of series or DataFrame
        Real test data, with the features of ``X_train``.
    y_test : array-like of shape (n_series,) or None
        Its targets, or None for the forecasting task.
    {common_parameters}

    Returns
    -------
    score : float
        Mean test score over repeats (greater is better).
    std : float
        Standard deviation over repeats; only with ``return_std=True``.

    See Also
    --------
    tstr_score : The same model trained on synthetic data.

    Examples
    --------
    >>> from sktsgan.datasets import make_sines
    >>> from sktsgan.metrics import trtr_score
    >>> X = make_sines(n_samples=100, n_timesteps=12, n_features=2, random_state=0)
    >>> error = -trtr_score(X[:50], None, X[50:], None, random_state=0)  # forecasting
    >>> bool(0 < error < 0.05)
    True
    """
    return _train_test_score(
        X_train,
        y_train,
        X_test,
        y_test,
        (estimator, scoring, n_repeats, return_std, random_state),
        "trtr_score",
        ("X_train", "y_train"),
    )


@validate_params(
    {
        "X_train": "no_validation",
        "X_synth": "no_validation",
        "X_test": "no_validation",
        **_COMMON_CONSTRAINTS,
    },
    prefer_skip_nested_validation=False,
)
@_fill_docstring
def augmentation_gain(
    X_train,
    y_train,
    X_synth,
    y_synth,
    X_test,
    y_test,
    *,
    estimator=None,
    scoring=None,
    n_repeats=1,
    return_std=False,
    random_state=None,
):
    """How much adding synthetic series to the real training data changes the test score.

    The score on real test data of a model trained on ``X_train`` and ``X_synth``
    together, minus that of the same model (same estimator, same seeds) trained on
    ``X_train`` alone. Positive means the synthetic data helps; about 0 means it adds
    nothing (a copy of the training data, for instance); negative means it hurts.
    Sets of different lengths are padded with NaN to the longest.

    {task_notes}

    Classes of ``y_test`` absent from the training data give a ``UserWarning``, as in
    :func:`tstr_score`.

    Parameters
    ----------
    X_train : array-like, list of series or DataFrame
        Real training data in any format the samplers accept.
    y_train : array-like of shape (n_series,) or None
        Its targets, or None for the forecasting task.
    X_synth : array-like, list of series or DataFrame
        Synthetic data to add, with the features of ``X_train``.
    y_synth : array-like of shape (n_series,) or None
        Its targets, or None for the forecasting task.
    X_test : array-like, list of series or DataFrame
        Real test data.
    y_test : array-like of shape (n_series,) or None
        Its targets, or None for the forecasting task.
    {common_parameters}

    Returns
    -------
    gain : float
        Mean over repeats of ``score(real + synthetic) - score(real)``.
    std : float
        Standard deviation of the gain over repeats; only with ``return_std=True``.

    See Also
    --------
    tstr_score : The score of a model trained on synthetic data alone.

    Examples
    --------
    >>> from sktsgan.datasets import make_waves
    >>> from sktsgan.metrics import augmentation_gain
    >>> X, y = make_waves(n_samples=60, n_timesteps=16, random_state=0)
    >>> gain = augmentation_gain(X[:30], y[:30], X[:30], y[:30], X[30:], y[30:],
    ...                          random_state=0)  # a copy adds nothing
    >>> abs(gain) < 0.1
    True
    """
    arrays, task, estimator, scorer = _prepare(
        [("X_train", X_train, y_train), ("X_synth", X_synth, y_synth), ("X_test", X_test, y_test)],
        estimator,
        scoring,
        "augmentation_gain",
    )
    (X_real, y_real), (X_more, y_more) = arrays["X_train"], arrays["X_synth"]
    X_eval, y_eval = arrays["X_test"]
    X_both = np.concatenate([X_real, X_more])
    y_both = _concat_targets(y_real, y_more)
    if task == "classification":
        _warn_missing_classes(y_both, y_eval, "y_train and y_synth", stacklevel=4)

    def score_once(seed):
        real = _seeded(estimator, seed).fit(X_real, y_real)
        both = _seeded(estimator, seed).fit(X_both, y_both)
        return scorer(both, X_eval, y_eval) - scorer(real, X_eval, y_eval)

    return _repeat(score_once, n_repeats, random_state, return_std)
