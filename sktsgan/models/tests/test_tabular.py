"""The tabular samplers on mixed-type tables, and their encoding."""

import pickle

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

import sktsgan
from sktsgan import DenseGANSampler, VAESampler
from sktsgan.augment import GANAugmenter
from sktsgan.metrics import make_tstr_scorer
from sktsgan.preprocessing import TabularEncoder

FAST = [
    DenseGANSampler(hidden_size=8, latent_dim=4, n_epochs=2, random_state=0),
    VAESampler(hidden_size=8, latent_dim=2, n_epochs=2, random_state=0),
]
IDS = ["DenseGANSampler", "VAESampler"]


@pytest.fixture(scope="module")
def table():
    """Every dtype a column may have, with a class that shifts two columns."""
    rng = np.random.RandomState(0)
    n = 120
    y = np.where(rng.rand(n) < 0.5, "a", "b")
    shade = pd.Categorical(
        rng.choice(["dark", "light"], size=n), categories=["dark", "light", "x"]
    )
    shade[:3] = np.nan
    return (
        pd.DataFrame(
            {
                "age": rng.randint(18, 80, size=n) + (y == "b") * 20,
                "height": rng.normal(170, 10, size=n).astype(np.float32),
                "city": rng.choice(["Oslo", "Rome", "Lima"], size=n).astype(object),
                "shade": shade,
                "member": rng.rand(n) < 0.3,
                "visits": pd.array(rng.randint(0, 5, size=n), dtype="Int64"),
                "size": pd.array(np.where(y == "a", "S", "L"), dtype="string"),
            }
        ),
        y,
    )


def test_encoder_round_trip_keeps_every_dtype_and_value(table):
    X, _ = table
    encoder = TabularEncoder().fit(X)
    assert encoder.categorical_columns_ == ["city", "shade", "member", "size"]
    Z = encoder.transform(X)
    assert Z.shape == (len(X), 2 + 3 + 3 + 2 + 1 + 2)
    for sampling in ("argmax", "draw"):  # one-hot rows decode to themselves either way
        back = encoder.set_params(categorical_sampling=sampling).inverse_transform(Z)
        pd.testing.assert_frame_equal(back, X)
    assert back["shade"].cat.categories.tolist() == ["dark", "light", "x"]
    assert encoder.categories_["shade"][:2].tolist() == ["dark", "light"]  # "x" never seen
    assert encoder.get_feature_names_out()[:3].tolist() == ["age", "height", "city_Lima"]


def test_encoder_on_arrays_and_named_columns():
    X = np.array([[0.0, 1.5], [2.0, 2.5], [1.0, 3.5], [2.0, 0.5]])
    encoder = TabularEncoder(categorical_columns=[0]).fit(X)
    assert encoder.output_blocks_ == (("softmax", 3), ("numeric", 1))
    np.testing.assert_array_equal(encoder.inverse_transform(encoder.transform(X)), X)
    quantile = TabularEncoder(numeric_scaling="quantile").fit(X)
    np.testing.assert_allclose(quantile.inverse_transform(quantile.transform(X)), X)


def test_draws_follow_the_block_probabilities_and_argmax_the_largest():
    frame = pd.DataFrame({"c": ["u", "v"] * 5})
    encoder = TabularEncoder().fit(frame)
    Z = np.tile([0.7, 0.3], (4000, 1))
    drawn = encoder.inverse_transform(Z, random_state=0)["c"]
    assert abs((drawn == "u").mean() - 0.7) < 0.03
    argmax = encoder.set_params(categorical_sampling="argmax").inverse_transform(Z)["c"]
    assert set(argmax) == {"u"}


@pytest.mark.parametrize("sampler", FAST, ids=IDS)
def test_samples_keep_columns_dtypes_levels_and_bounds(sampler, table):
    X, _ = table
    fitted = sampler.fit(X)
    out = fitted.sample(500)
    assert list(out.columns) == list(X.columns)
    assert out.dtypes.tolist() == X.dtypes.tolist()
    assert set(out["city"]) <= {"Oslo", "Rome", "Lima"}
    assert "x" not in set(out["shade"].dropna())  # declared but never seen in training
    assert out["shade"].isna().any()  # NaN was a level of its own
    assert set(out["size"]) <= {"S", "L"}
    for column in ("age", "height", "visits"):
        assert out[column].min() >= X[column].min() and out[column].max() <= X[column].max()


def test_bounds_are_clipped_only_when_asked(table):
    X, _ = table
    encoder = TabularEncoder().fit(X)
    far = encoder.transform(X.iloc[:2])
    far[:, :2] = [[50.0, 50.0], [-50.0, -50.0]]  # age and height, 50 deviations away
    clipped = encoder.inverse_transform(far)
    assert clipped["age"].tolist() == [X["age"].max(), X["age"].min()]
    loose = encoder.set_params(clip_to_bounds=False).inverse_transform(far)
    assert loose["height"][0] > X["height"].max() + 100 and loose["age"].dtype == np.int64


