"""``discriminator_augmentation`` on the adversarial sequence samplers (DiffAugment, ADA)."""

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

import sktsgan
from sktsgan import CRNNGANSampler, RCGANSampler, TimeGANSampler
from sktsgan.datasets import make_sines
from sktsgan.tests._samplers import fast

SAMPLERS = [RCGANSampler, TimeGANSampler, CRNNGANSampler]


@pytest.fixture(scope="module")
def X():
    return make_sines(16, n_timesteps=10, n_features=2, random_state=0)


def augmentation(sampler):
    return sampler.engine_.module_.discriminator_augmentation


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda cls: cls.__name__)
def test_a_fixed_probability_changes_training_and_is_reproducible(cls, X):
    plain = fast(cls, n_epochs=3).fit(X)
    augmented = fast(cls, n_epochs=3, discriminator_augmentation=0.5).fit(X)
    again = fast(cls, n_epochs=3, discriminator_augmentation=0.5).fit(X)
    assert not hasattr(plain.engine_.module_, "discriminator_augmentation")
    assert "augmentation_probability" not in plain.history_[-1]
    assert augmented.history_[:, "augmentation_probability"][-3:] == [0.5] * 3
    np.testing.assert_array_equal(augmented.sample(5), again.sample(5))
    assert not np.array_equal(augmented.sample(5), plain.sample(5))


def test_adaptive_probability_rises_when_the_discriminator_learns_a_few_series(X):
    # eight series, many updates: RCGAN's discriminator tells them apart confidently
    sampler = RCGANSampler(
        hidden_size=8, batch_size=4, n_epochs=20, discriminator_augmentation="adaptive"
    ).set_params(random_state=0)
    probabilities = sampler.fit(X[:8]).history_[:, "augmentation_probability"]
    assert probabilities[0] < probabilities[-1]
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert float(augmentation(sampler).probability) == probabilities[-1]


def test_samples_are_drawn_without_transformations(X, monkeypatch):
    sampler = fast(RCGANSampler, n_epochs=2, discriminator_augmentation=1.0).fit(X)
    before = sampler.sample(4, random_state=1)

    def refuse(*args):
        raise AssertionError("sampling went through the augmentation")

    monkeypatch.setattr(augmentation(sampler), "forward", refuse)
    np.testing.assert_array_equal(sampler.sample(4, random_state=1), before)


@pytest.mark.parametrize("value", ["always", 1.5, -0.1])
def test_invalid_settings_are_refused_before_training(value, X):
    with pytest.raises(InvalidParameterError, match="discriminator_augmentation"):
        fast(RCGANSampler, discriminator_augmentation=value).fit(X)


def test_the_adapted_probability_is_saved_and_loaded(X, tmp_path):
    sampler = RCGANSampler(
        hidden_size=8, batch_size=4, n_epochs=6, discriminator_augmentation="adaptive"
    ).set_params(random_state=0)
    sampler.fit(X[:8]).save(tmp_path / "model.sktsgan")
    loaded = sktsgan.load(tmp_path / "model.sktsgan")
    state, loaded_state = augmentation(sampler).state_dict(), augmentation(loaded).state_dict()
    assert float(state["probability"]) > 0
    assert all(torch.equal(state[key], loaded_state[key]) for key in state)
    np.testing.assert_array_equal(
        loaded.sample(3, random_state=0), sampler.sample(3, random_state=0)
    )
