"""TimeGANSampler: its phases, its discriminator threshold, learning, latent features."""

import copy

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
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


@pytest.mark.parametrize("weight", [0.0, 40.0])
def test_correlation_loss_enters_the_generators_loss_with_its_weight(sines, weight, monkeypatch):
    from sktsgan.models import _timegan

    calls = []

    def spy(real, fake, mask, condition=None):
        calls.append((real, fake))
        return fake.new_tensor(0.5)

    monkeypatch.setattr(_timegan, "correlation_loss", spy)
    sampler = TimeGANSampler(**TINY, n_epochs=1, correlation_weight=weight).fit(sines[:32])
    networks, objective = sampler.engine_.module_, sampler.engine_.criterion_
    batch = {"x": torch.as_tensor(sines[:16], dtype=torch.float32), "mask": torch.ones(16, 24)}

    def generator_loss(correlation_weight):
        objective.correlation_weight = correlation_weight
        torch.manual_seed(0)
        return objective(networks, batch, "generator").item()

    calls.clear()
    without = generator_loss(0.0)
    assert calls == []  # a weight of 0 does not even compute it
    assert generator_loss(weight) == pytest.approx(without + 0.5 * weight, rel=1e-6)
    if weight:
        real, fake = calls[-1]
        assert torch.equal(real, batch["x"]) and fake.shape == real.shape
        assert fake.requires_grad  # the generator learns from it


def test_correlation_weight_default_and_validation(sines):
    assert TimeGANSampler().correlation_weight == 100.0
    with pytest.raises(ValueError, match="correlation_weight"):
        TimeGANSampler(**TINY, n_epochs=1, correlation_weight=-1.0).fit(sines[:32])


