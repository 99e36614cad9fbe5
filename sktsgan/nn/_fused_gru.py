"""A stacked GRU for CPU training: the layers advance as a wavefront, backward by hand.

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
  per step. Weight gradients are summed over all steps in one product at the end.

The weights are those of an ``nn.GRU`` (same names, same layout), so the module, its
state dict and its pickles stay standard; only the arithmetic path differs. The result
equals ``nn.GRU``'s to float rounding (tested). No double backward: code that needs it
(the WGAN-GP penalty) turns the path off with :func:`native_recurrence`.
"""

from __future__ import annotations

import contextlib
import threading

import torch
from torch.autograd.function import once_differentiable

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


def use_fused_gru(rnn, x):
    """Whether ``rnn`` (an ``nn.GRU``) should run through :func:`fused_gru` on ``x``.

    Only where it pays and is exact: training (gradients on) on the CPU, unidirectional,
    with biases, batch first, no dropout between layers.
    """
    return (
        isinstance(rnn, torch.nn.GRU)
        and x.device.type == "cpu"
        and torch.is_grad_enabled()
        and not getattr(_state, "disabled", False)
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
    return _FusedGRU.apply(x, rnn.num_layers, *weights)


_WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


class _FusedGRU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, num_layers, *weights):
        w_ih, w_hh, b_ih, b_hh = (weights[i::4] for i in range(4))
        n_layers = num_layers
        batch, n_steps, _ = x.shape
        hidden = w_hh[0].shape[1]
        n_waves = n_steps + n_layers - 1

        # every layer's recurrent weights, and the upper layers' input weights, stacked
        # so that one batched product serves all layers at once
        w_hh_t = torch.stack(w_hh).transpose(1, 2)  # (L, H, 3H)
        b_hh_s = torch.stack(b_hh).unsqueeze(1)  # (L, 1, 3H)
        # what the backward needs, written wave by wave into buffers laid out per
        # layer, so that the weight gradients are one product over all steps
        states = x.new_zeros(n_layers, n_waves + 1, batch, hidden)
        gates = x.new_empty(n_layers, n_waves, batch, 3 * hidden)  # reset, update, cand.
        hidden_new = x.new_empty(n_layers, n_waves, batch, hidden)
        # all layers' input projections at a wave, the first layer's for all steps at once
        inputs = x.new_zeros(n_waves, n_layers, batch, 3 * hidden)
        inputs[:n_steps, 0] = torch.addmm(
            b_ih[0], x.transpose(0, 1).reshape(-1, x.shape[2]), w_ih[0].t()
        ).view(n_steps, batch, -1)
        if n_layers > 1:
            w_up_t = torch.stack(w_ih[1:]).transpose(1, 2)
            b_up_s = torch.stack(b_ih[1:]).unsqueeze(1)

        for wave in range(n_waves):
            state = states[:, wave]
            projected = torch.baddbmm(b_hh_s, state, w_hh_t)  # (L, B, 3H)
            wave_inputs = inputs[wave]
            if n_layers > 1:
                torch.baddbmm(b_up_s, state[:-1], w_up_t, out=wave_inputs[1:])
            gate = gates[:, wave]
            torch.add(
                wave_inputs[..., : 2 * hidden],
                projected[..., : 2 * hidden],
                out=gate[..., : 2 * hidden],
            ).sigmoid_()
            reset, update = gate[..., :hidden], gate[..., hidden : 2 * hidden]
            candidate = gate[..., 2 * hidden :]
            hidden_new[:, wave] = projected[..., 2 * hidden :]
            torch.addcmul(
                wave_inputs[..., 2 * hidden :],
                reset,
                projected[..., 2 * hidden :],
                out=candidate,
            ).tanh_()
            new_state = states[:, wave + 1]
            torch.addcmul(candidate, update, state - candidate, out=new_state)
            if wave < n_layers - 1:
                # layers above the wavefront have not started: their state stays zero
                new_state[wave + 1 :] = 0.0

        ctx.n_layers = n_layers
        ctx.save_for_backward(x, states, gates, hidden_new, *weights)
        # the top layer's state after waves L - 1 ... L + T - 2 is its output at each step
        return states[-1, n_layers:].transpose(0, 1)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, states, gates, hidden_new, *weights = ctx.saved_tensors
        n_layers = ctx.n_layers
        w_ih, w_hh = weights[0::4], weights[1::4]
        _, n_waves, batch, three_hidden = gates.shape
        hidden = three_hidden // 3
        n_steps = x.shape[1]

        w_hh_s = torch.stack(w_hh)  # (L, 3H, H)
        w_up_s = torch.stack(w_ih[1:]) if n_layers > 1 else None
        grad_output = grad_output.transpose(0, 1)  # (T, B, H)
        # gradients of each wave's pre-activations: of the input projections (reset,
        # update, candidate) and of the recurrent projection's candidate part
        grad_inputs = grad_output.new_empty(n_layers, n_waves, batch, three_hidden)
        grad_hidden_new = grad_output.new_empty(n_layers, n_waves, batch, hidden)

        carried = grad_output.new_zeros(n_layers, batch, hidden)  # into the states
        for wave in range(n_waves - 1, -1, -1):
            step = wave - (n_layers - 1)
            if step >= 0:  # the top layer's output at this step
                carried[-1] += grad_output[step]
            if wave < n_layers - 1:
                carried[wave + 1 :] = 0.0  # layers not started yet: constant state
            gate = gates[:, wave]
            reset, update = gate[..., :hidden], gate[..., hidden : 2 * hidden]
            candidate = gate[..., 2 * hidden :]
            grads = grad_inputs[:, wave]
            d_reset, d_update = grads[..., :hidden], grads[..., hidden : 2 * hidden]
            d_candidate = grads[..., 2 * hidden :]
            # h' = n + z (h - n), n = tanh(a_n + r * hn), r = sigmoid(.), z = sigmoid(.)
            torch.mul(carried * (1.0 - update), 1.0 - candidate * candidate, out=d_candidate)
            torch.mul(d_candidate * hidden_new[:, wave], reset * (1.0 - reset), out=d_reset)
            torch.mul(
                carried * (states[:, wave] - candidate), update * (1.0 - update), out=d_update
            )
            d_hidden_new = grad_hidden_new[:, wave]
            torch.mul(d_candidate, reset, out=d_hidden_new)
            # into the states before this wave: the direct path, the recurrent
            # weights, and (for layers below the top) the layer above's input weights
            carried = torch.baddbmm(
                carried * update, grads[..., : 2 * hidden], w_hh_s[:, : 2 * hidden]
            )
            carried.baddbmm_(d_hidden_new, w_hh_s[:, 2 * hidden :])
            if n_layers > 1:
                carried[:-1].baddbmm_(grads[1:], w_up_s)

        flat_states = states[:, :-1].reshape(n_layers, -1, hidden)  # (L, W*B, H)
        flat_inputs = grad_inputs.view(n_layers, -1, three_hidden)
        flat_hidden_new = grad_hidden_new.view(n_layers, -1, hidden)
        grad_w_hh = torch.cat(
            [
                torch.bmm(flat_inputs[..., : 2 * hidden].transpose(1, 2), flat_states),
                torch.bmm(flat_hidden_new.transpose(1, 2), flat_states),
            ],
            dim=1,
        )
        grad_b_hh = torch.cat(
            [flat_inputs[..., : 2 * hidden].sum(dim=1), flat_hidden_new.sum(dim=1)], dim=1
        )
        bottom = grad_inputs[0, :n_steps]  # (T, B, 3H): the first layer's real steps
        x_steps = x.transpose(0, 1).reshape(-1, x.shape[2])
        grad_w = [bottom.reshape(-1, three_hidden).t().mm(x_steps)]
        grad_b = [bottom.sum(dim=(0, 1))]
        if n_layers > 1:
            grad_w += torch.bmm(flat_inputs[1:].transpose(1, 2), flat_states[:-1]).unbind(0)
            grad_b += flat_inputs[1:].sum(dim=1).unbind(0)
        grads = []
        for layer in range(n_layers):
            grads += [grad_w[layer], grad_w_hh[layer], grad_b[layer], grad_b_hh[layer]]
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.matmul(bottom, w_ih[0]).transpose(0, 1)
        return (grad_x, None, *grads)
