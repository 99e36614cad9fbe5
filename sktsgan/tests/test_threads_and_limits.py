"""Sampling from several threads, huge ``n``, and regressions found by the fuzz tests."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sktsgan import (
    CRNNGANSampler,
    DenseGANSampler,
    DiffusionSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
    VAESampler,
    base,
)
from sktsgan.augment import GANAugmenter, JitterSampler, TimeWarpSampler
from sktsgan.base import _neural
from sktsgan.metrics import crps_ensemble, interval_coverage, tstr_score
from sktsgan.preprocessing import SeriesFlattener
from sktsgan.tests._samplers import fast
from sktsgan.utils._torch import pinned_threads, sampling_workers

SERIES = np.random.RandomState(0).rand(12, 6, 2)
TABLE = pd.DataFrame(
    {"a": np.random.RandomState(1).rand(12), "b": pd.Series(list("uvw") * 4, dtype=object)}
)


@pytest.fixture(scope="module")
def fitted():
    return fast(RCGANSampler).fit(SERIES)


@pytest.mark.parametrize(
    "sampler, X",
    [
        (fast(RCGANSampler), SERIES),
        (fast(DenseGANSampler), TABLE),
        (fast(VAESampler), TABLE),
    ],
    ids=["RCGANSampler", "DenseGANSampler", "VAESampler"],
)
def test_sampling_in_threads_equals_serial_sampling(sampler, X, monkeypatch):
    # Small chunks: each draw takes many turns, so unsynchronised threads would mix them.
    monkeypatch.setattr(base.BaseSequenceSampler, "_steps_per_sampling_chunk", 12)
    monkeypatch.setattr(base.BaseTabularSampler, "_values_per_sampling_chunk", 12)
    fitted = sampler.fit(X)
    seeds = list(range(8))
    serial = [fitted.sample(300, random_state=seed) for seed in seeds]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda seed: fitted.sample(300, random_state=seed), seeds))
    for seed, (a, b) in enumerate(zip(serial, threaded)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=f"random_state={seed}")
    assert not np.array_equal(np.asarray(threaded[0]), np.asarray(threaded[1]))


@pytest.mark.parametrize(
    "sampler",
    [
        fast(RCGANSampler),
        fast(TimeGANSampler, latent_dim=2),
        fast(CRNNGANSampler, latent_dim=2, pretrain_epochs=0),
        fast(DiffusionSampler, num_layers=1, n_heads=1, n_diffusion_steps=200, n_sampling_steps=3),
    ],
    ids=lambda sampler: type(sampler).__name__,
)
def test_chunks_computed_in_parallel_are_the_samples_of_one_thread(sampler, monkeypatch):
    # chunks of 2 series of 6 steps; labels make every chunk's condition differ
    monkeypatch.setattr(base.BaseSequenceSampler, "_steps_per_sampling_chunk", 12)
    labels = np.array([0, 1] * 6)
    fitted = sampler.fit(SERIES, labels)
    wanted = np.array([0, 1, 1] * 9)
    monkeypatch.setenv("SKTSGAN_SAMPLING_THREADS", "1")
    one_thread, _ = fitted.sample(27, y=wanted, random_state=0)

    pools = []

    class RecordingPool(ThreadPoolExecutor):
        def __init__(self, max_workers, **kwargs):
            pools.append(max_workers)
            super().__init__(max_workers, **kwargs)

    monkeypatch.setattr(_neural, "ThreadPoolExecutor", RecordingPool)
    monkeypatch.setenv("SKTSGAN_SAMPLING_THREADS", "3")
    three_threads, _ = fitted.sample(27, y=wanted, random_state=0)
    assert pools == [3]
    np.testing.assert_array_equal(one_thread, three_threads)
    assert not np.array_equal(three_threads[:2], three_threads[2:4])  # chunks differ


def test_sampling_threads_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("SKTSGAN_SAMPLING_THREADS", raising=False)
    monkeypatch.delenv("SKTSGAN_NUM_THREADS", raising=False)
    assert 1 <= sampling_workers() <= 4
    monkeypatch.setenv("SKTSGAN_NUM_THREADS", "64")  # each chunk takes every core
    assert sampling_workers() == 1
    monkeypatch.setenv("SKTSGAN_SAMPLING_THREADS", "7")
    assert sampling_workers() == 7
    for value in ("0", "two"):
        monkeypatch.setenv("SKTSGAN_SAMPLING_THREADS", value)
        with pytest.raises(ValueError, match="SKTSGAN_SAMPLING_THREADS=.*whole number"):
            sampling_workers()
        with pytest.raises(ValueError, match="SKTSGAN_SAMPLING_THREADS"):
            fast(RCGANSampler).fit(SERIES).sample(5)


@pytest.mark.parametrize("n", [10**12, 2**63])
def test_more_samples_than_memory_are_refused_at_once(fitted, n):
    with pytest.raises(ValueError, match="Draw them in batches"):
        fitted.sample(n)
    baseline = JitterSampler(random_state=0).fit(np.zeros((3, 4, 2)))
    with pytest.raises(ValueError, match="Draw them in batches"):
        baseline.sample(n)


def test_forecaster_refuses_too_many_paths_and_non_integers():
    X = np.random.RandomState(0).rand(3, 8, 1)
    model = LSTMForecastGAN(window=2, horizon=1, hidden_size=2, n_epochs=1, random_state=0)
    model.fit(X)
    with pytest.raises(ValueError, match="n_paths=.*Draw them in batches"):
        model.sample_paths(X, 10**13)
    with pytest.raises(TypeError, match="n_paths must be a positive integer"):
        model.sample_paths(X, 2.5)


def test_forecaster_names_non_numeric_columns_of_one_long_series():
    frame = pd.DataFrame({"a": np.arange(10.0), "b": list("abcdefghij"), "id": 0})
    model = LSTMForecastGAN(window=2, horizon=1, hidden_size=2, n_epochs=1, id_column="id")
    with pytest.raises(TypeError, match=r"Columns \['b'\] are not numeric"):
        model.fit(frame)


def test_duplicated_column_names_are_named_by_every_entry_point():
    frame = pd.DataFrame(np.zeros((4, 2)), columns=["x", "x"])
    with pytest.raises(ValueError, match="duplicated column names"):
        SeriesFlattener().fit(frame)
    with pytest.raises(ValueError, match="duplicated column names"):
        GANAugmenter(JitterSampler()).fit_resample(frame)


def test_augmenter_refuses_empty_and_mixed_labels():
    X = np.zeros((4, 3, 1))
    with pytest.raises(ValueError, match="y is empty"):
        GANAugmenter(JitterSampler()).fit_resample(X[:0], [])
    with pytest.raises((TypeError, ValueError), match="class labels of one type"):
        GANAugmenter(JitterSampler()).fit_resample(X, np.array(["a", 1, None, 2], dtype=object))


def test_probabilistic_scores_check_their_arrays():
    with pytest.raises(ValueError, match="axis=1 is not an axis"):
        crps_ensemble(0.0, 0.0)
    with pytest.raises(TypeError, match="paths must be numeric"):
        crps_ensemble([1.0], [["a"]])
    with pytest.raises(ValueError, match="empty"):
        interval_coverage([], [], [])


def test_a_classifier_with_continuous_targets_is_refused_by_name():
    X = np.random.RandomState(0).rand(6, 3, 1)
    y = np.linspace(0.5, 3.0, 6)
    classifier = make_pipeline(SeriesFlattener(), DummyClassifier())
    with pytest.raises(ValueError, match="estimator is a classifier, but y_synth"):
        tstr_score(X, y, X, y, estimator=classifier)


def test_time_warp_keeps_large_constant_integers_exact():
    X = np.full((2, 5, 1), 6402373705727993, dtype=np.int64)
    samples = TimeWarpSampler(random_state=0).fit(X).sample(20, random_state=0)
    assert (samples == 6402373705727993).all()


def test_augmenter_names_a_series_that_is_not_an_array():
    with pytest.raises(ValueError, match="Series 0 of X is not a numeric array"):
        GANAugmenter(JitterSampler()).fit_resample([[[1.0, 2.0], [3.0]]])


def test_comparison_display_of_a_large_constant():
    import matplotlib.pyplot as plt

    from sktsgan.metrics import SeriesComparisonDisplay

    X = np.full((2, 1, 2), 2.0**48)
    display = SeriesComparisonDisplay.from_samples(np.zeros((2, 1, 2)), X)
    assert len(display.axes_) == 2
    plt.close("all")


class RecordThreads(Callback):
    """Records torch's thread count at the end of every training epoch."""

    def initialize(self):
        self.counts = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.counts.append(torch.get_num_threads())


