"""Property-based tests: every public entry point either works or says what is wrong.

Each input drawn here either gives a correct round trip (same container, shape, dtype,
values inside the training range) or raises ValueError/TypeError with a message raised
by sktsgan (or scikit-learn's parameter validation), never a raw numpy, pandas or
torch error, a MemoryError or a crash. Inputs that are valid by construction must work.

The number of examples per test is set in ``sktsgan/conftest.py``
(``SKTSGAN_FUZZ_EXAMPLES`` overrides it for long runs; see docs/benchmarks.md).
"""

import traceback
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.pipeline import make_pipeline

from sktsgan import (
    CRNNGANSampler,
    DiffusionSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
    VAESampler,
)
from sktsgan.augment import (
    AugmentedClassifier,
    GANAugmenter,
    JitterSampler,
    RandomSeriesSampler,
    ScalingSampler,
    SMOTESampler,
    TimeWarpSampler,
)
from sktsgan.metrics import (
    EmbeddingDisplay,
    SeriesComparisonDisplay,
    crps_ensemble,
    discriminative_score,
    interval_coverage,
    memorization_score,
    moment_gaps,
    predictive_score,
    trtr_score,
    tstr_score,
)
from sktsgan.preprocessing import SeriesFlattener, SeriesSummary
from sktsgan.tests._samplers import fast
from sktsgan.utils.validation import check_labels, check_n_samples, check_sequences

# the fuzzed inputs include float64 values beyond float32's range on purpose: casting
# them (here and in hypothesis) overflows to inf, which the code under test must refuse
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")

SKTSGAN_DIR = str(Path(__file__).resolve().parents[1])
# Where a clear message may come from: our code, or the validation code of scikit-learn
# and imbalanced-learn (parameter constraints, check_array, sampling_strategy checks).
ALLOWED_ORIGINS = (
    SKTSGAN_DIR,
    "sklearn/utils/_param_validation.py",
    "sklearn/utils/validation.py",
    "imblearn/utils/_validation.py",
)

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- the oracle ----------------------------------------------------------------------


