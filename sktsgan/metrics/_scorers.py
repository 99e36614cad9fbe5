"""Scorers that rate a fitted sampler by its samples, for model selection.

A scorer has scikit-learn's ``scorer(estimator, X, y)`` signature and sign convention
(greater is better), so it can be the ``scoring=`` of ``GridSearchCV`` or
``cross_validate`` over a sampler: the search fits the sampler on the training fold,
the scorer draws synthetic series from it and compares them with the held-out real
fold ``X`` (and ``y``).
"""

from __future__ import annotations

import inspect
from numbers import Integral, Real

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_is_fitted

from ..utils._random import draw_seed
from ..utils.validation import check_sequences
from ._downstream import tstr_score
from ._posthoc import discriminative_score, predictive_score

_N_SAMPLES = [Interval(Integral, 1, None, closed="left"), None]
# the options of the post-hoc scores that their scorers pass on, checked when the scorer
# is made rather than inside a search
_POSTHOC_OPTIONS = {
    "n_samples": _N_SAMPLES,
    "random_state": ["random_state"],
    "hidden_size": [Interval(Integral, 1, None, closed="left"), None],
    "n_iterations": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "scale": ["boolean"],
    "device": [str],
}


class _SamplerScorer:
    """Draw from a fitted sampler and score the draw against held-out real data.

    Parameters
    ----------
    score_func : callable
        ``score_func(X_synth, y_synth, X_real, y_real, random_state=..., **kwargs)``.
    sign : {1, -1}
        -1 for scores where lower is better, so the scorer's value grows with quality.
    n_samples : int or None
        Series to draw; None uses ``default_n_samples(sampler, X_real)``.
    default_n_samples : callable
        ``(sampler, X_real) -> int``.
    random_state : int, RandomState instance or None
        Seeds both the draw and the score; an int gives every candidate of a search
        the same seeds.
    kwargs : dict
        Options passed on to ``score_func``.
    factory : callable
        The public function that made the scorer: its name and defaults make the repr.
    """

    def __init__(
        self, score_func, sign, n_samples, default_n_samples, random_state, kwargs, factory
    ):
        self._score_func = score_func
        self._sign = sign
        self._n_samples = n_samples
        self._default_n_samples = default_n_samples
        self._random_state = random_state
        self._kwargs = kwargs
        self._factory = factory

    def __call__(self, sampler, X, y=None):
        """Score ``sampler`` on the held-out real data ``X`` (and labels ``y``)."""
        check_is_fitted(sampler)
        rng = check_random_state(self._random_state)
        sample_seed, score_seed = draw_seed(rng, size=2)
        n = self._n_samples or self._default_n_samples(sampler, X)
        drawn = sampler.sample(n, random_state=sample_seed)
        X_synth, y_synth = drawn if isinstance(drawn, tuple) else (drawn, None)
        score = self._score_func(
            X_synth, y_synth, X, y, random_state=int(score_seed), **self._kwargs
        )
        return self._sign * score

    def __repr__(self):
        # as scikit-learn's reprs: only the options changed from the factory's defaults
        defaults = inspect.signature(self._factory).parameters
        options = {
            key: value
            for key, value in {"n_samples": self._n_samples, **self._kwargs}.items()
            if not (type(value) is type(defaults[key].default) and value == defaults[key].default)
        }
        if self._random_state is not None:
            options["random_state"] = self._random_state
        shown = ", ".join(f"{key}={value!r}" for key, value in options.items())
        return f"{self._factory.__name__}({shown})"


def _n_fit(sampler, X_real):
    return sampler.n_samples_fit_


def _n_real(sampler, X_real):
    data, _ = check_sequences(
        X_real,
        id_column=getattr(sampler, "id_column", None),
        time_column=getattr(sampler, "time_column", None),
    )
    return data.n_series


def _tstr(X_synth, y_synth, X_real, y_real, *, random_state, **kwargs):
    if (y_synth is None) != (y_real is None):
        raise ValueError(
            "The TSTR scorer needs labels on both sides or on neither: the sampler was "
            f"fitted {'without' if y_synth is None else 'with'} y but the held-out fold "
            f"comes {'with' if y_real is not None else 'without'} y. Fit and score the "
            "sampler with the same kind of data (pass y to both, or to neither)."
        )
    return tstr_score(X_synth, y_synth, X_real, y_real, random_state=random_state, **kwargs)


def _discriminative(X_synth, y_synth, X_real, y_real, *, random_state, **kwargs):
    return discriminative_score(X_real, X_synth, random_state=random_state, **kwargs)


def _predictive(X_synth, y_synth, X_real, y_real, *, random_state, **kwargs):
    return predictive_score(X_real, X_synth, random_state=random_state, **kwargs)


