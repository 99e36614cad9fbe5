"""The sampler bases: the data contract, the fit/sample skeleton, the two encodings.

A model subclasses :class:`BaseSequenceSampler` (recurrent networks over series, scaled
per feature) or :class:`BaseTabularSampler` (dense networks over fixed-length vectors:
table rows, or whole series flattened, encoded by a
:class:`~sktsgan.preprocessing.TabularEncoder`) and fills two hooks:
``_engine_params(n_features, n_classes)`` (its networks and losses, as skorch
parameters of :class:`sktsgan.nn.AdversarialNet`) and ``_training_phases(n_batches)``
(its schedule). Reading the data, encoding, conditioning, seeding, devices, sampling in
batches and giving samples back in the user's format are done here, once.

The modules, one job each:

``_contract``
    The data contract every sampler shares, GAN or not (torch-free: the cheap baselines
    of :mod:`sktsgan.augment` build on it): reading every input format, the fitted
    book-keeping, drawing classes and lengths, ``sample`` and ``save``; the registry of
    sampler classes (:func:`sampler_classes`).
``_neural``
    :class:`BaseNeuralSampler`, the skeleton of every sampler that trains networks:
    ``fit`` builds the shared engine and trains it; seeded sampling in chunks; the
    moving-average and best-weight options of the GANs.
``_resume``
    ``warm_start``: the fingerprint of a run, and the state it continues from.
``_sequence``, ``_tabular``
    The two siblings over the neural base: how data is encoded for the networks and
    how drawn values are decoded.
"""

from ._contract import sampler_classes
from ._neural import BaseNeuralSampler
from ._sequence import BaseSequenceSampler
from ._tabular import BaseTabularSampler

__all__ = [
    "BaseNeuralSampler",
    "BaseSequenceSampler",
    "BaseTabularSampler",
    "sampler_classes",
]
