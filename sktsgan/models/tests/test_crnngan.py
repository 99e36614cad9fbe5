"""CRNNGANSampler must learn, and its generator must really feed back its own output."""

import numpy as np
import pytest
import torch
from _sines import assert_learns_sine_dynamics, assert_samples_resemble_their_own_class

from sktsgan import CRNNGANSampler
from sktsgan.datasets import make_sines, make_waves
from sktsgan.models._crnngan import CRNNGANNetworks, CRNNGANObjective
from sktsgan.nn import feature_matching_loss

# A few cheap epochs of the paper's maximum-likelihood pre-training, then adversarial
# training: the pre-trained generator gets the dynamics right sooner.
LEARNING = dict(
    hidden_size=16, num_layers=1, batch_size=16, lr=2e-3, pretrain_epochs=5, n_epochs=15
)


@pytest.fixture(scope="module")
def sines():
    return make_sines(256, n_timesteps=24, n_features=2, random_state=0)


def small_networks(n_features=2, n_classes=0, num_layers=2, cell="lstm"):
    torch.manual_seed(0)
    return CRNNGANNetworks(n_features, n_classes, 8, num_layers, 3, cell).eval()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_learns_sines_far_better_than_noise(sines, seed):
    sampler = CRNNGANSampler(**LEARNING, random_state=seed).fit(sines)
    # this short run still leaves the mean a little off (0.13-0.26 in 4 seeds)
    assert_learns_sine_dynamics(sines, sampler, max_mean_gap=0.4)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_generator_feeds_back_its_previous_output(cell):
    networks = small_networks(cell=cell)
    noise = torch.rand(5, 10, 3)
    start = torch.rand(5, 2)
    with torch.no_grad():
        out = networks.generate(5, 10, noise=noise, start=start)
        # the start value is the "previous output" of step 0 only: changing it changes
        # every later step through the feedback (and the state it leaves)
        other = networks.generate(5, 10, noise=noise, start=1.0 - start)
        assert torch.all((out - other).abs().amax(dim=2) > 1e-6)

        # unrolled by hand from the definition: step t reads [noise_t, output_{t-1}]
        generator = networks.generator
        states = [None] * len(generator.cells)
        previous = start
        for t in range(10):
            x = torch.relu(generator.input_layer(torch.cat([noise[:, t], previous], dim=1)))
            for layer, cell_module in enumerate(generator.cells):
                states[layer] = cell_module(x, states[layer])
                x = states[layer][0] if cell == "lstm" else states[layer]
            previous = generator.readout(x)
            torch.testing.assert_close(out[:, t], previous)

        # teacher forcing (pre-training) feeds the given series back instead
        forced = networks.generate(5, 10, noise=noise, start=start, previous=out)
        torch.testing.assert_close(forced, out)
        other_series = 1.0 - out
        fed = networks.generate(5, 10, noise=noise, start=start, previous=other_series)
        torch.testing.assert_close(fed[:, 0], out[:, 0])
        assert torch.all((fed[:, 1:] - out[:, 1:]).abs().amax(dim=2) > 1e-6)


def test_output_at_a_step_depends_on_the_previous_output():
    networks = small_networks(num_layers=1)
    noise = torch.rand(4, 6, 3)
    start = torch.rand(4, 2, requires_grad=True)
    out = networks.generate(4, 6, noise=noise, start=start)
    (grad,) = torch.autograd.grad(out[:, 3].sum(), start)
    assert grad.abs().sum() > 0
    # zeroing the feedback weights (the last inputs of the input layer) cuts the path
    # from the start value; only the feedback can carry it
    with torch.no_grad():
        networks.generator.input_layer.weight[:, 3:] = 0.0
    out = networks.generate(4, 6, noise=noise, start=start)
    (grad,) = torch.autograd.grad(out[:, 3].sum(), start)
    assert torch.all(grad == 0)


def test_samples_follow_the_seed():
    networks = small_networks()
    torch.manual_seed(1)
    a = networks.generate(50, 7)
    torch.manual_seed(1)
    b = networks.generate(50, 7)
    assert a.shape == (50, 7, 2) and torch.equal(a, b)


def test_feature_matching_loss():
    real = torch.tensor([[[0.0, 0.0]], [[2.0, 4.0]]])  # batch 2, time 1, units 2
    fake = torch.tensor([[[1.0, 1.0]], [[1.0, 1.0]]])
    mask = torch.ones(2, 1)
    # means (1, 2) vs (1, 1): the pairing of series does not matter, only the means
    assert feature_matching_loss(real, fake, mask).item() == pytest.approx(1.0)
    assert feature_matching_loss(real, fake.flip(0), mask).item() == pytest.approx(1.0)
    # within classes: each series is its class's mean, so gaps are per series
    condition = torch.eye(2)
    assert feature_matching_loss(real, fake, mask, condition).item() == pytest.approx(
        (2.0 + 10.0) / 2
    )
    # padded steps are left out
    real3 = torch.cat([real, torch.full((2, 1, 2), 100.0)], dim=1)
    fake3 = torch.cat([fake, torch.zeros(2, 1, 2)], dim=1)
    mask3 = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    assert feature_matching_loss(real3, fake3, mask3).item() == pytest.approx(1.0)


