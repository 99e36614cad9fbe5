"""The weights a GAN samples with: moving average, fidelity check, best copy, time budget."""

import time

import numpy as np
import pytest
import torch

from sktsgan import CRNNGANSampler, RCGANSampler, TimeGANSampler
from sktsgan.base import _neural
from sktsgan.datasets import make_sines, make_waves
from sktsgan.nn._selection import (
    SamplingWeights,
    fidelity_gap,
    nearest_neighbour_accuracy,
    neighbour_features,
)

FAST = {"hidden_size": 8, "random_state": 0}
# fits of a few epochs are meant to be untrained


@pytest.fixture(scope="module")
def X():
    return make_sines(48, n_timesteps=10, n_features=2, random_state=0)


def _gaussians(n, shift=0.0, seed=0):
    return torch.randn(n, 6, generator=torch.Generator().manual_seed(seed)) + shift


def test_nearest_neighbour_accuracy_tells_same_far_and_copied_sets():
    real = _gaussians(400)
    assert abs(float(nearest_neighbour_accuracy(real, _gaussians(400, seed=1))) - 0.5) < 0.06
    assert float(nearest_neighbour_accuracy(real, _gaussians(400, shift=50.0))) == 1.0
    # a copy of every real point is every real point's nearest neighbour, and back
    assert float(nearest_neighbour_accuracy(real, real.clone())) == 0.0


def test_neighbour_features_mask_padding_and_keep_classes_apart():
    x = torch.arange(12.0).reshape(2, 3, 2)
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    features = neighbour_features(x, mask)
    assert features.shape == (2, 3 * 2 + 2 * 2)
    assert features[0, 4:6].eq(0).all() and features[0, 8:].eq(0).all()  # padding and its step
    condition = torch.eye(2)
    far = neighbour_features(x, mask, condition)
    assert (far[:, -2:].sum(dim=1) >= 1e3).all()


class _Oracle(torch.nn.Module):
    """A "generator" that draws from the data's own distribution, or a constant."""

    def __init__(self, constant):
        super().__init__()
        self.constant = constant

    def generate(self, n, n_timesteps, condition=None):
        if self.constant:
            return torch.full((n, n_timesteps, 2), 0.5)
        phase = torch.rand(n, 1, 2) * 6.28
        t = torch.arange(n_timesteps).reshape(1, -1, 1) * 0.4
        return 0.5 + 0.5 * torch.sin(t + phase)


def test_fidelity_gap_is_low_for_the_data_distribution_and_high_for_a_constant():
    torch.manual_seed(0)
    phase = torch.rand(300, 1, 2) * 6.28
    x = 0.5 + 0.5 * torch.sin(torch.arange(10).reshape(1, -1, 1) * 0.4 + phase)
    tensors = {"x": x, "mask": torch.ones(300, 10)}
    index = torch.arange(300)
    good, noise = fidelity_gap(_Oracle(constant=False), tensors, index)
    assert good < 0.1 and noise == pytest.approx(0.5 / np.sqrt(600))
    assert fidelity_gap(_Oracle(constant=True), tensors, index)[0] > 0.4


def test_sampling_weights_average_warm_up_and_keep_the_best():
    net = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(net.weight)
    copies = SamplingWeights(net, decay=0.9)
    assert not any(p.requires_grad for p in copies.parameters())
    with torch.no_grad():
        net.weight.fill_(1.0)
    copies.update(list(net.parameters()), [])  # decay min(0.9, 1/10): 0.9 of the way
    assert float(copies.average.weight) == pytest.approx(0.9)
    for _ in range(200):  # late updates use the full decay
        copies.update(list(net.parameters()), [])
    assert float(copies.average.weight) == pytest.approx(1.0, abs=1e-6)
    assert int(copies.best_epoch) == -1
    assert copies.consider(0.3, epoch=4) and int(copies.best_epoch) == 4
    assert not copies.consider(0.31, epoch=5)
    assert copies.consider(0.3, epoch=6)  # a tie goes to the later epoch
    assert int(copies.best_epoch) == 6 and float(copies.best.weight) == pytest.approx(1.0)
    # within the noise of the lowest score, the later copy is kept; beyond it, not
    assert copies.consider(0.32, epoch=7, tolerance=0.03) and int(copies.best_epoch) == 7
    assert not copies.consider(0.34, epoch=8, tolerance=0.03)
    assert float(copies.lowest_score) == pytest.approx(0.3)
    copies.reset(list(net.parameters()), [])
    assert int(copies.n_averaged) == 0


