"""Training losses of a fitted sampler against epoch, with its training phases marked."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._plotting import import_pyplot


class LossCurveDisplay:
    """Every recorded loss of a sampler's training, one line per loss, against epoch.

    Reads a skorch ``History`` (a sampler's ``history_``) and draws every key that
    ends in ``_loss`` (``generator_loss``, ``discriminator_loss``, ...). Samplers that
    train in several phases record a ``phase`` in every epoch; each change of phase is
    marked by a dashed vertical line and the new phase's name. A loss recorded in some
    epochs only (one phase's network) is NaN, and so not drawn, in the others.

    Build it with :meth:`from_estimator` or :meth:`from_history`; matplotlib is
    imported only when plotting (``pip install sktsgan[plot]``).

    Parameters
    ----------
    epochs : ndarray of shape (n_epochs,)
        Epoch numbers (skorch counts from 1).
    losses : dict of str to ndarray of shape (n_epochs,)
        Each loss per epoch; NaN where an epoch did not record it.
    phases : list of str or None, default=None
        The training phase of each epoch, if recorded.
    name : str, default=None
        Named in the title, e.g. the sampler's class name.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes with the curves.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    lines_ : dict of str to matplotlib Line2D
        The curve of each loss.
    phase_lines_ : list of matplotlib Line2D
        One vertical line at each change of phase (empty for a single phase).

    Examples
    --------
    >>> from sktsgan.metrics import LossCurveDisplay
    >>> history = [
    ...     {"epoch": 1, "phase": "adversarial", "generator_loss": 0.9, "discriminator_loss": 1.3},
    ...     {"epoch": 2, "phase": "adversarial", "generator_loss": 0.8, "discriminator_loss": 1.2},
    ... ]
    >>> display = LossCurveDisplay.from_history(history)
    >>> sorted(display.lines_)
    ['discriminator_loss', 'generator_loss']
    >>> display.lines_["generator_loss"].get_ydata().tolist()
    [0.9, 0.8]
    """

    def __init__(self, epochs, losses, phases=None, *, name=None):
        self.epochs = epochs
        self.losses = losses
        self.phases = phases
        self.name = name

    @classmethod
    def from_history(cls, history, *, name=None, ax=None):
        """Plot the losses recorded in a training history.

        Parameters
        ----------
        history : skorch History or list of dict
            One dict per epoch, e.g. a sampler's ``history_``.
        name : str, default=None
            Named in the title.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        display : LossCurveDisplay
        """
        if isinstance(history, Mapping) or not all(isinstance(row, Mapping) for row in history):
            raise TypeError(
                "history must be a list of dicts, one per epoch (such as a sampler's "
                f"history_), got {type(history).__name__}."
            )
        rows = list(history)
        keys = list(dict.fromkeys(k for row in rows for k in row if str(k).endswith("_loss")))
        if not keys:
            raise ValueError(
                "history records no losses (no key ends in '_loss'); pass the history_ of "
                "a fitted sampler."
            )
        epochs = np.array([row.get("epoch", i + 1) for i, row in enumerate(rows)])
        losses = {
            key: np.array([row.get(key, np.nan) for row in rows], dtype=np.float64) for key in keys
        }
        phases = [row.get("phase") for row in rows] if any("phase" in r for r in rows) else None
        return cls(epochs, losses, phases, name=name).plot(ax=ax)

    @classmethod
    def from_estimator(cls, sampler, *, ax=None):
        """Plot the losses recorded while fitting ``sampler``.

        Parameters
        ----------
        sampler : fitted sampler
            A sampler with a ``history_`` attribute.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        display : LossCurveDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the sampler is not fitted.
        """
        check_is_fitted(sampler, "history_")
        return cls.from_history(sampler.history_, name=type(sampler).__name__, ax=ax)

    def plot(self, ax=None):
        """Draw one line per loss and mark the phase changes.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        display : LossCurveDisplay
            ``self``, with ``ax_``, ``figure_``, ``lines_`` and ``phase_lines_`` set.
        """
        plt = import_pyplot("LossCurveDisplay.plot")
        from matplotlib.ticker import MaxNLocator

        new_figure = ax is None
        if new_figure:
            _, ax = plt.subplots(figsize=(6.0, 3.6))
        single_epoch = len(self.epochs) == 1
        self.lines_ = {
            key: ax.plot(self.epochs, values, marker="o" if single_epoch else None, label=key)[0]
            for key, values in self.losses.items()
        }
        self.phase_lines_ = []
        if self.phases is not None:
            starts = [0] + [
                i for i in range(1, len(self.phases)) if self.phases[i] != self.phases[i - 1]
            ]
            transform = ax.get_xaxis_transform()  # x in data units, y in axes fraction
            for i in starts if len(starts) > 1 else []:  # name phases only if they change
                if i > 0:
                    x = (self.epochs[i - 1] + self.epochs[i]) / 2
                    self.phase_lines_.append(
                        ax.axvline(x, color="0.4", linestyle="--", linewidth=1)
                    )
                ax.text(
                    self.epochs[i],
                    0.99,
                    str(self.phases[i]),
                    transform=transform,
                    va="top",
                    fontsize="small",
                    color="0.3",
                )
            if self.phase_lines_:  # room above the curves for the phase names
                ax.margins(y=0.12)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_title("Training losses" if self.name is None else f"{self.name} training losses")
        ax.legend(loc="best", fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        if new_figure:
            self.figure_.tight_layout()
        return self
