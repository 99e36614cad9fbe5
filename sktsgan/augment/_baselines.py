"""Cheap augmentation baselines with the samplers' API: copy, jitter, scale, warp, SMOTE.

None of them learns a distribution: each draws real training series (of the class
asked for) and perturbs them, or interpolates between two of them. They read every
input format the GAN samplers read and give samples back the same way, so they go
wherever a GAN sampler goes (:class:`~sktsgan.augment.GANAugmenter`, a TSTR score, a
grid over ``ganaugmenter__sampler``) and a GAN has to beat them to earn its training
time. Each keeps a copy of its training series, as a nearest-neighbour model does.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from scipy.interpolate import CubicSpline
from sklearn.base import BaseEstimator, _fit_context
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from ..base._contract import _SamplerMixin
from ..utils._docstrings import fill_docstring
from ..utils._random import draw_seed

# Time-warp speeds are clipped to at least this, so that warped time always moves forward.
_MIN_SPEED = 1e-2

# every baseline's docstring names these where it says {baseline_formats} ...
_BASELINE_FORMATS = """\
Reads every input format of the GAN samplers (3-D array, NaN-padded, list of series
of different lengths, 2-D rows, wide or long DataFrame) and gives samples back in it,
in the training dtypes (integer features rounded). Fitted with ``y``, ``sample``
returns ``(X, y)``: classes drawn at the training frequencies, or those asked for."""
# ... {baseline_parameters} (the long-frame snippet is filled in after it) ...
_BASELINE_PARAMETERS = """\
random_state : int, RandomState instance or None, default=None
    Seeds the stream of draws of ``sample``. The global numpy random state is
    never touched.
{long_frame_parameters}"""
# ... and {um_reference}: the paper the jitter, scaling and warping baselines come from
_UM_REFERENCE = """\
.. [1] T. T. Um, F. M. J. Pfister, D. Pichler, S. Endo, M. Lang, S. Hirche, U.
   Fietzek and D. Kulić. "Data augmentation of wearable sensor data for
   Parkinson's disease monitoring using convolutional neural networks". ICMI 2017."""


class _BaselineSampler(_SamplerMixin, BaseEstimator, metaclass=ABCMeta):
    """Base of the baselines: keep the training series, draw from them in ``sample``.

    A subclass learns what it needs in ``_fit_baseline(data, labels)`` (called before
    anything is stored, so it may refuse the data) and draws in ``_draw``.
    """

    _parameter_constraints: dict = {
        "random_state": ["random_state"],
        "id_column": "no_validation",
        "time_column": "no_validation",
    }
    # set last in fit
    _fitted_attribute = "_values"

    def __init_subclass__(cls, **kwargs):
        # before the sampler contract's snippets, which {baseline_parameters} holds
        fill_docstring(
            cls,
            baseline_formats=_BASELINE_FORMATS,
            baseline_parameters=_BASELINE_PARAMETERS,
            um_reference=_UM_REFERENCE,
        )
        super().__init_subclass__(**kwargs)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the training series (and their classes, if ``y`` is given).

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data, in any format the GAN samplers read.
        y : array-like of shape (n_series,), default=None
            Class labels (any hashable type), one per series, at least two series per
            class. When given, ``sample`` draws series of a class from the training
            series of that class and returns ``(X, y)``.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        data, input_format, labels = self._read_training_data(X, y)
        self._fit_baseline(data, labels)
        self._store_data_info(data, input_format, labels)
        rng = check_random_state(self.random_state)
        self._sampling_rng = np.random.RandomState(draw_seed(rng))
        values = data.values
        if isinstance(X, np.ndarray) and np.may_share_memory(values, X):
            values = values.copy()  # keep our own copy, not a view of the user's array
        self._values = values
        return self

    def _fit_baseline(self, data, labels):
        """Learn what sampling needs from the checked data; nothing by default."""

    def _pick_series(self, n, codes, rng):
        """Indices of ``n`` training series drawn uniformly, within the class of each code."""
        if codes is None:
            return rng.randint(self.n_samples_fit_, size=n)
        index = np.empty(n, dtype=np.intp)
        for code in np.unique(codes):
            where = np.flatnonzero(codes == code)
            members = np.flatnonzero(self._label_codes == code)
            index[where] = members[rng.randint(len(members), size=len(where))]
        return index


class _PerturbingSampler(_BaselineSampler):
    """A random training series of the requested class, perturbed by ``_perturb``.

    Each sample keeps the length of the series it was drawn from, so lengths follow the
    training lengths of the class.
    """

    def _draw(self, n, codes, rng, static_draw=None):
        index = self._pick_series(n, codes, rng)
        lengths = self.lengths_[index]
        return self._perturb(self._values[index], lengths, rng), lengths

    @abstractmethod
    def _perturb(self, values, lengths, rng):
        """Perturb a batch ``(n, n_timesteps_, n_features_in_)`` of copies of training series.

        Steps past ``lengths`` are NaN and ignored. May work in place; returns the batch.
        """


