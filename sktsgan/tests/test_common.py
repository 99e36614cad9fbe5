"""Checks every sampler must pass: sklearn's estimator checks and our own sampler contract.

A new sampler joins by adding its fast arguments to ``FAST_PARAMS`` in ``_samplers.py``
and ``fast(NewSampler)`` to ``FAST_SAMPLERS`` (or, if it needs class labels to fit, to
``LABELLED_ONLY_SAMPLERS``).
"""

import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from sktsgan import (
    CRNNGANSampler,
    DenseGANSampler,
    DiffusionSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
    VAESampler,
)
from sktsgan.augment import ClassWiseSampler
from sktsgan.preprocessing import forecast_pairs
from sktsgan.tests._samplers import (
    assert_long_frames_round_trip,
    assert_params_round_trip,
    check_conditional_contract,
    fast,
    labelled_sines,
    sine_series,
)
from sktsgan.tests.test_persistence import fit_labelled

# Tiny networks and a couple of epochs: these tests check the contract, not quality.
FAST_SAMPLERS = [
    fast(RCGANSampler, n_epochs=2),
    fast(RCGANSampler, loss="wgan-gp", cell="gru"),
    fast(TimeGANSampler),
    fast(CRNNGANSampler, n_epochs=2),
    fast(LSTMForecastGAN, n_epochs=2),
    fast(DenseGANSampler, n_epochs=2),
    fast(DenseGANSampler, n_epochs=2, loss="bce"),
    fast(VAESampler, n_epochs=2),
    fast(DiffusionSampler, n_epochs=2),
]
IDS = [
    "RCGANSampler-bce",
    "RCGANSampler-wgan-gp",
    "TimeGANSampler",
    "CRNNGANSampler",
    "LSTMForecastGAN",
    "DenseGANSampler-wgan-gp",
    "DenseGANSampler-bce",
    "VAESampler",
    "DiffusionSampler",
]


# scikit-learn's checks fit 2-D X (tabular rows). LSTMForecastGAN refuses 2-D input with
# a message naming the fix (rows have no steps to forecast; X[np.newaxis] is one series),
# so every check below stops at that refusal before reaching what it checks. Where the
# behaviour a check is about is tested on series instead, the reason says where.
_TWO_D = "fits 2-D X, which LSTMForecastGAN refuses (rows have no steps to forecast); "
_FORECASTER_FAILURES = {
    "check_fit_score_takes_y": _TWO_D + "fit(X, y) and score(X, y) with futures as y: "
    "test_forecast.py::test_cross_validation_and_grid_search_with_futures_as_y",
    "check_estimators_overwrite_params": _TWO_D + "parameters unchanged by fit: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_dont_overwrite_parameters": _TWO_D + "no public attribute set but fitted ones: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_estimators_fit_returns_self": _TWO_D + "fit returns self: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_readonly_memmap_input": _TWO_D + "read-only input: the forecaster copies the "
    "windows it reads (test_forecaster_keeps_the_estimator_contract_on_series)",
    "check_n_features_in_after_fitting": _TWO_D + "n_features_in_ and the refusal of "
    "other widths: test_forecast.py::test_bad_histories_are_refused",
    "check_n_features_in": _TWO_D + "n_features_in_ after fit: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_positive_only_tag_during_fit": _TWO_D + "negative values are valid series",
    "check_estimators_dtypes": _TWO_D + "integer and float32 series: "
    "test_samples_in_original_units_and_dtype",
    "check_dtype_object": _TWO_D + "object arrays are read by the same reader as every "
    "sampler's (test_fuzz.py)",
    "check_estimators_empty_data_messages": _TWO_D + "empty series sets: test_fuzz.py",
    "check_pipeline_consistency": _TWO_D + "seeded refits give the same forecasts: "
    "test_same_seed_same_weights_and_samples",
    "check_estimators_nan_inf": _TWO_D + "NaN inside a history: "
    "test_forecast.py::test_bad_histories_are_refused",
    "check_estimator_sparse_tag": _TWO_D + "series have no sparse form",
    "check_estimator_sparse_array": _TWO_D + "series have no sparse form",
    "check_estimator_sparse_matrix": _TWO_D + "series have no sparse form",
    "check_estimators_pickle": _TWO_D + "pickle, joblib and model files: "
    "test_persistence.py::test_round_trip_keeps_state_and_draws",
    "check_f_contiguous_array_estimator": _TWO_D + "memory layout of 3-D input is read "
    "by the reader every sampler shares (test_fuzz.py)",
    "check_methods_sample_order_invariance": _TWO_D + "forecasts of reordered histories: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_methods_subset_invariance": _TWO_D + "forecasts of a subset of histories: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_fit2d_1feature": _TWO_D + "one feature: test_forecast.py (ramp and noise tests)",
    "check_fit2d_1sample": _TWO_D + "one series is enough to fit: "
    "test_forecast.py::test_shapes_of_every_forecast",
    "check_fit2d_predict1d": _TWO_D + "1-D histories are refused like 2-D ones",
    "check_dict_unchanged": _TWO_D + "predict and score leave the fitted state as it was: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_fit_idempotent": _TWO_D + "a refit on the same data gives the same forecasts: "
    "test_forecaster_keeps_the_estimator_contract_on_series",
    "check_fit_check_is_fitted": _TWO_D + "NotFittedError before fit: test_not_fitted_before_fit",
    "check_complex_data": _TWO_D + "complex series are refused by the reader every "
    "sampler shares (test_fuzz.py)",
}


