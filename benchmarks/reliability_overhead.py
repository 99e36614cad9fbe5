"""Per-epoch cost of the engine's safety work: state copy, diversity check, checkpoints.

Fits each sampler once without and once with ``checkpoint_dir`` (written every epoch)
on the sines, timing the engine's ``_take_snapshot`` (which includes a checkpoint
write when one is due), ``_write_checkpoint`` and ``_diversity`` against the whole fit.

Examples
--------
    OMP_NUM_THREADS=1 python benchmarks/reliability_overhead.py
"""

from __future__ import annotations

import tempfile
import time
import warnings
from collections import defaultdict

from sktsgan import CRNNGANSampler, RCGANSampler, TimeGANSampler
from sktsgan.datasets import make_sines
from sktsgan.nn import AdversarialNet

SPENT = defaultdict(float)


def timed(name, method):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - start

    return wrapper


def main():
    AdversarialNet._take_snapshot = timed(
        "state copy (with any write)", AdversarialNet._take_snapshot
    )
    AdversarialNet._write_checkpoint = timed("checkpoint", AdversarialNet._write_checkpoint)
    AdversarialNet._diversity = timed("diversity", AdversarialNet._diversity)
    X = make_sines(256, n_timesteps=24, n_features=2, random_state=0)
    samplers = [
        RCGANSampler(n_epochs=20, random_state=0),
        TimeGANSampler(n_epochs=7, random_state=0),
        CRNNGANSampler(n_epochs=10, random_state=0),
    ]
    for sampler in samplers:
        for checkpoint in (False, True):
            SPENT.clear()
            with tempfile.TemporaryDirectory() as directory, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sampler.set_params(checkpoint_dir=directory if checkpoint else None)
                start = time.perf_counter()
                sampler.fit(X)
                total = time.perf_counter() - start
            n = len(sampler.history_)
            parts = "; ".join(
                f"{name} {1000 * value / n:.1f} ms ({100 * value / total:.1f} %)"
                for name, value in SPENT.items()
            )
            print(
                f"{type(sampler).__name__}, checkpoint={checkpoint}: "
                f"{1000 * total / n:.0f} ms per epoch; per epoch: {parts}"
            )


if __name__ == "__main__":
    main()