def outcome(call, *, must_work=False):
    """Run ``call``; return its result, or None after a clean ValueError/TypeError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call()
    except (ValueError, TypeError) as exc:
        if must_work:
            raise AssertionError(f"a valid input was refused: {exc!r}") from exc
        message = str(exc).strip()
        assert message, f"{type(exc).__name__} without a message"
        origin = traceback.extract_tb(exc.__traceback__)[-1].filename
        assert any(part in origin for part in ALLOWED_ORIGINS), (
            f"{type(exc).__name__}({message!r}) was raised in {origin}, not by sktsgan: "
            "check the input at the entry point instead"
        )
        return None


def feature_ranges(X):
    """Per-feature (min, max) of the valid values of any accepted input, as floats."""
    if isinstance(X, pd.DataFrame):
        rows = X.to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(X, list):
        rows = np.concatenate([np.asarray(x, dtype=np.float64).reshape(len(x), -1) for x in X])
    else:
        X = np.asarray(X).astype(np.float64)
        rows = X.reshape(-1, X.shape[-1])
    return np.nanmin(rows, axis=0), np.nanmax(rows, axis=0)


def expected_dtype(dtype):
    dtype = np.dtype(dtype)
    return dtype if dtype.kind in "biuf" else np.dtype(np.float64)


def assert_round_trip(X, samples, n):
    """``samples`` look like ``X``: same container, shape, dtype; values in the range."""
    low, high = feature_ranges(X)
    if isinstance(X, list) and not any(isinstance(x, np.ndarray) for x in X):
        try:  # nested lists of equal lengths are an array-like
            X = np.asarray(X, dtype=float)
        except ValueError:
            pass
    if isinstance(X, pd.DataFrame):
        assert isinstance(samples, pd.DataFrame)
        assert list(samples.columns) == list(X.columns) and len(samples) == n
        assert list(samples.dtypes) == list(X.dtypes)
        values = samples.to_numpy(dtype=np.float64)
    elif isinstance(X, list):
        assert isinstance(samples, list) and len(samples) == n
        first = np.asarray(X[0])
        longest = max(len(x) for x in X)
        for item in samples:
            assert item.ndim == first.ndim and item.shape[1:] == first.shape[1:]
            assert 1 <= len(item) <= longest and not np.isnan(item.astype(float)).any()
        values = np.concatenate([item.reshape(len(item), -1) for item in samples])
    else:
        assert isinstance(samples, np.ndarray)
        assert samples.shape == (n, *X.shape[1:])
        assert samples.dtype == expected_dtype(X.dtype)
        values = samples.reshape(-1, X.shape[-1]).astype(np.float64)
        if samples.ndim == 3:  # NaN only as whole trailing steps, never a whole series
            nan = np.isnan(samples.astype(np.float64))
            assert not nan.all(axis=2)[:, 0].any(), "a sampled series is all NaN"
            step_nan = nan.all(axis=2)
            assert np.array_equal(nan, np.repeat(step_nan[:, :, None], nan.shape[2], 2))
            assert np.all(np.diff(step_nan.astype(int), axis=1) >= 0), "NaN before a value"
    values = values.reshape(-1, len(low))
    valid = ~np.isnan(values)
    assert np.all((values >= low) | ~valid) and np.all((values <= high) | ~valid), (
        "samples outside the training range"
    )


# -- strategies ----------------------------------------------------------------------

DTYPES = [
    np.int8,
    np.uint8,
    np.int64,
    np.float16,
    np.float32,
    np.float64,
    np.bool_,
    np.complex128,
    object,
    "U3",
    "datetime64[s]",
]

finite = st.floats(-1e6, 1e6, allow_nan=False, width=32)
odd_float = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e300, -1e300, 5e-324])


def elements(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        width = min(64, 8 * dtype.itemsize)
        return st.one_of(finite, st.floats(width=width), odd_float.map(dtype.type))
    if dtype.kind == "O":
        return st.one_of(finite, st.integers(-5, 5), st.none(), st.text(max_size=3), st.booleans())
    return None  # hypothesis' defaults for the dtype


@st.composite
def any_arrays(draw):
    """Any dtype, 0 to 4 dimensions, any (small) sides, NaN and inf among the values."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    return draw(hnp.arrays(dtype, shape, elements=elements(dtype)))


@st.composite
def valid_series(draw, *, min_series=2, max_timesteps=6):
    """A 3-D float array that every sampler must accept: finite, at least 2 series."""
    n = draw(st.integers(min_series, 7))
    t = draw(st.integers(1, max_timesteps))
    d = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64, np.int8, np.bool_]))
    if np.dtype(dtype).kind == "f":
        values = hnp.arrays(dtype, (n, t, d), elements=st.floats(-1e3, 1e3, width=32))
    elif dtype == np.int64:  # larger integers are refused: float64 cannot hold them
        values = hnp.arrays(dtype, (n, t, d), elements=st.integers(-(2**53) + 1, 2**53 - 1))
    else:
        values = hnp.arrays(dtype, (n, t, d))
    return draw(values)


@st.composite
def nan_patterns(draw):
    """Float series with NaN in some pattern: padding (valid), gaps, partial or whole."""
    X = draw(valid_series(max_timesteps=6)).astype(draw(st.sampled_from([np.float32, float])))
    n, t, _ = X.shape
    pattern = draw(st.sampled_from(["padding", "gap", "partial", "whole", "scattered"]))
    i = draw(st.integers(0, n - 1))
    step = draw(st.integers(0, t - 1))
    if pattern == "padding":
        for k in draw(st.lists(st.integers(0, n - 1), max_size=n)):
            X[k, max(1, step) :] = np.nan
    elif pattern == "gap":
        X[i, step] = np.nan
    elif pattern == "partial":
        X[i, step, 0] = np.nan
    elif pattern == "whole":
        X[i] = np.nan
    else:
        X[draw(hnp.arrays(bool, X.shape))] = np.nan
    return X


