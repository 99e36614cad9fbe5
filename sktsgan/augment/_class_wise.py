"""One sampler per class: class-conditional generation without a conditional model.

A conditional sampler learns every class in one network and is told the class through
its condition vector. On small data sets (a handful of series per class) that often
fails: the model learns what the classes share and ignores the label, and its draws of
one class look like another (``docs/benchmarks.md``, "Small labelled sets": on
PickupGestureWiimoteZ, 10 classes of 5 series, the nearest real series of only 6-13 %
of the conditional draws had their class). :class:`ClassWiseSampler` fits a clone of
an unconditional sampler on each class alone, so a draw of a class can only come from
that class's series.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods

from ..base._contract import _SamplerMixin, nest_samplers, sampler_classes, unnest_samplers
from ..utils._random import draw_seed
from ..utils.validation import sample_dtype


def seeded_clone(template, rng=None):
    """An unfitted clone of ``template``, seeded from ``rng`` where it has no seed.

    A template whose ``random_state`` is set keeps it; with ``rng`` None (the caller
    unseeded) the clone is left as it is.
    """
    sampler = clone(template)
    if rng is not None and sampler.get_params().get("random_state", 0) is None:
        sampler.set_params(random_state=draw_seed(rng))
    return sampler


class ClassWiseSampler(_SamplerMixin, BaseEstimator):
    """One clone of a sampler per class, each fitted on the series of its class alone.

    ``fit(X, y)`` fits a clone of ``sampler`` on the series of each class, without
    labels; ``sample(n, y)`` draws each series from the model of its class. Use it
    where a conditional sampler mixes the classes up: small data sets with few series
    per class (measured in ``docs/benchmarks.md``, "Small labelled sets"). The price is
    one fit per class, each on fewer series, and no sharing of what the classes have
    in common.

    Reads the formats of the sequence samplers (3-D array, NaN-padded, list of series
    of different lengths, 2-D rows, wide or long DataFrame; numeric channels only) and
    gives samples back in the training format, in the training dtypes. Each class's
    series keep the lengths of that class.

    Parameters
    ----------
    sampler : sampler object, default=None
        Unfitted sampler with ``fit(X)`` and ``sample(n)``, cloned once per class.
        ``None`` means :class:`~sktsgan.DiffusionSampler` at its defaults. A sampler
        whose ``random_state`` is None gets a seed of its own in each class, drawn from
        ``random_state`` (when that is not None either).
    random_state : int, RandomState instance or None, default=None
        Seeds the per-class samplers (those whose own ``random_state`` is None) and the
        stream of draws of ``sample``.
    {long_frame_parameters}

    Attributes
    ----------
    samplers_ : list of sampler objects
        The fitted clone of each class, in the order of ``classes_``.
    {data_attributes}

    See Also
    --------
    GANAugmenter : Adds the draws to a training set; takes this sampler like any other.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.augment import ClassWiseSampler
    >>> rng = np.random.RandomState(0)
    >>> X = np.concatenate([rng.normal(2, 0.1, (8, 6, 1)), rng.normal(-2, 0.1, (8, 6, 1))])
    >>> y = np.array(["high"] * 8 + ["low"] * 8)
    >>> sampler = ClassWiseSampler(RCGANSampler(hidden_size=8, n_epochs=2), random_state=0)
    >>> X_new, y_new = sampler.fit(X, y).sample(4, y=["high", "low", "high", "low"])
    >>> X_new.shape, y_new.tolist()
    ((4, 6, 1), ['high', 'low', 'high', 'low'])
    """

    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit", "sample"]), None],
        "random_state": ["random_state"],
        "id_column": "no_validation",
        "time_column": "no_validation",
    }
    _fitted_attribute = "samplers_"

    def __init__(self, sampler=None, *, random_state=None, id_column=None, time_column=None):
        self.sampler = sampler
        self.random_state = random_state
        self.id_column = id_column
        self.time_column = time_column

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit a clone of ``sampler`` on the series of each class.

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data.
        y : array-like of shape (n_series,)
            Class labels, one per series; each class needs as many series as the
            sampler fits on (two at least).

        Returns
        -------
        self : object
            The fitted sampler.
        """
        name = type(self).__name__
        if y is None:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None: it fits one "
                "sampler per class and needs the class labels: call fit(X, y). For "
                "unlabelled data, use the sampler itself."
            )
        data, input_format, labels = self._read_training_data(X, y)
        rng = check_random_state(self.random_state)
        template = self._template()
        samplers = []
        for code, label in enumerate(labels.classes.tolist()):
            members = labels.codes == code
            longest = data.lengths[members].max()
            sampler = seeded_clone(template, rng if self.random_state is not None else None)
            try:
                sampler.fit(data.values[members, :longest])
            except ValueError as exc:
                raise ValueError(
                    f"{name} could not fit {type(sampler).__name__} on class {label!r} "
                    f"({members.sum()} series): {exc}"
                ) from exc
            samplers.append(sampler)
        self._store_data_info(data, input_format, labels)
        self._sampling_rng = np.random.RandomState(draw_seed(rng))
        self.samplers_ = samplers
        return self

    def _template(self):
        if self.sampler is not None:
            return self.sampler
        # looked up in the registry: the augmenters import no torch model at import time
        return sampler_classes()["DiffusionSampler"]()

    def _draw(self, n, codes, rng, static_draw=None):
        values = np.full(
            (n, self.n_timesteps_, self.n_features_in_),
            np.nan,
            dtype=sample_dtype(self._input_format),
        )
        lengths = np.empty(n, dtype=np.int64)
        for code in np.unique(codes):
            where = np.flatnonzero(codes == code)
            drawn = self.samplers_[code].sample(len(where), random_state=draw_seed(rng))
            drawn = np.asarray(drawn, dtype=values.dtype)
            values[where, : drawn.shape[1]] = drawn
            # the class's own samplers pad shorter series with NaN at the end
            lengths[where] = (~np.isnan(drawn).all(axis=2)).sum(axis=1)
        return values, lengths

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    # -- state: the template and the per-class samplers, as plain values --------------

    def _get_state(self):
        return nest_samplers(super()._get_state(), "sampler", "samplers_")

    @classmethod
    def _from_state(cls, state, device="cpu"):
        if type(state["fitted"].get("samplers_")) is not list:
            raise ValueError("the per-class samplers must be stored as a list")
        return super()._from_state(unnest_samplers(state, "sampler", "samplers_", device), device)
