"""How long DiffusionSampler takes to draw 10 000 series of the canonical Sines shape.

Sampling costs ``n_sampling_steps`` denoiser passes whatever the training, so the model
is fitted for one epoch only; the draw is timed with 1 and with 2 torch threads.

Examples
--------
    python benchmarks/diffusion_sampling_speed.py
"""

from __future__ import annotations

import time

from _common import set_threads

from sktsgan import DiffusionSampler
from sktsgan.datasets import make_sines


def main():
    X = make_sines(10000, n_timesteps=24, n_features=5, random_state=0)
    sampler = DiffusionSampler(n_epochs=1, random_state=0).fit(X)
    for threads in (1, 2):
        set_threads(threads)
        start = time.perf_counter()
        sampler.sample(10000, random_state=0)
        seconds = time.perf_counter() - start
        print(f"{threads} thread(s): 10 000 series of 24 steps and 5 features in {seconds:.1f} s")


if __name__ == "__main__":
    main()
