"""sktsgan: scikit-learn compatible GAN samplers for small time-series and tabular data."""

from ._load import load
from ._persistence import ModelFileError
from ._version import __version__
from .models import (
    CRNNGANSampler,
    DenseGANSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
    TransformedSampler,
    VAESampler,
)

__all__ = [
    "CRNNGANSampler",
    "DenseGANSampler",
    "LSTMForecastGAN",
    "ModelFileError",
    "RCGANSampler",
    "TimeGANSampler",
    "TransformedSampler",
    "VAESampler",
    "__version__",
    "load",
]
