"""Static attributes for the sequence samplers: learned with the series, drawn with them.

A series may come with attributes that are constant along it (a device's type, a
region, a capacity): its context. :class:`_StaticAttributesMixin` reads them (a table
given to ``fit`` or the ``static_columns`` of a long DataFrame), encodes them with a
:class:`~sktsgan.preprocessing.TabularEncoder` and appends them to the condition
vector every network already takes for class labels, so any model that conditions on
a class conditions on attributes too, with no change to its networks. ``sample(n)``
draws attributes from a tabular sampler fitted on the attribute table (conditioned on
the class, if any) and then series for them; ``sample(n, static=table)`` generates
series for the attributes asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods

from ..preprocessing import TabularEncoder
from ..utils._docstrings import fill_docstring
from ..utils._random import draw_seed
from ..utils._static import read_static_table, restore_static_table, split_static_columns
from ._contract import nest_samplers, sampler_classes, unnest_samplers

# every sequence sampler's docstring lists these where it says {static_parameters}
STATIC_PARAMETERS = """\
static_columns : list of str, default=None
    For a long DataFrame: the columns that are constant within each series (static
    attributes, such as a device's type or a site's capacity), learned beside the
    series and given back by ``sample`` in the same columns. For other inputs,
    pass the attributes as ``fit(X, static=table)``. See :ref:`static`.
static_sampler : tabular sampler, default=None
    Learns the table of static attributes (conditioned on the class when fitted
    with ``y``) so that ``sample(n)`` can draw attributes and then series for them;
    None means ``VAESampler()``. Its ``random_state``, when None, is drawn from this
    sampler's. Unused without static attributes."""

# constraints of the two parameters, for the samplers' _parameter_constraints
STATIC_CONSTRAINTS = {
    "static_columns": [list, tuple, str, None],
    "static_sampler": [HasMethods(["fit", "sample"]), None],
}


class StaticDraw:
    """The attributes of the series one ``sample`` call makes.

    Parameters
    ----------
    table : DataFrame
        One row per series, in the columns and dtypes of the training attributes.
    encoded : ndarray of shape (n, n_encoded)
        The rows as the networks read them (float32).
    """

    def __init__(self, table, encoded):
        self.table = table
        self.encoded = encoded


