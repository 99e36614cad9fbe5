"""The sampler base: parameters, validation, the fit/sample skeleton.

A model subclasses :class:`BaseSequenceSampler` (recurrent networks over series) or
:class:`BaseTabularSampler` (dense networks over fixed-length vectors: table rows, or
whole series flattened) and fills two hooks:
``_engine_params(n_features, n_classes)`` (its networks and losses, as skorch
parameters of :class:`sktsgan.nn.AdversarialNet`) and ``_training_phases(n_batches)``
(its schedule). Reading the data, scaling, conditioning, seeding, devices, sampling in
batches and giving samples back in the user's format are done here, once.

The data contract itself (reading every input format, the fitted book-keeping, drawing
classes and ``sample``) lives in ``_SamplerMixin``, which the cheap baselines of
:mod:`sktsgan.augment` share.
"""

from __future__ import annotations

import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from .nn import AdversarialNet
from .utils._tabular import TabularEncoder
from .utils._torch import resolve_device, seeded_torch
from .utils.validation import (
    TableData,
    check_labels,
    check_n_samples,
    check_sequences,
    check_table,
    restore_format,
    sample_dtype,
    time_mask,
)

# Generate about this many time steps per chunk: memory stays flat for any ``n``. Larger
# chunks are no faster on a CPU (measured in benchmarks/speed.py) and cost memory.
_STEPS_PER_SAMPLING_CHUNK = 2**16
_MAX_SEED = 2**31 - 1


