"""How fit's time depends on torch's thread count, on an idle and on a busy machine.

Fits the demo's sampler (TimeGAN on the bundled stock prices, 3662 windows of 24 steps)
for ``--epochs`` epochs per phase with ``SKTSGAN_NUM_THREADS`` set to 1 and to 2, each
in a fresh process; ``--busy`` runs one CPU-bound process beside every fit (another job
on the machine). Also says whether the two thread counts gave the same samples.

Examples
--------
    python benchmarks/threads.py --epochs 3
    python benchmarks/threads.py --epochs 3 --busy
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

_FIT = """
import sys, time
import numpy as np
from sktsgan import TimeGANSampler
from sktsgan.cli import load_data
X, _ = load_data("stocks", 24)
start = time.perf_counter()
sampler = TimeGANSampler(n_epochs={epochs}, random_state=0).fit(X)
seconds = time.perf_counter() - start
np.save(sys.argv[1], sampler.sample(100, random_state=0))
print(seconds)
"""

_BUSY = "while True: pass"


def fit_seconds(threads, epochs, busy, output):
    environment = {**os.environ, "SKTSGAN_NUM_THREADS": str(threads)}
    environment.pop("OMP_NUM_THREADS", None)  # torch's own default outside sktsgan
    competitor = subprocess.Popen([sys.executable, "-c", _BUSY]) if busy else None
    try:
        result = subprocess.run(
            [sys.executable, "-c", _FIT.format(epochs=epochs), output],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        if competitor is not None:
            competitor.kill()
    return float(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per phase")
    parser.add_argument("--busy", action="store_true", help="one CPU-bound process beside")
    parser.add_argument("--output-dir", default="out", help="where the samples are written")
    args = parser.parse_args(argv)
    os.makedirs(args.output_dir, exist_ok=True)
    print(f"Command: python {' '.join(sys.argv)}; {os.cpu_count()} CPUs, {time.ctime()}")
    outputs = {}
    for threads in (1, 2):
        outputs[threads] = os.path.join(args.output_dir, f"threads_{threads}.npy")
        seconds = fit_seconds(threads, args.epochs, args.busy, outputs[threads])
        print(f"SKTSGAN_NUM_THREADS={threads}: fit {seconds:.1f} s", flush=True)
    same = np.array_equal(np.load(outputs[1]), np.load(outputs[2]))
    print(f"same samples with 1 and 2 threads: {same}")


if __name__ == "__main__":
    main()
