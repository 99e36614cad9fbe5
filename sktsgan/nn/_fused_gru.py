"""A stacked GRU for the CPU: the layers advance as a wavefront, backward by hand.

At the sizes these models train at (a few dozen units, batches of a hundred) a CPU GRU
is bound by per-operation overhead, not arithmetic: ``nn.GRU`` runs each layer's cell
at each step as a dozen small ATen calls, and autograd records and replays every one
of them. Two changes cut the calls:

* **Wavefront.** Layer ``l`` at step ``t`` needs only layer ``l - 1`` at step ``t`` and
  layer ``l`` at step ``t - 1``, so at wavefront step ``k`` every layer ``l`` can take
  its step ``t = k - l`` together: one batched matrix product over the stacked layers.
  ``T + L - 1`` wavefront steps replace ``T * L`` cell steps.
* **Hand-written backward.** The forward records nothing; it keeps the gates, and the
  backward runs the same wavefront in reverse with a handful of element-wise products
  per step; their local derivatives are computed for all steps at once beforehand.
  Weight gradients are summed over all steps in one product at the end, and skipped
  for a network whose weights do not train in this update (a critic in the
  generator's update).

Element-wise work is arranged for the CPU's kernels: gates live in contiguous blocks,
and ``tanh`` is computed as ``2 sigmoid(2a) - 1``, which is several times faster there.
In inference (sampling) only one wave's buffers are kept, so memory does not grow with
the sequence length.

Each pass runs as one compiled call where numba can compile the kernels of
:mod:`sktsgan.nn._gru_kernels` (float32 and float64; about 6 s once per machine, then
cached), and as the wavefront of small ATen calls below otherwise, after one warning.
Setting the environment variable ``SKTSGAN_COMPILED_KERNELS=0`` before the first GRU
runs chooses the ATen path without a warning.

The weights are those of an ``nn.GRU`` (same names, same layout), so the module, its
state dict and its pickles stay standard; only the arithmetic path differs. The result
equals ``nn.GRU``'s to float rounding (tested, on both paths). No double backward: code
that needs it (the WGAN-GP penalty) turns the path off with :func:`native_recurrence`.
"""

from __future__ import annotations

import contextlib
import threading

import torch
from torch.autograd.function import once_differentiable

from ._compiled import arrays, compiled_kernels

_state = threading.local()


@contextlib.contextmanager
def native_recurrence():
    """Run every GRU through ``nn.GRU``'s own kernels inside this block.

    For code that differentiates twice (a gradient penalty), which the fused GRU's
    hand-written backward does not support.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import RecurrentNetwork, native_recurrence
    >>> net = RecurrentNetwork(2, 4, 1, num_layers=2, cell="gru")
    >>> x = torch.rand(3, 5, 2, requires_grad=True)
    >>> with native_recurrence():
    ...     (grad,) = torch.autograd.grad(net(x).sum(), x, create_graph=True)
    >>> grad.requires_grad
    True
    """
    previous = getattr(_state, "disabled", False)
    _state.disabled = True
    try:
        yield
    finally:
        _state.disabled = previous


def native_requested():
    """Whether this thread is inside :func:`native_recurrence`."""
    return getattr(_state, "disabled", False)


def use_fused_gru(rnn, x):
    """Whether ``rnn`` (an ``nn.GRU``) should run through :func:`fused_gru` on ``x``.

    Only where it pays and is exact: on the CPU, unidirectional, with biases, batch
    first, no dropout between layers; in training and in inference alike.
    """
    return (
        isinstance(rnn, torch.nn.GRU)
        and x.device.type == "cpu"
        and not native_requested()
        and not rnn.bidirectional
        and rnn.bias
        and rnn.batch_first
        and rnn.dropout == 0
        and x.dim() == 3
    )