class RandomSeriesSampler(_PerturbingSampler):
    """Random over-sampling: copies of training series of the requested class.

    Each drawn series is an exact copy of a training series of its class, chosen
    uniformly with replacement; a variable-length series keeps its own length. The
    simplest baseline: any sampler that does not beat it on a downstream task adds
    nothing but duplicates.

    {baseline_formats}

    Parameters
    ----------
    {baseline_parameters}

    Attributes
    ----------
    {data_attributes}

    See Also
    --------
    imblearn.over_sampling.RandomOverSampler : The same for tabular rows.
    JitterSampler : Copies plus Gaussian noise.
    SMOTESampler : Interpolations between neighbouring series of a class.

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.augment import RandomSeriesSampler
    >>> X = np.arange(24.0).reshape(4, 3, 2)  # 4 series of 3 steps and 2 features
    >>> sampler = RandomSeriesSampler(random_state=0).fit(X, y=["a", "a", "b", "b"])
    >>> X_new, y_new = sampler.sample(3, y="b")
    >>> X_new[:, 0], y_new.tolist()  # first steps: those of series 2 or 3
    (array([[12., 13.], [18., 19.], [12., 13.]]), ['b', 'b', 'b'])
    """

    def __init__(self, *, random_state=None, id_column=None, time_column=None):
        self.random_state = random_state
        self.id_column = id_column
        self.time_column = time_column

    def _perturb(self, values, lengths, rng):
        return values


class JitterSampler(_PerturbingSampler):
    """Jittering: training series of the requested class plus Gaussian noise.

    Each drawn series is a random training series of its class (uniform, with
    replacement) with independent Gaussian noise added to every step and feature. The
    noise of feature ``j`` has standard deviation ``sigma * feature_std_[j]``, the
    feature's standard deviation over every valid training step, so one ``sigma`` suits
    features of any scale; a constant feature stays constant. Values are not clipped:
    samples can leave the training range.

    {baseline_formats}

    Parameters
    ----------
    sigma : float, default=0.03
        Noise standard deviation, as a fraction of each feature's standard deviation.
        0 gives copies of training series.
    {baseline_parameters}

    Attributes
    ----------
    feature_std_ : ndarray of shape (n_features,)
        Standard deviation of each feature over the valid steps of the training data.
    {data_attributes}

    See Also
    --------
    ScalingSampler : Multiply each feature by a random factor instead.
    TimeWarpSampler : Distort the time axis instead.

    References
    ----------
    {um_reference}

    Examples
    --------
    >>> from sktsgan.augment import JitterSampler
    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(20, n_timesteps=16, random_state=0)
    >>> sampler = JitterSampler(sigma=0.1, random_state=0).fit(X, y)
    >>> X_new, y_new = sampler.sample(5, y="sine")
    >>> X_new.shape, y_new.tolist()
    ((5, 16, 1), ['sine', 'sine', 'sine', 'sine', 'sine'])
    """

    _parameter_constraints: dict = {
        **_BaselineSampler._parameter_constraints,
        "sigma": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, sigma=0.03, random_state=None, id_column=None, time_column=None):
        self.sigma = sigma
        self.random_state = random_state
        self.id_column = id_column
        self.time_column = time_column

    def _fit_baseline(self, data, labels):
        self.feature_std_ = np.std(data.valid_steps(), axis=0)

    def _perturb(self, values, lengths, rng):
        noise = rng.standard_normal(values.shape)
        noise *= self.sigma * self.feature_std_
        values += noise
        return values


class ScalingSampler(_PerturbingSampler):
    """Magnitude scaling: training series of the requested class, each feature rescaled.

    Each drawn series is a random training series of its class (uniform, with
    replacement) with every feature multiplied by its own factor drawn from
    ``N(1, sigma)``, one factor per series and feature, constant along time: the shape of
    the series is kept and its amplitude (and level) change. Values are not clipped:
    samples can leave the training range (and change sign, if a factor is negative).

    {baseline_formats}

    Parameters
    ----------
    sigma : float, default=0.1
        Standard deviation of the factors. 0 gives copies of training series.
    {baseline_parameters}

    Attributes
    ----------
    {data_attributes}

    See Also
    --------
    JitterSampler : Add noise to every step instead.
    TimeWarpSampler : Distort the time axis instead.

    References
    ----------
    {um_reference}

    Examples
    --------
    >>> from sktsgan.augment import ScalingSampler
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(20, n_timesteps=12, n_features=3, random_state=0)
    >>> ScalingSampler(sigma=0.2, random_state=0).fit(X).sample(4).shape
    (4, 12, 3)
    """

    _parameter_constraints: dict = {
        **_BaselineSampler._parameter_constraints,
        "sigma": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, sigma=0.1, random_state=None, id_column=None, time_column=None):
        self.sigma = sigma
        self.random_state = random_state
        self.id_column = id_column
        self.time_column = time_column

    def _perturb(self, values, lengths, rng):
        n, _, d = values.shape
        values *= rng.normal(1.0, self.sigma, size=(n, 1, d))
        return values


