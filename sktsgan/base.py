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
import hashlib
import inspect
import os
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from ._persistence import save_sampler
from .nn import AdversarialNet
from .nn._reliability import load_checkpoint
from .utils._docstrings import fill_docstring
from .utils._random import draw_seed
from .utils._scaling import fit_series_scaler, scale_series, unscale_series
from .utils._tabular import TabularEncoder
from .utils._torch import resolve_device, seeded_torch
from .utils.validation import (
    TableData,
    _check_columns,
    check_fitted_sequences,
    check_labels,
    check_n_samples,
    check_sequences,
    check_table,
    restore_format,
    sample_dtype,
    time_mask,
)

# Generate about this many time steps per chunk: memory stays flat for any ``n``. Larger
# chunks are no faster on a CPU (2^15 sampled fastest on one thread, 2^16 no faster on
# two; docs/benchmarks.md) and cost memory.
_STEPS_PER_SAMPLING_CHUNK = 2**15
# Below this diversity ratio (generated over real spread) at the end of fit, warn of
# mode collapse, once the last phase has run _COLLAPSE_MIN_EPOCHS: untrained generators
# start far lower (RCGAN 0.05, C-RNN-GAN 0.005 on sines) and healthy ones reach 1.
_COLLAPSE_THRESHOLD = 0.1
_COLLAPSE_MIN_EPOCHS = 10
_CHECKPOINT_FILE = "sktsgan-checkpoint.pt"
# every sampler's docstring names these where it says {reliability_parameters}
_RELIABILITY_PARAMETERS = """\
checkpoint_dir : str or path-like, default=None
    Directory that ``fit`` keeps a checkpoint of training in (the file
    ``sktsgan-checkpoint.pt``, replaced atomically): weights, optimiser and
    random states, the position in training and ``history_``. None writes none.
checkpoint_every : int, default=1
    Write the checkpoint after every this many epochs (counted over all phases),
    and whenever ``fit`` stops.
warm_start : bool, default=False
    Continue an unfinished training instead of starting afresh: from this
    sampler's own state (after an interrupted ``fit``, or to add epochs), else from
    the checkpoint in ``checkpoint_dir``, else from scratch. Every parameter but
    the numbers of epochs, and the data, must be those of the run continued. On
    the CPU the result equals an uninterrupted fit. See :doc:`/reliability`."""
_CHECKPOINT_FORMAT = "sktsgan-checkpoint-1"
# the GAN samplers' docstrings name these where they say {selection_parameters}
_SELECTION_PARAMETERS = """\
ema_decay : float or None, default=0.999
    Sample with an exponential moving average of the networks' weights, updated
    after every batch with this decay (warmed up over the first updates, and
    started afresh with each training phase); averaging smooths out the
    oscillation of adversarial training. None samples with the weights
    themselves.
restore_best : bool, default=False
    Every few epochs of the last phase (20 times in all) ``fit`` scores the
    weights it would sample with by ``fidelity_gap`` (recorded in ``history_``):
    ``|a - 0.5|``, where ``a`` is the leave-one-out accuracy of a 1-nearest-neighbour
    classifier telling up to 512 training series from as many generated ones, on
    their scaled values and step-to-step differences (0 is best; 0.5 means
    separable, collapsed or copied). With True, ``sample`` uses the latest
    checked weights whose score is within the check's standard error of the
    lowest (``best_epoch_``): the last ones unless an earlier check was clearly
    better. With False (the default), those of the last epoch: on the stock
    prices the checks chose earlier epochs that scored both far better and far
    worse than the last average (docs/benchmarks.md), so they are a tool to look
    at, not yet a default.
max_time : float or None, default=None
    Train for at most this many seconds: each phase stops after the epoch that
    crosses its share of the time (shares in proportion to epochs times updates
    per batch; time a phase leaves unused goes to the next). Set ``n_epochs``
    high and ``max_time`` to what you can wait (with ``restore_best=True``,
    ``sample`` uses the best weights checked in that time). None: no limit."""


