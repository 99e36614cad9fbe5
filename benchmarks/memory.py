"""Peak memory of ``sample(n)`` from 10^3 to 10^6 series, and of ``fit`` on 10^5 series.

Canonical configuration (the TimeGAN paper's): Sines, 24 steps, 5 features; TimeGAN with
3-layer GRUs of 24 units, or (``--sampler diffusion``) ``DiffusionSampler`` at its
defaults. Each figure comes from a fresh process, which resets its peak
resident set size (``VmHWM``, via ``/proc/self/clear_refs``; Linux only) just before the
call measured, so torch's start-up and the training data do not count:

* sampling: ``peak during sample - resident before sample - returned array`` is what
  sampling costs beyond its result. It stays flat if ``sample`` streams in chunks.
* fitting: ``peak during fit - resident before fit`` against the size of the float64
  input array. Each copy of the data that ``fit`` holds at once adds about one input
  size (a float32 copy half of one).

Examples
--------
    python benchmarks/memory.py
    python benchmarks/memory.py --sample 1000 10000 --fit 10000 --threads 1 --json m.json
    python benchmarks/memory.py --sampler diffusion --sample 1000 10000 30000 --fit
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, write_json  # noqa: E402

STEPS, FEATURES = 24, 5

_PROBE = """
import os, pickle, sys, time
import numpy as np
import torch
torch.set_num_threads({threads})
os.environ["SKTSGAN_NUM_THREADS"] = "{threads}"
from sktsgan import DiffusionSampler, TimeGANSampler
from sktsgan.datasets import make_sines


def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024


def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def sampler():
    if "{sampler}" == "diffusion":
        return DiffusionSampler(n_epochs=1, random_state=0)
    return TimeGANSampler(hidden_size=24, num_layers=3, cell="gru", n_epochs=1,
                          n_epochs_embedding=1, n_epochs_supervised=1, batch_size=128,
                          random_state=0)


mode, n = sys.argv[1], int(sys.argv[2])
if mode == "sample":
    model = sampler().fit(make_sines(256, n_timesteps={steps}, n_features={features},
                                     random_state=0))
    model.sample(3000, random_state=1)  # warm up: more than one chunk of 2**16 steps
    before = status("VmRSS")
    reset_peak()
    start = time.perf_counter()
    X = model.sample(n, random_state=0)
    seconds = time.perf_counter() - start
    print(status("VmHWM"), before, X.nbytes, seconds)
else:
    X = make_sines(n, n_timesteps={steps}, n_features={features}, random_state=0)
    # warm up torch (first-call allocations) on a small set; then measure a fresh fit
    sampler().fit(X[:256])
    model = sampler()
    before = status("VmRSS")
    reset_peak()
    start = time.perf_counter()
    model.fit(X)
    seconds = time.perf_counter() - start
    print(status("VmHWM"), before, X.nbytes, seconds)
"""


def probe(mode, n, threads, sampler="timegan"):
    code = _PROBE.format(threads=threads, steps=STEPS, features=FEATURES, sampler=sampler)
    out = subprocess.run(
        [sys.executable, "-c", code, mode, str(n)], capture_output=True, text=True, check=True
    ).stdout.split()
    peak, before, data, seconds = int(out[0]), int(out[1]), int(out[2]), float(out[3])
    return {"n_series": n, "peak": peak, "before": before, "data": data, "seconds": seconds}


def mib(n_bytes):
    return f"{n_bytes / 2**20:.0f} MiB"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, nargs="*", default=[10**3, 10**4, 10**5, 10**6])
    parser.add_argument("--fit", type=int, nargs="*", default=[10**5])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sampler", choices=("timegan", "diffusion"), default="timegan")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    print(f"Machine: {machine(gpu=True)}; torch threads: {args.threads}; sampler: {args.sampler}.")
    results = {"machine": machine(gpu=True), "threads": args.threads, "sample": [], "fit": []}

    print("\n| series sampled | resident before | peak | returned array | peak - before - array |")
    print("|---|---|---|---|---|")
    for n in args.sample:
        row = probe("sample", n, args.threads, args.sampler)
        results["sample"].append(row)
        extra = row["peak"] - row["before"] - row["data"]
        print(
            f"| {n} | {mib(row['before'])} | {mib(row['peak'])} | {mib(row['data'])} | "
            f"{mib(extra)} |",
            flush=True,
        )

    print(
        "\n| series fitted | input (float64) | resident before | peak | peak - before | copies |"
    )
    print("|---|---|---|---|---|---|")
    for n in args.fit:
        row = probe("fit", n, args.threads, args.sampler)
        results["fit"].append(row)
        extra = row["peak"] - row["before"]
        print(
            f"| {n} | {mib(row['data'])} | {mib(row['before'])} | {mib(row['peak'])} | "
            f"{mib(extra)} | {extra / row['data']:.2f} | ({row['seconds']:.0f} s)",
            flush=True,
        )
    print("Command: python " + " ".join(sys.argv))
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
