"""Torch building blocks.

Recurrent networks take and give ``(batch, time, features)``; the dense networks of the
tabular samplers take and give ``(batch, features)``.
"""

from __future__ import annotations

import torch
from torch import nn

from ._fused_gru import fused_gru, use_fused_gru

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
_ACTIVATIONS = {None: nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class RecurrentNetwork(nn.Module):
    """A fused stack of LSTM or GRU layers with a linear read-out at every step.

    Parameters
    ----------
    input_size : int
        Features per input step.
    hidden_size : int
        Units per recurrent layer.
    output_size : int
        Features per output step.
    num_layers : int, default=1
        Stacked recurrent layers.
    cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell.
    bidirectional : bool, default=False
        Read the sequence both ways; the read-out sees both directions.
    output_activation : {None, "sigmoid", "tanh"}, default=None
        Activation after the read-out.
    output_blocks : sequence of (str, int), default=None
        ``(kind, width)`` pieces of the output (see :func:`softmax_blocks`): each
        ``"softmax"`` block gets a softmax instead of ``output_activation`` (the
        probabilities of a categorical channel's levels). None: every output gets
        ``output_activation``.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import RecurrentNetwork
    >>> net = RecurrentNetwork(3, 8, 2, num_layers=2, cell="gru")
    >>> net(torch.zeros(4, 10, 3)).shape
    torch.Size([4, 10, 2])
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        output_size,
        *,
        num_layers=1,
        cell="lstm",
        bidirectional=False,
        output_activation=None,
        output_blocks=None,
    ):
        super().__init__()
        self.rnn = _CELLS[cell](
            input_size,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bidirectional,
        )
        self.readout = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
        self.activation = _ACTIVATIONS[output_activation]()
        if output_blocks is not None and any(kind == "softmax" for kind, _ in output_blocks):
            self.activation = _BlockActivation(output_blocks, self.activation)

    def forward(self, x):
        """Read out every step of the last recurrent layer.

        Parameters
        ----------
        x : Tensor of shape (batch, time, input_size)
            Input series.

        Returns
        -------
        Tensor of shape (batch, time, output_size)
            The read-out, after ``output_activation``.
        """
        return self.activation(self.readout(self.features(x)))

    def features(self, x):
        """The last recurrent layer's output at every step, before the read-out.

        A GRU on the CPU runs through :func:`sktsgan.nn.fused_gru` (same weights,
        same result, fewer and larger operations).

        Parameters
        ----------
        x : Tensor of shape (batch, time, input_size)
            Input series.

        Returns
        -------
        Tensor of shape (batch, time, hidden_size)
            Twice ``hidden_size`` wide when bidirectional.
        """
        if use_fused_gru(self.rnn, x):
            return fused_gru(x, self.rnn)
        hidden, _ = self.rnn(x)
        return hidden


def with_condition(x, condition):
    """Join a per-series condition to every step of series, or to rows.

    Parameters
    ----------
    x : Tensor of shape (batch, steps, n) or (batch, n)
        Series or rows.
    condition : Tensor of shape (batch, n_cond) or None
        One condition vector per series or row.

    Returns
    -------
    Tensor of shape (batch, steps, n + n_cond) or (batch, n + n_cond)
        ``condition`` appended to the last axis of ``x``; ``x`` itself when
        ``condition`` is None.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import with_condition
    >>> with_condition(torch.zeros(2, 5, 3), torch.ones(2, 4)).shape
    torch.Size([2, 5, 7])
    >>> with_condition(torch.zeros(2, 3), torch.ones(2, 4)).shape
    torch.Size([2, 7])
    """
    if condition is None:
        return x
    if x.dim() == 2:
        return torch.cat([x, condition], dim=1)
    steps = condition.unsqueeze(1).expand(-1, x.shape[1], -1)
    return torch.cat([x, steps], dim=2)


class DenseNetwork(nn.Module):
    """A multilayer perceptron: ``num_layers`` hidden layers of ``hidden_size`` units.

    Parameters
    ----------
    input_size : int
        Input features.
    hidden_size : int
        Units per hidden layer.
    output_size : int
        Outputs (no activation: see :func:`softmax_blocks`).
    num_layers : int, default=2
        Hidden layers, each a linear map and a leaky ReLU; 0 gives one linear map.
    dropout : float, default=0.0
        Dropout after every hidden layer.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import DenseNetwork
    >>> DenseNetwork(5, 16, 3)(torch.zeros(4, 5)).shape
    torch.Size([4, 3])
    """

    def __init__(self, input_size, hidden_size, output_size, *, num_layers=2, dropout=0.0):
        super().__init__()
        layers, width = [], input_size
        for _ in range(num_layers):
            layers += [nn.Linear(width, hidden_size), nn.LeakyReLU(0.2)]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = hidden_size
        layers.append(nn.Linear(width, output_size))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        """Map rows through the hidden layers.

        Parameters
        ----------
        x : Tensor of shape (batch, input_size)
            Input rows.

        Returns
        -------
        Tensor of shape (batch, output_size)
            The last linear layer's output.
        """
        return self.layers(x)


def softmax_blocks(x, blocks, numeric=None):
    """Softmax over every ``("softmax", width)`` block of the last axis; others unchanged
    (or passed through ``numeric``).

    ``blocks`` cuts the last axis of ``x`` into ``(kind, width)`` pieces in order, as
    :attr:`sktsgan.preprocessing.TabularEncoder.output_blocks_` does: one softmax block
    per categorical column, so each column's outputs are the probabilities of its levels.

    Parameters
    ----------
    x : Tensor of shape (..., width)
        Raw outputs.
    blocks : sequence of (str, int)
        ``(kind, width)`` pieces of the last axis in order, widths summing to
        ``width``; ``kind`` ``"softmax"`` marks a block to normalise.
    numeric : callable, default=None
        Applied to the other blocks (an output activation); None leaves them as they are.

    Returns
    -------
    Tensor of shape (..., width)
        ``x`` with a softmax applied within each softmax block.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import softmax_blocks
    >>> softmax_blocks(torch.tensor([[3.0, 0.0, 0.0]]), (("numeric", 1), ("softmax", 2)))
    tensor([[3.0000, 0.5000, 0.5000]])
    """
    numeric = numeric or (lambda p: p)
    if all(kind != "softmax" for kind, _ in blocks):
        return numeric(x)
    pieces = torch.split(x, [width for _, width in blocks], dim=-1)
    return torch.cat(
        [
            p.softmax(dim=-1) if kind == "softmax" else numeric(p)
            for p, (kind, _) in zip(pieces, blocks)
        ],
        dim=-1,
    )


def draw_blocks(x, blocks, uniform):
    """One level per softmax block, drawn from its probabilities, with their gradient.

    The forward value of each ``("softmax", width)`` block of ``x`` becomes the one-hot
    vector of a level drawn from the block's probabilities (the Gumbel-max trick on
    ``uniform``); the backward pass takes the gradient of the probabilities themselves
    (the straight-through estimator of Bengio et al., 2013, as in the straight-through
    Gumbel-softmax of Jang et al., 2017). A discriminator that compares generated
    categorical channels with real one-hot ones then sees one-hot vectors on both sides
    and cannot tell them apart by how soft they are. Other blocks are unchanged.

    Parameters
    ----------
    x : Tensor of shape (..., width)
        Outputs whose softmax blocks hold probabilities (see :func:`softmax_blocks`).
    blocks : sequence of (str, int)
        ``(kind, width)`` pieces of the last axis in order.
    uniform : Tensor of shape (..., n_softmax)
        Uniform draws in (0, 1), one per output of the softmax blocks taken together
        (``n_softmax`` is the sum of their widths).

    Returns
    -------
    Tensor of shape (..., width)
        ``x`` with each softmax block one-hot in value.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import draw_blocks
    >>> probabilities = torch.tensor([[0.5, 0.9, 0.1]], requires_grad=True)
    >>> drawn = draw_blocks(probabilities, (("numeric", 1), ("softmax", 2)),
    ...                     torch.tensor([[0.5, 0.5]]))
    >>> drawn.detach()
    tensor([[0.5000, 1.0000, 0.0000]])
    """
    # not torch.nn.functional.gumbel_softmax: it draws its own noise from the global
    # generator, where sampling draws every random input up front (draw_noise) so that
    # chunks computed in parallel give the same series as one at a time
    pieces = torch.split(x, [width for _, width in blocks], dim=-1)
    draws = iter(torch.split(uniform, [w for kind, w in blocks if kind == "softmax"], dim=-1))
    out = []
    for p, (kind, _) in zip(pieces, blocks):
        if kind == "softmax":
            # Gumbel-max: the argmax of log p + Gumbel noise is a draw from p
            gumbel = -torch.log(-torch.log(next(draws).clamp(1e-12, 1 - 1e-7)))
            level = (p.clamp_min(1e-12).log() + gumbel).argmax(dim=-1)
            one_hot = nn.functional.one_hot(level, p.shape[-1]).to(p.dtype)
            p = one_hot + p - p.detach()
        out.append(p)
    return torch.cat(out, dim=-1)


def softmax_width(blocks):
    """The number of outputs in the softmax blocks of ``blocks`` (0 for None)."""
    return sum(width for kind, width in blocks or () if kind == "softmax")


class _BlockActivation(nn.Module):
    """``activation`` on the numeric blocks of the last axis, softmax on the others."""

    def __init__(self, blocks, activation):
        super().__init__()
        self.blocks = tuple(blocks)
        self.activation = activation

    def forward(self, x):
        return softmax_blocks(x, self.blocks, numeric=self.activation)


class RowGenerator(nn.Module):
    """Base of the tabular samplers' networks: ``generate(n, condition)`` makes rows.

    A subclass sets ``blocks`` (the encoding's ``(kind, width)`` blocks) and defines
    ``generate(n, condition=None)``, rows ``(n, width)`` with each categorical block a
    vector of probabilities. :meth:`diversity_pair` lets the engine's collapse check
    compare generated with real rows.

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`torch.nn.Module`, which takes none; a subclass defines its
        own constructor.
    """

    def diversity_pair(self, batch):
        """Real and generated rows as ``(batch, width, 1)``, and the values to compare.

        Only numeric values count when there are any: a categorical block is one-hot in
        real rows but probabilities in generated ones, whose spread says little.

        Parameters
        ----------
        batch : dict of Tensor
            A training batch: rows ``"x"`` ``(batch, width)``, and optionally
            ``"mask"`` ``(batch, width)`` and ``"condition"`` ``(batch, n_classes)``.

        Returns
        -------
        real, fake : Tensor of shape (batch, width, 1)
            The batch's rows and as many generated ones, for the same conditions.
        mask : Tensor of shape (batch, width) or None
            1 on the values to compare: the numeric ones (where the batch's mask, if
            any, is 1), else those the batch's mask allows; None compares all.
        """
        real, mask = batch["x"], batch.get("mask")
        fake = self.generate(len(real), batch.get("condition"))
        numeric = torch.cat(
            [torch.full((width,), float(kind == "numeric")) for kind, width in self.blocks]
        ).to(real.device)
        if bool(numeric.any()):
            mask = numeric.expand_as(real) if mask is None else mask * numeric
        return real.unsqueeze(2), fake.unsqueeze(2), mask
