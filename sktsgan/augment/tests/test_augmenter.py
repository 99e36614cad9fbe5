"""GANAugmenter: counts per strategy, formats, leak-free pipelines, grid search, seeds."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate

from sktsgan import DiffusionSampler, RCGANSampler
from sktsgan.augment import (
    AugmentedClassifier,
    ClassWiseSampler,
    GANAugmenter,
    JitterSampler,
    RandomSeriesSampler,
)
from sktsgan.augment import _augmenter as augmenter_module
from sktsgan.augment._augmenter import default_sampler
from sktsgan.preprocessing import SeriesFlattener

# imbalanced-learn's sampler checks and scikit-learn's, with a fast sampler inside.
_EXPECTED_FAILURES = {
    "check_samplers_sparse": "samplers learn dense series: sparse X is refused with a "
    "TypeError that says to call X.toarray()",
    "check_samplers_nan": "NaN inside a series is refused with a ValueError that says "
    "to impute; NaN is read as padding only at the end of a series",
    "check_samplers_list": "a list is read as a list of series of (possibly) different "
    "lengths, the samplers' data contract, not as a list of tabular rows",
}


def _imbalanced_learn_checks():
    # imbalanced-learn hands pytest a generator of checks, which pytest 9 deprecates:
    # the same parametrisation over a list
    mark = parametrize_with_checks(
        [GANAugmenter(RandomSeriesSampler(), random_state=0)],
        expected_failed_checks=lambda estimator: _EXPECTED_FAILURES,
    )
    names, checks = mark.args
    return pytest.mark.parametrize(names, list(checks), **mark.kwargs)


@_imbalanced_learn_checks()
def test_imbalanced_learn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def unbalanced():
    """12 series of class "a" (level +3) and 4 of class "b" (level -3)."""
    rng = np.random.RandomState(0)
    y = np.array(["a"] * 12 + ["b"] * 4)
    X = rng.normal(size=(16, 6, 2)) + np.where(y == "a", 3.0, -3.0)[:, None, None]
    return X, y


def counts(y):
    labels, n = np.unique(y, return_counts=True)
    return dict(zip(labels.tolist(), n.tolist()))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"a": 12, "b": 12}),
        ({"sampling_strategy": "minority"}, {"a": 12, "b": 12}),
        ({"sampling_strategy": "all"}, {"a": 12, "b": 12}),
        ({"sampling_strategy": 0.5}, {"a": 12, "b": 6}),
        ({"sampling_strategy": {"a": 15, "b": 5}}, {"a": 15, "b": 5}),
        ({"sampling_strategy": lambda y: {"b": 8}}, {"a": 12, "b": 8}),
        ({"synthetic_ratio": 2.0}, {"a": 36, "b": 12}),
        ({"synthetic_ratio": 0.5}, {"a": 18, "b": 6}),
    ],
)
def test_counts_follow_the_strategy(unbalanced, params, expected):
    X, y = unbalanced
    augmenter = GANAugmenter(RandomSeriesSampler(), random_state=0, **params)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert counts(y_res) == expected
    assert X_res.shape == (sum(expected.values()), 6, 2)
    assert augmenter.n_synthetic_ == len(y_res) - len(y)


def test_real_data_first_then_synthetic_of_the_right_class(unbalanced):
    X, y = unbalanced
    X_res, y_res = GANAugmenter(RandomSeriesSampler(), random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res[:16], X)
    np.testing.assert_array_equal(y_res[:16], y)
    # random over-sampling copies series of the class asked for
    real_b = {x.tobytes() for x in X[y == "b"]}
    assert all(x.tobytes() in real_b for x in X_res[16:])
    assert set(y_res[16:]) == {"b"}


class SpySampler(RandomSeriesSampler):
    """Random over-sampling that records what it was fitted on and asked for."""

    def fit(self, X, y=None):
        self.fit_labels_ = None if y is None else list(y)
        return super().fit(X, y)

    def sample(self, n, y=None, *, random_state=None):
        self.asked_ = (n, None if y is None else list(y))
        return super().sample(n, y, random_state=random_state)


def test_sampler_learns_every_class_and_is_asked_for_the_missing_ones(unbalanced):
    X, y = unbalanced
    strategy = {"a": 14, "b": 30}
    augmenter = GANAugmenter(SpySampler(), sampling_strategy=strategy, random_state=0)
    _, y_res = augmenter.fit_resample(X, y)
    assert augmenter.sampler_.fit_labels_ == y.tolist()  # conditional on all classes
    assert augmenter.sampler_.asked_ == (28, ["a"] * 2 + ["b"] * 26)
    assert counts(y_res) == strategy
    assert augmenter.sampling_strategy_ == {"a": 2, "b": 26}


def test_same_seed_same_augmentation(unbalanced):
    X, y = unbalanced
    sampler = RCGANSampler(hidden_size=4, latent_dim=2, n_epochs=2)
    first = GANAugmenter(sampler, random_state=3).fit_resample(X, y)[0]
    second = GANAugmenter(sampler, random_state=3).fit_resample(X, y)[0]
    third = GANAugmenter(sampler, random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first[16:], third[16:])
    assert sampler.random_state is None  # the user's sampler is left alone


def test_nothing_to_add_trains_nothing():
    X = np.random.RandomState(0).normal(size=(8, 5, 1))
    y = np.array([0, 1] * 4)
    augmenter = GANAugmenter(RCGANSampler(n_epochs=1))
    X_res, y_res = augmenter.fit_resample(X, y)
    assert X_res is X
    np.testing.assert_array_equal(y_res, y)
    assert augmenter.sampler_ is None and augmenter.n_synthetic_ == 0


def test_without_labels_adds_unconditional_series():
    X = np.random.RandomState(0).normal(size=(10, 5, 2))
    X_res, y_res = GANAugmenter(JitterSampler(), random_state=0).fit_resample(X)
    assert y_res is None and X_res.shape == (20, 5, 2)
    X_res, _ = GANAugmenter(JitterSampler(), synthetic_ratio=3, random_state=0).fit_resample(X)
    assert X_res.shape == (40, 5, 2)


def test_formats_come_back_as_given(unbalanced):
    X, y = unbalanced
    augmenter = GANAugmenter(RandomSeriesSampler(), random_state=0)

    ragged = [x[: 3 + i % 4] for i, x in enumerate(X)]
    X_res, y_res = augmenter.fit_resample(ragged, pd.Series(y, name="label"))
    assert isinstance(X_res, list) and len(X_res) == 24
    assert {len(x) for x in X_res} <= {3, 4, 5, 6}
    assert isinstance(y_res, pd.Series) and y_res.name == "label" and len(y_res) == 24

    frame = pd.DataFrame({"price": X[:, 0, 0], "volume": np.arange(16)})
    X_res, y_res = augmenter.fit_resample(frame, y)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["price", "volume"]
    assert X_res["volume"].dtype == frame["volume"].dtype and len(X_res) == 24


@pytest.mark.parametrize(
    "params, y, message",
    [
        ({"synthetic_ratio": 1.0, "sampling_strategy": "minority"}, None, "set only one"),
        ({}, np.linspace(0, 1, 16), "Unknown label type"),
        ({}, np.arange(32).reshape(16, 2), "one class label per series"),
        ({}, np.r_[np.inf, np.zeros(15)], "NaN or infinity: every series needs a class"),
        ({"sampler": RCGANSampler(id_column="id")}, None, "long DataFrame"),
        ({"label_filter": "nearest"}, "no labels", "needs class labels"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(unbalanced, params, y, message):
    X, labels = unbalanced
    augmenter = GANAugmenter(**{"sampler": RandomSeriesSampler(), **params})
    with pytest.raises(ValueError, match=message):
        if isinstance(y, str):
            augmenter.fit_resample(X)
        else:
            augmenter.fit_resample(X, labels if y is None else y)


def test_imblearn_pipeline_augments_during_fit_only(unbalanced, counting_classifier):
    X, y = unbalanced
    pipe = make_imblearn_pipeline(
        GANAugmenter(RandomSeriesSampler(), synthetic_ratio=1.0, random_state=0),
        SeriesFlattener(),
        counting_classifier,
    )
    result = cross_validate(pipe, X, y, cv=2, return_estimator=True)
    for fitted in result["estimator"]:
        assert fitted[-1].n_fit_ == 16  # 8 real + 8 synthetic per training fold
        assert fitted[-1].n_predict_ == 8  # the real validation fold alone
    assert np.all(result["test_score"] == 1.0)


def test_grid_search_reaches_the_sampler_settings(unbalanced):
    X, y = unbalanced
    pipe = make_imblearn_pipeline(
        GANAugmenter(RCGANSampler(latent_dim=2, n_epochs=1), random_state=0),
        SeriesFlattener(),
        LogisticRegression(),
    )
    grid = {"ganaugmenter__sampler__hidden_size": [2, 4]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    fitted = search.best_estimator_[0].sampler_
    assert fitted.hidden_size == search.best_params_["ganaugmenter__sampler__hidden_size"]
    assert fitted.engine_.module_.generator.readout.in_features == fitted.hidden_size


class ConfusedSampler(BaseEstimator):
    """Draws its class's mean series for a share ``1 - confusion`` of the draws, else
    another class's: a conditional generator that mixes the classes up."""

    def __init__(self, confusion=0.5, random_state=None):
        self.confusion = confusion
        self.random_state = random_state

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.means_ = {label: X[y == label].mean(axis=0) for label in self.classes_}
        return self

    def sample(self, n, y=None, random_state=None):
        rng = np.random.RandomState(random_state)
        labels = np.asarray(y)
        wrong = rng.uniform(size=n) < self.confusion
        other = {a: b for a, b in zip(self.classes_, np.roll(self.classes_, 1))}
        drawn = [other[label] if w else label for label, w in zip(labels, wrong)]
        X = np.stack([self.means_[label] for label in drawn])
        return X + rng.normal(scale=0.01, size=X.shape), labels


