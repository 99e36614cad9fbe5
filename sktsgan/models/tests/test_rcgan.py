"""RCGANSampler must learn: seeded runs on sines and on two clearly different classes."""

import numpy as np
import pytest
import torch
from _sines import assert_learns_sine_dynamics, assert_samples_resemble_their_own_class
from skorch.callbacks import EarlyStopping

from sktsgan import RCGANSampler
from sktsgan.datasets import make_sines, make_waves
from sktsgan.models._rcgan import RCGANObjective
from sktsgan.nn import moment_loss

LEARNING = dict(hidden_size=16, batch_size=16, lr=2e-3, n_epochs=25)


@pytest.fixture(scope="module")
def sines():
    return make_sines(256, n_timesteps=24, n_features=2, random_state=0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_learns_sines_far_better_than_noise(sines, seed):
    sampler = RCGANSampler(**LEARNING, random_state=seed).fit(sines)
    assert_learns_sine_dynamics(sines, sampler, max_mean_gap=0.25)


@pytest.mark.slow
def test_class_conditional_samples_resemble_their_own_class():
    X, y = make_waves(200, n_timesteps=24, random_state=0)
    assert_samples_resemble_their_own_class(
        X, y, RCGANSampler(**LEARNING, random_state=0).fit(X, y)
    )


@pytest.mark.slow
def test_wgan_gp_trains_with_several_critic_steps(sines):
    sampler = RCGANSampler(
        hidden_size=8, batch_size=32, loss="wgan-gp", n_epochs=3, random_state=0
    ).fit(sines[:64])
    critic = sampler.history_[:, "discriminator_loss"]
    assert len(critic) == 3 and np.all(np.isfinite(critic))
    # The Wasserstein critic loss is fake - real + penalty: it turns negative as the
    # critic learns to score real above fake.
    assert critic[-1] < critic[0]


def test_gru_cell_and_layers_change_the_networks(sines):
    sampler = RCGANSampler(hidden_size=4, num_layers=2, cell="gru", n_epochs=1, random_state=0)
    sampler.fit(sines[:32])
    rnn = sampler.engine_.module_.generator.rnn
    assert type(rnn).__name__ == "GRU" and rnn.num_layers == 2 and rnn.hidden_size == 4


def test_skorch_callbacks_are_used(sines):
    sampler = RCGANSampler(
        hidden_size=4,
        n_epochs=50,
        callbacks=[EarlyStopping(monitor="generator_loss", patience=1, threshold=10.0)],
        random_state=0,
    ).fit(sines[:32])
    assert len(sampler.history_) < 50  # stopped early
    used = dict(sampler.engine_.callbacks_)["EarlyStopping"]
    assert used.misses_ > 0
    assert sampler.callbacks[0].misses_ == 0  # fit trains a copy: the parameter is untouched


def test_verbose_shows_a_progress_bar_with_losses(sines, capsys):
    RCGANSampler(hidden_size=4, n_epochs=2, verbose=1, random_state=0).fit(sines[:32])
    err = capsys.readouterr().err
    assert "generator_loss" in err and "2/2" in err


def test_difference_moments_see_jitter_that_the_moment_loss_cannot():
    # smooth real series; fake ones with each step's values shuffled across the batch:
    # every step has the real mean and spread, but each fake series jumps about
    rng = np.random.RandomState(0)
    real = torch.as_tensor(rng.uniform(0, 1, (32, 1, 2)) + np.linspace(0, 0.2, 10)[:, None])
    fake = torch.stack([real[torch.randperm(32), t] for t in range(10)], dim=1)
    mask = torch.ones(32, 10, dtype=real.dtype)
    objective = RCGANObjective()
    assert moment_loss(real, fake, mask) < 1e-12
    assert objective._differences(real, fake, mask, None) > 0.1
    assert objective._differences(real, real + 0.3, mask, None) < 1e-12  # a shift is no jitter
    # padding: a valid step next to a padded one is no difference
    padded_mask = mask.clone()
    padded_mask[:, 6:] = 0
    padded_fake = real.clone()
    padded_fake[:, 6:] = rng.uniform(-5, 5)
    assert objective._differences(real, padded_fake, padded_mask, None) < 1e-12


def test_difference_weight_adds_the_difference_moments_to_the_generator_loss(sines):
    sampler = RCGANSampler(hidden_size=8, n_epochs=1, random_state=0).fit(sines[:32])
    assert sampler.engine_.criterion_.difference_weight == 1.0  # the default reaches it
    networks, objective = sampler.engine_.module_, sampler.engine_.criterion_
    batch = {"x": torch.as_tensor(sines[:16], dtype=torch.float32), "mask": torch.ones(16, 24)}
    fakes = []
    original = objective._differences

    def spy(real, fake, mask, classes):
        fakes.append(fake)
        return original(real, fake, mask, classes)

    objective._differences = spy

    def generator_loss(difference_weight):
        objective.difference_weight = difference_weight
        torch.manual_seed(0)
        return objective(networks, batch, "generator")

    without = generator_loss(0.0)
    assert fakes == []  # a weight of 0 does not even compute it
    with_them = generator_loss(2.0)
    differences = original(batch["x"], fakes[-1], batch["mask"], None)
    assert fakes[-1].requires_grad  # the generator learns from it
    assert with_them.item() == pytest.approx((without + 2.0 * differences).item(), rel=1e-6)
    with pytest.raises(ValueError, match="difference_weight"):
        RCGANSampler(difference_weight=-1.0).fit(sines[:32])