@pytest.mark.slow
def test_learns_the_dynamics_of_sines(sines):
    # The paper's losses: in 80 joint updates a one-layer generator of 8 units does not
    # grow its spreads past the correlation loss's floor, where that loss pulls them
    # down (std gap 0.31-0.35 with it on seeds 0-2, 0.03-0.11 without); its effect on
    # full fits is measured in docs/benchmarks.md.
    sampler = TimeGANSampler(
        hidden_size=8,
        num_layers=1,
        batch_size=32,
        n_epochs=10,
        lr=5e-3,
        correlation_weight=0.0,
        random_state=0,
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


# -- latent features: transform and embed ------------------------------------------------


@pytest.fixture(scope="module")
def embedded(sines):
    """A tiny sampler fitted on 3-D series, and those series."""
    X = sines[:32, :12]
    return TimeGANSampler(**TINY, n_epochs=1).fit(X), X


def manual_features(sampler, series):
    """Mean and last latent step of one series, by hand: scale, embedder, pool."""
    scaled = sampler.scaler_.transform(series)
    with torch.no_grad():
        latent = sampler.engine_.module_.embedder(torch.as_tensor(scaled[None]).float())[0]
    return np.concatenate([latent.mean(dim=0).numpy(), latent[-1].numpy()])


def test_transform_is_the_pooled_embedder_output(embedded):
    sampler, X = embedded
    Z = sampler.transform(X)
    assert Z.shape == (32, 8) and Z.dtype == np.float64
    for i in (0, 5):
        np.testing.assert_allclose(Z[i], manual_features(sampler, X[i]), rtol=1e-5, atol=1e-6)
    H = sampler.embed(X)
    assert H.shape == (32, 12, 4)
    np.testing.assert_allclose(Z, np.concatenate([H.mean(axis=1), H[:, -1]], axis=1))
    assert not np.allclose(Z[0], Z[1])  # each series has its own features
    names = sampler.get_feature_names_out()
    assert names.tolist()[:2] == ["timegansampler_mean0", "timegansampler_mean1"]
    assert names[4] == "timegansampler_last0" and len(names) == 8


def test_transform_reads_every_input_format_and_pools_only_valid_steps(embedded):
    sampler, X = embedded
    ragged = [X[0, :5], X[1], X[2, :9]]
    Z = sampler.transform(ragged)
    assert Z.shape == (3, 8)
    np.testing.assert_allclose(Z[0], manual_features(sampler, X[0, :5]), rtol=1e-5, atol=1e-6)
    # the same series alone, or NaN-padded beside others, give the same features
    np.testing.assert_allclose(sampler.transform(ragged[:1])[0], Z[0], rtol=1e-12)
    padded = X[:3].copy()
    padded[0, 5:], padded[2, 9:] = np.nan, np.nan
    np.testing.assert_allclose(sampler.transform(padded), Z, rtol=1e-12)
    H = sampler.embed(padded)
    assert np.isnan(H[0, 5:]).all() and not np.isnan(H[0, :5]).any()
    assert not np.isnan(H[1]).any()

    long = pd.DataFrame(
        {
            "id": np.repeat(["b", "a"], [5, 12]),  # ids in order of first appearance
            "t": np.r_[np.arange(5), np.arange(12)],
            "x0": np.r_[X[0, :5, 0], X[1, :, 0]],
            "x1": np.r_[X[0, :5, 1], X[1, :, 1]],
        }
    )
    by_ids = copy.deepcopy(sampler).set_params(id_column="id", time_column="t")
    with pytest.warns(UserWarning, match="fitted without feature names"):  # sklearn's rule
        by_id = by_ids.transform(long)
    np.testing.assert_allclose(by_id, Z[:2], rtol=1e-12)

    rows = sampler.transform(X[:4, 0])  # 2-D: tabular rows, series of one step
    assert rows.shape == (4, 8)
    np.testing.assert_array_equal(rows[:, :4], rows[:, 4:])  # one step: mean is last
    longer = sampler.transform(np.concatenate([X[:2], X[:2]], axis=1))  # 24 > 12 steps
    assert longer.shape == (2, 8) and np.isfinite(longer).all()


def test_transform_refuses_what_fit_would_not_have_read(embedded):
    sampler, X = embedded
    with pytest.raises(ValueError, match="X has 3 features, but TimeGANSampler is expecting 2"):
        sampler.transform(np.zeros((4, 12, 3)))
    with pytest.raises(ValueError, match="X has 1 features, but TimeGANSampler is expecting 2"):
        sampler.embed([np.zeros(5)])
    with pytest.raises(ValueError, match="NaN"):
        sampler.transform(np.full((2, 12, 2), np.nan))
    unfitted = TimeGANSampler(**TINY)
    for method in (unfitted.transform, unfitted.embed):
        with pytest.raises(NotFittedError):
            method(X)
    with pytest.raises(NotFittedError):
        unfitted.get_feature_names_out()

    frame = pd.DataFrame(X[:, 0], columns=["price", "volume"])
    named = TimeGANSampler(**TINY, n_epochs=1).fit(frame)
    assert named.transform(frame).shape == (32, 8)
    with pytest.raises(ValueError, match="feature names should match"):
        named.transform(frame.rename(columns={"volume": "size"}))


def test_pipeline_and_grid_search_over_a_timegan_parameter():
    X, y = make_waves(48, n_timesteps=12, random_state=0)
    pipe = make_pipeline(
        TimeGANSampler(**TINY, n_epochs=1), StandardScaler(), LogisticRegression()
    )
    search = GridSearchCV(pipe, {"timegansampler__hidden_size": [2, 4]}, cv=2).fit(X, y)
    assert sorted(search.cv_results_["param_timegansampler__hidden_size"]) == [2, 4]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X[:3]).shape == (3,)
    best = search.best_estimator_[0]
    assert best.transform(X).shape == (48, 2 * best.hidden_size)
    assert best.fit_transform(X, y).shape == (48, 2 * best.hidden_size)


def test_latent_features_carry_the_class():
    # sines against sawtooths; chance is 0.5 and 3 epochs give 1.0 on this split (seeds
    # 0-3). This checks that the features carry each series' information, not that
    # training adds any: random recurrent features separate these classes too (see
    # benchmarks/latent_features.py)
    X, y = make_waves(160, n_timesteps=16, random_state=0)
    timegan = TimeGANSampler(
        hidden_size=8, num_layers=1, n_epochs=3, batch_size=32, random_state=0
    )
    # the latent values sit in a narrow band of [0, 1]: standardise them for the classifier
    model = make_pipeline(timegan, StandardScaler(), LogisticRegression())
    assert model.fit(X[:80], y[:80]).score(X[80:], y[80:]) > 0.85
