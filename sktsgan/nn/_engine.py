"""The one training engine: a skorch ``NeuralNet`` whose step alternates players.

A model plugs in three things:

* ``module``: an ``nn.Module`` holding all its networks, with
  ``player_parameters() -> {player: named_parameters}`` (which weights each player
  updates) and a ``generate`` method for the sampler base (sequence modules take
  ``(n, n_timesteps, condition)``, tabular ones ``(n, condition)``); one player is
  enough (a VAE trains as the single player ``"vae"``);
* ``criterion``: an ``nn.Module`` called as ``criterion(module, batch, player)`` that
  returns that player's scalar loss on a batch, or a dict with that loss under
  ``"loss"`` and named parts of it (a VAE's ``"reconstruction_loss"`` and
  ``"kl_loss"``), which the history records too;
* a list of :class:`TrainingPhase`, each a schedule of ``(player, n_updates)`` run on
  every batch for a number of epochs.

Everything else (one optimiser per player, device placement, batching on the device,
loss history, callbacks, progress bar) is the engine's, the same for every model, and
so is keeping a long run safe: a copy of the training state at every completed epoch,
put back on Ctrl-C and on divergence; checkpoint files to resume from; and a
``diversity`` check against mode collapse (see :func:`diversity_ratio`) after every
epoch of at least ``DIVERSITY_EVERY`` batches, else every few epochs, and always at a
phase's end. A module whose ``generate`` cannot be compared with a batch as it is (a
forecaster, whose series start from real histories) may provide
``diversity_pair(batch) -> (real, fake, mask)`` instead.

Choosing the weights to sample with is the engine's too, for a model that asks
(``track_fidelity=True``): an exponential moving average of the weights
(``ema_decay``), scored every few epochs of the last phase by a cheap fidelity check
(``fidelity_gap`` in the history, see :func:`~sktsgan.nn._selection.fidelity_gap`), the
best-scoring copy kept; and a time budget (``max_time``) shared out over the phases.
:meth:`AdversarialNet.sampling_module` gives the networks to sample with.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EpochTimer, PrintLog
from skorch.history import History

from .._persistence import CHECKPOINT_FORMAT_NAME, write_archive
from ..utils._torch import set_torch_rng, torch_rng_to_plain
from ._augmentation import AUGMENTATION, DiscriminatorAugmentation
from ._reliability import (
    DIVERSITY_BATCH,
    DIVERSITY_EVERY,
    diversity_ratio,
    evenly_spaced,
    forked_rng,
    plain,
)
from ._selection import MAX_REAL, SamplingWeights, fidelity_gap

# the submodule of ``module_`` that holds the sampling copies
_COPIES = "sampling_weights"


@dataclass(frozen=True)
class TrainingPhase:
    """One stage of training: which players update, how often per batch, for how long.

    Parameters
    ----------
    name : str
        Recorded as ``phase`` in every epoch of the history.
    schedule : tuple of (str, int)
        ``(player, n_updates)`` pairs run in order on every batch.
    n_epochs : int
        Passes over the data.
    min_loss : dict of str to float, default=None
        Players that update only while their loss is above a threshold (TimeGAN's
        discriminator). Checking costs one host sync per such update.

    Examples
    --------
    >>> from sktsgan.nn import TrainingPhase
    >>> TrainingPhase("adversarial", (("discriminator", 1), ("generator", 1)), 10)
    TrainingPhase(name='adversarial', schedule=(('discriminator', 1), ('generator', 1)), \
n_epochs=10, min_loss=None)
    """

    name: str
    schedule: tuple
    n_epochs: int
    min_loss: dict | None = None


class TensorBatches:
    """Shuffled mini-batches of a dict of tensors that already sit on the device.

    Unlike a ``DataLoader`` there is no per-item collation: each batch is one gather.
    Shuffling draws from torch's global generator, which the samplers seed inside a
    forked random state.
    """

    def __init__(self, tensors, batch_size, shuffle=True):
        self.tensors = tensors
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.n = len(next(iter(tensors.values())))

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def __iter__(self):
        first = next(iter(self.tensors.values()))
        if self.shuffle:
            order = torch.randperm(self.n, device=first.device)
        else:
            order = torch.arange(self.n, device=first.device)
        for start in range(0, self.n, self.batch_size):
            index = order[start : start + self.batch_size]
            yield {key: value[index] for key, value in self.tensors.items()}


class LossProgressBar(Callback):
    """A tqdm bar over epochs that shows the latest loss of every player."""

    def on_train_begin(self, net, **kwargs):
        from tqdm.auto import tqdm

        done = net.position_[1] if net.position_ else 0
        self.bar_ = tqdm(total=net.max_epochs, initial=done, desc=net.phase_name_, leave=True)

    def on_epoch_end(self, net, **kwargs):
        last = net.history[-1]
        self.bar_.set_postfix(
            {key: f"{last[key]:.4f}" for key in last if key.endswith("_loss")}, refresh=False
        )
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        self.bar_.close()


def _loss_and_parts(result):
    """A criterion's result as ``(loss, {name: part})``: a tensor, or a dict with "loss"."""
    if isinstance(result, dict):
        parts = dict(result)
        return parts.pop("loss"), parts
    return result, {}


