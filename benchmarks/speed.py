"""Training and sampling speed of sktsgan's samplers against plain PyTorch, side by side.

Every training step is timed twice in the same process, in alternating rounds: once
through sktsgan (the sampler's own networks and losses, driven by the engine's
``train_step``) and once through the plain implementation in ``_plain_reference.py``
(same shapes, same losses, same update order, written straightforwardly with
``nn.GRU``/``nn.LSTM``). The ratio of the two medians is the figure to read: it holds on
any machine, while the iterations per second depend on it.

Canonical configuration (the TimeGAN paper's): Sines, 24 steps, 5 features, batches of
128; TimeGAN with 3-layer GRUs of 24 units. RCGAN and C-RNN-GAN use their sktsgan
defaults (moment loss off, as in their papers, so that the losses match the reference).

Sampling: generated time steps per second of ``TimeGANSampler.sample`` for the canonical
configuration, through the fused GRU (compiled kernels where numba works) and,
alternating with it, through the fused GRU one chunk at a time
(``SKTSGAN_SAMPLING_THREADS=1``; by default ``sample`` computes up to as many chunks at
once as there are cores, at most 4), through the fused GRU's ATen path (no compiled
kernels) and through ``nn.GRU``, both with chunks at once; and the peak memory of a
fresh process that samples 10^4, 10^5 and 10^6 series, minus the size of the returned
array: flat if sampling streams in chunks.

With ``--device cuda`` both sides run on the GPU (the plain reference through
``torch.set_default_device``; sktsgan with ``device="cuda"``, where its recurrent layers
are cuDNN's), the clocks stop only after ``torch.cuda.synchronize()``, and sampling
reports the peak GPU memory of one call instead of a fresh process's host memory.

Examples
--------
    python benchmarks/speed.py
    python benchmarks/speed.py --device cuda --rounds 3
    python benchmarks/speed.py --rounds 9 --steps 20 --threads 1 --json out/speed.json
    python benchmarks/speed.py --threads 1 --skip-training  # sampling only
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import torch

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, set_threads, write_json  # noqa: E402
from _plain_reference import PlainCRNNGAN, PlainRCGAN, PlainTimeGAN  # noqa: E402

from sktsgan import CRNNGANSampler, RCGANSampler, TimeGANSampler  # noqa: E402
from sktsgan.nn import AdversarialNet, _compiled, _modules  # noqa: E402
from sktsgan.utils._torch import SAMPLING_THREADS_VARIABLE, sampling_workers  # noqa: E402

BATCH, STEPS, FEATURES = 128, 24, 5
DEVICE = "cpu"  # set by --device


def our_engine(sampler):
    """The engine a sampler builds in ``fit``, initialised for the canonical shapes."""
    params = sampler._engine_params(FEATURES, 0)
    return AdversarialNet(**params, batch_size=BATCH, device=DEVICE).initialize()


def our_step(engine, schedule, min_loss=None):
    """One call of the engine's ``train_step`` on a canonical batch, with ``schedule``."""
    batch = {
        "x": torch.rand(BATCH, STEPS, FEATURES, device=DEVICE),
        "mask": torch.ones(BATCH, STEPS, device=DEVICE),
    }

    def step():
        engine.schedule = schedule
        engine.min_loss_ = min_loss or {}
        engine.train_step(batch)

    return step


def on_device(step):
    """``step`` run with ``DEVICE`` as torch's default device (for the plain reference)."""

    def run():
        with torch.device(DEVICE):
            step()

    return run


def cases():
    """(name, sktsgan step, plain step) for every training step measured."""
    torch.manual_seed(0)
    with torch.device(DEVICE):
        return _cases()


def _cases():
    x = torch.rand(BATCH, STEPS, FEATURES)
    plain_timegan = PlainTimeGAN(FEATURES)
    timegan = our_engine(TimeGANSampler())
    rcgan = our_engine(RCGANSampler(moment_weight=0.0, difference_weight=0.0))
    crnngan = our_engine(CRNNGANSampler(moment_weight=0.0))
    hidden, latent = RCGANSampler().hidden_size, RCGANSampler().latent_dim
    plain_rcgan = PlainRCGAN(FEATURES, hidden=hidden, layers=1, latent_dim=latent)
    crnn = CRNNGANSampler()
    plain_crnngan = PlainCRNNGAN(
        FEATURES, hidden=crnn.hidden_size, layers=crnn.num_layers, latent_dim=FEATURES
    )
    joint = (("generator", 1), ("embedder", 1), ("discriminator", 1))
    return [
        (
            "TimeGAN embedding step",
            our_step(timegan, (("autoencoder", 1),)),
            on_device(lambda: plain_timegan.embedding_step(x)),
        ),
        (
            "TimeGAN supervised step",
            our_step(timegan, (("supervisor", 1),)),
            on_device(lambda: plain_timegan.supervised_step(x)),
        ),
        (
            "TimeGAN joint step (G + E + D)",
            our_step(timegan, joint, {"discriminator": 0.15}),
            on_device(lambda: plain_timegan.joint_step(x)),
        ),
        (
            "RCGAN step (D + G)",
            our_step(rcgan, (("discriminator", 1), ("generator", 1))),
            on_device(lambda: plain_rcgan.step(x)),
        ),
        (
            "C-RNN-GAN step (D + G)",
            our_step(crnngan, (("discriminator", 1), ("generator", 1))),
            on_device(lambda: plain_crnngan.step(x)),
        ),
    ]


def rate(step, n_steps):
    """Steps per second over ``n_steps`` calls."""
    start = time.perf_counter()
    for _ in range(n_steps):
        step()
    synchronize()
    return n_steps / (time.perf_counter() - start)