@st.composite
def ragged_lists(draw):
    """Lists of series: arrays or nested lists, 1-D or 2-D items, mixed lengths."""
    d = draw(st.integers(1, 3))
    univariate = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(0, 6))):
        length = draw(st.integers(0, 5))
        shape = (length,) if univariate else (length, draw(st.sampled_from([d, d, d + 1])))
        dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, object]))
        item = draw(hnp.arrays(dtype, shape, elements=elements(dtype)))
        items.append(draw(st.sampled_from([item, item.tolist()])))
    if items and draw(st.booleans()):
        items[draw(st.integers(0, len(items) - 1))] = draw(
            st.sampled_from([None, "abc", 3.0, [], [[1.0, 2.0], [3.0]]])
        )
    return items


column_names = st.one_of(
    st.text(max_size=3), st.integers(-2, 3), st.none(), st.tuples(st.integers(0, 1))
)


@st.composite
def frames(draw):
    """DataFrames with odd or duplicated column names and mixed column dtypes."""
    n_rows = draw(st.integers(0, 6))
    names = draw(st.lists(column_names, min_size=0, max_size=4))
    columns = {}
    for j, _ in enumerate(names):
        kind = draw(
            st.sampled_from(["float", "float32", "int", "bool", "Int64", "str", "category"])
        )
        if kind in ("float", "float32"):
            values = draw(hnp.arrays(float, n_rows, elements=elements(float)))
            columns[j] = values.astype(np.float32) if kind == "float32" else values
        elif kind == "int":
            columns[j] = draw(hnp.arrays(np.int64, n_rows))
        elif kind == "bool":
            columns[j] = draw(hnp.arrays(bool, n_rows))
        elif kind == "Int64":
            values = draw(
                st.lists(
                    st.one_of(st.none(), st.integers(-9, 9)), min_size=n_rows, max_size=n_rows
                )
            )
            columns[j] = pd.array(values, dtype="Int64")
        else:
            values = draw(st.lists(st.text(max_size=2), min_size=n_rows, max_size=n_rows))
            columns[j] = pd.Series(values, dtype="category" if kind == "category" else object)
    frame = pd.DataFrame(columns, index=range(n_rows))
    frame.columns = pd.Index(names, dtype=object) if names else frame.columns
    return frame


@st.composite
def long_frames(draw):
    """Long DataFrames: an id column, maybe a time column, features; some rows odd."""
    n_rows = draw(st.integers(0, 12))
    ids = draw(
        st.lists(
            st.one_of(st.integers(0, 3), st.none(), st.text(max_size=1)),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    times = draw(st.lists(st.integers(0, 4), min_size=n_rows, max_size=n_rows))
    values = draw(hnp.arrays(float, (n_rows, 2), elements=elements(float)))
    frame = pd.DataFrame(
        {"id": pd.Series(ids, dtype=object), "t": times, "a": values[:, 0], "b": values[:, 1]}
    )
    return frame, draw(st.sampled_from([None, "t", "missing"]))


@st.composite
def valid_frames(draw):
    """Wide DataFrames every sampler must accept: unique names, numeric, finite."""
    n_rows = draw(st.integers(2, 6))
    names = draw(
        st.lists(
            st.one_of(st.text(max_size=2), st.integers(-1, 2), st.none()),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    assume(len({hash(name) for name in names}) == len(names))  # 1 and True are one label
    columns = []
    for _ in names:
        dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.bool_]))
        elements = st.floats(-1e3, 1e3, width=32) if np.dtype(dtype).kind == "f" else None
        if dtype == np.int64:
            elements = st.integers(-(10**6), 10**6)
        columns.append(draw(hnp.arrays(dtype, n_rows, elements=elements)))
    frame = pd.DataFrame(dict(enumerate(columns)))
    frame.columns = pd.Index(names, dtype=object)
    return frame


@st.composite
def valid_lists(draw):
    """Lists of 2-D (or all 1-D) float series of different lengths, at least 2."""
    d = draw(st.integers(1, 3))
    univariate = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(2, 5))):
        shape = (draw(st.integers(1, 5)),) + (() if univariate else (d,))
        items.append(draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3))))
    return items


