"""Command line: fit a sampler on a file or a bundled data set, sample, write, picture.

Run ``sktsgan --help`` (or ``python -m sktsgan --help``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas is imported when the data is read: --help stays quick
    import pandas as pd

_BUNDLED = ("stocks", "energy", "sines")
_MODELS = {
    "rcgan": "RCGANSampler",
    "timegan": "TimeGANSampler",
    "crnngan": "CRNNGANSampler",
    "diffusion": "DiffusionSampler",
}
_OHLC = ("Open", "High", "Low", "Close")
# The models' own defaults, for --help without importing torch; a test keeps them true.
_MODEL_DEFAULTS = {
    "n_epochs": {"rcgan": 200, "timegan": 100, "crnngan": 200, "diffusion": 500},
    "hidden_size": {"rcgan": 32, "timegan": 24, "crnngan": 32, "diffusion": "auto"},
}


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
            "series (a header line, then one line per time step; cut into windows of "
            "--window steps) or a .npy file holding a 3-D array (n_series, n_timesteps, "
            "n_features) or 2-D tabular rows. A CSV may be separated by ',', ';', tabs or "
            "'|' (detected); empty lines at its end are ignored; a missing value anywhere "
            "else is an error naming its line (the header is line 1)."
        ),
        epilog=(
            "A CSV --output has one line per step of each synthetic series: the columns "
            "series, step, the time column (if any) and the features. Integer columns of a "
            "CSV (and whole-number columns of the bundled tables) are written as integers, "
            "rounded and clipped to the range seen in the data; float columns keep their "
            "dtype; a .npy --output keeps the dtype of a .npy --data."
        ),
    )
    _add_data_options(gen)
    _add_model_options(gen)
    _add_output_options(gen)
    return parser


def _add_data_options(gen):
    gen.add_argument(
        "--data",
        default="stocks",
        help="bundled name or path of a .csv or .npy file (default: %(default)s)",
    )
    gen.add_argument(
        "--window",
        type=int,
        default=24,
        help="steps per training series cut from a CSV or bundled series (default: %(default)s)",
    )
    gen.add_argument(
        "--time-column",
        metavar="NAME",
        help=(
            "the CSV column holding the time (dates, times or numbers): kept out of the "
            "model; in a CSV --output every synthetic series gets the times of the data's "
            "first WINDOW lines, so the steps show the real spacing (the series are not "
            "placed in time). Default: the one text column whose values all parse as dates "
            "or times, if there is exactly one"
        ),
    )


def _add_model_options(gen):
    defaults = {
        key: ", ".join(f"{model} {value}" for model, value in sorted(values.items()))
        for key, values in _MODEL_DEFAULTS.items()
    }
    gen.add_argument(
        "--model",
        default="rcgan",
        choices=sorted(_MODELS),
        help="the sampler: rcgan (RCGANSampler), timegan (TimeGANSampler), crnngan "
        "(CRNNGANSampler) or diffusion (DiffusionSampler) (default: %(default)s)",
    )
    gen.add_argument(
        "--n-epochs",
        type=int,
        default=None,
        help=f"training epochs (default: the model's: {defaults['n_epochs']})",
    )
    gen.add_argument(
        "--max-time",
        type=float,
        default=None,
        help="train for at most this many seconds (or --n-epochs, whichever ends first); "
        "samples come from the moving average of the weights at the end (default: no limit)",
    )
    gen.add_argument(
        "--hidden-size",
        type=int,
        default=None,
        help="units of each recurrent layer (channels of the diffusion model's denoiser) "
        f"(default: the model's: {defaults['hidden_size']})",
    )
    gen.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="series per training batch (default: the model's, chosen from the data size)",
    )
    gen.add_argument(
        "--loss",
        choices=["bce", "wgan-gp"],
        default=None,
        help="adversarial loss of --model rcgan (default: the model's: bce)",
    )
    gen.add_argument(
        "--free-ohlc",
        action="store_true",
        help=(
            "for data with Open/High/Low/Close columns: learn the four prices as free "
            "channels (by default High and Low are learnt as distances from the bar's "
            "body, so every generated bar is valid)"
        ),
    )
    gen.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: %(default)s)")
    gen.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the training and the sampling (default: %(default)s)",
    )


def _add_output_options(gen):
    gen.add_argument(
        "--n-samples", type=int, default=1000, help="series to generate (default: %(default)s)"
    )
    gen.add_argument(
        "--output", required=True, help="where to write the samples (.csv or .npy; required)"
    )
    gen.add_argument(
        "--figure",
        help=(
            "where to write a PNG of real against synthetic series; beside it go "
            "STEM_embedding.png (PCA), STEM_loss.png (training losses) and, for data with "
            "Open/High/Low/Close columns, STEM_candles.png (default: no pictures)"
        ),
    )
    gen.add_argument(
        "--score-iterations",
        type=int,
        default=1000,
        help="training batches of the post-hoc networks of the TimeGAN scores; 0 skips "
        "them (default: %(default)s)",
    )
    gen.add_argument("--force", action="store_true", help="overwrite existing output files")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")


@dataclass(frozen=True)
class TrainingData:
    """What ``--data`` holds: the training array and what writing the samples needs.

    Attributes
    ----------
    X : ndarray of shape (n_series, n_timesteps, n_features) or (n_rows, n_features)
        The training data.
    feature_names : list of str or None
        Names of the features; None for arrays.
    table : DataFrame of shape (n_steps, n_features) or None
        The long series the windows were cut from (a CSV or bundled table): the
        samples are written in its column dtypes. None for arrays.
    time : Series of shape (n_steps,) or None
        The CSV's time column, as written in the file.
    notes : list of str
        What reading the data did that the user should hear about.
    """

    X: np.ndarray
    feature_names: list | None = None
    table: pd.DataFrame | None = None
    time: pd.Series | None = None
    notes: list = field(default_factory=list)


def load_data(source, window):
    """Read the ``--data`` argument into a training array and its feature names."""
    data = read_data(source, window)
    return data.X, data.feature_names


def read_data(source, window, time_column=None):
    """Read and check the ``--data`` argument, before anything is fitted or written.

    Parameters
    ----------
    source : str
        A bundled data set's name or the path of a .csv or .npy file.
    window : int
        Steps per training series cut from a long series (CSV or bundled table).
    time_column : str, default=None
        The CSV's time column (None: detected).

    Returns
    -------
    data : TrainingData

    Raises
    ------
    CommandLineError
        For any data the command cannot use, with a message saying what to do.
    """
    path = Path(source)
    if source not in _BUNDLED and not path.is_file():
        raise CommandLineError(
            f"--data {source!r} is neither a bundled data set ({', '.join(_BUNDLED)}) nor a file."
        )
    is_csv = source not in _BUNDLED and path.suffix.lower() == ".csv"
    if time_column is not None and not is_csv:
        raise CommandLineError(
            f"--time-column applies to CSV data only; drop it for --data {source}."
        )
    if source in _BUNDLED:
        return _read_bundled(source, window)
    if path.suffix.lower() == ".npy":
        try:
            return TrainingData(np.load(path, allow_pickle=False))
        except (ValueError, OSError) as exc:
            raise CommandLineError(f"Could not read {path} as a numpy .npy file: {exc}") from exc
    if is_csv:
        return _read_csv(path, window, time_column)
    raise CommandLineError(f"{path} must end in .csv or .npy.")


def _read_bundled(name, window):
    from . import datasets
    from ._csv import integral_as_int

    if name == "sines":
        return TrainingData(datasets.make_sines(1000, n_timesteps=window, random_state=0))
    loader = datasets.load_stocks if name == "stocks" else datasets.load_energy
    try:
        frame = integral_as_int(loader())
    except FileNotFoundError as exc:
        raise CommandLineError(str(exc)) from exc
    return TrainingData(_windows(frame, window), list(frame.columns), frame)


def _read_csv(path, window, time_column):
    from ._csv import read_series_csv

    try:
        table = read_series_csv(path, time_column)
    except ValueError as exc:
        raise CommandLineError(str(exc)) from exc
    features = table.features
    X = _windows(features, window)
    return TrainingData(X, list(features.columns), features, table.time, table.notes)


def _windows(frame, window):
    from .datasets import sliding_windows

    try:
        return sliding_windows(frame, window)
    except ValueError as exc:
        raise CommandLineError(f"--window: {exc}") from exc


def write_samples(samples, path, data):
    """Write ``(n, t, d)`` samples in the column types of ``data``.

    As .npy, or as a long CSV: columns series, step, the time column (if ``data`` has
    one), the features.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    n, t, d = samples.shape
    if path.suffix.lower() == ".npy":
        if data.table is not None:
            columns = _output_columns(samples.reshape(n * t, d), data)
            samples = np.column_stack(list(columns.values())).reshape(n, t, d)
        np.save(path, samples)
        return
    import pandas as pd

    frame = pd.DataFrame(_output_columns(samples.reshape(n * t, d), data))
    if data.time is not None:
        frame.insert(0, data.time.name, np.tile(data.time.to_numpy()[:t], n))
    series, step = _index_names(set(frame.columns))
    frame.insert(0, step, np.tile(np.arange(t), n))
    frame.insert(0, series, np.repeat(np.arange(n), t))
    frame.to_csv(path, index=False)