@pytest.mark.parametrize("sampler", FAST, ids=IDS)
def test_conditional_rows_same_seed_and_pickle(sampler, table):
    X, y = table
    fitted = sampler.fit(X, y)
    rows, labels = fitted.sample(50, y="b")
    assert set(labels) == {"b"} and len(rows) == 50
    again = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(fitted.sample(20)[0], again.sample(20)[0])
    refit = type(sampler)(**sampler.get_params()).fit(X, y)
    pd.testing.assert_frame_equal(
        fitted.sample(30, random_state=1)[0], refit.sample(30, random_state=1)[0]
    )


@pytest.mark.parametrize(
    "sampler, n_epochs",
    [
        (VAESampler(hidden_size=32, latent_dim=4, random_state=0), 150),
        (DenseGANSampler(hidden_size=32, latent_dim=8, random_state=0), 60),
    ],
    ids=IDS[::-1],
)
def test_a_skewed_category_and_its_link_to_a_number_are_learned(sampler, n_epochs):
    rng = np.random.RandomState(1)
    kind = rng.choice(["common", "rare"], size=300, p=[0.8, 0.2])
    X = pd.DataFrame({"kind": kind, "value": rng.normal(size=300) + 4.0 * (kind == "rare")})
    out = sampler.set_params(n_epochs=n_epochs).fit(X).sample(2000, random_state=0)
    assert abs((out["kind"] == "common").mean() - 0.8) < 0.1
    means = out.groupby("kind")["value"].mean()
    assert means["rare"] - means["common"] > 2.0  # the true gap is 4


