"""The scikit-learn layer of every sampler that trains networks: parameters, ``fit``
(which builds the shared engine and hands it the model's networks, losses and phases),
seeded sampling in chunks, the moving-average and best-weight options of the GANs.

How data is encoded for the networks is left to the two siblings built on it:
:class:`~sktsgan.base.BaseSequenceSampler` and :class:`~sktsgan.base.BaseTabularSampler`.
"""

from __future__ import annotations

import copy
import inspect
import os
import warnings
from abc import ABCMeta, abstractmethod
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import AdversarialNet
from ..utils._docstrings import fill_docstring
from ..utils._random import draw_seed, rng_from_plain, rng_to_plain
from ..utils._torch import resolve_device, sampling_workers, seeded_torch
from ._contract import _SamplerMixin
from ._resume import CHECKPOINT_FILE, checkpoint_extra, resume_state, run_fingerprint

# Below this diversity ratio (generated over real spread) at the end of fit, warn of
# mode collapse: untrained generators start far lower (RCGAN 0.05, C-RNN-GAN 0.005,
# TimeGAN 0.0 on sines) and healthy ones reach 1. A last phase shorter than
# _COLLAPSE_MIN_EPOCHS gets the warning too, as "trained too little".
_COLLAPSE_THRESHOLD = 0.1
_COLLAPSE_MIN_EPOCHS = 10
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
# every neural sampler's docstring names these where it says {runtime_parameters}
_RUNTIME_PARAMETERS = """\
device : {"cpu", "cuda", "auto"} or str, default="cpu"
    Where to train; "auto" picks CUDA when available. A fitted sampler keeps its
    device; pickles of a CUDA model load on a CPU-only machine.
random_state : int, RandomState instance or None, default=None
    Seeds weights, noise and batching (and a tabular sampler's categorical draws).
    The user's global numpy and torch random states are never touched; the same seed
    on a CPU gives identical weights and samples.
verbose : int, default=0
    0 is silent; 1 shows a progress bar (one per phase) with the current losses; 2
    also prints a table per epoch.
callbacks : list of skorch callbacks, default=None
    Extra skorch callbacks, which see every phase, e.g.
    ``skorch.callbacks.EarlyStopping(monitor="generator_loss")``."""
# the GAN samplers' docstrings name these where they say {selection_parameters}
_SELECTION_PARAMETERS = """\
ema_decay : float or None, default={ema_decay_default}
    Sample with an exponential moving average of the networks' weights, updated
    after every batch with this decay (started afresh with each training phase);
    averaging smooths out the oscillation of adversarial training. A warm-up makes
    update ``t``'s decay ``min(ema_decay, (1 + t) / (10 + t))``: a run of fewer than
    ``9 / (1 - ema_decay)`` updates averages over about its last fifth whatever the
    decay (the averaged weights are a tenth of the run old on average), a longer one
    over about its last ``1 / (1 - ema_decay)`` updates. None samples with the
    weights themselves.
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
    ``sample`` uses the best weights checked in that time). None: no limit; with
    ``n_init`` above 1, each training run gets its share of the time.
n_init : int, default={n_init_default}
    Train this many times from different seeds, as :class:`~sklearn.cluster.KMeans`
    tries several initialisations, and keep the first run whose last
    ``fidelity_gap`` check is within the check's standard error of the lowest
    (``init_fidelity_gaps_`` records every run's; NaN for one that diverged, which
    is passed over). Fits take ``n_init`` times as long; in return a run that
    failed is passed over: the check cannot rank good runs, but a failed one
    scores near 0.5 (docs/benchmarks.md). Does not combine with ``warm_start`` or
    ``checkpoint_dir``, which continue or keep one run."""


