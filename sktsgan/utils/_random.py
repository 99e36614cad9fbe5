"""Seeds drawn from a NumPy random state (the one way every part of sktsgan draws them),
and a NumPy random state as plain values, for checkpoints (torch's weights-only files),
the model files (JSON) and pickles alike. torch's random state as plain values is in
``_torch.py``. NumPy only."""

import numpy as np

MAX_SEED = 2**31 - 1


def draw_seed(rng, size=None):
    """A seed (or ``size`` seeds) for torch or NumPy, drawn from ``rng``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._random import draw_seed
    >>> draw_seed(np.random.RandomState(0))
    209652396
    """
    return rng.randint(MAX_SEED, size=size)


def rng_to_plain(rng):
    """The state of a NumPy ``RandomState`` as a dict of a string, ints and a float.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.utils._random import rng_from_plain, rng_to_plain
    >>> rng = np.random.RandomState(0)
    >>> copy = np.random.RandomState()
    >>> copy.set_state(rng_from_plain(rng_to_plain(rng)))
    >>> bool(copy.rand() == rng.rand())
    True
    """
    kind, keys, position, has_gauss, cached = rng.get_state()
    return {
        "kind": kind,
        "keys": keys.astype(np.int64).tolist(),
        "position": int(position),
        "has_gauss": int(has_gauss),
        "cached_gaussian": float(cached),
    }


def rng_from_plain(state):
    """What :func:`rng_to_plain` made, as the tuple ``RandomState.set_state`` takes."""
    keys = np.asarray(state["keys"], dtype=np.int64).astype(np.uint32)
    return (
        state["kind"],
        keys,
        state["position"],
        state["has_gauss"],
        state["cached_gaussian"],
    )
