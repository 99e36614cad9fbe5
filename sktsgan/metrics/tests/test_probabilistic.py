import numpy as np
import pytest
from scipy.stats import norm

from sktsgan.metrics import crps_ensemble, interval_coverage


def test_crps_of_one_value_is_the_absolute_error():
    y = np.array([[1.0, -2.0]])
    paths = np.array([[[3.0, 0.0]] * 4]).reshape(1, 4, 2)
    assert crps_ensemble(y, paths) == pytest.approx(np.mean([2.0, 2.0]))


@pytest.mark.parametrize("y", [0.0, 0.7, -1.5])
def test_crps_matches_the_normal_closed_form(y):
    draws = np.random.RandomState(0).normal(size=(1, 40000))
    z = y
    expected = z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi)
    assert crps_ensemble(np.array([y]), draws) == pytest.approx(expected, abs=0.01)


def test_crps_rewards_a_calibrated_spread_over_a_point():
    rng = np.random.RandomState(0)
    y = rng.normal(size=500)
    calibrated = rng.normal(size=(500, 200))
    point = np.zeros((500, 200))
    assert crps_ensemble(y, calibrated) < crps_ensemble(y, point)


def test_crps_draw_axis_and_shape_errors():
    y = np.zeros((3, 2))
    paths = np.zeros((3, 2, 5))
    assert crps_ensemble(y, paths, axis=2) == 0.0
    with pytest.raises(ValueError, match="plus one axis of draws"):
        crps_ensemble(y, paths)


def test_interval_coverage():
    assert interval_coverage([0.5, 2.0], [0.0, 0.0], [1.0, 1.0]) == 0.5
    with pytest.raises(ValueError, match="one shape"):
        interval_coverage([0.5], [0.0, 0.0], [1.0, 1.0])