def _expected_failed_checks(estimator):
    return _FORECASTER_FAILURES if isinstance(estimator, LSTMForecastGAN) else {}


@parametrize_with_checks(FAST_SAMPLERS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# Samplers that need class labels (fit(X, y) only) pass scikit-learn's checks here; the
# contract tests below fit without labels, so theirs are in their own test module.
LABELLED_ONLY_SAMPLERS = [fast(ClassWiseSampler)]


@parametrize_with_checks(LABELLED_ONLY_SAMPLERS)
def test_sklearn_compatible_with_labels_only(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def sines():
    return sine_series()


@pytest.fixture(scope="module")
def labelled():
    return labelled_sines(5.0)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_not_fitted_before_fit(sampler):
    with pytest.raises(NotFittedError):
        clone(sampler).sample(3)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_params_round_trip_and_clone(sampler):
    assert_params_round_trip(sampler)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_same_seed_same_weights_and_samples(sampler, sines):
    a = clone(sampler).fit(sines)
    b = clone(sampler).fit(sines)
    for pa, pb in zip(a.engine_.module_.parameters(), b.engine_.module_.parameters()):
        assert torch.equal(pa, pb)
    np.testing.assert_array_equal(a.sample(5), b.sample(5))
    np.testing.assert_array_equal(a.sample(5, random_state=3), b.sample(5, random_state=3))
    c = clone(sampler).set_params(random_state=1).fit(sines)
    assert not np.allclose(a.sample(5, random_state=3), c.sample(5, random_state=3))


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_successive_samples_differ(sampler, sines):
    fitted = clone(sampler).fit(sines)
    assert not np.allclose(fitted.sample(4), fitted.sample(4))


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_user_global_random_state_untouched(sampler, sines):
    np.random.seed(7)
    torch.manual_seed(7)
    numpy_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    fitted = clone(sampler).fit(sines)
    fitted.sample(3)
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_persistence_round_trip_gives_identical_samples(sampler, sines, dump, tmp_path):
    fitted = clone(sampler).fit(sines)
    if dump == "pickle":
        loaded = pickle.loads(pickle.dumps(fitted))
    else:
        joblib.dump(fitted, tmp_path / "model.joblib")
        loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(fitted.sample(4), loaded.sample(4))
    np.testing.assert_array_equal(
        fitted.sample(4, random_state=0), loaded.sample(4, random_state=0)
    )


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_samples_in_original_units_and_dtype(sampler, sines):
    X = (sines * 100 + 1000).astype(np.float32)
    X[:, :, 1] = 3.0  # a constant feature
    out = clone(sampler).fit(X).sample(8)
    assert out.shape == (8, 12, 2) and out.dtype == np.float32
    assert np.all(out[:, :, 0] >= X[:, :, 0].min()) and np.all(out[:, :, 0] <= X[:, :, 0].max())
    assert np.all(out[:, :, 1] == 3.0)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_every_input_format_comes_back_as_itself(sampler, sines):
    model = clone(sampler)
    tab = sines[:, 0, :]
    frame = pd.DataFrame({"price": tab[:, 0], "volume": np.arange(30)})
    if isinstance(sampler, LSTMForecastGAN):  # tabular rows have no steps to forecast
        for two_d in (tab, frame):
            with pytest.raises(ValueError, match="X is 2-D"):
                model.fit(two_d)
    else:
        assert model.fit(tab).sample(3).shape == (3, 2)
        out = model.fit(frame).sample(3)
        assert list(out.columns) == ["price", "volume"] and out["volume"].dtype == np.int64
        assert model.feature_names_in_.tolist() == ["price", "volume"]

    ragged = [s[: 4 + i % 8] for i, s in enumerate(sines)]
    out = model.fit(ragged).sample(20)
    assert isinstance(out, list) and len(out) == 20
    lengths = {len(s) for s in out}
    assert lengths <= {len(s) for s in ragged} and len(lengths) > 1

    padded = sines.copy()
    padded[::2, 8:] = np.nan
    out = model.fit(padded).sample(20)
    assert out.shape == (20, 12, 2)
    assert set(np.isnan(out[:, :, 0]).sum(axis=1)) <= {0, 4}

    assert_long_frames_round_trip(model, sines)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_conditional_contract(sampler, labelled):
    X, y = labelled
    check_conditional_contract(fit_labelled(clone(sampler), X, y), clone(sampler).fit(X))


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_bad_fit_input_fails_before_training(sampler, sines, labelled):
    model = clone(sampler)
    with pytest.raises(ValueError, match="y has 29 labels but X has 30"):
        fit_labelled(model, sines, np.zeros(29))
    with pytest.raises(ValueError, match="single series"):
        fit_labelled(model, sines, [0] * 29 + [1])
    with pytest.raises(ValueError, match="positive integer"):
        model.fit(sines).sample(0)
    with pytest.raises(ValueError, match="hidden_size"):
        clone(sampler).set_params(hidden_size=0).fit(sines)
    with pytest.raises(ValueError, match="sees no CUDA device"):
        if not torch.cuda.is_available():
            clone(sampler).set_params(device="cuda").fit(sines)
        else:
            raise ValueError("sees no CUDA device (skipped: CUDA present)")


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_batch_size_clipped_with_warning(sampler, sines):
    with pytest.warns(
        UserWarning, match=r"batch_size=500 is larger than the \d+ (series|\(history)"
    ):
        clone(sampler).set_params(batch_size=500).fit(sines)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no batch-size warning
        warnings.filterwarnings("ignore", ".*has trained too little")
        clone(sampler).set_params(batch_size="auto").fit(sines)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_history_records_losses_per_epoch(sampler, sines):
    fitted = clone(sampler).set_params(n_epochs=3).fit(sines)
    # n_epochs counts the adversarial phase, the last one; earlier phases come first
    adversarial = [
        epoch for epoch in fitted.history_ if epoch["phase"] == fitted.history_[-1]["phase"]
    ]
    assert len(adversarial) == 3
    # a VAE and a diffusion model train one player ("vae", "denoiser"); the GANs' last
    # phase trains both of theirs
    single = fitted.engine_.players_ in (["vae"], ["denoiser"])
    players = fitted.engine_.players_ if single else ["generator", "discriminator"]
    for epoch in adversarial:
        assert all(np.isfinite(epoch[f"{player}_loss"]) for player in players)
    for epoch in fitted.history_:
        losses = [value for key, value in epoch.items() if key.endswith("_loss")]
        assert losses and np.all(np.isfinite(losses))


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_ctrl_c_then_resume_equals_an_uninterrupted_fit(sampler, sines, tmp_path, interrupt_at):
    # the engine's guarantees (tested in depth in test_reliability.py) hold for every
    # sampler: Ctrl-C in the last epoch keeps the one before, a resume from the
    # checkpoint finishes as if never stopped, and diversity is checked where it was
    for name in ("checkpoint_dir", "checkpoint_every", "warm_start"):
        assert f"{name} :" in type(sampler).__doc__, f"document {name}"
    base = clone(sampler).set_params(batch_size=8)
    full = clone(base).fit(sines)
    n_epochs = len(full.history_)
    phase_ends = [
        i
        for i, epoch in enumerate(full.history_)
        if i + 1 == n_epochs or epoch["phase"] != full.history_[i + 1]["phase"]
    ]
    assert all(np.isfinite(full.history_[i]["diversity"]) for i in phase_ends)
    stopped = clone(base).set_params(checkpoint_dir=tmp_path, callbacks=[interrupt_at(n_epochs)])
    with pytest.warns(UserWarning, match=f"interrupted in epoch {n_epochs} "):
        stopped.fit(sines)
    assert len(stopped.history_) == n_epochs - 1
    stopped.sample(2)
    resumed = clone(base).set_params(checkpoint_dir=tmp_path, warm_start=True).fit(sines)
    for key, value in full.engine_.module_.state_dict().items():
        assert torch.equal(value, resumed.engine_.module_.state_dict()[key]), key
    np.testing.assert_array_equal(full.sample(4), resumed.sample(4))
    checked = [[epoch.get("diversity") for epoch in fit.history_] for fit in (full, resumed)]
    assert checked[0] == checked[1]


def test_grid_search_over_sampler_parameters(sines):
    def moment_score(sampler, X, y=None):
        fake = sampler.sample(len(X), random_state=0)
        return -abs(fake.mean() - X.mean()) - abs(fake.std() - X.std())

    search = GridSearchCV(
        FAST_SAMPLERS[0],
        {"hidden_size": [2, 4], "cell": ["lstm", "gru"]},
        scoring=moment_score,
        cv=2,
    )
    search.fit(sines)
    assert set(search.cv_results_["param_cell"]) == {"lstm", "gru"}
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.sample(2).shape == (2, 12, 2)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=IDS)
def test_tags_say_what_the_samplers_read(sampler, sines):
    from sklearn.utils import get_tags

    tags = get_tags(sampler)
    assert tags.input_tags.three_d_array and not tags.target_tags.required
    assert not tags.input_tags.allow_nan  # NaN only as trailing padding, see base/_contract.py
    padded = sines.copy()
    padded[0, -2:] = np.nan
    clone(sampler).fit(padded)


def test_a_refit_that_fails_on_its_data_leaves_the_fitted_sampler_as_it_was(sines):
    forecaster = LSTMForecastGAN(
        window=3, horizon=2, hidden_size=4, latent_dim=2, n_epochs=1, random_state=0
    ).fit(sines)
    before = {key: value for key, value in vars(forecaster).items() if key != "engine_"}
    engine, draws = forecaster.engine_, forecaster.sample(3, random_state=0)
    too_short = np.random.RandomState(0).normal(size=(10, 4, 3))  # window + horizon = 5
    with pytest.raises(ValueError, match="longer series"):
        forecaster.fit(too_short)
    assert forecaster.engine_ is engine and forecaster.n_features_in_ == sines.shape[2]
    assert set(vars(forecaster)) == set(before) | {"engine_"}
    for key, value in before.items():
        assert vars(forecaster)[key] is value, key
    np.testing.assert_array_equal(forecaster.sample(3, random_state=0), draws)


def test_forecaster_keeps_the_estimator_contract_on_series(sines):
    # what scikit-learn's checks test on 2-D input, on (history, future) pairs
    X, y = forecast_pairs(sines, window=3, horizon=2, stride=3)
    X.setflags(write=False)  # read-only input
    model = LSTMForecastGAN(window=3, horizon=2, hidden_size=4, n_epochs=1, random_state=0)
    params = model.get_params()
    public_before = {key for key in vars(model) if not key.startswith("_")}
    assert model.fit(X, y) is model
    assert model.get_params() == params
    new_public = {key for key in vars(model) if not key.startswith("_")} - public_before
    assert new_public and all(key.endswith("_") for key in new_public)
    assert model.n_features_in_ == X.shape[2]

    state = dict(vars(model))
    forecasts = model.predict(X)
    model.score(X, y)
    assert vars(model).keys() == state.keys()  # predict and score set nothing
    assert all(vars(model)[key] is value for key, value in state.items())

    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(model.predict(X[order]), forecasts[order], atol=1e-5)
    np.testing.assert_allclose(model.predict(X[:5]), forecasts[:5], atol=1e-5)
    np.testing.assert_array_equal(clone(model).fit(X, y).predict(X), forecasts)
