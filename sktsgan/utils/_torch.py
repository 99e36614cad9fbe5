"""Device resolution, seeded torch randomness that leaves the user's state alone, the
thread count torch runs with, and torch's random state as plain values (for checkpoints
and pickles)."""

from __future__ import annotations

import contextlib
import os
import threading

import joblib
import torch
from threadpoolctl import threadpool_limits

# torch draws from one process-wide generator: two seeded blocks running at once in two
# threads would interleave their draws (and restore each other's state), so they take
# turns. Re-entrant, so that a seeded block may call code that seeds again.
_GLOBAL_RNG_LOCK = threading.RLock()

THREADS_VARIABLE = "SKTSGAN_NUM_THREADS"


def configured_threads():
    """The number of threads torch computes with inside sktsgan; None: torch's own.

    Read from the environment variable ``SKTSGAN_NUM_THREADS`` at every call: unset,
    1. The samplers' networks are small: a second thread buys little on an idle
    machine and costs much on a busy one, where torch's threads wait on each other;
    and results depend on the thread count, so a fixed default gives one answer per
    machine. ``0`` leaves torch's own setting (``torch.set_num_threads``,
    ``OMP_NUM_THREADS``) alone.

    Examples
    --------
    >>> from sktsgan.utils._torch import configured_threads
    >>> configured_threads()  # with SKTSGAN_NUM_THREADS unset
    1
    """
    value = os.environ.get(THREADS_VARIABLE, "").strip()
    if not value:
        return 1
    try:
        threads = int(value)
    except ValueError:
        threads = -1
    if threads < 0:
        raise ValueError(
            f"{THREADS_VARIABLE}={value!r} is not a number of threads: set it to a whole "
            "number such as 1 or 2, or to 0 to use torch's own setting."
        )
    return threads or None


SAMPLING_THREADS_VARIABLE = "SKTSGAN_SAMPLING_THREADS"


def sampling_workers():
    """How many chunks ``sample`` computes at once on a CPU (threads of one torch thread).

    Read from the environment variable ``SKTSGAN_SAMPLING_THREADS`` at every call:
    unset, the number of CPU cores this process may use divided by the torch threads
    each chunk computes with (:func:`configured_threads`, 1 by default), at most 4. The
    samples do not depend on it: the random inputs of every chunk are drawn in order in
    one thread, and each chunk is computed alone; only the time changes.

    Examples
    --------
    >>> from sktsgan.utils._torch import sampling_workers
    >>> 1 <= sampling_workers() <= 4  # with SKTSGAN_SAMPLING_THREADS unset
    True
    """
    value = os.environ.get(SAMPLING_THREADS_VARIABLE, "").strip()
    if not value:
        # joblib's count honours CPU affinity and container quotas
        per_chunk = configured_threads() or torch.get_num_threads()
        return max(1, min(4, joblib.cpu_count() // per_chunk))
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        raise ValueError(
            f"{SAMPLING_THREADS_VARIABLE}={value!r} is not a number of threads: set it "
            "to a whole number of at least 1 (1 computes one chunk at a time)."
        )
    return workers


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

    The block also runs with :func:`configured_threads` torch threads (the caller's
    count is restored after): a seed gives the same numbers only with the same thread
    count. Blocks in different threads run one at a time, so that each gets exactly the
    draws its seed gives (sampling one fitted model from several threads is
    reproducible).

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
    with pinned_threads(), torch.random.fork_rng(devices=cuda_devices):
        torch.default_generator.manual_seed(seed)
        for index in cuda_devices:  # only the device in use: other GPUs keep their state
            with torch.cuda.device(index):
                torch.cuda.manual_seed(seed)
        yield


@contextlib.contextmanager
def pinned_threads():
    """Run the block with :func:`configured_threads` torch threads; restore the count after.

    BLAS libraries loaded by other packages get the same count for the block: the
    compiled GRU kernels multiply through SciPy's BLAS, which would otherwise start
    a thread per core. The count is process-wide: blocks in different threads run one
    at a time (the lock of :func:`seeded_torch`).

    Examples
    --------
    >>> import torch
    >>> from sktsgan.utils._torch import pinned_threads
    >>> before = torch.get_num_threads()
    >>> with pinned_threads():
    ...     inside = torch.get_num_threads()
    >>> inside, torch.get_num_threads() == before
    (1, True)
    """
    threads = configured_threads()
    with _GLOBAL_RNG_LOCK, contextlib.ExitStack() as stack:
        if threads is not None:
            # threadpoolctl sets the limit when called, not when entered: inside the lock
            stack.enter_context(threadpool_limits(threads, user_api="blas"))
        before = torch.get_num_threads()
        if threads is not None and threads != before:
            torch.set_num_threads(threads)
        try:
            yield
        finally:
            if torch.get_num_threads() != before:
                torch.set_num_threads(before)


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
