"""Seeds drawn from a NumPy random state, the one way every part of sktsgan draws them."""

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