@pytest.fixture
def two_shapes():
    t = np.linspace(0, 1, 10)
    rng = np.random.RandomState(0)
    X = np.concatenate([np.tile(t, (12, 1)), np.tile(-t, (12, 1))])[:, :, None]
    return X + rng.normal(scale=0.05, size=X.shape), np.array(["up"] * 12 + ["down"] * 12)


@pytest.mark.parametrize(
    "label_filter",
    ["nearest", make_imblearn_pipeline(SeriesFlattener(), LogisticRegression())],
    ids=["nearest", "classifier"],
)
def test_label_filter_keeps_only_draws_that_look_like_their_class(two_shapes, label_filter):
    X, y = two_shapes
    augmenter = GANAugmenter(
        ConfusedSampler(confusion=0.5),
        synthetic_ratio=1.0,
        label_filter=label_filter,
        random_state=0,
    )
    X_res, y_res = augmenter.fit_resample(X, y)
    assert augmenter.n_synthetic_ == 24 and len(X_res) == 48
    X_new, y_new = X_res[24:], y_res[24:]
    slope = X_new[:, -1, 0] - X_new[:, 0, 0]
    assert np.all((slope > 0) == (y_new == "up"))
    assert sorted(y_new) == sorted(y)
    assert 0.3 < augmenter.filter_acceptance_ < 0.7  # about half the draws were wrong

    unfiltered = augmenter.set_params(label_filter=None).fit_resample(X, y)
    slope = unfiltered[0][24:, -1, 0] - unfiltered[0][24:, 0, 0]
    assert np.any((slope > 0) != (unfiltered[1][24:] == "up"))
    assert augmenter.filter_acceptance_ == 1.0


