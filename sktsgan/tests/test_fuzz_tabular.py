"""Property-based tests of the tabular samplers and their encoding, on mixed tables.

The oracle of ``test_fuzz.py``: each input either gives a correct round trip or raises
ValueError/TypeError with a message raised by sktsgan (or by scikit-learn's or
imbalanced-learn's validation). A correct tabular round trip has the training columns
in their order, their dtypes and ``n`` rows; numeric values within each column's
training minimum and maximum (``clip_to_bounds=True``), integral in integer columns;
categorical values among the levels seen in training (NaN only where NaN was one).
Inputs valid by construction must work.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_fuzz import (
    FUZZ,
    any_arrays,
    assert_round_trip,
    column_names,
    elements,
    n_draws,
    outcome,
    valid_series,
)

import sktsgan
from sktsgan import DenseGANSampler, VAESampler
from sktsgan.augment import GANAugmenter
from sktsgan.preprocessing import TabularEncoder
from sktsgan.preprocessing._tabular import is_categorical_dtype
from sktsgan.utils.validation import check_table

pytestmark = [
    # fuzzed values beyond float32's range on purpose (see test_fuzz.py)
    pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning"),
    # the fuzzed tables may have fewer rows than the tiny models' batch_size=4
    pytest.mark.filterwarnings("ignore:batch_size=4 is larger than:UserWarning"),
]

# Tiny models: these tests check the data contract, not the quality of the samples.
TABULAR = {
    "DenseGANSampler": lambda: DenseGANSampler(
        hidden_size=3, latent_dim=2, n_epochs=1, n_critic=1, batch_size=4, random_state=0
    ),
    "VAESampler": lambda: VAESampler(
        hidden_size=2, latent_dim=2, n_epochs=1, batch_size=4, random_state=0
    ),
}
NAMES = sorted(TABULAR)

KINDS = [
    "float",
    "float32",
    "int",
    "int8",
    "uint8",
    "Int64",
    "Float64",
    "bool",
    "boolean",
    "category",
    "object",
    "mixed",
    "str",
    "string",
    "datetime",
]
# kinds a valid table may hold (datetimes are refused unless named categorical)
VALID_KINDS = KINDS[:-1]
CATEGORICAL_KINDS = {"bool", "boolean", "category", "object", "mixed", "str", "string"}
# large magnitudes that standard scaling still takes (beyond 1e150 it refuses them)
HUGE = st.sampled_from([1e150, -1e150, 1e15, -1e15, 2.0**53, 1e-300])


@st.composite
def table_column(draw, kind, n_rows, *, valid):
    """One column of ``kind``, maybe with missing values; with ``valid``, missing values
    only where they are allowed (a categorical column, not all of it) and integers that
    float64 holds exactly."""
    holes = np.zeros(n_rows, dtype=bool)
    if n_rows and draw(st.booleans()) and (not valid or kind in CATEGORICAL_KINDS):
        holes = draw(hnp.arrays(bool, n_rows))
        holes[0] &= not valid  # a valid column keeps a value
    if kind in ("float", "float32", "Float64"):
        values = st.one_of(st.floats(-1e3, 1e3), HUGE) if valid else elements(float)
        column = draw(hnp.arrays(float, n_rows, elements=values))
        column[holes] = np.nan
        if kind == "float32":
            column = column.astype(np.float32)
            assume(not valid or np.isfinite(column).all())  # 1e300 overflows float32
        elif kind == "Float64":
            column = pd.array(column, dtype="Float64")  # NaN becomes pd.NA
        return pd.Series(column)
    if kind in ("int", "int8", "uint8"):
        dtype = {"int": np.int64, "int8": np.int8, "uint8": np.uint8}[kind]
        values = st.integers(-(2**53) + 1, 2**53 - 1) if valid and kind == "int" else None
        return pd.Series(draw(hnp.arrays(dtype, n_rows, elements=values)))
    if kind == "Int64":
        column = pd.array(draw(hnp.arrays(np.int64, n_rows, elements=st.integers(-9, 9))))
        column = column.astype("Int64")
        column[holes] = pd.NA
        return pd.Series(column)
    if kind in ("bool", "boolean"):
        column = draw(hnp.arrays(bool, n_rows))
        if kind == "boolean":
            column = pd.array(column, dtype="boolean")
            column[holes] = pd.NA
        elif holes.any():  # numpy has no missing bool: an object column
            column = np.where(holes, None, column).astype(object)
        return pd.Series(column)
    if kind == "datetime":
        column = draw(hnp.arrays("datetime64[s]", n_rows))
        column[holes] = np.datetime64("NaT")
        return pd.Series(column)
    words = st.text(st.sampled_from(["a", "b", "é", "1", " "]), max_size=2)
    if kind == "mixed":
        words = st.one_of(words, st.integers(-2, 2), st.booleans(), st.just(1.5))
    values = draw(st.lists(words, min_size=n_rows, max_size=n_rows))
    values = [None if hole else value for value, hole in zip(values, holes)]
    if kind == "category":
        unused = draw(st.lists(st.sampled_from(["zz", "yy"]), unique=True))
        present = list(dict.fromkeys(v for v in values if v is not None))
        categories = present + [u for u in unused if u not in present]
        return pd.Series(pd.Categorical(values, categories=categories))
    dtype = {"object": object, "mixed": object, "str": str, "string": "string"}[kind]
    return pd.Series(values, dtype=dtype)


@st.composite
def tables(draw, *, valid=False):
    """Mixed-type DataFrames: every dtype, NaN patterns, odd names, 0 to 8 rows."""
    n_rows = draw(st.integers(2, 8) if valid else st.integers(0, 6))
    if valid:
        names = draw(st.lists(column_names, min_size=1, max_size=4, unique=True))
        assume(len({hash(name) for name in names}) == len(names))  # 1 and True are one label
    else:
        names = draw(st.lists(column_names, max_size=4))
    kinds = VALID_KINDS if valid else KINDS
    columns = [
        draw(table_column(draw(st.sampled_from(kinds)), n_rows, valid=valid)) for _ in names
    ]
    if columns and n_rows and draw(st.booleans()):  # a constant column
        j = draw(st.integers(0, len(columns) - 1))
        columns[j] = pd.Series([columns[j].iloc[0]] * n_rows, dtype=columns[j].dtype)
    frame = pd.DataFrame(dict(enumerate(columns)), index=range(n_rows))
    frame.columns = pd.Index(names, dtype=object, tupleize_cols=False)
    return frame


def categorical_choices(frame):
    """``categorical_columns``: None, names or positions (valid and not), odd values."""
    names = list(frame.columns) if isinstance(frame, pd.DataFrame) else []
    width = frame.shape[1] if np.ndim(frame) == 2 else 2
    keys = st.one_of(
        st.sampled_from(names) if names else st.nothing(),
        st.integers(-1, width),
        st.sampled_from(["nope", 1.5, None, True, (0,)]),
    )
    return st.one_of(
        st.none(),
        st.lists(keys, max_size=3),
        st.sampled_from([[], "abc", 3, np.array([0]), np.array([[0]])]),
    )


def table_labels(n_rows):
    """None, labels of a valid kind (two or more rows per class) or any labels."""
    valid = st.sampled_from([[0, 1], ["a", "b"], [True, False]]).map(
        lambda classes: np.array([classes[i % 2] for i in range(n_rows)])
    )
    any_labels = st.lists(
        st.sampled_from([0, 1, "a", None, 1.5]), min_size=n_rows, max_size=n_rows
    )
    return st.one_of(st.none(), st.none(), valid, any_labels, st.just([0]))


def training_levels(column):
    levels = set(column.dropna().tolist())
    return levels, bool(column.isna().any())


def assert_table_round_trip(X, samples, n, sampler):
    """``samples`` of a sampler fitted on the table ``X`` keep its contract."""
    assert isinstance(samples, pd.DataFrame) and len(samples) == n
    assert list(samples.columns) == list(X.columns)
    assert list(samples.dtypes) == list(X.dtypes)
    categorical = sampler.encoder_.categorical_columns_
    for j, name in enumerate(X.columns):
        real, fake = X.iloc[:, j], samples.iloc[:, j]
        if name in categorical:
            levels, had_nan = training_levels(real)
            assert set(fake.dropna().tolist()) <= levels, f"column {name!r}: unseen level"
            assert had_nan or not fake.isna().any(), f"column {name!r}: NaN never seen"
        else:
            assert not fake.isna().any(), f"column {name!r}: NaN in a numeric column"
            assert fake.min() >= real.min() and fake.max() <= real.max(), (
                f"column {name!r} left its training range"
            )
            if pd.api.types.is_integer_dtype(real.dtype):
                values = fake.to_numpy(dtype=np.float64)
                assert np.array_equal(values, np.round(values))


def assert_rows_round_trip(X, samples, n, categorical):
    """Samples of a 2-D array: an array of the same width; categorical columns (by
    position) keep their training values, every column its range."""
    assert isinstance(samples, np.ndarray) and samples.shape == (n, X.shape[1])
    real = np.asarray(X).astype(np.float64)
    assert samples.dtype == (X.dtype if X.dtype.kind in "biuf" else np.float64)
    fake = samples.astype(np.float64)
    assert (fake >= real.min(axis=0)).all() and (fake <= real.max(axis=0)).all()
    for j in categorical:
        assert set(fake[:, j].tolist()) <= set(real[:, j].tolist())
    if X.dtype.kind in "biu":
        assert np.array_equal(fake, np.round(fake))


def fit_sample(name, X, y, n, *, categorical_columns=None, must_work=False):
    """Fit and sample; check the round trip of whatever works. Returns the sampler."""
    sampler = TABULAR[name]().set_params(categorical_columns=categorical_columns)
    fitted = outcome(lambda: sampler.fit(X, y), must_work=must_work)
    event(f"fit {'worked' if fitted is not None else 'refused'}")
    if fitted is None:
        return None
    valid_n = isinstance(n, (int, np.integer)) and not isinstance(n, bool) and 0 < n <= 100
    result = outcome(lambda: sampler.sample(n, random_state=0), must_work=valid_n)
    if result is None:
        return sampler
    samples = result
    if y is not None:
        samples, labels = result
        assert len(labels) == n and set(labels.tolist()) <= set(np.asarray(y).tolist())
    if isinstance(X, pd.DataFrame):
        assert_table_round_trip(X, samples, n, sampler)
    elif np.ndim(X) == 2:
        positions = [sampler.encoder_._columns.index(c) for c in sampler.encoder_.categories_]
        assert_rows_round_trip(np.asarray(X), samples, n, positions)
    else:
        assert_round_trip(X, samples, n)
    return sampler


def odd_n():
    return st.one_of(n_draws(), st.sampled_from([1, 3, 7, 33, 99]))


# -- the samplers ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.data(), X=st.one_of(tables(), tables(), any_arrays(), valid_series()), n=odd_n())
def test_tabular_fit_sample_works_or_refuses_any_input(name, data, X, n):
    categorical_columns = data.draw(categorical_choices(X), label="categorical_columns")
    y = data.draw(table_labels(len(X)) if np.ndim(X) else st.none(), label="y")
    fit_sample(name, X, y, n, categorical_columns=categorical_columns)


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(
    data=st.data(),
    X=tables(valid=True),
    n=st.integers(1, 40),
    conditional=st.booleans(),
    named=st.booleans(),
)
def test_tabular_round_trips_valid_tables(name, data, X, n, conditional, named):
    y = np.array(["a", "b"] * len(X))[: len(X)] if conditional and len(X) >= 4 else None
    categorical_columns = None
    if named and "when" not in list(X.columns):
        # named categorical columns, among them a datetime column (refused unnamed)
        categorical_columns = [c for c, dtype in X.dtypes.items() if is_categorical_dtype(dtype)]
        categorical_columns.append("when")
        when = data.draw(table_column("datetime", len(X), valid=False), label="when")
        assume(when.notna().any())
        X = X.assign(when=when.to_numpy())
    fit_sample(name, X, y, n, categorical_columns=categorical_columns, must_work=True)


@st.composite
def numeric_rows(draw):
    """2-D numeric arrays every tabular sampler must accept, with integer-coded columns."""
    n = draw(st.integers(2, 7))
    d = draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_]))
    values = st.floats(-1e6, 1e6, width=32) if np.dtype(dtype).kind == "f" else None
    if dtype == np.int64:
        values = st.integers(-(2**53) + 1, 2**53 - 1)
    X = draw(hnp.arrays(dtype, (n, d), elements=values))
    positions = draw(st.lists(st.integers(0, d - 1), unique=True, max_size=d))
    return X, positions or None


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(case=st.one_of(numeric_rows(), valid_series().map(lambda X: (X, None))), n=odd_n())
def test_tabular_round_trips_arrays_and_series(name, case, n):
    X, positions = case
    fit_sample(name, X, None, n, categorical_columns=positions, must_work=True)


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(X=tables(valid=True), asked=st.sampled_from([None, "a", "b", "unknown", ["a"], 3]))
def test_tabular_conditional_sample(name, X, asked):
    assume(len(X) >= 4)
    y = np.array(["a", "b"] * len(X))[: len(X)]
    sampler = TABULAR[name]().fit(X, y)
    result = outcome(lambda: sampler.sample(3, y=asked, random_state=0))
    if asked not in (None, "a", "b"):
        assert result is None
        return
    samples, labels = result
    assert_table_round_trip(X, samples, 3, sampler)
    assert asked is None or (labels == asked).all()


@st.composite
def changed_tables(draw, X):
    """``X`` changed: columns dropped, renamed, reordered, retyped, new levels, rows cut."""
    change = draw(
        st.sampled_from(["same", "drop", "rename", "reverse", "retype", "level", "rows", "array"])
    )
    X = X.copy()
    j = draw(st.integers(0, X.shape[1] - 1))
    if change == "drop":
        X = X.iloc[:, [k for k in range(X.shape[1]) if k != j]]
    elif change == "rename":
        X.columns = pd.Index([*X.columns[:j], "renamed", *X.columns[j + 1 :]], dtype=object)
    elif change == "reverse":
        X = X.iloc[:, ::-1]
    elif change == "retype":
        X.isetitem(j, X.iloc[:, j].astype(draw(st.sampled_from([object, str, float, "category"]))))
    elif change == "level":
        X.isetitem(j, pd.Series(["never seen"] * len(X), dtype=object))
    elif change == "rows":
        X = X.iloc[: draw(st.integers(0, len(X)))]
    elif change == "array":
        return X.to_numpy()
    return X


@FUZZ
@given(
    data=st.data(),
    X=st.one_of(tables(valid=True), numeric_rows().map(lambda case: case[0]), valid_series()),
)
def test_vae_transform_of_changed_inputs(data, X):
    sampler = TABULAR["VAESampler"]().fit(X)
    Z = outcome(lambda: sampler.transform(X), must_work=True)
    assert Z.shape == (len(X), 2) and np.isfinite(Z).all()
    changed = changed_tables(X) if isinstance(X, pd.DataFrame) else valid_series()
    X_new = data.draw(st.one_of(changed, tables(), any_arrays()), label="X_new")
    Z = outcome(lambda: sampler.transform(X_new))
    if Z is not None:
        assert Z.shape == (len(X_new), 2) and np.isfinite(Z).all()


# -- the encoding ------------------------------------------------------------------


@FUZZ
@given(
    data=st.data(),
    X=st.one_of(tables(), tables(valid=True), any_arrays()),
    scaling=st.sampled_from(["standard", "quantile"]),
)
def test_tabular_encoder_round_trip(data, X, scaling):
    categorical_columns = data.draw(
        st.one_of(st.none(), categorical_choices(X)), label="categorical_columns"
    )
    encoder = TabularEncoder(categorical_columns=categorical_columns, numeric_scaling=scaling)
    if outcome(lambda: encoder.fit(X)) is None:
        return
    Z = outcome(lambda: encoder.transform(X), must_work=True)
    assert Z.shape == (len(X), sum(width for _, width in encoder.output_blocks_))
    assert np.isfinite(Z).all()
    back = outcome(lambda: encoder.inverse_transform(Z, random_state=0), must_work=True)
    if isinstance(X, pd.DataFrame):
        # one-hot rows decode to their own level; numbers to themselves, up to rounding
        assert list(back.columns) == list(X.columns) and list(back.dtypes) == list(X.dtypes)
        for j, name in enumerate(X.columns):
            real, decoded = X.iloc[:, j], back.iloc[:, j]
            if name in encoder.categorical_columns_:
                assert decoded.astype(object).equals(real.astype(object))
            else:
                a, b = real.to_numpy(np.float64), decoded.to_numpy(np.float64)
                atol = 1e-6 * np.abs(a).max()
                if scaling == "quantile":
                    # QuantileTransformer puts values within 1e-7 of a column's minimum
                    # or maximum on that bound (scikit-learn's BOUNDS_THRESHOLD)
                    atol = max(atol, 1e-7)
                np.testing.assert_allclose(b, a, rtol=1e-6, atol=atol)
    else:
        assert back.shape == X.shape
    junk = data.draw(st.one_of(any_arrays(), hnp.arrays(float, (3, Z.shape[1]))), label="Z")
    decoded = outcome(lambda: encoder.inverse_transform(junk, random_state=0))
    if decoded is not None:
        assert len(decoded) == len(junk)
    X_new = data.draw(st.one_of(tables(), any_arrays()), label="X_new")
    new = outcome(lambda: encoder.transform(X_new))
    assert new is None or new.shape == (len(X_new), Z.shape[1])


@FUZZ
@given(X=st.one_of(tables(), tables(valid=True)))
def test_check_table_reads_or_refuses(X):
    result = outcome(lambda: check_table(X))
    if result is not None:
        data, fmt = result
        assert data.n_series == len(X) >= 2 and fmt.columns == list(X.columns)


# -- augmentation and persistence ----------------------------------------------------


@FUZZ
@given(
    data=st.data(),
    X=st.one_of(tables(), tables(valid=True)),
    ratio=st.sampled_from([None, 0.5, 1.0]),
)
def test_gan_augmenter_on_mixed_tables(data, X, ratio):
    y = data.draw(table_labels(len(X)), label="y")
    augmenter = GANAugmenter(TABULAR["VAESampler"](), synthetic_ratio=ratio, random_state=0)
    result = outcome(lambda: augmenter.fit_resample(X, y))
    if result is None:
        return
    X_res, y_res = result
    assert isinstance(X_res, pd.DataFrame) and list(X_res.dtypes) == list(X.dtypes)
    assert len(X_res) == len(X) + augmenter.n_synthetic_
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)].reset_index(drop=True), X)
    assert (y_res is None) == (y is None)
    if y_res is not None:
        assert len(y_res) == len(X_res)


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(X=st.one_of(tables(valid=True), numeric_rows().map(lambda case: case[0])))
def test_tabular_save_load_gives_the_same_samples(name, X, tmp_path_factory):
    sampler = TABULAR[name]().fit(X)
    path = tmp_path_factory.mktemp("model") / "model.sktsgan"
    sampler.save(path)
    loaded = sktsgan.load(path)
    expected, got = sampler.sample(5, random_state=3), loaded.sample(5, random_state=3)
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    else:
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == expected.dtype
    # the stream continues where fit left it, in both
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(loaded.sample(2), sampler.sample(2))