@pytest.mark.parametrize(("variable", "expected"), [(None, 1), ("2", 2), ("0", 3)])
def test_fit_and_sample_use_the_configured_threads_and_restore_the_callers(
    variable, expected, monkeypatch
):
    # one thread unless SKTSGAN_NUM_THREADS says otherwise; 0 keeps torch's own (here 3)
    if variable is None:
        monkeypatch.delenv("SKTSGAN_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("SKTSGAN_NUM_THREADS", variable)
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        recorder = RecordThreads()
        sampler = fast(RCGANSampler, n_epochs=2, callbacks=[recorder]).fit(SERIES)
        assert sampler.engine_.callbacks_[-1][1].counts == [expected, expected]
        assert torch.get_num_threads() == 3
        seen = []
        networks = type(sampler.engine_.module_)
        generate = networks.generate

        def recording_generate(*args, **kwargs):
            seen.append(torch.get_num_threads())
            return generate(*args, **kwargs)

        monkeypatch.setattr(networks, "generate", recording_generate)
        sampler.sample(3)
        assert seen == [expected]
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


def test_blas_libraries_get_the_configured_threads_too(monkeypatch):
    """The compiled GRU kernels multiply through SciPy's BLAS: it must not start a
    thread per core inside a block that promises one thread."""
    import scipy.linalg  # noqa: F401  (loads SciPy's BLAS)
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads():
        return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}

    monkeypatch.delenv("SKTSGAN_NUM_THREADS", raising=False)
    with threadpool_limits(2, user_api="blas"):
        outside = blas_threads()  # {2}, or {1} on a machine of one core
        with pinned_threads():
            inside = blas_threads()
        assert blas_threads() == outside
    assert inside == {1}


def test_a_bad_thread_count_is_refused_with_the_fix(monkeypatch):
    monkeypatch.setenv("SKTSGAN_NUM_THREADS", "two")
    with pytest.raises(ValueError, match=r"SKTSGAN_NUM_THREADS='two'.*whole number.*or to 0"):
        RCGANSampler(hidden_size=4, latent_dim=2, n_epochs=1).fit(SERIES)