def test_bad_tables_are_refused_with_the_fix():
    ok = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["u", "v", "u"]})
    model = VAESampler(n_epochs=1)
    with pytest.raises(ValueError, match="'a' is entirely missing"):
        model.fit(ok.assign(a=np.nan))
    with pytest.raises(ValueError, match="'a' has missing values .*SimpleImputer"):
        model.fit(ok.assign(a=[1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="3 distinct values, more than max_categories=2"):
        model.set_params(max_categories=2).fit(ok.assign(b=["u", "v", "w"]))
    with pytest.raises(ValueError, match="categorical_columns names 'c'"):
        VAESampler(categorical_columns=["c"]).fit(ok)
    with pytest.raises(TypeError, match="'b' .* is not numeric but is not in categorical"):
        VAESampler(categorical_columns=["a"]).fit(ok)
    with pytest.raises(ValueError, match="categorical_columns applies to tables"):
        VAESampler(categorical_columns=[0]).fit(np.zeros((4, 3, 2)))
    fitted = VAESampler(n_epochs=1, hidden_size=4).fit(ok)
    with pytest.raises(ValueError, match=r"holds \['w'\], which it did not hold in fit"):
        fitted.transform(ok.assign(b=["u", "w", "v"]))
    with pytest.raises(ValueError, match="Feature names seen at fit time, yet now missing"):
        fitted.transform(ok[["a"]])
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        with pytest.raises(ValueError, match=r"shape \(3, 1\), but VAESampler is expecting 2"):
            fitted.transform(ok[["a"]].to_numpy())
        np.testing.assert_allclose(fitted.transform(ok.to_numpy()), fitted.transform(ok))


def test_augmenter_and_tstr_grid_search_on_a_mixed_table(table):
    X, y = table
    augmenter = GANAugmenter(FAST[1], synthetic_ratio=0.5, random_state=0)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert len(X_res) == 180 and len(y_res) == 180
    assert X_res.dtypes.tolist() == X.dtypes.tolist()
    assert set(X_res["city"]) <= {"Oslo", "Rome", "Lima"}

    search = GridSearchCV(
        FAST[1],
        {"latent_dim": [1, 2]},
        scoring=make_tstr_scorer(random_state=0),
        cv=2,
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all((scores >= 0) & (scores <= 1))

    pipe = make_imb_pipeline(
        GANAugmenter(FAST[0], random_state=0), TabularEncoder(), LogisticRegression()
    )
    assert pipe.fit(X, y).score(X, y) > 0.5


def test_latent_features_in_a_pipeline():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, size=200)
    X = rng.normal(size=(200, 6)) + 2.0 * y[:, None]
    vae = VAESampler(hidden_size=16, latent_dim=3, n_epochs=20, random_state=0)
    Z = vae.fit(X).transform(X)
    assert Z.shape == (200, 3)
    np.testing.assert_allclose(vae.transform(X[:7]), Z[:7], rtol=1e-5, atol=1e-6)
    assert vae.get_feature_names_out().tolist() == ["vaesampler0", "vaesampler1", "vaesampler2"]
    pipe = make_pipeline(vae, LogisticRegression()).fit(X[:100], y[:100])
    assert pipe.score(X[100:], y[100:]) > 0.8  # the classes are far apart


def test_flattened_series_come_back_as_series():
    rng = np.random.RandomState(0)
    hours = np.arange(24)
    days = 50 + 10 * np.sin(2 * np.pi * hours / 24) + rng.normal(size=(80, 24))
    X = days[:, :, None]
    vae = VAESampler(hidden_size=32, latent_dim=4, n_epochs=60, random_state=0).fit(X)
    fake = vae.sample(500)
    assert fake.shape == (500, 24, 1)
    profile = fake[:, :, 0].mean(axis=0)
    assert np.abs(profile - days.mean(axis=0)).max() < 3.0  # the daily shape, amplitude 10
    assert vae.transform(X).shape == (80, 4)


def test_vae_draws_of_a_rare_class_follow_that_class():
    # 15 rows of a rare class far from 200 common ones: with one N(0, 1) prior for every
    # class the latent code carried the class and "rare" draws decoded into common rows
    rng = np.random.RandomState(0)
    common = rng.normal(0.0, 1.0, size=(200, 3))
    rare = rng.normal(4.0, 1.0, size=(15, 3))
    X = pd.DataFrame(np.vstack([common, rare]), columns=["a", "b", "c"])
    y = np.array(["common"] * 200 + ["rare"] * 15)
    sampler = VAESampler(hidden_size=32, latent_dim=4, n_epochs=60, random_state=0).fit(X, y)
    drawn, _ = sampler.sample(400, y="rare")
    assert drawn.to_numpy().mean() > 3.0  # the rare class's mean is 4, the common's 0
    drawn, _ = sampler.sample(400, y="common")
    assert abs(drawn.to_numpy().mean()) < 1.0


def test_latent_features_of_a_long_frame_of_series():
    # its id and time columns are not features: transform reads it as fit did
    X = np.random.RandomState(0).normal(size=(20, 6, 1))
    long = pd.DataFrame(
        {"id": np.repeat(np.arange(20), 6), "t": np.tile(np.arange(6), 20), "x": X.ravel()}
    )
    params = dict(hidden_size=8, latent_dim=2, n_epochs=2, random_state=0)
    by_id = VAESampler(**params, id_column="id", time_column="t").fit(long)
    as_array = VAESampler(**params).fit(X)
    np.testing.assert_allclose(by_id.transform(long[::-1]), as_array.transform(X[::-1]))
    with pytest.raises(ValueError, match="feature names should match"):
        by_id.transform(long.rename(columns={"x": "y"}))


# -- regressions found by the fuzz tests (sktsgan/tests/test_fuzz_tabular.py) ------------

TINY = [
    DenseGANSampler(hidden_size=2, latent_dim=2, n_epochs=1, n_critic=1, random_state=0),
    VAESampler(hidden_size=2, latent_dim=2, n_epochs=1, random_state=0),
]


@pytest.mark.parametrize("sampler", TINY, ids=IDS)
def test_integer_coded_categorical_columns_of_an_array(sampler):
    # the training mask had the array's width, not the wider one-hot encoding: torch error
    X = np.array([[0, 1.5, 7], [1, 2.5, 8], [2, 0.5, 7], [1, 1.0, 8]])
    sampler = clone(sampler).set_params(categorical_columns=[0, 2])
    out = sampler.fit(X).sample(30, random_state=0)
    assert out.shape == (30, 3)
    assert set(out[:, 0]) <= {0, 1, 2} and set(out[:, 2]) <= {7, 8}


@pytest.mark.parametrize("sampler", TINY, ids=IDS)
def test_object_columns_and_odd_labels_come_back_as_they_were(sampler, tmp_path):
    # pandas 3 read the decoded strings as ``str``; labels None and 0 became NaN and 0.0,
    # a column named None was not found (KeyError '[nan] not in index'), and the safe
    # format could not write the object dtype ("dtype '|O' not understood")
    X = pd.DataFrame({0: pd.Series(["u", "v", None, "u"], dtype=object), 1: [1.0, 2.0, 3.0, 4.0]})
    X.columns = pd.Index([0, None], dtype=object)
    fitted = clone(sampler).fit(X)
    out = fitted.sample(20, random_state=0)
    assert list(out.columns) == [0, None] and out.dtypes.tolist() == X.dtypes.tolist()
    assert set(out[0].dropna()) <= {"u", "v"}
    path = tmp_path / "model.sktsgan"
    fitted.save(path)
    pd.testing.assert_frame_equal(sktsgan.load(path).sample(20, random_state=0), out)
    # names of mixed types, which fit takes, are taken by transform too
    if isinstance(fitted, VAESampler):
        assert fitted.transform(X).shape == (4, 2)


def test_the_encoder_refuses_what_it_cannot_read():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["u", "v"]})
    with pytest.raises(ValueError, match="duplicated column names"):
        TabularEncoder().fit(frame.set_axis(["a", "a"], axis=1))
    with pytest.raises(ValueError, match=r"X is empty \(shape \(0, 2\)\)"):
        TabularEncoder().fit(frame.iloc[:0])
    with pytest.raises(TypeError, match="categorical_columns must be a flat list"):
        TabularEncoder(categorical_columns=np.array([[1]])).fit(frame)
    encoder = TabularEncoder().fit(frame)
    with pytest.raises(TypeError, match="Numeric column 'a' holds values that are not numbers"):
        encoder.transform(frame.assign(a=["x", "y"]))
    vae = clone(TINY[1]).fit(frame)
    with pytest.raises(ValueError, match="duplicated column names"):
        vae.transform(frame.set_axis(["a", "a"], axis=1))


