import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sktsgan.datasets import make_waves
from sktsgan.preprocessing import SeriesFlattener

# No expected failures: on 2-D input (all sklearn's checks use) SeriesFlattener passes
# tabular rows through, and one sample is fine to transform.
FLATTENERS = [
    SeriesFlattener(),
    SeriesFlattener(n_timesteps=3),
    SeriesFlattener(n_timesteps=4, resample=True),
]


@parametrize_with_checks(FLATTENERS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture
def ragged():
    rng = np.random.RandomState(0)
    return [rng.normal(size=(length, 2)) for length in (5, 3, 4, 1)]


def test_3d_rows_are_steps_then_features():
    X = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)
    flattener = SeriesFlattener().fit(X)
    out = flattener.transform(X)
    assert out.dtype == np.float64 and out.shape == (2, 6)
    np.testing.assert_array_equal(out, X.reshape(2, 6))
    assert flattener.n_timesteps_ == 3 and flattener.n_features_in_ == 2
    assert flattener.get_feature_names_out().tolist() == [
        "f0_t0", "f1_t0", "f0_t1", "f1_t1", "f0_t2", "f1_t2"
    ]  # fmt: skip


def test_ragged_series_are_padded_with_nan(ragged):
    out = SeriesFlattener().fit_transform(ragged)
    assert out.shape == (4, 10)
    for row, series in zip(out, ragged):
        n = series.size
        np.testing.assert_array_equal(row[:n], series.ravel())
        assert np.isnan(row[n:]).all()
    # trailing-NaN padded 3-D input reads the same
    padded = np.full((4, 5, 2), np.nan)
    for i, series in enumerate(ragged):
        padded[i, : len(series)] = series
    np.testing.assert_array_equal(SeriesFlattener().fit_transform(padded), out)


def test_shorter_series_at_transform_are_padded(ragged):
    flattener = SeriesFlattener(n_timesteps=8).fit(ragged)
    out = flattener.transform(ragged[1:3])
    assert out.shape == (2, 16)
    assert np.isnan(out[:, 8:]).all()
    # one series is fine to transform (fit needs two)
    assert flattener.transform(ragged[:1]).shape == (1, 16)
    assert flattener.transform(np.zeros((1, 2, 2))).shape == (1, 16)


def test_longer_series_name_the_problem_and_the_fix(ragged):
    flattener = SeriesFlattener().fit(ragged[1:])  # longest is 4 steps
    with pytest.raises(ValueError, match=r"Series 0 of X has 5 time steps.*n_timesteps.*resample"):
        flattener.transform(ragged)
    with pytest.raises(ValueError, match=r"n_timesteps=2\).*resample=True"):
        SeriesFlattener(n_timesteps=2).fit(ragged)


def test_resample_gives_every_series_the_fitted_length(ragged):
    from tslearn.preprocessing import TimeSeriesResampler

    flattener = SeriesFlattener(resample=True).fit(ragged[1:])
    out = flattener.transform(ragged)
    assert out.shape == (4, 8) and not np.isnan(out).any()
    expected = TimeSeriesResampler(sz=4).fit_transform(ragged[0][np.newaxis]).reshape(-1)
    np.testing.assert_allclose(out[0], expected)
    # each series keeps its first and last values; a 1-step series becomes constant
    np.testing.assert_allclose(out[0, :2], ragged[0][0])
    np.testing.assert_allclose(out[0, -2:], ragged[0][-1])
    np.testing.assert_allclose(out[3].reshape(4, 2), np.repeat(ragged[3], 4, axis=0))
    # series already of the right length are left alone
    np.testing.assert_array_equal(out[2], ragged[2].ravel())


def test_tabular_rows_pass_through():
    rows = np.random.RandomState(0).normal(size=(6, 3))
    flattener = SeriesFlattener().fit(rows)
    assert flattener.n_timesteps_ == 1
    np.testing.assert_array_equal(flattener.transform(rows), rows)
    assert flattener.get_feature_names_out().tolist() == ["f0", "f1", "f2"]
    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    flattener = SeriesFlattener().fit(frame)
    np.testing.assert_array_equal(flattener.transform(frame), rows)
    assert flattener.get_feature_names_out().tolist() == ["a", "b", "c"]
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        flattener.transform(rows)


def test_long_frame_uses_column_names():
    frame = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b", "b"],
            "t": [2, 0, 1, 0, 1],
            "x": [3.0, 1.0, 2.0, 4.0, 5.0],
            "z": [30.0, 10.0, 20.0, 40.0, 50.0],
        }
    )
    flattener = SeriesFlattener(id_column="id", time_column="t").fit(frame)
    out = flattener.transform(frame)
    np.testing.assert_array_equal(out[0], [1, 10, 2, 20, 3, 30])
    np.testing.assert_array_equal(out[1, :4], [4, 40, 5, 50])
    assert np.isnan(out[1, 4:]).all()
    assert flattener.feature_names_in_.tolist() == ["x", "z"]
    assert flattener.get_feature_names_out()[:2].tolist() == ["x_t0", "z_t0"]
    np.testing.assert_array_equal(flattener.transform(frame[frame.id == "b"]), out[1:])
    flattener.set_output(transform="pandas")
    out = flattener.transform(frame)
    assert out.columns.tolist() == flattener.get_feature_names_out().tolist()
    assert out.index.tolist() == ["a", "b"] and out.index.name == "id"


def test_wrong_number_of_features_and_not_fitted(ragged):
    with pytest.raises(NotFittedError):
        SeriesFlattener().transform(ragged)
    flattener = SeriesFlattener().fit(ragged)
    with pytest.raises(ValueError, match="X has 3 features, but SeriesFlattener is expecting 2"):
        flattener.transform(np.zeros((2, 3, 3)))


def test_pipeline_grid_search_and_pickle_on_ragged_series():
    X, y = make_waves(n_samples=40, n_timesteps=12, random_state=0)
    lengths = np.random.RandomState(0).randint(6, 13, size=len(X))
    ragged = [series[:length] for series, length in zip(X, lengths)]
    model = make_pipeline(
        SeriesFlattener(), RandomForestClassifier(n_estimators=10, random_state=0)
    )
    search = GridSearchCV(model, {"seriesflattener__resample": [False, True]}, cv=2)
    search.fit(ragged, y)
    assert search.best_score_ > 0.9
    restored = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(restored.predict(ragged), search.predict(ragged))