def test_feature_matching_is_the_generator_loss(sines):
    networks = small_networks().train()
    batch = {
        "x": torch.as_tensor((sines[:16] + 1) / 2, dtype=torch.float32),
        "mask": torch.ones(16, 24),
    }
    objective = CRNNGANObjective(feature_matching=True)
    torch.manual_seed(0)
    loss = objective(networks, batch, "generator")
    torch.manual_seed(0)
    fake = networks.generate(16, 24)
    _, real_features = networks.discriminate(batch["x"], features=True)
    _, fake_features = networks.discriminate(fake, features=True)
    assert real_features.shape == (16, 24, 16)  # both directions of the last layer
    expected = feature_matching_loss(real_features, fake_features, batch["mask"])
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert networks.generator.readout.weight.grad.abs().sum() > 0
    torch.manual_seed(0)
    bce = CRNNGANObjective()(networks, batch, "generator")
    assert not torch.isclose(bce, loss)


def test_feature_matching_trains_and_changes_the_loss(sines):
    params = dict(hidden_size=8, n_epochs=3, random_state=0)
    plain = CRNNGANSampler(**params).fit(sines[:64])
    matched = CRNNGANSampler(**params, feature_matching=True).fit(sines[:64])
    plain_loss = plain.history_[:, "generator_loss"]
    matched_loss = matched.history_[:, "generator_loss"]
    assert np.all(np.isfinite(matched_loss)) and np.all(np.asarray(matched_loss) >= 0)
    assert not np.allclose(plain_loss, matched_loss)
    assert not np.allclose(plain.sample(4, random_state=0), matched.sample(4, random_state=0))


def test_pretraining_phase_lowers_the_next_step_error(sines):
    sampler = CRNNGANSampler(
        hidden_size=8,
        n_epochs=1,
        pretrain_epochs=6,
        pretrain_length=8,
        batch_size=8,
        lr=1e-2,
        random_state=0,
    ).fit(sines[:64])
    phases = sampler.history_[:, "phase"]
    assert phases == ["pretraining"] * 6 + ["adversarial"]
    pretraining = [epoch["pretraining_loss"] for epoch in sampler.history_[:6]]
    assert pretraining[-1] < 0.5 * pretraining[0]
    assert "generator_loss" in sampler.history_[-1]


def test_pretraining_sees_only_the_first_steps():
    networks = small_networks()
    x = torch.rand(4, 10, 2)
    batch = {"x": x, "mask": torch.ones(4, 10)}
    objective = CRNNGANObjective(pretrain_length=4)
    torch.manual_seed(0)
    loss = objective(networks, batch, "pretraining")
    later = {"x": torch.cat([x[:, :4], x[:, 4:] + 5.0], dim=1), "mask": batch["mask"]}
    torch.manual_seed(0)
    torch.testing.assert_close(objective(networks, later, "pretraining"), loss)


@pytest.mark.slow
def test_class_conditional_samples_resemble_their_own_class():
    X, y = make_waves(200, n_timesteps=24, random_state=0)
    assert_samples_resemble_their_own_class(
        X, y, CRNNGANSampler(**LEARNING, random_state=0).fit(X, y)
    )


def test_variable_length_series(sines):
    rng = np.random.RandomState(0)
    ragged = [s[: rng.randint(6, 25)] for s in sines[:64]]
    sampler = CRNNGANSampler(hidden_size=8, n_epochs=2, random_state=0).fit(ragged)
    out = sampler.sample(30)
    assert isinstance(out, list) and len(out) == 30
    assert {len(s) for s in out} <= {len(s) for s in ragged}
    assert all(s.shape[1] == 2 and np.all(np.isfinite(s)) for s in out)
    assert len({len(s) for s in out}) > 1


def test_gru_cell_and_layers_change_the_networks(sines):
    sampler = CRNNGANSampler(
        hidden_size=4, num_layers=3, cell="gru", latent_dim=5, n_epochs=1, random_state=0
    ).fit(sines[:32])
    module = sampler.engine_.module_
    cells = module.generator.cells
    assert len(cells) == 3 and all(isinstance(c, torch.nn.GRUCell) for c in cells)
    assert module.generator.input_layer.in_features == 5 + 2  # noise, fed-back output
    rnn = module.discriminator.rnn
    assert type(rnn).__name__ == "GRU" and rnn.bidirectional and rnn.num_layers == 3
