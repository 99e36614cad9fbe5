import math

import numpy as np
import pytest
import torch

from sktsgan.nn import (
    RecurrentNetwork,
    bce_discriminator_loss,
    bce_generator_loss,
    correlation_loss,
    draw_blocks,
    gradient_penalty,
    masked_mean,
    moment_loss,
    softmax_blocks,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from sktsgan.nn._engine import TensorBatches
from sktsgan.utils._torch import resolve_device, seeded_torch


def test_masked_losses_ignore_padding():
    logits = torch.tensor([[0.0, 0.0, 50.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    assert bce_generator_loss(logits, mask).item() == pytest.approx(math.log(2))
    assert bce_discriminator_loss(logits, logits, mask).item() == pytest.approx(2 * math.log(2))
    assert masked_mean(torch.tensor([[2.0, 4.0, 1e9]]), mask).item() == 3.0


def test_wasserstein_losses():
    mask = torch.ones(2, 3)
    real, fake = torch.full((2, 3), 2.0), torch.full((2, 3), -1.0)
    assert wasserstein_critic_loss(real, fake, mask).item() == -3.0
    assert wasserstein_generator_loss(fake, mask).item() == 1.0


def test_gradient_penalty_is_zero_for_a_unit_gradient_critic():
    # critic score per step = sum of features / sqrt(T * d) * T: the mean over T steps
    # has gradient 1 / sqrt(T * d) per entry, norm 1 over the T * d entries.
    t, d = 4, 3
    critic = lambda x: x.sum(dim=2) * math.sqrt(t * d) / (t * d) * t  # noqa: E731
    real, fake = torch.randn(5, t, d), torch.randn(5, t, d)
    assert gradient_penalty(critic, real, fake, torch.ones(5, t)).item() == pytest.approx(
        0, abs=1e-10
    )
    steep = lambda x: 3 * critic(x)  # noqa: E731
    assert gradient_penalty(steep, real, fake, torch.ones(5, t)).item() == pytest.approx(4.0)


def test_moment_loss_within_classes():
    real = torch.tensor([[[0.0]], [[2.0]], [[10.0]], [[20.0]]])
    condition = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    mask = torch.ones(4, 1)
    assert moment_loss(real, real, mask, condition).item() == pytest.approx(0.0, abs=1e-6)
    # Swapping the classes keeps the pooled moments but not the per-class ones.
    swapped = real[[2, 3, 0, 1]]
    assert moment_loss(real, swapped, mask).item() == pytest.approx(0.0, abs=1e-6)
    assert moment_loss(real, swapped, mask, condition).item() > 5


def _correlation_gap_by_hand(real, fake, spread_floor=0.5, scale_floor=1e-3):
    """The loss written out with NumPy, one step at a time (one class, no padding)."""
    real, fake = real.numpy().astype(np.float64), fake.numpy().astype(np.float64)
    n_features = real.shape[2]
    off = ~np.eye(n_features, dtype=bool)
    gaps = []
    for t in range(real.shape[1]):
        c_real = np.cov(real[:, t].T, bias=True)
        c_fake = np.cov(fake[:, t].T, bias=True)
        s_real = np.maximum(np.sqrt(np.diag(c_real)), scale_floor)
        s_fake = np.maximum(np.sqrt(np.diag(c_fake)), spread_floor * s_real)
        r_real = c_real / np.outer(s_real, s_real)
        r_fake = c_fake / np.outer(s_fake, s_fake)
        gaps.append(np.abs(r_real - r_fake)[off].mean())
    return float(np.mean(gaps))


def test_correlation_loss_matches_its_definition():
    generator = torch.Generator().manual_seed(0)
    real = torch.randn(64, 5, 3, generator=generator)
    real[..., 1] += 0.8 * real[..., 0]  # correlated features in the data
    # independent features; the first below the spread floor, the others above it
    fake = torch.randn(64, 5, 3, generator=generator) * torch.tensor([0.2, 0.8, 1.5])
    expected = _correlation_gap_by_hand(real, fake)
    mask = torch.ones(64, 5)
    assert correlation_loss(real, fake, mask).item() == pytest.approx(expected, rel=1e-5)
    assert correlation_loss(real, fake, mask, spread_floor=0.1).item() == pytest.approx(
        _correlation_gap_by_hand(real, fake, spread_floor=0.1), rel=1e-5
    )
    assert correlation_loss(real, real, mask).item() == pytest.approx(0.0, abs=1e-6)
    # a shift of every feature changes no covariance
    assert correlation_loss(real, fake + 3.0, mask).item() == pytest.approx(expected, rel=1e-4)
    assert correlation_loss(real[..., :1], fake[..., :1], mask).item() == 0.0


def test_correlation_loss_cannot_be_lowered_by_shrinking_a_feature():
    # Above the spread floor the generated side is a correlation: narrowing a feature
    # that is tied to another the wrong way changes nothing, untying it does.
    generator = torch.Generator().manual_seed(3)
    real = torch.randn(256, 2, 2, generator=generator)  # independent features
    tied = real[..., [0, 0]].clone()  # the second feature a copy of the first
    mask = torch.ones(256, 2)
    wrong = correlation_loss(real, tied, mask).item()
    assert wrong > 0.9
    narrower = tied * torch.tensor([1.0, 0.6])
    assert correlation_loss(real, narrower, mask).item() == pytest.approx(wrong, rel=1e-5)
    assert correlation_loss(real, real * 0.6, mask).item() < 1e-5
    # below the floor the divisor stops at the floor: the gap shrinks with the feature
    # (the copy's correlation with the original, 1, counts as 0.25 / 0.5)
    much_narrower = tied * torch.tensor([1.0, 0.25])
    gap = correlation_loss(real, much_narrower, mask).item()
    assert gap == pytest.approx(_correlation_gap_by_hand(real, much_narrower), rel=1e-5)
    assert gap == pytest.approx(wrong / 2, abs=0.05)


def test_correlation_loss_ignores_padding_and_looks_within_classes():
    generator = torch.Generator().manual_seed(1)
    real = torch.randn(40, 4, 2, generator=generator)
    fake = torch.randn(40, 4, 2, generator=generator)
    mask = torch.ones(40, 4)
    mask[:, 3] = 0.0
    padded = fake.clone()
    padded[:, 3] = 1e6
    assert correlation_loss(real, padded, mask).item() == pytest.approx(
        correlation_loss(real, fake, mask).item()
    )
    # Two classes whose features move together in opposite directions: pooled, the
    # features look unrelated, so a fake with the classes' links swapped matches the
    # pooled covariance but not the per-class ones.
    base = torch.randn(20, 1, 1, generator=generator).repeat(2, 1, 1)  # the same in both
    sign = torch.where(torch.arange(40) < 20, 1.0, -1.0).view(40, 1, 1)
    real = torch.cat([base, sign * base], dim=2)
    condition = torch.nn.functional.one_hot((torch.arange(40) >= 20).long()).float()
    swapped = torch.cat([base, -sign * base], dim=2)
    ones = torch.ones(40, 1)
    assert correlation_loss(real, swapped, ones).item() == pytest.approx(0.0, abs=1e-5)
    assert correlation_loss(real, swapped, ones, condition).item() == pytest.approx(2.0, rel=1e-4)


def test_correlation_loss_gradient_stays_finite_for_a_collapsed_generator():
    # a generator whose output does not vary: the fakes' own spreads are zero, and a
    # correlation of the fakes would divide by them
    real = torch.randn(32, 3, 4, generator=torch.Generator().manual_seed(2))
    fake = torch.zeros(32, 3, 4, requires_grad=True)
    loss = correlation_loss(real, fake + 0.0 * fake.sum(), torch.ones(32, 3))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(fake.grad).all()


def test_recurrent_network_shapes_and_activation():
    net = RecurrentNetwork(3, 5, 2, num_layers=2, bidirectional=True, output_activation="sigmoid")
    out = net(torch.randn(4, 7, 3) * 100)
    assert out.shape == (4, 7, 2) and out.min() >= 0 and out.max() <= 1


def test_tensor_batches_cover_every_item_once():
    data = {"x": torch.arange(10), "y": torch.arange(10) * 2}
    batches = list(TensorBatches(data, batch_size=4))
    assert [len(b["x"]) for b in batches] == [4, 4, 2] and len(TensorBatches(data, 4)) == 3
    seen = torch.cat([b["x"] for b in batches])
    assert sorted(seen.tolist()) == list(range(10))
    assert all(torch.equal(b["y"], b["x"] * 2) for b in batches)
    ordered = torch.cat([b["x"] for b in TensorBatches(data, 4, shuffle=False)])
    assert ordered.tolist() == list(range(10))


def test_seeded_torch_restores_the_callers_state():
    torch.manual_seed(3)
    before = torch.get_rng_state().clone()
    with seeded_torch(0, "cpu"):
        torch.rand(5)
    assert torch.equal(torch.get_rng_state(), before)


def test_resolve_device():
    assert resolve_device("auto") in ("cpu", "cuda")
    with pytest.raises(ValueError, match="not a torch device"):
        resolve_device("gpu-please")
    with pytest.raises(TypeError, match="must be a string"):
        resolve_device(0)


class OnePlayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(1))

    def player_parameters(self):
        return {"only": list(self.named_parameters())}


class LossThatBlowsUp(torch.nn.Module):
    """Finite in the first epoch, NaN once the weight has moved."""

    def forward(self, module, batch, player):
        w = module.weight.sum()
        if w.item() < 1:
            return w * float("nan")
        return w * batch["x"].mean()


def engine(**kwargs):
    from sktsgan.nn import AdversarialNet

    net = AdversarialNet(OnePlayer, LossThatBlowsUp, lr=0.1, batch_size=8, **kwargs)
    return net.initialize()


def test_engine_records_each_players_mean_loss_per_epoch():
    from sktsgan.nn import TrainingPhase

    net = engine()
    net.run_phase({"x": torch.ones(8, 1)}, TrainingPhase("warm-up", (("only", 1),), 1))
    assert net.history[-1, "only_loss"] == pytest.approx(1.0)
    assert net.history[-1, "phase"] == "warm-up" and net.history[-1, "train_batch_count"] == 1


def test_engine_stops_on_a_non_finite_loss():
    from sktsgan.nn import TrainingPhase

    net = engine()
    with pytest.raises(FloatingPointError, match=r"epoch 2: only_loss became nan.*Lower the"):
        net.run_phase({"x": torch.ones(8, 1)}, TrainingPhase("p", (("only", 1),), 3))


def test_draw_blocks_draws_levels_by_their_probabilities_with_their_gradient():
    blocks = (("numeric", 1), ("softmax", 3), ("softmax", 2))
    logits = torch.tensor([[0.3, 2.0, 0.0, -1.0, 0.5, 0.5]]).repeat(20000, 1)
    logits.requires_grad_(True)
    probabilities = softmax_blocks(logits, blocks)
    uniform = torch.rand(20000, 5, generator=torch.Generator().manual_seed(0))
    drawn = draw_blocks(probabilities, blocks, uniform)
    # the numeric block passes through; each softmax block is one-hot
    assert torch.equal(drawn[:, 0], probabilities[:, 0])
    assert torch.equal(drawn[:, 1:4].sum(dim=1), torch.ones(20000))
    assert set(drawn[:, 1:].detach().unique().tolist()) == {0.0, 1.0}
    # levels are drawn in proportion to their probabilities
    frequencies = drawn[:, 1:].detach().mean(dim=0)
    torch.testing.assert_close(frequencies, probabilities[0, 1:].detach(), atol=0.015, rtol=0)
    # straight through: the gradient is the probabilities' own
    weights = torch.randn(6)
    expected = torch.autograd.grad((probabilities * weights).sum(), logits, retain_graph=True)
    (drawn * weights).sum().backward()
    torch.testing.assert_close(logits.grad, expected[0])