def _to_cpu(value):
    """A state dict with every tensor on the CPU: files do not depend on the device."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {key: _to_cpu(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(item) for item in value)
    return value


class AdversarialNet(NeuralNet):
    """skorch net that trains several players (generator, discriminator, ...) in turn.

    Parameters
    ----------
    module : type of nn.Module
        The model's networks; see the module docstring for what it must provide.
    criterion : type of nn.Module
        The model's losses, called as ``criterion(module, batch, player)``.
    schedule : tuple of (str, int), default=(("discriminator", 1), ("generator", 1))
        Updates per batch, in order.
    player_lr : dict, default=None
        Learning rate per player; players not named use ``lr``.
    progress_bar : bool, default=False
        Show a tqdm bar over epochs with the current losses.
    checkpoint_path : str, default=None
        File that :meth:`train` keeps the latest training state in (written
        atomically): ``{**checkpoint_extra, "engine": training_state()}``.
    checkpoint_every : int, default=1
        Write the checkpoint after every this many completed epochs (counted over all
        phases), and always when :meth:`train` ends.
    checkpoint_extra : dict, default=None
        What the caller adds to every checkpoint (tensors, dicts, lists, numbers,
        strings only).
    track_fidelity : bool, default=False
        Keep sampling copies of the networks (``module_.sampling_weights``, a
        :class:`~sktsgan.nn._selection.SamplingWeights`), score the one sampling would
        use ``n_evaluations`` times over the last phase (``fidelity_gap`` in the
        history, recorded before callbacks see the epoch) and keep the best. The
        module's ``generate`` must compare with a batch as it is.
    ema_decay : float, default=None
        With ``track_fidelity``: decay per batch of the moving average of the
        weights; None samples with the weights themselves.
    n_evaluations : int, default=20
        Fidelity checks over the last phase (every ``ceil(n_epochs / n_evaluations)``
        epochs, at its end, and, with ``max_time``, every twentieth of its time).
    divergence_advice : str, default="Lower the learning rate."
        What the error raised on divergence tells the user to do.
    max_time : float, default=None
        Seconds that :meth:`train` may run. Each phase gets a share in proportion to
        its epochs times its updates per batch (time a phase leaves unused goes to
        the next), and stops after the epoch that crosses its share.
    discriminator_augmentation : float or "adaptive", default=None
        Give the module a :class:`~sktsgan.nn._augmentation.DiscriminatorAugmentation`
        with this probability (``module_.discriminator_augmentation``), which the
        criterion applies to what the discriminator sees (see
        :func:`~sktsgan.nn._augmentation.augment_for_discriminator`); its current
        probability is recorded after every epoch (``augmentation_probability``).
        None: no augmentation.
    **kwargs
        Any :class:`skorch.NeuralNet` parameter (``lr``, ``optimizer__betas``,
        ``max_epochs``, ``batch_size``, ``device``, ``callbacks``, ...).

    Examples
    --------
    Models build the engine for you; see :class:`sktsgan.RCGANSampler`.
    """

    # ``optimizer__*`` parameters apply to every player's optimiser.
    prefixes_ = [*NeuralNet.prefixes_, "optimizer"]

    def __init__(
        self,
        module,
        criterion,
        *,
        schedule=(("discriminator", 1), ("generator", 1)),
        player_lr=None,
        progress_bar=False,
        checkpoint_path=None,
        checkpoint_every=1,
        checkpoint_extra=None,
        track_fidelity=False,
        ema_decay=None,
        n_evaluations=20,
        divergence_advice="Lower the learning rate.",
        max_time=None,
        discriminator_augmentation=None,
        **kwargs,
    ):
        if "optimizer" not in kwargs:
            kwargs["optimizer"] = torch.optim.Adam
            # one call for all of a player's tensors instead of a Python loop over
            # them: the same steps bit for bit; a TimeGAN joint step took a sixth less
            # time on a busy machine (the same on an idle one)
            kwargs.setdefault("optimizer__foreach", True)
        kwargs.setdefault("train_split", None)
        kwargs.setdefault("verbose", 0)
        super().__init__(module, criterion, **kwargs)
        self.schedule = schedule
        self.player_lr = player_lr
        self.progress_bar = progress_bar
        self.checkpoint_path = checkpoint_path
        self.checkpoint_every = checkpoint_every
        self.checkpoint_extra = checkpoint_extra
        self.track_fidelity = track_fidelity
        self.ema_decay = ema_decay
        self.n_evaluations = n_evaluations
        self.max_time = max_time
        self.discriminator_augmentation = discriminator_augmentation
        self.divergence_advice = divergence_advice

    def get_default_callbacks(self):
        """The callbacks every engine has, before the user's ``callbacks``.

        An ``EpochTimer``; with ``progress_bar``, a :class:`LossProgressBar`; with
        ``verbose``, a ``PrintLog``. skorch's other defaults (its ``train_loss`` and
        ``valid_loss`` scoring) are left out: :meth:`run_single_epoch` records the
        players' losses itself.

        Returns
        -------
        callbacks : list of (str, Callback)
            ``(name, callback)`` pairs.
        """
        callbacks = [("epoch_timer", EpochTimer())]
        if self.progress_bar:
            callbacks.append(("progress_bar", LossProgressBar()))
        if self.verbose:
            callbacks.append(("print_log", PrintLog()))
        return callbacks

    def initialize_module(self):
        """Initialise the module; attach its augmentation and sampling copies, if any.

        Both live inside ``module_`` so that every state of it (snapshots,
        checkpoints, pickles, model files) carries them; no player trains them.

        Returns
        -------
        self : AdversarialNet
            This engine, with ``module_`` initialised.
        """
        super().initialize_module()
        module = self.module_
        for name in (_COPIES, AUGMENTATION):  # re-initialised: made anew for new networks
            module._modules.pop(name, None)
        if self.discriminator_augmentation is not None:
            augmentation = DiscriminatorAugmentation(self.discriminator_augmentation)
            module.add_module(AUGMENTATION, augmentation.to(self.device))
        # (looked up on every update of the step, so collected once)
        self._own_tensors = _own_tensors(module)
        if self.track_fidelity:
            module.add_module(_COPIES, SamplingWeights(module, self.ema_decay))
        return self

    def sampling_module(self, prefer_best=True):
        """The networks to sample with.

        With ``track_fidelity``: the best-scoring copy (if ``prefer_best`` and one was
        scored), else the moving average (if ``ema_decay``); else ``module_``.

        Parameters
        ----------
        prefer_best : bool, default=True
            Whether to return the best-scoring copy when there is one; False gives
            the moving average (or ``module_``) even then.

        Returns
        -------
        module : nn.Module
            ``module_`` itself, or one of its sampling copies (``best`` or
            ``average`` of ``module_.sampling_weights``).
        """
        copies = self._copies()
        if copies is None:
            return self.module_
        if prefer_best and int(copies.best_epoch) >= 0:
            return copies.best
        return copies.average if self.ema_decay is not None else self.module_

    def initialize_optimizer(self, triggered_directly=None):
        """Create one optimiser per player, named ``optimizer_<player>_``.

        Each optimises the parameters that ``module_.player_parameters()`` gives the
        player, with the ``optimizer__*`` parameters and the learning rate of
        ``player_lr`` (else ``lr``). Also sets ``players_``.

        Parameters
        ----------
        triggered_directly : object, default=None
            Ignored; accepted because skorch's ``initialize_optimizer`` takes it (it
            is deprecated there).

        Returns
        -------
        self : AdversarialNet
            This engine, with its optimisers created.
        """
        player_lr = self.player_lr or {}
        players = self.module_.player_parameters()
        self.players_ = list(players)
        # which weights each player trains, looked up on every update of the step
        self._player_weights = _weights_by_player(players)
        for player, named_parameters in players.items():
            args, kwargs = self.get_params_for_optimizer("optimizer", named_parameters)
            kwargs["lr"] = player_lr.get(player, kwargs.get("lr", self.lr))
            setattr(self, f"optimizer_{player}_", self.optimizer(*args, **kwargs))
        self.phase_name_ = None
        self.min_loss_ = {}
        return self

    def __getstate__(self):
        # skorch pickles module_ and the optimisers in a block of their own, read back
        # with map_location. The players' weights are module_'s parameters: pickled with
        # the rest they would come back as copies, no longer the weights the optimisers
        # step, and as CUDA tensors that a CPU-only machine cannot read. They are looked
        # up again from module_ when unpickled.
        state = super().__getstate__()
        state.pop("_player_weights", None)
        state.pop("_own_tensors", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        # skorch gives back torch.device("cpu") when a CUDA pickle lands on a machine
        # without CUDA; the rest of sktsgan (and the saved format) reads strings.
        if isinstance(self.device, torch.device):
            self.device = str(self.device)
        if "module_" in self.__dict__:
            # unpickled cuDNN weights are no longer one contiguous block, and every call
            # would compact them again
            for layer in self.module_.modules():
                if isinstance(layer, torch.nn.RNNBase):
                    layer.flatten_parameters()
            self._own_tensors = _own_tensors(self.module_)
        if "module_" in self.__dict__ and "players_" in self.__dict__:
            self._player_weights = _weights_by_player(self.module_.player_parameters())

    def initialize(self):
        """Initialise as skorch does and start training from the first phase.

        Returns
        -------
        self : AdversarialNet
            This engine, initialised, with ``position_`` set to ``(0, 0)``.
        """
        super().initialize()
        # (phase index, epochs done in it) after the last completed epoch
        self.position_ = (0, 0)
        self._phase_index = 0
        self.interrupted_ = None
        self._snapshot = None
        self._written = None
        return self

    def train(self, tensors, phases):
        """Run ``phases`` (a list of :class:`TrainingPhase`) from ``position_`` on.

        After :meth:`initialize` that is every phase; after
        :meth:`load_training_state`, what is left. A ``KeyboardInterrupt`` stops
        training with the state of the last completed epoch back in place and a
        description of where it stopped in ``interrupted_``; a non-finite loss or
        weight puts that state back and raises ``FloatingPointError``. The checkpoint
        file, if any, is written whenever training stops.

        Parameters
        ----------
        tensors : dict of str to torch.Tensor
            The training data, already on the device: ``"x"`` and whatever else the
            criterion reads (``"mask"``, ``"condition"``), all with the examples along
            the first axis.
        phases : list of TrainingPhase
            The whole training, in order; ``position_`` says where to start in it.

        Returns
        -------
        self : AdversarialNet
            This engine, trained.

        Raises
        ------
        FloatingPointError
            If a loss or a weight became non-finite; the state of the last completed
            epoch is put back first.
        """
        self.interrupted_ = None
        start, done = self.position_
        self._n_phases = len(phases)
        self._deadlines = self._phase_deadlines(phases, start, done)
        try:
            for index in range(start, len(phases)):
                done = done if index == start else 0
                self._phase_index = index
                self.position_ = (index, done)
                copies = self._copies()
                if copies is not None and done == 0:
                    copies.reset(*self._network_tensors())
                self._phase_started = self._last_evaluation = time.monotonic()
                if phases[index].n_epochs > done:
                    self.run_phase(tensors, phases[index], epochs=phases[index].n_epochs - done)
                if self.interrupted_ is not None:
                    break
        finally:
            self._write_checkpoint()
            # the live state is the last completed epoch's now: keep only what it lacks
            if self._snapshot is not None:
                for key in ("module", "optimizers"):
                    self._snapshot.pop(key, None)
        return self

    def _phase_deadlines(self, phases, start, done):
        """``time.monotonic()`` by which each phase must stop (None: no budget)."""
        if self.max_time is None:
            return [None] * len(phases)
        costs = [
            max(0, phase.n_epochs - (done if index == start else 0))
            * sum(n for _, n in phase.schedule)
            if index >= start
            else 0
            for index, phase in enumerate(phases)
        ]
        total = max(1, sum(costs))
        now, spent = time.monotonic(), 0
        deadlines = []
        for cost in costs:
            spent += cost
            deadlines.append(now + self.max_time * spent / total)
        return deadlines

    def run_phase(self, tensors, phase, *, epochs=None):
        """Train for one :class:`TrainingPhase` (``epochs`` of it; default all).

        Sets the phase's schedule, ``min_loss`` and name, then calls skorch's
        ``partial_fit``.

        Parameters
        ----------
        tensors : dict of str to torch.Tensor
            The training data on the device, as :meth:`train` takes it.
        phase : TrainingPhase
            The phase to run; its ``n_epochs`` becomes ``max_epochs``.
        epochs : int, default=None
            Epochs to run; None runs ``phase.n_epochs``.

        Returns
        -------
        self : AdversarialNet
            This engine, as ``partial_fit`` returns it.

        Raises
        ------
        FloatingPointError
            If training diverged; the state of the last completed epoch is put back
            and callbacks get ``on_train_end`` before the error propagates.
        """
        self.schedule = phase.schedule
        self.min_loss_ = phase.min_loss or {}
        self.phase_name_ = phase.name
        self.max_epochs = phase.n_epochs
        try:
            return self.partial_fit(tensors, epochs=phase.n_epochs if epochs is None else epochs)
        except FloatingPointError:
            self._restore()
            self.notify("on_train_end", X=tensors, y=None)  # close the progress bar
            raise

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """skorch's fit loop, made safe against an interrupt in the middle of an epoch.

        A ``KeyboardInterrupt`` during an epoch puts back the state of the last
        completed epoch and records where training stopped in ``interrupted_``; one
        raised once the epoch is complete (by a callback, or when the phase's time is
        up) only ends the phase. Either way it propagates, to skorch's
        ``partial_fit``, which ends training normally.

        Parameters
        ----------
        X : dict of str to torch.Tensor
            The training data on the device, as :meth:`train` takes it.
        y : None, default=None
            Unused; the criterion finds everything in ``X``.
        epochs : int, default=None
            Epochs to run; None runs ``max_epochs``.
        **fit_params : dict
            Passed on to skorch's ``fit_loop``.

        Returns
        -------
        self : AdversarialNet
            This engine, as skorch's ``fit_loop`` returns it.
        """
        # skorch's partial_fit swallows a KeyboardInterrupt raised here and ends training
        # normally, with whatever half an epoch left in the weights: put the last
        # completed epoch back first, and say where training stopped. Raised once the
        # epoch is complete (by a callback's on_epoch_end, as skorch's EarlyStopping
        # does), it asks to end this phase: the epoch stays and the next phase runs.
        self._epoch_complete = True
        try:
            return super().fit_loop(X, y, epochs, **fit_params)
        except KeyboardInterrupt:
            if not self._epoch_complete:
                self._restore()
                self.interrupted_ = (
                    f"epoch {len(self.history) + 1} (phase {self.phase_name_!r}, epoch "
                    f"{self.position_[1] + 1} of {self.max_epochs})"
                )
            raise

    # -- the training state ----------------------------------------------------------

    def on_epoch_begin(self, net, **kwargs):
        """Keep a copy of the training state, then start the epoch as skorch does.

        The copy (see :meth:`training_state`) is what an interrupt or a divergence
        puts back; every ``checkpoint_every`` epochs it is also written to the
        checkpoint file, if any.

        Parameters
        ----------
        net : AdversarialNet
            This engine (skorch passes it to every callback method).
        **kwargs : dict
            skorch's epoch arguments (``dataset_train``, ``dataset_valid``).

        Raises
        ------
        FloatingPointError
            If the last epoch left a weight non-finite.
        """
        self._take_snapshot()
        self._epoch_complete = False
        super().on_epoch_begin(net, **kwargs)

    def on_epoch_end(self, net, **kwargs):
        """Count the epoch as complete; check the time budget and, maybe, fidelity.

        With ``max_time``, notes whether the phase's share of time is used up (the
        phase then ends after the callbacks). With ``track_fidelity``, in the last
        phase, records ``fidelity_gap`` of the sampling copy when a check is due and
        keeps the copy if it is the best so far.

        Parameters
        ----------
        net : AdversarialNet
            This engine (skorch passes it to every callback method).
        **kwargs : dict
            skorch's epoch arguments; the fidelity check reads ``dataset_train``.
        """
        # called before any callback's on_epoch_end, so that they see diversity and
        # fidelity_gap
        self.position_ = (self._phase_index, self.position_[1] + 1)
        self._epoch_complete = True
        deadlines = getattr(self, "_deadlines", None)
        deadline = deadlines[self._phase_index] if deadlines else None
        now = time.monotonic()
        self._out_of_time = deadline is not None and now >= deadline
        done = self.position_[1]
        dataset = kwargs.get("dataset_train")
        if dataset is not None:
            # on a schedule of the position, so that a resumed run checks where an
            # uninterrupted one would
            n_batches = self.history[-1].get("train_batch_count", DIVERSITY_EVERY)
            every = math.ceil(DIVERSITY_EVERY / max(1, n_batches))
            if done % every == 0 or done == self.max_epochs or self._out_of_time:
                ratio = self._diversity(dataset.X)
                if ratio is not None:
                    self.history.record("diversity", ratio)
        augmentation = getattr(self.module_, AUGMENTATION, None)
        if augmentation is not None:
            self.history.record("augmentation_probability", augmentation.probability.item())
        super().on_epoch_end(net, **kwargs)
        last_phase = self._phase_index == getattr(self, "_n_phases", 1) - 1
        if not (self.track_fidelity and last_phase and dataset is not None):
            return
        every = max(1, math.ceil(self.max_epochs / self.n_evaluations))
        due = done % every == 0 or done == self.max_epochs or self._out_of_time
        if deadline is not None:  # and evenly over the phase's time
            budget = deadline - self._phase_started
            due = due or now - self._last_evaluation >= budget / self.n_evaluations
        if due:
            self._evaluate(dataset.X)
            self._last_evaluation = time.monotonic()

    def notify(self, method_name, **cb_kwargs):
        """Call the engine's and every callback's ``method_name``, as skorch does.

        Then, at ``on_train_end``, keep a copy of the training state (callbacks such
        as ``EarlyStopping`` may have loaded other weights); at ``on_epoch_end``, when
        the phase's time is up, end the phase.

        Parameters
        ----------
        method_name : str
            The callback method, such as ``"on_epoch_end"``.
        **cb_kwargs : dict
            Arguments of that method.

        Raises
        ------
        KeyboardInterrupt
            At ``on_epoch_end`` once the phase's time (``max_time``) is up; skorch
            then ends the phase, with the epoch complete.
        FloatingPointError
            At ``on_train_end`` if the weights are non-finite.
        """
        super().notify(method_name, **cb_kwargs)
        if method_name == "on_train_end":  # after callbacks (EarlyStopping's load_best)
            self._take_snapshot()
        elif method_name == "on_epoch_end" and getattr(self, "_out_of_time", False):
            # the phase's time is up: end it the way skorch's EarlyStopping does, with
            # the epoch complete, so that the next phase runs
            raise KeyboardInterrupt

    def _evaluate(self, tensors):
        """Record ``fidelity_gap`` of the copy sampling would use; keep it if best."""
        copies = self._copies()
        if self.ema_decay is None:  # score (and maybe keep) the weights themselves
            copies.reset(*self._network_tensors())
        candidate = copies.average
        first = tensors["x"]
        index = evenly_spaced(len(first), MAX_REAL).to(first.device)
        was_training = candidate.training
        candidate.eval()
        try:
            with forked_rng(self.device), torch.inference_mode():
                gap, noise = fidelity_gap(candidate, tensors, index)
        finally:
            candidate.train(was_training)
        self.history.record("fidelity_gap", gap)
        self.fidelity_noise_ = noise  # the check's standard error, for comparing runs
        copies.consider(gap, len(self.history), tolerance=noise)

    def _copies(self):
        module = getattr(self, "module_", None)
        return None if module is None else getattr(module, _COPIES, None)

    def _network_tensors(self):
        """The module's own parameters and buffers, without its sampling copies."""
        return self._own_tensors

    def component_states(self):
        """``{component: state_dict}`` of every module, criterion and optimiser, on the CPU.

        What a model file stores of the engine (with :attr:`position_` and the
        history); :meth:`load_component_states` puts it back.

        Returns
        -------
        states : dict of str to dict
            ``state_dict()`` of ``module_``, ``criterion_`` and every
            ``optimizer_<player>_``, under their names without the trailing
            underscore, with every tensor on the CPU.
        """
        return {key: _to_cpu(getattr(self, key + "_").state_dict()) for key in self._components()}

    def load_component_states(self, states):
        """Load what :meth:`component_states` returned into this initialised engine.

        A module saved before sampling copies existed (files of sktsgan before the
        moving average) gets copies of its own weights, so it samples as it did.

        Parameters
        ----------
        states : dict of str to dict
            What :meth:`component_states` returned, from an engine built the same way.

        Returns
        -------
        self : AdversarialNet
            This engine, with the states loaded.

        Raises
        ------
        ValueError
            If ``states`` is not a dict of exactly this engine's components.
        """
        components = self._components()
        if type(states) is not dict or sorted(states) != sorted(components):
            found = sorted(states) if type(states) is dict else type(states).__name__
            raise ValueError(f"the weights are for {found}, the engine has {sorted(components)}")
        for key in components:
            self._load_component(key, states[key])
        return self

    def _components(self):
        """Names of skorch's modules, criteria and optimisers (``<name>_`` attributes)."""
        return [*self._modules, *self._criteria, *self._optimizers]

    def _load_component(self, key, state):
        component = getattr(self, key + "_")
        prefix = f"{_COPIES}."
        if key != "module" or self._copies() is None or any(k.startswith(prefix) for k in state):
            component.load_state_dict(state)
            return
        missing, unexpected = component.load_state_dict(state, strict=False)
        if unexpected or any(not name.startswith(prefix) for name in missing):
            component.load_state_dict(state)  # raises, naming what does not match
        self._copies().reset(*self._network_tensors())

    def training_state(self):
        """Everything training continues from, as of the last completed epoch.

        A dict of tensors, dicts, lists, numbers and strings: module and optimiser
        ``state_dict`` s, torch random state, ``position`` and history rows. Only
        meaningful between epochs (after :meth:`train` returned or raised).

        Returns
        -------
        state : dict
            ``"module"`` (the module's ``state_dict``), ``"optimizers"`` (``{player:
            state_dict}``), ``"rng"`` (torch's random state), ``"position"`` (``[phase
            index, epochs done in it]``) and ``"history"`` (a list of dicts).
        """
        snapshot = self._snapshot
        if snapshot is None:
            self._take_snapshot(check=False)
            snapshot = self._snapshot
        state = self._copy_state() if "module" not in snapshot else snapshot
        return {
            "module": state["module"],
            "optimizers": state["optimizers"],
            "rng": snapshot["rng"],
            "position": list(snapshot["position"]),
            "history": plain([dict(row) for row in self.history[: snapshot["history_len"]]]),
        }

    def load_training_state(self, state):
        """Continue from a :meth:`training_state` (of an engine built the same way).

        Call it on an initialised engine, where the training random stream should be
        (it sets torch's global random state).

        Parameters
        ----------
        state : dict
            What :meth:`training_state` returned, or the ``"engine"`` entry of a
            checkpoint file.

        Returns
        -------
        self : AdversarialNet
            This engine, ready for :meth:`train` to go on from ``position_``.
        """
        self.module_.load_state_dict(state["module"])
        for player, optimizer_state in state["optimizers"].items():
            getattr(self, f"optimizer_{player}_").load_state_dict(copy.deepcopy(optimizer_state))
        self.history = History(state["history"])
        self.position_ = tuple(state["position"])
        set_torch_rng(state["rng"], self.device)
        self._written = len(self.history)  # that file exists already
        self._take_snapshot()
        return self

    def _copy_state(self):
        return {
            "module": {
                key: value.detach().clone() for key, value in self.module_.state_dict().items()
            },
            "optimizers": {
                player: copy.deepcopy(getattr(self, f"optimizer_{player}_").state_dict())
                for player in self.players_
            },
        }

    def _take_snapshot(self, check=True):
        """Copy the state between two epochs; the previous copy stays if weights broke."""
        if check:
            finite = torch.stack([p.isfinite().all() for p in self.module_.parameters()])
            if not bool(finite.all()):
                raise FloatingPointError(
                    f"Training diverged in epoch {len(self.history)}: its last update made "
                    f"weights non-finite. {self.divergence_advice}"
                )
        self._snapshot = {
            **self._copy_state(),
            "rng": torch_rng_to_plain(self.device),
            "position": tuple(self.position_),
            "history_len": len(self.history),
        }
        n_epochs = len(self.history)
        if self.checkpoint_path is not None and n_epochs and n_epochs % self.checkpoint_every == 0:
            self._write_checkpoint()

    def _restore(self):
        """Put the last snapshot back: weights, optimisers, random state, history."""
        snapshot = self._snapshot
        if snapshot is None or "module" not in snapshot:
            return
        self.module_.load_state_dict(snapshot["module"])
        for player, optimizer_state in snapshot["optimizers"].items():
            getattr(self, f"optimizer_{player}_").load_state_dict(copy.deepcopy(optimizer_state))
        set_torch_rng(snapshot["rng"], self.device)
        del self.history[snapshot["history_len"] :]
        self.position_ = tuple(snapshot["position"])

    def _write_checkpoint(self):
        if self.checkpoint_path is None or self._snapshot is None:
            return
        if self._written == self._snapshot["history_len"]:
            return
        payload = {**(self.checkpoint_extra or {}), "engine": self.training_state()}
        write_archive(self.checkpoint_path, CHECKPOINT_FORMAT_NAME, payload)
        self._written = self._snapshot["history_len"]

    def _diversity(self, tensors):
        """:func:`diversity_ratio` of up to 128 generated series against real ones.

        Drawn under a forked random state, so the training stream is the same with or
        without the check; in eval mode, so no layer updates running statistics.
        """
        module = self.sampling_module(prefer_best=False)
        pair = getattr(module, "diversity_pair", None)
        if pair is None and not hasattr(module, "generate"):
            return None
        first = next(iter(tensors.values()))
        index = evenly_spaced(len(first), DIVERSITY_BATCH).to(first.device)
        batch = {key: value[index] for key, value in tensors.items()}
        condition = batch.get("condition")
        was_training = module.training
        module.eval()
        try:
            with forked_rng(self.device), torch.no_grad():
                if pair is not None:
                    real, fake, mask = pair(batch)
                else:
                    real, mask = batch["x"], batch.get("mask")
                    fake = module.generate(len(real), real.shape[1], condition)
                return diversity_ratio(real, fake, mask, batch.get("classes")).item()
        finally:
            module.train(was_training)

    def get_iterator(self, dataset, training=False):
        """Mini-batches of ``batch_size`` examples of the tensors of ``dataset``.

        Parameters
        ----------
        dataset : skorch.dataset.Dataset
            The dataset skorch made of the training data; its ``X`` is the dict of
            tensors that :meth:`train` was given.
        training : bool, default=False
            Whether the batches are for training: only then are they shuffled.

        Returns
        -------
        batches : TensorBatches
            An iterable of dicts of tensors, one per batch.
        """
        return TensorBatches(dataset.X, self.batch_size, shuffle=training)

    def train_step(self, batch, **fit_params):
        """Run the schedule on one batch: each player zeroes, backpropagates and steps.

        A player with a ``min_loss`` threshold (see :class:`TrainingPhase`) skips an
        update whose loss is not above it. With ``track_fidelity`` and ``ema_decay``,
        the moving average of the weights is updated after the schedule.

        Parameters
        ----------
        batch : dict of str to torch.Tensor
            One mini-batch of the training tensors.
        **fit_params : dict
            Unused; accepted for skorch's signature.

        Returns
        -------
        step : dict
            ``"loss"``: the loss of the last update of the schedule (a tensor, not
            detached); ``"y_pred"``: None; ``"losses"``: ``{"<player>_loss": loss}``
            for every player in the schedule plus the named parts of the criterion's
            result, each the detached tensor of the player's last update.
        """
        self.module_.train()
        losses = {}
        for player, n_updates in self.schedule:
            optimizer = getattr(self, f"optimizer_{player}_")
            self._train_only(player)
            threshold = self.min_loss_.get(player)
            for _ in range(n_updates):
                optimizer.zero_grad(set_to_none=True)
                loss, parts = _loss_and_parts(self.criterion_(self.module_, batch, player))
                if threshold is not None and loss.item() <= threshold:
                    continue
                loss.backward()
                optimizer.step()
            losses[f"{player}_loss"] = loss.detach()
            losses.update({key: value.detach() for key, value in parts.items()})
        self._train_only(None)
        copies = self._copies()
        if copies is not None and self.ema_decay is not None:
            copies.update(*self._network_tensors())
        return {"loss": loss, "y_pred": None, "losses": losses}

    def _train_only(self, player):
        """Let autograd skip the weights of every other player (``None``: all train).

        Players may share weights (TimeGAN's embedder trains in two phases with two
        optimisers), so a weight trains if the player named owns it.
        """
        for parameter in self._network_tensors()[0]:  # (never the sampling copies)
            parameter.requires_grad_(player is None)
        if player is not None:
            for parameter in self._player_weights[player]:
                parameter.requires_grad_(True)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Like skorch's, but losses stay on the device until the epoch ends.

        skorch reads every batch's loss with ``.item()``, a host sync per batch on a
        GPU; here each player's mean loss is read once per epoch. The history records
        the phase name, the mean of every entry of the steps' ``"losses"``, the
        number of batches (the ``diversity`` check is :meth:`on_epoch_end`'s).

        Parameters
        ----------
        iterator : iterable of dict or None
            The batches (see :meth:`get_iterator`); None does nothing.
        training : bool
            Whether this is a training epoch; passed to the batch callbacks.
        prefix : str
            Prefix of the batch count in the history (``"<prefix>_batch_count"``).
        step_fn : callable
            Called as ``step_fn(batch, **fit_params)``; returns a dict like
            :meth:`train_step`'s.
        **fit_params : dict
            Passed on to ``step_fn``.

        Raises
        ------
        FloatingPointError
            If the mean of a loss over the epoch is not finite.
        """
        if iterator is None:
            return
        totals = {}
        n_batches = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            for key, value in step["losses"].items():
                totals[key] = totals[key] + value if key in totals else value
            self.notify("on_batch_end", batch=batch, training=training, **step)
            n_batches += 1
        if self.phase_name_ is not None:
            self.history.record("phase", self.phase_name_)
        means = torch.stack(list(totals.values())).div(n_batches).tolist()
        for key, value in zip(totals, means):
            self.history.record(key, value)
        self.history.record(prefix + "_batch_count", n_batches)
        bad = [key for key, value in zip(totals, means) if not math.isfinite(value)]
        if bad:
            raise FloatingPointError(
                f"Training diverged in epoch {len(self.history)}: {', '.join(bad)} became "
                f"{means[list(totals).index(bad[0])]}; the weights of the epoch before are "
                f"kept. {self.divergence_advice}"
            )


def _own_tensors(module):
    """``(parameters, buffers)`` of ``module``, leaving out its sampling copies."""
    prefix = _COPIES + "."
    parameters = [p for name, p in module.named_parameters() if not name.startswith(prefix)]
    buffers = [b for name, b in module.named_buffers() if not name.startswith(prefix)]
    return parameters, buffers


def _weights_by_player(players):
    """``{player: [parameter, ...]}`` from ``{player: named_parameters}``."""
    return {player: [parameter for _, parameter in named] for player, named in players.items()}
