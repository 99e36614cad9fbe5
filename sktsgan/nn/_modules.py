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

    def forward(self, x):
        return self.activation(self.readout(self.features(x)))

    def features(self, x):
        """The last recurrent layer's output at every step, before the read-out.

        Shape ``(batch, time, hidden_size)``, twice that when bidirectional. A GRU
        on the CPU runs through :func:`sktsgan.nn.fused_gru` (same weights,
        same result, fewer and larger operations).
        """
        if use_fused_gru(self.rnn, x):
            return fused_gru(x, self.rnn)
        hidden, _ = self.rnn(x)
        return hidden


def with_condition(x, condition):
    """Join a per-series condition ``(batch, n_cond)`` to ``x``: to every step of series
    ``(batch, steps, n)``, or to rows ``(batch, n)``.

    Returns ``x`` unchanged when ``condition`` is None.

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
        return self.layers(x)


def softmax_blocks(x, blocks):
    """Softmax over every ``("softmax", width)`` block of the last axis; others unchanged.

    ``blocks`` cuts the last axis of ``x`` into ``(kind, width)`` pieces in order, as
    :attr:`sktsgan.preprocessing.TabularEncoder.output_blocks_` does: one softmax block
    per categorical column, so each column's outputs are the probabilities of its levels.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import softmax_blocks
    >>> softmax_blocks(torch.tensor([[3.0, 0.0, 0.0]]), (("numeric", 1), ("softmax", 2)))
    tensor([[3.0000, 0.5000, 0.5000]])
    """
    if all(kind != "softmax" for kind, _ in blocks):
        return x
    pieces = torch.split(x, [width for _, width in blocks], dim=-1)
    return torch.cat(
        [p.softmax(dim=-1) if kind == "softmax" else p for p, (kind, _) in zip(pieces, blocks)],
        dim=-1,
    )


class RowGenerator(nn.Module):
    """Base of the tabular samplers' networks: ``generate(n, condition)`` makes rows.

    A subclass sets ``blocks`` (the encoding's ``(kind, width)`` blocks) and defines
    ``generate(n, condition=None)``, rows ``(n, width)`` with each categorical block a
    vector of probabilities. :meth:`diversity_pair` lets the engine's collapse check
    compare generated with real rows.
    """

    def diversity_pair(self, batch):
        """Real and generated rows as ``(batch, width, 1)``, and the values to compare.

        Only numeric values count when there are any: a categorical block is one-hot in
        real rows but probabilities in generated ones, whose spread says little.
        """
        real, mask = batch["x"], batch.get("mask")
        fake = self.generate(len(real), batch.get("condition"))
        numeric = torch.cat(
            [torch.full((width,), float(kind == "numeric")) for kind, width in self.blocks]
        ).to(real.device)
        if bool(numeric.any()):
            mask = numeric.expand_as(real) if mask is None else mask * numeric
        return real.unsqueeze(2), fake.unsqueeze(2), mask
