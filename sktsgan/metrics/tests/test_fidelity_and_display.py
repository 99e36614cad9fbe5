import numpy as np
import pytest

from sktsgan import RCGANSampler
from sktsgan.metrics import SeriesComparisonDisplay, moment_gaps


def smooth_series(n, seed):
    rng = np.random.RandomState(seed)
    t = np.arange(30)
    return np.sin(rng.uniform(0.1, 0.3, (n, 1, 2)) * t[:, None] + rng.uniform(0, 6, (n, 1, 2)))


def test_identical_data_has_zero_gaps():
    X = smooth_series(50, 0)
    assert moment_gaps(X, X) == pytest.approx(
        {"mean_gap": 0.0, "std_gap": 0.0, "autocorrelation_gap": 0.0}
    )


def test_gaps_measure_what_they_name():
    X = smooth_series(200, 0)
    scale = X.reshape(-1, 2).std(axis=0)
    shifted = moment_gaps(X, X + 0.5 * scale)
    assert shifted["mean_gap"] == pytest.approx(0.5)
    assert shifted["std_gap"] == pytest.approx(0.0, abs=1e-12)
    assert shifted["autocorrelation_gap"] == pytest.approx(0.0, abs=1e-12)
    assert moment_gaps(X, 2 * X)["std_gap"] == pytest.approx(1.0)
    # Shuffling time steps keeps every marginal but destroys the dynamics.
    rng = np.random.RandomState(1)
    shuffled = X[:, rng.permutation(30)]
    gaps = moment_gaps(X, shuffled)
    assert gaps["mean_gap"] < 1e-12 and gaps["autocorrelation_gap"] > 0.5


def test_gaps_on_ragged_and_tabular_data():
    X = [s[: 10 + i % 20] for i, s in enumerate(smooth_series(40, 0))]
    assert moment_gaps(X, X)["autocorrelation_gap"] == pytest.approx(0.0)
    rows = np.random.RandomState(0).normal(size=(100, 3))
    gaps = moment_gaps(rows, rows)
    assert gaps["mean_gap"] == 0.0 and np.isnan(gaps["autocorrelation_gap"])
    with pytest.raises(ValueError, match="X has 2 features but the real data was fitted with 3"):
        moment_gaps(rows, rows[:, :2])


def test_display_draws_real_and_synthetic_panels(tmp_path):
    X = smooth_series(20, 0)
    sampler = RCGANSampler(hidden_size=4, n_epochs=1, random_state=0).fit(X)
    display = SeriesComparisonDisplay.from_estimator(sampler, X, n_series=5)
    assert display.axes_.shape == (2,)
    labels = [line.get_label() for line in display.axes_[0].get_lines()]
    assert labels.count("real") == 1 and labels.count("synthetic") == 1
    assert len(display.axes_[0].get_lines()) == 10  # 5 real + 5 synthetic
    display.figure_.savefig(tmp_path / "fig.png")
    assert (tmp_path / "fig.png").stat().st_size > 1000


def test_display_of_tabular_rows_compares_histograms():
    rows = np.random.RandomState(0).normal(size=(50, 2))
    display = SeriesComparisonDisplay.from_samples(rows, rows + 1, n_series=50)
    assert len(display.axes_[0].patches) == 40  # 20 bins each for real and synthetic