def test_values_too_large_to_scale_are_refused_by_name():
    # the variance overflowed: NaN losses and a "Training diverged" error after fit began
    X = pd.DataFrame({"big": [0.0, 1e300, 5e299], "b": ["u", "v", "u"]})
    with pytest.raises(ValueError, match="'big' holds values from 0 to 1e\\+300, too large"):
        clone(TINY[1]).fit(X)
    quantile = TabularEncoder(numeric_scaling="quantile").fit(X)  # it scales by ranks
    assert np.isfinite(quantile.transform(X)).all()


def test_integers_that_float64_cannot_hold_are_refused_in_tables():
    # a constant 2**53 + 1 came back as 2**53, a value outside the training range
    X = pd.DataFrame({"id": np.full(3, 2**53 + 1, dtype=np.int64), "b": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="integers of magnitude 2\\*\\*53 or more"):
        clone(TINY[1]).fit(X)


def test_datetime_levels_outside_python_dates_are_kept():
    # year 0 has no datetime.datetime: its levels were stored as integers, so the
    # training rows themselves were refused as unseen
    when = pd.Series(np.array(["0000-12-31", "2020-01-01"], dtype="datetime64[s]"))
    X = pd.DataFrame({"when": when, "b": [1.0, 2.0]})
    encoder = TabularEncoder(categorical_columns=["when"]).fit(X)
    pd.testing.assert_frame_equal(encoder.inverse_transform(encoder.transform(X)), X)


def test_datetime_columns_are_refused_unless_named_categorical():
    # with categorical_columns=None they were read as numbers: NaT and other dates came out
    when = pd.Series(np.array(["2020-01-01", "NaT", "2021-06-01"], dtype="datetime64[s]"))
    X = pd.DataFrame({"when": when, "b": [1.0, 2.0, 3.0]})
    with pytest.raises(TypeError, match="'when' .* is neither numeric nor categorical"):
        clone(TINY[1]).fit(X)
    with pytest.raises(TypeError, match="'c' .* is neither numeric nor categorical"):
        TabularEncoder().fit(X.drop(columns="when").assign(c=[1j, 2j, 3j]))
    out = clone(TINY[1]).set_params(categorical_columns=["when"]).fit(X).sample(9)
    assert out["when"].dtype == X["when"].dtype and set(out["when"]) <= set(when)


def test_transform_of_an_array_fitted_vae_refuses_duplicated_names():
    # the series path of transform reached narwhals' DuplicateError (a 1000-example
    # fuzz run found it)
    vae = clone(TINY[1]).fit(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="duplicated column names"):
        vae.transform(pd.DataFrame(np.zeros((2, 2)), columns=[None, None]))


def test_a_column_constant_up_to_rounding_encodes_as_zero_and_trains():
    # StandardScaler leaves such a column unscaled: x - mean is rounding noise of 1e34,
    # which overflowed the float32 networks (found by fuzzing the static attributes)
    rng = np.random.RandomState(0)
    huge = 1.33589695e50 * (1 + 1e-16 * rng.randint(-2, 3, 40))
    assert np.ptp(huge) > 0
    table = pd.DataFrame({"huge": huge, "x": rng.normal(size=40)})
    encoder = TabularEncoder().fit(table)
    Z = encoder.transform(table)
    assert (Z[:, 0] == 0).all() and np.abs(Z[:, 1]).max() < 10
    restored = encoder.inverse_transform(Z)
    np.testing.assert_allclose(restored["huge"], huge, rtol=1e-15)
    np.testing.assert_allclose(restored["x"], table["x"])
    samples = VAESampler(hidden_size=4, n_epochs=2, random_state=0).fit(table).sample(5)
    assert np.isfinite(samples.to_numpy()).all()
