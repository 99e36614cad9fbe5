"""sktsgan: scikit-learn compatible GAN samplers for small time-series and tabular data."""

from ._persistence import ModelFileError, load
from ._version import __version__
from .models import CRNNGANSampler, LSTMForecastGAN, RCGANSampler, TimeGANSampler

__all__ = [
    "CRNNGANSampler",
    "LSTMForecastGAN",
    "ModelFileError",
    "RCGANSampler",
    "TimeGANSampler",
    "__version__",
    "load",
]
