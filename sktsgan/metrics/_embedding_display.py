"""The TimeGAN paper's visual check: real and synthetic series projected to 2-D."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.utils import check_random_state

from ..utils.validation import check_real_synthetic, check_sequences
from ._plotting import import_pyplot, sample_series

_METHODS = {"pca": ("PCA", "PC"), "tsne": ("t-SNE", "t-SNE")}


class EmbeddingDisplay:
    """Real and synthetic series projected to two dimensions by PCA or t-SNE.

    The picture of Yoon et al. (2019), "Time-series Generative Adversarial Networks"
    (NeurIPS): if the synthetic points cover the real ones, the sampler has learned
    the spread of the data; a synthetic cloud that sits apart or shrinks to a corner
    shows a poor or collapsed generator.

    As in the paper, every series is first reduced to one vector of length
    ``n_timesteps``: each feature is min-max scaled with the *real* data's range, then
    the features are averaged at every step. Series of different lengths are compared
    over the real data's longest length: synthetic series are cut to it, and steps past
    a series' end take the real data's mean at that step (so padding pulls a point
    towards the real centre instead of to an arbitrary value). Tabular rows (series of
    one step) are embedded by their scaled features instead.

    PCA is fitted on the real vectors and applied to both sets, as in the paper;
    t-SNE embeds the union of both sets (perplexity ``min(30, n_points - 1)``).

    Build it with :meth:`from_samples` or :meth:`from_estimator`; matplotlib is
    imported only when plotting (``pip install sktsgan[plot]``).

    Parameters
    ----------
    real_embedding : ndarray of shape (n_real, 2)
        Projected real series.
    synthetic_embedding : ndarray of shape (n_synthetic, 2)
        Projected synthetic series.
    method : {"pca", "tsne"}, default="pca"
        The projection that made the points; names the axes and the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes with the two point clouds.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    real_scatter_, synthetic_scatter_ : matplotlib PathCollection
        The two point clouds.

    See Also
    --------
    SeriesComparisonDisplay : The series themselves, one panel per feature.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import EmbeddingDisplay
    >>> rng = np.random.RandomState(0)
    >>> real, synthetic = rng.rand(40, 12, 2), rng.rand(30, 12, 2)
    >>> display = EmbeddingDisplay.from_samples(real, synthetic, random_state=0)
    >>> display.real_embedding.shape, display.synthetic_embedding.shape
    ((40, 2), (30, 2))
    """

    def __init__(self, real_embedding, synthetic_embedding, *, method="pca"):
        self.real_embedding = real_embedding
        self.synthetic_embedding = synthetic_embedding
        self.method = method

    @classmethod
    def from_samples(
        cls,
        X_real,
        X_synth,
        *,
        method="pca",
        max_samples=1000,
        random_state=None,
        id_column=None,
        time_column=None,
        ax=None,
    ):
        """Project real and synthetic series given in any sampler format, and plot them.

        Parameters
        ----------
        X_real : array-like of shape (n_series, n_timesteps, n_features), list of \
                series, 2-D array or DataFrame
            Real data, in any format a sampler's ``fit`` reads.
        X_synth : same kinds as ``X_real``
            Synthetic data with the same features.
        method : {"pca", "tsne"}, default="pca"
            PCA fitted on the real series, or t-SNE of both sets together.
        max_samples : int, default=1000
            At most this many series of each set are drawn (without replacement).
        random_state : int, RandomState instance or None, default=None
            Seeds the choice of series and t-SNE; None draws them unseeded (numpy's
            global random state is left alone).
        id_column, time_column : str, default=None
            For long DataFrames: the columns that name each series and order its steps.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        display : EmbeddingDisplay
        """
        if method not in _METHODS:
            raise ValueError(f"method must be 'pca' or 'tsne', got {method!r}.")
        if (
            isinstance(max_samples, (bool, np.bool_))
            or not isinstance(max_samples, Integral)
            or max_samples < 2
        ):
            raise ValueError(f"max_samples must be an integer of at least 2, got {max_samples!r}.")
        real, synth, _ = check_real_synthetic(
            X_real, X_synth, "EmbeddingDisplay", id_column=id_column, time_column=time_column
        )
        real_vectors, synth_vectors = _series_vectors(real, synth)
        if real_vectors.shape[1] < 2:
            raise ValueError(
                "EmbeddingDisplay needs at least 2 dimensions to project: series of at least "
                "2 steps, or tabular rows of at least 2 features. Got one feature of one "
                "step; compare its histograms with SeriesComparisonDisplay instead."
            )
        # None: an unseeded generator of our own, leaving numpy's global state alone.
        rng = np.random.RandomState() if random_state is None else check_random_state(random_state)
        real_vectors, synth_vectors = (
            values[rng.choice(len(values), size=min(len(values), max_samples), replace=False)]
            for values in (real_vectors, synth_vectors)
        )
        if method == "pca":
            pca = PCA(n_components=2, random_state=rng.randint(np.iinfo(np.int32).max))
            pca.fit(real_vectors)
            real_points, synth_points = pca.transform(real_vectors), pca.transform(synth_vectors)
        else:
            union = np.concatenate([real_vectors, synth_vectors])
            tsne = TSNE(
                n_components=2,
                perplexity=min(30.0, len(union) - 1.0),
                init="pca",
                random_state=rng,
            )
            points = tsne.fit_transform(union)
            real_points, synth_points = points[: len(real_vectors)], points[len(real_vectors) :]
        return cls(real_points, synth_points, method=method).plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        sampler,
        X_real,
        *,
        n_samples=None,
        method="pca",
        max_samples=1000,
        random_state=None,
        ax=None,
    ):
        """Project fresh samples of a fitted sampler against ``X_real``, and plot them.

        Parameters
        ----------
        sampler : fitted sampler
            Anything with ``sample(n, random_state=...)``; of a conditional sampler's
            ``(X, y)`` only ``X`` is used.
        X_real : array-like, list of series or DataFrame
            Real data in the format the sampler was fitted on.
        n_samples : int, default=None
            Series to sample; None samples as many as ``X_real`` holds, at most
            ``max_samples``.
        method, max_samples, random_state, ax
            As in :meth:`from_samples`. ``random_state`` also seeds the sampling; None
            continues the sampler's own stream of draws.

        Returns
        -------
        display : EmbeddingDisplay
        """
        columns = {
            "id_column": getattr(sampler, "id_column", None),
            "time_column": getattr(sampler, "time_column", None),
        }
        if n_samples is None:
            real, _ = check_sequences(X_real, estimator_name="EmbeddingDisplay", **columns)
            n_samples = min(real.n_series, max_samples)
        synthetic = sample_series(sampler, n_samples, random_state)
        return cls.from_samples(
            X_real,
            synthetic,
            method=method,
            max_samples=max_samples,
            random_state=random_state,
            ax=ax,
            **columns,
        )

    def plot(self, ax=None):
        """Draw both point clouds.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        display : EmbeddingDisplay
            ``self``, with ``ax_``, ``figure_`` and the two scatters set.
        """
        plt = import_pyplot("EmbeddingDisplay.plot")
        new_figure = ax is None
        if new_figure:
            _, ax = plt.subplots(figsize=(4.8, 4.2))
        title, axis_name = _METHODS[self.method]
        self.real_scatter_, self.synthetic_scatter_ = (
            ax.scatter(points[:, 0], points[:, 1], s=12, alpha=0.45, color=color, label=label)
            for points, color, label in (
                (self.real_embedding, "tab:blue", "real"),
                (self.synthetic_embedding, "tab:orange", "synthetic"),
            )
        )
        ax.set_xlabel(f"{axis_name} 1")
        ax.set_ylabel(f"{axis_name} 2")
        ax.set_title(f"{title} of real and synthetic series")
        ax.legend(loc="best", fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        if new_figure:
            self.figure_.tight_layout()
        return self


def _series_vectors(real, synth):
    """Reduce both sets to ``(n, n_timesteps)`` feature means over the real data's steps."""
    steps = real.valid_steps()
    low = steps.min(axis=0)
    span = steps.max(axis=0) - low
    span[span == 0] = 1.0  # a constant feature: no range to scale into
    if real.n_timesteps == 1:  # tabular rows: embed the scaled features themselves
        return ((data.values[:, 0, :] - low) / span for data in (real, synth))
    length = real.n_timesteps
    # check_sequences pads whole steps with NaN only, so a plain mean keeps valid steps
    # and leaves padding NaN (without nanmean's warnings on all-NaN steps).
    real_means = ((real.values - low) / span).mean(axis=2)
    synth_means = ((synth.values[:, :length] - low) / span).mean(axis=2)
    if synth_means.shape[1] < length:
        pad = np.full((synth.n_series, length - synth_means.shape[1]), np.nan)
        synth_means = np.concatenate([synth_means, pad], axis=1)
    step_mean = np.nanmean(real_means, axis=0)  # the longest real series covers every step
    return (np.where(np.isnan(means), step_mean, means) for means in (real_means, synth_means))
