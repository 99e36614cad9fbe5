"""The cheap baselines: what each perturbation does, the sampler contract, sklearn's checks.

``sktsgan/tests/test_common.py`` checks GAN internals (``engine_``, ``history_``,
``batch_size``, devices), so the baselines run sklearn's checks and the sampler contract
here instead.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sktsgan.augment import (
    JitterSampler,
    RandomSeriesSampler,
    ScalingSampler,
    SMOTESampler,
    TimeWarpSampler,
    VariationSampler,
)
from sktsgan.tests._samplers import (
    assert_long_frames_round_trip,
    assert_params_round_trip,
    check_conditional_contract,
    fast,
    labelled_sines,
    sine_series,
)

SAMPLERS = [
    fast(RandomSeriesSampler),
    fast(JitterSampler),
    fast(ScalingSampler),
    fast(TimeWarpSampler),
    fast(SMOTESampler),
    fast(VariationSampler),
]
IDS = [type(s).__name__ for s in SAMPLERS]
# every baseline but SMOTE reads series of different lengths
RAGGED = [s for s in SAMPLERS if not isinstance(s, SMOTESampler)]
RAGGED_IDS = [type(s).__name__ for s in RAGGED]


@parametrize_with_checks(SAMPLERS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def sines():
    return sine_series()


@pytest.fixture(scope="module")
def labelled():
    return labelled_sines(5.0)


def matches(samples, X):
    """``(n_samples, n_series)``: True where a sample equals a training series exactly."""
    return (samples[:, None] == X[None]).all(axis=(2, 3))


# -- what each baseline does -------------------------------------------------------------


def test_random_series_are_exact_copies_of_the_requested_class(labelled):
    X, y = labelled
    sampler = RandomSeriesSampler(random_state=0).fit(X, y)
    X_new, y_new = sampler.sample(60, y="up")
    hits = matches(X_new, X)
    assert set(y_new) == {"up"} and hits.any(axis=1).all()
    assert set(y[hits.argmax(axis=1)]) == {"up"}
    # uniform with replacement: 200 draws from the 30 series reach nearly all of them
    drawn = matches(sampler.set_params(random_state=1).fit(X).sample(200), X).argmax(axis=1)
    assert len(np.unique(drawn)) >= 27


def test_jitter_noise_is_sigma_times_feature_std():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 50, 3)) * [1.0, 10.0, 0.0] + [0.0, 100.0, 7.0]  # last: constant
    sampler = JitterSampler(sigma=0.1, random_state=0).fit(X)
    np.testing.assert_allclose(sampler.feature_std_, X.reshape(-1, 3).std(axis=0))
    X_new = sampler.sample(300)
    # the noise is small: a sample's nearest training series is the one it came from
    distance = ((X_new[:, None, :, :2] - X[None, :, :, :2]) / [1.0, 10.0]) ** 2
    base = X[distance.sum(axis=(2, 3)).argmin(axis=1)]
    noise = (X_new - base).reshape(-1, 3)
    expected_std = 0.1 * sampler.feature_std_[:2]  # about [0.1, 1.0]
    np.testing.assert_allclose(noise[:, :2].std(axis=0), expected_std, rtol=0.03)
    assert np.all(np.abs(noise[:, :2].mean(axis=0)) < 0.05 * expected_std)
    assert np.all(X_new[:, :, 2] == 7.0)  # a constant feature stays constant


def test_scaling_multiplies_each_feature_by_one_factor_per_series():
    X = np.random.RandomState(0).uniform(1.0, 2.0, size=(20, 10, 2))
    X_new = ScalingSampler(sigma=0.2, random_state=0).fit(X).sample(300)
    ratio = X_new[:, None] / X[None]  # (sample, series, time, feature)
    constant = (np.ptp(ratio, axis=2) < 1e-9).all(axis=2)  # the ratio is flat in time
    assert constant.sum(axis=1).tolist() == [1] * 300  # for exactly one series: its base
    factors = ratio[constant][:, 0, :]  # (300, 2): one factor per series and feature
    assert abs(factors.mean() - 1.0) < 0.03
    np.testing.assert_allclose(factors.std(axis=0), 0.2, rtol=0.15)
    assert abs(np.corrcoef(factors.T)[0, 1]) < 0.2  # drawn independently per feature


def test_time_warp_keeps_length_endpoints_and_range_and_moves_the_interior():
    # series i starts at 10 * i, so a sample tells which series it came from
    X = [10.0 * i + np.sin(np.linspace(0, 3, 5 + i)) ** 2 for i in range(10)]
    X_new = TimeWarpSampler(sigma=0.3, random_state=0).fit(X).sample(100)
    moved = 0
    for sample in X_new:
        base = X[int(round(sample[0] / 10))]
        assert len(sample) == len(base)
        assert sample[0] == base[0] and sample[-1] == base[-1]
        assert base.min() - 1e-12 <= sample.min() and sample.max() <= base.max() + 1e-12
        moved += not np.allclose(sample, base)
    assert moved > 90
    # the clock only moves forward: an increasing series stays increasing
    ramps = np.cumsum(np.random.RandomState(0).uniform(0.1, 1, size=(5, 20, 1)), axis=1)
    warped = TimeWarpSampler(sigma=0.5, n_knots=6, random_state=0).fit(ramps).sample(50)
    assert np.all(np.diff(warped, axis=1) > 0)


def test_time_warp_warps_all_features_along_one_clock():
    ramp = np.linspace(0.0, 1.0, 15)
    X = np.stack([ramp, 3 * ramp - 1], axis=1)[None].repeat(2, axis=0)  # (2, 15, 2)
    X_new = TimeWarpSampler(random_state=0).fit(X).sample(20)
    np.testing.assert_allclose(X_new[:, :, 1], 3 * X_new[:, :, 0] - 1, atol=1e-12)
    assert not np.allclose(X_new[:, :, 0], ramp)


@pytest.mark.parametrize(
    "sampler",
    [JitterSampler(sigma=0), ScalingSampler(sigma=0), TimeWarpSampler(sigma=0)],
    ids=["jitter", "scaling", "time-warp"],
)
def test_zero_sigma_gives_copies(sampler, sines):
    assert matches(sampler.fit(sines).sample(20), sines).any(axis=1).all()


def test_smote_interpolates_between_two_series_of_the_class():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 4, 2))
    y = np.array(["a", "a", "b", "b", "c", "c"])  # two series per class: one segment each
    X_new, y_new = SMOTESampler(random_state=0).fit(X, y).sample(200)
    start = X[[0, 2, 4]][np.searchsorted(["a", "b", "c"], y_new)]
    end = X[[1, 3, 5]][np.searchsorted(["a", "b", "c"], y_new)]
    step, offset = (end - start).reshape(200, -1), (X_new - start).reshape(200, -1)
    u = (offset * step).sum(axis=1) / (step**2).sum(axis=1)
    np.testing.assert_allclose(offset, u[:, None] * step, atol=1e-12)  # on the line
    assert u.min() >= 0 and u.max() <= 1 and u.min() < 0.1 and u.max() > 0.9


def test_smote_interpolates_towards_one_of_the_k_nearest_of_the_class(labelled):
    X, y = labelled
    sampler = SMOTESampler(k_neighbors=3, random_state=0).fit(X, y)
    flat = X.reshape(len(X), -1)
    distance = ((flat[:, None] - flat[None]) ** 2).sum(axis=2)
    distance[y[:, None] != y[None]] = np.inf
    np.fill_diagonal(distance, np.inf)
    np.testing.assert_array_equal(sampler.neighbors_, np.argsort(distance, axis=1)[:, :3])

    X_new, y_new = sampler.sample(50)
    base, neighbor = np.repeat(np.arange(30), 3), sampler.neighbors_.ravel()
    step = flat[neighbor] - flat[base]  # every (series, neighbour) segment
    offset = X_new.reshape(50, 1, -1) - flat[base]
    u = (offset * step).sum(axis=2) / (step**2).sum(axis=1)
    on_segment = (np.abs(offset - u[:, :, None] * step).max(axis=2) < 1e-9) & (u >= 0) & (u <= 1)
    assert on_segment.any(axis=1).all()
    assert np.all(y[base[on_segment.argmax(axis=1)]] == y_new)


def test_smote_caps_k_at_the_class_size_and_searches_all_series_without_y(sines):
    y = np.array([0, 0] + [1] * 28)
    neighbors = SMOTESampler(k_neighbors=5).fit(sines, y).neighbors_
    np.testing.assert_array_equal(neighbors[:2], [[1, -1, -1, -1, -1], [0, -1, -1, -1, -1]])
    assert np.all(neighbors[2:] >= 2)
    flat = sines.reshape(30, -1)
    distance = ((flat[:, None] - flat[None]) ** 2).sum(axis=2)
    np.fill_diagonal(distance, np.inf)
    unconditional = SMOTESampler(k_neighbors=4).fit(sines).neighbors_
    np.testing.assert_array_equal(unconditional, np.argsort(distance, axis=1)[:, :4])


def test_smote_refuses_series_of_different_lengths(sines):
    ragged = [s[: 4 + i % 8] for i, s in enumerate(sines)]
    with pytest.raises(ValueError, match="needs series of one length.*SeriesFlattener") as err:
        SMOTESampler().fit(ragged)
    assert "RandomSeriesSampler or TimeWarpSampler" in str(err.value)
    same_length = [s[:8] for s in sines]  # a list of series of one length is fine
    out = SMOTESampler().fit(same_length).sample(3)
    assert isinstance(out, list) and [s.shape for s in out] == [(8, 2)] * 3


# -- the sampler contract ----------------------------------------------------------------


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_conditional_contract(sampler, labelled):
    X, y = labelled
    fitted, unconditional = clone(sampler).fit(X, y), clone(sampler).fit(X)
    X_up, (X_mixed, y_mixed) = check_conditional_contract(fitted, unconditional)
    np.testing.assert_allclose(fitted.class_prior_, [0.5, 0.5])
    assert np.all(X_up > 2)  # "up" series sit at +5, "down" ones at -5
    assert np.all((X_mixed.mean(axis=(1, 2)) > 0) == (y_mixed == "up"))
    assert isinstance(unconditional.sample(3), np.ndarray)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_refit_forgets_classes_and_feature_names(sampler, labelled):
    X, y = labelled
    model = clone(sampler).fit(pd.DataFrame({"a": X[:, 0, 0], "b": X[:, 0, 1]}), y)
    assert model.sample(2)[0].shape == (2, 2)
    model.fit(X)
    assert not hasattr(model, "classes_") and not hasattr(model, "feature_names_in_")
    assert model.sample(2).shape == (2, 12, 2)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_tabular_and_frame_input_come_back_as_themselves(sampler, sines):
    model = clone(sampler)
    tab = sines[:, 0, :]
    out = model.fit(tab).sample(3)
    assert isinstance(out, np.ndarray) and out.shape == (3, 2)
    frame = pd.DataFrame({"price": tab[:, 0], "volume": np.arange(30)})
    out = model.fit(frame).sample(5)
    assert list(out.columns) == ["price", "volume"]
    assert out.dtypes.tolist() == frame.dtypes.tolist()
    assert model.feature_names_in_.tolist() == ["price", "volume"]
    assert model.n_features_in_ == 2 and model.n_timesteps_ == 1 and model.n_samples_fit_ == 30

    X = sines.astype(np.float32)
    out = model.fit(X).sample(4)
    assert out.shape == (4, 12, 2) and out.dtype == np.float32

    assert_long_frames_round_trip(model, sines)


@pytest.mark.parametrize("sampler", RAGGED, ids=RAGGED_IDS)
def test_ragged_input_keeps_the_training_lengths(sampler, sines):
    ragged = [s[: 4 + i % 8] for i, s in enumerate(sines)]
    fitted = clone(sampler).fit(ragged)
    np.testing.assert_array_equal(fitted.lengths_, [4 + i % 8 for i in range(30)])
    out = fitted.sample(40)
    assert isinstance(out, list) and len(out) == 40
    assert all(s.shape[1] == 2 and np.isfinite(s).all() for s in out)
    assert len({len(s) for s in out}) > 1 and {len(s) for s in out} <= set(range(4, 12))

    univariate = [s[:, 0] for s in ragged]
    assert all(s.ndim == 1 for s in clone(sampler).fit(univariate).sample(5))

    padded = sines.copy()
    padded[::2, 8:] = np.nan
    out = clone(sampler).fit(padded).sample(40)
    assert out.shape == (40, 12, 2)
    assert set(np.isnan(out[:, :, 0]).sum(axis=1)) == {0, 4}
    assert not np.isnan(out[:, :8]).any()


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_seeds_and_streams(sampler, sines):
    a = clone(sampler).fit(sines)
    b = clone(sampler).fit(sines)
    np.testing.assert_array_equal(a.sample(5), b.sample(5))
    np.testing.assert_array_equal(a.sample(5, random_state=3), b.sample(5, random_state=3))
    np.testing.assert_array_equal(a.sample(5, random_state=3), a.sample(5, random_state=3))
    assert not np.array_equal(a.sample(5), a.sample(5))  # the stream moves on
    c = clone(sampler).set_params(random_state=1).fit(sines)
    assert not np.array_equal(a.sample(5), c.sample(5))


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_training_data_and_global_random_state_untouched(sampler, sines):
    X = sines.copy()
    np.random.seed(7)
    state = np.random.get_state()[1].copy()
    fitted = clone(sampler).fit(X)
    first = fitted.sample(50, random_state=0)
    fitted.sample(50)
    assert np.array_equal(np.random.get_state()[1], state)
    np.testing.assert_array_equal(X, sines)  # perturbations work on copies
    np.testing.assert_array_equal(fitted.sample(50, random_state=0), first)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_not_fitted_pickle_and_params(sampler, labelled):
    X, y = labelled
    with pytest.raises(NotFittedError):
        clone(sampler).sample(3)
    fitted = clone(sampler).fit(X, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    for got, expected in zip(loaded.sample(6), fitted.sample(6)):
        np.testing.assert_array_equal(got, expected)
    assert_params_round_trip(sampler)
    with pytest.raises(ValueError, match="positive integer"):
        fitted.sample(0)


@pytest.mark.parametrize(
    "sampler, message",
    [
        (JitterSampler(sigma=-0.1), "sigma"),
        (ScalingSampler(sigma="big"), "sigma"),
        (TimeWarpSampler(n_knots=0), "n_knots"),
        (SMOTESampler(k_neighbors=0), "k_neighbors"),
        (RandomSeriesSampler(random_state="seed"), "random_state"),
    ],
)
def test_bad_parameters_are_refused_in_fit(sampler, message, sines):
    with pytest.raises(InvalidParameterError, match=message):
        sampler.fit(sines)