def fused_gru(x, rnn):
    """Output of the last layer of ``rnn`` (an ``nn.GRU``) at every step, from zero state.

    Parameters
    ----------
    x : Tensor of shape (batch, time, input_size)
        Input series.
    rnn : torch.nn.GRU
        Batch-first, unidirectional, with biases.

    Returns
    -------
    Tensor of shape (batch, time, hidden_size)
        Equal to ``rnn(x)[0]``.

    Examples
    --------
    >>> import torch
    >>> from sktsgan.nn import fused_gru
    >>> rnn = torch.nn.GRU(3, 8, num_layers=2, batch_first=True)
    >>> x = torch.rand(4, 6, 3)
    >>> torch.allclose(fused_gru(x, rnn), rnn(x)[0], atol=1e-6)
    True
    """
    weights = []
    for layer in range(rnn.num_layers):
        weights += [getattr(rnn, f"{name}_l{layer}") for name in _WEIGHT_NAMES]
    kernels = compiled_kernels("gru", x.dtype) if x.numel() else None
    if not torch.is_grad_enabled():
        # nothing to keep for a backward: two waves of buffers instead of all of them
        if kernels is not None:
            return _compiled_inference(x, rnn.num_layers, weights, kernels)
        return _wavefront(x, rnn.num_layers, weights, keep=False)[0]
    if kernels is not None:
        return _CompiledGRU.apply(x, rnn.num_layers, kernels, *weights)
    return _FusedGRU.apply(x, rnn.num_layers, *weights)


_WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _wavefront(x, n_layers, weights, keep):
    """Run the stacked GRU as a wavefront; the output, and what a backward needs.

    With ``keep``, every wave's states, gates and ``W_hn h + b_hn`` are kept for the
    backward, laid out per layer ``(layer, wave, batch, ...)`` so that the weight
    gradients are one product over all waves; without, one wave's worth.
    """
    w_ih, w_hh, b_ih, b_hh = (weights[i::4] for i in range(4))
    batch, n_steps, _ = x.shape
    hidden = w_hh[0].shape[1]
    n_waves = n_steps + n_layers - 1
    kept = n_waves if keep else 1  # without keep: two states in turn, one set of gates

    # every layer's recurrent weights, and the upper layers' input weights, stacked
    # so that one batched product serves all layers at once
    w_hh_t = torch.stack(w_hh).transpose(1, 2)  # (L, H, 3H)
    b_hh_s = torch.stack(b_hh).unsqueeze(1)  # (L, 1, 3H)
    states = x.new_empty(n_layers, kept + 1, batch, hidden)
    states[:, 0] = 0.0
    # the gates in contiguous blocks: element-wise kernels run 2-3 times faster on
    # them than on slices of one (reset, update, candidate) buffer
    reset_update = x.new_empty(n_layers, kept, batch, 2 * hidden)
    candidates = x.new_empty(n_layers, kept, batch, hidden)
    hidden_new = x.new_empty(n_layers, kept, batch, hidden) if keep else None  # W_hn h + b_hn
    # the first layer's input projections for all steps at once, then each wave's
    # inputs of all layers in one buffer
    first = torch.addmm(b_ih[0], x.transpose(0, 1).reshape(-1, x.shape[2]), w_ih[0].t())
    first = first.view(n_steps, batch, 3 * hidden)
    inputs = x.new_empty(n_layers, batch, 3 * hidden)
    if n_layers > 1:
        w_up_t = torch.stack(w_ih[1:]).transpose(1, 2)
        b_up_s = torch.stack(b_ih[1:]).unsqueeze(1)
    output = None if keep else x.new_empty(n_steps, batch, hidden)

    for wave in range(n_waves):
        slot = wave if keep else 0
        source = wave if keep else wave % 2
        state = states[:, source]
        projected = torch.baddbmm(b_hh_s, state, w_hh_t)  # (L, B, 3H)
        if wave < n_steps:
            inputs[0] = first[wave]
        elif wave == n_steps:
            # the first layer's steps past the end: never used, but they must stay finite
            inputs[0] = 0.0
        if n_layers > 1:
            torch.baddbmm(b_up_s, state[:-1], w_up_t, out=inputs[1:])
        gate = reset_update[:, slot]
        torch.add(inputs[..., : 2 * hidden], projected[..., : 2 * hidden], out=gate).sigmoid_()
        reset, update = gate[..., :hidden], gate[..., hidden:]
        candidate = candidates[:, slot]
        if keep:
            hidden_new[:, slot] = projected[..., 2 * hidden :]
        torch.addcmul(
            inputs[..., 2 * hidden :], reset, projected[..., 2 * hidden :], out=candidate
        )
        # tanh(a) = 2 sigmoid(2a) - 1: four fast kernels beat torch's slow CPU tanh
        candidate.mul_(2.0).sigmoid_().mul_(2.0).sub_(1.0)
        new_state = states[:, source + 1 if keep else 1 - source]
        torch.lerp(candidate, state, update, out=new_state)  # h' = n + z (h - n)
        if wave < n_layers - 1:
            # layers above the wavefront have not started: their state stays zero
            new_state[wave + 1 :] = 0.0
        if not keep:
            step = wave - (n_layers - 1)
            if step >= 0:
                output[step] = new_state[-1]
    if keep:
        # the top layer's state after waves L - 1 ... L + T - 2 is its output at each step
        output = states[-1, n_layers:]
    return output.transpose(0, 1), (states, reset_update, candidates, hidden_new)