@validate_params(
    {"n_samples": _N_SAMPLES, "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def make_tstr_scorer(estimator=None, scoring=None, *, n_samples=None, n_repeats=1, random_state=0):
    """Make a train-on-synthetic-test-on-real scorer for model selection over samplers.

    The scorer draws ``n_samples`` series from the fitted sampler (with their classes,
    for a sampler fitted with ``y``), fits ``estimator`` on them and returns its score
    on the held-out real fold, as :func:`tstr_score` computes it. Greater is better.
    Without labels the downstream task is one-step forecasting of the last feature
    (see :func:`tstr_score`).

    Parameters
    ----------
    estimator : estimator object, default=None
        Downstream model; None uses :func:`tstr_score`'s random forest.
    scoring : str or callable, default=None
        Downstream metric, as in :func:`tstr_score` (``"accuracy"`` or
        ``"neg_mean_absolute_error"`` by default).
    n_samples : int, default=None
        Series to draw; None draws as many as the sampler was fitted on, so the
        downstream model sees a training set of the real one's size.
    n_repeats : int, default=1
        Downstream fits with different seeds, averaged.
    random_state : int, RandomState instance or None, default=0
        Seeds the draw and the downstream model. The fixed default gives every
        candidate of a search the same seeds, so their scores differ only by the
        sampler's settings.

    Returns
    -------
    scorer : callable
        ``scorer(sampler, X, y=None) -> float``.

    See Also
    --------
    tstr_score : The score this scorer computes.
    make_discriminative_scorer : Rate samplers by how hard their series are to spot.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.datasets import make_waves
    >>> from sktsgan.metrics import make_tstr_scorer
    >>> X, y = make_waves(n_samples=60, n_timesteps=12, n_features=1, random_state=0)
    >>> sampler = RCGANSampler(hidden_size=8, n_epochs=3, random_state=0)
    >>> scores = cross_val_score(sampler, X, y, cv=2, scoring=make_tstr_scorer())
    >>> scores.shape
    (2,)
    """
    return _SamplerScorer(
        _tstr,
        1,
        n_samples,
        _n_fit,
        random_state,
        {"estimator": estimator, "scoring": scoring, "n_repeats": n_repeats},
        make_tstr_scorer,
    )


@validate_params(
    {**_POSTHOC_OPTIONS, "test_size": [Interval(Real, 0, 1, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def make_discriminative_scorer(
    *,
    n_samples=None,
    hidden_size=None,
    n_iterations=2000,
    batch_size=128,
    test_size=0.2,
    n_repeats=1,
    scale=True,
    device="cpu",
    random_state=0,
):
    """Make a scorer that rates a sampler by the TimeGAN paper's discriminative score.

    The scorer draws synthetic series, computes :func:`discriminative_score` against
    the held-out real fold and returns it negated (scikit-learn's greater-is-better
    convention): 0 is the best value, -0.5 the worst.

    Parameters
    ----------
    n_samples : int, default=None
        Series to draw; None draws as many as the held-out fold holds, as the paper
        compares equal numbers of real and synthetic series.
    hidden_size, n_iterations, batch_size, test_size, n_repeats, scale, device
        Options of :func:`discriminative_score`, with its defaults; checked when the
        scorer is made.
    random_state : int, RandomState instance or None, default=0
        Seeds the draw and the post-hoc classifier.

    Returns
    -------
    scorer : callable
        ``scorer(sampler, X, y=None) -> float``.

    See Also
    --------
    discriminative_score : The score, lower is better.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.datasets import make_sines
    >>> from sktsgan.metrics import make_discriminative_scorer
    >>> X = make_sines(n_samples=60, n_timesteps=12, n_features=2, random_state=0)
    >>> scorer = make_discriminative_scorer(n_iterations=50)
    >>> scores = cross_val_score(RCGANSampler(n_epochs=2), X, cv=2, scoring=scorer)
    >>> bool(all(-0.5 <= s <= 0 for s in scores))
    True
    """
    return _SamplerScorer(
        _discriminative,
        -1,
        n_samples,
        _n_real,
        random_state,
        {
            "hidden_size": hidden_size,
            "n_iterations": n_iterations,
            "batch_size": batch_size,
            "test_size": test_size,
            "n_repeats": n_repeats,
            "scale": scale,
            "device": device,
        },
        make_discriminative_scorer,
    )


@validate_params(_POSTHOC_OPTIONS, prefer_skip_nested_validation=True)
def make_predictive_scorer(
    *,
    n_samples=None,
    hidden_size=None,
    n_iterations=5000,
    batch_size=128,
    n_repeats=1,
    scale=True,
    device="cpu",
    random_state=0,
):
    """Make a scorer that rates a sampler by the TimeGAN paper's predictive score.

    The scorer draws synthetic series, trains :func:`predictive_score`'s next-step GRU
    on them, measures its mean absolute error on the held-out real fold and returns it
    negated (greater is better).

    Parameters
    ----------
    n_samples : int, default=None
        Series to draw; None draws as many as the sampler was fitted on.
    hidden_size, n_iterations, batch_size, n_repeats, scale, device
        Options of :func:`predictive_score`, with its defaults; checked when the scorer
        is made.
    random_state : int, RandomState instance or None, default=0
        Seeds the draw and the post-hoc predictor.

    Returns
    -------
    scorer : callable
        ``scorer(sampler, X, y=None) -> float``.

    See Also
    --------
    predictive_score : The score, lower is better.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.datasets import make_sines
    >>> from sktsgan.metrics import make_predictive_scorer
    >>> X = make_sines(n_samples=60, n_timesteps=12, n_features=2, random_state=0)
    >>> scorer = make_predictive_scorer(n_iterations=50)
    >>> scores = cross_val_score(RCGANSampler(n_epochs=2), X, cv=2, scoring=scorer)
    >>> bool(all(s <= 0 for s in scores))
    True
    """
    options = {
        "hidden_size": hidden_size,
        "n_iterations": n_iterations,
        "batch_size": batch_size,
        "n_repeats": n_repeats,
        "scale": scale,
        "device": device,
    }
    return _SamplerScorer(
        _predictive, -1, n_samples, _n_fit, random_state, options, make_predictive_scorer
    )