def test_label_filter_warns_and_returns_fewer_when_draws_keep_failing(two_shapes):
    X, y = two_shapes
    augmenter = GANAugmenter(
        ConfusedSampler(confusion=1.0), synthetic_ratio=1.0, label_filter="nearest"
    )
    with pytest.warns(UserWarning, match=r"kept 0 of the 24 .*short by \{'down': 12, 'up': 12\}"):
        X_res, y_res = augmenter.fit_resample(X, y)
    assert len(X_res) == 24 and augmenter.n_synthetic_ == 0
    assert augmenter.filter_acceptance_ == 0.0


def test_label_filter_is_seeded_and_reads_every_format(two_shapes):
    X, y = two_shapes
    augmenter = GANAugmenter(
        ConfusedSampler(confusion=0.5),
        synthetic_ratio=2.0,
        label_filter="nearest",
        random_state=1,
    )
    first, second = augmenter.fit_resample(X, y), augmenter.fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    ragged = [x[: 7 + i % 4] for i, x in enumerate(X)]
    augmenter.set_params(sampler=JitterSampler())
    X_list, y_list = augmenter.fit_resample(ragged, y)
    assert isinstance(X_list, list) and len(X_list) == len(y_list) == 72
    assert {len(x) for x in X_list} <= {7, 8, 9, 10}


