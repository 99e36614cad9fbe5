import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import InvalidParameterError

from sktsgan import DiffusionSampler
from sktsgan.augment import ClassWiseSampler, GANAugmenter, JitterSampler, VariationSampler


class ShiftSampler(BaseEstimator):
    """Varies a series by adding ``100 * strength``, its ``offset`` and 1000 times the
    level of the series it was fitted on (so each class's model leaves its mark)."""

    def __init__(self, offset=0.0, random_state=None):
        self.offset = offset
        self.random_state = random_state

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        self.fit_shape_, self.n_timesteps_ = X.shape, X.shape[1]
        self.fit_levels_ = np.unique(np.round(np.nanmean(X, axis=(1, 2))))
        return self

    def vary(self, X, strength=0.5, random_state=None):
        mark = 1000 * self.fit_levels_.mean()
        return np.asarray(X, dtype=float) + 100 * strength + self.offset + mark


@pytest.fixture
def levels():
    """24 series of 5 steps: 10 at level 0, 14 at level 1 (labels "zero", "one")."""
    rng = np.random.RandomState(0)
    y = np.array(["zero"] * 10 + ["one"] * 14)
    return (y == "one")[:, None, None] + rng.normal(0, 0.01, (24, 5, 1)), y


def test_each_draw_is_a_series_of_its_class_varied_by_the_model_of_its_class(levels):
    X, y = levels
    sampler = VariationSampler(ShiftSampler(), strength=0.25, random_state=0).fit(X, y)
    # one model per class, each fitted on its class alone
    models = sampler.model_.samplers_
    assert [m.fit_shape_ for m in models] == [(14, 5, 1), (10, 5, 1)]  # "one", "zero"
    assert [m.fit_levels_.tolist() for m in models] == [[1.0], [0.0]]

    wanted = np.array(["zero", "one", "one"] * 6)
    X_new, y_new = sampler.sample(18, y=wanted)
    np.testing.assert_array_equal(y_new, wanted)
    for series, label in zip(X_new, wanted):
        # what the stub added at strength 0.25, with the mark of the class's model
        source = series - 25.0 - (1000.0 if label == "one" else 0.0)
        members = X[y == label]
        assert np.abs(members - source).max(axis=(1, 2)).min() < 1e-12


def test_without_labels_one_model_varies_every_series(levels):
    X, _ = levels
    sampler = VariationSampler(ShiftSampler(offset=3.0), strength=0.0, random_state=0).fit(X)
    assert sampler.model_.fit_shape_ == (24, 5, 1)
    X_new = sampler.sample(10)
    # the model saw levels 0 and 1: its mark is 500
    distance = np.abs(X[None] - (X_new[:, None] - 503.0)).max(axis=(2, 3))
    assert distance.min(axis=1).max() < 1e-12  # every draw a training series plus 503


def test_unseeded_models_get_seeds_and_the_default_is_a_diffusion_model(levels):
    X, y = levels
    seeds = [m.random_state for m in VariationSampler(ShiftSampler(), random_state=0)
             .fit(X, y).model_.samplers_]  # fmt: skip
    assert all(isinstance(seed, int) for seed in seeds) and seeds[0] != seeds[1]
    fixed = VariationSampler(ShiftSampler(random_state=7), random_state=0).fit(X, y)
    assert [m.random_state for m in fixed.model_.samplers_] == [7, 7]
    assert isinstance(VariationSampler()._template(), DiffusionSampler)


def test_a_sampler_that_cannot_vary_is_refused(levels):
    X, y = levels
    with pytest.raises(InvalidParameterError, match="vary"):
        VariationSampler(JitterSampler()).fit(X, y)
    with pytest.raises(InvalidParameterError, match="strength"):
        VariationSampler(ShiftSampler(), strength=1.5).fit(X, y)


def test_variations_augment_a_training_set_of_series_of_different_lengths():
    rng = np.random.RandomState(0)
    ragged = [rng.rand(length, 2) for length in (5, 7, 9, 6, 8, 10, 4, 9)]
    y = ["a", "b"] * 4
    diffusion = DiffusionSampler(hidden_size=8, n_heads=2, n_epochs=2, n_diffusion_steps=20)
    augmenter = GANAugmenter(
        VariationSampler(diffusion, random_state=0), synthetic_ratio=1.0, random_state=0
    )
    X_new, y_new = augmenter.fit_resample(ragged, y)
    assert len(X_new) == 16 and sorted(y_new.tolist()) == ["a"] * 8 + ["b"] * 8
    lengths = {label: {len(s) for s, c in zip(ragged, y) if c == label} for label in "ab"}
    assert all(len(s) in lengths[c] for s, c in zip(X_new, y_new))
    assert all(np.isfinite(s).all() for s in X_new)
    assert isinstance(augmenter.sampler_.model_, ClassWiseSampler)


def test_every_series_of_a_class_is_varied_as_often_as_the_others(levels):
    X, y = levels
    sampler = VariationSampler(ShiftSampler(), strength=0.0, random_state=0).fit(X, y)
    zeros = X[y == "zero"]  # 10 series; their model's mark is 0
    for n, most in ((20, 2), (25, 3)):
        X_new, _ = sampler.sample(n, y="zero")
        source = np.abs(X_new[:, None] - zeros[None]).max(axis=(2, 3)).argmin(axis=1)
        counts = np.bincount(source, minlength=len(zeros))
        assert counts.min() == n // len(zeros) and counts.max() == most
