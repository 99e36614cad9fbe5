"""Time of one checkpoint write: sktsgan's archive against a plain ``torch.save``.

Checkpoints are archives of the model files' format (JSON header, ``.npy`` arrays, a
weights-only ``tensors.pt``, SHA-256s, written atomically with ``fsync``). This fits a
default RCGAN and TimeGAN for one epoch on 256 sines (24 steps, 5 features), takes the
training state a checkpoint holds, and writes it ``--repeats`` times each way, through
the same atomic writer, alternating: as sktsgan writes it, and as one ``torch.save`` of
the same payload (what checkpoints were before they shared the model format). Reading it
back is timed too.

Examples
--------
    OMP_NUM_THREADS=1 python benchmarks/checkpoint_writes.py --repeats 20
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import torch

from sktsgan import RCGANSampler, TimeGANSampler, _persistence
from sktsgan.base._resume import checkpoint_extra
from sktsgan.datasets import make_sines
from sktsgan.utils._files import write_atomically


def seconds(write, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        write()
    return (time.perf_counter() - start) / repeats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    X = make_sines(256, n_timesteps=24, n_features=5, random_state=0)
    print(f"{'sampler':<16}{'archive ms':>12}{'torch.save ms':>15}{'ratio':>7}{'read ms':>9}")
    for sampler in (RCGANSampler, TimeGANSampler):
        folder = tempfile.mkdtemp()
        model = sampler(n_epochs=1, checkpoint_dir=folder, random_state=0).fit(X)
        payload = {**checkpoint_extra(model), "engine": model.engine_.training_state()}
        path = os.path.join(folder, "checkpoint")

        def archive(path=path, payload=payload):
            _persistence.write_archive(path, "sktsgan-checkpoint", payload)

        def plain(path=path, payload=payload):
            write_atomically(path, lambda file: torch.save(payload, file))

        times = {"archive": 0.0, "plain": 0.0}
        for _ in range(2):  # alternate, so that a slower spell of the machine hits both
            times["archive"] += seconds(archive, args.repeats) / 2
            times["plain"] += seconds(plain, args.repeats) / 2
        archive()
        start = time.perf_counter()
        _persistence.read_archive(path, "sktsgan-checkpoint")
        read = time.perf_counter() - start
        print(
            f"{sampler.__name__:<16}{times['archive'] * 1e3:>12.1f}"
            f"{times['plain'] * 1e3:>15.1f}{times['archive'] / times['plain']:>7.2f}"
            f"{read * 1e3:>9.1f}"
        )


if __name__ == "__main__":
    main()
