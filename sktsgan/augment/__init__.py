"""Augment training sets with synthetic series inside scikit-learn and imbalanced-learn.

:class:`GANAugmenter` is an imbalanced-learn sampler (``fit_resample``) for
:class:`imblearn.pipeline.Pipeline`; :class:`AugmentedClassifier` and
:class:`AugmentedRegressor` do the same inside plain scikit-learn. Cheap baselines
with the samplers' API (random over-sampling, jittering, scaling, time warping, SMOTE)
go wherever a GAN sampler goes, so a GAN has to beat them. :class:`ClassWiseSampler`
fits one sampler per class, for small data sets where a conditional model mixes the
classes up; :class:`VariationSampler` varies real series with a diffusion model of
each class instead of drawing new ones.
"""

from ._augmenter import GANAugmenter
from ._baselines import (
    JitterSampler,
    RandomSeriesSampler,
    ScalingSampler,
    SMOTESampler,
    TimeWarpSampler,
)
from ._class_wise import ClassWiseSampler
from ._meta import AugmentedClassifier, AugmentedRegressor
from ._variation import VariationSampler

__all__ = [
    "AugmentedClassifier",
    "AugmentedRegressor",
    "ClassWiseSampler",
    "GANAugmenter",
    "JitterSampler",
    "RandomSeriesSampler",
    "SMOTESampler",
    "ScalingSampler",
    "TimeWarpSampler",
    "VariationSampler",
]
