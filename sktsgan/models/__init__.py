"""The samplers, one private module each."""

from ._crnngan import CRNNGANSampler
from ._dense_gan import DenseGANSampler
from ._diffusion import DiffusionSampler
from ._forecast import LSTMForecastGAN
from ._rcgan import RCGANSampler
from ._timegan import TimeGANSampler
from ._transformed import TransformedSampler
from ._vae import VAESampler

__all__ = [
    "CRNNGANSampler",
    "DenseGANSampler",
    "DiffusionSampler",
    "LSTMForecastGAN",
    "RCGANSampler",
    "TimeGANSampler",
    "TransformedSampler",
    "VAESampler",
]
