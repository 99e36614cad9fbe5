"""Downstream scores, tested with oracle "synthetic" sets whose right score is known."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import balanced_accuracy_score, mean_absolute_error
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import InvalidParameterError

from sktsgan.datasets import make_sines, make_waves
from sktsgan.metrics import augmentation_gain, trtr_score, tstr_score
from sktsgan.preprocessing import SeriesFlattener


def small_forest(model=RandomForestClassifier):
    return make_pipeline(SeriesFlattener(), model(n_estimators=20))


@pytest.fixture(scope="module")
def waves():
    """Noisy two-class series: train and test halves."""
    X, y = make_waves(n_samples=120, n_timesteps=24, noise=0.3, random_state=0)
    return X[:60], y[:60], X[60:], y[60:]


@pytest.fixture(scope="module")
def sines():
    X = make_sines(n_samples=160, n_timesteps=12, n_features=3, random_state=0)
    return X[:80], X[80:]


def test_synthetic_copy_of_train_scores_like_train(waves):
    X_train, y_train, X_test, y_test = waves
    reference = trtr_score(X_train, y_train, X_test, y_test, random_state=0)
    # the same data, model and seeds: exactly the reference
    assert tstr_score(X_train, y_train, X_test, y_test, random_state=0) == reference
    assert reference > 0.9


def test_synthetic_with_shuffled_labels_scores_near_chance(waves):
    X_train, y_train, X_test, y_test = waves
    shuffled = np.random.RandomState(1).permutation(y_train)
    options = {"estimator": small_forest(), "n_repeats": 3, "random_state": 0}
    reference = trtr_score(X_train, y_train, X_test, y_test, **options)
    score = tstr_score(X_train, shuffled, X_test, y_test, **options)
    assert score < 0.7 and score < reference - 0.25


def test_noise_forecasts_much_worse_than_real_data(sines):
    X_train, X_test = sines
    noise = np.random.RandomState(0).uniform(size=X_train.shape)
    options = {"estimator": small_forest(RandomForestRegressor), "random_state": 0}
    reference = trtr_score(X_train, None, X_test, None, **options)
    score = tstr_score(noise, None, X_test, None, **options)
    assert reference < 0 and score < 0  # negated errors: greater is better
    assert -score > 10 * -reference


class LastValidStep(TransformerMixin, BaseEstimator):
    """The last valid step of each NaN-padded series."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        lengths = (~np.isnan(X).all(axis=2)).sum(axis=1)
        return X[np.arange(len(X)), lengths - 1]


def first_12_steps(X):
    return X[:, :12, 0]


def test_forecasting_predicts_last_feature_at_last_step_from_the_steps_before():
    X = make_sines(n_samples=60, n_timesteps=10, n_features=2, random_state=0)
    lengths = np.random.RandomState(0).randint(3, 11, size=60)
    ragged = [series[:length] for series, length in zip(X, lengths)]
    model = make_pipeline(LastValidStep(), LinearRegression())
    score = trtr_score(ragged[:30], None, ragged[30:], None, estimator=model)
    # by hand: the model sees step L - 2 (never step L - 1) and predicts feature -1 there
    fit = LinearRegression().fit([s[-2] for s in ragged[:30]], [s[-1, -1] for s in ragged[:30]])
    predicted = fit.predict([s[-2] for s in ragged[30:]])
    expected = -mean_absolute_error([s[-1, -1] for s in ragged[30:]], predicted)
    assert score == pytest.approx(expected)
    assert score < -1e-4  # not an identity: the target is not among the inputs


def test_augmentation_gain_of_a_copy_is_small_and_of_wrong_labels_negative(waves):
    X_train, y_train, X_test, y_test = waves
    options = {"estimator": small_forest(), "random_state": 0}
    copy = augmentation_gain(X_train, y_train, X_train, y_train, X_test, y_test, **options)
    assert abs(copy) < 0.05
    flipped = np.where(y_train == "sine", "sawtooth", "sine")
    X_more = np.concatenate([X_train, X_train])
    y_more = np.concatenate([flipped, flipped])
    harm = augmentation_gain(X_train, y_train, X_more, y_more, X_test, y_test, **options)
    assert harm < -0.3


