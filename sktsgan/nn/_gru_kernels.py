"""Compiled wavefront steps of a stacked GRU: forward, inference and backward (numba).

:mod:`sktsgan.nn._fused_gru` runs a stacked GRU as a wavefront from Python: at each
wavefront step a dozen small ATen calls, each a few microseconds of dispatch at the
sizes these models train at. Here each whole pass (every step of every layer) is one
compiled call: the matrix products go to BLAS through ``np.dot`` and the gate
arithmetic runs in loops that the compiler vectorises. That halves the time of a
3-layer GRU's forward and backward at the canonical sizes (see docs/benchmarks.md).

The functions work on NumPy views of torch tensors (no copies) and release Python's
interpreter lock, so sampling threads run them in parallel. They are compiled per
dtype on first use (:func:`warm_up`), once per machine: ``cache=True`` keeps the machine
code beside this file (or in numba's user-wide cache where this folder is read-only),
and later processes load it in a fraction of a second.

Layout (``L`` layers, ``W = T + L - 1`` wavefront steps, batch ``B``, ``H`` units):
layer ``l`` takes its step ``t = w - l`` at wavefront step ``w``, reading its own state
and the state of layer ``l - 1`` after step ``w - 1``. ``states[l, w]`` is layer ``l``'s
state before step ``w``; a layer that has not started, or has finished, keeps a zero
state and zero gradients. Gate rows are ordered reset, update, candidate, as in
``nn.GRU``.
"""

import numpy as np
from numba import njit

from ._kernel_math import OPTIONS as _OPTIONS
from ._kernel_math import sigmoid as _sigmoid


@njit(**_OPTIONS)
def _cell(inputs, projected, bias_hh, before, after, gates, candidates, hidden_new, keep):
    """One GRU step for a batch: ``after`` from ``before``; with ``keep``, its gates."""
    batch, hidden = before.shape
    one = before.dtype.type(1.0)
    two = before.dtype.type(2.0)
    for b in range(batch):
        for j in range(hidden):
            reset = _sigmoid(inputs[b, j] + projected[b, j] + bias_hh[j])
            update = _sigmoid(
                inputs[b, hidden + j] + projected[b, hidden + j] + bias_hh[hidden + j]
            )
            new = projected[b, 2 * hidden + j] + bias_hh[2 * hidden + j]
            # tanh(a) = 2 sigmoid(2a) - 1, so that the one vectorised exp serves
            candidate = two * _sigmoid(two * (inputs[b, 2 * hidden + j] + reset * new)) - one
            after[b, j] = candidate + update * (before[b, j] - candidate)
            if keep:
                gates[b, j] = reset
                gates[b, hidden + j] = update
                candidates[b, j] = candidate
                hidden_new[b, j] = new


@njit(**_OPTIONS)
def _project(first, w_hh_t, w_up_t, b_up, own, below, layer, step, projected, inputs):
    """One layer's step: its recurrent projection (of its state ``own``) into
    ``projected``; returns its input projection: the first layer's precomputed one, or
    the layer below's state ``below`` times the upper input weights, into ``inputs``."""
    np.dot(own, w_hh_t[layer], projected)
    if layer == 0:
        return first[step]
    np.dot(below, w_up_t[layer - 1], inputs)
    inputs += b_up[layer - 1]
    return inputs


@njit(**_OPTIONS)
def forward(first, w_hh_t, b_hh, w_up_t, b_up, states, gates, candidates, hidden_new):
    """Every wavefront step, keeping what the backward needs.

    ``first`` is the first layer's input projection (with its bias) at every step;
    ``w_hh_t`` and ``w_up_t`` the recurrent and upper input weights, transposed. Writes
    ``states`` (L, W + 1, B, H), ``gates`` (L, W, B, 2H: reset, update),
    ``candidates`` and ``hidden_new`` (L, W, B, H; the latter ``W_hn h + b_hn``).
    """
    n_steps, batch, width = first.shape
    n_layers = w_hh_t.shape[0]
    projected = np.empty((batch, width), first.dtype)
    inputs = np.empty((batch, width), first.dtype)
    states[:, 0] = 0.0
    for wave in range(n_steps + n_layers - 1):
        for layer in range(n_layers):
            step = wave - layer
            if step < 0 or step >= n_steps:
                states[layer, wave + 1] = 0.0
                continue
            own, below = states[layer, wave], states[max(layer - 1, 0), wave]
            layer_inputs = _project(
                first, w_hh_t, w_up_t, b_up, own, below, layer, step, projected, inputs
            )
            _cell(
                layer_inputs,
                projected,
                b_hh[layer],
                states[layer, wave],
                states[layer, wave + 1],
                gates[layer, wave],
                candidates[layer, wave],
                hidden_new[layer, wave],
                True,
            )


@njit(**_OPTIONS)
def infer(first, w_hh_t, b_hh, w_up_t, b_up, output):
    """Every wavefront step, keeping two waves of states: the top layer into ``output``.

    ``output`` is (T, B, H). Memory does not grow with the number of steps.
    """
    n_steps, batch, width = first.shape
    n_layers, hidden = w_hh_t.shape[0], w_hh_t.shape[1]
    projected = np.empty((batch, width), first.dtype)
    inputs = np.empty((batch, width), first.dtype)
    states = np.zeros((2, n_layers, batch, hidden), first.dtype)
    unused = np.empty((1, 1), first.dtype)
    for wave in range(n_steps + n_layers - 1):
        before, after = states[wave % 2], states[1 - wave % 2]
        for layer in range(n_layers):
            step = wave - layer
            if step < 0 or step >= n_steps:
                continue
            own, below = before[layer], before[max(layer - 1, 0)]
            layer_inputs = _project(
                first, w_hh_t, w_up_t, b_up, own, below, layer, step, projected, inputs
            )
            _cell(
                layer_inputs,
                projected,
                b_hh[layer],
                before[layer],
                after[layer],
                unused,
                unused,
                unused,
                False,
            )
        step = wave - (n_layers - 1)
        if step >= 0:
            output[step] = after[n_layers - 1]


