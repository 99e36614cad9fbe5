"""LSTMForecastGAN: forecasting API, input checks, conditioning, rolled-out samples."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.utils._param_validation import InvalidParameterError

from sktsgan import LSTMForecastGAN
from sktsgan.augment import GANAugmenter
from sktsgan.preprocessing import forecast_pairs


@pytest.fixture(scope="module")
def series():
    """One long series of two features, as a set of one series ``(1, 200, 2)``."""
    t = np.arange(200.0)
    return np.column_stack([np.sin(t / 4), np.cos(t / 7)])[np.newaxis]


@pytest.fixture(scope="module")
def fitted(series):
    model = LSTMForecastGAN(
        window=8, horizon=3, hidden_size=8, n_epochs=2, n_draws=20, random_state=0
    )
    return model.fit(series)


def test_shapes_of_every_forecast(fitted, series):
    one = series[:, -8:]
    many = np.stack([series[0, i : i + 10] for i in range(5)])  # longer than window: last 8
    assert fitted.predict(one).shape == (1, 3, 2)
    assert fitted.predict(many).shape == (5, 3, 2)
    assert fitted.sample_paths(many, n_paths=7).shape == (5, 7, 3, 2)
    quantiles = fitted.predict_quantiles(many, quantiles=(0.1, 0.5, 0.9))
    assert quantiles.shape == (3, 5, 3, 2)
    assert np.all(np.diff(quantiles, axis=0) >= 0)
    assert fitted.n_pairs_ == 200 - 11 + 1


def test_only_the_last_window_of_a_history_matters(fitted, series):
    longer = series[:, -30:]
    np.testing.assert_array_equal(fitted.predict(longer), fitted.predict(series[:, -8:]))


def test_predict_is_repeatable_and_paths_vary(fitted, series):
    one = series[:, -8:]
    np.testing.assert_array_equal(fitted.predict(one), fitted.predict(one))
    paths = fitted.sample_paths(one, n_paths=30, random_state=1)
    assert paths.std(axis=1).mean() > 1e-4  # noise gives different futures
    np.testing.assert_array_equal(paths, fitted.sample_paths(one, n_paths=30, random_state=1))


def test_score_is_negative_mae_of_predict(fitted, series):
    histories = np.stack([series[0, i : i + 8] for i in range(0, 50, 5)])
    futures = np.stack([series[0, i + 8 : i + 11] for i in range(0, 50, 5)])
    expected = -np.mean(np.abs(futures - fitted.predict(histories)))
    assert fitted.score(histories, futures) == pytest.approx(expected)
    with pytest.raises(ValueError, match="real futures"):
        fitted.score(histories, futures[:, :2])


def test_sample_rolls_forward_from_real_histories(fitted, series):
    X = fitted.sample(4, random_state=0)
    assert X.shape == (4, 200, 2)
    # the first window is real (documented: a privacy property), the start of the one
    # training series
    np.testing.assert_allclose(X[:, :8], np.broadcast_to(series[0, :8], (4, 8, 2)), atol=1e-6)
    low, high = series[0].min(axis=0), series[0].max(axis=0)
    assert np.all(X >= low - 1e-9) and np.all(X <= high + 1e-9)


def test_long_dataframe_keeps_names(series):
    frame = pd.DataFrame(series[0], columns=["a", "b"]).assign(id=0)
    model = LSTMForecastGAN(
        window=8, horizon=3, hidden_size=4, n_epochs=1, id_column="id", random_state=0
    )
    assert model.fit(frame).feature_names_in_.tolist() == ["a", "b"]
    assert model.predict(frame.iloc[-8:]).shape == (1, 3, 2)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame.iloc[-8:].rename(columns={"a": "c"}))


@pytest.mark.parametrize(
    "two_d",
    [lambda s: s[0], lambda s: pd.DataFrame(s[0]), lambda s: s[0].tolist()],
    ids=["array", "wide frame", "nested list"],
)
def test_two_d_input_is_refused_everywhere_with_the_fix(fitted, series, two_d):
    # sktsgan reads 2-D input as tabular rows; a forecaster needs series
    with pytest.raises(ValueError, match=r"X is 2-D.*X\[np.newaxis\]"):
        LSTMForecastGAN(window=8, horizon=3).fit(two_d(series))
    with pytest.raises(ValueError, match="X is 2-D"):
        fitted.predict(two_d(series[:, -8:]))


def test_fit_on_pairs_is_fit_on_the_series_they_were_cut_from(fitted, series):
    # stride 1 cuts every pair fit(series) cuts, in its order, over the same range
    X, y = forecast_pairs(series, window=8, horizon=3)
    on_pairs = clone(fitted).fit(X, y)
    assert on_pairs.n_pairs_ == fitted.n_pairs_ == len(X)
    np.testing.assert_array_equal(on_pairs.predict(X[:5]), fitted.predict(X[:5]))
    # sampled series are pairs: a real history and a drawn future
    assert on_pairs.sample(3, random_state=0).shape == (3, 11, 2)


def test_cross_validation_and_grid_search_with_futures_as_y(series):
    X, y = forecast_pairs(series, window=8, horizon=3, stride=4)
    model = LSTMForecastGAN(window=8, horizon=3, hidden_size=4, n_epochs=1, random_state=0)
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores < 0)  # negative mean absolute errors
    search = GridSearchCV(model, {"hidden_size": [2, 4]}, cv=2).fit(X, y)
    assert search.best_estimator_.predict(X[:2]).shape == (2, 3, 2)


@pytest.mark.parametrize(
    ("futures", "message"),
    [
        (lambda y: y[:, :2], r"shape \(\d+, 3, 2\).*Set horizon"),
        (lambda y: y[:-1], "real future of each history"),
        (lambda y: y[..., :1], "real future of each history"),
    ],
)
def test_futures_of_the_wrong_shape_are_refused(series, futures, message):
    X, y = forecast_pairs(series, window=8, horizon=3, stride=4)
    with pytest.raises(ValueError, match=message):
        LSTMForecastGAN(window=8, horizon=3, n_epochs=1).fit(X, futures(y))


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (np.zeros((1, 5, 2)), "at least window=8 steps"),
        (np.zeros((1, 8, 3)), "3 features"),
        (np.array([[[0.0, 1.0]] * 3 + [[np.nan, 1.0]] + [[0.0, 1.0]] * 4]), "NaN|nan|missing"),
    ],
)
def test_bad_histories_are_refused(fitted, history, message):
    with pytest.raises(ValueError, match=message):
        fitted.predict(history)


def test_bad_training_input_fails_before_training(series):
    with pytest.raises(InvalidParameterError, match="horizon"):
        LSTMForecastGAN(horizon=0).fit(series)
    with pytest.raises(ValueError, match="long enough for one training pair"):
        LSTMForecastGAN(window=150, horizon=60).fit(series)
    with pytest.raises(NotFittedError):
        LSTMForecastGAN().predict(series)
    with pytest.raises(ValueError, match="fitted without labels"):
        LSTMForecastGAN(window=8, horizon=3, n_epochs=1).fit(series).predict(series, labels="a")


def test_conditional_forecasts_follow_the_class():
    rng = np.random.RandomState(0)
    y = np.array(["low", "high"] * 10)
    level = np.where(y == "high", 1.0, 0.0)[:, None, None]
    X = level + 0.05 * rng.randn(20, 30, 1)
    model = LSTMForecastGAN(
        window=6, horizon=2, hidden_size=8, n_epochs=15, batch_size=64, random_state=0
    ).fit(X, labels=y)
    high = model.predict(X[y == "high"][:, :6], labels="high")
    low = model.predict(X[y == "low"][:, :6], labels="low")
    assert high.mean() - low.mean() > 0.5  # the two levels are 1.0 apart
    with pytest.raises(ValueError, match="fitted with class labels: pass labels"):
        model.predict(X[:1, :6])
    X_new, y_new = model.sample(4, y="high", random_state=0)  # sample's y: the classes
    assert X_new.shape == (4, 30, 1) and set(y_new) == {"high"}


def test_the_augmenter_conditions_the_forecaster_on_the_labels():
    rng = np.random.RandomState(0)
    y = np.array(["low", "high"] * 6)
    X = np.where(y == "high", 1.0, 0.0)[:, None, None] + 0.05 * rng.randn(12, 10, 1)
    forecaster = LSTMForecastGAN(window=3, horizon=2, hidden_size=4, n_epochs=1)
    augmenter = GANAugmenter(forecaster, sampling_strategy={"low": 14}, random_state=0)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert X_res.shape == (20, 10, 1) and np.sum(y_res == "low") == 14
    assert augmenter.sampler_.classes_.tolist() == ["high", "low"]


def test_crps_loss_is_the_fair_ensemble_crps():
    import torch

    from sktsgan.metrics import crps_ensemble
    from sktsgan.nn import crps_loss

    rng = np.random.RandomState(0)
    real, paths = rng.randn(5, 3, 2), rng.randn(5, 4, 3, 2)
    m = paths.shape[1]
    error = np.abs(paths - real[:, None]).mean()
    spread = 2 * (error - crps_ensemble(real, paths))  # E|X - X'| over all m^2 pairs
    expected = error - spread * m / (m - 1) / 2  # over the m (m - 1) distinct pairs
    loss = crps_loss(torch.tensor(real), torch.tensor(paths), torch.ones(5, 3))
    assert loss.item() == pytest.approx(expected)


def test_supervised_weight_is_validated(series):
    with pytest.raises(InvalidParameterError, match="supervised_weight"):
        LSTMForecastGAN(supervised_weight=-1.0).fit(series)


def test_supervised_term_learns_a_ramp():
    # a deterministic saw-tooth of ramps: the future continues the history's slope
    series = (np.arange(400.0) % 50 / 50)[:, None]
    histories = np.stack([series[s : s + 6] for s in range(0, 30, 3)])
    futures = np.stack([series[s + 6 : s + 9] for s in range(0, 30, 3)])
    naive_mae = np.mean(np.abs(futures - histories[:, -1:]))
    params = dict(
        window=6, horizon=3, hidden_size=8, n_epochs=5, batch_size=32, lr=1e-2, random_state=0
    )
    errors = {
        weight: -LSTMForecastGAN(supervised_weight=weight, **params)
        .fit(series[np.newaxis])
        .score(histories, futures)
        for weight in (0.0, 5.0)
    }
    assert errors[5.0] < 0.3 * naive_mae  # measured: 0.005 against 0.04
    assert errors[0.0] > naive_mae  # the adversarial loss alone has not learnt it yet


def test_supervised_term_calibrates_the_intervals():
    from sktsgan.metrics import interval_coverage

    rng = np.random.RandomState(0)
    series = rng.randn(600, 1)  # white noise: each future is N(0, 1) whatever the history
    histories = np.stack([series[s : s + 6] for s in range(0, 590, 4)])
    futures = np.stack([series[s + 6 : s + 8] for s in range(0, 590, 4)])
    params = dict(
        window=6, horizon=2, hidden_size=8, n_epochs=5, batch_size=32, lr=1e-2, random_state=0
    )
    coverage = {}
    for weight in (0.0, 5.0):
        model = LSTMForecastGAN(supervised_weight=weight, **params).fit(series[np.newaxis])
        low, high = model.predict_quantiles(histories, (0.1, 0.9))
        coverage[weight] = interval_coverage(futures, low, high)
    assert 0.65 < coverage[5.0] < 0.95
    assert abs(coverage[5.0] - 0.8) < abs(coverage[0.0] - 0.8)
