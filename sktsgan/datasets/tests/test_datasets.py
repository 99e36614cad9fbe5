"""Tests of the generators and loaders in sktsgan.datasets."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sktsgan.datasets import (
    load_energy,
    load_stocks,
    load_trace,
    make_attributed_sines,
    make_sines,
    make_waves,
)
from sktsgan.datasets._loaders import _REPO_DATA, ENERGY_COLUMNS, STOCK_COLUMNS

REPO_STOCKS = None if _REPO_DATA is None else _REPO_DATA / "stock_data.csv"
needs_stock_file = pytest.mark.skipif(
    REPO_STOCKS is None or not REPO_STOCKS.is_file(),
    reason="data/stock_data.csv is only in a source checkout (not in the wheel)",
)


# --------------------------------------------------------------------- make_sines
def _sine_parameters(X):
    """Frequency and phase of every (series, feature), read back from the values.

    ``x = (sin(f t + p) + 1) / 2`` with ``f + p <= 0.2 < pi / 2``, so ``arcsin``
    inverts the first two steps exactly.
    """
    angle = np.arcsin(2.0 * X - 1.0)
    return angle[:, 1] - angle[:, 0], angle[:, 0]


def test_make_sines_shape_dtype_range():
    X = make_sines(n_samples=50, n_timesteps=30, n_features=3, random_state=0)
    assert X.shape == (50, 30, 3)
    assert X.dtype == np.float64
    assert X.min() >= 0.0 and X.max() <= 1.0


def test_make_sines_follows_timegan_formula():
    X = make_sines(n_samples=300, n_timesteps=24, n_features=4, random_state=1)
    frequency, phase = _sine_parameters(X)
    t = np.arange(24)[None, :, None]
    expected = (np.sin(frequency[:, None] * t + phase[:, None]) + 1) / 2
    np.testing.assert_allclose(X, expected, atol=1e-10)
    for values in (frequency, phase):
        assert values.min() >= 0.0 and values.max() <= 0.1
        # uniform on [0, 0.1]: spread over the whole interval
        assert values.min() < 0.005 and values.max() > 0.095
        assert abs(values.mean() - 0.05) < 0.005


def test_make_sines_features_have_distinct_frequencies():
    X = make_sines(n_samples=20, n_features=5, random_state=2)
    frequency, _ = _sine_parameters(X)
    for row in frequency:
        assert len(np.unique(np.round(row, 8))) == 5


def test_make_sines_random_state():
    np.testing.assert_array_equal(make_sines(10, random_state=3), make_sines(10, random_state=3))
    assert not np.allclose(make_sines(10, random_state=3), make_sines(10, random_state=4))


@pytest.mark.parametrize(
    "kwargs", [{"n_samples": 0}, {"n_timesteps": -1}, {"n_features": 0}, {"n_samples": 2.5}]
)
def test_make_sines_bad_arguments(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"'{name}' parameter of make_sines"):
        make_sines(**kwargs)


# --------------------------------------------------------------------- make_waves
def test_make_waves_shape_dtype_labels():
    X, y = make_waves(n_samples=60, n_timesteps=32, n_features=2, random_state=0)
    assert X.shape == (60, 32, 2)
    assert X.dtype == np.float64
    assert y.shape == (60,)
    assert y.dtype == object
    assert set(y) == {"sine", "sawtooth"}


def test_make_waves_balanced_by_default():
    _, y = make_waves(n_samples=200, random_state=0)
    assert (y == "sine").sum() == 100 and (y == "sawtooth").sum() == 100


@pytest.mark.parametrize(
    "weights, n_sine", [([0.25, 0.75], 50), ([1, 3], 50), ([0.1], 20), ([1.0, 0.0], 200)]
)
def test_make_waves_weights(weights, n_sine):
    _, y = make_waves(n_samples=200, weights=weights, random_state=0)
    assert (y == "sine").sum() == n_sine
    assert (y == "sawtooth").sum() == 200 - n_sine


def test_make_waves_classes_are_shuffled():
    _, y = make_waves(n_samples=100, random_state=0)
    assert (y[:50] == "sine").sum() not in (0, 50)


def test_make_waves_classes_separated_by_mean():
    X, y = make_waves(n_samples=400, n_features=3, random_state=0)
    means = X.mean(axis=(1, 2))
    assert means[y == "sine"].min() > 0.5
    assert means[y == "sawtooth"].max() < -0.5


def test_make_waves_classes_differ_in_shape():
    # Without noise, a sawtooth drops by about twice its amplitude in one step,
    # while the slow sine never moves by more than a quarter per step.
    X, y = make_waves(n_samples=200, noise=0.0, random_state=0)
    largest_step = np.abs(np.diff(X, axis=1)).max(axis=(1, 2))
    assert largest_step[y == "sawtooth"].min() > 0.6
    assert largest_step[y == "sine"].max() < 0.3
    # and their spreads differ: amplitude about 1 against about 0.5
    spread = X.std(axis=1).ravel()
    assert np.median(spread[y == "sine"]) > 1.5 * np.median(spread[y == "sawtooth"])


def test_make_waves_noise_level():
    clean, y_clean = make_waves(n_samples=100, noise=0.0, random_state=5)
    noisy, y_noisy = make_waves(n_samples=100, noise=0.1, random_state=5)
    np.testing.assert_array_equal(y_clean, y_noisy)
    assert abs((noisy - clean).std() - 0.1) < 0.005


def test_make_waves_random_state():
    X1, y1 = make_waves(n_samples=30, random_state=7)
    X2, y2 = make_waves(n_samples=30, random_state=7)
    X3, _ = make_waves(n_samples=30, random_state=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, "'n_samples' parameter"),
        ({"noise": -0.1}, "'noise' parameter"),
        ({"weights": [0.2, 0.3, 0.5]}, "2 class proportions"),
        ({"weights": [-0.5, 1.5]}, "non-negative"),
        ({"weights": [0.0, 0.0]}, "not all be zero"),
    ],
)
def test_make_waves_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_waves(**kwargs)


# --------------------------------------------------------------------- load_stocks
@needs_stock_file
def test_make_attributed_sines_follows_its_attributes():
    X, static = make_attributed_sines(300, n_timesteps=32, noise=0.0, random_state=0)
    assert X.shape == (300, 32, 1) and list(static.columns) == ["cycles", "trend"]
    assert static["cycles"].between(1, 4).all()
    assert list(static["trend"].cat.categories) == ["falling", "flat", "rising"]
    # without noise the series is the formula: its sine part has the attribute's period
    t = np.arange(32)
    rise = static["trend"].map({"falling": -1.0, "flat": 0.0, "rising": 1.0}).to_numpy(float)
    wave = X[:, :, 0] - rise[:, None] * t / 31
    assert np.abs(wave).max() <= 1 + 1e-12
    spectrum = np.abs(np.fft.rfft(wave, n=64 * 32, axis=1))
    recovered = np.argmax(spectrum, axis=1) * 32 / (64 * 32)
    assert np.corrcoef(recovered, static["cycles"])[0, 1] > 0.99
    again, static_again = make_attributed_sines(300, n_timesteps=32, noise=0.0, random_state=0)
    np.testing.assert_array_equal(X, again)
    pd.testing.assert_frame_equal(static, static_again)


@pytest.mark.parametrize("kwargs", [{"n_timesteps": 3}, {"noise": -1.0}, {"n_samples": 0}])
def test_make_attributed_sines_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        make_attributed_sines(**kwargs)


def test_load_stocks_frame():
    frame = load_stocks()
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (3685, 6)
    assert list(frame.columns) == list(STOCK_COLUMNS)
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert frame["Close"].iloc[0] == pytest.approx(49.845802)
    assert frame["Close"].iloc[-1] == pytest.approx(1197.25)


@needs_stock_file
def test_load_stocks_windows():
    frame = load_stocks()
    windows = load_stocks(as_windows=True, window=24)
    assert windows.shape == (3662, 24, 6)
    assert windows.dtype == np.float64
    assert windows.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(windows[0], frame.to_numpy()[:24])
    np.testing.assert_array_equal(windows[-1], frame.to_numpy()[-24:])
    # stride 1: window i + 1 is window i shifted by one step
    np.testing.assert_array_equal(windows[1:, :-1], windows[:-1, 1:])


@needs_stock_file
def test_load_stocks_reverse():
    values = load_stocks().to_numpy()
    windows = load_stocks(as_windows=True, window=24, reverse=True)
    assert windows.shape == (3662, 24, 6)
    np.testing.assert_array_equal(windows[0], values[-24:][::-1])
    np.testing.assert_array_equal(load_stocks(reverse=True).to_numpy(), values[::-1])


@needs_stock_file
@pytest.mark.parametrize("window", [0, 3686])
def test_load_stocks_bad_window(window):
    with pytest.raises(ValueError, match="window"):
        load_stocks(as_windows=True, window=window)


def test_load_stocks_missing_file_message(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_stocks(data_home=tmp_path)
    message = str(info.value)
    for needed in (
        str(tmp_path),
        "Yahoo Finance",
        "wheel",
        "Open,High,Low,Close,Adj_Close,Volume",
        "data_home",
        "SKTSGAN_DATA_HOME",
    ):
        assert needed in message


@needs_stock_file
def test_load_stocks_from_env_var(tmp_path, monkeypatch):
    # A shortened copy tells that the file came from the environment variable.
    pd.read_csv(REPO_STOCKS).head(100).to_csv(tmp_path / "stock_data.csv", index=False)
    monkeypatch.setenv("SKTSGAN_DATA_HOME", str(tmp_path))
    assert load_stocks().shape == (100, 6)
    # an explicit data_home wins over the environment variable
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(REPO_STOCKS, other / "stock_data.csv")
    assert load_stocks(data_home=other).shape == (3685, 6)


def test_load_stocks_env_var_without_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SKTSGAN_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sktsgan.datasets._loaders._REPO_DATA", tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="SKTSGAN_DATA_HOME"):
        load_stocks()


def test_load_stocks_nowhere_to_search(monkeypatch):
    # an installed wheel without the environment variable
    monkeypatch.delenv("SKTSGAN_DATA_HOME", raising=False)
    monkeypatch.setattr("sktsgan.datasets._loaders._REPO_DATA", None)
    with pytest.raises(FileNotFoundError, match="SKTSGAN_DATA_HOME not set"):
        load_stocks()


def test_load_stocks_wrong_header(tmp_path):
    pd.DataFrame({"Date": ["2004-08-19"], "Close": [49.8]}).to_csv(
        tmp_path / "stock_data.csv", index=False
    )
    with pytest.raises(ValueError, match="Open,High,Low,Close,Adj_Close,Volume"):
        load_stocks(data_home=tmp_path)


# --------------------------------------------------------------------- load_energy
@pytest.fixture(scope="module")
def energy():
    return load_energy()


def test_load_energy_frame(energy):
    assert energy.shape == (19735, 28)
    assert list(energy.columns) == list(ENERGY_COLUMNS)
    assert all(dtype == np.float64 for dtype in energy.dtypes)
    # first UCI row (2016-01-11 17:00): Appliances 60 Wh, lights 30 Wh, T1 19.89
    assert energy.iloc[0, :3].tolist() == [60.0, 30.0, 19.89]
    # rv1 and rv2 are the same noise column
    np.testing.assert_array_equal(energy["rv1"], energy["rv2"])


def test_load_energy_windows(energy):
    windows = load_energy(as_windows=True, window=24)
    assert windows.shape == (19712, 24, 28)
    np.testing.assert_array_equal(windows[0], energy.to_numpy()[:24])
    np.testing.assert_array_equal(windows[1:, :-1], windows[:-1, 1:])
    reversed_windows = load_energy(as_windows=True, window=5, reverse=True)
    assert reversed_windows.shape == (19731, 5, 28)
    np.testing.assert_array_equal(reversed_windows[0], energy.to_numpy()[-5:][::-1])


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_load_energy_data_home(energy, tmp_path, suffix):
    energy.head(50).to_csv(tmp_path / f"energy_data.csv{suffix}", index=False)
    frame = load_energy(data_home=tmp_path)
    assert frame.shape == (50, 28)
    np.testing.assert_allclose(frame.to_numpy(), energy.to_numpy()[:50])


def test_load_energy_data_home_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="energy_data.csv"):
        load_energy(data_home=tmp_path)
    pd.DataFrame({"a": [1.0]}).to_csv(tmp_path / "energy_data.csv", index=False)
    with pytest.raises(ValueError, match="Appliances,lights,T1"):
        load_energy(data_home=tmp_path)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"window": 0}, "'window' parameter"),
        ({"window": 2.0}, "'window' parameter"),
        ({"as_windows": True, "window": 19736}, "longer than the series"),
        ({"as_windows": "yes"}, "'as_windows' parameter"),
    ],
)
def test_load_energy_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_energy(**kwargs)


# --------------------------------------------------------------------- load_trace
def test_load_trace_splits():
    X, y = load_trace()
    assert X.shape == (100, 275, 1) and X.dtype == np.float64
    assert y.shape == (100,)
    assert set(y.tolist()) == {1, 2, 3, 4}
    X_test, y_test = load_trace(split="test")
    assert X_test.shape == (100, 275, 1)
    assert not np.allclose(X, X_test)
    X_train, y_train, X_test_all, y_test_all = load_trace(split="all")
    np.testing.assert_array_equal(X_train, X)
    np.testing.assert_array_equal(y_train, y)
    np.testing.assert_array_equal(X_test_all, X_test)
    np.testing.assert_array_equal(y_test_all, y_test)


def test_load_trace_bad_split():
    with pytest.raises(ValueError, match="'split' parameter"):
        load_trace(split="validation")


def test_public_names():
    import sktsgan.datasets

    assert sorted(sktsgan.datasets.__all__) == sorted(
        [
            "load_energy",
            "load_stocks",
            "load_trace",
            "make_attributed_sines",
            "make_sines",
            "make_waves",
            "sliding_windows",
        ]
    )
    assert Path(sktsgan.datasets.__file__).parent.joinpath("data", "README.md").is_file()


def test_sliding_windows_on_arrays_and_frames():
    from sktsgan.datasets import sliding_windows

    series = np.arange(12.0).reshape(6, 2)
    windows = sliding_windows(series, 4)
    assert windows.shape == (3, 4, 2)
    np.testing.assert_array_equal(windows[1], series[1:5])
    np.testing.assert_array_equal(sliding_windows(series, 4, reverse=True)[0], series[::-1][:4])
    frame = pd.DataFrame(series, columns=["a", "b"])
    np.testing.assert_array_equal(sliding_windows(frame, 4), windows)
    assert sliding_windows(np.arange(5.0), 2).shape == (4, 2, 1)
    for bad in (0, 7, 2.5):
        with pytest.raises(ValueError, match="window"):
            sliding_windows(series, bad)
