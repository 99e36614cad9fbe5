"""Pictures of real against synthetic series, in scikit-learn's Display style."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_real_synthetic, time_mask
from ._plotting import import_pyplot, sample_series


class SeriesComparisonDisplay:
    """Real and synthetic series overlaid, one panel per feature.

    Build it with :meth:`from_samples` or :meth:`from_estimator`; matplotlib is
    imported only when plotting (``pip install sktsgan[plot]``).

    Parameters
    ----------
    real, synthetic : ndarray of shape (n_series, n_timesteps, n_features)
        NaN-padded series to draw.
    feature_names : list of str
        Panel titles.

    Attributes
    ----------
    figure_ : matplotlib Figure
    axes_ : ndarray of matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import SeriesComparisonDisplay
    >>> rng = np.random.RandomState(0)
    >>> display = SeriesComparisonDisplay.from_samples(rng.rand(5, 8, 2), rng.rand(5, 8, 2))
    >>> display.axes_.shape
    (2,)
    """

    def __init__(self, real, synthetic, feature_names):
        self.real = real
        self.synthetic = synthetic
        self.feature_names = feature_names

    @classmethod
    def from_samples(
        cls,
        X_real,
        X_synth,
        *,
        n_series=10,
        feature_names=None,
        max_features=6,
        random_state=0,
        ax=None,
    ):
        """Draw ``n_series`` real and synthetic series from data in any sampler format.

        Parameters
        ----------
        X_real : array-like of shape (n_series, n_timesteps, n_features), list of \
                series or DataFrame
            Real series: a 3-D array (trailing NaN pads shorter series), a list of
            series, or tabular rows (a 2-D array or wide DataFrame).
        X_synth : same kinds as ``X_real``
            Synthetic series with the same features.
        n_series : int, default=10
            Series of each set to draw, chosen at random (all if fewer).
        feature_names : list of str, default=None
            Panel titles; None takes the real data's DataFrame columns, else
            ``"feature 0"``, ``"feature 1"``, ...
        max_features : int, default=6
            Draw the first this many features only.
        random_state : int or None, default=0
            Seeds the choice of series.
        ax : array of matplotlib Axes, default=None
            One Axes per feature drawn; a new figure if None.

        Returns
        -------
        display : SeriesComparisonDisplay
        """
        real, synth, real_format = check_real_synthetic(X_real, X_synth, "SeriesComparisonDisplay")
        rng = np.random.RandomState(random_state)
        picked = []
        for data in (real, synth):
            index = rng.choice(data.n_series, size=min(n_series, data.n_series), replace=False)
            values = data.values[index].copy()
            values[~time_mask(data.lengths[index], data.n_timesteps)] = np.nan
            picked.append(values[:, :, :max_features])
        if feature_names is None:
            columns = real_format.columns or [f"feature {j}" for j in range(real.n_features)]
            feature_names = [str(c) for c in columns]
        return cls(picked[0], picked[1], list(feature_names)[:max_features]).plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        sampler,
        X_real,
        *,
        n_series=10,
        feature_names=None,
        max_features=6,
        random_state=0,
        ax=None,
    ):
        """Draw ``n_series`` fresh samples of a fitted sampler against ``X_real``.

        Parameters
        ----------
        sampler : fitted sampler
            Anything with ``sample(n, random_state=...)``; of a conditional sampler's
            ``(X, y)`` only ``X`` is used.
        X_real : array-like, list of series or DataFrame
            Real series, in a format :meth:`from_samples` reads.
        n_series : int, default=10
            Series to sample, and real series to draw at random (all if fewer).
        feature_names : list of str, default=None
            As in :meth:`from_samples`.
        max_features : int, default=6
            As in :meth:`from_samples`.
        random_state : int or None, default=0
            Seeds the sampling and the choice of real series.
        ax : array of matplotlib Axes, default=None
            As in :meth:`from_samples`.

        Returns
        -------
        display : SeriesComparisonDisplay
        """
        synthetic = sample_series(sampler, n_series, random_state)
        return cls.from_samples(
            X_real,
            synthetic,
            n_series=n_series,
            feature_names=feature_names,
            max_features=max_features,
            random_state=random_state,
            ax=ax,
        )

    def plot(self, ax=None):
        """Draw one panel per feature: series over time, or histograms of tabular rows.

        Parameters
        ----------
        ax : array of matplotlib Axes, default=None
            One Axes per feature (a single Axes for one feature); a new figure if
            None.

        Returns
        -------
        self : SeriesComparisonDisplay
            With ``figure_`` and ``axes_`` set.
        """
        plt = import_pyplot("SeriesComparisonDisplay.plot")
        n_features = self.real.shape[2]
        if ax is None:
            fig, ax = plt.subplots(1, n_features, figsize=(3.2 * n_features, 2.8), squeeze=False)
            ax = ax[0]
        ax = np.atleast_1d(ax)
        single_step = self.real.shape[1] == 1
        for j, axis in enumerate(ax[:n_features]):
            if single_step:
                bins = _shared_bins(self.real[:, 0, j], self.synthetic[:, 0, j])
            for values, color, label in (
                (self.real, "tab:blue", "real"),
                (self.synthetic, "tab:orange", "synthetic"),
            ):
                if single_step:  # tabular rows: compare the marginal distributions
                    axis.hist(values[:, 0, j], bins=bins, alpha=0.5, color=color, label=label)
                    continue
                lines = axis.plot(values[:, :, j].T, color=color, alpha=0.6, linewidth=1)
                lines[0].set_label(label)
            axis.set_title(self.feature_names[j])
            axis.set_xlabel("row value" if single_step else "time step")
        ax[0].legend(loc="best", fontsize="small")
        self.axes_ = ax
        self.figure_ = ax[0].figure
        self.figure_.tight_layout()
        return self


def _shared_bins(real, synthetic, n_bins=20):
    """Histogram edges over both sets, so the two bars line up; a constant gets one bin.

    numpy's own ``bins=20`` fails on a constant of large magnitude (no 20 distinct
    float edges fit in its range).
    """
    values = np.concatenate([real, synthetic])
    values = values[np.isfinite(values)]
    low, high = (values.min(), values.max()) if len(values) else (0.0, 1.0)
    if not high > low:
        half = max(abs(low) * 1e-3, 0.5)
        low, high = low - half, high + half
    return np.unique(np.linspace(low, high, n_bins + 1))