def synchronize():
    """Wait for the GPU's queued work, so that the clock measures it."""
    if DEVICE != "cpu":
        torch.cuda.synchronize()


def time_training(rounds, n_steps):
    rows = []
    for name, ours, plain in cases():
        for step in (ours, plain):  # warm up allocator and caches
            rate(step, 2)
        our_rates, plain_rates = [], []
        for _ in range(rounds):
            our_rates.append(rate(ours, n_steps))
            plain_rates.append(rate(plain, n_steps))
        mine, theirs = statistics.median(our_rates), statistics.median(plain_rates)
        rows.append({"step": name, "sktsgan": mine, "plain": theirs, "ratio": mine / theirs})
        print(f"| {name} | {mine:.2f} | {theirs:.2f} | {mine / theirs:.2f}× |", flush=True)
    return rows


_MEMORY_PROBE = """
import os, pickle, resource, sys
import torch
torch.set_num_threads({threads})
os.environ["SKTSGAN_NUM_THREADS"] = "{threads}"
sampler = pickle.load(open(sys.argv[1], "rb"))
n = int(sys.argv[2])
X = sampler.sample(n, random_state=0)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(peak, X.nbytes)
"""


def time_sampling(threads):
    sampler = TimeGANSampler(n_epochs=1, device=DEVICE, random_state=0)
    sampler.fit(torch.rand(BATCH, STEPS, FEATURES).numpy())
    n = 100_000
    sampler.sample(1000)
    if DEVICE != "cpu":
        return time_sampling_on_gpu(sampler, n)
    paths = {
        "fused GRU": contextlib.nullcontext,
        "fused GRU, one chunk at a time": lambda: mock.patch.dict(
            os.environ, {SAMPLING_THREADS_VARIABLE: "1"}
        ),
        # both patched process-wide: the chunks run in threads of their own, which
        # native_recurrence() (a per-thread switch) would not reach
        "fused GRU, ATen path": lambda: mock.patch.dict(
            _compiled._loaded, {("gru", dtype): None for dtype in _compiled.KERNEL_DTYPES}
        ),
        "nn.GRU": lambda: mock.patch.object(_modules, "use_fused_gru", lambda rnn, x: False),
    }
    rates = {path: [] for path in paths}
    for _ in range(3):  # alternating, as for the training steps
        for path, context in paths.items():
            with context():
                start = time.perf_counter()
                sampler.sample(n, random_state=0)
                rates[path].append(n * STEPS / (time.perf_counter() - start))
    medians = {path: statistics.median(values) for path, values in rates.items()}
    print(f"\nSampling {n} series, {sampling_workers()} chunks at once (median of 3):")
    for path, value in medians.items():
        print(f"- {path}: {value / 1e6:.2f} M steps/s")
    steps_per_second, through_nn_gru = medians["fused GRU"], medians["nn.GRU"]
    through_aten = medians["fused GRU, ATen path"]

    print("\n| series sampled | peak memory | returned array | peak minus array |")
    print("|---|---|---|---|")
    memory = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sampler.pkl"
        path.write_bytes(pickle.dumps(sampler))
        probe = _MEMORY_PROBE.format(threads=threads)
        baseline = None
        for n in (10_000, 100_000, 1_000_000):
            out = subprocess.run(
                [sys.executable, "-c", probe, str(path), str(n)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            peak, output = int(out[0]), int(out[1])
            extra = peak - output
            baseline = baseline or extra
            memory.append({"n_series": n, "peak_bytes": peak, "output_bytes": output})
            print(
                f"| {n} | {peak / 2**20:.0f} MiB | {output / 2**20:.0f} MiB | "
                f"{extra / 2**20:.0f} MiB |"
            )
    return {
        "steps_per_second": steps_per_second,
        "steps_per_second_one_chunk_at_a_time": medians["fused GRU, one chunk at a time"],
        "steps_per_second_nn_gru": through_nn_gru,
        "steps_per_second_aten_path": through_aten,
        "sampling_workers": sampling_workers(),
        "memory": memory,
    }


def time_sampling_on_gpu(sampler, n):
    """Steps per second on the GPU, and its peak memory while sampling 10^4 to 10^6 series."""
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        sampler.sample(n, random_state=0)
        synchronize()
        rates.append(n * STEPS / (time.perf_counter() - start))
    steps_per_second = statistics.median(rates)
    print(f"\nSampling {n} series on {DEVICE}: {steps_per_second / 1e6:.2f} M steps/s")
    print("\n| series sampled | peak GPU memory | returned array |")
    print("|---|---|---|")
    memory = []
    for n in (10_000, 100_000, 1_000_000):
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        X = sampler.sample(n, random_state=0)
        peak = torch.cuda.max_memory_allocated() - before
        memory.append({"n_series": n, "peak_gpu_bytes": peak, "output_bytes": X.nbytes})
        print(f"| {n} | {peak / 2**20:.0f} MiB | {X.nbytes / 2**20:.0f} MiB |")
    return {"steps_per_second": steps_per_second, "memory": memory}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating timing rounds")
    parser.add_argument("--steps", type=int, default=10, help="training steps per round")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--skip-sampling", action="store_true")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (both sides run there)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    set_threads(args.threads)
    global DEVICE
    DEVICE = args.device

    print(f"Machine: {machine(gpu=True)}; torch threads: {args.threads}; device: {DEVICE}.")
    print("\n| training step | sktsgan (it/s) | plain PyTorch (it/s) | speed-up |")
    print("|---|---|---|---|")
    results = {"machine": machine(gpu=True), "threads": args.threads, "device": DEVICE}
    if not args.skip_training:
        results["training"] = time_training(args.rounds, args.steps)
    if not args.skip_sampling:
        results["sampling"] = time_sampling(args.threads)
    print("Command: python " + " ".join(sys.argv))
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
