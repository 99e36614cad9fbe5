"""The data contract every sampler shares, GAN or not, and the registry of samplers.

``_SamplerMixin`` reads training data in every format with optional class labels,
stores the fitted book-keeping, draws the class (and the length) of each sample and
gives samples back in the training format; ``sample`` and ``save`` are defined here.
It imports no torch: the cheap baselines of :mod:`sktsgan.augment` build on it alone.
"""

from __future__ import annotations

import inspect

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..utils._docstrings import fill_docstring
from ..utils.validation import (
    check_labels,
    check_n_samples,
    check_sequences,
    restore_format,
    sample_dtype,
)

# what every sampler's docstring lists where it says {data_attributes}
_DATA_ATTRIBUTES = """\
n_features_in_ : int
    Number of features.
feature_names_in_ : ndarray of str
    Feature names, for DataFrame input with string column names.
n_timesteps_ : int
    Length of the longest training series.
n_samples_fit_ : int
    Number of training series (rows, for tabular input).
lengths_ : ndarray of shape (n_series,)
    Training series lengths; samples draw theirs from these.
classes_ : ndarray
    Class labels, for a sampler fitted with ``y``.
class_prior_ : ndarray
    Class frequencies in the training data; ``sample(n)`` draws classes from them."""

# ... and where it says {long_frame_parameters}
_LONG_FRAME_PARAMETERS = """\
id_column, time_column : str, default=None
    For a long DataFrame: the column naming each series, and the one ordering its
    steps."""

# every sampler class sktsgan defines, by name: the classes a model file may name
_SAMPLER_CLASSES = {}


def sampler_classes():
    """``{name: class}`` of every concrete sampler sktsgan defines (the model files'
    allow-list); classes register themselves when they are defined.

    Examples
    --------
    >>> import sktsgan
    >>> from sktsgan.base import sampler_classes
    >>> sampler_classes()["RCGANSampler"] is sktsgan.RCGANSampler
    True
    """
    return {name: cls for name, cls in _SAMPLER_CLASSES.items() if not inspect.isabstract(cls)}


def nested_params(sampler):
    """An unfitted sampler held by another (a parameter) as plain values for a model
    file: its class name and its parameters."""
    return {"class": type(sampler).__name__, "params": sampler.get_params(deep=False)}


def nested_state(sampler):
    """A fitted sampler held by another as plain values: its class name and state."""
    return {"class": type(sampler).__name__, "state": sampler._get_state()}


def sampler_from_params(spec):
    """The unfitted sampler that :func:`nested_params` described."""
    return _registered_class(spec)(**spec["params"])


def sampler_from_state(spec, device):
    """The fitted sampler that :func:`nested_state` described, networks on ``device``."""
    return _registered_class(spec)._from_state(spec["state"], device)


def nest_samplers(state, param, attribute):
    """``state`` (of :meth:`_SamplerMixin._get_state`) with the sampler parameter ``param``
    and the fitted sampler, or list of samplers, ``attribute`` as plain values."""
    params, fitted = dict(state["params"]), dict(state["fitted"])
    if params[param] is not None:
        params[param] = nested_params(params[param])
    if attribute in fitted:
        held = fitted[attribute]
        fitted[attribute] = (
            [nested_state(sampler) for sampler in held]
            if isinstance(held, list)
            else nested_state(held)
        )
    return {**state, "params": params, "fitted": fitted}


def unnest_samplers(state, param, attribute, device):
    """The ``state`` that :func:`nest_samplers` made, its samplers rebuilt on ``device``."""
    params, fitted = dict(state["params"]), dict(state["fitted"])
    if params.get(param) is not None:
        params[param] = sampler_from_params(params[param])
    held = fitted.get(attribute)
    if type(held) is list:
        fitted[attribute] = [sampler_from_state(spec, device) for spec in held]
    elif held is not None:
        fitted[attribute] = sampler_from_state(held, device)
    return {**state, "params": params, "fitted": fitted}


def _registered_class(spec):
    """The sampler class a model file names for a nested sampler; only sktsgan's own."""
    classes = sampler_classes()
    if type(spec) is not dict or spec.get("class") not in classes:
        name = spec.get("class") if type(spec) is dict else spec
        raise ValueError(f"the sampler {name!r} the file names is not one of sktsgan's samplers")
    return classes[spec["class"]]


