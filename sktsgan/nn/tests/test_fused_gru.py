"""The fused CPU GRU must equal nn.GRU, values and gradients, and step aside where it can't.

Most tests run twice: through the compiled kernels (numba) and through the wavefront
of ATen calls that replaces them where numba is unavailable.
"""

import warnings

import numpy as np
import pytest
import torch

from sktsgan.nn import (
    RecurrentNetwork,
    _compiled,
    _gru_kernels,
    fused_gru,
    gradient_penalty,
    native_recurrence,
)
from sktsgan.nn._compiled import COMPILED_KERNELS_VARIABLE, KERNEL_DTYPES, compiled_kernels
from sktsgan.nn._fused_gru import _CompiledGRU, _FusedGRU, use_fused_gru

WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@pytest.fixture(autouse=True, params=["compiled", "aten"])
def path(request, monkeypatch):
    """Run the test through the compiled kernels, then through ATen calls only."""
    if request.param == "aten":
        monkeypatch.setattr(_compiled, "_loaded", {("gru", d): None for d in KERNEL_DTYPES})
    else:
        for dtype in KERNEL_DTYPES:
            assert compiled_kernels("gru", dtype) is _gru_kernels, "numba is a dependency"
    return request.param


def stacked_weights(rnn):
    return [
        getattr(rnn, f"{kind}_l{layer}")
        for layer in range(rnn.num_layers)
        for kind in WEIGHT_NAMES
    ]


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


@pytest.mark.parametrize("num_layers", [1, 3])
def test_gradcheck(path, num_layers):
    """Finite differences agree with the hand-written backward, for input and weights."""
    torch.manual_seed(0)
    rnn = torch.nn.GRU(3, 4, num_layers, batch_first=True).double()
    x = torch.randn(2, 5, 3, dtype=torch.double, requires_grad=True)
    if path == "compiled":
        function = lambda x, *w: _CompiledGRU.apply(x, num_layers, _gru_kernels, *w)  # noqa: E731
    else:
        function = lambda x, *w: _FusedGRU.apply(x, num_layers, *w)  # noqa: E731
    assert torch.autograd.gradcheck(function, (x, *stacked_weights(rnn)))


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32_equals_nn_gru_at_the_canonical_size(scale):
    """The compiled float32 path has its own exp: it must match to float rounding,
    also where the gates saturate."""
    torch.manual_seed(1)
    rnn = torch.nn.GRU(5, 24, 3, batch_first=True)
    x = torch.randn(128, 24, 5) * scale
    with torch.no_grad():
        expected = rnn(x)[0]
        torch.testing.assert_close(fused_gru(x, rnn), expected)
    x.requires_grad_(True)
    inputs = [x, *rnn.parameters()]
    weight = torch.randn_like(expected)
    expected_grads = torch.autograd.grad((rnn(x)[0] * weight).sum(), inputs)
    got_grads = torch.autograd.grad((fused_gru(x, rnn) * weight).sum(), inputs)
    for e, g in zip(expected_grads, got_grads):
        torch.testing.assert_close(g, e, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_nan_and_infinity_propagate_as_in_nn_gru(dtype):
    rnn = torch.nn.GRU(2, 3, 2, batch_first=True).to(dtype)
    x = torch.randn(4, 5, 2, dtype=dtype)
    x[1, 2, 0] = float("nan")
    x[2, 1, 1] = float("inf")
    x[3, 3, 0] = -float("inf")
    with torch.no_grad():
        expected, got = rnn(x)[0], fused_gru(x, rnn)
    np.testing.assert_array_equal(got.isnan().numpy(), expected.isnan().numpy())
    torch.testing.assert_close(got.nan_to_num(), expected.nan_to_num())


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


def test_the_compiled_kernels_run_in_training_and_in_inference(path, monkeypatch):
    calls = []
    for name in ("forward", "infer", "backward"):
        kernel = getattr(_gru_kernels, name)
        monkeypatch.setattr(
            _gru_kernels, name, lambda *a, _k=kernel, _n=name: calls.append(_n) or _k(*a)
        )
    net = RecurrentNetwork(2, 4, 1, num_layers=2, cell="gru")
    net(torch.rand(3, 5, 2)).sum().backward()
    with torch.inference_mode():
        net(torch.rand(3, 5, 2))
    assert calls == (["forward", "backward", "infer"] if path == "compiled" else [])


def test_a_failing_compilation_falls_back_with_one_warning(monkeypatch):
    def fail(dtype):
        raise RuntimeError("no LLVM here")

    monkeypatch.setattr(_gru_kernels, "warm_up", fail)
    monkeypatch.setattr(_compiled, "_loaded", {})
    monkeypatch.setattr(_compiled, "_warned", [])
    rnn = torch.nn.GRU(2, 3, 2, batch_first=True)
    x = torch.rand(4, 5, 2)
    expected = f"GRU kernels are unavailable.*no LLVM here.*{COMPILED_KERNELS_VARIABLE}=0"
    with pytest.warns(RuntimeWarning, match=expected):
        got = fused_gru(x, rnn)
    torch.testing.assert_close(got, rnn(x)[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused_gru(x, rnn)  # warned once, then quietly on the ATen path
    assert compiled_kernels("gru", torch.float32) is None


def test_the_environment_variable_chooses_aten_without_a_warning(monkeypatch):
    monkeypatch.setenv(COMPILED_KERNELS_VARIABLE, "0")
    monkeypatch.setattr(_compiled, "_loaded", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compiled_kernels("gru", torch.float32) is None
    assert compiled_kernels("gru", torch.float16) is None
