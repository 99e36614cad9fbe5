"""The samplers, one private module each."""

from ._crnngan import CRNNGANSampler
from ._forecast import LSTMForecastGAN
from ._rcgan import RCGANSampler
from ._timegan import TimeGANSampler

__all__ = ["CRNNGANSampler", "LSTMForecastGAN", "RCGANSampler", "TimeGANSampler"]