class _SamplerMixin:
    """What every sampler shares, GAN or not: the data contract and ``sample``.

    Reads training data in every format (:func:`~sktsgan.utils.validation.check_sequences`)
    with optional class labels, stores the fitted book-keeping, draws the class (and the
    length) of each sample and gives samples back in the training format. A subclass
    fills ``_draw(n, codes, rng, static_draw)`` and names in ``_fitted_attribute`` the
    attribute that ``fit`` sets last.
    """

    # fewest training series accepted
    _min_series = 2
    # whether a long DataFrame's category, object and string columns are read as
    # categorical channels (learned as one-hot blocks) instead of refused
    _categorical_channels = False
    # how a fit with class labels is called, for messages
    _fit_with_labels = "fit(X, y)"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fill_docstring(
            cls, data_attributes=_DATA_ATTRIBUTES, long_frame_parameters=_LONG_FRAME_PARAMETERS
        )
        # public classes of the package only, never those of its tests (whether a class
        # is abstract is known only once it is made: sampler_classes() checks it)
        module = cls.__module__
        if (
            module.split(".")[0] == "sktsgan"
            and ".tests" not in module
            and not cls.__name__.startswith("_")
        ):
            _SAMPLER_CLASSES[cls.__name__] = cls

    # set only once fit succeeded: sample() before it raises NotFittedError
    _fitted_attribute = "n_samples_fit_"

    def sample(self, n, y=None, *, random_state=None):
        """Draw ``n`` synthetic series in the format and units of the training data.

        Parameters
        ----------
        n : int
            Number of series (rows, for tabular input) to draw.
        y : label or array-like of shape (n,), default=None
            Only for a sampler fitted with ``y``: the class of each series, or one label
            for all. ``None`` draws classes from the training class frequencies.
        random_state : int, RandomState instance or None, default=None
            Seed for this draw. ``None`` continues a stream seeded by the sampler's
            ``random_state`` at fit time: successive calls give new series, and the same
            fitted sampler (or its pickle) gives the same sequence of draws.

        Returns
        -------
        X : ndarray, list of ndarray or DataFrame
            Same kind of object as the training ``X``. Variable-length training data
            gives variable-length samples, lengths drawn from the training lengths.
        y : ndarray of shape (n,)
            The class of each series; returned only by a sampler fitted with ``y``.
        """
        return self._sample(n, y, random_state=random_state)

    def _sample(self, n, y, *, static=None, random_state=None):
        """``sample``, with the static attributes of a sampler that takes them."""
        check_is_fitted(self, self._fitted_attribute)
        itemsize = sample_dtype(self._input_format).itemsize
        n = check_n_samples(n, bytes_per_sample=self.n_timesteps_ * self.n_features_in_ * itemsize)
        rng = self._sampling_rng if random_state is None else check_random_state(random_state)
        codes = self._sample_codes(n, y, rng)
        # drawn after the classes and before the series: a sampler without attributes
        # draws exactly what it drew before they existed
        static_draw = self._static_draw(n, codes, static, rng)
        values, lengths = self._draw(n, codes, rng, static_draw)
        return self._sample_output(self._restore(values, lengths), codes, static_draw)

    def _static_draw(self, n, codes, static, rng):
        """The attributes of the ``n`` series to draw (a ``StaticDraw``), or None."""
        return None

    def _sample_output(self, X, codes, static_draw):
        """What ``sample`` returns: ``X``, and the classes of a conditional sampler."""
        return X if codes is None else (X, self.classes_[codes])

    def save(self, path):
        """Save the fitted sampler to a file that loads without running any code.

        The file is a zip archive: parameters and fitted attributes as JSON, network
        weights as tensors, arrays as ``.npy``, each entry with its SHA-256.
        :func:`sktsgan.load` reads it back with torch's weights-only loading and never
        unpickles an object, so a file from an untrusted source cannot run code. The
        loaded sampler gives the same samples and continues the same stream of draws.
        pickle and joblib work too, for trusted files.

        Parameters
        ----------
        path : str or path-like
            File to write; an existing file is replaced only once the new one is
            complete.

        Raises
        ------
        NotFittedError
            If the sampler is not fitted.
        ValueError
            If a parameter or fitted attribute holds a value the format cannot store
            (skorch callbacks, class labels other than str, int, float or bool); the
            message names it and the fix.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import sktsgan
        >>> from sktsgan.augment import JitterSampler
        >>> from sktsgan.datasets import make_sines
        >>> X = make_sines(10, n_timesteps=8, random_state=0)
        >>> sampler = JitterSampler(random_state=0).fit(X)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "jitter.sktsgan"
        >>> sampler.save(path)
        >>> loaded = sktsgan.load(path)
        >>> bool((loaded.sample(3) == sampler.sample(3)).all())
        True
        """
        # the format layer writes torch weights: imported here, so that this module (and
        # the torch-free baselines built on it) do not import torch
        from .._persistence import save_sampler

        save_sampler(self, path, sampler_classes())

    def _get_state(self):
        """What this fitted sampler is, as values a model file stores.

        Returns ``{"params", "fitted", "engine"}``: the constructor's parameters, every
        other attribute (fitted attributes and private state: plain values, arrays and
        the few fitted objects the format knows), and the state of the trained engine
        (None for a sampler without one). :meth:`_from_state` rebuilds the sampler;
        :mod:`sktsgan._persistence` writes and reads it without knowing what it holds.
        """
        check_is_fitted(self, self._fitted_attribute)
        params = self.get_params(deep=False)
        fitted = {key: value for key, value in vars(self).items() if key not in params}
        engine = fitted.pop("engine_", None)
        return {
            "params": params,
            "fitted": fitted,
            "engine": None if engine is None else self._engine_state(engine),
        }

    @classmethod
    def _from_state(cls, state, device="cpu"):
        """The fitted sampler that :meth:`_get_state` described, networks on ``device``."""
        params, fitted = state["params"], state["fitted"]
        if any(type(key) is not str or key in params for key in fitted):
            raise ValueError("the fitted attributes must be names other than the parameters")
        estimator = cls(**params)
        estimator.__dict__.update(fitted)
        if state["engine"] is not None:
            estimator.engine_ = estimator._engine_from_state(state["engine"], device)
        check_is_fitted(estimator, estimator._fitted_attribute)
        return estimator

    def _engine_state(self, engine):
        raise TypeError(f"{type(self).__name__} has no engine to save")

    def _engine_from_state(self, state, device):
        raise TypeError(f"{type(self).__name__} has no engine to load")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.three_d_array = True
        # allow_nan stays False: NaN is read only as the trailing padding of 3-D series,
        # and refused anywhere else (scikit-learn's checks put it in 2-D rows)
        return tags

    def _draw(self, n, codes, rng, static_draw=None):
        """Samples ``(n, n_timesteps_, n_features_in_)`` in original units, and lengths.

        ``static_draw`` holds the attributes of each series, for a sampler fitted with
        static attributes.
        """
        raise NotImplementedError

    def _restore(self, values, lengths):
        """What ``_draw`` made, in the container and dtypes of the training data."""
        return restore_format(values, lengths, self._input_format)

    def _read_training_data(self, X, y):
        """Check ``X`` (every format) and ``y``; returns ``(data, input_format, labels)``."""
        name = type(self).__name__
        data, input_format = check_sequences(
            X,
            id_column=self.id_column,
            time_column=self.time_column,
            estimator_name=name,
            min_series=self._min_series,
            allow_categorical=self._categorical_channels,
        )
        labels = check_labels(y, data.n_series, estimator_name=name) if y is not None else None
        return data, input_format, labels

    def _store_data_info(self, data, input_format, labels):
        """Set the fitted attributes that describe the training data.

        A refit forgets what the data no longer has: feature names after a DataFrame,
        classes after a fit with ``y``.
        """
        for name in ("feature_names_in_", "classes_", "class_prior_", "_label_codes"):
            self.__dict__.pop(name, None)
        self._input_format = input_format
        self.n_features_in_ = data.n_features
        if input_format.columns is not None and all(
            isinstance(c, str) for c in input_format.columns
        ):
            self.feature_names_in_ = np.asarray(input_format.columns, dtype=object)
        self.n_timesteps_ = data.n_timesteps
        self.n_samples_fit_ = data.n_series
        self.lengths_ = data.lengths
        if labels is not None:
            self.classes_ = labels.classes
            self.class_prior_ = np.bincount(labels.codes) / data.n_series
            self._label_codes = labels.codes

    def _sample_codes(self, n, y, rng, *, argument="y"):
        """Integer class codes of the series to draw, or None for an unconditional sampler.

        ``argument`` names ``y`` in the messages.
        """
        classes = getattr(self, "classes_", None)
        if classes is None:
            if y is not None:
                raise ValueError(
                    f"{type(self).__name__} was fitted without class labels, so it cannot "
                    f"draw series of a given class; call sample(n) or refit with "
                    f"{self._fit_with_labels}."
                )
            return None
        if y is None:
            return rng.choice(len(classes), size=n, p=self.class_prior_)
        labels = [y] * n if np.ndim(y) == 0 else list(np.asarray(y, dtype=object).ravel())
        if np.ndim(y) > 1 or len(labels) != n:
            raise ValueError(
                f"{argument} must be one label or {n} labels (one per sample), got shape "
                f"{np.shape(y)}."
            )
        index = {label: code for code, label in enumerate(classes.tolist())}
        unknown = {label for label in labels if label not in index}
        if unknown:
            raise ValueError(
                f"Unknown class label(s) {sorted(unknown, key=str)}; the sampler knows "
                f"{classes.tolist()}."
            )
        return np.fromiter((index[label] for label in labels), dtype=np.int64, count=n)

    def _sample_lengths(self, n, codes, rng):
        """Series lengths drawn from the training lengths (of the same class)."""
        if np.all(self.lengths_ == self.n_timesteps_):
            return np.full(n, self.n_timesteps_, dtype=np.int64)
        if codes is None:
            return rng.choice(self.lengths_, size=n)
        lengths = np.empty(n, dtype=np.int64)
        for code in np.unique(codes):
            where = codes == code
            lengths[where] = rng.choice(self.lengths_[self._label_codes == code], size=where.sum())
        return lengths
