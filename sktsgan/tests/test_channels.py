"""Categorical channels: an on/off state or a gear per step, generated as a level."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.preprocessing import MinMaxScaler

import sktsgan
from sktsgan import (
    CRNNGANSampler,
    DiffusionSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
)
from sktsgan.augment import JitterSampler
from sktsgan.metrics import categorical_channel_fidelity
from sktsgan.tests._samplers import fast
from sktsgan.utils._channels import channel_blocks, decode_channels, encode_channels

FAST = [
    fast(RCGANSampler),
    fast(TimeGANSampler, num_layers=1),
    fast(DiffusionSampler, hidden_size=8, num_layers=1, n_heads=4, n_diffusion_steps=200),
]
LONG = {"id_column": "id", "time_column": "t"}


def machine_states(n=60, n_timesteps=10, stay=0.8, random_state=0):
    """A long frame: a Markov on/off state, a power that follows it, a weekday."""
    rng = np.random.RandomState(random_state)
    rows = []
    for series in range(n):
        state = rng.choice(["off", "on"])
        day = rng.choice(["mon", "sat", "sun"])
        for step in range(n_timesteps):
            if rng.rand() > stay:
                state = "on" if state == "off" else "off"
            power = (2.0 if state == "on" else 0.0) + 0.1 * rng.normal()
            rows.append((series, step, power, state, day))
    frame = pd.DataFrame(rows, columns=["id", "t", "power", "state", "day"])
    frame["state"] = frame["state"].astype(object)
    frame["day"] = pd.Categorical(frame["day"], categories=["mon", "tue", "sat", "sun"])
    return frame


# -- the encoding ----------------------------------------------------------------------


def test_encoding_round_trips_levels_and_scales_numbers():
    rng = np.random.RandomState(0)
    values = np.stack([rng.uniform(5, 9, (4, 6)), rng.randint(0, 3, (4, 6))], axis=2)
    lengths = np.array([6, 3, 6, 1])
    values[1, 3:] = np.nan
    values[3, 1:] = np.nan
    categories = {1: np.array(["x", "y", "z"], dtype=object)}
    assert channel_blocks(2, categories) == (("numeric", 1), ("softmax", 3))
    scaler = MinMaxScaler().fit(values[:, :, :1][~np.isnan(values[:, :, :1])].reshape(-1, 1))
    encoded = encode_channels(scaler, values, lengths, categories, dtype=np.float64)
    assert encoded.shape == (4, 6, 4)
    assert (encoded[1, 3:] == 0).all()  # padding is zero
    assert (encoded[0, :, 1:].sum(axis=1) == 1).all()  # one-hot
    decoded = decode_channels(scaler, encoded, categories, 2)
    valid = ~np.isnan(values[:, :, 0])
    np.testing.assert_allclose(decoded[valid], values[valid])


# -- fitting and sampling ---------------------------------------------------------------


@pytest.mark.parametrize("sampler", FAST, ids=[type(s).__name__ for s in FAST])
def test_categorical_channels_come_back_as_training_levels_in_their_dtypes(sampler):
    frame = machine_states()
    model = clone(sampler).set_params(**LONG).fit(frame)
    out = model.sample(8, random_state=0)
    assert list(out.columns) == list(frame.columns)
    assert out.dtypes.tolist() == frame.dtypes.tolist()
    assert set(out["state"]) <= {"off", "on"}
    # a level the category declares but no training step takes never comes out
    assert set(out["day"]) <= {"mon", "sat", "sun"}
    assert out["power"].between(frame["power"].min(), frame["power"].max()).all()
    assert model.n_features_in_ == 3


def test_a_series_of_categorical_channels_only():
    frame = machine_states()[["id", "t", "state"]]
    out = clone(FAST[0]).set_params(**LONG).fit(frame).sample(3, random_state=0)
    assert set(out["state"]) <= {"off", "on"} and len(out) == 30


@pytest.mark.parametrize(
    "sampler, budget",
    [
        (RCGANSampler(hidden_size=32, random_state=0), {"n_epochs": 100}),
        (DiffusionSampler(random_state=0), {"n_epochs": 40}),
    ],
    ids=["RCGANSampler", "DiffusionSampler"],
)
def test_level_frequencies_and_transitions_are_learned(sampler, budget):
    # a sticky state (stays 9 steps in 10) that a per-step coin would not reproduce
    frame = machine_states(n=200, n_timesteps=12, stay=0.9)
    # two fits: one fit's frequency gap moves between seeds by more than the margin
    # (RCGAN: 0.007 to 0.107 over seeds 0-2), the mean of two much less
    frequency_gaps, transition_gaps = [], []
    for seed in (0, 1):
        model = clone(sampler).set_params(**LONG, **budget, random_state=seed).fit(frame)
        fidelity = categorical_channel_fidelity(
            frame, model.sample(200, random_state=0), "state", **LONG
        )
        assert fidelity["unseen_levels"] == []
        frequency_gaps.append(fidelity["frequency_tv"])
        transition_gaps.append(fidelity["transition_tv"])
        # the numeric channel follows the state: 2 when on, 0 when off
        out = model.sample(100, random_state=1)
        on = out["state"] == "on"
        assert out.loc[on, "power"].mean() - out.loc[~on, "power"].mean() > 1.0
    assert np.mean(frequency_gaps) < 0.1
    assert np.mean(transition_gaps) < 0.15


def test_rcgan_discriminator_sees_drawn_levels_like_the_real_one_hot_ones():
    # soft level probabilities would tell generated series apart from real ones
    model = clone(FAST[0]).set_params(**LONG).fit(machine_states())
    module = model.engine_.module_
    fake = module.generate(50, 10)
    numeric = [i for i, (kind, _) in enumerate(module.blocks) if kind == "numeric"]
    levels = np.delete(fake.detach().numpy(), numeric, axis=2)
    np.testing.assert_allclose(levels, levels.round(), atol=1e-6)
    # one level per categorical channel (state and day) at every step
    np.testing.assert_allclose(levels.sum(axis=2), 2.0, atol=1e-6)


def test_categorical_channels_with_labels_static_attributes_and_saving(tmp_path):
    frame = machine_states()
    first = frame.groupby("id", sort=False).first()
    y = np.where(first["state"] == "on", "starts_on", "starts_off")
    model = clone(FAST[0]).set_params(**LONG, static_columns=["day"]).fit(frame, y)
    out, labels = model.sample(4, random_state=0)
    assert list(out.columns) == list(frame.columns) and len(labels) == 4
    model.save(tmp_path / "model.sktsgan")
    loaded = sktsgan.load(tmp_path / "model.sktsgan")
    for a, b in zip(model.sample(5, random_state=2), loaded.sample(5, random_state=2)):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            np.testing.assert_array_equal(a, b)
    again = pickle.loads(pickle.dumps(model)).sample(5, random_state=2)
    pd.testing.assert_frame_equal(again[0], model.sample(5, random_state=2)[0])


# -- what is refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator",
    [
        CRNNGANSampler(n_epochs=1),
        LSTMForecastGAN(n_epochs=1, window=3, horizon=1),
        JitterSampler(),
    ],
    ids=["CRNNGANSampler", "LSTMForecastGAN", "JitterSampler"],
)
def test_estimators_without_categorical_channels_name_the_ones_with(estimator):
    with pytest.raises(TypeError, match="learn the category, object and string columns"):
        clone(estimator).set_params(**LONG).fit(machine_states())


def test_missing_levels_are_refused_with_the_fix():
    frame = machine_states()
    frame.loc[5, "state"] = None
    with pytest.raises(ValueError, match="'state' has missing values"):
        clone(FAST[0]).set_params(**LONG).fit(frame)


def test_categorical_channel_fidelity_sees_shuffled_time_order():
    frame = machine_states(n=100, stay=0.95)
    shuffled = frame.copy()
    rng = np.random.RandomState(0)
    shuffled["state"] = rng.permutation(shuffled["state"].to_numpy())
    same = categorical_channel_fidelity(frame, frame, "state", **LONG)
    moved = categorical_channel_fidelity(frame, shuffled, "state", **LONG)
    assert same["frequency_tv"] == 0 and same["transition_tv"] == 0
    assert moved["frequency_tv"] == 0 and moved["transition_tv"] > 0.3
    odd = frame.assign(state=frame["state"].replace("on", "broken"))
    assert categorical_channel_fidelity(frame, odd, "state", **LONG)["unseen_levels"] == ["broken"]


def test_latent_features_read_new_frames_by_the_levels_of_fit():
    frame = machine_states()
    model = clone(FAST[1]).set_params(**LONG).fit(frame)
    Z = model.transform(frame)
    assert Z.shape == (60, 8)
    # the same series, with a level the category declares but no step takes dropped and
    # the rows of the first series only: the reader numbers levels anew, transform not
    first = frame[frame["id"] == 0].copy()
    first["day"] = first["day"].astype(str).astype("category")
    np.testing.assert_allclose(model.transform(first), Z[:1])
    odd = frame.copy()
    odd["state"] = odd["state"].replace("on", "broken")
    with pytest.raises(ValueError, match=r"holds levels \['broken'\] that TimeGANSampler"):
        model.transform(odd)
    numeric = frame.assign(state=(frame["state"] == "on").astype(float))
    with pytest.raises(ValueError, match=r"Channels \['state'\] are categorical"):
        model.transform(numeric)