class _SamplerMixin:
    """What every sampler shares, GAN or not: the data contract and ``sample``.

    Reads training data in every format (:func:`~sktsgan.utils.validation.check_sequences`)
    with optional class labels, stores the fitted book-keeping, draws the class (and the
    length) of each sample and gives samples back in the training format. A subclass
    fills ``_draw(n, codes, rng)`` and names in ``_fitted_attribute`` the attribute that
    ``fit`` sets last.
    """

    # fewest training series accepted
    _min_series = 2
    # set only once fit succeeded: sample() before it raises NotFittedError
    _fitted_attribute = "n_samples_fit_"

    def sample(self, n, y=None, *, random_state=None):
        """Draw ``n`` synthetic series in the format and units of the training data.

        Parameters
        ----------
        n : int
            Number of series (rows, for tabular input) to draw.
        y : label or array-like of shape (n,), default=None
            Only for a sampler fitted with ``y``: the class of each series, or one label
            for all. ``None`` draws classes from the training class frequencies.
        random_state : int, RandomState instance or None, default=None
            Seed for this draw. ``None`` continues a stream seeded by the sampler's
            ``random_state`` at fit time: successive calls give new series, and the same
            fitted sampler (or its pickle) gives the same sequence of draws.

        Returns
        -------
        X : ndarray, list of ndarray or DataFrame
            Same kind of object as the training ``X``. Variable-length training data
            gives variable-length samples, lengths drawn from the training lengths.
        y : ndarray of shape (n,)
            The class of each series; returned only by a sampler fitted with ``y``.
        """
        check_is_fitted(self, self._fitted_attribute)
        n = check_n_samples(n)
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        codes = self._sample_codes(n, y, rng)
        values, lengths = self._draw(n, codes, rng)
        X = self._restore(values, lengths)
        return X if codes is None else (X, self.classes_[codes])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags

    def _draw(self, n, codes, rng):
        """Samples ``(n, n_timesteps_, n_features_in_)`` in original units, and lengths."""
        raise NotImplementedError

    def _restore(self, values, lengths):
        """What ``_draw`` made, in the container and dtypes of the training data."""
        return restore_format(values, lengths, self._input_format)

    def _read_training_data(self, X, y):
        """Check ``X`` (every format) and ``y``; returns ``(data, input_format, labels)``."""
        name = type(self).__name__
        data, input_format = check_sequences(
            X,
            id_column=self.id_column,
            time_column=self.time_column,
            estimator_name=name,
            min_series=self._min_series,
        )
        labels = check_labels(y, data.n_series, estimator_name=name) if y is not None else None
        return data, input_format, labels

    def _store_data_info(self, data, input_format, labels):
        """Set the fitted attributes that describe the training data.

        A refit forgets what the data no longer has: feature names after a DataFrame,
        classes after a fit with ``y``.
        """
        for name in ("feature_names_in_", "classes_", "class_prior_", "_label_codes"):
            self.__dict__.pop(name, None)
        self._input_format = input_format
        self.n_features_in_ = data.n_features
        if input_format.columns is not None and all(
            isinstance(c, str) for c in input_format.columns
        ):
            self.feature_names_in_ = np.asarray(input_format.columns, dtype=object)
        self.n_timesteps_ = data.n_timesteps
        self.n_samples_fit_ = data.n_series
        self.lengths_ = data.lengths
        if labels is not None:
            self.classes_ = labels.classes
            self.class_prior_ = np.bincount(labels.codes) / data.n_series
            self._label_codes = labels.codes

    def _sample_codes(self, n, y, rng):
        """Integer class codes of the series to draw, or None for an unconditional sampler."""
        classes = getattr(self, "classes_", None)
        if classes is None:
            if y is not None:
                raise ValueError(
                    f"{type(self).__name__} was fitted without y, so it cannot draw series "
                    "of a given class; call sample(n) or refit with fit(X, y)."
                )
            return None
        if y is None:
            return rng.choice(len(classes), size=n, p=self.class_prior_)
        labels = [y] * n if np.ndim(y) == 0 else list(np.asarray(y, dtype=object).ravel())
        if np.ndim(y) > 1 or len(labels) != n:
            raise ValueError(
                f"y must be one label or {n} labels (one per sample), got shape {np.shape(y)}."
            )
        index = {label: code for code, label in enumerate(classes.tolist())}
        unknown = {label for label in labels if label not in index}
        if unknown:
            raise ValueError(
                f"Unknown class label(s) {sorted(unknown, key=str)}; the sampler knows "
                f"{classes.tolist()}."
            )
        return np.fromiter((index[label] for label in labels), dtype=np.int64, count=n)

    def _sample_lengths(self, n, codes, rng):
        """Series lengths drawn from the training lengths (of the same class)."""
        if np.all(self.lengths_ == self.n_timesteps_):
            return np.full(n, self.n_timesteps_, dtype=np.int64)
        if codes is None:
            return rng.choice(self.lengths_, size=n)
        lengths = np.empty(n, dtype=np.int64)
        for code in np.unique(codes):
            where = codes == code
            lengths[where] = rng.choice(self.lengths_[self._label_codes == code], size=where.sum())
        return lengths


