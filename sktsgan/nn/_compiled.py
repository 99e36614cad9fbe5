"""Loading the compiled recurrent kernels, with a fallback where numba cannot compile.

The kernels (``_gru_kernels``, or any ``_{name}_kernels`` module with a ``warm_up``)
are imported and compiled on the first recurrent pass that needs them, per dtype: about
6 seconds once per machine, after which numba loads them from its cache. Where numba is
missing or cannot compile, the callers run the same arithmetic through PyTorch after
one warning; the environment variable ``SKTSGAN_COMPILED_KERNELS=0`` chooses that path
without the warning.
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings

import numpy as np
import torch

COMPILED_KERNELS_VARIABLE = "SKTSGAN_COMPILED_KERNELS"
KERNEL_DTYPES = {torch.float32: np.float32, torch.float64: np.float64}
_loaded = {}  # (kernel module name, torch dtype) -> the module, or None
_lock = threading.Lock()
_warned = []


def compiled_kernels(name, dtype):
    """The compiled kernels module ``sktsgan.nn._{name}_kernels`` for ``dtype``, or None.

    Parameters
    ----------
    name : str
        ``"gru"``.
    dtype : torch.dtype

    Returns
    -------
    module or None
        None for dtypes other than float32 and float64, where
        ``SKTSGAN_COMPILED_KERNELS=0`` is set, and where the kernels cannot be
        compiled (numba missing, no code generator for this processor): the caller
        then runs its PyTorch path.
    """
    key = (name, dtype)
    if key not in _loaded:
        with _lock:
            if key not in _loaded:
                _loaded[key] = _load(name, dtype)
    return _loaded[key]


def _load(name, dtype):
    if dtype not in KERNEL_DTYPES or os.environ.get(COMPILED_KERNELS_VARIABLE) == "0":
        return None
    try:
        kernels = importlib.import_module(f"{__package__}._{name}_kernels")
        kernels.warm_up(KERNEL_DTYPES[dtype])
    except Exception as error:  # numba missing, or no compiler for this platform
        if not _warned:
            _warned.append(True)
            warnings.warn(
                f"sktsgan's compiled {name.upper()} kernels are unavailable "
                f"({type(error).__name__}: {error}); recurrent layers run through slower "
                f"PyTorch operations instead. Set {COMPILED_KERNELS_VARIABLE}=0 to choose "
                "that without this warning.",
                RuntimeWarning,
                stacklevel=5,
            )
        return None
    return kernels


def arrays(*tensors):
    """NumPy views (no copies) of contiguous CPU tensors, for the compiled kernels."""
    return [tensor.detach().numpy() for tensor in tensors]
