import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sktsgan.cli import main

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