class BaseSequenceSampler(_SamplerMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for the samplers that learn a distribution of series.

    Not for direct use: see :class:`sktsgan.RCGANSampler`.

    **The data contract, shared by every sampler.** ``fit(X, y=None)`` reads ``X`` as a
    3-D array ``(n_series, n_timesteps, n_features)`` (trailing NaN pads shorter series),
    a list of series ``(n_timesteps_i, n_features)`` of different lengths, a 2-D array or
    wide DataFrame of tabular rows (series of length 1; note that tslearn reads 2-D
    arrays as univariate series instead), or a long DataFrame with ``id_column`` (and
    optionally ``time_column``). Each feature is min-max scaled with statistics learned
    in ``fit``; samples come back in original units, dtype and container.

    ``y`` (optional) holds one class label of any hashable type per series and makes
    the generator conditional. ``sample(n)`` then returns ``(X, y)``; without ``y`` at
    fit time it returns ``X`` alone.
    """

    _parameter_constraints: dict = {
        "n_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "id_column": "no_validation",
        "time_column": "no_validation",
    }

    # batch_size="auto" means min(_auto_batch_size, n_series)
    _auto_batch_size = 64

    @abstractmethod
    def _engine_params(self, n_features, n_classes):
        """skorch parameters of the engine: ``module``, ``criterion`` and their ``__`` args."""

    @abstractmethod
    def _training_phases(self, n_batches):
        """The list of :class:`sktsgan.nn.TrainingPhase` to run, in order."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the distribution of the series in ``X`` (conditional on ``y`` if given).

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data; see the class docstring for every format.
        y : array-like of shape (n_series,), default=None
            Class labels (any hashable type), one per series. When given, the generator
            is conditioned on them and ``sample`` returns ``(X, y)``.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        data, input_format, labels = self._read_training_data(X, y)
        device = resolve_device(self.device)

        self._store_data_info(data, input_format, labels)
        self._fit_scaling(data)
        tensors = self._training_tensors(data, labels, device)
        n_examples = len(tensors["x"])
        batch_size = self._check_batch_size(n_examples)

        rng = check_random_state(self.random_state)
        torch_seed = rng.randint(_MAX_SEED)
        self._sampling_rng = np.random.RandomState(rng.randint(_MAX_SEED))
        n_classes = 0 if labels is None else len(labels.classes)
        engine = AdversarialNet(
            **self._engine_params(tensors["x"].shape[-1], n_classes),
            batch_size=batch_size,
            device=device,
            callbacks=copy.deepcopy(self.callbacks),
            progress_bar=bool(self.verbose),
            verbose=int(self.verbose > 1),
        )
        n_batches = -(-n_examples // batch_size)
        with seeded_torch(torch_seed, device):
            engine.initialize()
            for phase in self._training_phases(n_batches):
                engine.run_phase(tensors, phase)
        self.device_ = device
        self.engine_ = engine
        self.history_ = engine.history_
        return self

    def _draw(self, n, codes, rng):
        lengths = self._sample_lengths(n, codes, rng)
        return self._generate(n, codes, seed=rng.randint(_MAX_SEED)), lengths

    # -- helpers -------------------------------------------------------------------------

    # what one training example is, for messages
    _example_name = "series in X"
    _fitted_attribute = "engine_"

    def _check_batch_size(self, n_series):
        if self.batch_size == "auto":
            return min(self._auto_batch_size, n_series)
        if self.batch_size > n_series:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_series} "
                f"{self._example_name}; using batch_size={n_series}.",
                UserWarning,
                stacklevel=3,
            )
            return n_series
        return self.batch_size

    def _fit_scaling(self, data):
        """Learn the per-feature min-max scaling ``scaler_`` of the training steps."""
        self.scaler_ = MinMaxScaler().fit(data.valid_steps())

    def _training_tensors(self, data, labels, device):
        """The device tensors ``x``, ``mask`` and (with labels) ``condition``."""
        n, t, d = data.values.shape
        scaled = self.scaler_.transform(data.values.reshape(-1, d)).reshape(n, t, d)
        mask = time_mask(data.lengths, t)
        scaled[~mask] = 0.0
        tensors = {
            "x": torch.as_tensor(scaled, dtype=torch.float32, device=device),
            "mask": torch.as_tensor(mask, dtype=torch.float32, device=device),
        }
        if labels is not None:
            tensors["condition"] = _one_hot(labels.codes, len(labels.classes), device)
        return tensors

    def _generate(self, n, codes, *, seed):
        """Generate scaled series in chunks and map them back to original units."""
        t, d = self.n_timesteps_, self.n_features_in_
        out = np.empty((n, t, d), dtype=sample_dtype(self._input_format))
        low, high = self.scaler_.data_min_, self.scaler_.data_max_
        chunks = self._generated_chunks(
            n, codes, max(1, _STEPS_PER_SAMPLING_CHUNK // t), seed,
            lambda module, m, condition: module.generate(m, t, condition),
        )  # fmt: skip
        for start, stop, scaled in chunks:
            values = self.scaler_.inverse_transform(scaled.reshape(-1, d))
            # Constant features have no range to scale into: clipping pins them.
            out[start:stop] = np.clip(values, low, high).reshape(stop - start, t, d)
        return out

    def _generated_chunks(self, n, codes, chunk, seed, generate):
        """Yield ``(start, stop, samples)``: ``generate(module, m, condition)`` per chunk.

        Seeded, in inference mode, the class condition of each chunk built from
        ``codes``; samples come back as numpy arrays.
        """
        module = self.engine_.module_
        device = self.engine_.device
        module.eval()
        with seeded_torch(seed, device), torch.inference_mode():
            for start in range(0, n, chunk):
                stop = min(n, start + chunk)
                condition = None
                if codes is not None:
                    condition = _one_hot(codes[start:stop], len(self.classes_), device)
                yield start, stop, generate(module, stop - start, condition).cpu().numpy()


def _one_hot(codes, n_classes, device):
    """Float one-hot class conditions ``(len(codes), n_classes)`` on ``device``."""
    index = torch.as_tensor(codes, device=device)
    return torch.nn.functional.one_hot(index, n_classes).float()


class BaseTabularSampler(BaseSequenceSampler):
    """Base class for the samplers that learn a distribution of fixed-length vectors.

    Not for direct use: see :class:`sktsgan.DenseGANSampler` and
    :class:`sktsgan.VAESampler`.

    A wide DataFrame is a table whose columns may be numeric or categorical; a
    :class:`~sktsgan.preprocessing.TabularEncoder` (``encoder_``) scales the numeric
    ones and one-hot encodes the categorical ones, and decodes samples back into the
    same columns, dtypes and units. A 2-D array is a numeric table (its
    ``categorical_columns`` given by position). Series (3-D arrays, NaN-padded arrays,
    lists, long DataFrames) are flattened into vectors of ``n_timesteps * n_features``
    numeric values, one scaling per step and feature; padding is masked out of the
    losses, and each sample's length is drawn from the training lengths (of its class).

    Subclasses' modules take the encoded width as ``n_features``, the blocks of the
    encoding as ``blocks``, and provide ``generate(n, condition)``: encoded rows with
    each categorical block a vector of probabilities.
    """

    _parameter_constraints: dict = {
        **BaseSequenceSampler._parameter_constraints,
        "categorical_columns": ["array-like", None],
        "max_categories": [Interval(Integral, 1, None, closed="left")],
        "numeric_scaling": [StrOptions({"standard", "quantile"})],
        "clip_to_bounds": ["boolean"],
        "categorical_sampling": [StrOptions({"argmax", "draw"})],
    }

    # encoded values generated per sampling chunk
    _values_per_sampling_chunk = 2**20

    def _read_training_data(self, X, y):
        if not isinstance(X, pd.DataFrame) or self.id_column is not None:
            return super()._read_training_data(X, y)
        name = type(self).__name__
        data, input_format = check_table(X, estimator_name=name, min_rows=self._min_series)
        labels = check_labels(y, data.n_series, estimator_name=name) if y is not None else None
        return data, input_format, labels

    @property
    def _example_name(self):
        fmt = getattr(self, "_input_format", None)
        return "rows in X" if fmt is not None and fmt.kind == "frame" else "series in X"

    def _fit_scaling(self, data):
        """Nothing: ``encoder_`` is fitted with the tensors, on the table they are made of."""

    def _training_tensors(self, data, labels, device):
        """Fit ``encoder_``; the encoded rows ``x``, their ``mask`` and ``condition``."""
        frame, mask = self._as_table(data)
        self.encoder_ = TabularEncoder(
            categorical_columns=self.categorical_columns,
            max_categories=self.max_categories,
            numeric_scaling=self.numeric_scaling,
            clip_to_bounds=self.clip_to_bounds,
            categorical_sampling=self.categorical_sampling,
        ).fit(frame)
        x = self.encoder_.transform(frame)
        if mask is None:
            mask = np.ones(x.shape, dtype=np.float32)
        tensors = {
            "x": torch.as_tensor(x, dtype=torch.float32, device=device),
            "mask": torch.as_tensor(mask, dtype=torch.float32, device=device),
        }
        if labels is not None:
            tensors["condition"] = _one_hot(labels.codes, len(labels.classes), device)
        return tensors

    def _as_table(self, data):
        """The training data as a table, and the mask of its encoded values (None: all)."""
        if isinstance(data, TableData):
            return data.frame, None
        if self._input_format.kind != "tabular" and self.categorical_columns is not None:
            raise ValueError(
                "categorical_columns applies to tables (a DataFrame or a 2-D array of "
                "rows); series are flattened into numeric vectors. Pass the table "
                "itself, or leave categorical_columns=None."
            )
        n, t, d = data.values.shape
        # padding is masked out of every loss; the column mean keeps it out of the way
        self._padding_fill = np.nanmean(data.values.reshape(n, t * d), axis=0)
        mask = np.repeat(time_mask(data.lengths, t), d, axis=1).astype(np.float32)
        return self._flat_table(data.values), mask

    def _flat_table(self, values):
        """Series ``(n, n_timesteps_, d)`` (or shorter) as a table of ``n_timesteps_ * d``."""
        n, t, d = values.shape
        full = np.full((n, self.n_timesteps_, d), np.nan)
        full[:, :t] = values
        flat = full.reshape(n, -1)
        return pd.DataFrame(np.where(np.isnan(flat), self._padding_fill, flat))

    def _encode_rows(self, X):
        """``X`` read as in ``fit`` (any number of rows) and encoded, shape ``(n, width)``."""
        _check_feature_names(self, X, reset=False)
        name = type(self).__name__
        fmt = self._input_format
        if fmt.kind == "frame":
            if not isinstance(X, pd.DataFrame):
                X = np.asarray(X, dtype=object)
                if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                    raise ValueError(
                        f"X has shape {X.shape}, but {name} is expecting "
                        f"{self.n_features_in_} features as input (the columns of fit)."
                    )
                X = pd.DataFrame(X, columns=fmt.columns).astype(dict(zip(fmt.columns, fmt.dtypes)))
            data, _ = check_table(X, estimator_name=name, min_rows=1)
        else:
            data, _ = check_sequences(
                X, id_column=self.id_column, time_column=self.time_column,
                estimator_name=name, min_series=1,
            )  # fmt: skip
        if data.n_features != self.n_features_in_:
            raise ValueError(
                f"X has {data.n_features} features, but {name} is expecting "
                f"{self.n_features_in_} features as input; pass data with the columns "
                "(last axis) seen in fit."
            )
        if fmt.kind == "frame":
            return self.encoder_.transform(data.frame)
        if data.n_timesteps > self.n_timesteps_:
            raise ValueError(
                f"X has series of {data.n_timesteps} steps, but {name} was fitted on "
                f"series of at most {self.n_timesteps_}; pass series no longer than those."
            )
        return self.encoder_.transform(self._flat_table(data.values))

    def _draw(self, n, codes, rng):
        lengths = self._sample_lengths(n, codes, rng)
        width = self.encoder_._width
        encoded = np.empty((n, width), dtype=np.float32)
        chunks = self._generated_chunks(
            n, codes, max(1, self._values_per_sampling_chunk // width),
            rng.randint(_MAX_SEED), lambda module, m, condition: module.generate(m, condition),
        )  # fmt: skip
        for start, stop, rows in chunks:
            encoded[start:stop] = rows
        return self.encoder_.inverse_transform(encoded, random_state=rng), lengths

    def _restore(self, values, lengths):
        if self._input_format.kind == "frame":
            return values
        n = len(values)
        rows = np.array(values, dtype=np.float64).reshape(  # a writable copy
            n, self.n_timesteps_, self.n_features_in_
        )
        return restore_format(rows, lengths, self._input_format)
