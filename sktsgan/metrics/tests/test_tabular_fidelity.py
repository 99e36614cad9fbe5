"""Oracles for column_fidelity and correlation_gap: known distances, known associations."""

import numpy as np
import pandas as pd
import pytest

from sktsgan.metrics import column_fidelity, correlation_gap


def mixed_table(n=1000, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n)
    group = np.where(x + 0.5 * rng.normal(size=n) > 0, "high", "low")
    return pd.DataFrame(
        {
            "x": x,
            "y": 2 * x + rng.normal(size=n),
            "group": group,
            "colour": pd.Categorical(rng.choice(["red", "blue", "green"], size=n)),
            "flag": (group == "high") ^ (rng.rand(n) < 0.1),
            "count": rng.randint(0, 5, size=n),
        }
    )


def test_identical_tables_have_no_gaps():
    table = mixed_table()
    fidelity = column_fidelity(table, table)
    assert fidelity["kind"].tolist() == [
        "numeric",
        "numeric",
        "categorical",
        "categorical",
        "categorical",
        "numeric",
    ]
    numeric = fidelity[fidelity["kind"] == "numeric"]
    categorical = fidelity[fidelity["kind"] == "categorical"]
    np.testing.assert_allclose(numeric[["ks_statistic", "wasserstein"]], 0.0, atol=1e-12)
    np.testing.assert_allclose(numeric["mean_real"], numeric["mean_synthetic"])
    np.testing.assert_allclose(categorical[["total_variation", "unseen_share"]], 0.0)
    # entries of the other kind are NaN
    assert numeric[["total_variation", "unseen_share"]].isna().all().all()
    assert categorical[["ks_statistic", "wasserstein", "mean_real"]].isna().all().all()
    assert correlation_gap(table, table) == 0.0


def test_shifted_numeric_column_has_known_ks_and_wasserstein():
    values = np.arange(100.0)
    real = pd.DataFrame({"a": values, "b": values})
    fake = pd.DataFrame({"a": values + 10, "b": values * 2})
    fidelity = column_fidelity(real, fake)
    # 10 of 100 grid steps: the distribution functions differ by 0.1 at most
    assert fidelity.loc["a", "ks_statistic"] == pytest.approx(0.1)
    # a shift moves every unit of mass by 10; std_real of 0..99 is sqrt((100**2 - 1) / 12)
    std = np.sqrt((100**2 - 1) / 12)
    assert fidelity.loc["a", "std_real"] == pytest.approx(std)
    assert fidelity.loc["a", "wasserstein"] == pytest.approx(10 / std)
    assert fidelity.loc["a", "mean_synthetic"] - fidelity.loc["a", "mean_real"] == 10
    # doubling: value v moves by v, on average 49.5
    assert fidelity.loc["b", "wasserstein"] == pytest.approx(49.5 / std)
    assert fidelity.loc["b", "std_synthetic"] == pytest.approx(2 * std)


def test_disjoint_ranges_give_ks_one():
    real = np.zeros((50, 1)) + np.arange(50)[:, None]
    fidelity = column_fidelity(real, real + 100)
    assert fidelity.loc[0, "ks_statistic"] == 1.0


def test_flipped_category_frequencies_give_total_variation_0_6():
    real = pd.DataFrame({"c": ["a"] * 80 + ["b"] * 20})
    fake = pd.DataFrame({"c": ["a"] * 20 + ["b"] * 80})
    fidelity = column_fidelity(real, fake)
    assert fidelity.loc["c", "total_variation"] == pytest.approx(0.6)
    assert fidelity.loc["c", "unseen_share"] == 0.0


def test_unseen_level_is_counted():
    real = pd.DataFrame({"c": pd.Categorical(["a", "b"] * 50)})
    fake = pd.DataFrame({"c": ["a"] * 50 + ["b"] * 30 + ["z"] * 15 + [None] * 5})
    fidelity = column_fidelity(real, fake)
    # NaN is a level too, and the real column has none
    assert fidelity.loc["c", "unseen_share"] == pytest.approx(0.2)
    # |0.5 - 0.5| + |0.5 - 0.3| + 0.15 + 0.05, halved
    assert fidelity.loc["c", "total_variation"] == pytest.approx(0.2)


def test_nan_is_a_level_of_its_own():
    real = pd.DataFrame({"c": ["a"] * 50 + [None] * 50})
    fidelity = column_fidelity(real, pd.DataFrame({"c": ["a"] * 100}))
    assert fidelity.loc["c", "total_variation"] == pytest.approx(0.5)
    assert fidelity.loc["c", "unseen_share"] == 0.0