class TimeWarpSampler(_PerturbingSampler):
    """Time warping: training series of the requested class read along a random clock.

    Each drawn series is a random training series of its class (uniform, with
    replacement), of length ``L``, resampled along a smooth random distortion of its
    time axis, the same for all its features:

    1. draw speeds from ``N(1, sigma)`` at ``n_knots + 2`` evenly spaced knots over
       ``[0, L - 1]`` and interpolate them to every step with a cubic spline
       (:class:`scipy.interpolate.CubicSpline`); clip them to at least 0.01, so that
       time never stops or runs backwards;
    2. accumulate the speeds into a warped clock, rescaled to run from 0 to ``L - 1``;
    3. step ``t`` of the sample is the series at warped time ``clock[t]``, linearly
       interpolated between its two neighbouring steps.

    Where the speed is above 1 the series is played faster (compressed), below 1 slower
    (stretched). The sample keeps the length of its series and its first and last
    values; values stay within the range of the series. Series of one or two steps
    (and tabular rows) have no interior to warp and are copied.

    {baseline_formats}

    Parameters
    ----------
    sigma : float, default=0.2
        Standard deviation of the speeds at the knots. 0 gives copies.
    n_knots : int, default=4
        Number of interior knots of the speed curve: more knots, more wiggles.
    {baseline_parameters}

    Attributes
    ----------
    {data_attributes}

    See Also
    --------
    JitterSampler : Add noise to every step instead.
    ScalingSampler : Rescale each feature instead.

    Notes
    -----
    Um et al. warp each sensor axis along its own clock; here all features of a series
    share one clock, so that they stay aligned in time.

    References
    ----------
    {um_reference}

    Examples
    --------
    >>> import numpy as np
    >>> from sktsgan.augment import TimeWarpSampler
    >>> X = [np.linspace(0, 1, 10), np.linspace(0, 2, 15)]  # two ramps, 10 and 15 steps
    >>> samples = TimeWarpSampler(random_state=0).fit(X).sample(3)
    >>> [len(s) for s in samples]
    [10, 15, 10]
    >>> samples[0].round(2)  # the first ramp: fast at first, then slower, then faster
    array([0.  , 0.16, 0.29, 0.37, 0.44, 0.55, 0.67, 0.78, 0.88, 1.  ])
    """

    _parameter_constraints: dict = {
        **_BaselineSampler._parameter_constraints,
        "sigma": [Interval(Real, 0, None, closed="left")],
        "n_knots": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self, *, sigma=0.2, n_knots=4, random_state=None, id_column=None, time_column=None
    ):
        self.sigma = sigma
        self.n_knots = n_knots
        self.random_state = random_state
        self.id_column = id_column
        self.time_column = time_column

    def _perturb(self, values, lengths, rng):
        n_points = self.n_knots + 2
        speeds = rng.normal(1.0, self.sigma, size=(n_points, len(values)))
        for length in np.unique(lengths[lengths > 2]):  # series of one length at once
            rows = np.flatnonzero(lengths == length)
            knots = np.linspace(0, length - 1, n_points)
            speed = CubicSpline(knots, speeds[:, rows])(np.arange(length))  # (length, rows)
            clock = np.cumsum(np.maximum(speed, _MIN_SPEED), axis=0)
            clock = (clock - clock[0]) / (clock[-1] - clock[0]) * (length - 1)
            values[rows, :length] = _read_at(values[rows, :length], clock.T)
        return values


