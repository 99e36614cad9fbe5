"""Golden samples: refactoring must not change what a seeded sampler draws.

Every sampler (and a few settings that take other code paths: Wasserstein losses, the
moment loss, categorical tables, forecasts) is fitted with a fixed seed on fixed data,
and its first draws are compared with the ones recorded in ``golden_samples.json``.
A change that alters them changes what users get from their seeds: if that is meant
(a new default, a fixed bug), record the new values with::

    SKTSGAN_RECORD_GOLDEN=1 python -m pytest sktsgan/tests/test_golden_samples.py

and say why in the commit. Floating-point results depend on the torch build and the
processor, so the values are compared where they were recorded (the torch version in
the file); elsewhere the test is skipped with that reason.
"""

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

from sktsgan import LSTMForecastGAN
from sktsgan.tests.test_persistence import (
    IDS,
    N_NEURAL,
    SAMPLERS,
    fit_labelled,
    labelled_series,
)

GOLDEN = Path(__file__).with_name("golden_samples.json")
RECORD = os.environ.get("SKTSGAN_RECORD_GOLDEN") == "1"

FAST = dict(zip(IDS, SAMPLERS))


def variant(name, **params):
    """The fast configuration of ``name`` with ``params`` changed."""
    return clone(FAST[name]).set_params(**params)


# name -> (sampler, whether it is fitted with the class labels)
CASES = {
    **{f"{name}, labelled": (sampler, True) for name, sampler in FAST.items()},
    **{f"{name}, unlabelled": (sampler, False) for name, sampler in zip(IDS[:N_NEURAL], SAMPLERS)},
    "RCGANSampler, wgan-gp": (variant("RCGANSampler", loss="wgan-gp"), True),
    "RCGANSampler, moments off, no moving average": (
        variant("RCGANSampler", moment_weight=0.0, difference_weight=0.0, ema_decay=None),
        False,
    ),
    "TimeGANSampler, lstm": (variant("TimeGANSampler", cell="lstm"), False),
    "DenseGANSampler, wgan-gp": (variant("DenseGANSampler", n_epochs=2, loss="wgan-gp"), True),
    "LSTMForecastGAN, wgan-gp": (variant("LSTMForecastGAN", loss="wgan-gp"), False),
}
TABLE_CASES = {
    "DenseGANSampler, categorical table": variant("DenseGANSampler", n_epochs=2),
    "VAESampler, categorical table": variant("VAESampler", n_epochs=2),
}


def table():
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {
            "size": rng.normal(10, 2, 40),
            "colour": rng.choice(["red", "green", "blue"], 40),
            "count": rng.poisson(3, 40),
        }
    )


def draws(sampler, labelled):
    """The first draws of ``sampler`` fitted on the fixed data, as nested lists."""
    X, y = labelled_series()
    model = fit_labelled(clone(sampler), X, y) if labelled else clone(sampler).fit(X)
    out = {}
    if labelled:
        X_new, y_new = model.sample(4, random_state=1)
        out["X"], out["y"] = np.asarray(X_new, dtype=float).tolist(), list(map(str, y_new))
        out["X up"] = np.asarray(model.sample(3, y="up", random_state=2)[0], float).tolist()
    else:
        out["X"] = np.asarray(model.sample(4, random_state=1), dtype=float).tolist()
    out["X next"] = np.asarray(
        model.sample(2)[0] if labelled else model.sample(2), dtype=float
    ).tolist()
    if isinstance(model, LSTMForecastGAN):
        history = X[:1, :3]
        future = model.predict(history, labels="up" if labelled else None)[0]
        out["forecast"] = np.asarray(future, dtype=float).tolist()
    return out


def table_draws(sampler):
    frame = clone(sampler).fit(table()).sample(5, random_state=1)
    return {"X": frame.astype({"colour": str}).to_dict(orient="list")}


def _rounded(value):
    """``value`` with every float cut to 8 significant digits (the file stays small)."""
    if isinstance(value, float):
        return float(f"{value:.8g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def all_draws():
    found = {name: draws(sampler, labelled) for name, (sampler, labelled) in CASES.items()}
    found.update({name: table_draws(sampler) for name, sampler in TABLE_CASES.items()})
    return found


@pytest.fixture(scope="module")
def golden():
    if RECORD:
        recorded = {"torch": torch.__version__, "draws": _rounded(all_draws())}
        GOLDEN.write_text(json.dumps(recorded, separators=(",", ":")) + "\n")
    recorded = json.loads(GOLDEN.read_text())
    if recorded["torch"] != torch.__version__:
        pytest.skip(
            f"golden samples were recorded with torch {recorded['torch']}, this is "
            f"torch {torch.__version__}: floating-point results differ between builds"
        )
    return recorded["draws"]


def test_every_case_is_recorded(golden):
    assert set(golden) == set(CASES) | set(TABLE_CASES)


@pytest.mark.parametrize("name", list(CASES) + list(TABLE_CASES))
def test_seeded_draws_are_unchanged(golden, name):
    found = table_draws(TABLE_CASES[name]) if name in TABLE_CASES else draws(*CASES[name])
    expected = golden[name]
    assert set(found) == set(expected)
    for key, value in expected.items():
        if key == "y" or name in TABLE_CASES:
            if name in TABLE_CASES:
                assert found[key]["colour"] == value["colour"]
                for column in ("size", "count"):
                    np.testing.assert_allclose(found[key][column], value[column], rtol=1e-5)
            else:
                assert found[key] == value
        else:
            np.testing.assert_allclose(found[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
