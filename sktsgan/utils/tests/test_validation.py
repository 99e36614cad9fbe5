import numpy as np
import pandas as pd
import pytest

from sktsgan.utils.validation import (
    check_labels,
    check_n_samples,
    check_sequences,
    restore_format,
)


def round_trip(X, **kwargs):
    data, fmt = check_sequences(X, **kwargs)
    return data, fmt, restore_format(data.values, data.lengths, fmt)


def test_3d_array_round_trip_keeps_values_and_dtype():
    X = np.random.RandomState(0).rand(4, 6, 2).astype(np.float32)
    data, fmt, back = round_trip(X)
    assert fmt.kind == "array"
    assert data.lengths.tolist() == [6, 6, 6, 6]
    assert back.dtype == np.float32
    np.testing.assert_allclose(back, X)


def test_2d_array_is_tabular_rows_not_univariate_series():
    X = np.arange(12.0).reshape(6, 2)
    data, fmt, back = round_trip(X)
    assert fmt.kind == "tabular"
    assert data.values.shape == (6, 1, 2)
    np.testing.assert_array_equal(back, X)


def test_integer_and_bool_arrays_come_back_rounded():
    data, fmt = check_sequences(np.array([[1, 0], [3, 1]], dtype=np.int32))
    out = restore_format(np.array([[[1.4, 0.2]], [[2.6, 0.9]]]), data.lengths, fmt)
    assert out.dtype == np.int32
    assert out.tolist() == [[1, 0], [3, 1]]
    data, fmt = check_sequences(np.array([[True, False], [False, True]]))
    out = restore_format(np.array([[[0.7, 0.2]], [[0.1, 0.9]]]), data.lengths, fmt)
    assert out.dtype == bool and out.tolist() == [[True, False], [False, True]]


def test_trailing_nan_padding_is_read_as_lengths():
    X = np.random.RandomState(0).rand(3, 5, 2)
    X[0, 3:] = np.nan
    X[2, 1:] = np.nan
    data, fmt, back = round_trip(X)
    assert fmt.kind == "padded"
    assert data.lengths.tolist() == [3, 5, 1]
    assert np.isnan(back[0, 3:]).all() and not np.isnan(back[0, :3]).any()


def test_ragged_list_round_trip():
    X = [np.ones((3, 2)), np.zeros((5, 2)), np.full((1, 2), 7.0)]
    data, fmt, back = round_trip(X)
    assert fmt.kind == "list"
    assert data.lengths.tolist() == [3, 5, 1]
    assert [b.shape for b in back] == [(3, 2), (5, 2), (1, 2)]
    np.testing.assert_array_equal(back[2], X[2])


def test_list_of_univariate_series_comes_back_1d():
    X = [np.arange(4.0), np.arange(6.0)]
    _, fmt, back = round_trip(X)
    assert fmt.univariate_items
    assert [b.shape for b in back] == [(4,), (6,)]


def test_ragged_nested_lists_are_series():
    data, fmt = check_sequences([[[1.0], [2.0]], [[3.0]]])
    assert fmt.kind == "list" and data.lengths.tolist() == [2, 1]


def test_wide_frame_round_trip_keeps_columns_and_dtypes():
    frame = pd.DataFrame({"a": [1.5, 2.5, 3.5], "b": [1, 2, 3], "c": [True, False, True]})
    _, fmt, back = round_trip(frame)
    assert fmt.kind == "frame"
    pd.testing.assert_frame_equal(back, frame)


def test_long_frame_groups_by_id_and_sorts_by_time():
    frame = pd.DataFrame(
        {
            "id": ["b", "a", "a", "b", "a"],
            "t": [1, 2, 0, 0, 1],
            "x": [11.0, 2.0, 0.0, 10.0, 1.0],
        }
    )
    data, fmt, back = round_trip(frame, id_column="id", time_column="t")
    assert data.lengths.tolist() == [2, 3]  # "b" appears first
    np.testing.assert_array_equal(data.values[0, :2, 0], [10.0, 11.0])
    np.testing.assert_array_equal(data.values[1, :, 0], [0.0, 1.0, 2.0])
    assert list(back.columns) == ["id", "t", "x"]
    assert back["t"].tolist() == [0, 1, 0, 1, 2]  # the training time stamps


