"""sktsgan: scikit-learn compatible GAN samplers for small time-series and tabular data."""

from ._version import __version__
from .models import RCGANSampler

__all__ = ["RCGANSampler", "__version__"]
