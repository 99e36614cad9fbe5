"""Scorers over samplers in GridSearchCV and cross_validate, with oracle samplers."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.utils import check_random_state

from sktsgan import RCGANSampler
from sktsgan.datasets import make_sines, make_waves
from sktsgan.metrics import (
    make_discriminative_scorer,
    make_predictive_scorer,
    make_tstr_scorer,
)

POSTHOC = {"n_iterations": 600, "hidden_size": 4, "batch_size": 64}


class OracleSampler(BaseEstimator):
    """A stand-in sampler whose quality is known in advance.

    ``"copy"`` returns training series with their labels, ``"shuffled"`` returns them
    with labels permuted, ``"noise"`` returns uniform noise in the training range.
    """

    def __init__(self, mode="copy"):
        self.mode = mode

    def fit(self, X, y=None):
        self.X_ = np.asarray(X, dtype=float)
        self.y_ = None if y is None else np.asarray(y)
        self.n_samples_fit_ = len(self.X_)
        return self

    def sample(self, n, y=None, *, random_state=None):
        rng = check_random_state(random_state)
        index = rng.randint(len(self.X_), size=n)
        X = self.X_[index]
        if self.mode == "noise":
            X = rng.uniform(self.X_.min(), self.X_.max(), size=X.shape)
        if self.y_ is None:
            return X
        labels = self.y_[index]
        return X, rng.permutation(labels) if self.mode == "shuffled" else labels


@pytest.fixture(scope="module")
def waves():
    return make_waves(n_samples=80, n_timesteps=16, n_features=1, random_state=0)


def test_tstr_grid_search_prefers_the_copying_oracle(waves):
    X, y = waves
    search = GridSearchCV(
        OracleSampler(),
        {"mode": ["copy", "shuffled", "noise"]},
        scoring=make_tstr_scorer(),
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    scores = dict(zip(search.cv_results_["param_mode"], search.cv_results_["mean_test_score"]))
    assert search.best_params_ == {"mode": "copy"}
    assert scores["copy"] > 0.95
    assert scores["shuffled"] < 0.75
    assert scores["noise"] < 0.75


def test_posthoc_scorers_are_greater_is_better_and_rank_the_oracles():
    X = make_sines(n_samples=200, n_timesteps=12, n_features=3, random_state=0)
    scoring = {
        "discriminative": make_discriminative_scorer(**POSTHOC),
        "predictive": make_predictive_scorer(**{**POSTHOC, "n_iterations": 200}),
    }
    results = {
        mode: cross_validate(OracleSampler(mode), X, cv=2, scoring=scoring)
        for mode in ("copy", "noise")
    }
    copy, noise = results["copy"], results["noise"]
    assert np.all(copy["test_discriminative"] <= 0)
    assert np.all(copy["test_discriminative"] > -0.2)
    assert np.all(noise["test_discriminative"] < -0.35)
    assert np.all(copy["test_predictive"] > noise["test_predictive"])


def test_unlabelled_tstr_scores_forecasts_of_the_held_out_fold():
    X = make_sines(n_samples=80, n_timesteps=12, n_features=2, random_state=0)
    scorer = make_tstr_scorer()
    copy = cross_validate(OracleSampler("copy"), X, cv=2, scoring=scorer)["test_score"]
    noise = cross_validate(OracleSampler("noise"), X, cv=2, scoring=scorer)["test_score"]
    # negated mean absolute errors of the last feature's last step
    assert np.all(copy <= 0) and np.all(noise <= 0)
    assert copy.mean() > 2 * noise.mean()


def test_grid_search_over_an_rcgan_sampler_with_a_tstr_scorer(waves):
    X, y = waves
    search = GridSearchCV(
        RCGANSampler(hidden_size=8, batch_size=20, lr=2e-3, random_state=0),
        {"n_epochs": [1, 15]},
        scoring=make_tstr_scorer(),
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all((0 <= scores) & (scores <= 1))
    # the refitted best sampler draws labelled series like the training data
    X_synth, y_synth = search.best_estimator_.sample(10, random_state=0)
    assert X_synth.shape == (10, 16, 1)
    assert set(y_synth) <= set(y)


def test_scorer_is_deterministic_for_a_fixed_random_state(waves):
    X, y = waves
    sampler = RCGANSampler(hidden_size=4, n_epochs=2, random_state=0).fit(X[:40], y[:40])
    scorer = make_tstr_scorer(random_state=3)
    assert scorer(sampler, X[40:], y[40:]) == scorer(sampler, X[40:], y[40:])


def test_scorers_explain_mismatched_labels(waves):
    X, y = waves
    sampler = OracleSampler().fit(X)
    with pytest.raises(ValueError, match="labels on both sides or on neither"):
        make_tstr_scorer()(sampler, X, y)


def test_scorers_refuse_unfitted_samplers(waves):
    X, y = waves
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        make_tstr_scorer()(RCGANSampler(), X, y)


def test_scorer_repr_names_its_options():
    # options left at their defaults are not shown
    expected = "make_tstr_scorer(n_samples=50, random_state=0)"
    assert repr(make_tstr_scorer(n_samples=50)) == expected
    assert "n_iterations=10" in repr(make_discriminative_scorer(n_iterations=10))


@pytest.mark.parametrize("factory", [make_discriminative_scorer, make_predictive_scorer])
def test_bad_scorer_options_fail_when_the_scorer_is_made(factory):
    with pytest.raises(TypeError, match="n_iteration"):
        factory(n_iteration=10)  # a typo, not an option passed on to fail in a search
    with pytest.raises(ValueError, match="n_iterations"):
        factory(n_iterations=0)
    with pytest.raises(ValueError, match="device"):
        factory(device=0)
    assert repr(factory(n_iterations=10, scale=False)) == (
        f"{factory.__name__}(n_iterations=10, scale=False, random_state=0)"
    )
