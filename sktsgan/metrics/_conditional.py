"""Fidelity of context: the series of each attribute level, and categorical channels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._posthoc import discriminative_score


def conditional_discriminative_score(
    X_real,
    levels_real,
    X_synth,
    levels_synth,
    *,
    min_series=20,
    hidden_size=None,
    n_iterations=2000,
    batch_size=128,
    test_size=0.2,
    scale=True,
    device="cpu",
    random_state=None,
):
    """The discriminative score of the real and synthetic series of each attribute level.

    A conditional sampler can match the data as a whole and still mix up its levels:
    draw weekend load curves for weekdays, or one device type's series for another.
    This scores each level on its own: the real series of that level against the
    synthetic series generated for it, with :func:`discriminative_score` (0 is best,
    0.5 means fully told apart).

    Parameters
    ----------
    X_real : array-like of shape (n_series, n_timesteps, n_features) or list of series
        The real series.
    levels_real : array-like of shape (n_series,)
        The attribute level (or class) of each real series: a categorical attribute, a
        class label, or a binned numeric attribute.
    X_synth : array-like of shape (n_series, n_timesteps, n_features) or list of series
        The synthetic series.
    levels_synth : array-like of shape (n_series,)
        The level each synthetic series was generated for.
    min_series : int, default=20
        Levels with fewer real or synthetic series than this are left out (the score
        of a handful of series is noise).
    hidden_size, n_iterations, batch_size, test_size, scale, device
        Options of :func:`discriminative_score`, with its defaults, for every level's
        post-hoc classifier.
    random_state : int, RandomState instance or None, default=None
        Seeds every level's classifier.

    Returns
    -------
    scores : dict
        ``{level: score}`` for every level scored, in sorted order of the levels.

    Raises
    ------
    ValueError
        If the levels do not match the numbers of series, or no level has
        ``min_series`` series on both sides.

    See Also
    --------
    discriminative_score : The score of the whole data set.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.metrics import conditional_discriminative_score
    >>> rng = np.random.RandomState(0)
    >>> levels = np.repeat(["low", "high"], 40)
    >>> real = rng.normal(size=(80, 8, 1)) + (levels == "high")[:, None, None]
    >>> synth = rng.normal(size=(80, 8, 1))  # the high level's offset is missing
    >>> scores = conditional_discriminative_score(
    ...     real, levels, synth, levels, n_iterations=100, random_state=0
    ... )
    >>> sorted(scores)
    ['high', 'low']
    """
    real_levels = np.asarray(levels_real, dtype=object).ravel()
    synth_levels = np.asarray(levels_synth, dtype=object).ravel()
    real = _as_list_of_series(X_real, len(real_levels), "X_real", "levels_real")
    synth = _as_list_of_series(X_synth, len(synth_levels), "X_synth", "levels_synth")
    scores = {}
    for level in sorted(set(real_levels.tolist()) & set(synth_levels.tolist()), key=str):
        real_index = np.flatnonzero(real_levels == level)
        synth_index = np.flatnonzero(synth_levels == level)
        if min(len(real_index), len(synth_index)) < min_series:
            continue
        scores[level] = float(
            discriminative_score(
                _take(real, real_index),
                _take(synth, synth_index),
                hidden_size=hidden_size,
                n_iterations=n_iterations,
                batch_size=batch_size,
                test_size=test_size,
                scale=scale,
                device=device,
                random_state=random_state,
            )
        )
    if not scores:
        raise ValueError(
            f"No level has {min_series} real and {min_series} synthetic series; draw more "
            "synthetic series per level, or lower min_series."
        )
    return scores


def _as_list_of_series(X, n_levels, name, levels_name):
    if isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{name} is a DataFrame; pass the series as a 3-D array or a list of series, in "
            f"the order of {levels_name}."
        )
    series = X if isinstance(X, list) else np.asarray(X)
    if len(series) != n_levels:
        raise ValueError(
            f"{levels_name} has {n_levels} levels but {name} has {len(series)} series; give "
            "one level per series."
        )
    return series


def _take(series, index):
    if isinstance(series, list):
        return [series[i] for i in index]
    return series[index]


def categorical_channel_fidelity(X_real, X_synth, column, *, id_column, time_column=None):
    """How well synthetic series reproduce a categorical channel: levels and transitions.

    Two total-variation distances (0 is identical, 1 is disjoint): between the level
    frequencies of the real and the synthetic steps, and between their step-to-step
    transition matrices (each row, the distribution of the next level given the
    current one, weighted by how often the real data is in the current level). A model
    can match the first and miss the second by shuffling the levels in time.

    Parameters
    ----------
    X_real, X_synth : DataFrame
        Long DataFrames with ``id_column`` (and ``time_column``) and the channel.
    column : str
        The categorical channel.
    id_column : str
        The column naming each series.
    time_column : str, default=None
        The column ordering the steps of a series; None takes the rows' order.

    Returns
    -------
    fidelity : dict
        ``"frequency_tv"``, ``"transition_tv"``, and ``"unseen_levels"``: the synthetic
        levels that the real channel never takes (a correct sampler has none).

    Examples
    --------
    >>> import pandas as pd
    >>> from sktsgan.metrics import categorical_channel_fidelity
    >>> real = pd.DataFrame({"id": [0, 0, 0, 1, 1, 1], "s": ["a", "b", "a", "b", "a", "b"]})
    >>> synth = pd.DataFrame({"id": [0, 0, 0, 1, 1, 1], "s": ["a", "a", "a", "b", "b", "b"]})
    >>> fidelity = categorical_channel_fidelity(real, synth, "s", id_column="id")
    >>> fidelity["frequency_tv"], fidelity["transition_tv"]
    (0.0, 1.0)
    """
    frames = []
    for name, frame in (("X_real", X_real), ("X_synth", X_synth)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name} must be a long DataFrame, got {type(frame).__name__}.")
        for key in (id_column, time_column, column):
            if key is not None and key not in frame.columns:
                raise ValueError(f"{key!r} is not a column of {name}.")
        if time_column is not None:
            frame = frame.sort_values([id_column, time_column], kind="stable")
        frames.append(frame)
    real, synth = frames
    levels = pd.unique(real[column].dropna()).tolist()
    unseen = sorted(set(synth[column].dropna().tolist()) - set(levels), key=str)
    index = {level: k for k, level in enumerate(levels)}
    n_levels = len(levels)

    def counts(frame):
        codes = frame[column].map(index).to_numpy(dtype=np.float64, na_value=np.nan)
        same = frame[id_column].to_numpy()
        valid = ~np.isnan(codes)
        frequency = np.bincount(codes[valid].astype(np.int64), minlength=n_levels)
        pairs = np.zeros((n_levels, n_levels))
        step = (same[1:] == same[:-1]) & valid[1:] & valid[:-1]
        np.add.at(pairs, (codes[:-1][step].astype(np.int64), codes[1:][step].astype(np.int64)), 1)
        return frequency, pairs

    real_frequency, real_pairs = counts(real)
    synth_frequency, synth_pairs = counts(synth)
    frequency_tv = (
        0.5
        * np.abs(
            real_frequency / max(real_frequency.sum(), 1)
            - synth_frequency / max(synth_frequency.sum(), 1)
        ).sum()
    )

    def rows(pairs):
        totals = pairs.sum(axis=1, keepdims=True)
        return np.divide(pairs, totals, out=np.zeros_like(pairs), where=totals > 0)

    weights = real_pairs.sum(axis=1)
    weights = weights / max(weights.sum(), 1)
    row_tv = 0.5 * np.abs(rows(real_pairs) - rows(synth_pairs)).sum(axis=1)
    return {
        "frequency_tv": float(frequency_tv),
        "transition_tv": float((weights * row_tv).sum()),
        "unseen_levels": unseen,
    }