@njit(**_OPTIONS)
def backward(grad_output, states, gates, candidates, hidden_new, w_hh, w_up, grad_hh, grad_ih):
    """The wavefront in reverse: gradients of every step's pre-activations.

    Writes ``grad_hh`` (the recurrent side, ``W_h h + b_h``: reset, update, new) and
    ``grad_ih`` (the input side, ``W_i x + b_i``: reset, update, candidate), from which
    the caller forms the input and weight gradients in a few large products.
    """
    n_layers, n_waves, batch, hidden = candidates.shape
    n_steps = grad_output.shape[0]
    one = grad_output.dtype.type(1.0)
    carried = np.zeros((n_layers, batch, hidden), grad_output.dtype)  # into states after
    below = np.empty((n_layers, batch, hidden), grad_output.dtype)  # into states before
    product = np.empty((batch, hidden), grad_output.dtype)
    d_reset_row, d_update_row, d_candidate_row, d_new_row, d_direct_row = np.empty(
        (5, hidden), grad_output.dtype
    )
    for wave in range(n_waves - 1, -1, -1):
        top_step = wave - (n_layers - 1)
        if top_step >= 0:
            carried[n_layers - 1] += grad_output[top_step]
        below[:] = 0.0
        for layer in range(n_layers):
            step = wave - layer
            if step < 0 or step >= n_steps:
                grad_hh[layer, wave] = 0.0
                grad_ih[layer, wave] = 0.0
                continue
            d_hh, d_ih = grad_hh[layer, wave], grad_ih[layer, wave]
            d_state, d_before = carried[layer], below[layer]
            gate, candidate = gates[layer, wave], candidates[layer, wave]
            new, before = hidden_new[layer, wave], states[layer, wave]
            # one row at a time: the gate derivatives into five contiguous scratch rows
            # (few enough arrays for the compiler to vectorise the loop), then copied
            # to where the products read them
            for b in range(batch):
                d_row, gate_row, cand_row = d_state[b], gate[b], candidate[b]
                new_row, before_row = new[b], before[b]
                for j in range(hidden):
                    # h' = n + z (h - n), n = tanh(a_n + r * new), r and z sigmoids
                    grad = d_row[j]
                    reset, update = gate_row[j], gate_row[hidden + j]
                    cand = cand_row[j]
                    d_candidate = grad * (one - update) * (one - cand * cand)
                    d_reset_row[j] = d_candidate * new_row[j] * reset * (one - reset)
                    d_update_row[j] = grad * (before_row[j] - cand) * update * (one - update)
                    d_candidate_row[j] = d_candidate
                    d_new_row[j] = d_candidate * reset
                    d_direct_row[j] = grad * update
                ih_row, hh_row, before_grad = d_ih[b], d_hh[b], d_before[b]
                for j in range(hidden):
                    ih_row[j] = hh_row[j] = d_reset_row[j]
                for j in range(hidden):
                    ih_row[hidden + j] = hh_row[hidden + j] = d_update_row[j]
                for j in range(hidden):
                    ih_row[2 * hidden + j] = d_candidate_row[j]
                    hh_row[2 * hidden + j] = d_new_row[j]
                for j in range(hidden):
                    before_grad[j] += d_direct_row[j]
            np.dot(d_hh, w_hh[layer], product)
            d_before += product
            if layer > 0:
                np.dot(d_ih, w_up[layer - 1], product)
                below[layer - 1] += product
        carried, below = below, carried


def warm_up(dtype):
    """Compile (or load from the cache) the three kernels for ``dtype`` arrays.

    Runs each on a 2-layer, 2-step, 1-unit problem; the kernels are specialised on
    the dtype and the arrays' dimensions only, so any size reuses this compilation.

    Parameters
    ----------
    dtype : {numpy.float32, numpy.float64}
    """
    n_layers, n_steps, batch, hidden = 2, 2, 1, 1
    n_waves = n_steps + n_layers - 1

    def zeros(*shape):
        return np.zeros(shape, dtype)

    weights = (
        zeros(n_steps, batch, 3 * hidden),
        zeros(n_layers, hidden, 3 * hidden),
        zeros(n_layers, 3 * hidden),
        zeros(n_layers - 1, hidden, 3 * hidden),
        zeros(n_layers - 1, 3 * hidden),
    )
    kept = (
        zeros(n_layers, n_waves + 1, batch, hidden),
        zeros(n_layers, n_waves, batch, 2 * hidden),
        zeros(n_layers, n_waves, batch, hidden),
        zeros(n_layers, n_waves, batch, hidden),
    )
    forward(*weights, *kept)
    infer(*weights, zeros(n_steps, batch, hidden))
    backward(
        zeros(n_steps, batch, hidden),
        *kept,
        zeros(n_layers, 3 * hidden, hidden),
        zeros(n_layers - 1, 3 * hidden, hidden),
        zeros(n_layers, n_waves, batch, 3 * hidden),
        zeros(n_layers, n_waves, batch, 3 * hidden),
    )