class _StaticAttributesMixin:
    """``fit(X, y=None, *, static=None)`` and ``sample(n, y=None, *, static=None)``.

    Put it before the sequence base in the bases, add :data:`STATIC_CONSTRAINTS` to the
    parameter constraints and ``static_columns`` and ``static_sampler`` to the
    constructor, and write ``{static_parameters}`` in the class docstring.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fill_docstring(cls, static_parameters=STATIC_PARAMETERS)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, static=None):
        """Learn the distribution of the series in ``X`` (conditional on ``y`` if given).

        Parameters
        ----------
        X : array-like of shape (n_series, n_timesteps, n_features), list of series, \
                2-D array or DataFrame
            Training data; see the class docstring for every format.
        y : array-like of shape (n_series,), default=None
            Class labels (any hashable type), one per series. When given, the generator
            is conditioned on them and ``sample`` returns ``(X, y)``.
        static : DataFrame or array-like of shape (n_series, n_attributes), default=None
            Static attributes, one row per series in the order of the series (numeric,
            integer, boolean or categorical columns). The generator is conditioned on
            them too, and ``sample`` also returns attributes. With a long DataFrame,
            name the columns in ``static_columns`` instead.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        data, input_format, labels, table = self._read_data_and_static(X, y, static)
        self._fit_data(data, input_format, labels, table)
        if table is not None:
            try:
                self.static_sampler_ = self._fit_static_sampler(table, labels)
            except BaseException:
                # the series model stands and takes attributes asked for; no stale
                # attribute model of an earlier fit may draw them
                self.__dict__.pop("static_sampler_", None)
                raise
        return self

    def sample(self, n, y=None, *, static=None, random_state=None):
        """Draw ``n`` synthetic series in the format and units of the training data.

        Parameters
        ----------
        n : int
            Number of series to draw.
        y : label or array-like of shape (n,), default=None
            Only for a sampler fitted with ``y``: the class of each series, or one label
            for all. ``None`` draws classes from the training class frequencies.
        static : DataFrame, array-like or dict, default=None
            Only for a sampler fitted with static attributes: the attributes of each
            series (``n`` rows, or one row for all), in the training columns. Numeric
            values may lie between those seen in training but not outside their
            range; categorical values must be training levels. ``None`` draws the
            attributes from ``static_sampler_`` (given the class, when fitted with
            ``y``).
        random_state : int, RandomState instance or None, default=None
            Seed for this draw. ``None`` continues a stream seeded by the sampler's
            ``random_state`` at fit time: successive calls give new series, and the same
            fitted sampler (or its pickle) gives the same sequence of draws.

        Returns
        -------
        X : ndarray, list of ndarray or DataFrame
            Same kind of object as the training ``X``. Variable-length training data
            gives variable-length samples, lengths drawn from the training lengths. A
            long DataFrame fitted with ``static_columns`` comes back with those columns.
        y : ndarray of shape (n,)
            The class of each series; returned only by a sampler fitted with ``y``.
        static : DataFrame or ndarray of shape (n, n_attributes)
            The attributes of each series, in the container of ``fit``'s ``static``;
            returned last, only by a sampler fitted with ``static``.
        """
        return self._sample(n, y, static=static, random_state=random_state)

    # -- fit ---------------------------------------------------------------------------

    def _read_data_and_static(self, X, y, static):
        """Check ``X``, ``y`` and the attributes; ``(data, input_format, labels, table)``."""
        name = type(self).__name__
        frame_columns = None
        if self.static_columns is not None:
            if static is not None:
                raise ValueError(
                    f"{name} got both static_columns and fit(..., static=...); give the "
                    "attributes one way: columns of the long DataFrame, or a table."
                )
            if not isinstance(X, pd.DataFrame) or self.id_column is None:
                raise ValueError(
                    f"static_columns={self.static_columns!r} needs X as a long DataFrame "
                    f"with id_column; got {type(X).__name__} with id_column="
                    f"{self.id_column!r}. For other inputs pass fit(X, static=table)."
                )
            frame_columns = list(X.columns)
            X, static = split_static_columns(X, self.id_column, self.static_columns)
        data, input_format, labels = super()._read_training_data(X, y)
        table = None
        if static is not None:
            table, static_format = read_static_table(static, data.n_series, estimator_name=name)
            static_format["frame_columns"] = frame_columns
            table = (table, static_format)
        return data, input_format, labels, table

    def _store_static_info(self, table):
        """Fit the attribute encoding; the encoded training rows (float32) or None."""
        if table is None:  # a refit without attributes forgets those of the last fit
            for name in (
                "static_encoder_", "static_sampler_", "_static_format", "_static_bounds"
            ):  # fmt: skip
                self.__dict__.pop(name, None)
            return None
        table, static_format = table
        self._static_format = static_format
        self.static_encoder_ = TabularEncoder(categorical_sampling="argmax").fit(table)
        numeric = self.static_encoder_.numeric_columns_
        values = table[numeric].to_numpy(dtype=np.float64) if numeric else np.empty((0, 0))
        self._static_bounds = {
            column: (float(values[:, j].min()), float(values[:, j].max()))
            for j, column in enumerate(numeric)
        }
        return self._encode_static(table)

    def _encode_static(self, table):
        # a trailing 1 tells a real attribute row from the all-zero row that classifier-free
        # guidance uses for "no condition" (a standardised attribute at its mean is 0 too)
        encoded = self.static_encoder_.transform(table)
        return np.hstack([encoded, np.ones((len(table), 1))]).astype(np.float32)

    def _fit_static_sampler(self, table, labels):
        table, _ = table
        if self.static_sampler is None:
            # looked up in the registry: the base layer does not import the models
            sampler = sampler_classes()["VAESampler"]()
        else:
            sampler = clone(self.static_sampler)
        if getattr(sampler, "random_state", "absent") is None:
            seed = draw_seed(check_random_state(self.random_state))
            sampler.set_params(random_state=seed)
        if labels is None:
            return sampler.fit(table)
        return sampler.fit(table, labels.classes[labels.codes])

    # -- state: the attribute sampler, parameter and fitted, as plain values ----------

    def _get_state(self):
        return nest_samplers(super()._get_state(), "static_sampler", "static_sampler_")

    @classmethod
    def _from_state(cls, state, device="cpu"):
        state = unnest_samplers(state, "static_sampler", "static_sampler_", device)
        return super()._from_state(state, device)

    # -- sample ------------------------------------------------------------------------

    def _static_draw(self, n, codes, static, rng):
        if not hasattr(self, "static_encoder_"):
            if static is not None:
                raise ValueError(
                    f"{type(self).__name__} was fitted without static attributes, so it "
                    "cannot generate series for given ones; call sample(n) or refit with "
                    "fit(X, static=table) (or static_columns for a long DataFrame)."
                )
            return None
        if static is None:
            if not hasattr(self, "static_sampler_"):
                raise ValueError(
                    f"{type(self).__name__} has no attribute model (its fit failed), so it "
                    "cannot draw attributes; pass them as sample(n, static=...), or refit."
                )
            seed = draw_seed(rng)
            if codes is None:
                table = self.static_sampler_.sample(n, random_state=seed)
            else:
                table, _ = self.static_sampler_.sample(
                    n, y=self.classes_[codes], random_state=seed
                )
            table = pd.DataFrame(table).reset_index(drop=True)
            table.columns = self._static_format["columns"]
        else:
            table = self._requested_static(static, n)
        return StaticDraw(table, self._encode_static(table))

    def _requested_static(self, static, n):
        """The attributes asked for in ``sample``, checked and broadcast to ``n`` rows."""
        name = type(self).__name__
        table, _ = read_static_table(static, None, estimator_name=name)
        columns = self._static_format["columns"]
        if list(table.columns) != columns:
            if self._static_format["kind"] == "array" and table.shape[1] == len(columns):
                table.columns = columns
            else:
                raise ValueError(
                    f"static has columns {list(table.columns)} but {name} was fitted with "
                    f"{columns}; pass the training attribute columns, in that order."
                )
        if len(table) == 1 and n != 1:
            table = table.loc[np.zeros(n, dtype=np.int64)].reset_index(drop=True)
        if len(table) != n:
            raise ValueError(
                f"static has {len(table)} rows but {n} series were asked for; pass one "
                "row per series, or one row for all."
            )
        for column, (low, high) in self._static_bounds.items():
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64)
            outside = ~((values >= low) & (values <= high))
            if outside.any():
                bad = table[column][outside].tolist()[0]
                raise ValueError(
                    f"static[{column!r}] holds {bad!r}, outside the training range "
                    f"[{low:g}, {high:g}] of that attribute (or not a number): the model "
                    "has learned nothing there. Ask for values within the range."
                )
        for column in self.static_encoder_.categorical_columns_:
            levels = self.static_encoder_.categories_[column]
            known = table[column].isin(levels) | (pd.isna(table[column]) & pd.isna(levels).any())
            if not known.all():
                bad = table[column][~known].tolist()[0]
                raise ValueError(
                    f"static[{column!r}] holds {bad!r}, a level not seen in training; the "
                    f"known levels are {list(levels)}."
                )
        dtypes = dict(zip(columns, self._static_format["dtypes"]))
        try:
            return table.astype(dtypes)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"static cannot take the training dtypes {dtypes}: {error}"
            ) from error

    def _sample_output(self, X, codes, draw):
        if draw is None:
            return super()._sample_output(X, codes, draw)
        static_format = self._static_format
        if static_format["frame_columns"] is not None:  # static columns of a long frame
            # the samples' ids are their positions, 0 to n - 1: one attribute row each
            repeated = draw.table.iloc[X[self.id_column].to_numpy()]
            for column in static_format["columns"]:
                X[column] = repeated[column].to_numpy()
            X = X[static_format["frame_columns"]]
            return X if codes is None else (X, self.classes_[codes])
        static = restore_static_table(draw.table, static_format)
        return (X, static) if codes is None else (X, self.classes_[codes], static)
