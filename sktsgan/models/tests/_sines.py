"""What the recurrent GANs' tests share: do samples have the dynamics of sines?"""

import numpy as np

from sktsgan.metrics import moment_gaps


def noise_like(X, seed=0):
    """i.i.d. noise with the real per-feature mean and std: right marginals, no dynamics."""
    rng = np.random.RandomState(seed)
    return rng.normal(X.mean(axis=(0, 1)), X.std(axis=(0, 1)), size=X.shape)


def assert_learns_sine_dynamics(sines, sampler, *, max_mean_gap):
    """``sampler``, fitted on ``sines``, matches their marginals and autocorrelation."""
    fake = sampler.sample(256)
    gaps = moment_gaps(sines, fake)
    noise_gaps = moment_gaps(sines, noise_like(sines))
    assert gaps["mean_gap"] < max_mean_gap
    assert gaps["std_gap"] < 0.25
    # Noise matches the marginals by construction; only a model of the dynamics gets
    # the autocorrelation of smooth sines right.
    assert noise_gaps["autocorrelation_gap"] > 0.8
    assert gaps["autocorrelation_gap"] < 0.15
    lag5 = moment_gaps(sines, fake, lag=5)["autocorrelation_gap"]
    assert lag5 < moment_gaps(sines, noise_like(sines), lag=5)["autocorrelation_gap"] / 2
    assert np.all(np.isfinite(sampler.history_[:, "generator_loss"]))