def _output_columns(rows, data):
    """The columns to write, by name: in the table's dtypes, or as sampled for arrays."""
    if data.table is not None:
        from ._csv import restore_dtypes

        return restore_dtypes(rows, data.table)
    names = data.feature_names or [f"feature_{j}" for j in range(rows.shape[1])]
    return {name: rows[:, j] for j, name in enumerate(names)}


def _index_names(taken):
    """Names of the series and step columns, apart from the data's own column names."""
    names = []
    for name in ("series", "step"):
        while name in taken:
            name = f"synthetic_{name}"
        names.append(name)
    return names


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
    """Run ``sktsgan generate``: every check first, then fit, sample, write and report."""
    output, figures, candles = _check_arguments(args)
    data = read_data(args.data, args.window, args.time_column)
    if candles is not None and has_ohlc(data.feature_names):
        _check_free(candles, force=args.force)
        figures["candles"] = candles
    model, sampler = build_model(args, data.feature_names)
    for note in data.notes:
        print(note)
    print(f"Fitting {type(sampler).__name__} on {args.data}: X of shape {np.shape(data.X)}")
    start = time.perf_counter()
    _fit(model, data.X, args.data)
    fit_seconds = time.perf_counter() - start
    sampler = model.sampler_ if model is not sampler else sampler
    samples = _sample(model, args.n_samples, args.random_state)
    try:
        write_samples(samples.reshape(args.n_samples, -1, data.X.shape[-1]), output, data)
    except OSError as exc:
        raise CommandLineError(f"Cannot write {output}: {exc}") from exc
    print(f"Wrote {args.n_samples} synthetic series in original units to {output}")
    if figures:
        write_figures(figures, sampler, data.X, samples, data.feature_names, args.random_state)
    print(f"\nTraining took {fit_seconds:.1f} s ({len(sampler.history_)} epochs).")
    print_quality(data.X, samples, data.feature_names, args)
    return 0


