"""Command line: fit a sampler on a file or a bundled data set, sample, write, picture.

Run ``sktsgan --help`` (or ``python -m sktsgan --help``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

_BUNDLED = ("stocks", "energy", "sines")
_MODELS = {"rcgan": "RCGANSampler", "timegan": "TimeGANSampler", "crnngan": "CRNNGANSampler"}
_OHLC = ("Open", "High", "Low", "Close")


class CommandLineError(Exception):
    """A problem with the command's arguments or files, shown without a traceback."""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sktsgan",
        description="Fit a time-series GAN sampler and write synthetic data in original units.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser(
        "generate",
        help="fit on a data set, sample, write the samples, a figure and quality figures",
        description=(
            "DATA is a bundled data set (stocks, energy, sines), a CSV file holding one long "
            "series (one row per time step, a header row; cut into windows of --window "
            "steps) or a .npy file holding a 3-D array (n_series, n_timesteps, n_features) "
            "or 2-D tabular rows."
        ),
    )
    gen.add_argument("--data", default="stocks", help="bundled name or path (default: stocks)")
    gen.add_argument(
        "--model",
        default="rcgan",
        choices=sorted(_MODELS),
        help="the sampler: RCGANSampler, TimeGANSampler or CRNNGANSampler (default: rcgan)",
    )
    gen.add_argument("--window", type=int, default=24, help="window length for CSV/bundled series")
    gen.add_argument("--n-samples", type=int, default=1000, help="series to generate")
    gen.add_argument("--output", required=True, help="where to write samples (.csv or .npy)")
    gen.add_argument(
        "--figure",
        help=(
            "where to write a PNG of real against synthetic series; beside it go "
            "STEM_embedding.png (PCA), STEM_loss.png (training losses) and, for data with "
            "Open/High/Low/Close columns, STEM_candles.png"
        ),
    )
    gen.add_argument(
        "--n-epochs", type=int, default=None, help="training epochs (default: the model's)"
    )
    gen.add_argument(
        "--max-time",
        type=float,
        default=None,
        help="train for at most this many seconds; the best weights found are kept",
    )
    gen.add_argument(
        "--score-iterations",
        type=int,
        default=1000,
        help="training batches of the post-hoc networks of the TimeGAN scores (0: skip them)",
    )
    gen.add_argument("--hidden-size", type=int, default=None)
    gen.add_argument("--batch-size", type=int, default=None)
    gen.add_argument("--loss", choices=["bce", "wgan-gp"], default=None)
    gen.add_argument(
        "--free-ohlc",
        action="store_true",
        help=(
            "for data with Open/High/Low/Close columns: learn the four prices as free "
            "channels (by default High and Low are learnt as distances from the bar's "
            "body, so every generated bar is valid)"
        ),
    )
    gen.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    gen.add_argument("--random-state", type=int, default=0)
    gen.add_argument("--force", action="store_true", help="overwrite existing output files")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def load_data(source, window):
    """Read the ``--data`` argument into a training array and its feature names."""
    from . import datasets

    if source in _BUNDLED:
        if source == "sines":
            return datasets.make_sines(1000, n_timesteps=window, random_state=0), None
        loader = datasets.load_stocks if source == "stocks" else datasets.load_energy
        try:
            frame = loader()
        except FileNotFoundError as exc:
            raise CommandLineError(str(exc)) from exc
        return _windows(frame, window), list(frame.columns)
    path = Path(source)
    if not path.is_file():
        raise CommandLineError(
            f"--data {source!r} is neither a bundled data set ({', '.join(_BUNDLED)}) nor a file."
        )
    if path.suffix.lower() == ".npy":
        try:
            return np.load(path, allow_pickle=False), None
        except (ValueError, OSError) as exc:
            raise CommandLineError(f"Could not read {path} as a numpy .npy file: {exc}") from exc
    if path.suffix.lower() == ".csv":
        import pandas as pd

        try:
            frame = pd.read_csv(path)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise CommandLineError(f"Could not read {path} as CSV: {exc}") from exc
        if frame.empty:
            raise CommandLineError(f"{path} has no data rows; it needs one row per time step.")
        bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise CommandLineError(
                f"{path} has non-numeric columns {bad}; the CSV must hold one numeric column "
                "per feature and one row per time step."
            )
        return _windows(frame, window), list(frame.columns)
    raise CommandLineError(f"{path} must end in .csv or .npy.")


