import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError

from sktsgan.metrics import (
    CandlestickDisplay,
    EmbeddingDisplay,
    LossCurveDisplay,
    SeriesComparisonDisplay,
)
from sktsgan.models import RCGANSampler

TINY = RCGANSampler(hidden_size=4, n_epochs=2, random_state=0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def smooth_series(n, seed, n_timesteps=16, n_features=2):
    rng = np.random.RandomState(seed)
    t = np.arange(n_timesteps)
    shape = (n, 1, n_features)
    return np.sin(rng.uniform(0.1, 0.3, shape) * t[:, None] + rng.uniform(0, 6, shape))


def prices(n, n_timesteps, seed):
    """Open, high, low, close, volume: random walks with consistent candles."""
    rng = np.random.RandomState(seed)
    close = 100 + rng.randn(n, n_timesteps).cumsum(axis=1)
    open_ = close - rng.randn(n, n_timesteps)
    high = np.maximum(open_, close) + rng.rand(n, n_timesteps)
    low = np.minimum(open_, close) - rng.rand(n, n_timesteps)
    volume = rng.randint(1000, 2000, (n, n_timesteps)).astype(float)
    return np.stack([open_, high, low, close, volume], axis=2)


def rows_sorted(points):
    return points[np.lexsort(points.T[::-1])]


@pytest.fixture(scope="module")
def fitted():
    X = smooth_series(20, 0)
    return clone(TINY).fit(X), X


# -- EmbeddingDisplay ----------------------------------------------------------------


def test_embedding_of_identical_sets_gives_identical_clouds():
    X = smooth_series(40, 0)
    display = EmbeddingDisplay.from_samples(X, X.copy(), random_state=0)
    assert display.real_embedding.shape == (40, 2)
    np.testing.assert_allclose(
        rows_sorted(display.real_embedding), rows_sorted(display.synthetic_embedding)
    )
    offsets = display.real_scatter_.get_offsets()
    np.testing.assert_allclose(offsets, display.real_embedding)
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == ["real", "synthetic"]
    assert display.figure_ is display.ax_.figure


def test_embedding_is_the_papers_pca_of_feature_means_fitted_on_real_data():
    X = smooth_series(30, 0, n_features=3) * [1.0, 10.0, 100.0]
    display = EmbeddingDisplay.from_samples(X, X + 50.0, random_state=0)
    low, high = X.reshape(-1, 3).min(0), X.reshape(-1, 3).max(0)
    vectors = ((X - low) / (high - low)).mean(axis=2)
    expected = PCA(n_components=2).fit_transform(vectors)
    np.testing.assert_allclose(
        rows_sorted(display.real_embedding), rows_sorted(expected), atol=1e-8
    )
    # fitted on the real data alone: the real cloud is centred, the shifted one is not
    np.testing.assert_allclose(display.real_embedding.mean(axis=0), 0.0, atol=1e-10)
    assert np.abs(display.synthetic_embedding.mean(axis=0)).max() > 1.0


@pytest.mark.parametrize("max_samples", [5, 25, 1000])
@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_embedding_draws_min_of_n_and_max_samples_points(method, max_samples):
    real, synthetic = smooth_series(40, 0), smooth_series(25, 1)
    display = EmbeddingDisplay.from_samples(
        real, synthetic, method=method, max_samples=max_samples, random_state=0
    )
    assert display.real_scatter_.get_offsets().shape == (min(40, max_samples), 2)
    assert display.synthetic_scatter_.get_offsets().shape == (min(25, max_samples), 2)
    assert display.ax_.get_xlabel() == ("PC 1" if method == "pca" else "t-SNE 1")


def test_embedding_reads_ragged_series_and_cuts_longer_synthetic_ones():
    X = smooth_series(20, 0)
    ragged = [series[: 8 + i % 8] for i, series in enumerate(X)]
    longer = smooth_series(10, 1, n_timesteps=30)
    display = EmbeddingDisplay.from_samples(ragged, longer, method="pca", random_state=0)
    assert display.real_embedding.shape == (20, 2) and display.synthetic_embedding.shape == (10, 2)
    assert np.isfinite(display.real_embedding).all()
    assert np.isfinite(display.synthetic_embedding).all()
    # both sets are padded the same way: identical ragged sets give identical clouds
    same = EmbeddingDisplay.from_samples(ragged, ragged, random_state=0)
    np.testing.assert_allclose(
        rows_sorted(same.real_embedding), rows_sorted(same.synthetic_embedding)
    )


def test_embedding_of_tabular_rows_uses_their_features():
    rows = np.random.RandomState(0).normal(size=(50, 3))
    display = EmbeddingDisplay.from_samples(rows, rows, random_state=0)
    assert display.real_embedding.shape == (50, 2)
    with pytest.raises(ValueError, match="at least 2 dimensions to project"):
        EmbeddingDisplay.from_samples(rows[:, :1], rows[:, :1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "umap"}, "method must be 'pca' or 'tsne'"),
        ({"max_samples": 1}, "max_samples must be an integer of at least 2"),
    ],
)
def test_embedding_parameter_errors(kwargs, message):
    X = smooth_series(10, 0)
    with pytest.raises(ValueError, match=message):
        EmbeddingDisplay.from_samples(X, X, **kwargs)