class SMOTESampler(_BaselineSampler):
    """SMOTE on whole series: interpolations between neighbouring series of a class.

    A draw of class ``c`` picks a random training series of class ``c`` (uniform, with
    replacement), one of its ``k_neighbors`` nearest neighbours within class ``c`` (at
    random), and returns ``base + u * (neighbour - base)`` with ``u ~ U(0, 1)``: a point
    on the segment between two series of the class, every step and feature interpolated
    with the same ``u``. Neighbours are found once, in ``fit``, by Euclidean distance
    between the series flattened to vectors of raw values (not scaled: scale the
    features first if their units differ much). Without ``y``, neighbours are searched
    among all series. ``k_neighbors`` is capped at the class size minus one; each class
    needs at least two series (``fit`` refuses a class with one).

    Fixed-length series only: the flattened vectors need one length. ``fit`` raises a
    ``ValueError`` for series of different lengths.

    {baseline_formats}

    Parameters
    ----------
    k_neighbors : int, default=5
        Number of nearest neighbours (within a class) to interpolate towards.
    {baseline_parameters}

    Attributes
    ----------
    neighbors_ : ndarray of shape (n_series, k_neighbors)
        Indices of the nearest training series of each training series, within its
        class, nearest first; ``-1`` fills the row of a class smaller than
        ``k_neighbors + 1``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of str
        Feature names, for DataFrame input with string column names.
    n_timesteps_ : int
        Length of the training series.
    n_samples_fit_ : int
        Number of training series (rows, for tabular input).
    lengths_ : ndarray of shape (n_series,)
        Training series lengths (all equal).
    classes_ : ndarray
        Class labels, for a sampler fitted with ``y``.
    class_prior_ : ndarray
        Class frequencies in the training data; ``sample(n)`` draws classes from them.

    See Also
    --------
    imblearn.over_sampling.SMOTE : SMOTE on tabular rows.
    RandomSeriesSampler : Copies of training series (any lengths).
    TimeWarpSampler : Time-warped training series (any lengths).

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer. "SMOTE:
       Synthetic minority over-sampling technique". Journal of Artificial Intelligence
       Research 16, 321-357, 2002.

    Examples
    --------
    >>> from sktsgan.augment import SMOTESampler
    >>> from sktsgan.datasets import make_waves
    >>> X, y = make_waves(20, n_timesteps=16, random_state=0)
    >>> sampler = SMOTESampler(k_neighbors=3, random_state=0).fit(X, y)
    >>> sampler.neighbors_.shape
    (20, 3)
    >>> X_new, y_new = sampler.sample(4, y="sawtooth")
    >>> X_new.shape, y_new.tolist()
    ((4, 16, 1), ['sawtooth', 'sawtooth', 'sawtooth', 'sawtooth'])
    """

    _parameter_constraints: dict = {
        **_BaselineSampler._parameter_constraints,
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, k_neighbors=5, random_state=None, id_column=None, time_column=None):
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.id_column = id_column
        self.time_column = time_column

    def _fit_baseline(self, data, labels):
        if data.is_ragged:
            raise ValueError(
                f"{type(self).__name__} needs series of one length, but X has series of "
                f"{data.lengths.min()} to {data.lengths.max()} steps. Resample them to one "
                "length first (e.g. fit on the rows of "
                "sktsgan.preprocessing.SeriesFlattener(resample=True)), or use "
                "RandomSeriesSampler or TimeWarpSampler, which keep each series' length."
            )
        flat = data.values.reshape(data.n_series, -1)
        codes = np.zeros(data.n_series, dtype=np.int64) if labels is None else labels.codes
        neighbors = np.full((data.n_series, self.k_neighbors), -1, dtype=np.intp)
        for code in np.unique(codes):
            members = np.flatnonzero(codes == code)
            k = min(self.k_neighbors, len(members) - 1)
            # kneighbors() without X leaves each series out of its own neighbours
            found = NearestNeighbors(n_neighbors=k).fit(flat[members]).kneighbors()[1]
            neighbors[members, :k] = members[found]
        self.neighbors_ = neighbors
        self._n_neighbors = np.count_nonzero(neighbors >= 0, axis=1)

    def _draw(self, n, codes, rng, static_draw=None):
        index = self._pick_series(n, codes, rng)
        column = rng.randint(self._n_neighbors[index])
        base = self._values[index]
        values = self._values[self.neighbors_[index, column]]
        values -= base
        values *= rng.uniform(size=(n, 1, 1))
        values += base
        return values, self.lengths_[index]


def _read_at(values, clock):
    """Series ``(n, L, d)`` linearly interpolated at fractional steps ``clock`` ``(n, L)``."""
    length = values.shape[1]
    left = np.minimum(clock.astype(np.intp), length - 2)  # clock >= 0: floor
    weight = (clock - left)[:, :, np.newaxis]
    lower = np.take_along_axis(values, left[:, :, np.newaxis], axis=1)
    upper = np.take_along_axis(values, left[:, :, np.newaxis] + 1, axis=1)
    # this form gives the exact step values at weights 0 and 1: the endpoints are kept;
    # the clip keeps rounding from stepping outside the two values (equal ones included)
    mixed = lower * (1 - weight) + upper * weight
    return np.clip(mixed, np.minimum(lower, upper), np.maximum(lower, upper))