# the adversarial sequence samplers' docstrings name this where they say
# {augmentation_parameters}
_AUGMENTATION_PARAMETERS = """\
discriminator_augmentation : "adaptive", float or None, default=None
    Show the discriminator every series, real and generated, through random
    transformations that the generator's gradient flows through (DiffAugment, Zhao
    et al., 2020): jitter, scaling, magnitude warping, a time shift of up to an
    eighth of the length and cutout of a quarter, each applied to a series with
    probability ``p``, so that a discriminator cannot learn a small set's series by
    heart. A float fixes ``p``; "adaptive" starts it at 0 and raises it while the
    discriminator scores the real training series too confidently, lowers it
    otherwise (ADA, Karras et al., 2020); ``augmentation_probability`` in
    ``history_`` follows it. Samples are drawn without transformations. None (off)
    is the default because, on the small labelled sets and on TimeGAN's Sines where
    it was measured, it did not make the samples better (docs/benchmarks.md)."""


class BaseNeuralSampler(_SamplerMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for the samplers that train networks: the fit and sample skeleton.

    Not for direct use: a model subclasses :class:`BaseSequenceSampler` (series,
    scaled per feature) or :class:`BaseTabularSampler` (fixed-length vectors, encoded by
    a :class:`~sktsgan.preprocessing.TabularEncoder`), which fill in how data is encoded
    for the networks (``_training_tensors``) and how drawn values are decoded
    (``_draw``).

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
            runtime_parameters=_RUNTIME_PARAMETERS,
            reliability_parameters=_RELIABILITY_PARAMETERS,
            selection_parameters=_SELECTION_PARAMETERS,
            augmentation_parameters=_AUGMENTATION_PARAMETERS,
        )
        # each sampler's docstring gives its own defaults
        parameters = inspect.signature(cls.__init__).parameters
        defaults = {
            f"{name}_default": repr(parameters[name].default)
            for name in ("ema_decay", "n_init")
            if name in parameters
        }
        fill_docstring(cls, **defaults)

    @abstractmethod
    def _engine_params(self, n_features, n_classes):
        """skorch parameters of the engine: ``module``, ``criterion`` and their ``__`` args."""

    @abstractmethod
    def _training_phases(self, n_batches):
        """The list of :class:`sktsgan.nn.TrainingPhase` to run, in order."""

    @abstractmethod
    def _encode_training_data(self, data, labels, device):
        """Fit the encoding (``scaler_``, ``encoder_``) and encode the training data.

        Returns the device tensors ``x`` and ``mask``, and ``condition`` when the rows
        of ``x`` are not the series of ``labels`` one for one (else it is added from
        ``labels``).
        """

    @abstractmethod
    def _draw(self, n, codes, rng, static_draw=None):
        """Samples in original units (``n`` series or rows), and their lengths."""

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

    def _fit_data(self, data, input_format, labels, static=None):
        """``fit`` on checked data: what ``_read_training_data`` returns (``static``: the
        table of static attributes and its format, for a sampler that takes them)."""
        n_runs = self._n_runs()  # checked before anything changes
        device = resolve_device(self.device)
        fingerprint = run_fingerprint(self, data, labels, None if static is None else static[0])
        resume = resume_state(self, fingerprint, device) if self.warm_start else None

        # until training starts, a failure leaves the sampler as it was (a refit that
        # fails on its data keeps the model fitted before, not a mix of the two)
        previous = dict(self.__dict__)
        try:
            self._store_data_info(data, input_format, labels)
            static_rows = self._store_static_info(static)
            tensors = self._training_tensors(data, labels, device, static_rows)
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
            self._sampling_rng.set_state(rng_from_plain(resume["sampling_rng"]))
        # the sampling stream as fit left it, whatever sample() draws later
        self._sampling_start = rng_to_plain(self._sampling_rng)
        # the width of the condition every network takes: one-hot classes, then attributes
        n_classes = tensors["condition"].shape[1] if "condition" in tensors else 0
        checkpoint_path = None
        if self.checkpoint_dir is not None:
            checkpoint_path = os.path.join(os.fspath(self.checkpoint_dir), CHECKPOINT_FILE)
        self._fit_fingerprint = fingerprint
        # what the engine is built from (the width of a training example: the features
        # of a series, or a tabular sampler's encoded row), so that load() can rebuild it
        self._engine_dims = (tensors["x"].shape[-1], n_classes)
        n_batches = -(-n_examples // batch_size)
        # drawn after the sampling seed: one run trains exactly as before n_init existed
        seeds = [torch_seed] + [draw_seed(rng) for _ in range(n_runs - 1)]
        runs, gaps, stopped = [], [], None
        for run, seed in enumerate(seeds):
            engine = self._make_engine(
                *self._engine_dims, batch_size, device, checkpoint_path=checkpoint_path
            )
            with seeded_torch(seed, device):
                engine.initialize()
                if resume is not None:
                    engine.load_training_state(resume["engine"])
                try:
                    engine.train(tensors, self._training_phases(n_batches))
                except FloatingPointError:
                    if runs or run < len(seeds) - 1:
                        gaps.append(float("nan"))  # diverged: another run is kept
                        continue
                    # usable, with the last finite weights and what the model learns
                    # from them
                    self._set_engine(engine, device)
                    self._after_training(tensors)
                    raise
            gap, noise = _last_fidelity_gap(engine)
            gaps.append(gap)
            if engine.interrupted_ is not None and runs:
                stopped = run + 1  # the user stopped a later run: a complete one is kept
                break
            runs.append((gap, noise, seed, engine))
            if engine.interrupted_ is not None:
                break  # the user stopped the first run: its state stands, as with one run
        # the first run whose check is within its noise of the lowest: the checks can
        # tell a failed run from good ones, not the good ones apart
        lowest = min(gap for gap, _, _, _ in runs)
        _, _, seed, engine = next(run for run in runs if run[0] <= lowest + run[1])
        self._set_engine(engine, device)
        self._record_runs(gaps)
        with seeded_torch(seed, device):
            self._after_training(tensors)
        if engine.interrupted_ is not None:
            warnings.warn(
                f"{type(self).__name__}.fit was interrupted in {engine.interrupted_}; "
                f"the sampler keeps the state after the last completed epoch "
                f"({len(self.history_)}). Call fit again with warm_start=True (and "
                "n_init=1) to continue.",
                UserWarning,
                stacklevel=3,
            )
        elif stopped is not None:
            warnings.warn(
                f"{type(self).__name__}.fit was interrupted in training run {stopped} of "
                f"{n_runs}; the sampler keeps the best of the {len(runs)} complete runs.",
                UserWarning,
                stacklevel=3,
            )
        else:
            self._warn_if_collapsed()
        return self

    def _training_tensors(self, data, labels, device, static_rows=None):
        """Fit the encoding; the device tensors ``x``, ``mask`` and, with labels or static
        attributes (``static_rows``, encoded), ``condition``."""
        tensors = self._encode_training_data(data, labels, device)
        if labels is not None:
            if "condition" not in tensors:
                tensors["condition"] = _one_hot(labels.codes, len(labels.classes), device)
            # the classes alone, which the losses and checks take moments within (the
            # condition also holds the attributes)
            tensors["classes"] = tensors["condition"]
        if static_rows is not None:
            rows = torch.from_numpy(static_rows).to(device)
            if "condition" in tensors:
                rows = torch.cat([tensors["condition"], rows], dim=1)
            tensors["condition"] = rows
        return tensors

    def _store_static_info(self, static):
        """Hook: fit the encoding of static attributes; their encoded rows, or None."""
        if static is not None:
            raise TypeError(f"{type(self).__name__} takes no static attributes")
        return None

    def _after_training(self, tensors):
        """Hook: what a model learns from its trained networks and the training tensors."""

    def _n_runs(self):
        """Hook: how many training runs ``fit`` makes to keep the best (``n_init``)."""
        return 1

    def _record_runs(self, gaps):
        """Hook: record the last ``fidelity_gap`` of every run (NaN: diverged)."""

    def _selection_engine_params(self):
        """Engine parameters that choose the weights to sample with (none here)."""
        return {}

    def _augmentation_engine_params(self):
        """Engine parameters of the discriminator's augmentation (none here)."""
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

    def _engine_state(self, engine):
        """The trained engine as :meth:`_get_state` gives it: weights (the state dicts of
        networks, criterion and optimisers, on the CPU), batch size, device, the position
        a warm start goes on from, and the history (None: it is ``history_``)."""
        shared = engine.history_ is self.__dict__.get("history_")
        return {
            "weights": engine.component_states(),
            "batch_size": engine.batch_size,
            "device": str(engine.device),
            # where a warm start after loading goes on from: (phase index, epochs done)
            "position": list(engine.position_),
            "history": None if shared else engine.history_,
        }

    def _engine_from_state(self, state, device):
        """The engine :meth:`_engine_state` described, rebuilt on ``device``."""
        engine = self._untrained_engine(state["batch_size"], device)
        engine.position_ = tuple(int(i) for i in state["position"])
        engine.load_component_states(state["weights"])
        history = state["history"]
        engine.history_ = self.__dict__.get("history_") if history is None else history
        return engine

    def _make_engine(self, n_features, n_classes, batch_size, device, *, checkpoint_path=None):
        """The untrained engine; ``fit`` trains it and :func:`sktsgan.load` rebuilds it."""
        return AdversarialNet(
            **self._engine_params(n_features, n_classes),
            **self._selection_engine_params(),
            **self._augmentation_engine_params(),
            batch_size=batch_size,
            device=device,
            callbacks=copy.deepcopy(self.callbacks),
            progress_bar=bool(self.verbose),
            verbose=int(self.verbose > 1),
            checkpoint_path=checkpoint_path,
            checkpoint_every=self.checkpoint_every,
            checkpoint_extra=None if checkpoint_path is None else checkpoint_extra(self),
            divergence_advice=self._divergence_advice,
        )

    # -- reliability: resume, checkpoints, collapse ----------------------------------------

    def _set_engine(self, engine, device):
        self.device_ = device
        self.history_ = engine.history_
        self.engine_ = engine

    def _warn_if_collapsed(self):
        # the latest check: not every epoch has one (DIVERSITY_EVERY in nn/_reliability.py)
        ratios = [epoch["diversity"] for epoch in self.history_ if "diversity" in epoch]
        ratio = ratios[-1] if ratios else None
        # NaN: the real data does not vary, so there is no spread to fall short of
        if ratio is None or not ratio < _COLLAPSE_THRESHOLD:
            return
        epochs = self.engine_.position_[1]
        if epochs < _COLLAPSE_MIN_EPOCHS:
            plural = "s" * (epochs != 1)
            head = f"{type(self).__name__} has trained too little ({epochs} epoch{plural})"
        else:
            head = f"{type(self).__name__} may have collapsed"
        moment = ", raise moment_weight" if "moment_weight" in self.get_params() else ""
        warnings.warn(
            f"{head}: the spread of its generated series is {ratio:.3f} of the real data's "
            f"(the last 'diversity' in history_, below {_COLLAPSE_THRESHOLD}). Train "
            f"longer{moment}, or: {self._divergence_advice}",
            UserWarning,
            stacklevel=4,
        )

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

    def _generated_chunks(self, n, codes, chunk, seed, generate, static_rows=None, draw=None):
        """Yield ``(start, stop, samples)``: ``generate(module, start, stop, condition)``.

        Seeded, in inference mode, the condition of each chunk built from the class
        ``codes`` and the encoded attributes ``static_rows``; samples come back as numpy
        arrays, in order. With ``draw(module, size)``, which draws a chunk's random
        inputs as keywords of ``generate`` (the only draws ``generate`` makes), the
        chunks' inputs are drawn in order in this thread and the chunks computed by up
        to :func:`~sktsgan.utils._torch.sampling_workers` threads at once on a CPU: the
        samples of one thread, sooner, with at most that many chunks in memory.
        """
        module = self._sampling_networks()
        device = self.engine_.device
        module.eval()
        bounds = [(start, min(n, start + chunk)) for start in range(0, n, chunk)]
        workers = 1
        if draw is not None and torch.device(device).type == "cpu":
            workers = min(sampling_workers(), len(bounds))

        def condition_of(start, stop):
            parts = []
            if codes is not None:
                parts.append(_one_hot(codes[start:stop], len(self.classes_), device))
            if static_rows is not None:
                parts.append(torch.from_numpy(static_rows[start:stop]).to(device))
            return torch.cat(parts, dim=1) if parts else None

        def compute(start, stop, condition, inputs):
            with torch.inference_mode():  # grad mode is per thread
                return generate(module, start, stop, condition, **inputs).cpu().numpy()

        with seeded_torch(seed, device), torch.inference_mode():
            if workers == 1:
                for start, stop in bounds:
                    inputs = {} if draw is None else draw(module, stop - start)
                    yield start, stop, compute(start, stop, condition_of(start, stop), inputs)
                return
            with ThreadPoolExecutor(workers, thread_name_prefix="sktsgan-sample") as pool:
                running = deque()
                for start, stop in bounds:
                    condition, inputs = condition_of(start, stop), draw(module, stop - start)
                    future = pool.submit(compute, start, stop, condition, inputs)
                    running.append((start, stop, future))
                    if len(running) == workers:
                        start, stop, future = running.popleft()
                        yield start, stop, future.result()
                while running:
                    start, stop, future = running.popleft()
                    yield start, stop, future.result()


def _last_fidelity_gap(engine):
    """The last ``fidelity_gap`` an engine's history records and its standard error
    (inf and 0 where it has none)."""
    gaps = [row["fidelity_gap"] for row in engine.history_ if "fidelity_gap" in row]
    if not gaps:
        return float("inf"), 0.0
    return float(gaps[-1]), float(getattr(engine, "fidelity_noise_", 0.0))


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
        "n_init": [Interval(Integral, 1, None, closed="left")],
    }

    def _selection_engine_params(self):
        max_time = None if self.max_time is None else self.max_time / self.n_init
        return {"track_fidelity": True, "ema_decay": self.ema_decay, "max_time": max_time}

    def _n_runs(self):
        if self.n_init > 1 and (self.warm_start or self.checkpoint_dir is not None):
            raise ValueError(
                f"n_init={self.n_init} trains several models and keeps one; warm_start and "
                "checkpoint_dir continue or keep a single training run. Set n_init=1 to "
                "use them."
            )
        return self.n_init

    def _record_runs(self, gaps):
        self.init_fidelity_gaps_ = gaps

    def _sampling_networks(self):
        return self.engine_.sampling_module(prefer_best=self.restore_best)

    def _set_engine(self, engine, device):
        super()._set_engine(engine, device)
        copies = engine._copies()
        epoch = -1 if copies is None else int(copies.best_epoch)
        self.best_epoch_ = None if epoch < 0 else epoch


class _DiscriminatorAugmentationMixin:
    """``discriminator_augmentation`` for an adversarial sequence sampler.

    The engine gives the networks a
    :class:`~sktsgan.nn._augmentation.DiscriminatorAugmentation`, which the sampler's
    objective applies to what its discriminator sees. Put it before the sampler base
    in the bases, and write ``{augmentation_parameters}`` in the class docstring.
    """

    _parameter_constraints: dict = {
        "discriminator_augmentation": [
            StrOptions({"adaptive"}),
            Interval(Real, 0, 1, closed="both"),
            None,
        ],
    }

    def _augmentation_engine_params(self):
        return {"discriminator_augmentation": self.discriminator_augmentation}