def test_embedding_refuses_other_features():
    with pytest.raises(ValueError, match="X has 3 features but the real data was fitted with 2"):
        EmbeddingDisplay.from_samples(smooth_series(10, 0), smooth_series(10, 0, n_features=3))


def test_embedding_from_estimator_samples_as_many_as_the_real_set(fitted):
    sampler, X = fitted
    display = EmbeddingDisplay.from_estimator(sampler, X, random_state=0)
    assert display.synthetic_embedding.shape == (20, 2)
    capped = EmbeddingDisplay.from_estimator(sampler, X, max_samples=6, random_state=0)
    assert capped.real_embedding.shape == capped.synthetic_embedding.shape == (6, 2)
    asked = EmbeddingDisplay.from_estimator(sampler, X, n_samples=7, random_state=0)
    assert asked.synthetic_embedding.shape == (7, 2)
    again = EmbeddingDisplay.from_estimator(sampler, X, n_samples=7, random_state=0)
    np.testing.assert_array_equal(asked.synthetic_embedding, again.synthetic_embedding)


def test_embedding_from_conditional_sampler_uses_x():
    X = smooth_series(20, 0)
    sampler = clone(TINY).fit(X, np.arange(20) % 2)
    display = EmbeddingDisplay.from_estimator(sampler, X, n_samples=8, random_state=0)
    assert display.synthetic_embedding.shape == (8, 2)


# -- LossCurveDisplay ----------------------------------------------------------------


def test_loss_display_draws_each_recorded_loss(fitted):
    sampler, _ = fitted
    display = LossCurveDisplay.from_estimator(sampler)
    assert set(display.lines_) == {"generator_loss", "discriminator_loss"}
    assert len(display.ax_.get_lines()) == 2 and display.phase_lines_ == []
    for key, line in display.lines_.items():
        np.testing.assert_allclose(line.get_ydata(), sampler.history_[:, key])
        np.testing.assert_array_equal(line.get_xdata(), sampler.history_[:, "epoch"])
        assert line.get_label() == key
    assert display.ax_.get_title() == "RCGANSampler training losses"


def test_loss_display_marks_phase_changes_and_gaps():
    history = [
        {"epoch": 1, "phase": "embedding", "embedder_loss": 0.5},
        {"epoch": 2, "phase": "embedding", "embedder_loss": 0.4},
        {"epoch": 3, "phase": "joint", "generator_loss": 0.9, "discriminator_loss": 1.3},
        {"epoch": 4, "phase": "joint", "generator_loss": 0.8, "discriminator_loss": 1.2},
        {"epoch": 5, "phase": "joint", "generator_loss": 0.7, "discriminator_loss": 1.1},
    ]
    display = LossCurveDisplay.from_history(history)
    assert list(display.lines_) == ["embedder_loss", "generator_loss", "discriminator_loss"]
    np.testing.assert_array_equal(
        display.lines_["embedder_loss"].get_ydata(), [0.5, 0.4, np.nan, np.nan, np.nan]
    )
    np.testing.assert_array_equal(
        display.lines_["generator_loss"].get_ydata(), [np.nan, np.nan, 0.9, 0.8, 0.7]
    )
    assert len(display.phase_lines_) == 1
    assert display.phase_lines_[0].get_xdata()[0] == pytest.approx(2.5)
    assert {t.get_text() for t in display.ax_.texts} == {"embedding", "joint"}


def test_loss_display_errors():
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(clone(TINY))
    with pytest.raises(ValueError, match="no key ends in '_loss'"):
        LossCurveDisplay.from_history([{"epoch": 1, "dur": 0.1}])
    with pytest.raises(TypeError, match="list of dicts"):
        LossCurveDisplay.from_history({"generator_loss": [1.0]})


# -- CandlestickDisplay --------------------------------------------------------------


@pytest.mark.parametrize("n_series", [1, 3])
def test_candles_draw_one_body_per_step_coloured_by_direction(n_series):
    real, synthetic = prices(8, 12, 0), prices(5, 12, 1)
    display = CandlestickDisplay.from_samples(real, synthetic, n_series=n_series)
    assert display.axes_.shape == (2,)
    up, down = to_rgba("tab:green"), to_rgba("tab:red")
    for axis, bodies, wicks, drawn in zip(
        display.axes_, display.bodies_, display.wicks_, (display.real, display.synthetic)
    ):
        assert len(axis.patches) == len(bodies) == n_series * 12
        o, h, low, c = (drawn[:, :, j].ravel() for j in range(4))
        assert [b.get_facecolor() for b in bodies] == [up if x else down for x in c >= o]
        np.testing.assert_allclose([b.get_y() for b in bodies], np.minimum(o, c))
        np.testing.assert_allclose([b.get_height() for b in bodies], np.abs(c - o))
        segments = np.array(wicks.get_segments())
        np.testing.assert_allclose(segments[:, :, 1], np.stack([low, h], axis=1))
    # the drawn series are series of the inputs, columns in open, high, low, close order
    assert any(np.allclose(display.real[0], s[:, :4]) for s in real)
    assert any(np.allclose(display.synthetic[0], s[:, :4]) for s in synthetic)