class _FusedGRU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, num_layers, *weights):
        output, saved = _wavefront(x, num_layers, weights, keep=True)
        ctx.n_layers = num_layers
        ctx.save_for_backward(x, *saved, *weights)
        return output

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, states, reset_update, candidate, hidden_new, *weights = ctx.saved_tensors
        n_layers = ctx.n_layers
        w_ih, w_hh = weights[0::4], weights[1::4]
        _, n_waves, batch, hidden = candidate.shape
        n_steps = x.shape[1]

        # h' = n + z (h - n), n = tanh(a_n + r * hn), r = sigmoid(.), z = sigmoid(.):
        # the local derivatives of every wave at once, in a few large operations
        reset, update = reset_update.split(hidden, dim=-1)
        sigmoid_slopes = reset_update * (1.0 - reset_update)
        before = states[:, :-1]
        d_update_d_new = (before - candidate).mul_(sigmoid_slopes[..., hidden:])
        d_candidate_d_new = (1.0 - update).mul_(1.0 - candidate * candidate)
        d_reset_d_candidate = sigmoid_slopes[..., :hidden].mul(hidden_new)

        # gradients of each wave's pre-activations, laid out [hn, r, z, n]: the first
        # three meet the recurrent weights (rows reordered to match), the last three
        # the input weights (rows as they are)
        grads = grad_output.new_empty(n_layers, n_waves, batch, 4 * hidden)
        d_hn, d_reset, d_update, d_candidate = grads.split(hidden, dim=-1)
        w_hh_s = torch.stack(w_hh)  # (L, 3H, H), rows r, z, n
        w_hh_nrz = torch.cat([w_hh_s[:, 2 * hidden :], w_hh_s[:, : 2 * hidden]], dim=1)
        w_up_s = torch.stack(w_ih[1:]) if n_layers > 1 else None
        grad_output = grad_output.transpose(0, 1)  # (T, B, H)

        carried = grad_output.new_zeros(n_layers, batch, hidden)  # into the states
        for wave in range(n_waves - 1, -1, -1):
            step = wave - (n_layers - 1)
            if step >= 0:  # the top layer's output at this step
                carried[-1] += grad_output[step]
            if wave < n_layers - 1:
                carried[wave + 1 :] = 0.0  # layers not started yet: constant state
            torch.mul(carried, d_candidate_d_new[:, wave], out=d_candidate[:, wave])
            torch.mul(carried, d_update_d_new[:, wave], out=d_update[:, wave])
            torch.mul(d_candidate[:, wave], d_reset_d_candidate[:, wave], out=d_reset[:, wave])
            torch.mul(d_candidate[:, wave], reset[:, wave], out=d_hn[:, wave])
            # into the states before this wave: the direct path, the recurrent
            # weights, and (for layers below the top) the layer above's input weights
            wave_grads = grads[:, wave]
            carried = torch.baddbmm(
                carried * update[:, wave], wave_grads[..., : 3 * hidden], w_hh_nrz
            )
            if n_layers > 1:
                carried[:-1].baddbmm_(wave_grads[1:, :, hidden:], w_up_s)

        by_layer = grads.view(n_layers, -1, 4 * hidden)  # (L, W*B, 4H)
        bottom = by_layer[0, : n_steps * batch, hidden:]  # (T*B, 3H): layer 0's real steps
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = bottom.mm(w_ih[0]).view(n_steps, batch, -1).transpose(0, 1)
        if not any(ctx.needs_input_grad[2:]):
            # a network that only passes gradients on (a discriminator in the
            # generator's update) needs none of the weight products below
            return (grad_x, None, *[None] * len(weights))

        # weight gradients: one product per kind over all waves and the batch
        flat_states = before.reshape(n_layers, -1, hidden)  # (L, W*B, H), a view
        recurrent_grads = by_layer[..., : 3 * hidden]
        grad_w_nrz = torch.bmm(recurrent_grads.transpose(1, 2), flat_states)
        grad_b_nrz = recurrent_grads.sum(dim=1)
        grad_w_hh = torch.cat([grad_w_nrz[:, hidden:], grad_w_nrz[:, :hidden]], dim=1)
        grad_b_hh = torch.cat([grad_b_nrz[:, hidden:], grad_b_nrz[:, :hidden]], dim=1)
        upper = by_layer[1:, :, hidden:]
        grads = _weight_gradients(x, bottom, upper, flat_states, grad_w_hh, grad_b_hh)
        return (grad_x, None, *grads)


