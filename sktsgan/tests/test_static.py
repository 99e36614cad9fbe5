"""Static attributes: one row of metadata per series, learned with the series."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import sktsgan
from sktsgan import (
    CRNNGANSampler,
    DiffusionSampler,
    RCGANSampler,
    TimeGANSampler,
    VAESampler,
)
from sktsgan.tests._samplers import fast
from sktsgan.utils._static import read_static_table, split_static_columns

# the four sequence samplers that take attributes, in fast configurations; the
# attribute sampler trains a few epochs only
FAST_STATIC_SAMPLERS = [
    fast(RCGANSampler),
    fast(TimeGANSampler, num_layers=1),
    fast(CRNNGANSampler),
    fast(DiffusionSampler, hidden_size=8, num_layers=1, n_heads=4, n_diffusion_steps=200),
]
QUICK_ATTRIBUTES = VAESampler(hidden_size=8, n_epochs=3, random_state=0)


def _ids(samplers):
    return [type(sampler).__name__ for sampler in samplers]


def series_with_attributes(n=40, n_timesteps=6, random_state=0):
    """Series whose level is their numeric attribute, plus a categorical one."""
    rng = np.random.RandomState(random_state)
    level = rng.uniform(1.0, 3.0, n)
    kind = rng.choice(["pump", "fan", "valve"], n)
    X = level[:, None, None] + 0.1 * rng.normal(size=(n, n_timesteps, 2))
    static = pd.DataFrame(
        {"level": level, "kind": pd.Categorical(kind), "count": rng.randint(0, 5, n)}
    )
    return X, static


def as_long_frame(X, static):
    n, t, _ = X.shape
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(100, 100 + n), t),
            "step": np.tile(np.arange(t), n),
            "a": X[:, :, 0].ravel(),
            "b": X[:, :, 1].ravel(),
        }
    )
    for column in static.columns:
        frame[column] = np.repeat(static[column].to_numpy(), t)
    return frame[["unit", "kind", "step", "a", "level", "b", "count"]]


def fitted(sampler, *args, **kwargs):
    return clone(sampler).set_params(static_sampler=QUICK_ATTRIBUTES).fit(*args, **kwargs)


# -- reading the attribute table --------------------------------------------------------


def test_read_static_table_formats():
    table, fmt = read_static_table(np.arange(3.0), 3)
    assert table.shape == (3, 1) and fmt["kind"] == "array"
    table, fmt = read_static_table({"a": 1.5, "b": "x"}, None)
    assert table.shape == (1, 2) and fmt["columns"] == ["a", "b"]
    table, fmt = read_static_table(pd.Series([1, 2], name="s", index=[5, 9]), 2)
    assert fmt["kind"] == "frame" and table.index.tolist() == [0, 1]


@pytest.mark.parametrize(
    "static, match",
    [
        (np.zeros((4, 2)), "has 4 rows but X has 3 series"),
        (np.zeros((3, 0)), "is empty"),
        (np.zeros((3, 2, 2)), "a table of attributes"),
        ({"a": [1, 2, 3], "b": [1, 2]}, "different lengths"),
        (pd.DataFrame([[1, 2]] * 3, columns=["a", "a"]), "duplicated column names"),
    ],
)
def test_read_static_table_refuses(static, match):
    with pytest.raises(ValueError, match=match):
        read_static_table(static, 3)


def test_split_static_columns_keeps_series_order_and_dtypes():
    frame = pd.DataFrame(
        {"id": [7, 7, 3, 3, 5], "kind": ["a", "a", "b", "b", "a"], "v": [1.0, 2, 3, 4, 5]}
    )
    frame["kind"] = frame["kind"].astype("category")
    dynamic, table = split_static_columns(frame, "id", ["kind"])
    assert list(dynamic.columns) == ["id", "v"]
    assert table["kind"].tolist() == ["a", "b", "a"]  # series 7, 3, 5: first appearance
    assert isinstance(table["kind"].dtype, pd.CategoricalDtype)


def test_split_static_columns_names_the_varying_series():
    frame = pd.DataFrame({"id": [1, 1, 2, 2], "kind": ["a", "a", "b", "c"], "v": [0.0] * 4})
    with pytest.raises(ValueError, match=r"'kind' varies within series 2 .*\['b', 'c'\]"):
        split_static_columns(frame, "id", ["kind"])


@pytest.mark.parametrize(
    "columns, match",
    [(["nope"], "not a column of X"), (["id"], "the id column"), ([], "is empty")],
)
def test_split_static_columns_refuses(columns, match):
    frame = pd.DataFrame({"id": [1, 1, 2], "v": [0.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match=match):
        split_static_columns(frame, "id", columns)


# -- fit and sample, arrays in ----------------------------------------------------------


@pytest.mark.parametrize("sampler", FAST_STATIC_SAMPLERS, ids=_ids(FAST_STATIC_SAMPLERS))
def test_joint_draw_gives_series_and_attributes_in_the_training_container(sampler):
    X, static = series_with_attributes()
    model = fitted(sampler, X, static=static)
    X_new, static_new = model.sample(25)
    assert X_new.shape == (25, X.shape[1], X.shape[2])
    assert isinstance(static_new, pd.DataFrame) and len(static_new) == 25
    assert list(static_new.columns) == ["level", "kind", "count"]
    assert static_new.dtypes.tolist() == static.dtypes.tolist()
    assert set(static_new["kind"]) <= set(static["kind"])
    assert static_new["level"].between(static["level"].min(), static["level"].max()).all()
    assert model.static_sampler_.n_samples_fit_ == len(X)


@pytest.mark.parametrize("sampler", FAST_STATIC_SAMPLERS, ids=_ids(FAST_STATIC_SAMPLERS))
def test_requested_attributes_come_back_as_asked(sampler):
    X, static = series_with_attributes()
    model = fitted(sampler, X, static=static)
    asked = static.iloc[[3, 0, 7]].reset_index(drop=True)
    X_new, static_new = model.sample(3, static=asked, random_state=0)
    assert X_new.shape[0] == 3
    pd.testing.assert_frame_equal(static_new, asked)
    one = {"level": 2.0, "kind": "fan", "count": 1}  # one row for every series
    _, static_new = model.sample(4, static=one, random_state=0)
    assert static_new["level"].tolist() == [2.0] * 4
    assert static_new["kind"].tolist() == ["fan"] * 4


def test_array_attributes_come_back_as_an_array_and_labels_in_the_middle():
    X, static = series_with_attributes()
    y = np.where(static["level"] > 2, "high", "low")
    model = fitted(FAST_STATIC_SAMPLERS[0], X, y, static=static[["level", "count"]].to_numpy())
    X_new, y_new, static_new = model.sample(6, y="high")
    assert isinstance(static_new, np.ndarray) and static_new.shape == (6, 2)
    assert y_new.tolist() == ["high"] * 6
    X_new, y_new, static_new = model.sample(2, static=[[1.5, 2]])
    assert static_new.tolist() == [[1.5, 2.0], [1.5, 2.0]]


def test_attribute_sampler_is_conditioned_on_the_class():
    rng = np.random.RandomState(0)
    y = np.repeat(["a", "b"], 30)
    X = rng.normal(size=(60, 5, 1))
    static = pd.DataFrame({"site": np.where(y == "a", "north", "south")})
    model = clone(FAST_STATIC_SAMPLERS[0]).set_params(
        static_sampler=VAESampler(n_epochs=300, random_state=0)
    )
    model.fit(X, y, static=static)
    _, y_new, static_new = model.sample(200, random_state=0)
    agree = (static_new["site"] == np.where(y_new == "a", "north", "south")).mean()
    assert agree > 0.9


@pytest.mark.parametrize(
    "sampler, budget",
    [
        (RCGANSampler(hidden_size=16, random_state=0), {"n_epochs": 150}),
        (DiffusionSampler(random_state=0), {"n_epochs": 30}),
    ],
    ids=["RCGANSampler", "DiffusionSampler"],
)
def test_series_follow_the_requested_attribute_between_training_values(sampler, budget):
    # a known answer: each series sits at the level its attribute says
    rng = np.random.RandomState(0)
    level = rng.uniform(0, 1, 200)
    X = level[:, None, None] + 0.05 * rng.normal(size=(200, 8, 1))
    model = clone(sampler).set_params(static_sampler=QUICK_ATTRIBUTES, **budget)
    model.fit(X, static=pd.DataFrame({"level": level}))
    asked = np.linspace(0.05, 0.95, 40)
    assert not np.isin(asked, level).any()  # values never seen in training
    X_new, _ = model.sample(40, static={"level": asked}, random_state=0)
    assert np.corrcoef(asked, X_new.mean(axis=(1, 2)))[0, 1] > 0.9


# -- long DataFrames ------------------------------------------------------------------


def test_long_frame_with_static_columns_round_trips_its_columns():
    X, static = series_with_attributes()
    frame = as_long_frame(X, static)
    model = fitted(
        clone(FAST_STATIC_SAMPLERS[0]).set_params(
            id_column="unit", time_column="step", static_columns=["kind", "level", "count"]
        ),
        frame,
    )
    out = model.sample(5)
    assert list(out.columns) == list(frame.columns)
    assert out.dtypes.tolist() == frame.dtypes.tolist()
    constant = out.groupby("unit")[["kind", "level", "count"]].nunique()
    assert (constant.to_numpy() == 1).all()
    assert model.n_features_in_ == 2
    asked = {"kind": "fan", "level": 1.5, "count": 3}
    out = model.sample(2, static=asked)
    assert (out["kind"] == "fan").all() and (out["level"] == 1.5).all()


def test_static_columns_need_a_long_frame_and_exclude_a_table():
    X, static = series_with_attributes()
    with pytest.raises(ValueError, match="needs X as a long DataFrame with id_column"):
        clone(FAST_STATIC_SAMPLERS[0]).set_params(static_columns=["kind"]).fit(X)
    frame = as_long_frame(X, static)
    model = clone(FAST_STATIC_SAMPLERS[0]).set_params(id_column="unit", static_columns=["kind"])
    with pytest.raises(ValueError, match="both static_columns and fit"):
        model.fit(frame, static=static)


# -- what sample refuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "static, match",
    [
        ({"level": 9.0, "kind": "fan", "count": 1}, r"'level'\] holds 9.0, outside the training"),
        ({"level": 2.0, "kind": "drill", "count": 1}, "'drill', a level not seen in training"),
        ({"level": 2.0, "kind": "fan"}, "static has columns"),
        (pd.DataFrame({"level": [2.0] * 2, "kind": ["fan"] * 2, "count": [1] * 2}), "has 2 rows"),
    ],
)
def test_sample_refuses_attributes_the_model_has_not_learned(static, match):
    X, table = series_with_attributes()
    model = fitted(FAST_STATIC_SAMPLERS[0], X, static=table)
    with pytest.raises(ValueError, match=match):
        model.sample(3, static=static)


def test_sampler_fitted_without_attributes_refuses_them_and_refit_forgets_them():
    X, static = series_with_attributes()
    model = fitted(FAST_STATIC_SAMPLERS[0], X, static=static)
    model.fit(X)  # a refit without attributes
    assert not hasattr(model, "static_encoder_") and not hasattr(model, "static_sampler_")
    assert isinstance(model.sample(2), np.ndarray)
    with pytest.raises(ValueError, match="fitted without static attributes"):
        model.sample(2, static=static.iloc[:1])


def test_a_failed_fit_keeps_the_model_fitted_before():
    X, static = series_with_attributes()
    model = fitted(FAST_STATIC_SAMPLERS[0], X, static=static)
    before = model.sample(3, random_state=0)
    with pytest.raises(ValueError, match="has 5 rows"):
        model.fit(X, static=static.iloc[:5])
    after = model.sample(3, random_state=0)
    np.testing.assert_array_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])


# -- reproducibility and persistence ----------------------------------------------------


def test_same_seed_same_series_and_attributes():
    X, static = series_with_attributes()
    first = fitted(FAST_STATIC_SAMPLERS[0], X, static=static).sample(5)
    second = fitted(FAST_STATIC_SAMPLERS[0], X, static=static).sample(5)
    np.testing.assert_array_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])


@pytest.mark.parametrize("how", ["save", "pickle"])
def test_saved_model_draws_the_same_series_and_attributes(how, tmp_path):
    X, static = series_with_attributes()
    y = np.where(static["level"] > 2, 1, 0)
    model = fitted(FAST_STATIC_SAMPLERS[1], X, y, static=static)
    if how == "save":
        model.save(tmp_path / "model.sktsgan")
        loaded = sktsgan.load(tmp_path / "model.sktsgan")
        assert loaded.get_params()["static_sampler"].get_params() == QUICK_ATTRIBUTES.get_params()
    else:
        loaded = pickle.loads(pickle.dumps(model))
    for a, b in zip(model.sample(4, random_state=3), loaded.sample(4, random_state=3)):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            np.testing.assert_array_equal(a, b)


def test_a_failed_attribute_model_leaves_a_sampler_that_takes_asked_attributes():
    X, static = series_with_attributes()
    model = fitted(FAST_STATIC_SAMPLERS[0], X, static=static)
    broken = VAESampler(n_epochs=3, lr=1e30, random_state=0)  # diverges at once
    with pytest.raises(FloatingPointError):
        model.set_params(static_sampler=broken).fit(X, static=static)
    assert not hasattr(model, "static_sampler_")
    with pytest.raises(ValueError, match="no attribute model"):
        model.sample(2)
    X_new, static_new = model.sample(2, static=static.iloc[:1])
    assert len(static_new) == 2