class AttributeEchoSampler(ConfusedSampler):
    """ConfusedSampler with a static attribute ``level``: channel 1 of every drawn series
    holds the level it was drawn with, so a series shows which attribute row it came with."""

    def fit(self, X, y=None, static=None):
        assert len(static) == len(X), "the attributes must come with the same series"
        self.levels_, self.labelled_ = np.asarray(static)[:, 0], y is not None
        return super().fit(X, np.zeros(len(X)) if y is None else y)

    def sample(self, n, y=None, static=None, random_state=None):
        labels = y if self.labelled_ else np.zeros(n)
        X, labels = super().sample(n, labels, random_state=random_state)
        levels = np.random.RandomState(random_state).choice(self.levels_, size=n)
        X[:, :, 1] = levels[:, None]
        drawn = pd.DataFrame({"level": levels})
        return (X, labels, drawn) if self.labelled_ else (X, drawn)


@pytest.fixture
def leveled_shapes(two_shapes):
    """``two_shapes`` with a ``level`` attribute per series, repeated in channel 1."""
    X, y = two_shapes
    static = pd.DataFrame({"level": np.arange(len(X)) % 3})
    levels = np.broadcast_to(static.to_numpy()[:, None, :], X.shape)
    return np.concatenate([X, levels], axis=2), y, static


@pytest.mark.parametrize("label_filter", [None, "nearest"])
def test_static_attributes_come_back_row_for_row_with_their_series(leveled_shapes, label_filter):
    X, y, static = leveled_shapes
    augmenter = GANAugmenter(
        AttributeEchoSampler(confusion=0.5),
        synthetic_ratio=1.0,
        label_filter=label_filter,
        random_state=0,
    )
    X_res, y_res = augmenter.fit_resample(X, y, static=static)
    attributes = augmenter.static_resampled_
    assert isinstance(attributes, pd.DataFrame) and list(attributes.columns) == ["level"]
    assert len(attributes) == len(X_res) == len(y_res) == 48
    pd.testing.assert_frame_equal(attributes.iloc[:24], static)  # the real rows first
    # every synthetic series sits beside the attributes it was drawn with
    np.testing.assert_array_equal(X_res[24:, 0, 1], attributes["level"].iloc[24:])
    assert len(np.unique(attributes["level"].iloc[24:])) > 1


def test_static_attributes_without_labels_and_as_an_array(leveled_shapes):
    X, y, static = leveled_shapes
    sampler = AttributeEchoSampler(confusion=0.0)
    augmenter = GANAugmenter(sampler, synthetic_ratio=0.5, random_state=0)
    X_res, y_res = augmenter.fit_resample(X, static=static.to_numpy())
    assert y_res is None and isinstance(augmenter.static_resampled_, np.ndarray)
    assert augmenter.static_resampled_.shape == (36, 1)
    np.testing.assert_array_equal(augmenter.static_resampled_[:24], static.to_numpy())


def test_static_attributes_need_a_sampler_that_takes_them(leveled_shapes):
    X, y, static = leveled_shapes
    augmenter = GANAugmenter(JitterSampler(), random_state=0)
    with pytest.raises(ValueError, match="JitterSampler.fit does not take them"):
        augmenter.fit_resample(X, y, static=static)
    augmenter.fit_resample(X, y)
    assert augmenter.static_resampled_ is None


