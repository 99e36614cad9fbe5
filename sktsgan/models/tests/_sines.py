"""What the recurrent GANs' tests share: do samples have the dynamics of sines, and
does each class look like itself?"""

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


def assert_samples_resemble_their_own_class(X, y, sampler):
    """``sampler``, fitted on waves ``X`` of classes ``y``, draws each class near its own
    mean wave (less than half as far as from any other) and keeps its spread."""
    centroids = {label: X[y == label].mean(axis=0) for label in sampler.classes_}
    for label in sampler.classes_:
        fake, fake_y = sampler.sample(100, y=label)
        assert set(fake_y) == {label}
        own = np.abs(fake - centroids[label]).mean()
        other = min(
            np.abs(fake - c).mean() for other_label, c in centroids.items() if other_label != label
        )
        assert own < 0.5 * other, (label, own, other)
        spread_real = X[y == label].std(axis=0).mean()
        assert fake.std(axis=0).mean() > 0.6 * spread_real  # not collapsed to one wave
