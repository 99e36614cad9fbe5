"""``device="cuda"`` on a real GPU: fit, sample, save, load, resume and the metrics.

Skipped where torch sees no CUDA device, which is everywhere CI runs;
``benchmarks/gpu_check.sh`` runs this module on a GPU machine. What a CPU-only machine
sees of a GPU-trained model is tested in ``test_persistence.py``.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone

import sktsgan
from sktsgan.datasets import make_sines
from sktsgan.metrics import discriminative_score, predictive_score
from sktsgan.tests.test_persistence import (
    IDS,
    N_NEURAL,
    SAMPLERS,
    assert_same_draws,
    fit_each,
    labelled_series,
)

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
DEVICE = "cuda"

NEURAL = dict(zip(IDS[:N_NEURAL], SAMPLERS[:N_NEURAL]))


@pytest.fixture(scope="module")
def labelled():
    return labelled_series()


@pytest.fixture(scope="module")
def on_gpu(labelled):
    """Each neural sampler fitted once on the GPU, conditionally."""
    return fit_each(NEURAL, *labelled, device=DEVICE)


def weights(model):
    return list(model.engine_.module_.state_dict().values())


def on_device(model):
    return all(value.device.type == DEVICE for value in weights(model))


@pytest.mark.parametrize("name", NEURAL)
def test_fits_on_the_gpu_and_samples_numpy_arrays(on_gpu, labelled, name):
    model = on_gpu[name]
    X, _ = labelled
    assert model.device_ == DEVICE
    assert on_device(model)
    X_new, y_new = model.sample(7, y="up", random_state=1)
    assert isinstance(X_new, np.ndarray) and np.all(np.isfinite(X_new))
    assert X_new.shape[0] == 7 and X_new.shape[2:] == X.shape[2:]
    assert set(y_new) == {"up"}
    X_again, _ = model.sample(7, y="up", random_state=1)
    np.testing.assert_array_equal(X_new, X_again)


@pytest.mark.parametrize("how", ["pickle", "safe"])
@pytest.mark.parametrize("name", NEURAL)
def test_round_trips_on_the_gpu_give_the_same_draws(on_gpu, name, how, tmp_path):
    model = on_gpu[name]
    if how == "pickle":
        loaded = pickle.loads(pickle.dumps(model))
    else:
        model.save(tmp_path / "model.sktsgan")
        loaded = sktsgan.load(tmp_path / "model.sktsgan", device=DEVICE)
    assert on_device(loaded)
    with warnings.catch_warnings():
        # cuDNN warns when unpickled weights have to be compacted again on every call
        warnings.filterwarnings("error", message=".*contiguous chunk of memory")
        assert_same_draws(model, loaded)


def test_a_gpu_model_file_loads_on_the_cpu_with_the_same_weights(on_gpu, tmp_path):
    model = on_gpu["TimeGANSampler"]
    model.save(tmp_path / "model.sktsgan")
    loaded = sktsgan.load(tmp_path / "model.sktsgan", device="cpu")
    assert loaded.engine_.device == "cpu"
    for ours, theirs in zip(weights(model), weights(loaded)):
        assert theirs.device.type == "cpu" and torch.equal(ours.cpu(), theirs)
    X_new, _ = loaded.sample(5, y="down", random_state=0)
    assert np.all(np.isfinite(X_new))


def test_warm_start_trains_on_on_the_gpu(labelled):
    X, y = labelled
    model = clone(NEURAL["RCGANSampler"]).set_params(device=DEVICE, warm_start=True)
    model.fit(X, y)
    before = [value.clone() for value in weights(model)]
    model.set_params(n_epochs=3).fit(X, y)  # one more epoch
    assert len(model.history_) == 3
    assert on_device(model)
    assert any(not torch.equal(a, b) for a, b in zip(before, weights(model)))


def test_same_seed_gives_close_samples_on_the_gpu(labelled):
    # cuDNN's recurrent kernels may sum in a different order from run to run, so two fits
    # agree to rounding, not bit for bit.
    X, y = labelled
    sampler = clone(NEURAL["RCGANSampler"]).set_params(device=DEVICE)
    first, _ = clone(sampler).fit(X, y).sample(20, y="up", random_state=0)
    second, _ = clone(sampler).fit(X, y).sample(20, y="up", random_state=0)
    np.testing.assert_allclose(first, second, atol=1e-4)


def test_the_moving_average_and_the_fidelity_checks_run_on_the_gpu():
    X = make_sines(64, n_timesteps=8, n_features=2, random_state=0)
    model = sktsgan.RCGANSampler(
        hidden_size=8, n_epochs=4, batch_size=16, device=DEVICE, random_state=0
    ).fit(X)
    gaps = [row["fidelity_gap"] for row in model.history_ if "fidelity_gap" in row]
    assert gaps and all(0.0 <= gap <= 0.5 for gap in gaps)
    assert int(model.engine_.module_.sampling_weights.n_averaged) > 0


def test_the_post_hoc_scores_run_on_the_gpu():
    real = make_sines(200, n_timesteps=12, n_features=2, random_state=0)
    same = make_sines(200, n_timesteps=12, n_features=2, random_state=1)
    noise = np.random.RandomState(0).uniform(size=real.shape)
    options = {"n_iterations": 1000, "device": DEVICE, "random_state": 0}
    assert discriminative_score(real, noise, **options) > 0.3
    assert discriminative_score(real, same, **options) < 0.15
    # The same seed on the CPU: the scores agree to the rounding of cuDNN's kernels.
    on_cpu = {**options, "n_iterations": 300, "device": "cpu"}
    on_gpu = {**options, "n_iterations": 300}
    assert predictive_score(real, same, **on_gpu) == pytest.approx(
        predictive_score(real, same, **on_cpu), abs=0.02
    )


def test_auto_picks_the_gpu(labelled):
    X, y = labelled
    model = clone(NEURAL["DenseGANSampler"]).set_params(device="auto").fit(X[:, 0], y)
    assert model.device_ == DEVICE
