"""DiffusionSampler: schedule, forward process, DDIM sampling, conditioning, options."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError

from sktsgan import DiffusionSampler
from sktsgan.datasets import make_sines
from sktsgan.models._diffusion import DiffusionNetworks, DiffusionObjective, cosine_schedule

FAST = dict(hidden_size=8, n_heads=2, n_diffusion_steps=50, n_sampling_steps=10)


@pytest.fixture(scope="module")
def sines():
    return make_sines(48, n_timesteps=10, n_features=2, random_state=0)


@pytest.fixture(scope="module")
def fitted(sines):
    return DiffusionSampler(n_epochs=3, random_state=0, **FAST).fit(sines)


def test_cosine_schedule_runs_from_signal_to_noise():
    alpha_bar = cosine_schedule(200)
    assert alpha_bar.shape == (200,)
    assert torch.all(alpha_bar[1:] < alpha_bar[:-1])  # less signal at every step
    assert alpha_bar[0] > 0.999 and alpha_bar[-1] < 1e-3
    assert alpha_bar.min() >= 1e-5


def test_forward_process_keeps_the_series_at_first_and_noise_at_last():
    networks = DiffusionNetworks(2, 0, 8, 1, 2, "transformer", 100, 10, 0.0)
    x0, noise = torch.randn(4, 6, 2), torch.randn(4, 6, 2)
    first = networks.noised(x0, torch.zeros(4, dtype=torch.long), noise)
    last = networks.noised(x0, torch.full((4,), 99), noise)
    assert (first - x0).abs().mean() < 0.03 and (last - noise).abs().mean() < 0.03


def test_a_denoiser_that_knows_the_answer_samples_it_exactly():
    # DDIM with a perfect prediction of the clean series lands on it, whatever the noise
    networks = DiffusionNetworks(2, 0, 8, 1, 2, "transformer", 100, 10, 0.0)
    target = torch.tensor([[0.5, -0.25]]).expand(6, 2)
    networks.denoise = lambda x, t, condition=None, mask=None: target.expand(len(x), 6, 2)
    drawn = networks.generate(3, 6, n_sampling_steps=7)
    torch.testing.assert_close(drawn, (target.expand(3, 6, 2) + 1) / 2, atol=1e-5, rtol=0)


def test_the_velocity_gives_back_the_clean_series():
    networks = DiffusionNetworks(2, 0, 8, 1, 2, "transformer", 100, 10, 0.0, prediction="velocity")
    x0, noise, t = torch.rand(4, 6, 2) * 2 - 1, torch.randn(4, 6, 2), torch.tensor([0, 30, 60, 99])
    x_t = networks.noised(x0, t, noise)
    alpha_bar = networks.alpha_bar[t][:, None, None]
    velocity = alpha_bar.sqrt() * noise - (1 - alpha_bar).sqrt() * x0
    torch.testing.assert_close(networks.clean_from_output(velocity, x_t, t), x0)


@pytest.mark.parametrize("prediction", ["clean", "velocity"])
def test_the_loss_is_the_error_of_what_the_network_predicts(prediction, monkeypatch):
    networks = DiffusionNetworks(2, 0, 8, 1, 2, "tcn", 20, 5, 0.0, prediction=prediction)
    batch = {"x": torch.rand(5, 7, 2), "mask": torch.ones(5, 7)}

    # a network that predicts exactly its target has no loss, whichever target it is
    def perfect(x_t, t, condition=None, mask=None):
        x0 = 2 * batch["x"] - 1
        alpha_bar = networks.alpha_bar[t][:, None, None]
        noise = (x_t - alpha_bar.sqrt() * x0) / (1 - alpha_bar).sqrt()
        if prediction == "clean":
            return x0
        return alpha_bar.sqrt() * noise - (1 - alpha_bar).sqrt() * x0

    monkeypatch.setattr(networks, "network_output", perfect)
    losses = DiffusionObjective(fourier_weight=1.0)(networks, batch, "denoiser")
    assert float(losses["denoising_loss"]) < 1e-8 and float(losses["fourier_loss"]) < 1e-8


def test_the_loss_has_its_fourier_term_only_when_weighted():
    networks = DiffusionNetworks(2, 0, 8, 1, 2, "tcn", 20, 5, 0.0)
    batch = {"x": torch.rand(5, 7, 2), "mask": torch.ones(5, 7)}
    plain = DiffusionObjective(fourier_weight=0.0)(networks, batch, "denoiser")
    weighted = DiffusionObjective(fourier_weight=1.0)(networks, batch, "denoiser")
    assert set(plain) == {"loss", "denoising_loss"}
    assert set(weighted) == {"loss", "denoising_loss", "fourier_loss"}
    assert weighted["fourier_loss"] > 0


# the velocity mixes noise into its target: its loss starts lower and falls less
@pytest.mark.parametrize(("prediction", "ratio"), [("clean", 0.6), ("velocity", 0.85)])
def test_training_lowers_the_denoising_loss(sines, prediction, ratio):
    model = DiffusionSampler(
        n_epochs=15, lr=3e-3, prediction=prediction, random_state=0, **FAST
    ).fit(sines)
    losses = model.history_[:, "denoising_loss"]
    assert np.mean(losses[-3:]) < ratio * np.mean(losses[:3])
    assert {"denoiser_loss", "fourier_loss", "diversity"} <= set(model.history_[-1])


def test_long_series_are_read_in_patches(fitted):
    long = make_sines(4, n_timesteps=130, n_features=1, random_state=0)
    assert DiffusionSampler(n_epochs=1, random_state=0, **FAST).fit(long).patch_size_ == 3
    assert fitted.patch_size_ == 1  # up to 64 steps, every step is a token

    networks = DiffusionNetworks(2, 0, 8, 1, 2, "transformer", 20, 5, 0.0, patch_size=3)
    seen = []
    networks.body.register_forward_pre_hook(
        lambda module, args, kwargs: seen.append((args[0].shape, kwargs)), with_kwargs=True
    )
    mask = torch.zeros(2, 10)
    mask[0, :4] = 1  # steps 0-3: tokens 0 and 1 hold valid steps
    mask[1] = 1
    x0 = networks.denoise(torch.randn(2, 10, 2), torch.tensor([3, 7]), mask=mask)
    assert x0.shape == (2, 10, 2)
    ((shape, kwargs),) = seen
    assert shape == (2, 4, 8)  # ceil(10 / 3) tokens of 8 channels
    padding = kwargs["src_key_padding_mask"]
    assert padding.tolist() == [[False, False, True, True], [False] * 4]


@pytest.mark.parametrize(
    ("n_timesteps", "n_features", "expected"),
    [(10, 2, 32), (10, 16, 32), (10, 17, 64), (130, 6, 64), (10, 40, 128), (10, 200, 256)],
)
def test_hidden_size_auto_grows_with_the_values_a_token_carries(n_timesteps, n_features, expected):
    # a token carries patch_size_ * n_features values (130 steps: patches of 3)
    X = np.random.RandomState(0).normal(size=(4, n_timesteps, n_features))
    sampler = DiffusionSampler(
        n_epochs=1, n_heads=2, n_diffusion_steps=5, n_sampling_steps=2, random_state=0
    ).fit(X)
    assert sampler.hidden_size_ == sampler.engine_.module_.hidden_size == expected
    assert sampler.engine_.module_.input.out_features == expected


def test_a_hidden_size_given_is_used_as_it_is(fitted):
    assert fitted.hidden_size_ == fitted.engine_.module_.hidden_size == 8
    X = np.zeros((4, 5, 2))
    with pytest.raises(ValueError, match="n_heads=3 must divide hidden_size=32"):
        DiffusionSampler(n_epochs=1, n_heads=3).fit(X)


def test_prediction_auto_is_velocity_for_numbers_and_clean_with_categorical_channels(fitted):
    assert fitted.prediction_ == "velocity"
    assert fitted.engine_.module_.prediction == "velocity"
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({
        "id": np.repeat(np.arange(8), 5), "t": np.tile(np.arange(5), 8),
        "state": rng.choice(["on", "off"], 40), "power": rng.normal(size=40),
    })  # fmt: skip
    sampler = DiffusionSampler(
        n_epochs=1, random_state=0, id_column="id", time_column="t", **FAST
    ).fit(frame)
    assert sampler.prediction_ == "clean"
    assert sampler.engine_.module_.prediction == "clean"
    chosen = sampler.set_params(prediction="velocity").fit(frame)
    assert chosen.prediction_ == chosen.engine_.module_.prediction == "velocity"


def test_sampling_options_apply_after_fit_and_are_checked(fitted):
    first = fitted.sample(4, random_state=0)
    np.testing.assert_array_equal(first, fitted.sample(4, random_state=0))
    coarse = fitted.set_params(n_sampling_steps=2).sample(4, random_state=0)
    assert coarse.shape == first.shape and not np.allclose(coarse, first)
    # more steps than were trained: every trained step, once
    every = fitted.set_params(n_sampling_steps=80).sample(4, random_state=0)
    np.testing.assert_array_equal(
        every, fitted.set_params(n_sampling_steps=50).sample(4, random_state=0)
    )
    fitted.set_params(n_sampling_steps=10)


def test_bad_settings_are_refused_before_training(sines):
    with pytest.raises(ValueError, match="n_heads=3 must divide hidden_size=8"):
        DiffusionSampler(hidden_size=8, n_heads=3, n_epochs=1).fit(sines)


def test_conditional_samples_follow_their_class_and_guidance_sharpens_them():
    rng = np.random.RandomState(0)
    y = np.array(["low", "high"] * 40)
    X = np.where(y == "high", 1.0, 0.0)[:, None, None] + 0.1 * rng.randn(80, 8, 1)
    model = DiffusionSampler(n_epochs=40, lr=3e-3, random_state=0, **FAST).fit(X, y)
    high, _ = model.sample(40, y="high", random_state=0)
    low, _ = model.sample(40, y="low", random_state=0)
    assert high.mean() - low.mean() > 0.5  # the two levels are 1.0 apart
    # guidance pushes the draws away from what the unconditional model would draw,
    # further from the other class (with weight 2, to the edge of the training range)
    guided, _ = model.set_params(guidance=2.0).sample(40, y="high", random_state=0)
    assert not np.allclose(guided, high)
    assert guided.mean() >= high.mean() and guided.max() <= X.max() + 1e-9


@pytest.mark.parametrize("denoiser", ["transformer", "tcn"])
def test_variable_length_series_come_back_with_training_lengths(sines, denoiser):
    ragged = [series[: 4 + i % 6] for i, series in enumerate(sines)]
    model = DiffusionSampler(denoiser=denoiser, n_epochs=2, random_state=0, **FAST).fit(ragged)
    drawn = model.sample(20, random_state=0)
    assert isinstance(drawn, list) and len(drawn) == 20
    assert {len(s) for s in drawn} <= {len(s) for s in ragged}
    assert all(np.isfinite(s).all() for s in drawn)


def test_vary_noises_to_its_strength_and_an_oracle_denoises_back_to_the_series():
    networks = DiffusionNetworks(2, 0, 8, 1, 2, "transformer", 100, 10, 0.0)
    series = torch.rand(3, 6, 2)  # the [0, 1] training scale
    noised_at = []
    noised = networks.noised
    networks.noised = lambda x0, t, noise: noised_at.append(t) or noised(x0, t, noise)
    # a denoiser that always knows the clean series
    networks.denoise = lambda x, t, condition=None, mask=None: 2 * series[: len(x)] - 1
    varied = networks.vary(series, 0.7)
    torch.testing.assert_close(varied, series, atol=1e-5, rtol=0)
    assert noised_at[0].tolist() == [69, 69, 69]  # round(0.7 * 99)


def test_vary_moves_from_the_series_to_a_new_draw_as_strength_grows(sines):
    model = DiffusionSampler(n_epochs=20, lr=3e-3, random_state=0, **FAST).fit(sines)
    distance = [
        np.abs(model.vary(sines, strength=strength, random_state=0) - sines).mean()
        for strength in (0.0, 0.3, 1.0)
    ]
    assert distance[0] < 0.05 * np.ptp(sines)  # one denoising step from the clean end
    assert distance[0] < distance[1] < distance[2]


def test_vary_keeps_format_lengths_and_seed(sines):
    ragged = [series[: 4 + i % 6] for i, series in enumerate(sines)]
    model = DiffusionSampler(n_epochs=2, random_state=0, **FAST).fit(ragged)
    varied = model.vary(ragged[:7], random_state=1)
    assert isinstance(varied, list)
    assert [len(s) for s in varied] == [len(s) for s in ragged[:7]]
    assert all(np.isfinite(s).all() for s in varied)
    again = model.vary(ragged[:7], random_state=1)
    other = model.vary(ragged[:7], random_state=2)
    assert all(np.array_equal(a, b) for a, b in zip(varied, again))
    assert not all(np.array_equal(a, b) for a, b in zip(varied, other))


def test_vary_tells_a_conditional_denoiser_the_class_and_refuses_what_it_cannot_vary(sines):
    y = np.array(["a", "b"] * 24)
    conditional = DiffusionSampler(n_epochs=2, random_state=0, **FAST).fit(sines, y)
    told = conditional.vary(sines[:4], y[:4], random_state=0)
    assert not np.allclose(told, conditional.vary(sines[:4], random_state=0))
    with pytest.raises(ValueError, match="Unknown class"):
        conditional.vary(sines[:4], "c")
    unconditional = DiffusionSampler(n_epochs=2, random_state=0, **FAST).fit(sines)
    with pytest.raises(ValueError, match="fitted without class labels"):
        unconditional.vary(sines[:4], y[:4])
    for strength in (1.5, -0.1, "0.4"):
        with pytest.raises(ValueError, match=r"'strength' parameter of DiffusionSampler.vary"):
            unconditional.vary(sines[:4], strength=strength)
    longer = np.concatenate([sines[:4], sines[:4]], axis=1)
    with pytest.raises(
        ValueError, match="up to 20 steps, but DiffusionSampler was fitted on at most 10"
    ):
        unconditional.vary(longer)
    with pytest.raises(NotFittedError):
        DiffusionSampler().vary(sines)
