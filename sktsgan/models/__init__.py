"""The samplers, one private module each."""

from ._rcgan import RCGANSampler

__all__ = ["RCGANSampler"]
