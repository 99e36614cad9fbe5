"""Helpers shared by the Display objects: a lazy matplotlib import and sampling."""

from __future__ import annotations


def import_pyplot(caller_name):
    """Import and return ``matplotlib.pyplot``, or say how to install it.

    Parameters
    ----------
    caller_name : str
        Named in the error message, e.g. ``"EmbeddingDisplay.plot"``.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} needs matplotlib to draw. Install it with `pip install sktsgan[plot]`."
        ) from exc
    return plt


def sample_series(sampler, n, random_state):
    """Draw ``n`` series from a fitted sampler; only ``X`` of a conditional ``(X, y)``."""
    samples = sampler.sample(n, random_state=random_state)
    return samples[0] if isinstance(samples, tuple) else samples