@pytest.mark.parametrize(
    "X, error, match",
    [
        (None, TypeError, "got None"),
        (np.empty((0, 3)), ValueError, "empty"),
        (np.zeros((1, 4, 2)), ValueError, "1 sample"),
        (np.zeros(5), ValueError, "1-D array"),
        (np.zeros((2, 2, 2, 2)), ValueError, "4 dimensions"),
        (np.array([[1.0, np.inf], [0.0, 1.0]]), ValueError, "inf"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, "Impute"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), TypeError, "numeric"),
        ([np.zeros((3, 2)), np.zeros((3, 3))], ValueError, "different numbers of features"),
        (pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"]}), TypeError, r"\['s'\]"),
        (pd.Series([1.0, 2.0]), ValueError, "to_frame"),
    ],
)
def test_bad_input_gets_a_clear_error(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X)


def test_nan_inside_a_series_is_not_padding():
    X = np.ones((3, 5, 2))
    X[1, 2] = np.nan  # a gap, then values again
    with pytest.raises(ValueError, match="Series 1 has a missing step"):
        check_sequences(X)
    X = np.ones((3, 5, 2))
    X[0, 4, 1] = np.nan  # one feature missing, not the whole step
    with pytest.raises(ValueError, match="some but not all features"):
        check_sequences(X)


def test_duplicated_frame_columns_are_refused():
    frame = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["a", "a"])
    with pytest.raises(ValueError, match="duplicated column"):
        check_sequences(frame)


def test_long_frame_errors_name_the_columns():
    frame = pd.DataFrame({"id": [0, 0, 1], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="'missing' is not a column"):
        check_sequences(frame, id_column="missing")
    with pytest.raises(ValueError, match="without id_column"):
        check_sequences(frame, time_column="x")


def test_check_labels():
    info = check_labels(np.array(["b", "a", "b", "a"]), 4)
    assert info.classes.tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="3 labels but X has 4"):
        check_labels([0, 1, 0], 4)
    with pytest.raises(ValueError, match=r"\[2\] have a single series"):
        check_labels([0, 0, 1, 1, 2], 5)
    with pytest.raises(ValueError, match="looks continuous"):
        check_labels(np.linspace(0, 1, 10), 10)
    with pytest.raises(ValueError, match="only 1 class"):
        check_labels([3, 3, 3], 3)


@pytest.mark.parametrize(
    "n, error", [(0, ValueError), (-2, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_check_n_samples(n, error):
    with pytest.raises(error, match="positive integer"):
        check_n_samples(n)


# -- regressions found by the property-based tests (sktsgan/tests/test_fuzz.py) --------


def test_empty_labels_are_refused_plainly():
    with pytest.raises(ValueError, match="y is empty"):
        check_labels([], 0)


def test_labels_that_do_not_sort_are_a_type_error():
    with pytest.raises(TypeError, match="cannot be sorted"):
        check_labels(np.array(["a", 1, "a", 1], dtype=object), 4)


def test_huge_n_is_refused_before_allocating():
    with pytest.raises(ValueError, match="Draw them in batches"):
        check_n_samples(10**12, bytes_per_sample=24 * 5 * 8)
    assert check_n_samples(10, bytes_per_sample=24 * 5 * 8) == 10


@pytest.mark.parametrize("names", [[0, None], ["", None], [(0,), "a"]])
def test_frame_column_labels_come_back_unchanged(names):
    frame = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=pd.Index(names, dtype=object))
    _, _, back = round_trip(frame)
    assert back.columns.tolist() == names


def test_integer_samples_saturate_instead_of_wrapping():
    data, fmt = check_sequences(np.array([[100], [127]], dtype=np.int8))
    out = restore_format(np.array([[[130.0]], [[-300.0]]]), data.lengths, fmt)
    assert out.dtype == np.int8 and out.ravel().tolist() == [127, -128]


def test_integers_beyond_float64_precision_are_refused():
    with pytest.raises(ValueError, match="2\\*\\*53"):
        check_sequences(np.full((2, 1, 1), 2**62, dtype=np.int64))
    check_sequences(np.full((2, 1, 1), 2**52, dtype=np.int64))  # exact in float64


def test_empty_long_frame_is_refused_plainly():
    frame = pd.DataFrame({"id": [], "a": []})
    with pytest.raises(ValueError, match="empty DataFrame"):
        check_sequences(frame, id_column="id")


def test_list_mixing_arrays_and_nested_lists_is_a_list_of_series():
    data, fmt = check_sequences([np.zeros((2, 1)), [[1.0], [2.0]]])
    assert fmt.kind == "list" and data.lengths.tolist() == [2, 2]
    with pytest.raises(ValueError, match="mixes 1-D and 2-D"):
        check_sequences([np.zeros((0, 1)), []])
    with pytest.raises(ValueError, match="Series 0 is all NaN"):
        check_sequences([np.zeros(0), np.zeros(0)])
