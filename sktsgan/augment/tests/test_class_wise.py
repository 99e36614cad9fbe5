import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state

from sktsgan import DiffusionSampler, RCGANSampler
from sktsgan.augment import ClassWiseSampler, GANAugmenter, JitterSampler


class MeanSampler(BaseEstimator):
    """Draws its training mean plus small noise; records what ``fit`` was given."""

    def __init__(self, min_series=2, random_state=None):
        self.min_series = min_series
        self.random_state = random_state

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        if len(X) < self.min_series:
            raise ValueError(f"needs {self.min_series} series")
        self.fit_shape_, self.fit_y_ = X.shape, y
        self.mean_ = np.nanmean(X, axis=0)
        return self

    def sample(self, n, random_state=None):
        rng = check_random_state(random_state)
        return self.mean_ + rng.normal(0, 0.01, size=(n, *self.mean_.shape))


@pytest.fixture
def three_levels():
    """30 series of 6 steps and 2 features: 12 at level -5, 10 at 0 and 8 at +5."""
    rng = np.random.RandomState(0)
    y = np.array(["low"] * 12 + ["mid"] * 10 + ["high"] * 8)
    level = pd.Series(y).map({"low": -5.0, "mid": 0.0, "high": 5.0}).to_numpy()
    return level[:, None, None] + rng.normal(0, 0.3, (30, 6, 2)), y


def test_each_class_is_drawn_from_the_model_of_that_class_alone(three_levels):
    X, y = three_levels
    sampler = ClassWiseSampler(MeanSampler(), random_state=0).fit(X, y)

    assert sampler.classes_.tolist() == ["high", "low", "mid"]
    # each clone saw its own series, without labels
    assert [s.fit_shape_ for s in sampler.samplers_] == [(8, 6, 2), (12, 6, 2), (10, 6, 2)]
    assert all(s.fit_y_ is None for s in sampler.samplers_)

    wanted = np.array(["mid", "high", "low", "high"] * 5)
    X_new, y_new = sampler.sample(20, y=wanted)
    assert X_new.shape == (20, 6, 2)
    np.testing.assert_array_equal(y_new, wanted)
    levels = X_new.mean(axis=(1, 2))
    expected = pd.Series(wanted).map({"low": -5.0, "mid": 0.0, "high": 5.0}).to_numpy()
    np.testing.assert_allclose(levels, expected, atol=0.2)


def test_sample_without_labels_draws_the_training_class_frequencies(three_levels):
    X, y = three_levels
    sampler = ClassWiseSampler(MeanSampler(), random_state=0).fit(X, y)
    X_new, y_new = sampler.sample(3000)
    shares = pd.Series(y_new).value_counts(normalize=True)
    np.testing.assert_allclose(shares[["low", "mid", "high"]], [0.4, 1 / 3, 0.8 / 3], atol=0.03)
    # and every draw still comes from its own class's model
    levels = X_new.mean(axis=(1, 2))
    assert (levels[y_new == "high"] > 4).all() and (levels[y_new == "low"] < -4).all()


def test_classes_of_different_lengths_keep_their_lengths():
    rng = np.random.RandomState(0)
    short = [rng.normal(size=(n, 1)) for n in (5, 6, 5, 6)]
    long = [rng.normal(size=(n, 1)) + 3 for n in (9, 10, 10, 9)]
    sampler = ClassWiseSampler(JitterSampler(), random_state=0)
    X_new, y_new = sampler.fit(short + long, ["s"] * 4 + ["l"] * 4).sample(40)

    assert isinstance(X_new, list)
    lengths = np.array([len(series) for series in X_new])
    assert set(lengths[y_new == "s"]) <= {5, 6} and set(lengths[y_new == "l"]) <= {9, 10}
    assert not any(np.isnan(series).any() for series in X_new)


