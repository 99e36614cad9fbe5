"""Data sets: synthetic generators and loaders of real series, all offline.

The generators build series of any size; the loaders read the TimeGAN
benchmarks (Stocks, Energy) and tslearn's bundled Trace set. Loaders return
values in raw units: the samplers scale the data themselves.
"""

from ._generators import make_attributed_sines, make_sines, make_waves
from ._loaders import load_energy, load_stocks, load_trace, sliding_windows

__all__ = [
    "load_energy",
    "load_stocks",
    "load_trace",
    "make_attributed_sines",
    "make_sines",
    "make_waves",
    "sliding_windows",
]
