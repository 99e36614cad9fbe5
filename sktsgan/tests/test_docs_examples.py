"""The example scripts under docs/examples run (with a short training budget)."""

import importlib.util
import re
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


def test_choose_augmentation_searches_none_cheap_and_gan():
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    example = _load("choose_augmentation")
    search, chosen, real_only = example.main(n_epochs=1, per_class=6)
    params = search.cv_results_["params"]
    assert len(params) == 7  # none, and three samplers at two ratios
    # the "none" candidate is exactly the classifier on real data alone
    X, y, _, _ = example.small_trace(6, 0)
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    plain = cross_val_score(clone(search.estimator.estimator), X, y, cv=folds).mean()
    none = params.index({"augmenter__synthetic_ratio": 0.0})
    assert search.cv_results_["mean_test_score"][none] == plain
    assert 0.0 <= chosen <= 1.0 and 0.0 <= real_only <= 1.0


README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_blocks():
    if not README.is_file():
        return []
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.skipif(not README.is_file(), reason="README.md is not in this checkout")
@pytest.mark.parametrize("index", range(len(_readme_blocks())))
def test_every_readme_block_runs_on_its_own(index, tmp_path, monkeypatch):
    # as written, alone, in a fresh namespace; only the training budget is cut
    code = re.sub(r"n_epochs=\d+", "n_epochs=1", _readme_blocks()[index])
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README.md block {index}", "exec"), {"__name__": "__readme__"})


def test_the_readme_has_python_blocks():
    if README.is_file():
        assert len(_readme_blocks()) >= 5