def test_decays_differ_only_after_the_warm_up():
    # the warm-up decay (1 + t) / (10 + t) stays below 0.999 for 8 990 updates: until
    # then 0.999 and 0.9999 keep the same average (so small data sets see no difference)
    net = torch.nn.Linear(1, 1, bias=False)
    short, long = SamplingWeights(net, decay=0.999), SamplingWeights(net, decay=0.9999)
    weights = torch.linspace(0.0, 1.0, 30_000)
    for t, w in enumerate(weights):
        with torch.no_grad():
            net.weight.fill_(float(w))
        short.update(list(net.parameters()), [])
        long.update(list(net.parameters()), [])
        if t == 8_000:
            assert torch.equal(short.average.weight, long.average.weight)
    # after 30 000 updates of weights moving at a steady pace, 0.999 lags about 1 000
    # updates behind them and 0.9999 (still warming up) a tenth of the run: 3 000
    lag = [(1.0 - float(c.average.weight)) * 30_000 for c in (short, long)]
    assert lag[0] == pytest.approx(1_000, rel=0.05)
    assert lag[1] == pytest.approx(3_000, rel=0.1)


@pytest.mark.parametrize("Sampler", [RCGANSampler, TimeGANSampler, CRNNGANSampler])
def test_fit_scores_the_last_phase_and_samples_with_the_best_copy(Sampler, X):
    sampler = Sampler(n_epochs=10, **FAST).fit(X)
    engine = sampler.engine_
    last_phase = sampler.history_[-1]["phase"] if "phase" in sampler.history_[-1] else None
    scored = [
        (i + 1, row["fidelity_gap"])
        for i, row in enumerate(sampler.history_)
        if "fidelity_gap" in row
    ]
    # every epoch of a 10-epoch last phase (at most 20 checks), nothing before it
    assert len(scored) == 10
    if last_phase is not None:
        assert all(sampler.history_[i - 1]["phase"] == last_phase for i, _ in scored)
    # the latest check within the noise of the lowest so far (48 series, 6 rounds)
    noise, lowest, best = 0.5 / np.sqrt(2 * 48 * 6), np.inf, None
    for epoch, gap in scored:
        lowest = min(lowest, gap)
        best = epoch if gap <= lowest + noise else best
    assert sampler.best_epoch_ == best
    copies = engine._copies()
    assert not any(p.requires_grad for p in copies.parameters())
    trained = {
        id(p)
        for name in engine.players_
        for group in getattr(engine, f"optimizer_{name}_").param_groups
        for p in group["params"]
    }
    assert not trained & {id(p) for p in copies.parameters()}
    # sample() draws from the moving average by default, from the best copy on request
    assert sampler._sampling_networks() is copies.average
    assert sampler.set_params(restore_best=True)._sampling_networks() is copies.best
    assert not torch.equal(
        copies.average.state_dict()[next(iter(copies.average.state_dict()))],
        engine.module_.state_dict()[next(iter(copies.average.state_dict()))],
    )


def test_without_a_moving_average_the_last_weights_sample(X):
    sampler = RCGANSampler(n_epochs=4, ema_decay=None, restore_best=False, **FAST).fit(X)
    assert sampler._sampling_networks() is sampler.engine_.module_
    assert sampler.best_epoch_ is not None  # still scored, and the best copy kept
    best = RCGANSampler(n_epochs=4, ema_decay=None, restore_best=True, **FAST).fit(X)
    assert best._sampling_networks() is best.engine_._copies().best


def test_the_moving_average_changes_samples_not_training(X):
    plain = RCGANSampler(n_epochs=3, ema_decay=None, restore_best=False, **FAST).fit(X)
    averaged = RCGANSampler(n_epochs=3, ema_decay=0.9, restore_best=False, **FAST).fit(X)
    trained = zip(plain.engine_._network_tensors()[0], averaged.engine_._network_tensors()[0])
    assert all(torch.equal(a, b) for a, b in trained)
    assert not np.array_equal(plain.sample(4, random_state=0), averaged.sample(4, random_state=0))


def test_the_checks_leave_training_unchanged(X, monkeypatch):
    from sktsgan.nn import _engine

    checked = RCGANSampler(n_epochs=3, **FAST).fit(X)
    monkeypatch.setattr(_engine.AdversarialNet, "_evaluate", lambda self, tensors: None)
    unchecked = RCGANSampler(n_epochs=3, **FAST).fit(X)
    trained = zip(checked.engine_._network_tensors()[0], unchecked.engine_._network_tensors()[0])
    assert all(torch.equal(a, b) for a, b in trained)


def test_conditional_fit_is_scored_within_classes():
    X, y = make_waves(30, n_timesteps=12, random_state=0)
    sampler = RCGANSampler(n_epochs=2, **FAST).fit(X, y)
    assert 0 <= sampler.history_[-1]["fidelity_gap"] <= 0.5
    X_new, y_new = sampler.sample(6, y="sine")
    assert X_new.shape == (6, 12, 1) and set(y_new) == {"sine"}


