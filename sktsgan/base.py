"""The sampler base: parameters, validation, the fit/sample skeleton.

A model subclasses :class:`BaseSequenceSampler` and fills two hooks:
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
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .nn import AdversarialNet
from .utils._torch import resolve_device, seeded_torch
from .utils.validation import (
    check_labels,
    check_n_samples,
    check_sequences,
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
        itemsize = sample_dtype(self._input_format).itemsize
        n = check_n_samples(n, bytes_per_sample=self.n_timesteps_ * self.n_features_in_ * itemsize)
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        codes = self._sample_codes(n, y, rng)
        values, lengths = self._draw(n, codes, rng)
        X = restore_format(values, lengths, self._input_format)
        return X if codes is None else (X, self.classes_[codes])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags

    def _draw(self, n, codes, rng):
        """Samples ``(n, n_timesteps_, n_features_in_)`` in original units, and lengths."""
        raise NotImplementedError

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
        self.scaler_ = MinMaxScaler().fit(data.valid_steps())
        tensors = self._training_tensors(data, labels, device)
        n_features = data.n_features
        del data  # a float64 copy of non-float64 input: not needed while training
        n_examples = len(tensors["x"])
        batch_size = self._check_batch_size(n_examples)

        rng = check_random_state(self.random_state)
        torch_seed = rng.randint(_MAX_SEED)
        self._sampling_rng = np.random.RandomState(rng.randint(_MAX_SEED))
        n_classes = 0 if labels is None else len(labels.classes)
        engine = AdversarialNet(
            **self._engine_params(n_features, n_classes),
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

    def _training_tensors(self, data, labels, device):
        n, t, d = data.values.shape
        # Scaled straight into float32, a chunk at a time: the only full copy of the
        # data that fit holds is the training tensor itself (MinMaxScaler.transform
        # would make a float64 copy first). Same arithmetic, so the same values.
        scaled = np.empty((n, t, d), dtype=np.float32)
        chunk = max(1, _STEPS_PER_SAMPLING_CHUNK // t)
        for start in range(0, n, chunk):
            block = data.values[start : start + chunk] * self.scaler_.scale_
            block += self.scaler_.min_
            scaled[start : start + chunk] = block
        mask = time_mask(data.lengths, t)
        scaled[~mask] = 0.0
        tensors = {
            "x": torch.from_numpy(scaled).to(device),
            "mask": torch.from_numpy(mask).to(device, torch.float32),
        }
        if labels is not None:
            tensors["condition"] = torch.nn.functional.one_hot(
                torch.as_tensor(labels.codes, device=device), len(labels.classes)
            ).float()
        return tensors

    def _generate(self, n, codes, *, seed):
        """Generate scaled series in chunks and map them back to original units."""
        t, d = self.n_timesteps_, self.n_features_in_
        module = self.engine_.module_
        device = self.engine_.device
        module.eval()
        out = np.empty((n, t, d), dtype=sample_dtype(self._input_format))
        chunk = max(1, _STEPS_PER_SAMPLING_CHUNK // t)
        low, high = self.scaler_.data_min_, self.scaler_.data_max_
        with seeded_torch(seed, device), torch.inference_mode():
            for start in range(0, n, chunk):
                stop = min(n, start + chunk)
                condition = None
                if codes is not None:
                    index = torch.as_tensor(codes[start:stop], device=device)
                    condition = torch.nn.functional.one_hot(index, len(self.classes_)).float()
                scaled = module.generate(stop - start, t, condition).cpu().numpy()
                values = self.scaler_.inverse_transform(scaled.reshape(-1, d))
                # Constant features have no range to scale into: clipping pins them.
                out[start:stop] = np.clip(values, low, high).reshape(stop - start, t, d)
        return out
