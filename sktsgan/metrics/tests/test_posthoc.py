"""The TimeGAN paper's post-hoc scores, checked against oracle synthetic sets."""

import numpy as np
import pandas as pd
import pytest

from sktsgan.datasets import make_sines
from sktsgan.metrics import discriminative_score, predictive_score

FAST = {"n_iterations": 600, "hidden_size": 4, "batch_size": 64}


def coupled_sines(seed):
    """Sines whose last feature follows the mean of the others one step later.

    The paper's sines have independent features, which leaves the next-step predictor
    little to learn; here a good predictor is far better than a bad one.
    """
    X = make_sines(n_samples=200, n_timesteps=12, n_features=3, random_state=seed)
    X[:, 1:, 2] = X[:, :-1, :2].mean(axis=2)
    return X


@pytest.fixture(scope="module")
def real():
    return coupled_sines(0)


@pytest.fixture(scope="module")
def fresh_draw():
    """Series from the real data's distribution, as a perfect generator would give."""
    return coupled_sines(1)


@pytest.fixture(scope="module")
def noise(real):
    return np.random.RandomState(0).uniform(size=real.shape)


def test_discriminative_score_separates_copies_from_noise(real, noise):
    copies = discriminative_score(real, real.copy(), random_state=0, **FAST)
    from_noise = discriminative_score(real, noise, random_state=0, **FAST)
    constant = np.full_like(real, real.mean())
    from_constant = discriminative_score(real, constant, random_state=0, **FAST)
    assert copies < 0.1
    assert from_noise > 0.4
    assert from_constant > 0.4


def test_predictive_score_of_a_perfect_generator_matches_the_real_reference(
    real, fresh_draw, noise
):
    reference = predictive_score(real, real, random_state=0, **FAST)
    perfect = predictive_score(real, fresh_draw, random_state=0, **FAST)
    from_noise = predictive_score(real, noise, random_state=0, **FAST)
    assert abs(perfect - reference) < 0.01
    assert from_noise > 5 * reference


def test_predictive_score_learns_something(real):
    """A trained predictor must beat the untrained one on the same data."""
    untrained = predictive_score(real, real, n_iterations=1, batch_size=1, random_state=0)
    trained = predictive_score(real, real, random_state=0, **FAST)
    assert trained < 0.2 * untrained


@pytest.mark.parametrize("score", [discriminative_score, predictive_score])
def test_scores_are_reproducible_and_leave_global_state_alone(score, real, noise):
    np.random.seed(3)
    expected_next = np.random.rand()
    np.random.seed(3)
    first = score(real, noise, random_state=7, **FAST)
    assert np.random.rand() == expected_next
    assert score(real, noise, random_state=7, **FAST) == first


def test_repeats_return_mean_and_std(real, fresh_draw):
    options = {**FAST, "n_iterations": 100}
    mean, std = predictive_score(
        real, fresh_draw, n_repeats=2, return_std=True, random_state=0, **options
    )
    # the first repeat draws its seed as a single run does; with two repeats the
    # standard deviation is half their difference, the mean their midpoint
    first = predictive_score(real, fresh_draw, random_state=0, **options)
    assert std > 0
    assert std == pytest.approx(abs(mean - first))


def test_scores_read_variable_length_series(real, noise):
    rng = np.random.RandomState(0)
    lengths = rng.randint(6, 13, size=len(real))
    ragged_real = [series[:n] for series, n in zip(real, lengths)]
    ragged_noise = [series[:n] for series, n in zip(noise, lengths)]
    assert discriminative_score(ragged_real, ragged_noise, random_state=0, **FAST) > 0.4
    reference = predictive_score(ragged_real, ragged_real, random_state=0, **FAST)
    assert predictive_score(ragged_real, ragged_noise, random_state=0, **FAST) > reference


def test_discriminative_score_reads_tabular_rows():
    rng = np.random.RandomState(0)
    rows = rng.normal(size=(300, 4))
    shifted = rows + 3.0
    assert discriminative_score(rows, shifted, random_state=0, **FAST) > 0.4


def test_unscaled_scores_need_unit_range_data(real, fresh_draw):
    low, high = real.min(axis=(0, 1)), real.max(axis=(0, 1))
    unit_real = (real - low) / (high - low)
    unit_fresh = np.clip((fresh_draw - low) / (high - low), 0, 1)
    unscaled = predictive_score(unit_real, unit_fresh, scale=False, random_state=0, **FAST)
    scaled = predictive_score(real, fresh_draw, random_state=0, **FAST)
    assert unscaled == pytest.approx(scaled, abs=2e-3)
    with pytest.raises(ValueError, match=r"scale=False\) needs data already in \[0, 1\]"):
        discriminative_score(real * 3, real, scale=False)


def test_score_errors_name_the_problem(real):
    with pytest.raises(ValueError, match="features"):
        discriminative_score(real, real[:, :, :2])
    with pytest.raises(ValueError, match="at least 2 features"):
        predictive_score(real[:, :, :1], real[:, :, :1])
    with pytest.raises(ValueError, match="at least 2 time steps"):
        predictive_score(real[:, 0, :], real[:, 0, :])


def test_discriminative_score_balances_sets_of_different_sizes(real, fresh_draw):
    """Four times more real series must not let "always real" look like a detector."""
    many_real = np.concatenate([real, fresh_draw, real[::-1], fresh_draw[::-1]])
    few_copies = fresh_draw[:100]
    assert discriminative_score(many_real, few_copies, random_state=0, **FAST) < 0.15


def test_conditional_discriminative_score_finds_the_level_that_is_wrong():
    from sktsgan.metrics import conditional_discriminative_score

    rng = np.random.RandomState(0)
    levels = np.repeat(["weekday", "weekend", "rare"], [60, 60, 5])
    real = list(make_sines(125, n_timesteps=8, n_features=2, random_state=0))  # a list too
    synth = make_sines(125, n_timesteps=8, n_features=2, random_state=1)
    weekend = levels == "weekend"
    synth[weekend] = rng.uniform(size=synth[weekend].shape)  # weekends come out as noise
    scores = conditional_discriminative_score(
        real, levels, synth, levels, n_iterations=1000, random_state=0
    )
    assert set(scores) == {"weekday", "weekend"}  # "rare" has too few series
    assert scores["weekend"] > 0.4 and scores["weekday"] < 0.25


def test_conditional_discriminative_score_refuses_what_it_cannot_score():
    from sktsgan.metrics import conditional_discriminative_score

    X = np.zeros((10, 4, 1))
    with pytest.raises(ValueError, match="levels_real has 9 levels but X_real has 10"):
        conditional_discriminative_score(X, [0] * 9, X, [0] * 10)
    with pytest.raises(ValueError, match="No level has 20 real"):
        conditional_discriminative_score(X, [0] * 10, X, [0] * 10)
    with pytest.raises(TypeError, match="is a DataFrame"):
        conditional_discriminative_score(pd.DataFrame(np.zeros((10, 2))), [0] * 10, X, [0] * 10)
