"""The example scripts under docs/examples run (with a short training budget)."""

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

pytest.importorskip("matplotlib")
pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="docs/ is not in this checkout")


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rolling_forecast_draws_the_picture(tmp_path):
    path = tmp_path / "rolling.png"
    mae, inside = _load("rolling_forecast").main(n_epochs=1, path=path)
    # one epoch checks that the script runs and draws; forecast quality is tested in
    # sktsgan/models/tests/test_forecast.py and measured in benchmarks/forecast.py
    assert path.stat().st_size > 10_000
    assert 0.0 < mae < 1.5
    assert 0.0 < inside <= 1.0