def test_augmentation_gain_is_the_difference_of_two_scores(waves):
    X_train, y_train, X_test, y_test = waves
    X_synth = X_train[:, :12]  # shorter series: padded with NaN to the longest
    y_synth = np.random.RandomState(0).permutation(y_train)
    # the model reads the steps every series has: padding must come after them
    model = make_pipeline(FunctionTransformer(first_12_steps), KNeighborsClassifier(3))
    gain = augmentation_gain(
        X_train, y_train, X_synth, y_synth, X_test, y_test, estimator=model,
        scoring="balanced_accuracy",
    )  # fmt: skip
    X_both = np.full((120, 24, 1), np.nan)
    X_both[:60], X_both[60:, :12] = X_train, X_synth
    both = model.fit(X_both, np.concatenate([y_train, y_synth])).predict(X_test)
    real = model.fit(X_train, y_train).predict(X_test)
    expected = balanced_accuracy_score(y_test, both) - balanced_accuracy_score(y_test, real)
    assert gain == pytest.approx(expected) and expected != 0


def test_ragged_2d_and_dataframe_input(waves):
    X_train, y_train, X_test, y_test = waves
    rng = np.random.RandomState(0)
    ragged_train = [s[: rng.randint(12, 25)] for s in X_train]
    ragged_test = [s[: rng.randint(12, 25)] for s in X_test]
    score = tstr_score(ragged_train, y_train, ragged_test, y_test, random_state=0)
    assert score > 0.85
    rows, labels = X_train.mean(axis=1), y_train  # 2-D: one row per sample
    rows_test = X_test.mean(axis=1)
    assert tstr_score(rows, labels, rows_test, y_test, random_state=0) > 0.9
    frame = pd.DataFrame(rows, columns=["level"])
    frame_test = pd.DataFrame(rows_test, columns=["level"])
    assert tstr_score(frame, pd.Series(labels), frame_test, y_test, random_state=0) == (
        tstr_score(rows, labels, rows_test, y_test, random_state=0)
    )


def test_continuous_targets_make_a_regression(waves):
    X_train, _, X_test, _ = waves
    target_train, target_test = X_train[:, :, 0].mean(1), X_test[:, :, 0].mean(1)
    score = trtr_score(X_train, target_train, X_test, target_test, random_state=0)
    assert -0.2 < score < 0  # negated mean absolute error
    model = make_pipeline(SeriesFlattener(), LinearRegression())
    score = trtr_score(X_train, target_train, X_test, target_test, estimator=model)
    assert score == pytest.approx(0.0, abs=1e-10)  # the mean is linear in the steps


def test_repeats_seed_every_random_state():
    X, y = make_waves(n_samples=40, n_timesteps=6, random_state=0)
    model = make_pipeline(SeriesFlattener(), DummyClassifier(strategy="uniform"))
    mean, std = tstr_score(
        X, y, X, y, estimator=model, n_repeats=8, return_std=True, random_state=0
    )
    assert 0.3 < mean < 0.7 and std > 0.02  # different seeds, different guesses
    again = tstr_score(X, y, X, y, estimator=model, n_repeats=8, return_std=True, random_state=0)
    assert again == (mean, std)
    other = tstr_score(X, y, X, y, estimator=model, n_repeats=8, random_state=1)
    assert other != mean
    assert model.get_params()["dummyclassifier__random_state"] is None  # clones only


def test_unseen_test_classes_warn(waves):
    X_train, y_train, X_test, y_test = waves
    only_sine = y_train == "sine"
    with pytest.warns(UserWarning, match=r"Classes \['sawtooth'\] of y_test are absent"):
        score = tstr_score(
            X_train[only_sine], y_train[only_sine], X_test, y_test, estimator=small_forest()
        )
    assert score == pytest.approx(np.mean(y_test == "sine"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tstr_score(X_train, y_train, X_test, y_test, estimator=small_forest())


def test_errors_name_the_problem(waves, sines):
    X_train, y_train, X_test, y_test = waves
    with pytest.raises(ValueError, match="X_synth has 2 features but X_test has 1"):
        tstr_score(np.dstack([X_train, X_train]), y_train, X_test, y_test)
    with pytest.raises(ValueError, match="y_synth is None but y_test is not"):
        tstr_score(X_train, None, X_test, y_test)
    with pytest.raises(ValueError, match="y_train is None but y_synth, y_test"):
        augmentation_gain(X_train, None, X_train, y_train, X_test, y_test)
    with pytest.raises(ValueError, match="y_synth has 59 targets but its X has 60"):
        tstr_score(X_train, y_train[1:], X_test, y_test)
    rows = X_train[:, 0, :]
    with pytest.raises(ValueError, match="series of 1 step.*pass labels"):
        trtr_score(rows, None, rows, None)
    with pytest.raises(ValueError, match="forecasting, a regression"):
        trtr_score(sines[0], None, sines[1], None, estimator=RandomForestClassifier())
    with pytest.raises(InvalidParameterError):
        tstr_score(X_train, y_train, X_test, y_test, scoring="no-such-scorer")
    with pytest.raises(InvalidParameterError):
        tstr_score(X_train, y_train, X_test, y_test, n_repeats=0)
