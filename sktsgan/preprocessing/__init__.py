"""Put series data in front of a plain scikit-learn estimator.

:class:`SeriesFlattener` reads series in every format the samplers accept and turns
each series into one row of ``n_timesteps * n_features`` columns, NaN where a series is
shorter than the others. Estimators that accept NaN (random forests, histogram gradient
boosting) then work on variable-length series as they are; for the others, follow it
with an imputer or set ``resample=True``. :class:`SeriesSummary` turns each series
into a few statistics per feature instead (mean, spread, range, trend), the same number
of columns whatever the series' lengths. :class:`TabularEncoder` is the reversible
encoding of a mixed-type table (scaled numbers, one-hot categories) that the tabular
samplers learn in. :class:`CandlestickEncoder` is a reversible encoding of price bars
that keeps generated High and Low on the right side of Open and Close (use it through
:class:`sktsgan.TransformedSampler`). :func:`forecast_pairs` cuts (history, future)
pairs from series: what :class:`sktsgan.LSTMForecastGAN` learns from and is scored on.
"""

from ._candlestick import CandlestickEncoder
from ._series import SeriesFlattener, SeriesSummary, forecast_pairs
from ._tabular import TabularEncoder

__all__ = [
    "CandlestickEncoder",
    "SeriesFlattener",
    "SeriesSummary",
    "TabularEncoder",
    "forecast_pairs",
]