@pytest.mark.parametrize("Sampler", [RCGANSampler, TimeGANSampler])
def test_max_time_stops_every_phase_in_its_share(Sampler, X):
    start = time.perf_counter()
    sampler = Sampler(n_epochs=10**6, max_time=2.0, **FAST).fit(X)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0 + 3.0  # the epoch that crosses the line, and the set-up
    phases = [row.get("phase") for row in sampler.history_]
    for name in dict.fromkeys(phases):  # every phase ran, none to its million epochs
        assert 1 <= phases.count(name) < 10**6
    assert sampler.best_epoch_ is not None
    assert sum("fidelity_gap" in row for row in sampler.history_) >= 2


def _last_gap(sampler):
    return [row["fidelity_gap"] for row in sampler.history_ if "fidelity_gap" in row][-1]


def test_n_init_keeps_the_run_with_the_lowest_last_check(X, monkeypatch):
    single = RCGANSampler(n_epochs=2, **FAST).fit(X)
    assert single.init_fidelity_gaps_ == [_last_gap(single)]
    draws = single.sample(5, random_state=0)

    def fit_scored(scores, n_init):
        scripted = iter(scores)  # checks of standard error 0.01
        monkeypatch.setattr(_neural, "_last_fidelity_gap", lambda engine: (next(scripted), 0.01))
        return RCGANSampler(n_epochs=2, n_init=n_init, **FAST).fit(X)

    # the first run is the one-run fit, to the bit
    first_kept = fit_scored([0.1, 0.3], n_init=2)
    assert first_kept.init_fidelity_gaps_ == [0.1, 0.3]
    np.testing.assert_array_equal(first_kept.sample(5, random_state=0), draws)
    # the second run (the same seed with n_init=2 and 3) is kept when it scores lowest
    second_of_two = fit_scored([0.3, 0.1], n_init=2).sample(5, random_state=0)
    second_of_three = fit_scored([0.3, 0.1, 0.2], n_init=3).sample(5, random_state=0)
    np.testing.assert_array_equal(second_of_two, second_of_three)
    assert not np.array_equal(second_of_two, draws)
    # within the checks' noise of the lowest, the first run stays
    np.testing.assert_array_equal(
        fit_scored([0.305, 0.3], n_init=2).sample(5, random_state=0), draws
    )


def test_n_init_passes_over_a_run_that_diverged(X, monkeypatch):
    from sktsgan.nn import AdversarialNet

    train, calls = AdversarialNet.train, []

    def first_run_diverges(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise FloatingPointError("diverged")
        return train(self, *args, **kwargs)

    monkeypatch.setattr(AdversarialNet, "train", first_run_diverges)
    sampler = RCGANSampler(n_epochs=2, n_init=2, **FAST).fit(X)
    assert np.isnan(sampler.init_fidelity_gaps_[0])
    assert sampler.init_fidelity_gaps_[1] == _last_gap(sampler)
    assert np.isfinite(sampler.sample(3)).all()


def test_n_init_shares_max_time_and_refuses_single_run_options(X, tmp_path):
    sampler = TimeGANSampler(n_epochs=10**6, max_time=4.0, n_init=2, **FAST).fit(X)
    assert sampler.engine_.max_time == 2.0
    assert len(sampler.init_fidelity_gaps_) == 2
    fitted = RCGANSampler(n_epochs=1, **FAST).fit(X)
    before = dict(vars(fitted))
    for options in ({"warm_start": True}, {"checkpoint_dir": tmp_path}):
        with pytest.raises(ValueError, match="n_init=2 trains several models"):
            fitted.set_params(n_init=2, **options).fit(X[:20])
        fitted.set_params(n_init=1, warm_start=False, checkpoint_dir=None)
    # refused before anything changed: the sampler is the one fitted before
    assert vars(fitted).keys() == before.keys()
    assert all(vars(fitted)[key] is value for key, value in before.items())


def test_n_init_stopped_in_a_later_run_keeps_a_complete_one(X, monkeypatch):
    from sktsgan.nn import AdversarialNet

    draws = RCGANSampler(n_epochs=2, **FAST).fit(X).sample(5, random_state=0)
    train, calls = AdversarialNet.train, []

    def second_run_interrupted(self, *args, **kwargs):
        calls.append(1)
        result = train(self, *args, **kwargs)
        if len(calls) == 2:
            self.interrupted_ = "phase 'adversarial', epoch 1 of 2"
        return result

    monkeypatch.setattr(AdversarialNet, "train", second_run_interrupted)
    with pytest.warns(UserWarning, match="interrupted in training run 2 of 3; .* best of the 1"):
        sampler = RCGANSampler(n_epochs=2, n_init=3, **FAST).fit(X)
    assert len(calls) == 2 and len(sampler.init_fidelity_gaps_) == 2
    np.testing.assert_array_equal(sampler.sample(5, random_state=0), draws)
