"""TimeGANSampler: its three phases, its discriminator threshold, and that it learns."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sktsgan import TimeGANSampler
from sktsgan.datasets import make_sines, make_waves
from sktsgan.metrics import moment_gaps

TINY = dict(hidden_size=4, num_layers=2, batch_size=16, random_state=0)


@pytest.fixture(scope="module")
def sines():
    return make_sines(256, n_timesteps=24, n_features=2, random_state=0)


def noise_like(X, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(X.mean(axis=(0, 1)), X.std(axis=(0, 1)), size=X.shape)


def test_three_phases_run_in_order_with_their_own_epochs(sines):
    sampler = TimeGANSampler(**TINY, n_epochs=2, n_epochs_embedding=3, n_epochs_supervised=1).fit(
        sines[:32]
    )
    phases = [epoch["phase"] for epoch in sampler.history_]
    assert phases == ["embedding"] * 3 + ["supervised"] + ["joint"] * 2
    joint = sampler.history_[-1]
    for player in ("generator", "embedder", "discriminator"):
        assert np.isfinite(joint[f"{player}_loss"])
    assert "autoencoder_loss" in sampler.history_[0]
    assert "supervisor_loss" in sampler.history_[3]


def test_embedding_phase_learns_to_reconstruct(sines):
    sampler = TimeGANSampler(**TINY, lr=1e-2, n_epochs=1, n_epochs_embedding=40).fit(sines[:64])
    losses = sampler.history_[:, "autoencoder_loss"][:40]
    assert losses[-1] < 0.7 * losses[0]


class DiscriminatorSnapshot(Callback):
    """Copies the discriminator's weights at the start of every phase."""

    def initialize(self):
        self.snapshots_ = []
        return self

    def on_train_begin(self, net, **kwargs):
        state = net.module_.discriminator.state_dict()
        self.snapshots_.append({k: v.clone() for k, v in state.items()})


@pytest.mark.parametrize("threshold, moves", [(1e9, False), (0.0, True)])
def test_discriminator_updates_only_above_its_threshold(sines, threshold, moves):
    snapshot = DiscriminatorSnapshot()
    sampler = TimeGANSampler(
        **TINY, n_epochs=2, discriminator_threshold=threshold, callbacks=[snapshot]
    ).fit(sines[:32])
    before_joint = sampler.engine_.callbacks_[-1][1].snapshots_[-1]
    after = sampler.engine_.module_.discriminator.state_dict()
    changed = any(not torch.equal(after[name], before_joint[name]) for name in after)
    assert changed == moves


def test_paper_defaults():
    params = TimeGANSampler().get_params()
    assert params["hidden_size"] == 24 and params["num_layers"] == 3
    assert params["cell"] == "gru"
    assert params["gamma"] == 1.0 and params["discriminator_threshold"] == 0.15


@pytest.mark.slow
def test_learns_the_dynamics_of_sines(sines):
    sampler = TimeGANSampler(
        hidden_size=8, num_layers=1, batch_size=32, n_epochs=10, lr=5e-3, random_state=0
    ).fit(sines)
    fake = sampler.sample(256)
    gaps = moment_gaps(sines, fake)
    noise = noise_like(sines)
    assert gaps["mean_gap"] < 0.3
    assert gaps["std_gap"] < 0.15
    # noise has the right marginals but no dynamics; TimeGAN must get the smooth sines'
    # autocorrelation at lag 1 and clearly better than noise at lag 5
    assert moment_gaps(sines, noise)["autocorrelation_gap"] > 0.8
    assert gaps["autocorrelation_gap"] < 0.1
    lag5 = moment_gaps(sines, fake, lag=5)["autocorrelation_gap"]
    assert lag5 < 0.75 * moment_gaps(sines, noise, lag=5)["autocorrelation_gap"]


def test_conditional_samples_carry_their_class():
    X, y = make_waves(64, n_timesteps=12, random_state=0)
    sampler = TimeGANSampler(**TINY, n_epochs=1).fit(X, y)
    X_new, y_new = sampler.sample(6, y="sawtooth")
    assert X_new.shape == (6, 12, 1) and set(y_new) == {"sawtooth"}
    assert sampler.engine_.module_.generator.rnn.input_size == X.shape[2] + 2
