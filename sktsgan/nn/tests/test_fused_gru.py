"""The fused CPU GRU must equal nn.GRU, values and gradients, and step aside where it can't."""

import pytest
import torch

from sktsgan.nn import RecurrentNetwork, fused_gru, gradient_penalty, native_recurrence
from sktsgan.nn._fused_gru import _FusedGRU, use_fused_gru


@pytest.mark.parametrize("num_layers", [1, 2, 3, 4])
@pytest.mark.parametrize(("n_in", "hidden", "n_steps"), [(5, 24, 24), (3, 7, 1), (6, 4, 3)])
def test_values_and_gradients_equal_nn_gru(num_layers, n_in, hidden, n_steps):
    torch.manual_seed(num_layers)
    rnn = torch.nn.GRU(n_in, hidden, num_layers, batch_first=True).double()
    x = torch.randn(9, n_steps, n_in, dtype=torch.double, requires_grad=True)
    expected = rnn(x)[0]
    got = fused_gru(x, rnn)
    torch.testing.assert_close(got, expected)

    weight = torch.randn_like(expected)  # a loss that weighs every output differently
    inputs = [x, *rnn.parameters()]
    expected_grads = torch.autograd.grad((expected * weight).sum(), inputs)
    got_grads = torch.autograd.grad((got * weight).sum(), inputs)
    for name, e, g in zip(["x", *dict(rnn.named_parameters())], expected_grads, got_grads):
        torch.testing.assert_close(g, e, msg=f"gradient of {name}")


def test_gradcheck():
    """Finite differences agree with the hand-written backward, for input and weights."""
    torch.manual_seed(0)
    rnn = torch.nn.GRU(3, 4, 3, batch_first=True).double()
    x = torch.randn(2, 5, 3, dtype=torch.double, requires_grad=True)
    weights = [
        getattr(rnn, f"{kind}_l{layer}")
        for layer in range(3)
        for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    ]
    assert torch.autograd.gradcheck(lambda x, *w: _FusedGRU.apply(x, 3, *w), (x, *weights))


def test_recurrent_network_uses_it_on_the_cpu_in_training_and_inference():
    net = RecurrentNetwork(2, 4, 1, num_layers=2, cell="gru")
    x = torch.rand(3, 5, 2)
    assert use_fused_gru(net.rnn, x)
    with torch.no_grad():
        assert use_fused_gru(net.rnn, x)
    with native_recurrence():
        assert not use_fused_gru(net.rnn, x)
    assert use_fused_gru(net.rnn, x)  # the block restores it
    lstm = RecurrentNetwork(2, 4, 1, cell="lstm")
    bidirectional = RecurrentNetwork(2, 4, 1, cell="gru", bidirectional=True)
    assert not use_fused_gru(lstm.rnn, x)
    assert not use_fused_gru(bidirectional.rnn, x)
    # inference (one wave of buffers), training (all waves) and nn.GRU agree
    with torch.inference_mode():
        inferred = net(x)
    with native_recurrence():
        native = net(x)
    torch.testing.assert_close(net(x), native)
    torch.testing.assert_close(inferred, native)


@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize("n_steps", [1, 2, 24])
def test_inference_equals_nn_gru(num_layers, n_steps):
    torch.manual_seed(n_steps)
    rnn = torch.nn.GRU(5, 6, num_layers, batch_first=True).double()
    x = torch.randn(7, n_steps, 5, dtype=torch.double)
    with torch.no_grad():
        torch.testing.assert_close(fused_gru(x, rnn), rnn(x)[0])


def test_weights_of_a_pass_through_network_get_no_gradient():
    """A network that only passes gradients on (a frozen critic): input gradients exact."""
    torch.manual_seed(0)
    rnn = torch.nn.GRU(3, 4, 2, batch_first=True).double()
    for weight in rnn.parameters():
        weight.requires_grad_(False)
    x = torch.randn(2, 5, 3, dtype=torch.double, requires_grad=True)
    (expected,) = torch.autograd.grad(rnn(x)[0].sum(), x)
    (got,) = torch.autograd.grad(fused_gru(x, rnn).sum(), x)
    torch.testing.assert_close(got, expected)
    assert all(weight.grad is None for weight in rnn.parameters())


def test_double_backward_is_refused_outside_native_recurrence():
    net = RecurrentNetwork(2, 4, 1, num_layers=2, cell="gru")
    x = torch.rand(3, 5, 2, requires_grad=True)
    (grad,) = torch.autograd.grad(net(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable|double backward|requires grad"):
        grad.sum().backward()


def test_gradient_penalty_works_with_a_gru_critic():
    torch.manual_seed(0)
    critic = RecurrentNetwork(2, 4, 1, num_layers=2, cell="gru")
    real, fake = torch.rand(4, 6, 2), torch.rand(4, 6, 2)
    penalty = gradient_penalty(lambda x: critic(x).squeeze(2), real, fake, torch.ones(4, 6))
    penalty.backward()
    assert critic.rnn.weight_hh_l1.grad.abs().sum() > 0