def test_independently_shuffled_columns_lose_the_real_associations():
    real = mixed_table(n=3000)
    rng = np.random.RandomState(1)
    shuffled = real.apply(lambda column: column.sample(frac=1, random_state=rng).to_numpy())
    shuffled = shuffled.astype(real.dtypes.to_dict())
    gap, pairs = correlation_gap(real, shuffled, return_pairs=True)
    assert len(pairs) == 15
    # the marginals are untouched, every dependence is gone: the gap is the real one
    np.testing.assert_allclose(pairs["synthetic"], 0.0, atol=0.06)
    assert gap == pytest.approx(pairs["real"].abs().mean(), abs=0.03)
    assert pairs.loc[("x", "y"), "measure"] == "pearson"
    assert pairs.loc[("x", "y"), "real"] == pytest.approx(2 / np.sqrt(5), abs=0.03)
    assert pairs.loc[("group", "flag"), "measure"] == "cramers_v"
    assert pairs.loc[("group", "flag"), "real"] == pytest.approx(0.8, abs=0.05)
    assert pairs.loc[("x", "group"), "measure"] == "correlation_ratio"
    assert pairs.loc[("x", "group"), "real"] > 0.6
    assert (column_fidelity(real, shuffled)["ks_statistic"].fillna(0) == 0).all()


def test_known_associations():
    codes = np.repeat([0, 1, 2], 30)
    table = pd.DataFrame(
        {
            "value": codes * 1.5 + 2.0,  # a function of the level: eta = 1
            "level": pd.Categorical(np.array(["a", "b", "c"])[codes]),
            "copy": np.array(["x", "y", "z"])[codes],  # a relabelling: V = 1
            "constant": ["k"] * 90,  # one level: association 0
        }
    )
    _, pairs = correlation_gap(table, table, return_pairs=True)
    assert pairs.loc[("value", "level"), "real"] == pytest.approx(1.0)
    assert pairs.loc[("level", "copy"), "real"] == pytest.approx(1.0)
    assert (pairs.xs("constant", level="column_b")["real"] == 0).all()
    # a sign flip of Pearson's r counts twice its size
    x = np.arange(20.0)
    assert correlation_gap(np.c_[x, x], np.c_[x, -x]) == pytest.approx(2.0)


def test_two_level_correlation_ratio_is_the_absolute_point_biserial():
    rng = np.random.RandomState(0)
    level = rng.rand(200) < 0.3
    value = level + rng.normal(size=200)
    _, pairs = correlation_gap(
        pd.DataFrame({"v": value, "l": level}),
        pd.DataFrame({"v": value, "l": level}),
        return_pairs=True,
    )
    assert pairs.loc[("v", "l"), "real"] == pytest.approx(abs(np.corrcoef(value, level)[0, 1]))


def test_arrays_with_named_categorical_positions():
    rng = np.random.RandomState(0)
    real = np.c_[rng.normal(size=200), rng.randint(0, 3, size=200)]
    fake = real.copy()
    fake[:, 1] = 0
    fidelity = column_fidelity(real, fake, categorical_columns=[1])
    assert fidelity["kind"].tolist() == ["numeric", "categorical"]
    share_zero = np.mean(real[:, 1] == 0)
    assert fidelity.loc[1, "total_variation"] == pytest.approx(1 - share_zero)
    # read as numeric, the same column has a KS statistic instead
    assert column_fidelity(real, fake).loc[1, "kind"] == "numeric"


def test_synthetic_columns_in_another_order_are_matched_by_name():
    table = mixed_table(n=200)
    fidelity = column_fidelity(table, table[table.columns[::-1]])
    assert list(fidelity.index) == list(table.columns)
    assert fidelity["ks_statistic"].fillna(0).eq(0).all()


@pytest.mark.parametrize(
    "real, fake, error, match",
    [
        (pd.DataFrame({"a": [1.0]}), pd.DataFrame({"b": [1.0]}), ValueError, "different columns"),
        (np.ones((3, 2)), np.ones((3, 3)), ValueError, "different columns"),
        (pd.DataFrame({"a": []}), pd.DataFrame({"a": [1.0]}), ValueError, "X_real is empty"),
        (np.ones((3, 2)), np.ones((0, 2)), ValueError, "X_synthetic is empty"),
        (np.ones(3), np.ones(3), ValueError, "2-D array"),
        (pd.DataFrame({"a": [1.0]}), np.ones((1, 1)), TypeError, "both"),
        (
            pd.DataFrame({"a": [1.0, np.nan]}),
            pd.DataFrame({"a": [1.0]}),
            ValueError,
            "NaN or inf",
        ),
        (
            pd.DataFrame({"a": [1.0, 2.0]}),
            pd.DataFrame({"a": ["x", "y"]}),
            TypeError,
            "numeric in X_real",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(real, fake, error, match):
    with pytest.raises(error, match=match):
        column_fidelity(real, fake)


def test_correlation_gap_needs_two_columns():
    with pytest.raises(ValueError, match="at least 2 columns"):
        correlation_gap(np.ones((5, 1)), np.ones((5, 1)))
    with pytest.raises(ValueError, match="neither a column"):
        correlation_gap(np.ones((5, 2)), np.ones((5, 2)), categorical_columns=["nope"])