# every sampler class sktsgan defines, by name: the classes a model file may name
_SAMPLER_CLASSES = {}


def sampler_classes():
    """``{name: class}`` of every concrete sampler sktsgan defines (the model files'
    allow-list); classes register themselves when they are defined.

    Examples
    --------
    >>> import sktsgan
    >>> from sktsgan.base import sampler_classes
    >>> sampler_classes()["RCGANSampler"] is sktsgan.RCGANSampler
    True
    """
    return {name: cls for name, cls in _SAMPLER_CLASSES.items() if not inspect.isabstract(cls)}


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
    # how a fit with class labels is called, for messages
    _fit_with_labels = "fit(X, y)"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # public classes of the package only, never those of its tests (whether a class
        # is abstract is known only once it is made: sampler_classes() checks it)
        module = cls.__module__
        if (
            module.split(".")[0] == "sktsgan"
            and ".tests" not in module
            and not cls.__name__.startswith("_")
        ):
            _SAMPLER_CLASSES[cls.__name__] = cls

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
        X = self._restore(values, lengths)
        return X if codes is None else (X, self.classes_[codes])

    def save(self, path):
        """Save the fitted sampler to a file that loads without running any code.

        The file is a zip archive: parameters and fitted attributes as JSON, network
        weights as tensors, arrays as ``.npy``, each entry with its SHA-256.
        :func:`sktsgan.load` reads it back with torch's weights-only loading and never
        unpickles an object, so a file from an untrusted source cannot run code. The
        loaded sampler gives the same samples and continues the same stream of draws.
        pickle and joblib work too, for trusted files.

        Parameters
        ----------
        path : str or path-like
            File to write; an existing file is replaced only once the new one is
            complete.

        Raises
        ------
        NotFittedError
            If the sampler is not fitted.
        ValueError
            If a parameter or fitted attribute holds a value the format cannot store
            (skorch callbacks, class labels other than str, int, float or bool); the
            message names it and the fix.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import sktsgan
        >>> from sktsgan.augment import JitterSampler
        >>> from sktsgan.datasets import make_sines
        >>> X = make_sines(10, n_timesteps=8, random_state=0)
        >>> sampler = JitterSampler(random_state=0).fit(X)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "jitter.sktsgan"
        >>> sampler.save(path)
        >>> loaded = sktsgan.load(path)
        >>> bool((loaded.sample(3) == sampler.sample(3)).all())
        True
        """
        save_sampler(self, path, sampler_classes())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.three_d_array = True
        # allow_nan stays False: NaN is read only as the trailing padding of 3-D series,
        # and refused anywhere else (scikit-learn's checks put it in 2-D rows)
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

    def _sample_codes(self, n, y, rng, *, argument="y"):
        """Integer class codes of the series to draw, or None for an unconditional sampler.

        ``argument`` names ``y`` in the messages.
        """
        classes = getattr(self, "classes_", None)
        if classes is None:
            if y is not None:
                raise ValueError(
                    f"{type(self).__name__} was fitted without class labels, so it cannot "
                    f"draw series of a given class; call sample(n) or refit with "
                    f"{self._fit_with_labels}."
                )
            return None
        if y is None:
            return rng.choice(len(classes), size=n, p=self.class_prior_)
        labels = [y] * n if np.ndim(y) == 0 else list(np.asarray(y, dtype=object).ravel())
        if np.ndim(y) > 1 or len(labels) != n:
            raise ValueError(
                f"{argument} must be one label or {n} labels (one per sample), got shape "
                f"{np.shape(y)}."
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

    **Saving.** ``sampler.save(path)`` writes a file that :func:`sktsgan.load` reads
    back without unpickling anything (parameters and fitted attributes as JSON,
    weights as tensors); pickle and joblib work too, for trusted files. Either way
    the loaded sampler gives the same samples, and a sampler trained on a GPU loads
    on a CPU-only machine. A subclass needs no code of its own for this: the engine
    is rebuilt by ``_make_engine`` from ``_engine_params`` and its weights loaded.
    """

    # what the errors on divergence and the warning on collapse advise; samplers with a
    # ``loss`` parameter add the Wasserstein loss
    _divergence_advice = "Lower the learning rate."

    _parameter_constraints: dict = {
        "n_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "checkpoint_dir": [str, os.PathLike, None],
        "checkpoint_every": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "id_column": "no_validation",
        "time_column": "no_validation",
    }

    # batch_size="auto" means min(_auto_batch_size, n_series)
    _auto_batch_size = 64

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fill_docstring(
            cls,
            reliability_parameters=_RELIABILITY_PARAMETERS,
            selection_parameters=_SELECTION_PARAMETERS,
        )

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
        return self._fit_data(*self._read_training_data(X, y))

    def _fit_data(self, data, input_format, labels):
        """``fit`` on checked data: what ``_read_training_data`` returns."""
        device = resolve_device(self.device)
        fingerprint = self._fingerprint(data, labels)
        resume = self._resume_state(fingerprint, device) if self.warm_start else None

        # until training starts, a failure leaves the sampler as it was (a refit that
        # fails on its data keeps the model fitted before, not a mix of the two)
        previous = dict(self.__dict__)
        try:
            self._store_data_info(data, input_format, labels)
            self._fit_scaling(data)
            tensors = self._training_tensors(data, labels, device)
            batch_size = self._check_batch_size(len(tensors["x"]))
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise
        # data is a float64 copy of non-float64 input: not needed while training
        del data, previous
        n_examples = len(tensors["x"])

        rng = check_random_state(self.random_state)
        torch_seed = draw_seed(rng)
        self._sampling_rng = np.random.RandomState(draw_seed(rng))
        if resume is not None:
            self._sampling_rng.set_state(_rng_from_plain(resume["sampling_rng"]))
        # the sampling stream as fit left it, whatever sample() draws later
        self._sampling_start = _rng_to_plain(self._sampling_rng)
        n_classes = 0 if labels is None else len(labels.classes)
        checkpoint_path = None
        if self.checkpoint_dir is not None:
            checkpoint_path = os.path.join(os.fspath(self.checkpoint_dir), _CHECKPOINT_FILE)
        self._fit_fingerprint = fingerprint
        # what the engine is built from (the width of a training example: the features
        # of a series, or a tabular sampler's encoded row), so that load() can rebuild it
        self._engine_dims = (tensors["x"].shape[-1], n_classes)
        engine = self._make_engine(
            *self._engine_dims, batch_size, device, checkpoint_path=checkpoint_path
        )
        n_batches = -(-n_examples // batch_size)
        with seeded_torch(torch_seed, device):
            engine.initialize()
            if resume is not None:
                engine.load_training_state(resume["engine"])
            try:
                engine.train(tensors, self._training_phases(n_batches))
            except FloatingPointError:
                # usable, with the last finite weights and what the model learns from them
                self._set_engine(engine, device)
                self._after_training(tensors)
                raise
        self._set_engine(engine, device)
        with seeded_torch(torch_seed, device):
            self._after_training(tensors)
        if engine.interrupted_ is not None:
            warnings.warn(
                f"{type(self).__name__}.fit was interrupted in {engine.interrupted_}; "
                f"the sampler keeps the state after the last completed epoch "
                f"({len(self.history_)}). Call fit again with warm_start=True to continue.",
                UserWarning,
                stacklevel=3,
            )
        else:
            self._warn_if_collapsed()
        return self

    def _after_training(self, tensors):
        """Hook: what a model learns from its trained networks and the training tensors."""

    def _selection_engine_params(self):
        """Engine parameters that choose the weights to sample with (none here)."""
        return {}

    def _sampling_networks(self):
        """The networks ``sample`` draws from."""
        return self.engine_.module_

    def _untrained_engine(self, batch_size, device):
        """The engine ``fit`` built, initialised, for a fitted sampler's saved weights."""
        engine = self._make_engine(*self._engine_dims, batch_size, device)
        with seeded_torch(0, device):  # initial weights are overwritten; user state kept
            engine.initialize()
        return engine

    def _make_engine(self, n_features, n_classes, batch_size, device, *, checkpoint_path=None):
        """The untrained engine; ``fit`` trains it and :func:`sktsgan.load` rebuilds it."""
        return AdversarialNet(
            **self._engine_params(n_features, n_classes),
            **self._selection_engine_params(),
            batch_size=batch_size,
            device=device,
            callbacks=copy.deepcopy(self.callbacks),
            progress_bar=bool(self.verbose),
            verbose=int(self.verbose > 1),
            checkpoint_path=checkpoint_path,
            checkpoint_every=self.checkpoint_every,
            checkpoint_extra=None if checkpoint_path is None else self._checkpoint_extra(),
            divergence_advice=self._divergence_advice,
        )

    # -- reliability: resume, checkpoints, collapse ----------------------------------------

    def _fingerprint(self, data, labels):
        """What a run to resume must share with this one: estimator, parameters, data.

        Parameters that only say how long a phase runs (``n_epochs``, ``*_epochs``,
        ``n_epochs_*``), how training is watched or saved, and ``device`` may change.
        """
        free = {
            "verbose", "callbacks", "checkpoint_dir", "checkpoint_every", "warm_start",
            "max_time", "restore_best",
        }  # fmt: skip
        params = {
            name: _param_repr(value)
            for name, value in sorted(self.get_params(deep=False).items())
            if name not in free
            and name != "device"
            and not (name.startswith("n_epochs") or name.endswith("_epochs"))
        }
        # a phase more or less (pre-training switched on) would shift the position
        params["phases"] = repr([phase.name for phase in self._training_phases(1)])
        digest = hashlib.sha256()
        if isinstance(data, TableData):  # mixed-type columns: hash the rows as pandas does
            shape = list(data.frame.shape)
            digest.update(pd.util.hash_pandas_object(data.frame, index=False).values.tobytes())
            digest.update(repr(list(data.frame.columns)).encode())
        else:
            shape = list(data.values.shape)
            digest.update(np.ascontiguousarray(data.values, dtype=np.float64).tobytes())
        digest.update(np.asarray(data.lengths, dtype=np.int64).tobytes())
        if labels is not None:
            digest.update(np.asarray(labels.codes, dtype=np.int64).tobytes())
            digest.update(repr(labels.classes.tolist()).encode())
        return {
            "estimator": type(self).__name__,
            "params": params,
            "data": f"shape {shape}, sha256 {digest.hexdigest()[:16]}",
        }

    def _checkpoint_extra(self):
        return {
            "format": _CHECKPOINT_FORMAT,
            "fingerprint": self._fit_fingerprint,
            "sampling_rng": self._sampling_start,
        }

    def _set_engine(self, engine, device):
        self.device_ = device
        self.history_ = engine.history_
        self.engine_ = engine

    def _resume_state(self, fingerprint, device):
        """For ``warm_start``: the training state to continue from, or None (start afresh).

        The fitted sampler's own state comes first, then the checkpoint file.
        """
        if hasattr(self, "engine_") and hasattr(self, "_fit_fingerprint"):
            state, source = self._checkpoint_extra(), "the previous fit"
            state["engine"] = self.engine_.training_state()
        elif self.checkpoint_dir is not None:
            path = os.path.join(os.fspath(self.checkpoint_dir), _CHECKPOINT_FILE)
            if not os.path.exists(path):
                return None
            state, source = load_checkpoint(path, device), f"the checkpoint {path}"
            if not isinstance(state, dict) or state.get("format") != _CHECKPOINT_FORMAT:
                raise ValueError(
                    f"{path} is not a checkpoint that this version of sktsgan wrote; remove "
                    "it or pass another checkpoint_dir."
                )
        else:
            return None
        _check_same_run(state["fingerprint"], fingerprint, source)
        return state

    def _warn_if_collapsed(self):
        last = self.history_[-1] if len(self.history_) else {}
        ratio = last.get("diversity")
        trained = self.engine_.position_[1] >= _COLLAPSE_MIN_EPOCHS
        if trained and ratio is not None and ratio < _COLLAPSE_THRESHOLD:
            warnings.warn(
                f"{type(self).__name__} may have collapsed: the spread of its generated "
                f"series is {ratio:.3f} of the real data's (history_[-1]['diversity'], "
                f"below {_COLLAPSE_THRESHOLD}). Train longer"
                f"{', raise moment_weight' if 'moment_weight' in self.get_params() else ''}, "
                f"or: {self._divergence_advice}",
                UserWarning,
                stacklevel=4,
            )

    def _draw(self, n, codes, rng):
        lengths = self._sample_lengths(n, codes, rng)
        return self._generate(n, codes, seed=draw_seed(rng)), lengths

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
        self.scaler_ = fit_series_scaler(data)

    def _training_tensors(self, data, labels, device):
        """The device tensors ``x``, ``mask`` and (with labels) ``condition``."""
        # straight into float32: the only full copy of the data that fit holds is the
        # training tensor itself
        scaled = scale_series(self.scaler_, data.values, data.lengths)
        mask = time_mask(data.lengths, data.n_timesteps)
        tensors = {
            "x": torch.from_numpy(scaled).to(device),
            "mask": torch.from_numpy(mask).to(device, torch.float32),
        }
        if labels is not None:
            tensors["condition"] = _one_hot(labels.codes, len(labels.classes), device)
        return tensors

    def _generate(self, n, codes, *, seed):
        """Generate scaled series in chunks and map them back to original units."""
        t, d = self.n_timesteps_, self.n_features_in_
        out = np.empty((n, t, d), dtype=sample_dtype(self._input_format))
        chunks = self._generated_chunks(
            n, codes, max(1, _STEPS_PER_SAMPLING_CHUNK // t), seed,
            lambda module, start, stop, condition: module.generate(stop - start, t, condition),
        )  # fmt: skip
        for start, stop, scaled in chunks:
            out[start:stop] = unscale_series(self.scaler_, scaled)
        return out

    def _generated_chunks(self, n, codes, chunk, seed, generate):
        """Yield ``(start, stop, samples)``: ``generate(module, start, stop, condition)``.

        Seeded, in inference mode, the class condition of each chunk built from
        ``codes``; samples come back as numpy arrays.
        """
        module = self._sampling_networks()
        device = self.engine_.device
        module.eval()
        with seeded_torch(seed, device), torch.inference_mode():
            for start in range(0, n, chunk):
                stop = min(n, start + chunk)
                condition = None
                if codes is not None:
                    condition = _one_hot(codes[start:stop], len(self.classes_), device)
                yield start, stop, generate(module, start, stop, condition).cpu().numpy()


def _one_hot(codes, n_classes, device):
    """Float one-hot class conditions ``(len(codes), n_classes)`` on ``device``."""
    index = torch.as_tensor(codes, device=device)
    return torch.nn.functional.one_hot(index, n_classes).float()


class _WeightSelectionMixin:
    """``ema_decay``, ``restore_best`` and ``max_time`` for a GAN sampler.

    The engine keeps a moving average of the weights and the best-scoring copy of it
    (see :class:`sktsgan.nn.AdversarialNet`); ``sample`` draws from the one asked for.
    Put it before the sampler base in the bases, and write ``{selection_parameters}``
    in the class docstring.
    """

    _parameter_constraints: dict = {
        "ema_decay": [Interval(Real, 0, 1, closed="left"), None],
        "restore_best": ["boolean"],
        "max_time": [Interval(Real, 0, None, closed="neither"), None],
    }

    def _selection_engine_params(self):
        return {"track_fidelity": True, "ema_decay": self.ema_decay, "max_time": self.max_time}

    def _sampling_networks(self):
        return self.engine_.sampling_module(prefer_best=self.restore_best)

    def _set_engine(self, engine, device):
        super()._set_engine(engine, device)
        copies = engine._copies()
        epoch = -1 if copies is None else int(copies.best_epoch)
        self.best_epoch_ = None if epoch < 0 else epoch


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
        # the encoding's parameters, passed on to encoder_
        **TabularEncoder._parameter_constraints,
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
        if not data.is_ragged:  # (a 2-D array's categorical columns widen its rows)
            return self._flat_table(data.values), None
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
        name = type(self).__name__
        fmt = self._input_format
        if fmt.kind != "frame":
            data, _ = check_fitted_sequences(self, X)
            if data.n_timesteps > self.n_timesteps_:
                raise ValueError(
                    f"X has series of {data.n_timesteps} steps, but {name} was fitted on "
                    f"series of at most {self.n_timesteps_}; pass series no longer than those."
                )
            return self.encoder_.transform(self._flat_table(data.values))
        if isinstance(X, pd.DataFrame):
            _check_columns(X)
        if not isinstance(X, pd.DataFrame) or all(isinstance(c, str) for c in X.columns):
            # (sklearn refuses names of mixed types, which fit accepts; the encoder
            # compares those with the names of fit)
            _check_feature_names(self, X, reset=False)
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X, dtype=object)
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has shape {X.shape}, but {name} is expecting "
                    f"{self.n_features_in_} features as input (the columns of fit)."
                )
            X = pd.DataFrame(X, columns=fmt.columns).astype(dict(zip(fmt.columns, fmt.dtypes)))
        data, _ = check_table(X, estimator_name=name, min_rows=1)
        if data.n_features != self.n_features_in_:
            raise ValueError(
                f"X has {data.n_features} features, but {name} is expecting "
                f"{self.n_features_in_} features as input; pass data with the columns "
                "seen in fit."
            )
        return self.encoder_.transform(data.frame)

    def _draw(self, n, codes, rng):
        lengths = self._sample_lengths(n, codes, rng)
        width = self.encoder_._width
        encoded = np.empty((n, width), dtype=np.float32)
        chunks = self._generated_chunks(
            n, codes, max(1, self._values_per_sampling_chunk // width),
            draw_seed(rng),
            lambda module, start, stop, condition: module.generate(stop - start, condition),
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


def _param_repr(value):
    """A parameter as the fingerprint compares it (a RandomState instance by type)."""
    if isinstance(value, np.random.RandomState):
        return "RandomState instance"
    return repr(value)


def _check_same_run(saved, current, source):
    """Refuse to continue a run of another estimator, other parameters or other data."""
    problems = []
    if saved["estimator"] != current["estimator"]:
        problems.append(f"it is a {saved['estimator']}, not a {current['estimator']}")
    else:
        for name in sorted(set(saved["params"]) | set(current["params"])):
            old, new = saved["params"].get(name), current["params"].get(name)
            if old != new:
                problems.append(f"{name}={old} there, {name}={new} here")
        if saved["data"] != current["data"]:
            problems.append(f"its data had {saved['data']}, this data {current['data']}")
    if problems:
        raise ValueError(
            f"warm_start=True cannot continue {source}: {'; '.join(problems)}. Fit with the "
            "same parameters and data to resume, or with warm_start=False (or another "
            "checkpoint_dir) to start afresh."
        )


def _rng_to_plain(rng):
    kind, keys, position, has_gauss, cached = rng.get_state()
    return {
        "kind": kind,
        # a list of ints: checkpoints (torch's weights-only files) and the safe model
        # format (JSON) both store it as it is
        "keys": keys.astype(np.int64).tolist(),
        "position": int(position),
        "has_gauss": int(has_gauss),
        "cached_gaussian": float(cached),
    }


def _rng_from_plain(state):
    keys = np.asarray(state["keys"], dtype=np.int64).astype(np.uint32)
    return (
        state["kind"],
        keys,
        state["position"],
        state["has_gauss"],
        state["cached_gaussian"],
    )
