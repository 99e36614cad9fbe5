"""The base of the samplers that learn series with recurrent networks."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import MinMaxScaler

from ..utils._channels import channel_blocks, decode_channels, encode_channels, numeric_channels
from ..utils._random import draw_seed
from ..utils._scaling import fit_series_scaler
from ..utils.validation import sample_dtype, time_mask
from ._neural import BaseNeuralSampler


class BaseSequenceSampler(BaseNeuralSampler):
    """Base class for the samplers that learn a distribution of series.

    Not for direct use: see :class:`sktsgan.RCGANSampler`.

    The series are scaled per feature into [0, 1] (``scaler_``, a
    :class:`~sklearn.preprocessing.MinMaxScaler` fitted on every valid step) and fed to
    the networks as ``(n_series, n_timesteps, n_features)`` tensors with a mask of the
    valid steps; generated series are mapped back to original units, within the
    training range of each feature. Subclasses' modules provide
    ``generate(n, n_timesteps, condition)``.

    A subclass that sets ``_categorical_channels = True`` also reads the category,
    object and string columns of a long DataFrame as categorical channels: ``scaler_``
    then learns the numeric channels only (None if there are none), each categorical
    channel enters the networks as a one-hot block (``_channel_blocks``, which the
    model passes to its networks as ``blocks``) and a generated block becomes its most
    likely level.
    """

    # Generate about this many time steps per chunk: memory stays flat for any ``n``.
    # Larger chunks are no faster on a CPU (2^15 sampled fastest on one thread, 2^16 no
    # faster on two; docs/benchmarks.md) and cost memory.
    _steps_per_sampling_chunk = 2**15

    def _encode_training_data(self, data, labels, device):
        """Fit ``scaler_``; the scaled series ``x`` and the ``mask`` of valid steps."""
        categories = self._categories()
        if categories:
            # the scaler learns the numeric channels; each categorical one is a one-hot
            # block, which the networks generate through a softmax
            self._channel_blocks = channel_blocks(data.n_features, categories)
            numeric = numeric_channels(data.n_features, categories)
            steps = data.valid_steps()[:, numeric]
            self.scaler_ = MinMaxScaler().fit(steps) if numeric else None
        else:
            self._channel_blocks = None
            self.scaler_ = fit_series_scaler(data)
        return self._scaled_tensors(data, labels, device)

    def _encode_series(self, values, lengths, *, dtype=np.float32):
        """Series in original units as the networks read them (padding 0)."""
        return encode_channels(self.scaler_, values, lengths, self._categories(), dtype=dtype)

    def _categories(self):
        """``{channel: levels}`` of the categorical channels of the training data."""
        return getattr(self._input_format, "categories", None) or {}

    def _scaled_tensors(self, data, labels, device):
        """The training tensors, once ``scaler_`` is fitted (a model may cut them else)."""
        # straight into float32: the only full copy of the data that fit holds is the
        # training tensor itself
        scaled = self._encode_series(data.values, data.lengths)
        mask = time_mask(data.lengths, data.n_timesteps)
        return {
            "x": torch.from_numpy(scaled).to(device),
            "mask": torch.from_numpy(mask).to(device, torch.float32),
        }

    def _draw(self, n, codes, rng, static_draw=None):
        lengths = self._sample_lengths(n, codes, rng)
        static_rows = None if static_draw is None else static_draw.encoded
        return self._generate(n, codes, seed=draw_seed(rng), static_rows=static_rows), lengths

    def _generation_options(self):
        """Keyword arguments of the module's ``generate`` when sampling (none here)."""
        return {}

    def _generate(self, n, codes, *, seed, static_rows=None):
        """Generate scaled series in chunks and map them back to original units."""
        t, d = self.n_timesteps_, self.n_features_in_
        out = np.empty((n, t, d), dtype=sample_dtype(self._input_format))
        options = self._generation_options()
        chunks = self._generated_chunks(
            n, codes, max(1, self._steps_per_sampling_chunk // t), seed,
            # not "start": that is one of C-RNN-GAN's random inputs
            lambda module, first, stop, condition, **inputs: module.generate(
                stop - first, t, condition, **options, **inputs
            ),
            static_rows,
            draw=lambda module, size: module.draw_noise(size, t),
        )  # fmt: skip
        categories = self._categories()
        for start, stop, scaled in chunks:
            # in the output dtype: float32 arithmetic would cut float64 data to 7 digits
            scaled = scaled.astype(out.dtype, copy=False)
            out[start:stop] = decode_channels(self.scaler_, scaled, categories, d)
        return out
