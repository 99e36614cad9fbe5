"""Continuing a run (``warm_start``): what a run is, and where its state is found.

A run is fingerprinted by its estimator, the parameters that shape training and its
data; ``fit(warm_start=True)`` continues the sampler's own previous fit, else the
checkpoint in ``checkpoint_dir``, and only when the fingerprints agree.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd

from .._persistence import CHECKPOINT_FORMAT_NAME, ModelFileError, read_archive
from ..utils.validation import TableData

CHECKPOINT_FILE = "sktsgan-checkpoint.pt"


def run_fingerprint(estimator, data, labels, static=None):
    """What a run to resume must share with this one: estimator, parameters, data.

    Parameters that only say how long a phase runs (``n_epochs``, ``*_epochs``,
    ``n_epochs_*``), how training is watched or saved, and ``device`` may change.
    """
    free = {
        "verbose", "callbacks", "checkpoint_dir", "checkpoint_every", "warm_start",
        "max_time", "restore_best",
    }  # fmt: skip
    params = {
        name: _param_repr(value)
        for name, value in sorted(estimator.get_params(deep=False).items())
        if name not in free
        and name != "device"
        and not (name.startswith("n_epochs") or name.endswith("_epochs"))
    }
    # a phase more or less (pre-training switched on) would shift the position
    params["phases"] = repr([phase.name for phase in estimator._training_phases(1)])
    digest = hashlib.sha256()
    if isinstance(data, TableData):  # mixed-type columns: hash the rows as pandas does
        shape = list(data.frame.shape)
        digest.update(pd.util.hash_pandas_object(data.frame, index=False).values.tobytes())
        digest.update(repr(list(data.frame.columns)).encode())
    else:
        shape = list(data.values.shape)
        digest.update(np.ascontiguousarray(data.values, dtype=np.float64).tobytes())
    digest.update(np.asarray(data.lengths, dtype=np.int64).tobytes())
    if labels is not None:
        digest.update(np.asarray(labels.codes, dtype=np.int64).tobytes())
        digest.update(repr(labels.classes.tolist()).encode())
    if static is not None:  # the table of static attributes
        digest.update(pd.util.hash_pandas_object(static, index=False).values.tobytes())
        digest.update(repr(list(static.columns)).encode())
    return {
        "estimator": type(estimator).__name__,
        "params": params,
        "data": f"shape {shape}, sha256 {digest.hexdigest()[:16]}",
    }


def checkpoint_extra(estimator):
    """What a checkpoint holds beside the engine's training state."""
    return {
        "fingerprint": estimator._fit_fingerprint,
        "sampling_rng": estimator._sampling_start,
    }


def resume_state(estimator, fingerprint, device):
    """For ``warm_start``: the training state to continue from, or None (start afresh).

    The fitted sampler's own state comes first, then the checkpoint file.
    """
    if hasattr(estimator, "engine_") and hasattr(estimator, "_fit_fingerprint"):
        state, source = checkpoint_extra(estimator), "the previous fit"
        state["engine"] = estimator.engine_.training_state()
    elif estimator.checkpoint_dir is not None:
        path = os.path.join(os.fspath(estimator.checkpoint_dir), CHECKPOINT_FILE)
        if not os.path.exists(path):
            return None
        source = f"the checkpoint {path}"
        try:
            _, state = read_archive(path, CHECKPOINT_FORMAT_NAME, map_location=device)
        except ModelFileError as exc:
            raise ValueError(
                f"{path} is not a checkpoint that this version of sktsgan can continue "
                f"({exc}); remove it or pass another checkpoint_dir."
            ) from exc
    else:
        return None
    _check_same_run(state["fingerprint"], fingerprint, source)
    return state


def _param_repr(value):
    """A parameter as the fingerprint compares it (a RandomState instance by type)."""
    if isinstance(value, np.random.RandomState):
        return "RandomState instance"
    return repr(value)


def _check_same_run(saved, current, source):
    """Refuse to continue a run of another estimator, other parameters or other data."""
    problems = []
    if saved["estimator"] != current["estimator"]:
        problems.append(f"it is a {saved['estimator']}, not a {current['estimator']}")
    else:
        for name in sorted(set(saved["params"]) | set(current["params"])):
            old, new = saved["params"].get(name), current["params"].get(name)
            if old != new:
                problems.append(f"{name}={old} there, {name}={new} here")
        if saved["data"] != current["data"]:
            problems.append(f"its data had {saved['data']}, this data {current['data']}")
    if problems:
        raise ValueError(
            f"warm_start=True cannot continue {source}: {'; '.join(problems)}. Fit with the "
            "same parameters and data to resume, or with warm_start=False (or another "
            "checkpoint_dir) to start afresh."
        )
