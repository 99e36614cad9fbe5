"""Interruption, checkpoints and resume, divergence and mode collapse (issue 7).

Every sampler goes through the same engine; the contract for all of them is checked in
``test_common.py``, the exact-resume guarantee for single- and multi-phase training here.
"""

import json
import os
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from skorch.callbacks import Callback

from sktsgan import CRNNGANSampler, RCGANSampler, TimeGANSampler, _persistence
from sktsgan.datasets import make_sines
from sktsgan.models._rcgan import RCGANNetworks
from sktsgan.nn import AdversarialNet, diversity_ratio

CHECKPOINT = "sktsgan-checkpoint.pt"


def read_checkpoint(path):
    """What a checkpoint holds (it is an archive of the model files' format)."""
    return _persistence.read_archive(path, "sktsgan-checkpoint")[1]


def poison(net):
    """Put a NaN in a generator weight."""
    with torch.no_grad():
        net.module_.generator.readout.weight[0, 0] = float("nan")


class StopAtEpochEnd(Callback):
    """Ask to stop at the end of epoch ``epoch``, the way skorch's EarlyStopping does."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


@pytest.fixture(scope="module")
def X():
    return make_sines(40, n_timesteps=8, n_features=2, random_state=0)


def rcgan(**params):
    return RCGANSampler(hidden_size=4, latent_dim=2, batch_size=8, random_state=0, **params)


def timegan(**params):
    return TimeGANSampler(hidden_size=4, num_layers=2, batch_size=8, random_state=0, **params)


def rcgan_adaptive(**params):
    return rcgan(discriminator_augmentation="adaptive", **params)


def weights(sampler):
    return sampler.engine_.module_.state_dict()


def assert_same_training(a, b):
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key
    for row_a, row_b in zip(a.history_, b.history_, strict=True):
        for key in row_a.keys() | row_b.keys():
            if key in ("dur", "batches"):
                continue
            if key == "diversity" and not (key in row_a and key in row_b):
                continue  # checked at the end of every fit: a fit made longer has one more
            assert row_a[key] == row_b[key], key
    np.testing.assert_array_equal(a.sample(6), b.sample(6))


@pytest.fixture
def fit_interrupted(interrupt_at):
    def fit(sampler, X, epoch):
        sampler.set_params(callbacks=[interrupt_at(epoch)])
        with pytest.warns(UserWarning, match=rf"interrupted in epoch {epoch} .*warm_start=True"):
            sampler.fit(X)
        return sampler.set_params(callbacks=None)

    return fit


def test_ctrl_c_keeps_the_last_completed_epoch(X, fit_interrupted):
    interrupted = fit_interrupted(rcgan(n_epochs=4), X, epoch=3)
    assert len(interrupted.history_) == 2
    assert_same_training(interrupted, rcgan(n_epochs=2).fit(X))


def test_a_stop_at_epoch_end_keeps_the_epoch_and_ends_the_phase_only(X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no interruption warning: the stop is clean
        warnings.filterwarnings("ignore", "TimeGANSampler has trained too little")
        stopped = rcgan(n_epochs=4, callbacks=[StopAtEpochEnd(2)]).fit(X)
        assert_same_training(stopped, rcgan(n_epochs=2).fit(X))
        phases = timegan(n_epochs=2, callbacks=[StopAtEpochEnd(1)]).fit(X).history_[:, "phase"]
    assert phases == ["embedding", "supervised", "supervised", "joint", "joint"]


@pytest.mark.parametrize(
    "make, epoch",
    # TimeGAN runs 4 embedding, 4 supervised and 4 joint epochs: stop in the supervised
    # the adaptive augmentation's probability and counters must come back too
    [(rcgan, 3), (timegan, 6), (rcgan_adaptive, 3)],
    ids=["RCGANSampler", "TimeGANSampler", "RCGANSampler-adaptive-augmentation"],
)
def test_resume_from_a_checkpoint_equals_an_uninterrupted_fit(
    make, epoch, X, tmp_path, fit_interrupted
):
    fit_interrupted(make(n_epochs=4, checkpoint_dir=tmp_path), X, epoch)
    saved = read_checkpoint(tmp_path / CHECKPOINT)
    assert len(saved["engine"]["history"]) == epoch - 1
    # a new process: nothing in memory, the checkpoint on disk
    resumed = make(n_epochs=4, checkpoint_dir=tmp_path, warm_start=True).fit(X)
    assert len(resumed.history_) == len(make(n_epochs=4).fit(X).history_)
    assert_same_training(resumed, make(n_epochs=4).fit(X))
    assert sorted(os.listdir(tmp_path)) == [CHECKPOINT]


def test_warm_start_continues_in_memory_and_adds_epochs(X, fit_interrupted):
    sampler = fit_interrupted(rcgan(n_epochs=4), X, epoch=3)
    sampler.sample(3)  # draws from the sampling stream; the resumed fit starts it again
    sampler.set_params(warm_start=True).fit(X)
    assert_same_training(sampler, rcgan(n_epochs=4).fit(X))
    more = rcgan(n_epochs=2).fit(X).set_params(n_epochs=4, warm_start=True).fit(X)
    assert_same_training(more, rcgan(n_epochs=4).fit(X))
    # nothing left to do: the fitted state stays
    before = {key: value.clone() for key, value in weights(more).items()}
    more.fit(X)
    assert all(torch.equal(before[key], value) for key, value in weights(more).items())
    assert len(more.history_) == 4


def test_warm_start_from_an_empty_directory_starts_afresh(X, tmp_path):
    fresh = rcgan(n_epochs=2, checkpoint_dir=tmp_path, warm_start=True).fit(X)
    assert_same_training(fresh, rcgan(n_epochs=2).fit(X))
    assert (tmp_path / CHECKPOINT).exists()


def test_resume_refuses_other_parameters_data_or_files(X, tmp_path):
    rcgan(n_epochs=1, checkpoint_dir=tmp_path).fit(X)
    with pytest.raises(ValueError, match=r"hidden_size=4 there, hidden_size=5 here.*afresh"):
        rcgan(n_epochs=2, checkpoint_dir=tmp_path, warm_start=True).set_params(hidden_size=5).fit(
            X
        )
    with pytest.raises(ValueError, match=r"its data had shape \[40, 8, 2\].*shape \[40, 8, 2\]"):
        rcgan(n_epochs=2, checkpoint_dir=tmp_path, warm_start=True).fit(X + 1.0)
    with pytest.raises(ValueError, match="it is a RCGANSampler, not a TimeGANSampler"):
        timegan(n_epochs=2, checkpoint_dir=tmp_path, warm_start=True).fit(X)
    crnngan = CRNNGANSampler(hidden_size=4, n_epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"phases=\['adversarial'\] there.*'pretraining'"):
        crnngan.set_params(warm_start=True, pretrain_epochs=1).fit(X)
    in_memory = rcgan(n_epochs=1).fit(X).set_params(warm_start=True, lr=0.01)
    with pytest.raises(ValueError, match=r"continue the previous fit: lr=0.001 there, lr=0.01"):
        in_memory.fit(X)
    torch.save({"something": "else"}, tmp_path / CHECKPOINT)  # checkpoints of sktsgan <= 0.1
    with pytest.raises(ValueError, match="not a checkpoint that this version of sktsgan can"):
        rcgan(n_epochs=2, checkpoint_dir=tmp_path, warm_start=True).fit(X)


def test_checkpoint_every_and_a_failed_write_keeps_the_previous_file(X, tmp_path, monkeypatch):
    written = []
    real_write = _persistence._write_entry

    def write_entry(archive, entry, data):
        if entry == "metadata.json":
            written.append(len(json.loads(data)["engine"]["value"]["history"]))
        if written[-1] == 4:  # the write after epoch 4 dies half way, and its retry
            real_write(archive, entry, b"half a checkpoint")
            raise OSError("disk full")
        real_write(archive, entry, data)

    monkeypatch.setattr(_persistence, "_write_entry", write_entry)
    with pytest.raises(OSError, match="disk full"):
        rcgan(n_epochs=5, checkpoint_dir=tmp_path, checkpoint_every=2).fit(X)
    assert written == [2, 4, 4]
    assert sorted(os.listdir(tmp_path)) == [CHECKPOINT]  # no temporary file left
    assert len(read_checkpoint(tmp_path / CHECKPOINT)["engine"]["history"]) == 2
    monkeypatch.setattr(_persistence, "_write_entry", real_write)
    # a completed fit writes its last epoch even off the schedule
    rcgan(n_epochs=3, checkpoint_dir=tmp_path, checkpoint_every=2).fit(X)
    assert len(read_checkpoint(tmp_path / CHECKPOINT)["engine"]["history"]) == 3


@pytest.mark.parametrize("after", [2, 5], ids=["mid-epoch", "last-update"])
def test_divergence_raises_and_keeps_the_last_finite_weights(after, X, at_batch):
    sampler = rcgan(n_epochs=4, callbacks=[at_batch(2, after, poison)])
    # a NaN mid-epoch shows in the epoch's losses; one in its last update, in the weights
    with pytest.raises(FloatingPointError, match=r"diverged in epoch 2.*Lower the learning"):
        sampler.fit(X)
    assert len(sampler.history_) == 1
    assert_same_training(sampler, rcgan(n_epochs=1).fit(X))
    assert np.isfinite(sampler.sample(5)).all()


def poison_every_weight(net):
    with torch.no_grad():
        for parameter in net.module_.parameters():
            parameter.fill_(float("nan"))


@pytest.mark.parametrize(
    "make, advice",
    [(rcgan, "or use loss='wgan-gp'"), (timegan, "Lower the learning rate.$")],
    ids=["RCGANSampler", "TimeGANSampler"],
)
def test_divergence_advice_names_only_what_the_sampler_has(make, advice, X, at_batch):
    sampler = make(n_epochs=2, callbacks=[at_batch(1, 1, poison_every_weight)])
    with pytest.raises(FloatingPointError, match=advice):
        sampler.fit(X)


def test_a_diverged_vae_samples_from_the_posterior_of_its_last_finite_weights(X, at_batch):
    from sktsgan import VAESampler

    rows = X[:, 0]
    vae = VAESampler(hidden_size=4, latent_dim=2, batch_size=8, random_state=0)
    diverged = clone(vae).set_params(n_epochs=3, callbacks=[at_batch(2, 1, poison_every_weight)])
    with pytest.raises(FloatingPointError, match="diverged in epoch 2"):
        diverged.fit(rows)
    one_epoch = clone(vae).set_params(n_epochs=1).fit(rows)
    for name in ("latent_mean", "latent_std"):
        expected = getattr(one_epoch.engine_.module_, name)
        assert torch.equal(getattr(diverged.engine_.module_, name), expected), name
    np.testing.assert_array_equal(
        diverged.sample(5, random_state=0), one_epoch.sample(5, random_state=0)
    )


class ConstantNetworks(RCGANNetworks):
    """RCGAN whose generator ignores its noise: every series is the same."""

    def generate(self, n, n_timesteps, condition=None):
        return super().generate(n, n_timesteps, condition) * 0.0 + 0.5


class CollapsingRCGAN(RCGANSampler):
    def _engine_params(self, n_features, n_classes):
        return {**super()._engine_params(n_features, n_classes), "module": ConstantNetworks}


def test_mode_collapse_is_recorded_and_warned(X):
    with pytest.warns(UserWarning, match=r"may have collapsed.*0\.000 of the real.*Train"):
        collapsed = CollapsingRCGAN(hidden_size=4, latent_dim=2, n_epochs=10, random_state=0)
        collapsed.fit(X)
    # 2 batches an epoch: one check in 13 epochs, and one at the end
    assert collapsed.history_[:, "diversity"] == pytest.approx([0.0], abs=1e-6)

    healthy = RCGANSampler(hidden_size=8, lr=5e-3, n_epochs=40, batch_size=8, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        healthy.fit(X)
    assert healthy.history_[-1, "diversity"] > 0.5


def test_a_short_fit_that_draws_constant_series_is_warned_about(X):
    # TimeGAN after a few epochs draws one series (diversity 0.000), whatever its seed
    with pytest.warns(UserWarning, match=r"has trained too little \(5 epochs\): .* 0\.0"):
        TimeGANSampler(hidden_size=4, n_epochs=5, random_state=0).fit(X)


@pytest.mark.parametrize(
    ("batch_size", "checked_epochs"),
    [(8, [5, 10, 12]), (1, list(range(1, 13)))],  # 5 batches an epoch; 40 batches
)
def test_diversity_is_checked_every_25_updates_and_at_the_end(X, batch_size, checked_epochs):
    sampler = rcgan(n_epochs=12).set_params(batch_size=batch_size).fit(X)
    epochs = [epoch["epoch"] for epoch in sampler.history_ if "diversity" in epoch]
    assert epochs == checked_epochs


def test_the_diversity_check_leaves_training_unchanged(X, monkeypatch):
    checked = rcgan(n_epochs=2).fit(X)
    monkeypatch.setattr(AdversarialNet, "_diversity", lambda self, tensors: None)
    unchecked = rcgan(n_epochs=2).fit(X)
    assert "diversity" not in unchecked.history_[-1]
    for key, value in weights(checked).items():
        assert torch.equal(value, weights(unchecked)[key])


def test_diversity_ratio_within_classes():
    rng = torch.Generator().manual_seed(0)
    real = torch.randn(40, 6, 2, generator=rng)
    condition = torch.nn.functional.one_hot(torch.arange(40) % 2).float()
    # one series per class: diverse across classes, collapsed within each
    fake = torch.where(condition[:, :1, None].bool(), real[:1], real[1:2]).expand(-1, 6, 2)
    assert float(diversity_ratio(real, fake)) > 0.3
    assert float(diversity_ratio(real, fake, condition=condition)) == pytest.approx(0, abs=1e-6)
    # padded steps do not count
    mask = torch.ones(40, 6)
    mask[:, 3:] = 0
    noisy = real.clone()
    noisy[:, 3:] = 100 * torch.randn(40, 3, 2, generator=rng)
    assert float(diversity_ratio(real, noisy, mask)) == pytest.approx(1.0)
    assert np.isnan(float(diversity_ratio(torch.zeros(4, 3, 1), real[:4, :3, :1])))


def test_no_collapse_warning_when_the_real_data_does_not_vary():
    # the diversity ratio is NaN for constant real values: nothing can fall short of it
    import pandas as pd

    from sktsgan import VAESampler

    table = pd.DataFrame({"hour": [17] * 30, "day": ["Mon", "Tue", "Wed"] * 10})
    model = VAESampler(hidden_size=4, n_epochs=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(table)
    assert np.isnan(model.history_[-1, "diversity"])
