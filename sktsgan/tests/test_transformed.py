"""TransformedSampler and CandlestickEncoder: relations between channels kept by encoding."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sktsgan import RCGANSampler, TransformedSampler
from sktsgan.augment import GANAugmenter, JitterSampler
from sktsgan.preprocessing import CandlestickEncoder


def bars(n=40, t=10, seed=0, volume=True):
    """Valid price bars (Open, High, Low, Close[, Volume])."""
    rng = np.random.RandomState(seed)
    close = 100 + rng.randn(n, t, 1).cumsum(axis=1)
    open_ = close + rng.randn(n, t, 1)
    high = np.maximum(open_, close) + rng.rand(n, t, 1)
    low = np.minimum(open_, close) - rng.rand(n, t, 1)
    parts = [open_, high, low, close] + ([rng.rand(n, t, 1) * 1e6] if volume else [])
    return np.concatenate(parts, axis=2)


def test_encoder_round_trip_and_valid_decoding_of_any_values():
    X = bars()
    encoder = CandlestickEncoder().fit(X)
    Z = encoder.transform(X)
    assert (Z[..., 1] >= 0).all() and (Z[..., 2] >= 0).all()
    np.testing.assert_array_equal(Z[..., [0, 3, 4]], X[..., [0, 3, 4]])  # the rest passes
    np.testing.assert_allclose(encoder.inverse_transform(Z), X, rtol=0, atol=1e-9)
    assert encoder.invalid_fraction_ == 0.0
    anything = np.random.RandomState(1).randn(30, 10, 5) * 50
    decoded = encoder.inverse_transform(anything)
    body_top = np.maximum(decoded[..., 0], decoded[..., 3])
    body_bottom = np.minimum(decoded[..., 0], decoded[..., 3])
    assert (decoded[..., 1] >= body_top).all() and (decoded[..., 2] <= body_bottom).all()


def test_encoder_positions_nan_padding_rows_and_invalid_training_bars():
    X = bars(volume=False)[..., [3, 0, 2, 1]]  # Close, Open, Low, High
    encoder = CandlestickEncoder(open=1, high=3, low=2, close=0)
    np.testing.assert_allclose(encoder.fit(X).inverse_transform(encoder.transform(X)), X)
    padded = bars()
    padded[0, 6:] = np.nan
    Z = CandlestickEncoder().fit(padded).transform(padded)
    assert np.isnan(Z[0, 6:]).all() and np.isfinite(Z[0, :6]).all()
    rows = bars()[:, 0]  # 2-D: one bar per row
    assert CandlestickEncoder().fit(rows).transform(rows).shape == rows.shape
    broken = bars()
    broken[0, 0, 1] = broken[0, 0, 2] - 1.0  # High below Low
    assert CandlestickEncoder().fit(broken).invalid_fraction_ == pytest.approx(1 / 400)


@pytest.mark.parametrize(
    "params, X, match",
    [
        ({}, np.zeros((3, 4, 3)), "need at least 4"),
        ({"high": 0}, np.zeros((3, 4, 4)), "four different positions"),
        ({}, np.zeros(5), "1 dimension"),
    ],
)
def test_encoder_errors_name_the_problem(params, X, match):
    with pytest.raises(ValueError, match=match):
        CandlestickEncoder(**params).fit(X)


def test_encoder_refuses_other_features_after_fit():
    encoder = CandlestickEncoder().fit(bars())
    with pytest.raises(ValueError, match="fitted with 5"):
        encoder.transform(bars(volume=False))


def test_transformed_sampler_keeps_bars_valid_and_follows_the_contract():
    X = bars()
    model = TransformedSampler(RCGANSampler(hidden_size=8, n_epochs=3), CandlestickEncoder())
    with pytest.raises(NotFittedError):
        model.sample(2)
    assert clone(model).get_params()["sampler__n_epochs"] == 3
    model.set_params(sampler__random_state=0).fit(X)
    fake = model.sample(200, random_state=0)
    assert fake.shape == (200, 10, 5)
    assert (fake[..., 1] >= np.maximum(fake[..., 0], fake[..., 3])).all()
    assert (fake[..., 2] <= np.minimum(fake[..., 0], fake[..., 3])).all()
    np.testing.assert_array_equal(fake, model.sample(200, random_state=0))
    loaded = pickle.loads(pickle.dumps(model))
    again = loaded.sample(5, random_state=1)
    np.testing.assert_array_equal(again, model.sample(5, random_state=1))
    # without the encoding the same GAN breaks the relation
    plain = RCGANSampler(hidden_size=8, n_epochs=3, random_state=0).fit(X).sample(200)
    assert (plain[..., 1] < np.maximum(plain[..., 0], plain[..., 3])).any()


def test_transformed_sampler_with_labels_and_inside_an_augmenter():
    X, y = bars(), np.repeat(["up", "down"], 20)
    model = TransformedSampler(JitterSampler(random_state=0), CandlestickEncoder()).fit(X, y)
    assert list(model.classes_) == ["down", "up"]
    fake, labels = model.sample(6, y="up")
    assert fake.shape == (6, 10, 5) and set(labels) == {"up"}
    X_res, y_res = GANAugmenter(model, synthetic_ratio=1.0, random_state=0).fit_resample(X, y)
    assert X_res.shape == (80, 10, 5) and len(y_res) == 80
    assert (X_res[..., 1] >= np.maximum(X_res[..., 0], X_res[..., 3]) - 1e-9).all()


def test_transformed_sampler_validates_its_parameters():
    with pytest.raises(ValueError, match="sampler"):
        TransformedSampler(CandlestickEncoder(), CandlestickEncoder()).fit(bars())
