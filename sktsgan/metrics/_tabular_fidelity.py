"""Column-by-column fidelity of a synthetic table: marginals, level frequencies, associations.

Both functions compare a synthetic table with the real one it imitates, one column (or
one pair of columns) at a time, with the kind of each column (numeric or categorical)
read as the tabular samplers read it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..preprocessing._tabular import check_table_pair
from ..utils._docstrings import with_snippets

_FIDELITY_COLUMNS = [
    "kind",
    "ks_statistic",
    "wasserstein",
    "mean_real",
    "mean_synthetic",
    "std_real",
    "std_synthetic",
    "total_variation",
    "unseen_share",
]

_CATEGORICAL_NOTE = """Which columns are categorical: with ``categorical_columns=None`` every
column of ``X_real`` of dtype ``category``, ``object``, ``bool`` or ``string`` (as
in the tabular samplers), or the names (positions, for arrays) listed. A NaN in a
categorical column is a level of its own; numeric columns must be finite."""


_fill = with_snippets(categorical_note=_CATEGORICAL_NOTE)


def _numeric(column):
    return column.to_numpy(dtype=np.float64)


def _codes(*columns):
    """Integer level codes of each column, shared across columns; NaN is a level."""
    values = np.concatenate([c.astype(object).to_numpy() for c in columns])
    codes, levels = pd.factorize(values, use_na_sentinel=False)
    bounds = np.cumsum([0] + [len(c) for c in columns])
    return [codes[a:b] for a, b in zip(bounds[:-1], bounds[1:])], len(levels)


def _numeric_row(real, synthetic):
    scale = real.std()
    return {
        "kind": "numeric",
        "ks_statistic": float(stats.ks_2samp(real, synthetic).statistic),
        "wasserstein": float(stats.wasserstein_distance(real, synthetic))
        / (scale if scale > 0 else 1.0),
        "mean_real": float(real.mean()),
        "mean_synthetic": float(synthetic.mean()),
        "std_real": float(scale),
        "std_synthetic": float(synthetic.std()),
    }


def _categorical_row(real, synthetic):
    (real_codes, synthetic_codes), n_levels = _codes(real, synthetic)
    p = np.bincount(real_codes, minlength=n_levels) / len(real_codes)
    q = np.bincount(synthetic_codes, minlength=n_levels) / len(synthetic_codes)
    return {
        "kind": "categorical",
        "total_variation": float(0.5 * np.abs(p - q).sum()),
        "unseen_share": float(q[p == 0].sum()),
    }


@_fill
def column_fidelity(X_real, X_synthetic, *, categorical_columns=None):
    """How far each column of a synthetic table is from the same column of the real one.

    One row per column. For a numeric column:

    * ``ks_statistic``: the two-sample Kolmogorov–Smirnov statistic, the largest gap
      between the two empirical distribution functions (0 for the same distribution,
      1 for disjoint ranges);
    * ``wasserstein``: the first Wasserstein (earth mover's) distance between the two
      empirical distributions, **in units of the real column's standard deviation**
      (``std_real``; a constant real column is left in its own units): shifting every
      value by half a standard deviation gives 0.5;
    * ``mean_real``, ``mean_synthetic``, ``std_real``, ``std_synthetic``: the first two
      moments (standard deviations with ``ddof=0``).

    For a categorical column:

    * ``total_variation``: half the sum over levels of the absolute difference between
      real and synthetic level frequencies, in [0, 1]: the share of synthetic rows that
      would have to change level for the frequencies to match;
    * ``unseen_share``: the share of synthetic values that never occur in the real
      column (0 for the samplers of this package, which only draw training levels).

    The entries that do not apply to a column's kind are NaN.

    {categorical_note}

    Parameters
    ----------
    X_real : DataFrame or array-like of shape (n_real, n_columns)
        Real table, usually the data the sampler was fitted on.
    X_synthetic : DataFrame or array-like of shape (n_synthetic, n_columns)
        Synthetic table with the same columns (DataFrames: the same names, in any
        order) or the same number of columns (arrays).
    categorical_columns : list of str or int, default=None
        Names or positions of the categorical columns; None reads them from the dtypes.

    Returns
    -------
    fidelity : DataFrame of shape (n_columns, 9)
        Indexed by column name (by position for arrays), with the columns ``kind``,
        ``ks_statistic``, ``wasserstein``, ``mean_real``, ``mean_synthetic``,
        ``std_real``, ``std_synthetic``, ``total_variation`` and ``unseen_share``.

    See Also
    --------
    correlation_gap : How well the synthetic table keeps the pairwise associations.
    moment_gaps : Mean and spread gaps averaged over features, for series too.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sktsgan.metrics import column_fidelity
    >>> size = np.arange(100.0)
    >>> real = pd.DataFrame({"size": size, "colour": ["red"] * 80 + ["blue"] * 20})
    >>> fake = pd.DataFrame({"size": size + 10, "colour": ["red"] * 20 + ["blue"] * 80})
    >>> fidelity = column_fidelity(real, fake)
    >>> fidelity.round(2).loc[["size", "colour"], ["ks_statistic", "total_variation"]]
            ks_statistic  total_variation
    column
    size             0.1              NaN
    colour           NaN              0.6
    >>> fidelity["kind"].tolist()
    ['numeric', 'categorical']
    """
    real, synthetic, categorical = check_table_pair(
        X_real, X_synthetic, categorical_columns, "column_fidelity"
    )
    rows = [
        _categorical_row(real[c], synthetic[c])
        if c in categorical
        else _numeric_row(_numeric(real[c]), _numeric(synthetic[c]))
        for c in real.columns
    ]
    return pd.DataFrame(
        rows, index=pd.Index(real.columns, name="column"), columns=_FIDELITY_COLUMNS
    )


def _pearson(a, b):
    a, b = a - a.mean(), b - b.mean()
    denominator = np.sqrt((a**2).sum() * (b**2).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def _correlation_ratio(values, codes):
    """Share of the spread of ``values`` explained by the groups ``codes``, square-rooted."""
    total = ((values - values.mean()) ** 2).sum()
    if total <= 0:
        return 0.0
    counts = np.bincount(codes)
    present = counts > 0
    means = np.bincount(codes, weights=values)[present] / counts[present]
    between = (counts[present] * (means - values.mean()) ** 2).sum()
    return float(np.sqrt(min(between / total, 1.0)))


def _cramers_v(codes_a, codes_b):
    _, codes_a = np.unique(codes_a, return_inverse=True)
    _, codes_b = np.unique(codes_b, return_inverse=True)
    table = np.zeros((codes_a.max() + 1, codes_b.max() + 1))
    np.add.at(table, (codes_a, codes_b), 1.0)
    smallest = min(table.shape) - 1
    if smallest == 0:
        return 0.0
    n = table.sum()
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    chi2 = ((table - expected) ** 2 / expected).sum()
    return float(np.sqrt(min(chi2 / (n * smallest), 1.0)))


def _associations(frame, categorical):
    """``{(a, b): (measure, value)}`` for every pair of columns a before b."""
    codes = {c: _codes(frame[c])[0][0] for c in categorical}
    numeric = {c: _numeric(frame[c]) for c in frame.columns if c not in codes}
    columns = list(frame.columns)
    out = {}
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            if a in numeric and b in numeric:
                out[a, b] = ("pearson", _pearson(numeric[a], numeric[b]))
            elif a in codes and b in codes:
                out[a, b] = ("cramers_v", _cramers_v(codes[a], codes[b]))
            else:
                value, group = (numeric[a], codes[b]) if a in numeric else (numeric[b], codes[a])
                out[a, b] = ("correlation_ratio", _correlation_ratio(value, group))
    return out


@_fill
def correlation_gap(X_real, X_synthetic, *, categorical_columns=None, return_pairs=False):
    """Mean absolute difference between the pairwise associations of two tables.

    For every pair of columns an association is measured in each table, then the gap is
    the mean over pairs of ``|association_real - association_synthetic|``: 0 when the
    synthetic table keeps every pairwise dependence, and about the mean absolute real
    association when it keeps none (columns drawn independently). The measure depends on
    the kinds of the two columns:

    * two numeric columns: Pearson's correlation coefficient, in [-1, 1] (a sign flip
      counts twice its size);
    * two categorical columns: Cramér's V, ``sqrt(chi2 / (n * (min(r, c) - 1)))`` from the
      chi-squared statistic of their ``r x c`` contingency table, in [0, 1], without
      bias correction;
    * a numeric and a categorical column: the correlation ratio η, the square root of
      the share of the numeric column's variance explained by the categorical column's
      groups (between-group over total sum of squares), in [0, 1]; for a two-level
      column it equals the absolute point-biserial (Pearson) correlation.

    A constant column (or a single-level one) has association 0 with every other.
    Cramér's V and η measure dependence of any form but no direction; Pearson's r only
    linear dependence. In small samples V and η are biased upwards (about
    ``sqrt((r - 1)(c - 1) / n)`` for independent columns), so compare gaps of tables of
    similar sizes.

    {categorical_note}

    Parameters
    ----------
    X_real : DataFrame or array-like of shape (n_real, n_columns)
        Real table, with at least 2 columns.
    X_synthetic : DataFrame or array-like of shape (n_synthetic, n_columns)
        Synthetic table with the same columns.
    categorical_columns : list of str or int, default=None
        Names or positions of the categorical columns; None reads them from the dtypes.
    return_pairs : bool, default=False
        Also return the association of every pair.

    Returns
    -------
    gap : float
        Mean absolute difference of the associations over the
        ``n_columns * (n_columns - 1) / 2`` pairs.
    pairs : DataFrame
        Only with ``return_pairs=True``: one row per pair, indexed by
        ``(column_a, column_b)``, with the columns ``measure`` (``"pearson"``,
        ``"cramers_v"`` or ``"correlation_ratio"``), ``real``, ``synthetic`` and
        ``gap``.

    See Also
    --------
    column_fidelity : The marginal distribution of each column.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sktsgan.metrics import correlation_gap
    >>> rng = np.random.RandomState(0)
    >>> x = rng.normal(size=1000)
    >>> real = pd.DataFrame({"x": x, "y": x + 0.5 * rng.normal(size=1000)})
    >>> correlation_gap(real, real)
    0.0
    >>> independent = real.apply(lambda column: rng.permutation(column.to_numpy()))
    >>> round(correlation_gap(real, independent), 1)  # the real correlation is 0.89
    0.9
    """
    real, synthetic, categorical = check_table_pair(
        X_real, X_synthetic, categorical_columns, "correlation_gap"
    )
    if real.shape[1] < 2:
        raise ValueError(
            f"correlation_gap compares associations between pairs of columns; the tables "
            f"have {real.shape[1]} column. Pass at least 2 columns (column_fidelity "
            "compares single columns)."
        )
    real_pairs = _associations(real, categorical)
    synthetic_pairs = _associations(synthetic, categorical)
    pairs = pd.DataFrame(
        [
            (measure, value, synthetic_pairs[key][1], abs(value - synthetic_pairs[key][1]))
            for key, (measure, value) in real_pairs.items()
        ],
        index=pd.MultiIndex.from_tuples(list(real_pairs), names=["column_a", "column_b"]),
        columns=["measure", "real", "synthetic", "gap"],
    )
    gap = float(pairs["gap"].mean())
    return (gap, pairs) if return_pairs else gap
