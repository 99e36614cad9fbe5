"""DiffusionSampler: a denoising-diffusion model of series, sampled with DDIM."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..base import BaseSequenceSampler
from ..base._neural import _WeightSelectionMixin
from ..base._static import STATIC_CONSTRAINTS, _StaticAttributesMixin
from ..nn import TrainingPhase, masked_mean
from ..utils._containers import time_mask
from ..utils._formats import restore_format, sample_dtype
from ..utils._random import draw_seed
from ..utils._scaling import unscale_series
from ..utils.validation import check_fitted_sequences

# DDIM steps of the samples that the engine's diversity and fidelity checks draw during
# training: coarser than sample()'s, and five times cheaper at the default
_CHECK_SAMPLING_STEPS = 10
# share of training batches whose class condition is dropped, so that the same network
# also learns the unconditional model that classifier-free guidance needs
_CONDITION_DROPOUT = 0.1
# most tokens the denoiser reads per series when patch_size="auto"
_TOKENS_PER_SERIES = 64
# channels of the denoiser when hidden_size="auto": this many at the least, and at the
# most twice the values a token carries (rounded up to a power of two), up to the cap
_MIN_HIDDEN_SIZE = 32
_MAX_HIDDEN_SIZE = 256


def cosine_schedule(n_steps):
    """Cumulative signal fractions ``alpha_bar`` of the cosine schedule, ``(n_steps,)``.

    Nichol and Dhariwal (2021): ``alpha_bar(t) = cos((t / T + s) / (1 + s) * pi / 2)^2``
    with ``s = 0.008``, normalised to 1 at ``t = 0`` and kept above 1e-5 (at the last
    step the signal is all but gone).

    Examples
    --------
    >>> from sktsgan.models._diffusion import cosine_schedule
    >>> schedule = cosine_schedule(100)
    >>> round(float(schedule[0]), 4), float(schedule[-1]) < 1e-3
    (0.9994, True)
    """
    s = 0.008
    t = torch.arange(n_steps + 1, dtype=torch.float64) / n_steps
    alpha_bar = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    alpha_bar = alpha_bar / alpha_bar[0]
    return alpha_bar[1:].clamp(min=1e-5).float()


def _sinusoidal(positions, size):
    """Sinusoidal embeddings ``(len(positions), size)`` of (float) positions."""
    half = size // 2
    frequencies = torch.exp(
        -math.log(10000.0) * torch.arange(half, device=positions.device) / max(half - 1, 1)
    )
    angles = positions.float()[:, None] * frequencies[None, :]
    embedding = torch.cat([angles.sin(), angles.cos()], dim=1)
    return nn.functional.pad(embedding, (0, size - 2 * half))


class _ConvolutionBlock(nn.Module):
    """Residual block of a dilated temporal convolution network (non-causal)."""

    def __init__(self, hidden_size, dilation):
        super().__init__()
        self.norm = nn.GroupNorm(1, hidden_size)
        self.conv = nn.Conv1d(
            hidden_size, 2 * hidden_size, kernel_size=3, dilation=dilation, padding=dilation
        )
        self.out = nn.Conv1d(hidden_size, hidden_size, kernel_size=1)

    def forward(self, h):
        # h: (batch, hidden, time)
        value, gate = self.conv(self.norm(h)).chunk(2, dim=1)
        return h + self.out(torch.tanh(value) * torch.sigmoid(gate))


class DiffusionNetworks(nn.Module):
    """The denoiser: from a noised series, its noise level and class, the clean series.

    The noised series ``(batch, time, n_features)`` is cut into patches of
    ``patch_size`` consecutive steps, each projected to ``hidden_size`` channels (a
    token), to which a sinusoidal embedding of the position in the series, an
    embedding of the diffusion step and one of the class are added; a small
    transformer encoder (or a dilated convolution network) reads the whole window at
    once, and a linear read-out gives each patch's clean steps. Besides that residual
    read-out, a trend head (Diffusion-TS's seasonal-trend idea) fits a cubic
    polynomial in time per feature from the pooled hidden state, so that slow changes
    need not be built from local attention.

    :meth:`generate` runs the deterministic DDIM sampler (Song et al., 2021) over
    ``n_sampling_steps`` of the ``n_diffusion_steps`` of training, with
    classifier-free guidance of weight ``guidance`` for a conditional model.
    """

    def __init__(
        self,
        n_features,
        n_classes,
        hidden_size,
        num_layers,
        n_heads,
        denoiser,
        n_diffusion_steps,
        n_sampling_steps,
        guidance,
        patch_size=1,
        prediction="clean",
    ):
        super().__init__()
        self.n_features = n_features
        self.hidden_size = hidden_size
        self.denoiser = denoiser
        self.patch_size = patch_size
        self.prediction = prediction
        self.n_sampling_steps = n_sampling_steps
        self.guidance = guidance
        self.register_buffer("alpha_bar", cosine_schedule(n_diffusion_steps))
        self.input = nn.Linear(patch_size * n_features, hidden_size)
        self.step_embedding = nn.Sequential(
            nn.Linear(hidden_size, hidden_size), nn.SiLU(), nn.Linear(hidden_size, hidden_size)
        )
        self.class_embedding = nn.Linear(n_classes, hidden_size, bias=False) if n_classes else None
        if denoiser == "transformer":
            layer = nn.TransformerEncoderLayer(
                hidden_size,
                n_heads,
                dim_feedforward=2 * hidden_size,
                dropout=0.0,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )
            self.body = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        else:
            self.body = nn.ModuleList(
                _ConvolutionBlock(hidden_size, 2 ** (i % 4)) for i in range(num_layers * 2)
            )
        self.norm = nn.LayerNorm(hidden_size)
        self.output = nn.Linear(hidden_size, patch_size * n_features)
        self.trend = nn.Linear(hidden_size, 4 * n_features)
        nn.init.zeros_(self.trend.weight)
        nn.init.zeros_(self.trend.bias)

    def player_parameters(self):
        return {"denoiser": list(self.named_parameters())}

    @property
    def n_diffusion_steps(self):
        return len(self.alpha_bar)

    def denoise(self, x_t, t, condition=None, mask=None):
        """The clean series (in [-1, 1]) predicted from ``x_t`` at steps ``t``.

        Parameters
        ----------
        x_t : Tensor of shape (batch, time, n_features)
        t : Tensor of shape (batch,)
            Diffusion steps, in ``[0, n_diffusion_steps)``.
        condition : Tensor of shape (batch, n_classes), default=None
            One-hot classes; a row of zeros is the unconditional model.
        mask : Tensor of shape (batch, time), default=None
            1 at valid steps; padding is hidden from the denoiser's attention.
        """
        return self.clean_from_output(self.network_output(x_t, t, condition, mask), x_t, t)

    def clean_from_output(self, output, x_t, t):
        """The clean series that the network's ``output`` at ``x_t``, step ``t``, says.

        With ``prediction="clean"`` the output is that series; with ``"velocity"`` it
        is ``v = sqrt(a) noise - sqrt(1 - a) x0`` (Salimans and Ho, 2022), and
        ``x0 = sqrt(a) x_t - sqrt(1 - a) v``.
        """
        if self.prediction == "clean":
            return output
        alpha_bar = self.alpha_bar[t][:, None, None]
        return alpha_bar.sqrt() * x_t - (1 - alpha_bar).sqrt() * output

    def velocity(self, x0, t, noise):
        """The velocity ``sqrt(a) noise - sqrt(1 - a) x0`` that ``prediction="velocity"``
        learns, for clean series ``x0`` noised with ``noise`` at steps ``t``."""
        alpha_bar = self.alpha_bar[t][:, None, None]
        return alpha_bar.sqrt() * noise - (1 - alpha_bar).sqrt() * x0

    def network_output(self, x_t, t, condition=None, mask=None):
        """What the network predicts (see ``prediction``); arguments as :meth:`denoise`."""
        batch, length, _ = x_t.shape
        tokens, patch = -(-length // self.patch_size), self.patch_size
        # each token reads `patch` consecutive steps: attention costs grow with the square
        # of the tokens, so long series are cut into patches (the last one zero-padded)
        padded = nn.functional.pad(x_t, (0, 0, 0, tokens * patch - length))
        h = self.input(padded.reshape(batch, tokens, patch * self.n_features))
        h = h + _sinusoidal(torch.arange(tokens, device=x_t.device), self.hidden_size)[None]
        context = self.step_embedding(_sinusoidal(t, self.hidden_size))
        if self.class_embedding is not None and condition is not None:
            context = context + self.class_embedding(condition)
        h = h + context[:, None, :]
        token_mask = None
        if mask is not None:  # a token is valid where any of its steps is
            token_mask = nn.functional.pad(mask, (0, tokens * patch - length))
            token_mask = token_mask.reshape(batch, tokens, patch).amax(dim=2)
        if self.denoiser == "transformer":
            padding = None if token_mask is None else token_mask == 0
            h = self.body(h, src_key_padding_mask=padding)
        else:
            h = h.transpose(1, 2)
            for block in self.body:
                h = block(h + context[:, :, None])
            h = h.transpose(1, 2)
        h = self.norm(h)
        if token_mask is None:
            pooled = h.mean(dim=1)
        else:
            pooled = (h * token_mask[:, :, None]).sum(1) / token_mask.sum(
                1, keepdim=True
            ).clamp_min(1.0)
        coefficients = self.trend(pooled).reshape(batch, 4, self.n_features)
        time = torch.linspace(-1.0, 1.0, length, device=x_t.device)
        basis = torch.stack([time**power for power in range(4)], dim=1)  # (time, 4)
        steps = self.output(h).reshape(batch, tokens * patch, self.n_features)[:, :length]
        return steps + basis @ coefficients

    def noised(self, x0, t, noise):
        """``x_t`` of the forward process: ``sqrt(a) x0 + sqrt(1 - a) noise``."""
        alpha_bar = self.alpha_bar[t][:, None, None]
        return alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * noise

    def draw_noise(self, n, n_timesteps):
        """The random inputs of :meth:`generate` (its starting noise), as keywords."""
        noise = torch.randn(n, n_timesteps, self.n_features, device=self.alpha_bar.device)
        return {"noise": noise}

    def generate(
        self, n, n_timesteps, condition=None, *, n_sampling_steps=None, guidance=None, noise=None
    ):
        """``n`` series ``(n, n_timesteps, n_features)`` in the [0, 1] training scale.

        The deterministic DDIM sampler draws nothing but its starting ``noise``.
        """
        n_sampling_steps = min(n_sampling_steps or self.n_sampling_steps, self.n_diffusion_steps)
        x = self.draw_noise(n, n_timesteps)["noise"] if noise is None else noise
        return self._ddim(x, self.n_diffusion_steps - 1, n_sampling_steps, condition, guidance)

    def vary(
        self,
        x,
        strength,
        condition=None,
        *,
        mask=None,
        n_sampling_steps=None,
        guidance=None,
        noise=None,
    ):
        """Variations of the series ``x`` ``(n, time, n_features)``, in the [0, 1] scale.

        Each series is noised to diffusion step ``round(strength * (n_diffusion_steps -
        1))`` and denoised back in ``round(strength * n_sampling_steps)`` DDIM steps (at
        least one): SDEdit (Meng et al., 2022). ``strength`` near 0 gives the series
        back, 1 a new series that shares nothing with it. ``noise`` (drawn if not
        given) is the Gaussian noise added; ``mask`` (1 at valid steps) hides padding
        from the denoiser.
        """
        n_sampling_steps = min(n_sampling_steps or self.n_sampling_steps, self.n_diffusion_steps)
        last = round(strength * (self.n_diffusion_steps - 1))
        x0 = 2 * x - 1
        if noise is None:
            noise = self.draw_noise(*x.shape[:2])["noise"]
        t = torch.full((len(x),), last, device=x.device, dtype=torch.long)
        start = self.noised(x0, t, noise)
        n_steps = max(1, round(strength * n_sampling_steps))
        return self._ddim(start, last, n_steps, condition, guidance, mask)

    def _ddim(self, x, last, n_steps, condition, guidance, mask=None):
        """Denoise ``x`` (at diffusion step ``last``) to step 0 in about ``n_steps`` DDIM
        steps; the clean series, mapped from [-1, 1] to the [0, 1] training scale."""
        guidance = self.guidance if guidance is None else guidance
        steps = torch.linspace(last, 0, n_steps, device=self.alpha_bar.device)
        steps = torch.unique_consecutive(steps.round().long())
        n = len(x)
        for i, step in enumerate(steps):
            t = step.expand(n)
            x0 = self.denoise(x, t, condition, mask)
            if condition is not None and guidance:
                unconditional = self.denoise(x, t, torch.zeros_like(condition), mask)
                x0 = x0 + guidance * (x0 - unconditional)
            x0 = x0.clamp(-1.0, 1.0)
            alpha_bar = self.alpha_bar[step]
            previous = self.alpha_bar[steps[i + 1]] if i + 1 < len(steps) else x0.new_tensor(1.0)
            noise = (x - alpha_bar.sqrt() * x0) / (1 - alpha_bar).sqrt()
            x = previous.sqrt() * x0 + (1 - previous).sqrt() * noise
        return (x + 1) / 2


class DiffusionObjective(nn.Module):
    """Denoising loss: mean squared error of the predicted clean series, plus
    ``fourier_weight`` times the squared error of their Fourier transforms over time."""

    def __init__(self, fourier_weight=0.1):
        super().__init__()
        self.fourier_weight = fourier_weight

    def forward(self, networks, batch, player):
        x0, mask = 2 * batch["x"] - 1, batch["mask"]
        n = len(x0)
        t = torch.randint(0, networks.n_diffusion_steps, (n,), device=x0.device)
        noise = torch.randn_like(x0)
        condition = batch.get("condition")
        if condition is not None:
            keep = torch.rand(n, 1, device=x0.device) >= _CONDITION_DROPOUT
            condition = condition * keep
        x_t = networks.noised(x0, t, noise)
        output = networks.network_output(x_t, t, condition, mask)
        predicted = networks.clean_from_output(output, x_t, t)
        if networks.prediction == "velocity":
            error = (output - networks.velocity(x0, t, noise)) ** 2
        else:
            error = (predicted - x0) ** 2
        denoising = masked_mean(error.mean(dim=2), mask)
        losses = {"loss": denoising, "denoising_loss": denoising}
        if self.fourier_weight:
            valid = mask[:, :, None]
            spectra = [torch.fft.rfft(z * valid, dim=1, norm="ortho") for z in (predicted, x0)]
            fourier = (spectra[0] - spectra[1]).abs().pow(2).mean()
            losses["fourier_loss"] = fourier
            losses["loss"] = denoising + self.fourier_weight * fourier
        return losses


class DiffusionSampler(_StaticAttributesMixin, _WeightSelectionMixin, BaseSequenceSampler):
    """Denoising-diffusion sampler for (multivariate) time series.

    Training adds Gaussian noise to the (scaled) training series at a random step of a
    cosine schedule of ``n_diffusion_steps`` (Ho et al., 2020; Nichol and Dhariwal,
    2021) and teaches a denoiser to recover the clean series from it; the loss is the
    squared error of the recovered series plus ``fourier_weight`` times that of their
    Fourier transforms over time, which Diffusion-TS (Yuan and Qiao, 2024) found to
    keep periodic structure. The denoiser (:class:`DiffusionNetworks`) reads the whole
    window at once: a small transformer encoder (``denoiser="transformer"``) or a
    dilated temporal convolution network (``"tcn"``), with a cubic trend head.
    Sampling starts from noise and denoises in ``n_sampling_steps`` deterministic DDIM
    steps (Song et al., 2021): fewer steps sample faster and coarser. It trains as the
    single player ``"denoiser"`` of the shared engine; by default it samples with a
    moving average of the weights, as diffusion models usually do.

    Fitted with ``y``, the denoiser sees the class; it also learns the unconditional
    model (the class is hidden in one batch row in ten), so that sampling can push the
    series towards their class with classifier-free guidance (Ho and Salimans, 2022)
    of weight ``guidance``: 0 samples the conditional model as it is, larger values
    give more typical series of the class and less variety, at twice the cost per step.

    Parameters
    ----------
    denoiser : {"transformer", "tcn"}, default="transformer"
        The network that reads the noised window.
    hidden_size : int or "auto", default="auto"
        Channels of the denoiser. "auto" gives each token at least twice as many
        channels as the values it carries (``patch_size_ * n_features``), rounded up to
        a power of two, from 32 to 256: 32 up to 16 values (univariate series up to
        512 steps, Sines' 5 features, the stock prices' 6), 64 for the appliance energy
        data's 28. On those 28 features 32 channels scored 0.39-0.43 on the
        discriminative score and 64 channels 0.17-0.19 in the same training time (3
        seeds, ``docs/benchmarks.md``). The fitted value is ``hidden_size_``.
    num_layers : int, default=2
        Transformer layers (the convolution network gets twice as many blocks).
    n_heads : int, default=4
        Attention heads of each transformer layer; must divide ``hidden_size``.
    patch_size : int or "auto", default="auto"
        Consecutive steps that the denoiser reads as one token. The cost of attention
        grows with the square of the number of tokens, so long series are cut into
        patches: "auto" uses ``ceil(n_timesteps / 64)`` (1, every step its own token,
        up to 64 steps; 5 for 275 steps). The fitted value is ``patch_size_``.
    prediction : {"auto", "velocity", "clean"}, default="auto"
        What the denoiser learns to predict: the "velocity" ``sqrt(a) noise -
        sqrt(1 - a) x0`` of Salimans and Ho (2022), with the loss the velocity's squared
        error (more weight on the low noise levels, where the fine movement of a series
        is decided), or the clean series, with the loss its squared error. "auto" uses
        "velocity" for numeric series and "clean" when the series have categorical
        channels. On the stock prices "clean" drew windows that move a fifth as much as
        real ones and "velocity" nearly as much, with better scores on every seed; on a
        sticky categorical channel "velocity" made the levels flicker
        (``docs/benchmarks.md``). The fitted choice is ``prediction_``.
    n_diffusion_steps : int, default=200
        Steps of the noise schedule in training.
    n_sampling_steps : int, default=50
        DDIM steps when sampling (more than ``n_diffusion_steps`` samples with every
        step); may be changed after ``fit``.
    guidance : float, default=0.0
        Weight of classifier-free guidance for a sampler fitted with ``y``; may be
        changed after ``fit``.
    fourier_weight : float, default=0.1
        Weight of the Fourier-domain term of the loss; 0 trains on the squared error
        alone.
    n_epochs : int, default=500
        Passes over the training data. Diffusion models want many updates: on a large
        data set, bound the time with ``max_time`` instead.
    batch_size : int or "auto", default="auto"
        Series per batch; "auto" uses ``min(128, n_series)``.
    lr : float, default=1e-3
        Adam learning rate.
    {selection_parameters}
    {runtime_parameters}
    {reliability_parameters}
    {long_frame_parameters}
    {static_parameters}

    Attributes
    ----------
    engine_ : sktsgan.nn.AdversarialNet
        The trained skorch net; ``engine_.module_`` is the denoiser.
    history_ : skorch.History
        Per epoch: ``denoiser_loss`` (what is minimised), ``denoising_loss`` and
        ``fourier_loss`` (its two terms), ``dur`` (seconds); ``diversity``: spread of
        generated series over real ones (see :doc:`/reliability`).
    scaler_ : sklearn.preprocessing.MinMaxScaler
        Per-feature scaling learned in ``fit``.
    patch_size_ : int
        Steps per token of the denoiser (``patch_size`` resolved).
    hidden_size_ : int
        Channels of the denoiser (``hidden_size`` resolved).
    prediction_ : {"velocity", "clean"}
        What the denoiser predicts (``prediction`` resolved).
    {data_attributes}
    device_ : str
        The device the sampler was trained on.

    See Also
    --------
    TimeGANSampler : Adversarial training in a learned latent space; one network pass
        per sample instead of ``n_sampling_steps``.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel. "Denoising diffusion probabilistic models".
       NeurIPS 2020.
    .. [2] A. Nichol and P. Dhariwal. "Improved denoising diffusion probabilistic
       models". ICML 2021.
    .. [3] J. Song, C. Meng and S. Ermon. "Denoising diffusion implicit models". ICLR
       2021.
    .. [4] X. Yuan and Y. Qiao. "Diffusion-TS: interpretable diffusion for general time
       series generation". ICLR 2024.
    .. [5] T. Salimans and J. Ho. "Progressive distillation for fast sampling of
       diffusion models". ICLR 2022.

    Examples
    --------
    >>> from sktsgan import DiffusionSampler
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(64, n_timesteps=12, n_features=2, random_state=0)
    >>> sampler = DiffusionSampler(hidden_size=16, n_epochs=2, random_state=0).fit(X)
    >>> sampler.sample(5).shape
    (5, 12, 2)
    """

    _categorical_channels = True

    _parameter_constraints: dict = {
        **BaseSequenceSampler._parameter_constraints,
        **_WeightSelectionMixin._parameter_constraints,
        **STATIC_CONSTRAINTS,
        "denoiser": [StrOptions({"transformer", "tcn"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "patch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "prediction": [StrOptions({"auto", "clean", "velocity"})],
        "n_diffusion_steps": [Interval(Integral, 2, None, closed="left")],
        "n_sampling_steps": [Interval(Integral, 1, None, closed="left")],
        "guidance": [Interval(Real, 0, None, closed="left")],
        "fourier_weight": [Interval(Real, 0, None, closed="left")],
    }
    _auto_batch_size = 128

    def __init__(
        self,
        *,
        denoiser="transformer",
        hidden_size="auto",
        num_layers=2,
        n_heads=4,
        patch_size="auto",
        prediction="auto",
        n_diffusion_steps=200,
        n_sampling_steps=50,
        guidance=0.0,
        fourier_weight=0.1,
        n_epochs=500,
        batch_size="auto",
        lr=1e-3,
        ema_decay=0.999,
        restore_best=False,
        max_time=None,
        n_init=1,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        warm_start=False,
        id_column=None,
        time_column=None,
        static_columns=None,
        static_sampler=None,
    ):
        self.denoiser = denoiser
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.n_heads = n_heads
        self.patch_size = patch_size
        self.prediction = prediction
        self.n_diffusion_steps = n_diffusion_steps
        self.n_sampling_steps = n_sampling_steps
        self.guidance = guidance
        self.fourier_weight = fourier_weight
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.ema_decay = ema_decay
        self.restore_best = restore_best
        self.max_time = max_time
        self.n_init = n_init
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.warm_start = warm_start
        self.id_column = id_column
        self.time_column = time_column
        self.static_columns = static_columns
        self.static_sampler = static_sampler

    @property
    def patch_size_(self):
        """Steps per token of the denoiser: ``patch_size`` resolved for the fitted length."""
        check_is_fitted(self, "n_timesteps_")
        if self.patch_size == "auto":
            return -(-self.n_timesteps_ // _TOKENS_PER_SERIES)
        return self.patch_size

    @property
    def hidden_size_(self):
        """Channels of the denoiser: ``hidden_size`` resolved for the fitted data."""
        check_is_fitted(self, "_engine_dims")
        return self._resolve_hidden_size(self._engine_dims[0])

    def _resolve_hidden_size(self, n_features):
        if self.hidden_size != "auto":
            return self.hidden_size
        wanted = 2 * n_features * self.patch_size_
        return min(max(_MIN_HIDDEN_SIZE, 1 << (wanted - 1).bit_length()), _MAX_HIDDEN_SIZE)

    @property
    def prediction_(self):
        """What the denoiser predicts: ``prediction`` resolved for the fitted channels."""
        check_is_fitted(self, "n_timesteps_")
        if self.prediction == "auto":
            # velocity draws series that move as real ones do, but made a sticky
            # categorical channel flicker (docs/benchmarks.md)
            return "clean" if self._categories() else "velocity"
        return self.prediction

    def _engine_params(self, n_features, n_classes):
        hidden_size = self._resolve_hidden_size(n_features)
        if self.denoiser == "transformer" and hidden_size % self.n_heads:
            raise ValueError(
                f"n_heads={self.n_heads} must divide hidden_size={hidden_size}: each "
                "attention head reads hidden_size / n_heads channels."
            )
        return {
            "module": DiffusionNetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__hidden_size": hidden_size,
            "module__num_layers": self.num_layers,
            "module__n_heads": self.n_heads,
            "module__patch_size": self.patch_size_,
            "module__prediction": self.prediction_,
            "module__denoiser": self.denoiser,
            "module__n_diffusion_steps": self.n_diffusion_steps,
            "module__n_sampling_steps": min(self.n_sampling_steps, _CHECK_SAMPLING_STEPS),
            "module__guidance": self.guidance,
            "criterion": DiffusionObjective,
            "criterion__fourier_weight": self.fourier_weight,
            "lr": self.lr,
        }

    def _training_phases(self, n_batches):
        return [TrainingPhase("denoising", (("denoiser", 1),), self.n_epochs)]

    def _generation_options(self):
        return {"n_sampling_steps": self.n_sampling_steps, "guidance": self.guidance}

    def vary(self, X, y=None, *, strength=0.4, random_state=None):
        """Variations of given series: each noised part of the way, then denoised.

        Each series of ``X`` is scaled as in ``fit``, noised to the diffusion step
        ``round(strength * (n_diffusion_steps - 1))`` and denoised back by the model in
        ``round(strength * n_sampling_steps)`` DDIM steps (SDEdit, Meng et al., 2022).
        The variation keeps the broad shape of its series and redraws the detail that
        the noise drowned, as the model learned it: ``strength`` near 0 gives the
        series back, 1 a new draw that owes nothing to it. On small labelled data sets
        variations stay nearer the real series than new draws do
        (:class:`~sktsgan.augment.VariationSampler`; measured in
        ``docs/benchmarks.md``, "Variations of real series").

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Series in any format ``fit`` reads, with the features seen in ``fit`` and
            at most ``n_timesteps_`` steps each; numeric channels only.
        y : label or array-like of shape (n_series,), default=None
            Only for a sampler fitted with ``y``: the class of each series (or one label
            for all), which the denoiser is told. ``None`` denoises with the
            unconditional model that such a sampler also learned.
        strength : float, default=0.4
            Share of the diffusion to go through, in ``[0, 1]``.
        random_state : int, RandomState instance or None, default=None
            Seed of the noise. ``None`` continues the stream of draws of ``sample``.

        Returns
        -------
        X_varied : ndarray, list of ndarray or DataFrame
            One variation of each series, in the container, lengths and dtypes of
            ``X``.

        Examples
        --------
        >>> import numpy as np
        >>> from sktsgan import DiffusionSampler
        >>> from sktsgan.datasets import make_sines
        >>> X = make_sines(32, n_timesteps=12, n_features=2, random_state=0)
        >>> sampler = DiffusionSampler(hidden_size=16, n_epochs=2, random_state=0).fit(X)
        >>> X_varied = sampler.vary(X[:3], strength=0.3, random_state=0)
        >>> X_varied.shape
        (3, 12, 2)
        """
        check_is_fitted(self, "engine_")
        name = type(self).__name__
        validate_parameter_constraints(
            {"strength": [Interval(Real, 0, 1, closed="both")]},
            {"strength": strength},
            caller_name=f"{name}.vary",
        )
        if self._categories():
            raise ValueError(
                f"{name}.vary reads numeric channels only, and this sampler was fitted on "
                "categorical channels too; draw new series with sample instead."
            )
        if getattr(self, "static_sampler_", None) is not None:
            raise ValueError(
                f"{name}.vary does not take static attributes, and this sampler was fitted "
                "with them; draw new series with sample instead."
            )
        classes = getattr(self, "classes_", None)
        if classes is None and y is not None:
            raise ValueError(
                f"{name} was fitted without class labels, so it cannot vary series of a "
                "given class; call vary(X) or refit with fit(X, y)."
            )
        data, input_format = check_fitted_sequences(self, X)
        if data.n_timesteps > self.n_timesteps_:
            raise ValueError(
                f"X has series of up to {data.n_timesteps} steps, but {name} was fitted on "
                f"at most {self.n_timesteps_}: cut the series to that length, or refit on "
                "series as long as these."
            )
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        n, length, n_features = data.values.shape
        codes = None if y is None else self._sample_codes(n, y, rng)
        device = self.engine_.device

        def vary_chunk(module, start, stop, condition):
            # at the training length, as the denoiser (and its trend head) saw series
            values = np.full((stop - start, self.n_timesteps_, n_features), np.nan)
            values[:, :length] = data.values[start:stop]
            lengths = data.lengths[start:stop]
            x = torch.from_numpy(self._encode_series(values, lengths)).to(device)
            mask = torch.from_numpy(time_mask(lengths, self.n_timesteps_))
            if condition is None and classes is not None:  # zeros: the unconditional model
                condition = torch.zeros(stop - start, len(classes), device=device)
            return module.vary(
                x,
                strength,
                condition,
                mask=mask.to(device, torch.float32),
                n_sampling_steps=self.n_sampling_steps,
                guidance=self.guidance,
            )

        out = np.full((n, length, n_features), np.nan, dtype=sample_dtype(input_format))
        chunk = max(1, self._steps_per_sampling_chunk // self.n_timesteps_)
        for start, stop, varied in self._generated_chunks(
            n, codes, chunk, draw_seed(rng), vary_chunk
        ):
            varied = unscale_series(self.scaler_, varied.astype(out.dtype, copy=False))
            valid = time_mask(data.lengths[start:stop], length)
            out[start:stop][valid] = varied[:, :length][valid]
        return restore_format(out, data.lengths, input_format)
