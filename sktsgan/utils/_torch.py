"""Device resolution, seeded torch randomness that leaves the user's state alone, and
torch's random state as plain values (for checkpoints and pickles)."""

from __future__ import annotations

import contextlib
import threading

import torch

# torch draws from one process-wide generator: two seeded blocks running at once in two
# threads would interleave their draws (and restore each other's state), so they take
# turns. Re-entrant, so that a seeded block may call code that seeds again.
_GLOBAL_RNG_LOCK = threading.RLock()


def resolve_device(device):
    """Turn the ``device`` parameter into a concrete torch device string.

    Examples
    --------
    >>> from sktsgan.utils._torch import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    if not isinstance(device, str):
        raise TypeError(
            f"device must be a string such as 'cpu', 'cuda' or 'auto', got {device!r}."
        )
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda' or 'auto'."
        ) from exc
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} but this torch build sees no CUDA device "
            f"(torch {torch.__version__}). Use device='cpu', or 'auto' to pick a GPU only "
            "when there is one."
        )
    if parsed.type not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r} is not supported; use 'cpu', 'cuda' or 'auto'.")
    return device


@contextlib.contextmanager
def seeded_torch(seed, device):
    """Seed torch for the block only; the caller's global random state is restored after.

    Blocks in different threads run one at a time, so that each gets exactly the draws
    its seed gives (sampling one fitted model from several threads is reproducible).

    Examples
    --------
    >>> import torch
    >>> from sktsgan.utils._torch import seeded_torch
    >>> with seeded_torch(0, "cpu"):
    ...     a = torch.rand(2)
    >>> with seeded_torch(0, "cpu"):
    ...     b = torch.rand(2)
    >>> bool(torch.equal(a, b))
    True
    """
    cuda_devices = []
    if torch.device(device).type == "cuda":
        cuda_devices = [torch.device(device).index or torch.cuda.current_device()]
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=cuda_devices):
        torch.default_generator.manual_seed(seed)
        for index in cuda_devices:  # only the device in use: other GPUs keep their state
            with torch.cuda.device(index):
                torch.cuda.manual_seed(seed)
        yield


def torch_rng_to_plain(device):
    """torch's random state that training draws from, as lists of byte values.

    The CPU's and, on a GPU, that device's. Lists, not tensors: a pickled engine then
    holds no tensor outside the block that skorch maps between devices.
    """
    state = {"cpu": torch.get_rng_state().tolist()}
    if torch.device(device).type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device).tolist()
    return state


def set_torch_rng(state, device):
    """Set what :func:`torch_rng_to_plain` captured; a CUDA state is used only on a GPU."""
    torch.set_rng_state(torch.tensor(state["cpu"], dtype=torch.uint8))
    if torch.device(device).type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(torch.tensor(state["cuda"], dtype=torch.uint8), device)
