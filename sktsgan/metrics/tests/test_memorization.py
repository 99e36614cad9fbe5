"""Memorisation check, tested with a copier and an independent draw of the same source."""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sktsgan.datasets import make_sines, make_waves
from sktsgan.metrics import memorization_check, memorization_score


@pytest.fixture(scope="module")
def sines():
    """Training, holdout and a fresh draw from the same distribution."""
    X = make_sines(n_samples=300, n_timesteps=16, n_features=3, random_state=0)
    return X[:100], X[100:200], X[200:]


def copier(X_train, seed=0, scale=1e-3):
    return X_train + np.random.RandomState(seed).normal(scale=scale, size=np.shape(X_train))


def test_copier_is_caught(sines):
    X_train, X_holdout, _ = sines
    result = memorization_check(X_train, X_holdout, copier(X_train))
    assert result.distance_ratio < 0.2 and result.copy_rate > 0.9
    assert result.synth_distances.shape == (100,) and result.holdout_distances.shape == (100,)
    assert result.threshold == pytest.approx(np.quantile(result.holdout_distances, 0.05))
    assert memorization_score(X_train, X_holdout, copier(X_train)) == result.distance_ratio


def test_independent_draw_looks_like_holdout(sines):
    X_train, X_holdout, X_fresh = sines
    result = memorization_check(X_train, X_holdout, X_fresh)
    assert 0.7 < result.distance_ratio < 1.4 and result.copy_rate < 0.2


def test_half_copies_give_half_copy_rate(sines):
    X_train, X_holdout, X_fresh = sines
    half = np.concatenate([copier(X_train[:50]), X_fresh[:50]])
    result = memorization_check(X_train, X_holdout, half, quantile=0.1)
    assert 0.4 < result.copy_rate < 0.65


def test_distances_are_nearest_scaled_euclidean():
    X_train = np.array([[[0.0], [0.0]], [[2.0], [4.0]]])
    X_synth = np.array([[[2.0], [4.0]], [[1.0], [0.0]]])
    X_holdout = np.array([[[0.0], [2.0]], [[1.0], [1.0]]])
    result = memorization_check(X_train, X_holdout, X_synth)
    # scaled by the training range [0, 4] of the feature over all steps
    np.testing.assert_allclose(result.synth_distances, [0.0, 0.25])
    np.testing.assert_allclose(result.holdout_distances, [0.5, np.sqrt(2 * 0.25**2)])
    assert result.distance_ratio == pytest.approx(
        np.median([0.0, 0.25]) / np.median(result.holdout_distances)
    )


@pytest.mark.parametrize(
    "metric",
    ["euclidean", pytest.param("dtw", marks=pytest.mark.slow)],  # dtw: numba compiles
)
def test_ragged_series(metric):
    X, _ = make_waves(n_samples=150, n_timesteps=20, n_features=2, random_state=0)
    lengths = np.random.RandomState(0).randint(12, 21, size=150)
    ragged = [series[:length] for series, length in zip(X, lengths)]
    X_train, X_holdout, X_fresh = ragged[:50], ragged[50:100], ragged[100:]
    copies = [copier(series, seed=i) for i, series in enumerate(X_train)]
    copied = memorization_check(X_train, X_holdout, copies, metric=metric)
    fresh = memorization_check(X_train, X_holdout, X_fresh, metric=metric)
    assert copied.distance_ratio < 0.2 and copied.copy_rate > 0.9
    assert 0.7 < fresh.distance_ratio < 1.4 and fresh.copy_rate < 0.2


def test_tabular_rows_and_dataframes():
    rng = np.random.RandomState(0)
    rows = rng.normal(size=(300, 4))
    X_train, X_holdout, X_fresh = rows[:100], rows[100:200], rows[200:]
    assert memorization_check(X_train, X_holdout, copier(X_train)).copy_rate > 0.9
    frames = [pd.DataFrame(X, columns=list("abcd")) for X in (X_train, X_holdout, X_fresh)]
    assert memorization_score(*frames) == memorization_score(X_train, X_holdout, X_fresh)


def test_subsampling_and_repeats(sines):
    X_train, X_holdout, X_fresh = sines
    once = memorization_check(X_train, X_holdout, X_fresh, max_samples=40, random_state=0)
    assert once.synth_distances.shape == (40,) and once.holdout_distances.shape == (40,)
    again = memorization_check(X_train, X_holdout, X_fresh, max_samples=40, random_state=0)
    np.testing.assert_array_equal(once.synth_distances, again.synth_distances)
    repeated = memorization_check(
        X_train, X_holdout, X_fresh, max_samples=40, n_repeats=5, random_state=0
    )
    # arrays come from the first repeat; the scalars are means over all five
    np.testing.assert_array_equal(repeated.synth_distances, once.synth_distances)
    assert repeated.distance_ratio != once.distance_ratio
    assert 0.7 < repeated.distance_ratio < 1.4
    other = memorization_check(X_train, X_holdout, X_fresh, max_samples=40, random_state=1)
    assert not np.array_equal(other.synth_distances, once.synth_distances)


def test_errors_and_warnings(sines):
    X_train, X_holdout, X_fresh = sines
    with pytest.raises(ValueError, match="X_synth has 2 features but X_train has 3"):
        memorization_check(X_train, X_holdout, X_fresh[:, :, :2])
    with pytest.raises(InvalidParameterError):
        memorization_check(X_train, X_holdout, X_fresh, metric="cosine")
    with pytest.raises(InvalidParameterError):
        memorization_check(X_train, X_holdout, X_fresh, quantile=1.0)
    with pytest.warns(UserWarning, match="X_holdout series equal a training series"):
        ratio = memorization_score(X_train, X_train, X_fresh)
    assert ratio == np.inf