def test_a_long_dataframe_comes_back_as_one(three_levels):
    X, y = three_levels
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.arange(30), 6),
            "t": np.tile(np.arange(6), 30),
            "a": X[:, :, 0].ravel(),
            "b": X[:, :, 1].ravel(),
        }
    )
    sampler = ClassWiseSampler(MeanSampler(), id_column="id", time_column="t")
    synthetic, labels = sampler.fit(frame, y).sample(4, y="high")
    assert list(synthetic.columns) == ["id", "t", "a", "b"]
    assert len(synthetic) == 24 and (synthetic["a"] > 4).all()
    assert labels.tolist() == ["high"] * 4


def test_the_per_class_samplers_are_seeded_from_random_state(three_levels):
    X, y = three_levels
    seeds = [s.random_state for s in ClassWiseSampler(MeanSampler(), random_state=0)
             .fit(X, y).samplers_]  # fmt: skip
    assert len(set(seeds)) == 3 and None not in seeds
    again = ClassWiseSampler(MeanSampler(), random_state=0).fit(X, y)
    assert [s.random_state for s in again.samplers_] == seeds
    # a sampler seeded by the user keeps its seed in every class
    fixed = ClassWiseSampler(MeanSampler(random_state=7), random_state=0).fit(X, y)
    assert [s.random_state for s in fixed.samplers_] == [7, 7, 7]
    # unseeded stays unseeded
    assert ClassWiseSampler(MeanSampler()).fit(X, y).samplers_[0].random_state is None


def test_a_seeded_neural_fit_is_reproducible(three_levels):
    X, y = three_levels
    make = ClassWiseSampler(RCGANSampler(hidden_size=4, latent_dim=2, n_epochs=2), random_state=3)
    first, second = clone(make).fit(X, y), clone(make).fit(X, y)
    np.testing.assert_array_equal(first.sample(5, y="low")[0], second.sample(5, y="low")[0])
    # the stream moves on, as every sampler's does
    assert not np.array_equal(first.sample(5, y="low")[0], first.sample(5, y="low")[0])


def test_the_default_sampler_is_the_diffusion_sampler(three_levels):
    X, y = three_levels
    assert isinstance(ClassWiseSampler()._template(), DiffusionSampler)
    params = ClassWiseSampler(RCGANSampler(n_epochs=3)).get_params()
    assert params["sampler__n_epochs"] == 3


def test_fit_needs_labels_and_names_the_fix(three_levels):
    X, _ = three_levels
    with pytest.raises(ValueError, match=r"requires y to be passed.*call fit\(X, y\)"):
        ClassWiseSampler(MeanSampler()).fit(X)


def test_a_class_the_sampler_cannot_fit_is_named(three_levels):
    X, y = three_levels
    y = y.astype(object)
    y[:3] = "few"
    with pytest.raises(ValueError, match=r"MeanSampler on class 'few' \(3 series\): needs 5"):
        ClassWiseSampler(MeanSampler(min_series=5)).fit(X, y)
    y[3:] = "many"
    y[0] = "alone"  # refused before any fit, by the label check every sampler makes
    with pytest.raises(ValueError, match=r"\['alone'\] have a single series"):
        ClassWiseSampler(MeanSampler()).fit(X, y)


def test_sampling_refuses_what_the_contract_refuses(three_levels):
    X, y = three_levels
    with pytest.raises(NotFittedError):
        ClassWiseSampler(MeanSampler()).sample(3)
    sampler = ClassWiseSampler(MeanSampler()).fit(X, y)
    with pytest.raises(ValueError, match="Unknown class label"):
        sampler.sample(3, y="top")


def test_the_augmenter_adds_draws_of_the_right_class(three_levels):
    X, y = three_levels
    augmenter = GANAugmenter(ClassWiseSampler(MeanSampler()), synthetic_ratio=1.0, random_state=0)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert len(X_res) == 60
    np.testing.assert_array_equal(X_res[:30], X)
    levels = X_res[30:].mean(axis=(1, 2))
    expected = pd.Series(y_res[30:]).map({"low": -5.0, "mid": 0.0, "high": 5.0}).to_numpy()
    np.testing.assert_allclose(levels, expected, atol=0.2)
