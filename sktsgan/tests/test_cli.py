import argparse
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sktsgan.cli import build_parser, main

FAST = ["--n-epochs", "1", "--hidden-size", "4", "--quiet", "--score-iterations", "0"]


@pytest.fixture
def series_csv(tmp_path):
    t = np.arange(80)
    frame = pd.DataFrame({"price": 100 + 10 * np.sin(t / 5), "volume": 1000 + t})
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    return path


def test_generate_from_csv_writes_samples_figure_and_quality(series_csv, tmp_path, capsys):
    out, fig = tmp_path / "out" / "synth.csv", tmp_path / "out" / "fig.png"
    code = main(
        [
            "generate",
            "--data",
            str(series_csv),
            "--window",
            "10",
            "--n-samples",
            "7",
            "--output",
            str(out),
            "--figure",
            str(fig),
            *FAST,
            "--score-iterations",
            "20",
        ]
    )
    assert code == 0
    samples = pd.read_csv(out)
    assert list(samples.columns) == ["series", "step", "price", "volume"]
    assert len(samples) == 70 and samples["series"].nunique() == 7
    # original units: the price lives around 100, not in the unit interval
    assert samples["price"].between(89, 111).all() and samples["price"].mean() > 50
    printed = capsys.readouterr().out
    for name in ("fig.png", "fig_embedding.png", "fig_loss.png"):
        path = tmp_path / "out" / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(path) in printed
    # no Open/High/Low/Close columns: no candlesticks
    assert not (tmp_path / "out" / "fig_candles.png").exists() and "candles" not in printed
    assert "autocorrelation_gap" in printed and "Training took" in printed
    assert "discriminative" in printed and "trained on real data" in printed


