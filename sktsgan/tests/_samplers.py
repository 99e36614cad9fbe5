"""What the sampler tests share: the fast constructor arguments of every sampler, in
one table; the sines they fit; the contract checks that both the neural samplers
(``test_common.py``) and the baselines (``augment/tests/test_baselines.py``) pass.

Tests check contracts, not the quality of the samples: tiny networks and one epoch.
Seeded results and the golden samples (``test_golden_samples.py``) depend on these
values: changing one means recording the golden samples again.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone

from sktsgan import (
    CRNNGANSampler,
    DenseGANSampler,
    DiffusionSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
    VAESampler,
)
from sktsgan.augment import (
    ClassWiseSampler,
    JitterSampler,
    RandomSeriesSampler,
    ScalingSampler,
    SMOTESampler,
    TimeWarpSampler,
    VariationSampler,
)

FAST_PARAMS = {
    RCGANSampler: {"hidden_size": 4, "latent_dim": 2, "n_epochs": 1},
    TimeGANSampler: {"hidden_size": 4, "num_layers": 2, "n_epochs": 1},
    CRNNGANSampler: {"hidden_size": 4, "n_epochs": 1, "pretrain_epochs": 1},
    LSTMForecastGAN: {
        "window": 3,
        "horizon": 2,
        "hidden_size": 4,
        "latent_dim": 2,
        "n_epochs": 1,
        "n_draws": 5,
    },
    DenseGANSampler: {"hidden_size": 4, "latent_dim": 2, "n_epochs": 1},
    VAESampler: {"hidden_size": 4, "latent_dim": 2, "n_epochs": 1},
    DiffusionSampler: {"hidden_size": 4, "n_heads": 2, "n_epochs": 1, "n_diffusion_steps": 20},
    RandomSeriesSampler: {},
    JitterSampler: {},
    ScalingSampler: {},
    TimeWarpSampler: {},
    SMOTESampler: {"k_neighbors": 3},
}


def fast(cls, **overrides):
    """A fast ``cls``, seeded with ``random_state=0`` unless ``overrides`` say otherwise."""
    # a wrapped estimator is cloned: no two configurations share one
    params = {
        key: clone(value) if isinstance(value, BaseEstimator) else value
        for key, value in FAST_PARAMS[cls].items()
    }
    return cls(**{**params, "random_state": 0, **overrides})


# The wrapper seeds the sampler it wraps, so the inner one is built unseeded.
FAST_PARAMS[ClassWiseSampler] = {"sampler": fast(RCGANSampler, random_state=None)}
FAST_PARAMS[VariationSampler] = {"sampler": fast(DiffusionSampler, random_state=None)}


def sine_series():
    """30 two-feature sines of 12 steps, with random frequencies and phases."""
    rng = np.random.RandomState(0)
    t = np.arange(12)
    freq = rng.uniform(0.1, 0.5, size=(30, 1, 2))
    return np.sin(freq * t[:, None] + rng.uniform(0, 3, size=(30, 1, 2)))


def labelled_sines(shift):
    """``(X, y)``: ``sine_series()`` labelled "up" (shifted up by ``shift``) or "down"."""
    y = np.array(["up", "down"] * 15)
    return sine_series() + np.where(y == "up", shift, -shift)[:, None, None], y


def _comparable(params):
    """``params`` with each nested estimator as its class and (deep) parameters."""
    return {
        key: (type(value), value.get_params()) if isinstance(value, BaseEstimator) else value
        for key, value in params.items()
    }


def assert_params_round_trip(sampler):
    """``get_params`` survives ``clone`` and the constructor; ``set_params`` sets."""
    params = sampler.get_params(deep=False)
    assert _comparable(clone(sampler).get_params(deep=False)) == _comparable(params)
    assert _comparable(type(sampler)(**params).get_params(deep=False)) == _comparable(params)
    assert clone(sampler).set_params(random_state=5).get_params()["random_state"] == 5


def check_conditional_contract(fitted, unconditional):
    """``fitted`` on ``labelled_sines`` with its labels draws the classes asked for and
    refuses labels it does not know; ``unconditional``, fitted without the labels,
    refuses any. Returns the draws of "up" and of a list of labels, for checks of values.
    """
    assert fitted.classes_.tolist() == ["down", "up"]
    X_up, y_up = fitted.sample(10, y="up")
    assert X_up.shape == (10, 12, 2) and set(y_up) == {"up"}
    asked = ["up", "down", "up", "down", "up", "up"]
    X_mixed, y_mixed = fitted.sample(6, y=asked)
    assert y_mixed.tolist() == asked
    _, y_new = fitted.sample(400)
    assert 150 < (y_new == "up").sum() < 250  # drawn from the balanced training classes
    with pytest.raises(ValueError, match=r"knows \['down', 'up'\]"):
        fitted.sample(2, y="sideways")
    with pytest.raises(ValueError, match="one label or 3 labels"):
        fitted.sample(3, y=["up", "down"])
    with pytest.raises(ValueError, match="fitted without class labels"):
        unconditional.sample(2, y="up")
    return X_up, (X_mixed, y_mixed)


def assert_long_frames_round_trip(model, sines):
    """``model``, fitted on ``sines`` as a long frame (a row a step), draws long frames.

    Sets ``id_column`` and ``time_column`` on ``model``.
    """
    long = pd.DataFrame(
        {
            "id": np.repeat(np.arange(30), 12),
            "t": np.tile(np.arange(12), 30),
            "x": sines[:, :, 0].ravel(),
        }
    )
    out = model.set_params(id_column="id", time_column="t").fit(long).sample(2)
    assert list(out.columns) == ["id", "t", "x"] and len(out) == 24
    assert out["t"].tolist() == list(range(12)) * 2
