"""The discriminator's augmentation: transformations and ADA's adaptive probability."""

import pytest
import torch

from sktsgan.nn._augmentation import (
    ADJUST_EVERY,
    ADJUST_UPDATES,
    DiscriminatorAugmentation,
    augment_for_discriminator,
    observe_real_scores,
)

STEP = ADJUST_EVERY / ADJUST_UPDATES


@pytest.fixture
def batch():
    """Twelve two-feature series of 16 steps; series 6-11 only 10 steps long, their
    padding set far outside the values so that a leak would show."""
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(12, 16, 2, generator=generator)
    mask = torch.ones(12, 16)
    mask[6:, 10:] = 0.0
    x[6:, 10:] = 1e6
    return x, mask


def test_probability_zero_and_evaluation_mode_leave_series_unchanged(batch):
    x, mask = batch
    torch.manual_seed(0)
    assert torch.equal(DiscriminatorAugmentation(0.0)(x, mask), x)
    assert torch.equal(DiscriminatorAugmentation(1.0).eval()(x, mask), x)


def test_probability_one_transforms_every_series_within_its_valid_steps(batch):
    x, mask = batch
    torch.manual_seed(0)
    out = DiscriminatorAugmentation(1.0)(x, mask)
    valid = mask.bool()
    assert not torch.isclose(out, x).all(dim=(1, 2)).any()  # every series changed
    assert torch.equal(out[~valid], x[~valid])  # padding as it was
    # shifts and cutouts read only valid steps: no padding value leaks in
    assert out[valid].abs().max() < 10
    # cutout zeroes a window of a quarter of the length in every series
    zero_runs = (out[:6] == 0).all(dim=2).sum(dim=1)
    assert (zero_runs >= 16 // 4).all()


def test_the_generator_gradient_flows_through_the_transformations(batch):
    x, mask = batch
    x = x.clone().requires_grad_(True)
    torch.manual_seed(0)
    DiscriminatorAugmentation(1.0)(x, mask)[mask.bool()].sum().backward()
    assert x.grad[mask.bool()].abs().sum() > 0
    assert torch.equal(x.grad[~mask.bool()], torch.zeros_like(x.grad[~mask.bool()]))


def test_the_random_stream_does_not_depend_on_the_probability(batch):
    x, mask = batch
    after = []
    for p in (0.0, 0.3, 1.0):
        torch.manual_seed(0)
        DiscriminatorAugmentation(p)(x, mask)
        after.append(torch.rand(()))
    assert after[0] == after[1] == after[2]


def test_adaptive_probability_follows_the_sign_of_the_real_scores():
    augment = DiscriminatorAugmentation("adaptive")
    mask = torch.ones(4, 3)
    assert float(augment.probability) == 0.0
    for _ in range(2 * ADJUST_EVERY):  # real series scored confidently: over-fitting
        augment.observe(torch.full((4, 3), 5.0), mask)
    assert float(augment.probability) == pytest.approx(2 * STEP)
    for _ in range(ADJUST_EVERY - 1):  # no change until the next adjustment is due
        augment.observe(torch.full((4, 3), -1.0), mask)
    assert float(augment.probability) == pytest.approx(2 * STEP)
    augment.observe(torch.full((4, 3), -1.0), mask)
    assert float(augment.probability) == pytest.approx(STEP)
    for _ in range(10 * ADJUST_EVERY):  # never below 0
        augment.observe(torch.full((4, 3), -1.0), mask)
    assert float(augment.probability) == 0.0
    # a critic's scores are read against the centre given (the fakes' mean score)
    for _ in range(ADJUST_EVERY):
        augment.observe(torch.full((4, 3), -1.0), mask, centre=-3.0)
    assert float(augment.probability) == pytest.approx(STEP)


def test_sign_below_the_target_lowers_the_probability_and_fixed_ones_never_move():
    augment = DiscriminatorAugmentation("adaptive")
    augment.probability.fill_(0.5)
    scores = torch.tensor([[1.0, 1.0, 1.0, -1.0]])  # mean sign 0.5 < 0.6
    for _ in range(ADJUST_EVERY):
        augment.observe(scores, torch.ones(1, 4))
    assert float(augment.probability) == pytest.approx(0.5 - STEP)
    fixed = DiscriminatorAugmentation(0.25)
    for _ in range(ADJUST_EVERY):
        fixed.observe(torch.full((1, 4), 5.0), torch.ones(1, 4))
    assert float(fixed.probability) == 0.25
    augment.eval()  # evaluation does not adapt
    for _ in range(ADJUST_EVERY):
        augment.observe(torch.full((1, 4), 5.0), torch.ones(1, 4))
    assert float(augment.probability) == pytest.approx(0.5 - STEP)


def test_helpers_use_the_networks_augmentation_only_when_they_have_one(batch):
    x, mask = batch
    networks = torch.nn.Module()
    assert augment_for_discriminator(networks, x, mask) is x
    observe_real_scores(networks, torch.ones(12, 16), mask)  # nothing to report to
    networks.discriminator_augmentation = DiscriminatorAugmentation("adaptive")
    networks.discriminator_augmentation.probability.fill_(1.0)
    assert not torch.equal(augment_for_discriminator(networks, x, mask), x)
    for _ in range(ADJUST_EVERY):
        observe_real_scores(networks, torch.full((12, 16), -1.0), mask)
    assert float(networks.discriminator_augmentation.probability) == pytest.approx(1 - STEP)
    # a critic's real scores are read against the mean of its fake scores
    for _ in range(ADJUST_EVERY):
        observe_real_scores(
            networks, torch.full((12, 16), -1.0), mask, fake_scores=torch.full((12, 16), -3.0)
        )
    assert float(networks.discriminator_augmentation.probability) == pytest.approx(1.0)