def _weight_gradients(x, bottom, upper, states_before, grad_w_hh, grad_b_hh):
    """Every weight's gradient, in the order of ``nn.GRU``'s parameters.

    From the gradients of the input-side pre-activations (reset, update, candidate) of
    layer 0 at its real steps, ``bottom`` ``(T*B, 3H)``, and of the upper layers at every
    wave, ``upper`` ``(L-1, W*B, 3H)``; the states before every wave ``(L, W*B, H)``; and
    the recurrent side's gradients, already summed: one product per kind.
    """
    x_steps = x.transpose(0, 1).reshape(-1, x.shape[2])
    grad_w_ih = [bottom.t().mm(x_steps)]
    grad_b_ih = [bottom.sum(dim=0)]
    if len(grad_w_hh) > 1:
        grad_w_ih += torch.bmm(upper.transpose(1, 2), states_before[:-1]).unbind(0)
        grad_b_ih += upper.sum(dim=1).unbind(0)
    grads = []
    for layer in range(len(grad_w_hh)):
        grads += [grad_w_ih[layer], grad_w_hh[layer], grad_b_ih[layer], grad_b_hh[layer]]
    return grads


def _kernel_inputs(x, n_layers, weights):
    """The compiled kernels' weight arrays: the first layer's input projection at every
    step ``(T, B, 3H)``, then the recurrent and upper input weights transposed, stacked
    by layer, and their biases; all contiguous."""
    w_ih, w_hh, b_ih, b_hh = (weights[i::4] for i in range(4))
    batch, n_steps, n_in = x.shape
    hidden = w_hh[0].shape[1]
    first = torch.addmm(b_ih[0], x.transpose(0, 1).reshape(-1, n_in), w_ih[0].t())
    first = first.view(n_steps, batch, 3 * hidden)
    recurrent = torch.stack(w_hh).transpose(1, 2).contiguous()
    if n_layers > 1:
        upper = torch.stack(w_ih[1:]).transpose(1, 2).contiguous()
        upper_bias = torch.stack(b_ih[1:])
    else:
        upper = x.new_empty(0, hidden, 3 * hidden)
        upper_bias = x.new_empty(0, 3 * hidden)
    return first, recurrent, torch.stack(b_hh), upper, upper_bias