def test_generate_draws_candlesticks_of_price_data(tmp_path, capsys):
    rng = np.random.RandomState(0)
    close = 100 + rng.randn(60).cumsum()
    open_ = close + rng.randn(60)
    frame = pd.DataFrame(
        {
            "Open": open_,
            "High": np.maximum(open_, close) + 1,
            "Low": np.minimum(open_, close) - 1,
            "Close": close,
            "Volume": rng.randint(1000, 2000, 60),
        }
    )
    data, fig = tmp_path / "prices.csv", tmp_path / "prices.png"
    frame.to_csv(data, index=False)
    argv = ["generate", "--data", str(data), "--window", "8", "--n-samples", "5"]
    assert main([*argv, "--output", str(tmp_path / "s.npy"), "--figure", str(fig), *FAST]) == 0
    printed = capsys.readouterr().out
    for name in ("prices.png", "prices_embedding.png", "prices_loss.png", "prices_candles.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(tmp_path / name) in printed
    # High and Low learnt as distances from the body: every synthetic bar is a bar
    assert "CandlestickEncoder" in printed
    assert re.search(r"High below max\(Open, Close\) +0.0%   \(real: 0.0%\)", printed)
    bars = np.load(tmp_path / "s.npy")
    assert (bars[..., 1] >= np.maximum(bars[..., 0], bars[..., 3])).all()
    assert (bars[..., 2] <= np.minimum(bars[..., 0], bars[..., 3])).all()
    free = [*argv, "--output", str(tmp_path / "free.npy"), "--free-ohlc", *FAST]
    assert main(free) == 0
    assert "CandlestickEncoder" not in capsys.readouterr().out


def test_generate_from_npy_to_npy(tmp_path):
    data = tmp_path / "x.npy"
    np.save(data, np.random.RandomState(0).rand(12, 5, 3))
    out = tmp_path / "s.npy"
    assert (
        main(["generate", "--data", str(data), "--n-samples", "4", "--output", str(out), *FAST])
        == 0
    )
    assert np.load(out).shape == (4, 5, 3)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "no/such/file.csv"], "neither a bundled data set"),
        (["--output", "x.txt"], "must end in .csv or .npy"),
        (["--window", "500"], "--window"),
        (["--n-samples", "0"], "at least 1"),
    ],
)
def test_errors_are_one_clear_line_and_exit_code_2(series_csv, tmp_path, capsys, args, message):
    base = {"--data": str(series_csv), "--output": str(tmp_path / "o.csv"), "--window": "10"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["generate", *[x for kv in base.items() for x in kv], *FAST]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_refuses_to_overwrite_unless_forced(series_csv, tmp_path, capsys):
    out = tmp_path / "o.csv"
    out.write_text("keep me")
    argv = ["generate", "--data", str(series_csv), "--window", "10", "--output", str(out), *FAST]
    assert main(argv) == 2
    assert "pass --force" in capsys.readouterr().err and out.read_text() == "keep me"
    assert main([*argv, "--force", "--n-samples", "2"]) == 0
    assert out.read_text() != "keep me"
    # the figures written beside --figure are protected too
    (tmp_path / "f_loss.png").write_text("keep me")
    more = ["--output", str(tmp_path / "o2.csv"), "--figure", str(tmp_path / "f.png")]
    assert main([*argv, *more, "--n-samples", "2"]) == 2
    assert "f_loss.png exists; pass --force" in capsys.readouterr().err
    assert (tmp_path / "f_loss.png").read_text() == "keep me"
    assert main([*argv, *more, "--n-samples", "2", "--force"]) == 0
    assert (tmp_path / "f_loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_non_numeric_csv_is_refused(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"date": ["a", "b", "c"], "x": [1.0, 2.0, 3.0]}).to_csv(path, index=False)
    assert (
        main(
            [
                "generate",
                "--data",
                str(path),
                "--window",
                "2",
                "--output",
                str(tmp_path / "o.csv"),
                *FAST,
            ]
        )
        == 2
    )
    assert "non-numeric columns ['date']" in capsys.readouterr().err


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "sktsgan", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "generate" in result.stdout


def test_options_of_another_model_are_one_clear_error(series_csv, tmp_path, capsys):
    args = ["generate", "--data", str(series_csv), "--window", "10", "--model", "timegan"]
    code = main([*args, "--output", str(tmp_path / "s.csv"), "--loss", "wgan-gp", *FAST])
    assert code == 2
    assert "--loss does not apply to --model timegan" in capsys.readouterr().err


def test_the_diffusion_model_is_offered(series_csv, tmp_path):
    args = ["--window", "10", "--n-samples", "5", "--model", "diffusion"]
    assert generate(series_csv, tmp_path / "s.npy", *args) == 0
    assert np.load(tmp_path / "s.npy").shape == (5, 10, 2)


def generate(data, output, *extra):
    return main(["generate", "--data", str(data), "--output", str(output), *FAST, *extra])


def test_integer_columns_are_written_as_integers_in_their_range(series_csv, tmp_path):
    args = ["--window", "10", "--n-samples", "20"]
    assert generate(series_csv, tmp_path / "s.csv", *args) == 0
    samples = pd.read_csv(tmp_path / "s.csv")
    assert samples["volume"].dtype == np.int64 and samples["price"].dtype == np.float64
    assert samples["volume"].between(1000, 1079).all()
    assert generate(series_csv, tmp_path / "s.npy", *args) == 0
    volume = np.load(tmp_path / "s.npy")[..., 1]
    np.testing.assert_array_equal(volume, np.rint(volume))
    assert volume.min() >= 1000 and volume.max() <= 1079


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
def test_npy_output_keeps_the_dtype_of_npy_data(tmp_path, dtype):
    data = tmp_path / "x.npy"
    np.save(data, (np.random.RandomState(0).rand(12, 5, 2) * 3).astype(dtype))
    assert generate(data, tmp_path / "s.npy", "--n-samples", "3") == 0
    assert np.load(tmp_path / "s.npy").dtype == dtype


def test_float64_columns_keep_float64_precision(series_csv, tmp_path):
    assert generate(series_csv, tmp_path / "s.csv", "--window", "10") == 0
    price = pd.read_csv(tmp_path / "s.csv")["price"].to_numpy()
    assert (price != price.astype(np.float32)).any()


def test_whole_number_columns_of_bundled_tables_are_integers():
    from sktsgan.cli import read_data

    try:
        data = read_data("stocks", 24)
    except Exception as exc:  # the stock prices are not in every install
        pytest.skip(str(exc))
    assert data.table["Volume"].dtype == np.int64 and data.table["Close"].dtype == np.float64


def test_a_date_column_is_found_kept_out_of_the_model_and_written_back(tmp_path, capsys):
    dates = pd.date_range("2024-01-01", periods=30, freq="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date": dates, "temp": np.sin(np.arange(30.0)), "count": range(30)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert generate(tmp_path / "d.csv", tmp_path / "s.csv", "--window", "4") == 0
    printed = capsys.readouterr().out
    assert "Column 'date' holds times" in printed and "X of shape (27, 4, 2)" in printed
    samples = pd.read_csv(tmp_path / "s.csv")
    assert list(samples.columns) == ["series", "step", "date", "temp", "count"]
    for _, one in samples.groupby("series"):
        assert one["date"].tolist() == list(dates[:4])


def test_time_column_option_keeps_a_numeric_time_column_out(tmp_path, capsys):
    frame = pd.DataFrame({"t": np.arange(0, 300, 10), "x": np.cos(np.arange(30.0))})
    frame.to_csv(tmp_path / "d.csv", index=False)
    code = generate(tmp_path / "d.csv", tmp_path / "s.csv", "--window", "3", "--time-column", "t")
    assert code == 0 and "X of shape (28, 3, 1)" in capsys.readouterr().out
    samples = pd.read_csv(tmp_path / "s.csv")
    assert list(samples.columns) == ["series", "step", "t", "x"]
    assert samples["t"].tolist()[:6] == [0, 10, 20, 0, 10, 20]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_delimiter_is_detected(tmp_path, capsys, sep):
    frame = pd.DataFrame({"temp": np.sin(np.arange(20.0)) + 0.5, "load": np.arange(20)})
    frame.to_csv(tmp_path / "d.csv", index=False, sep=sep)
    assert generate(tmp_path / "d.csv", tmp_path / "s.csv", "--window", "4") == 0
    assert f"with {sep!r} between fields" in capsys.readouterr().out
    assert list(pd.read_csv(tmp_path / "s.csv").columns) == ["series", "step", "temp", "load"]


def test_data_columns_named_series_or_step_keep_their_names(tmp_path):
    frame = pd.DataFrame({"step": np.arange(20.0), "series": np.sin(np.arange(20.0))})
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert generate(tmp_path / "d.csv", tmp_path / "s.csv", "--window", "4") == 0
    columns = list(pd.read_csv(tmp_path / "s.csv").columns)
    assert columns == ["synthetic_series", "synthetic_step", "step", "series"]


def generate_options():
    parser = build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return subcommands.choices["generate"]._actions


def test_help_shows_the_defaults_and_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for default in ("(default: rcgan)", "(default: 24)", "(default: 1000)", "timegan 100"):
        assert default in text
    assert all(action.help for action in generate_options())


def test_the_model_defaults_in_the_help_are_the_models_own():
    from sktsgan import models
    from sktsgan.cli import _MODEL_DEFAULTS, _MODELS

    for key, values in _MODEL_DEFAULTS.items():
        for name, value in values.items():
            assert getattr(models, _MODELS[name])().get_params()[key] == value