def _check_arguments(args):
    """Check the arguments that need no data; the output path and the figures' paths.

    Returns ``(output, figures, candles)``: the figures by kind, without the
    candlesticks, whose path is returned apart (drawn for price data only).
    """
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
    if args.score_iterations < 0:
        raise CommandLineError(
            f"--score-iterations must be 0 (no scores) or more, got {args.score_iterations}."
        )
    return output, figures, candles


def build_model(args, feature_names):
    """The sampler the arguments ask for, and the model to fit: it, or it behind an encoder."""
    from . import models
    from .models import TransformedSampler
    from .preprocessing import CandlestickEncoder

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
    if not has_ohlc(feature_names) or args.free_ohlc:
        return sampler, sampler
    positions = {name.lower(): feature_names.index(name) for name in _OHLC}
    print(
        "Open/High/Low/Close columns: High and Low are learnt as distances from each "
        "bar's body (CandlestickEncoder), so every generated bar is valid; "
        "--free-ohlc learns them as free channels."
    )
    return TransformedSampler(sampler, CandlestickEncoder(**positions)), sampler


def _fit(model, X, source):
    try:
        model.fit(X)
    except (ValueError, TypeError) as exc:
        raise CommandLineError(f"Cannot fit on {source}: {exc}") from exc


def _sample(model, n_samples, random_state):
    """``n_samples`` draws of the fitted ``model``, in the dtype of its training data."""
    try:
        return np.asarray(model.sample(n_samples, random_state=random_state))
    except ValueError as exc:  # e.g. more samples than fit in memory
        raise CommandLineError(f"--n-samples: {exc}") from exc


def print_quality(X, samples, feature_names, args):
    """Print the moment gaps, the bar validity and the post-hoc scores of ``samples``."""
    from .metrics import moment_gaps

    noise = noise_baseline(X, args.n_samples, args.random_state)
    print("Quality (0 is perfect; i.i.d. Gaussian noise with the real mean and std for scale):")
    print(f"  {'figure':<22}{'synthetic':>11}{'noise':>9}")
    gaps, noise_gaps = moment_gaps(X, samples), moment_gaps(X, noise)
    for key in gaps:
        print(f"  {key:<22}{gaps[key]:>11.3f}{noise_gaps[key]:>9.3f}")
    if has_ohlc(feature_names):
        print_bar_validity(X, samples, feature_names)
    if args.score_iterations > 0:
        print_posthoc_scores(X, samples, noise, args.score_iterations, args.random_state)


def noise_baseline(X, n_samples, random_state):
    """I.i.d. Gaussian series with the mean and std of the valid steps of ``X``.

    NaN in ``X`` is the padding of shorter series (a .npy of ragged series): left out.
    """
    steps = np.asarray(X, dtype=np.float64).reshape(-1, X.shape[-1])
    rng = np.random.RandomState(random_state)
    size = (n_samples,) + X.shape[1:]
    return rng.normal(np.nanmean(steps, axis=0), np.nanstd(steps, axis=0), size=size)


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
