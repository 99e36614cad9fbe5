"""AugmentedClassifier and AugmentedRegressor: fit-only augmentation, delegation, searches."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from sktsgan.augment import (
    AugmentedClassifier,
    AugmentedRegressor,
    GANAugmenter,
    JitterSampler,
    RandomSeriesSampler,
)
from sktsgan.datasets import make_waves
from sktsgan.preprocessing import SeriesFlattener, SeriesSummary


@parametrize_with_checks(
    [
        AugmentedClassifier(
            LogisticRegression(), GANAugmenter(RandomSeriesSampler(), random_state=0)
        ),
        AugmentedRegressor(Ridge(), RandomSeriesSampler(), random_state=0),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def waves():
    return make_waves(40, n_timesteps=16, random_state=0)


def test_classifier_augments_in_fit_only(waves, counting_classifier):
    X, y = waves
    model = AugmentedClassifier(
        make_pipeline(SeriesFlattener(), counting_classifier),
        GANAugmenter(RandomSeriesSampler(), synthetic_ratio=2.0, random_state=0),
    )
    result = cross_validate(model, X, y, cv=4, return_estimator=True)
    for fitted in result["estimator"]:
        assert fitted.estimator_[-1].n_fit_ == 90  # 30 real + 60 synthetic
        assert fitted.estimator_[-1].n_predict_ == 10  # the real validation fold
        assert fitted.augmenter_.n_synthetic_ == 60


def test_classifier_delegates_what_its_estimator_has(waves):
    X, y = waves
    augmenter = GANAugmenter(JitterSampler(), synthetic_ratio=1.0, random_state=0)
    model = AugmentedClassifier(make_pipeline(SeriesSummary(), LogisticRegression()), augmenter)
    model.fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), model.estimator_.predict_proba(X))
    assert model.score(X, y) == 1.0
    assert model.classes_.tolist() == ["sawtooth", "sine"]

    svc = AugmentedClassifier(make_pipeline(SeriesSummary(), LinearSVC()), augmenter)
    assert not hasattr(svc, "predict_proba")
    assert hasattr(svc.fit(X, y), "decision_function")


def test_grid_search_over_augmenter_and_estimator(waves):
    X, y = waves
    model = AugmentedClassifier(
        make_pipeline(SeriesSummary(), LogisticRegression()),
        GANAugmenter(JitterSampler(), random_state=0),
    )
    grid = {
        "augmenter__synthetic_ratio": [0.5, 1.0],
        "augmenter__sampler__sigma": [0.01, 0.1],
        "estimator__logisticregression__C": [0.1, 1.0],
    }
    search = GridSearchCV(model, grid, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    best = search.best_estimator_
    assert best.augmenter_.sampler_.sigma == search.best_params_["augmenter__sampler__sigma"]


def test_regressor_learns_features_and_target_jointly():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([1.0, 2.0, -1.0]) + 0.5
    model = AugmentedRegressor(LinearRegression(), RandomSeriesSampler(), random_state=0)
    model.fit(X, y)
    # random over-sampling copies real (x, y) pairs, so the fit is still exact
    np.testing.assert_allclose(model.estimator_.coef_, [1.0, 2.0, -1.0], atol=1e-8)
    assert model.n_synthetic_ == 60
    assert model.score(X, y) == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["padded", "list", "frame"])
def test_regressor_on_series_reads_the_target_channel_back(kind):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 5, 2))
    y = X[:, :, 0].mean(axis=1) * 3.0
    if kind == "padded":
        X[::2, 3:] = np.nan
        data = X
    elif kind == "list":
        data = [x[: 2 + i % 4, 0] for i, x in enumerate(X)]  # univariate items
    else:
        data = pd.DataFrame(X[:, 0, :], columns=["u", "v"])

    class Recorder(Ridge):
        def fit(self, X, y):
            Recorder.seen = (X, y)
            return self

    AugmentedRegressor(Recorder(), RandomSeriesSampler(), random_state=0).fit(data, y)
    X_seen, y_seen = Recorder.seen
    assert len(X_seen) == len(y_seen) == 40
    # every synthetic pair is a copy of a real one: its target must match its features
    real = {np.asarray(x, dtype=float).tobytes(): t for x, t in zip(_rows(data), y)}
    for x, target in zip(_rows(X_seen)[20:], y_seen[20:]):
        assert real[np.asarray(x, dtype=float).tobytes()] == pytest.approx(target)
    if kind == "list":
        assert all(np.ndim(x) == 1 for x in X_seen)


def _rows(X):
    return X.to_numpy() if isinstance(X, pd.DataFrame) else list(X)


@pytest.mark.parametrize(
    "y, message",
    [
        (np.array(["a", "b"] * 10), "numeric targets"),
        (np.r_[np.nan, np.ones(19)], "NaN or infinity"),
        (np.ones((20, 2, 2)), "shape"),
        (np.ones(20) + 1j, "Complex data not supported: y"),
    ],
)
def test_regressor_refuses_bad_targets(y, message):
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=message):
        AugmentedRegressor(Ridge(), RandomSeriesSampler()).fit(X, y)


def test_regressor_refuses_complex_features():
    X = np.random.RandomState(0).normal(size=(20, 3)) * 1j
    with pytest.raises(ValueError, match=r"Complex data not supported: X.*X\.real"):
        AugmentedRegressor(Ridge(), RandomSeriesSampler()).fit(X, np.ones(20))
