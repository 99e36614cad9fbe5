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
loss history, callbacks, progress bar) is the engine's, the same for every model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EpochTimer, PrintLog


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

        self.bar_ = tqdm(total=net.max_epochs, desc=net.phase_name_, leave=True)

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
        **kwargs,
    ):
        kwargs.setdefault("optimizer", torch.optim.Adam)
        kwargs.setdefault("train_split", None)
        kwargs.setdefault("verbose", 0)
        super().__init__(module, criterion, **kwargs)
        self.schedule = schedule
        self.player_lr = player_lr
        self.progress_bar = progress_bar

    def get_default_callbacks(self):
        callbacks = [("epoch_timer", EpochTimer())]
        if self.progress_bar:
            callbacks.append(("progress_bar", LossProgressBar()))
        if self.verbose:
            callbacks.append(("print_log", PrintLog()))
        return callbacks

    def initialize_optimizer(self, triggered_directly=None):
        """Create one optimiser per player, named ``optimizer_<player>_``."""
        player_lr = self.player_lr or {}
        players = self.module_.player_parameters()
        self.players_ = list(players)
        # which weights each player trains, looked up on every update of the step; the
        # parameters themselves (not their ids) so that pickles keep the link
        self._player_weights = {
            player: [parameter for _, parameter in named] for player, named in players.items()
        }
        for player, named_parameters in players.items():
            args, kwargs = self.get_params_for_optimizer("optimizer", named_parameters)
            kwargs["lr"] = player_lr.get(player, kwargs.get("lr", self.lr))
            setattr(self, f"optimizer_{player}_", self.optimizer(*args, **kwargs))
        self.phase_name_ = None
        self.min_loss_ = {}
        return self

    def run_phase(self, tensors, phase):
        """Train for one :class:`TrainingPhase` on a dict of device tensors."""
        self.schedule = phase.schedule
        self.min_loss_ = phase.min_loss or {}
        self.phase_name_ = phase.name
        self.max_epochs = phase.n_epochs
        return self.partial_fit(tensors, epochs=phase.n_epochs)

    def get_iterator(self, dataset, training=False):
        return TensorBatches(dataset.X, self.batch_size, shuffle=training)

    def train_step(self, batch, **fit_params):
        """Run the schedule on one batch: each player zeroes, backpropagates and steps."""
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
        return {"loss": loss, "y_pred": None, "losses": losses}

    def _train_only(self, player):
        """Let autograd skip the weights of every other player (``None``: all train).

        Players may share weights (TimeGAN's embedder trains in two phases with two
        optimisers), so a weight trains if the player named owns it.
        """
        for parameter in self.module_.parameters():
            parameter.requires_grad_(player is None)
        if player is not None:
            for parameter in self._player_weights[player]:
                parameter.requires_grad_(True)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Like skorch's, but losses stay on the device until the epoch ends.

        skorch reads every batch's loss with ``.item()``, a host sync per batch on a
        GPU; here each player's mean loss is read once per epoch.
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
                f"{means[list(totals).index(bad[0])]}. Lower the learning rate, or use "
                "loss='wgan-gp', which is more stable."
            )