def _compiled_inference(x, n_layers, weights, kernels):
    batch, n_steps, _ = x.shape
    output = x.new_empty(n_steps, batch, weights[1].shape[1])
    kernels.infer(*arrays(*_kernel_inputs(x, n_layers, weights), output))
    return output.transpose(0, 1)


class _CompiledGRU(torch.autograd.Function):
    """The wavefront forward and backward as compiled calls (:mod:`._gru_kernels`).

    The compiled backward gives the gradients of every step's gate pre-activations;
    the input and weight gradients are then a few large products, as in
    :class:`_FusedGRU`, skipped for weights that do not train in this update.
    """

    @staticmethod
    def forward(ctx, x, n_layers, kernels, *weights):
        batch, n_steps, _ = x.shape
        hidden = weights[1].shape[1]
        n_waves = n_steps + n_layers - 1
        states = x.new_empty(n_layers, n_waves + 1, batch, hidden)
        gates = x.new_empty(n_layers, n_waves, batch, 2 * hidden)
        candidates = x.new_empty(n_layers, n_waves, batch, hidden)
        hidden_new = x.new_empty(n_layers, n_waves, batch, hidden)
        kernels.forward(
            *arrays(*_kernel_inputs(x, n_layers, weights), states, gates, candidates, hidden_new)
        )
        ctx.n_layers, ctx.kernels = n_layers, kernels
        ctx.save_for_backward(x, states, gates, candidates, hidden_new, *weights)
        # the top layer's state after waves L - 1 ... L + T - 2 is its output at each step
        return states[-1, n_layers:].transpose(0, 1)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, states, gates, candidates, hidden_new, *weights = ctx.saved_tensors
        n_layers = ctx.n_layers
        w_ih, w_hh = weights[0::4], weights[1::4]
        _, n_waves, batch, hidden = candidates.shape
        n_steps, n_in = x.shape[1], x.shape[2]
        grad_hh = x.new_empty(n_layers, n_waves, batch, 3 * hidden)
        grad_ih = x.new_empty(n_layers, n_waves, batch, 3 * hidden)
        upper = torch.stack(w_ih[1:]) if n_layers > 1 else x.new_empty(0, 3 * hidden, hidden)
        ctx.kernels.backward(
            *arrays(
                grad_output.transpose(0, 1).contiguous(),
                states,
                gates,
                candidates,
                hidden_new,
                torch.stack(w_hh),
                upper,
                grad_hh,
                grad_ih,
            )
        )
        bottom = grad_ih[0, :n_steps].view(-1, 3 * hidden)  # layer 0's real steps
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = bottom.mm(w_ih[0]).view(n_steps, batch, n_in).transpose(0, 1)
        if not any(ctx.needs_input_grad[3:]):
            # a network that only passes gradients on needs no weight products
            return (grad_x, None, None, *[None] * len(weights))

        # weight gradients: one product per kind over all waves and the batch
        before = states[:, :-1].reshape(n_layers, -1, hidden)  # (L, W*B, H)
        grad_hh = grad_hh.view(n_layers, -1, 3 * hidden)
        grad_ih = grad_ih.view(n_layers, -1, 3 * hidden)
        grad_w_hh = torch.bmm(grad_hh.transpose(1, 2), before)
        grads = _weight_gradients(x, bottom, grad_ih[1:], before, grad_w_hh, grad_hh.sum(dim=1))
        return (grad_x, None, None, *grads)