def _windows(frame, window):
    from .datasets import sliding_windows

    try:
        return sliding_windows(frame, window)
    except ValueError as exc:
        raise CommandLineError(f"--window: {exc}") from exc


def write_samples(samples, path, feature_names):
    """Write ``(n, t, d)`` samples as .npy, or as a long CSV (series, step, features)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".npy":
        np.save(path, samples)
        return
    import pandas as pd

    n, t, d = samples.shape
    names = feature_names or [f"feature_{j}" for j in range(d)]
    frame = pd.DataFrame(samples.reshape(n * t, d), columns=names)
    frame.insert(0, "step", np.tile(np.arange(t), n))
    frame.insert(0, "series", np.repeat(np.arange(n), t))
    frame.to_csv(path, index=False)


def figure_paths(figure):
    """The PNG files that ``--figure PATH`` asks for, by kind."""
    return {
        "comparison": figure,
        "embedding": figure.with_name(f"{figure.stem}_embedding.png"),
        "loss": figure.with_name(f"{figure.stem}_loss.png"),
        "candles": figure.with_name(f"{figure.stem}_candles.png"),
    }


def has_ohlc(feature_names):
    """Whether the data holds prices as Open, High, Low and Close columns."""
    return feature_names is not None and set(_OHLC) <= set(feature_names)


def _check_free(*paths, force):
    """Refuse, before any fitting, output paths that exist or cannot be written."""
    for path in paths:
        if path.is_dir():
            raise CommandLineError(f"{path} is a directory; name a file to write.")
        if path.exists() and not force:
            raise CommandLineError(f"{path} exists; pass --force to overwrite it.")
        folder = next(parent for parent in path.parents if parent.exists())
        if not folder.is_dir():
            raise CommandLineError(f"Cannot write {path}: {folder} is not a directory.")


def write_figures(figures, sampler, X, samples, feature_names, random_state):
    """Draw and write each figure in ``figures`` (kind -> path), saying where."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .metrics import (
        CandlestickDisplay,
        EmbeddingDisplay,
        LossCurveDisplay,
        SeriesComparisonDisplay,
    )

    draw = {
        "comparison": (
            "real against synthetic series",
            lambda: SeriesComparisonDisplay.from_samples(X, samples, feature_names=feature_names),
        ),
        "embedding": (
            "a PCA of real and synthetic series",
            lambda: EmbeddingDisplay.from_samples(X, samples, random_state=random_state),
        ),
        "loss": ("the training losses", lambda: LossCurveDisplay.from_estimator(sampler)),
        "candles": (
            "real and synthetic candlesticks",
            lambda: CandlestickDisplay.from_samples(
                X, samples, feature_names=feature_names, random_state=random_state
            ),
        ),
    }
    for kind, path in figures.items():
        what, make = draw[kind]
        try:
            display = make()
        except ValueError as exc:  # e.g. no 2-D embedding of one-feature tabular rows
            print(f"Skipped the picture of {what}: {exc}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        display.figure_.savefig(path, dpi=110)
        plt.close(display.figure_)
        print(f"Wrote a picture of {what} to {path}")


def generate(args):
    from . import models
    from .metrics import moment_gaps
    from .models import TransformedSampler
    from .preprocessing import CandlestickEncoder

    output = Path(args.output)
    figure = Path(args.figure) if args.figure else None
    if output.suffix.lower() not in (".csv", ".npy"):
        raise CommandLineError(f"--output must end in .csv or .npy, got {output.name!r}.")
    if figure is not None and figure.suffix.lower() != ".png":
        raise CommandLineError(f"--figure must end in .png, got {figure.name!r}.")
    figures = figure_paths(figure) if figure is not None else {}
    candles = figures.pop("candles", None)  # drawn only for price data: known after loading
    _check_free(output, *figures.values(), force=args.force)
    if args.n_samples < 1:
        raise CommandLineError(f"--n-samples must be at least 1, got {args.n_samples}.")

    X, feature_names = load_data(args.data, args.window)
    if candles is not None and has_ohlc(feature_names):
        _check_free(candles, force=args.force)
        figures["candles"] = candles
    sampler = getattr(models, _MODELS[args.model])(
        device=args.device, random_state=args.random_state, verbose=0 if args.quiet else 1
    )
    overrides = {
        "n_epochs": args.n_epochs,
        "hidden_size": args.hidden_size,
        "batch_size": args.batch_size,
        "loss": args.loss,
        "max_time": args.max_time,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}
    unknown = sorted(set(overrides) - set(sampler.get_params()))
    if unknown:
        flags = ", ".join("--" + key.replace("_", "-") for key in unknown)
        raise CommandLineError(f"{flags} does not apply to --model {args.model}.")
    sampler.set_params(**overrides)
    model = sampler
    if has_ohlc(feature_names) and not args.free_ohlc:
        positions = {name.lower(): feature_names.index(name) for name in _OHLC}
        model = TransformedSampler(sampler, CandlestickEncoder(**positions))
        print(
            "Open/High/Low/Close columns: High and Low are learnt as distances from each "
            "bar's body (CandlestickEncoder), so every generated bar is valid; "
            "--free-ohlc learns them as free channels."
        )
    print(f"Fitting {type(sampler).__name__} on {args.data}: X of shape {np.shape(X)}")
    start = time.perf_counter()
    try:
        model.fit(X)
    except (ValueError, TypeError) as exc:
        raise CommandLineError(f"Cannot fit on {args.data}: {exc}") from exc
    fit_seconds = time.perf_counter() - start
    sampler = model.sampler_ if model is not sampler else sampler
    try:
        samples = model.sample(args.n_samples, random_state=args.random_state)
    except ValueError as exc:  # e.g. more samples than fit in memory
        raise CommandLineError(f"--n-samples: {exc}") from exc
    try:
        write_samples(
            np.asarray(samples, dtype=np.float64).reshape(args.n_samples, -1, X.shape[-1]),
            output,
            feature_names,
        )
    except OSError as exc:
        raise CommandLineError(f"Cannot write {output}: {exc}") from exc
    print(f"Wrote {args.n_samples} synthetic series in original units to {output}")
    if figures:
        write_figures(figures, sampler, X, samples, feature_names, args.random_state)

    rng = np.random.RandomState(args.random_state)
    steps = X.reshape(-1, X.shape[-1])
    noise = rng.normal(steps.mean(0), steps.std(0), size=(args.n_samples,) + X.shape[1:])
    print(f"\nTraining took {fit_seconds:.1f} s ({len(sampler.history_)} epochs).")
    print("Quality (0 is perfect; i.i.d. Gaussian noise with the real mean and std for scale):")
    print(f"  {'figure':<22}{'synthetic':>11}{'noise':>9}")
    gaps, noise_gaps = moment_gaps(X, samples), moment_gaps(X, noise)
    for key in gaps:
        print(f"  {key:<22}{gaps[key]:>11.3f}{noise_gaps[key]:>9.3f}")
    if has_ohlc(feature_names):
        print_bar_validity(X, samples, feature_names)
    if args.score_iterations > 0:
        print_posthoc_scores(X, samples, noise, args.score_iterations, args.random_state)
    return 0


def print_bar_validity(X, samples, feature_names):
    """Print the share of bars whose High is below their body or below their Low."""
    o, h, low, c = (feature_names.index(name) for name in _OHLC)
    print("Price bars that are not bars (real data: share of its own):")
    for what, broken in (
        ("High below max(Open, Close)", lambda A: A[..., h] < np.maximum(A[..., o], A[..., c])),
        ("High below Low", lambda A: A[..., h] < A[..., low]),
    ):
        print(f"  {what:<30}{broken(samples).mean():>8.1%}   (real: {broken(X).mean():.1%})")


def print_posthoc_scores(X, samples, noise, n_iterations, random_state):
    """Print the TimeGAN paper's discriminative and predictive scores."""
    from .metrics import discriminative_score, predictive_score

    options = {"n_iterations": n_iterations, "random_state": random_state}
    print(f"TimeGAN paper's scores (post-hoc GRUs trained for {n_iterations} batches):")
    synthetic, noisy = (discriminative_score(X, data, **options) for data in (samples, noise))
    print(f"  {'discriminative':<22}{synthetic:>11.3f}{noisy:>9.3f}   (0 best, 0.5 worst)")
    if X.ndim != 3 or X.shape[1] < 2 or X.shape[2] < 2:
        return
    synthetic, noisy, reference = (
        predictive_score(X, data, **options) for data in (samples, noise, X)
    )
    print(
        f"  {'predictive (MAE)':<22}{synthetic:>11.3f}{noisy:>9.3f}"
        f"   (trained on real data: {reference:.3f})"
    )


def main(argv=None):
    """Entry point of the ``sktsgan`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return generate(args)
    except CommandLineError as exc:
        print(f"sktsgan: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
