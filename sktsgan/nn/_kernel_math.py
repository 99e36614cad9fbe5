"""Numerical pieces of the compiled recurrent kernels (numba), apart from any one cell.

The compile options of every kernel, and a logistic function whose float32 version
vectorises: libm's ``expf`` is a scalar call, and one scalar call in a gate loop keeps
the whole loop scalar (3.0 against 0.55 ns per sigmoid on the machine of
docs/benchmarks.md).
"""

import math

import numpy as np
from numba import types
from numba.extending import intrinsic, overload

OPTIONS = dict(
    nogil=True,
    cache=True,
    # "numpy": a float division need not check for zero, which lets the gate loops
    # vectorise; contraction (fused multiply-add) keeps NaN and infinity semantics
    error_model="numpy",
    fastmath={"contract"},
)


@intrinsic
def _float32_from_bits(typingctx, bits):
    """The float32 whose bit pattern is the low 32 bits of an integer."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        value = args[0]
        if bits.bitwidth > 32:
            value = builder.trunc(value, context.get_value_type(types.int32))
        return builder.bitcast(value, context.get_value_type(types.float32))

    return types.float32(bits), codegen


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))``, in compiled code only.

    float32: within 2 ulp of libm and vectorisable; float64: libm's ``exp``.
    NaN gives NaN, and infinities give 0 and 1, as in torch.
    """
    raise NotImplementedError("compiled only")


@overload(sigmoid)
def _sigmoid_overload(x):
    if x == types.float32:
        # libm's expf is a scalar call that stops the gate loops from vectorising; this
        # exp (Cody-Waite range reduction, a degree-6 polynomial, the power of two
        # assembled in the exponent bits) vectorises, and is within 2 ulp of expf
        def sigmoid32(x):
            # clamp -x to where exp stays a normal float32; NaN goes to the bound (its
            # conversion to an integer below would be undefined) and is restored last
            clipped = -x if -x > np.float32(-87.0) else np.float32(-87.0)
            clipped = clipped if clipped < np.float32(88.0) else np.float32(88.0)
            power = np.floor(clipped * np.float32(1.4426950408889634) + np.float32(0.5))
            reduced = clipped - power * np.float32(0.693359375) + power * np.float32(2.12194440e-4)
            poly = np.float32(1.9875691500e-4)
            poly = poly * reduced + np.float32(1.3981999507e-3)
            poly = poly * reduced + np.float32(8.3334519073e-3)
            poly = poly * reduced + np.float32(4.1665795894e-2)
            poly = poly * reduced + np.float32(1.6666665459e-1)
            poly = poly * reduced + np.float32(5.0000001201e-1)
            poly = poly * reduced * reduced + reduced + np.float32(1.0)
            exp = poly * _float32_from_bits((np.int64(power) + 127) * 8388608)
            value = np.float32(1.0) / (np.float32(1.0) + exp)
            return value if x == x else x

        return sigmoid32
    if x == types.float64:

        def sigmoid64(x):
            return 1.0 / (1.0 + math.exp(-x))

        return sigmoid64
    return None