any_input = st.one_of(any_arrays(), nan_patterns(), ragged_lists(), frames(), valid_series())
valid_input = st.one_of(valid_series(), valid_frames(), valid_lists())

# Tiny models, smaller than the fast ones, with small batches: these tests check the
# data contract, not the quality of the samples.
TINY = {
    RCGANSampler: {"hidden_size": 2, "latent_dim": 1, "batch_size": 4},
    TimeGANSampler: {
        "hidden_size": 2,
        "num_layers": 3,
        "n_epochs_embedding": 1,
        "n_epochs_supervised": 1,
        "batch_size": 4,
    },
    CRNNGANSampler: {"hidden_size": 2, "latent_dim": 1, "batch_size": 4},
    DiffusionSampler: {
        "hidden_size": 2,
        "n_heads": 1,
        "n_diffusion_steps": 5,
        "n_sampling_steps": 3,
        "batch_size": 4,
    },
    RandomSeriesSampler: {},
    JitterSampler: {},
    ScalingSampler: {},
    TimeWarpSampler: {},
    SMOTESampler: {"k_neighbors": 5},
}
# name -> a function that builds a new one
SAMPLERS = {cls.__name__: partial(fast, cls, **params) for cls, params in TINY.items()}
# Perturbing baselines add noise or scale by design: their samples may leave the range.
UNCLIPPED = {"JitterSampler", "ScalingSampler"}


def n_draws():
    return st.one_of(
        st.integers(-2, 6),
        st.sampled_from([10**12, 2**63, 1.0, 2.5, "3", None, True, np.int64(3), np.nan]),
    )


def check_fit_sample(name, X, n, *, must_work=False):
    sampler = SAMPLERS[name]()
    fitted = outcome(lambda: sampler.fit(X), must_work=must_work)
    if fitted is None:
        return
    valid_n = isinstance(n, (int, np.integer)) and not isinstance(n, bool) and 0 < n <= 100
    samples = outcome(lambda: sampler.sample(n, random_state=0), must_work=valid_n)
    if samples is not None and name not in UNCLIPPED:
        assert_round_trip(X, samples, n)


# -- the data layer ------------------------------------------------------------------


@FUZZ
@given(X=st.one_of(any_input, long_frames()))
def test_check_sequences_reads_or_refuses_any_input(X):
    kwargs = {}
    if isinstance(X, tuple):
        X, time_column = X
        kwargs = {"id_column": "id", "time_column": time_column}
    data = outcome(lambda: check_sequences(X, **kwargs))
    if data is not None:
        data = data[0]
        assert data.values.dtype == np.float64 and data.values.ndim == 3
        assert data.n_series >= 2 and data.n_features >= 1
        assert np.all((data.lengths >= 1) & (data.lengths <= data.n_timesteps))
        valid = data.valid_steps()
        assert np.isfinite(valid).all()


@FUZZ
@given(X=valid_series())
def test_valid_series_are_always_read(X):
    data, fmt = outcome(lambda: check_sequences(X), must_work=True)
    np.testing.assert_array_equal(data.values, X.astype(np.float64))


@FUZZ
@given(
    y=st.one_of(
        hnp.arrays(
            st.sampled_from([np.int64, float, bool, object, "U2"]),
            hnp.array_shapes(min_dims=0, max_dims=2, max_side=6),
            elements=None,
        ),
        st.lists(
            st.one_of(st.integers(0, 2), st.text(max_size=1), st.none(), st.floats()), max_size=6
        ),
    ),
    n_series=st.integers(0, 6),
)
def test_check_labels_reads_or_refuses(y, n_series):
    info = outcome(lambda: check_labels(y, n_series))
    if info is not None:
        assert len(info.codes) == n_series and len(info.classes) >= 2