@pytest.mark.parametrize(
    "labelled, with_static, expected",
    [
        (True, False, ClassWiseSampler),
        (False, False, DiffusionSampler),
        (True, True, DiffusionSampler),
        (False, True, DiffusionSampler),
    ],
)
def test_the_default_sampler_is_diffusion_per_class_for_labelled_series(
    labelled, with_static, expected
):
    sampler = default_sampler(labelled=labelled, with_static=with_static)
    assert type(sampler) is expected
    if expected is ClassWiseSampler:  # its own default: one DiffusionSampler per class
        assert sampler.sampler is None


def test_sampler_none_asks_for_the_default_that_fits_the_input(leveled_shapes, monkeypatch):
    X, y, static = leveled_shapes
    asked = []

    def recording_default(*, labelled, with_static):
        asked.append((labelled, with_static))
        return AttributeEchoSampler(confusion=0.0) if with_static else RandomSeriesSampler()

    monkeypatch.setattr(augmenter_module, "default_sampler", recording_default)
    augmenter = GANAugmenter(synthetic_ratio=0.5, random_state=0)
    augmenter.fit_resample(X, y)
    augmenter.fit_resample(X)
    augmenter.fit_resample(X, y, static=static)
    assert asked == [(True, False), (False, False), (True, True)]
    assert isinstance(augmenter.sampler_, AttributeEchoSampler)
    assert augmenter.get_params()["sampler"] is None  # the parameter is left as given


@pytest.mark.filterwarnings("ignore:RCGANSampler has trained too little")
def test_a_real_sampler_draws_attributes_from_the_training_levels():
    X = np.random.RandomState(0).normal(size=(20, 8, 1))
    y = np.array(["a"] * 14 + ["b"] * 6)
    static = pd.DataFrame({"site": pd.Categorical(["north", "south"] * 10), "kw": X[:, 0, 0]})
    augmenter = GANAugmenter(RCGANSampler(n_epochs=1, hidden_size=4), random_state=0)
    X_res, y_res = augmenter.fit_resample(X, y, static=static)
    drawn = augmenter.static_resampled_.iloc[20:]
    assert len(drawn) == len(X_res) - 20 == 8
    assert drawn["site"].dtype == static["site"].dtype
    assert set(drawn["site"]) <= {"north", "south"}
    assert drawn["kw"].between(static["kw"].min(), static["kw"].max()).all()


def test_augmented_classifier_passes_static_attributes_fold_by_fold(leveled_shapes):
    X, y, static = leveled_shapes
    model = AugmentedClassifier(
        make_imblearn_pipeline(SeriesFlattener(), LogisticRegression()),
        GANAugmenter(AttributeEchoSampler(confusion=0.0), synthetic_ratio=1.0, random_state=0),
    )
    # the double asserts that each fold's attributes come with that fold's series
    search = GridSearchCV(model, {"augmenter__synthetic_ratio": [0.5, 1.0]}, cv=3)
    search.fit(X, y, static=static)
    fitted = search.best_estimator_.augmenter_
    assert len(fitted.static_resampled_) == len(y) * (1 + fitted.synthetic_ratio)


def test_imblearn_pipeline_routes_static_attributes_to_the_augmenter(leveled_shapes):
    X, y, static = leveled_shapes
    with config_context(enable_metadata_routing=True):
        augmenter = GANAugmenter(AttributeEchoSampler(confusion=0.0), random_state=0)
        pipe = make_imblearn_pipeline(
            augmenter.set_fit_resample_request(static=True),
            SeriesFlattener(),
            LogisticRegression(),
        )
        search = GridSearchCV(pipe, {"ganaugmenter__synthetic_ratio": [0.5]}, cv=2)
        search.fit(X, y, static=static)
    fitted = search.best_estimator_[0]
    assert len(fitted.static_resampled_) == 36
    pd.testing.assert_frame_equal(fitted.static_resampled_.iloc[:24], static)
