"""sktsgan: scikit-learn compatible GAN samplers for small time-series and tabular data."""

from ._load import load
from ._persistence import ModelFileError
from ._version import __version__
from .models import (
    CRNNGANSampler,
    DenseGANSampler,
    DiffusionSampler,
    LSTMForecastGAN,
    RCGANSampler,
    TimeGANSampler,
    TransformedSampler,
    VAESampler,
)

__all__ = [
    "CRNNGANSampler",
    "DenseGANSampler",
    "DiffusionSampler",
    "LSTMForecastGAN",
    "ModelFileError",
    "RCGANSampler",
    "TimeGANSampler",
    "TransformedSampler",
    "VAESampler",
    "__version__",
    "load",
]