@FUZZ
@given(n=n_draws())
def test_check_n_samples(n):
    checked = outcome(lambda: check_n_samples(n))
    if checked is not None:
        assert checked == n and checked > 0


# -- the samplers ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLERS))
@FUZZ
@given(X=any_input, n=n_draws())
def test_fit_sample_works_or_refuses_any_input(name, X, n):
    check_fit_sample(name, X, n)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
@FUZZ
@given(X=valid_input, n=st.integers(1, 20))
def test_fit_sample_round_trips_valid_input(name, X, n):
    # SMOTE interpolates step by step: it refuses series of different lengths, by design
    ragged = isinstance(X, list) and len({len(x) for x in X}) > 1
    check_fit_sample(name, X, n, must_work=not (ragged and name == "SMOTESampler"))


@st.composite
def labelled(draw):
    """Valid series with class labels, at least 2 series per class, and a y to sample."""
    X = draw(valid_series(min_series=4))
    kinds = draw(st.sampled_from([[0, 1], ["a", "b"], [True, False], [2.0, 7.0], [0, 1, 2]]))
    classes = kinds[: max(2, len(X) // 2)]
    y = np.array([classes[i % len(classes)] for i in range(len(X))])
    assume(np.min(np.unique(y, return_counts=True)[1]) >= 2)
    asked = draw(st.one_of(st.none(), st.sampled_from(classes), st.just("unknown")))
    return X, y, asked


@pytest.mark.parametrize("name", ["RCGANSampler", "CRNNGANSampler", "SMOTESampler"])
@FUZZ
@given(case=labelled(), n=st.integers(1, 5))
def test_conditional_fit_sample(name, case, n):
    X, y, asked = case
    sampler = SAMPLERS[name]().fit(X, y)
    result = outcome(lambda: sampler.sample(n, y=asked, random_state=0))
    if asked == "unknown" and not (y.dtype.kind == "U" and "unknown" in y):
        assert result is None
        return
    samples, labels = result
    assert_round_trip(X, samples, n)
    assert set(labels.tolist()) <= set(y.tolist())
    assert asked is None or (labels == asked).all()


@st.composite
def valid_long_frames(draw):
    """Long DataFrames: 2 to 4 ids, 1 to 4 time-ordered rows each, shuffled."""
    rows = []
    for series in range(draw(st.integers(2, 4))):
        for step in range(draw(st.integers(1, 4))):
            rows.append((series, step, draw(st.floats(-100, 100)), draw(st.integers(0, 9))))
    frame = pd.DataFrame(rows, columns=["id", "t", "a", "b"])
    return frame.sample(frac=1, random_state=draw(st.integers(0, 9)))


@pytest.mark.parametrize("name", ["RCGANSampler", "TimeWarpSampler"])
@FUZZ
@given(frame=valid_long_frames(), n=st.integers(1, 4), with_time=st.booleans())
def test_long_frame_round_trip(name, frame, n, with_time):
    sampler = SAMPLERS[name]().set_params(id_column="id", time_column="t" if with_time else None)
    if not with_time:
        frame = frame.sort_values(["id", "t"]).drop(columns="t")
    samples = outcome(lambda: sampler.fit(frame).sample(n, random_state=0), must_work=True)
    assert list(samples.columns) == list(frame.columns)
    assert samples["id"].nunique() == n
    assert samples["b"].dtype == frame["b"].dtype
    features = ["a", "b"]
    low, high = frame[features].min(), frame[features].max()
    assert ((samples[features] >= low) & (samples[features] <= high)).all().all()


# -- static attributes ------------------------------------------------------------------


def static_model(name="RCGANSampler"):
    """A fast sampler whose attribute model trains one tiny epoch."""
    return SAMPLERS[name]().set_params(
        static_sampler=VAESampler(hidden_size=2, latent_dim=1, n_epochs=1, random_state=0)
    )


def assert_static_round_trip(table, static_new, n):
    """Generated attributes: the training container, columns and dtypes; values learnt."""
    if not isinstance(table, pd.DataFrame):
        assert isinstance(static_new, np.ndarray) and static_new.shape[0] == n
        return
    assert isinstance(static_new, pd.DataFrame) and len(static_new) == n
    assert list(static_new.columns) == list(table.columns)
    assert static_new.dtypes.tolist() == table.dtypes.tolist()
    for j in range(table.shape[1]):
        real, drawn = table.iloc[:, j], static_new.iloc[:, j]
        if pd.api.types.is_float_dtype(real.dtype) or pd.api.types.is_integer_dtype(real.dtype):
            if real.notna().all() and drawn.notna().all():
                assert drawn.between(real.min(), real.max()).all()
        else:
            assert set(drawn.dropna().tolist()) <= set(real.dropna().tolist())


@pytest.mark.parametrize("name", ["RCGANSampler", "DiffusionSampler"])
@FUZZ
@given(X=valid_series(min_series=2), table=st.one_of(frames(), hnp.arrays(float, (3, 2))))
def test_static_tables_fit_or_refuse(name, X, table):
    sampler = static_model(name)
    fitted = outcome(lambda: sampler.fit(X, static=table))
    if fitted is None:
        return
    assert len(table) == len(X)
    samples, static_new = outcome(lambda: fitted.sample(3, random_state=0), must_work=True)
    assert_round_trip(X, samples, 3)
    assert_static_round_trip(table, static_new, 3)


@st.composite
def static_requests(draw):
    """What a user may pass as sample(static=...): dicts, frames, arrays, odd values."""
    level = draw(st.one_of(st.floats(allow_nan=True), st.integers(-5, 5), st.text(max_size=2)))
    kind = draw(st.one_of(st.sampled_from(["a", "b", "c"]), st.none(), st.integers(0, 1)))
    shape = draw(st.sampled_from(["dict", "frame", "array", "wrong columns", "rows"]))
    if shape == "dict":
        return {"level": level, "kind": kind}
    if shape == "frame":
        return pd.DataFrame({"level": [level] * 2, "kind": [kind] * 2})
    if shape == "array":
        return np.array([[level, kind]], dtype=object)
    if shape == "wrong columns":
        return {"kind": kind}
    return pd.DataFrame({"level": [level] * 3, "kind": [kind] * 3})


@FUZZ
@given(request=static_requests(), n=st.integers(1, 3))
def test_requested_static_works_or_refuses(request, n):
    rng = np.random.RandomState(0)
    table = pd.DataFrame({"level": rng.uniform(-1, 1, 6), "kind": ["a", "b"] * 3})
    sampler = static_model().fit(rng.normal(size=(6, 4, 1)), static=table)
    result = outcome(lambda: sampler.sample(n, static=request, random_state=0))
    if result is None:
        return
    samples, static_new = result
    assert samples.shape == (n, 4, 1) and len(static_new) == n
    assert static_new["level"].between(-1, 1).all()
    assert set(static_new["kind"]) <= {"a", "b"}


@FUZZ
@given(frame=valid_long_frames(), varying=st.booleans(), n=st.integers(1, 3))
def test_long_frame_static_columns(frame, varying, n):
    codes = frame["id"].to_numpy()
    frame = frame.assign(site=np.where(codes % 2 == 0, "north", "south"), size=codes * 1.5)
    if varying:
        frame.iloc[0, frame.columns.get_loc("size")] = -7.0
    sampler = static_model().set_params(
        id_column="id", time_column="t", static_columns=["site", "size"]
    )
    varies = varying and frame["size"].groupby(frame["id"]).nunique().max() > 1
    fitted = outcome(lambda: sampler.fit(frame), must_work=not varies)
    if varies:
        assert fitted is None
        return
    samples = outcome(lambda: fitted.sample(n, random_state=0), must_work=True)
    assert list(samples.columns) == list(frame.columns)
    assert (samples.groupby("id")[["site", "size"]].nunique() == 1).all().all()
    assert set(samples["site"]) <= {"north", "south"}


@pytest.mark.parametrize("name", ["RCGANSampler", "TimeGANSampler", "CRNNGANSampler"])
@FUZZ
@given(
    frame=valid_long_frames(),
    levels=st.lists(
        st.one_of(st.text(max_size=2), st.none(), st.integers(0, 3), st.booleans()),
        min_size=1,
        max_size=4,
    ),
    dtype=st.sampled_from(["object", "category", "str"]),
    n=st.integers(1, 3),
)
def test_categorical_channels_work_or_refuse(name, frame, levels, dtype, n):
    values = [levels[i % len(levels)] for i in range(len(frame))]
    try:
        frame = frame.assign(state=pd.Series(values, index=frame.index).astype(dtype))
    except (TypeError, ValueError):
        assume(False)  # pandas cannot hold these levels in this dtype
    sampler = SAMPLERS[name]().set_params(id_column="id", time_column="t")
    fitted = outcome(lambda: sampler.fit(frame))
    if fitted is None:
        return
    assert name != "CRNNGANSampler"  # it learns numeric channels only
    samples = outcome(lambda: fitted.sample(n, random_state=0), must_work=True)
    assert list(samples.columns) == list(frame.columns)
    assert samples["state"].dtype == frame["state"].dtype
    assert set(samples["state"].tolist()) <= set(frame["state"].dropna().tolist())


def label_sets():
    return st.one_of(
        st.none(),
        st.lists(st.sampled_from([0, 1, 2, "a", "b", None, 1.5]), min_size=0, max_size=8),
        hnp.arrays(np.int64, st.integers(0, 8), elements=st.integers(0, 2)),
    )


@FUZZ
@given(X=any_input, y=label_sets(), ratio=st.sampled_from([None, 0.5, 1.0]))
def test_gan_augmenter_fit_resample(X, y, ratio):
    augmenter = GANAugmenter(SAMPLERS["RCGANSampler"](), synthetic_ratio=ratio, random_state=0)
    result = outcome(lambda: augmenter.fit_resample(X, y))
    if result is not None:
        X_res, y_res = result
        assert type(X_res) is type(X) or isinstance(X, (list, tuple))
        n_real = len(X)
        assert len(X_res) == n_real + augmenter.n_synthetic_
        assert (y_res is None) == (y is None)
        if y_res is not None:
            assert len(y_res) == len(X_res)


@FUZZ
@given(X=any_input, y=label_sets())
def test_augmented_classifier(X, y):
    model = AugmentedClassifier(
        make_pipeline(SeriesFlattener(), DummyClassifier()),
        GANAugmenter(RandomSeriesSampler(), synthetic_ratio=1.0, random_state=0),
    )
    fitted = outcome(lambda: model.fit(X, y))
    if fitted is not None:
        assert len(model.predict(X)) == len(X)


@FUZZ
@given(X=st.one_of(any_input, valid_series(max_timesteps=8)), n=n_draws(), n_paths=n_draws())
def test_forecaster_fit_predict_sample(X, n, n_paths):
    model = LSTMForecastGAN(
        window=2, horizon=1, hidden_size=2, latent_dim=1, n_epochs=1, n_draws=3, random_state=0
    )
    if outcome(lambda: model.fit(X)) is None:
        return
    samples = outcome(lambda: model.sample(n, random_state=0))
    if samples is not None:
        assert_round_trip(X, samples, n)
    paths = outcome(lambda: model.sample_paths(X, n_paths, random_state=0))
    if paths is not None:
        assert paths.shape[-3:] == (n_paths, 1, model.n_features_in_)
        assert np.isfinite(paths).all()
    predicted = outcome(lambda: model.predict(X))
    if predicted is not None:
        score = outcome(lambda: model.score(X, predicted))
        assert score is None or score == 0.0


def sets_of_series():
    """A real and a synthetic set: valid ones, or anything."""
    return st.one_of(
        st.tuples(valid_series(max_timesteps=5), valid_series(max_timesteps=5)),
        st.tuples(any_input, any_input),
        st.tuples(valid_series(max_timesteps=5), any_input),
    )


@FUZZ
@given(pair=sets_of_series(), which=st.integers(0, 1))
def test_posthoc_scores(pair, which):
    real, synth = pair
    options = {"n_iterations": 2, "hidden_size": 2, "batch_size": 4, "random_state": 0}
    score = discriminative_score if which == 0 else predictive_score
    result = outcome(lambda: score(real, synth, **options))
    if result is not None:
        assert np.isfinite(result) and result >= 0
        assert which == 1 or result <= 0.5


@FUZZ
@given(pair=sets_of_series(), y=st.tuples(label_sets(), label_sets()))
def test_fidelity_downstream_and_memorization(pair, y):
    real, synth = pair
    gaps = outcome(lambda: moment_gaps(real, synth))
    if gaps is not None:
        assert set(gaps) == {"mean_gap", "std_gap", "autocorrelation_gap"}
    forest = make_pipeline(SeriesFlattener(), DummyRegressor())
    options = {"estimator": forest, "random_state": 0}
    if y[0] is None and y[1] is None:
        for result in (
            outcome(lambda: tstr_score(synth, None, real, None, **options)),
            outcome(lambda: trtr_score(real, None, synth, None, **options)),
        ):
            assert result is None or np.isfinite(result)
    ratio = outcome(lambda: memorization_score(real, real, synth))
    assert ratio is None or ratio >= 0 or np.isnan(ratio)


@FUZZ
@given(
    y_true=any_arrays(),
    paths=any_arrays(),
    bounds=st.tuples(any_arrays(), any_arrays()),
)
def test_probabilistic_scores(y_true, paths, bounds):
    crps = outcome(lambda: crps_ensemble(y_true, paths))
    assert crps is None or np.all(np.asarray(crps) >= 0)
    coverage = outcome(lambda: interval_coverage(y_true, *bounds))
    assert coverage is None or np.all((0 <= np.asarray(coverage)) & (np.asarray(coverage) <= 1))


@FUZZ
@given(X=any_input, X_new=any_input, summary=st.booleans())
def test_preprocessing_transformers(X, X_new, summary):
    transformer = SeriesSummary() if summary else SeriesFlattener()
    rows = outcome(lambda: transformer.fit_transform(X))
    if rows is None:
        return
    assert rows.ndim == 2 and len(rows) == len(X)
    new = outcome(lambda: transformer.transform(X_new))
    assert new is None or new.shape[1] == rows.shape[1]


@FUZZ
@given(pair=sets_of_series(), embedding=st.booleans())
def test_displays(pair, embedding):
    import matplotlib.pyplot as plt

    real, synth = pair
    display = EmbeddingDisplay if embedding else SeriesComparisonDisplay
    shown = outcome(lambda: display.from_samples(real, synth, random_state=0))
    if shown is not None:
        assert shown.figure_ is not None
    plt.close("all")


@FUZZ
@given(
    real=valid_series(min_series=4),
    synth=st.one_of(valid_series(min_series=4), any_input),
    labels=st.sampled_from([[0, 1], ["a", "b"], [0.5, 1.5, 2.5]]),
)
def test_tstr_with_labels(real, synth, labels):
    def y_for(X):
        return np.array([labels[i % len(labels)] for i in range(len(X))])

    y_synth = outcome(lambda: y_for(synth))
    options = {"estimator": make_pipeline(SeriesFlattener(), DummyClassifier())}
    result = outcome(lambda: tstr_score(synth, y_synth, real, y_for(real), **options))
    assert result is None or 0 <= result <= 1
