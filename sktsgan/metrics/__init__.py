"""Measures and pictures of synthetic data quality."""

from ._display import SeriesComparisonDisplay
from ._fidelity import moment_gaps

__all__ = ["SeriesComparisonDisplay", "moment_gaps"]
