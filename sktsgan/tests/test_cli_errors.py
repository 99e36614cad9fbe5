"""Bad files and paths at the command line: one clear line on stderr, exit code 2.

Never a traceback, whatever the file holds; the property-based test at the end feeds
the command random bytes, random CSV text and random arrays.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sktsgan.cli import main

FAST = ["--n-epochs", "1", "--hidden-size", "2", "--quiet", "--score-iterations", "0"]


def run(data, output, *extra):
    return main(["generate", "--data", str(data), "--output", str(output), *FAST, *extra])


def assert_clean_error(code, capsys, *fragments):
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and err.startswith("sktsgan: error: ")
    assert len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "good.csv"
    pd.DataFrame({"a": np.sin(np.arange(40.0)), "b": np.arange(40.0)}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "content, suffix, fragment",
    [
        (b"\x89\xff\x00\x13binary junk\x00\xfe" * 20, ".csv", "good"),
        (b"", ".csv", "Could not read"),
        (b"a,b\n", ".csv", "no data rows"),
        (b"a,b\nx,y\nz,w\n", ".csv", "non-numeric"),
        (b"not a numpy file", ".npy", "Could not read"),
        (b"1,2,3", ".txt", "must end in .csv or .npy"),
    ],
)
def test_bad_files_are_one_clear_error(tmp_path, capsys, content, suffix, fragment):
    data = tmp_path / f"data{suffix}"
    data.write_bytes(content)
    code = run(data, tmp_path / "out.csv", "--window", "2")
    if fragment == "good":  # junk bytes: either unreadable or non-numeric, said plainly
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and str(data) in err
        return
    assert_clean_error(code, capsys, fragment)


@pytest.mark.parametrize(
    "array, fragment",
    [
        (np.arange(5.0), "1-D array"),
        (np.zeros((2, 2, 2, 2)), "4 dimensions"),
        (np.zeros((1, 4, 2)), "1 sample"),
        (np.array([[np.nan, 1.0], [2.0, 3.0]]), "NaN"),
        (np.array(["a", "b"]).reshape(1, 2, 1), "numeric"),
    ],
)
def test_npy_of_the_wrong_shape_or_kind(tmp_path, capsys, array, fragment):
    data = tmp_path / "x.npy"
    np.save(data, array)
    assert_clean_error(run(data, tmp_path / "o.npy"), capsys, "Cannot fit", fragment)


def test_object_npy_needs_no_pickle(tmp_path, capsys):
    data = tmp_path / "x.npy"
    np.save(data, np.array([[[1.0]], [[None]]], dtype=object), allow_pickle=True)
    assert_clean_error(run(data, tmp_path / "o.npy"), capsys, "Could not read")


def test_a_directory_is_not_a_data_file(tmp_path, capsys):
    (tmp_path / "dir.csv").mkdir()
    assert_clean_error(run(tmp_path / "dir.csv", tmp_path / "o.csv"), capsys, "nor a file")


def test_existing_output_is_refused_before_fitting(good_csv, tmp_path, capsys):
    out = tmp_path / "o.npy"
    out.write_bytes(b"keep")
    assert_clean_error(run(good_csv, out, "--window", "4"), capsys, "pass --force")
    assert out.read_bytes() == b"keep"


@pytest.mark.parametrize("force", [False, True])
def test_output_that_is_a_directory(good_csv, tmp_path, capsys, force):
    out = tmp_path / "o.csv"
    out.mkdir()
    extra = ["--force"] if force else []
    assert_clean_error(run(good_csv, out, "--window", "4", *extra), capsys, "o.csv")
    assert out.is_dir()


def test_output_below_a_file(good_csv, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code = run(good_csv, tmp_path / "file" / "o.csv", "--window", "4")
    assert_clean_error(code, capsys, "not a directory")


def test_missing_output_directory_is_created(good_csv, tmp_path):
    out = tmp_path / "new" / "dir" / "o.npy"
    assert run(good_csv, out, "--window", "4", "--n-samples", "3") == 0
    assert np.load(out).shape == (3, 4, 2)


def test_bad_file_through_a_real_process(tmp_path):
    data = tmp_path / "x.npy"
    data.write_bytes(b"\x93NUMPY garbage")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sktsgan",
            "generate",
            "--data",
            str(data),
            "--output",
            str(tmp_path / "o.csv"),
            *FAST,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("sktsgan: error: Could not read")


# -- random files ----------------------------------------------------------------------

csv_texts = st.one_of(
    st.binary(max_size=200),
    st.text(alphabet="0123456789.,-eE\nnaif \"'", max_size=200).map(str.encode),
    st.builds(
        lambda rows, cols: pd.DataFrame(rows).iloc[:, :cols].to_csv(index=False).encode(),
        st.lists(
            st.lists(
                st.one_of(st.floats(), st.integers(), st.text(max_size=2)), min_size=3, max_size=3
            ),
            max_size=12,
        ),
        st.integers(1, 3),
    ),
)
npy_arrays = hnp.arrays(
    st.sampled_from([np.float64, np.float32, np.int64, np.bool_, "U2", np.complex64]),
    hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.one_of(csv_texts.map(lambda b: (".csv", b)), npy_arrays.map(lambda a: (".npy", a))),
    window=st.integers(-1, 4),
    n_samples=st.integers(-1, 3),
)
def test_random_files_give_samples_or_one_clear_error(content, window, n_samples):
    suffix, payload = content
    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / f"data{suffix}", Path(folder) / "out.npy"
        if suffix == ".npy":
            np.save(data, payload)
        else:
            data.write_bytes(payload)
        argv = ["--window", str(window), "--n-samples", str(n_samples)]
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = run(data, out, *argv)
        if code == 0:
            assert np.load(out).shape[0] == n_samples
        else:
            assert code == 2 and err.getvalue().startswith("sktsgan: error: ")
            assert "Traceback" not in err.getvalue()


def test_more_samples_than_memory_is_one_clear_error(good_csv, tmp_path, capsys):
    code = run(good_csv, tmp_path / "o.npy", "--window", "4", "--n-samples", str(10**15))
    assert_clean_error(code, capsys, "--n-samples", "Draw them in batches")


# -- CSV files as spreadsheets write them ----------------------------------------------

SERIES = "temp,count\n" + "".join(f"{np.sin(i):.6f},{i}\n" for i in range(30))


@pytest.mark.parametrize("tail", [",\n", "\n\n", ",\n,\n\n"])
def test_empty_lines_at_the_end_are_ignored(tmp_path, capsys, tail):
    data = tmp_path / "data.csv"
    data.write_text(SERIES + tail)
    assert run(data, tmp_path / "o.csv", "--window", "4", "--n-samples", "2") == 0
    assert "empty line(s) at the end of data.csv" in capsys.readouterr().out
    # read again without the empty lines: the count column is still whole numbers
    assert pd.read_csv(tmp_path / "o.csv")["count"].dtype == np.int64


def one_series_with(line_25):
    """A one-column CSV whose line 25 (the header is line 1) is ``line_25``."""
    lines = ["temp", *(f"{np.sin(i):.6f}" for i in range(40))]
    lines[24] = line_25
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "content, extra, fragments",
    [
        (one_series_with(""), [], ["Line 25 of", "(the header is line 1) is empty"]),
        (SERIES.replace("\n-0.846220,", "\n,"), [], ["Line 25 of", "no value in column 'temp'"]),
        (SERIES.replace("\n-0.846220,", "\ninf,"), [], ["Line 25 of", "infinite value"]),
        (SERIES.replace(",23\n", ",\n"), [], ["Line 25 of", "no value in column 'count'"]),
        (SERIES.replace(",", ";").replace("0.4", "0,4"), [], ["'0,412118'", "decimal point"]),
        (SERIES, ["--time-column", "date"], ["'date' is not a column", "['temp', 'count']"]),
        ("date,x\n2024-01-01,1\n,2\n2024-01-03,3\n", [], ["Line 3 of", "time column 'date'"]),
        ("date,x\nMonday,1\n2024-01-02,2\n", [], ["non-numeric columns ['date']", "line 2 of"]),
        ("date\n2024-01-01\n2024-01-02\n", [], ["no columns besides the time column"]),
    ],
)
def test_csv_problems_name_the_line_and_column_and_write_nothing(
    tmp_path, capsys, content, extra, fragments
):
    data, out = tmp_path / "Data.csv", tmp_path / "o.csv"
    data.write_text(content)
    code = run(data, out, "--window", "2", *extra)
    assert_clean_error(code, capsys, str(data), *fragments)
    assert not out.exists()


def test_time_column_of_an_array_is_one_clear_error(tmp_path, capsys):
    data = tmp_path / "x.npy"
    np.save(data, np.zeros((4, 3, 2)))
    code = run(data, tmp_path / "o.npy", "--time-column", "date")
    assert_clean_error(code, capsys, "--time-column applies to CSV data only")


def test_negative_score_iterations_are_refused(good_csv, tmp_path, capsys):
    code = run(good_csv, tmp_path / "o.npy", "--window", "4", "--score-iterations", "-1")
    assert_clean_error(code, capsys, "--score-iterations must be 0")


def test_ragged_series_get_samples_and_quality_figures(tmp_path, capsys):
    # NaN padding of shorter series once broke the noise baseline after writing
    X = np.random.RandomState(0).rand(8, 5, 2)
    X[0, 3:] = np.nan
    data = tmp_path / "ragged.npy"
    np.save(data, X)
    assert run(data, tmp_path / "o.npy", "--n-samples", "3") == 0
    assert "mean_gap" in capsys.readouterr().out
    assert np.load(tmp_path / "o.npy").shape == (3, 5, 2)