def test_candles_find_columns_by_name_and_by_index():
    X = prices(4, 6, 0)
    permuted = X[:, :, [4, 3, 2, 1, 0]]
    names = ["Volume", "Close", "Low", "High", "Open"]
    display = CandlestickDisplay.from_samples(permuted, permuted, n_series=4, feature_names=names)
    np.testing.assert_allclose(
        rows_sorted(display.real.reshape(-1, 4)), rows_sorted(X[:, :, :4].reshape(-1, 4))
    )
    lower = [n.lower() for n in names]
    by_case = CandlestickDisplay.from_samples(permuted, permuted, n_series=4, feature_names=lower)
    np.testing.assert_array_equal(by_case.real, display.real)
    by_index = CandlestickDisplay.from_samples(
        permuted, permuted, open=4, high=3, low=-3, close="close", n_series=4, feature_names=lower
    )
    np.testing.assert_array_equal(by_index.real, display.real)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"open": "Opening"}, ValueError, "open='Opening' is not a feature name"),
        ({"feature_names": ["a", "b", "c", "d", "e"]}, ValueError, "open='Open' is not a"),
        ({"close": 5}, ValueError, "close=5 is out of range"),
        ({"feature_names": ["a", "b"]}, ValueError, "feature_names has 2 names"),
        ({"high": 1.5}, TypeError, "high must be a feature index or name"),
        ({"n_series": 0}, ValueError, "n_series must be a positive integer"),
    ],
)
def test_candle_column_errors(kwargs, error, message):
    X = prices(4, 6, 0)
    kwargs.setdefault("feature_names", ["Open", "High", "Low", "Close", "Volume"])
    with pytest.raises(error, match=message):
        CandlestickDisplay.from_samples(X, X, **kwargs)


def test_candle_names_need_feature_names():
    X = prices(4, 6, 0)
    with pytest.raises(ValueError, match="no feature names"):
        CandlestickDisplay.from_samples(X, X, open="Open")


def test_candles_from_estimator_fitted_on_a_long_frame():
    X = prices(6, 5, 0)
    frame = pd.DataFrame(X.reshape(-1, 5), columns=["Volume", "Close", "Low", "High", "Open"])
    frame.insert(0, "id", np.repeat(np.arange(6), 5))
    sampler = RCGANSampler(hidden_size=4, n_epochs=2, random_state=0, id_column="id").fit(frame)
    display = CandlestickDisplay.from_estimator(sampler, frame, n_series=2)
    assert [len(b) for b in display.bodies_] == [10, 10]
    # by name: the "Open" column is the fifth one
    assert any(np.allclose(display.real[0][:, 0], s[:, 4]) for s in X)


def test_candles_skip_padding_of_ragged_series():
    X = prices(3, 8, 0)
    ragged = [X[0, :5], X[1, :8], X[2, :3]]
    display = CandlestickDisplay.from_samples(ragged, ragged, n_series=3)
    assert [len(b) for b in display.bodies_] == [16, 16]


# -- all displays ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [
        lambda X: EmbeddingDisplay.from_samples(X, X),
        lambda X: LossCurveDisplay.from_history([{"generator_loss": 1.0}]),
        lambda X: CandlestickDisplay.from_samples(X, X),
        lambda X: SeriesComparisonDisplay.from_samples(X, X),
    ],
    ids=["embedding", "loss", "candles", "comparison"],
)
def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch, draw):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install sktsgan\[plot\]"):
        draw(prices(4, 6, 0))


def test_displays_draw_on_given_axes(tmp_path):
    import matplotlib.pyplot as plt

    X = prices(5, 6, 0)
    fig, axes = plt.subplots(1, 4)
    embedding = EmbeddingDisplay.from_samples(X, X, ax=axes[0])
    loss = LossCurveDisplay.from_history([{"generator_loss": 1.0}], ax=axes[1])
    candles = CandlestickDisplay.from_samples(X, X, ax=axes[2:])
    assert embedding.ax_ is axes[0] and loss.ax_ is axes[1]
    assert list(candles.axes_) == list(axes[2:]) and candles.figure_ is fig
    fig.savefig(tmp_path / "all.png")
    assert (tmp_path / "all.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="ax must hold 2 Axes"):
        CandlestickDisplay.from_samples(X, X, ax=axes[0])
