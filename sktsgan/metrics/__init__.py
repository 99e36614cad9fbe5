"""Measures and pictures of synthetic data quality."""

from ._candlestick_display import CandlestickDisplay
from ._conditional import categorical_channel_fidelity, conditional_discriminative_score
from ._display import SeriesComparisonDisplay
from ._downstream import augmentation_gain, trtr_score, tstr_score
from ._embedding_display import EmbeddingDisplay
from ._fidelity import moment_gaps
from ._loss_display import LossCurveDisplay
from ._memorization import memorization_check, memorization_score
from ._posthoc import discriminative_score, predictive_score
from ._probabilistic import crps_ensemble, interval_coverage
from ._scorers import (
    make_discriminative_scorer,
    make_predictive_scorer,
    make_tstr_scorer,
)
from ._tabular_fidelity import column_fidelity, correlation_gap

__all__ = [
    "CandlestickDisplay",
    "EmbeddingDisplay",
    "LossCurveDisplay",
    "SeriesComparisonDisplay",
    "augmentation_gain",
    "categorical_channel_fidelity",
    "column_fidelity",
    "conditional_discriminative_score",
    "correlation_gap",
    "crps_ensemble",
    "discriminative_score",
    "interval_coverage",
    "make_discriminative_scorer",
    "make_predictive_scorer",
    "make_tstr_scorer",
    "memorization_check",
    "memorization_score",
    "moment_gaps",
    "predictive_score",
    "trtr_score",
    "tstr_score",
]
