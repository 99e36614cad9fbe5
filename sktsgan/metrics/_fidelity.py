"""Quick fidelity figures: how far synthetic marginals and autocorrelations are from real."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_real_synthetic, time_mask


def _autocorrelation(values, lengths, lag):
    """Mean lag-``lag`` autocorrelation per feature over series longer than ``lag``."""
    mask = time_mask(lengths, values.shape[1])[:, :, None]
    n_valid = mask.sum(axis=1)
    centred = np.where(
        mask, values - np.nansum(values, axis=1, keepdims=True) / n_valid[:, None], 0.0
    )
    numerator = (centred[:, lag:] * centred[:, :-lag]).sum(axis=1)
    denominator = (centred**2).sum(axis=1)
    usable = (lengths > lag)[:, None] & (denominator > 1e-12)
    ratio = np.where(usable, numerator / np.where(usable, denominator, 1.0), 0.0)
    count = usable.sum(axis=0)
    # NaN for a feature without a usable series (constant ones): no autocorrelation
    return np.where(count > 0, ratio.sum(axis=0) / np.maximum(count, 1), np.nan)


def moment_gaps(X_real, X_synth, *, lag=1):
    """Distances between real and synthetic data in mean, spread and autocorrelation.

    Each figure is averaged over features and is 0 for identical statistics:

    * ``mean_gap``: ``|mean_real - mean_synth| / std_real`` per feature;
    * ``std_gap``: ``|std_real - std_synth| / std_real`` per feature;
    * ``autocorrelation_gap``: absolute difference of the mean lag-``lag``
      autocorrelation of a series (NaN for tabular data).

    Parameters
    ----------
    X_real, X_synth : array-like, list of series or DataFrame
        Real and synthetic data in any format the samplers accept, with the same
        number of features.
    lag : int, default=1
        Lag of the autocorrelation.

    Returns
    -------
    gaps : dict of str to float

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import moment_gaps
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 10, 2))
    >>> gaps = moment_gaps(X, X + 1.0)
    >>> round(gaps["mean_gap"], 2), round(gaps["std_gap"], 2)
    (1.0, 0.0)
    """
    real, synth, _ = check_real_synthetic(X_real, X_synth, "moment_gaps")
    real_steps, synth_steps = real.valid_steps(), synth.valid_steps()
    scale = real_steps.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    gaps = {
        "mean_gap": float(np.mean(np.abs(real_steps.mean(0) - synth_steps.mean(0)) / scale)),
        "std_gap": float(np.mean(np.abs(real_steps.std(0) - synth_steps.std(0)) / scale)),
        "autocorrelation_gap": float("nan"),
    }
    if real.n_timesteps > lag and synth.n_timesteps > lag:
        real_acf = _autocorrelation(real.values, real.lengths, lag)
        synth_acf = _autocorrelation(synth.values, synth.lengths, lag)
        differences = np.abs(real_acf - synth_acf)
        if not np.all(np.isnan(differences)):  # else NaN: every feature is constant
            gaps["autocorrelation_gap"] = float(np.nanmean(differences))
    return gaps
