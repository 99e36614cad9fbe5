"""The one file format of sktsgan: model files and training checkpoints.

An archive is a zip of:

``metadata.json``
    The format name (``sktsgan-model`` or ``sktsgan-checkpoint``) and version, the
    versions of sktsgan (and of torch, numpy, scikit-learn, skorch) that wrote it, the
    content as JSON and the SHA-256 of every other entry.
``tensors.pt``
    Every tensor of the content (network weights, optimiser states) on the CPU, written
    by ``torch.save`` and read by ``torch.load(weights_only=True)``.
``arrays/<i>.npy``
    Every array of the content but those of Python objects, read by
    ``numpy.load(allow_pickle=False)``.

Values are JSON plus a few tagged types (tuple, dict, numpy scalar, array and dtype,
pandas dtype, tensor, ``RandomState``, skorch ``History``, and objects of a short
allow-list of classes rebuilt from their attributes). Classes are looked up by name in
allow-lists, never imported from a name written in the file, so reading never runs
code from it.

This module knows the format only: :func:`save_sampler` writes what a sampler's
``_get_state()`` returns and :func:`read_sampler` hands what it reads to the class's
``_from_state``; the engine writes checkpoints with :func:`write_archive`. Version 1 model
files (sktsgan before the archive was shared with checkpoints: the engine's state dicts
in ``weights.pt``) are still read.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import skorch
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from ._version import __version__
from .utils._files import write_atomically
from .utils._torch import resolve_device

__all__ = [
    "FORMAT_VERSION",
    "ModelFileError",
    "read_archive",
    "read_sampler",
    "save_sampler",
    "write_archive",
]

FORMAT_NAME = "sktsgan-model"
CHECKPOINT_FORMAT_NAME = "sktsgan-checkpoint"
# Raise when a change to the layout or the encoding makes files unreadable for older
# readers, and keep reading the versions that can still be read.
FORMAT_VERSION = 2
_READABLE_VERSIONS = {FORMAT_NAME: (1, 2), CHECKPOINT_FORMAT_NAME: (2,)}
_METADATA = "metadata.json"
_TENSORS = "tensors.pt"
_WEIGHTS_V1 = "weights.pt"  # the engine's state dicts, in version 1 model files
# the keys of metadata.json that are not content
_HEADER = ("format", "format_version", "sktsgan_version", "library_versions", "entries")
_PLAIN = (type(None), bool, int, float, str)
# numpy scalar kinds stored as JSON values: bool, integers, floats, strings
_SCALAR_KINDS = "biufU"
# what an archive of each format is, for messages
_KIND = {FORMAT_NAME: "model file", CHECKPOINT_FORMAT_NAME: "training checkpoint"}


class ModelFileError(ValueError):
    """A file :func:`sktsgan.load` refuses: not an sktsgan model, damaged, or incompatible.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import sktsgan
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = path.write_text("not a model")
    >>> sktsgan.load(path)
    Traceback (most recent call last):
    ...
    sktsgan.ModelFileError: ... is not an sktsgan model file: ...
    """


ModelFileError.__module__ = "sktsgan"  # where users import it from


def read_sampler(path, classes, *, device="cpu"):
    """The sampler in the model file ``path``, if its class is one of ``classes``.

    The implementation of :func:`sktsgan.load`; ``classes`` is ``{name: class}``.
    """
    device = resolve_device(device)
    name = os.fspath(path)
    metadata, content = read_archive(path, FORMAT_NAME, map_location=device)
    with _read_back(name, metadata):
        cls = _sampler_class(content, name, classes)
        if metadata["format_version"] == 1:
            content = _version_1_state(content, name)
        return cls._from_state(content, device)


def save_sampler(estimator, path, classes):
    """Write a fitted sampler to ``path``; the implementation of ``sampler.save``.

    ``classes`` (``{name: class}``) are the ones a file may name.
    """
    check_is_fitted(estimator, estimator._fitted_attribute)
    cls = type(estimator)
    if classes.get(cls.__name__) is not cls:
        raise ValueError(
            f"{cls.__qualname__} (module {cls.__module__}) is not one of sktsgan's samplers, "
            "so a model file cannot name it. Save it with joblib or pickle instead (and "
            "load such files only from sources you trust)."
        )
    state = estimator._get_state()
    content = {"estimator": cls.__name__, **state}
    where = {"params": "parameter {!r}", "fitted": "{}", "engine": "engine_"}
    write_archive(path, FORMAT_NAME, content, where=where)


def write_archive(path, format_name, content, *, where=None):
    """Write ``content`` (a dict of storable values) to ``path`` as an archive, atomically.

    Parameters
    ----------
    path : str or path-like
        File to write; an existing file is replaced only once the new one is complete.
    format_name : str
        ``"sktsgan-model"`` or ``"sktsgan-checkpoint"``.
    content : dict
        Names to values: plain values, arrays, tensors and the other tagged types.
    where : dict, default=None
        For messages, how to name the value under a key of ``content`` (a value the
        format cannot store is named in the error); ``"{}"`` in the name is replaced by
        the names of the items of a dict.
    """
    writer = _Writer()
    where = where or {}
    metadata = {
        "format": format_name,
        "format_version": FORMAT_VERSION,
        "sktsgan_version": __version__,
        "library_versions": {
            "torch": torch.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "skorch": skorch.__version__,
        },
    }
    for key, value in content.items():
        if key in _HEADER:
            raise ValueError(f"{key!r} is a name of the archive's header")
        metadata[key] = writer.encode_named(value, where.get(key, key))
    entries = {}
    if writer.tensors:
        buffer = io.BytesIO()
        torch.save(writer.tensors, buffer)
        entries[_TENSORS] = buffer.getvalue()
    for entry, array in writer.arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        entries[entry] = buffer.getvalue()
    metadata["entries"] = {entry: _sha256(data) for entry, data in entries.items()}
    _write_atomically(Path(path), json.dumps(metadata, indent=1).encode("utf-8"), entries)


def read_archive(path, format_name, *, map_location="cpu"):
    """Read an archive written by :func:`write_archive` (or a version 1 model file).

    Parameters
    ----------
    path : str or path-like
        The file.
    format_name : str
        The format it must be.
    map_location : str, default="cpu"
        Where to put its tensors.

    Returns
    -------
    metadata : dict
        The header (format, versions).
    content : dict
        The values written, decoded.

    Raises
    ------
    ModelFileError
        For a file that is not such an archive, is damaged or of an unreadable version.
    """
    name = os.fspath(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ModelFileError(
            f"{name} is not an sktsgan model file: it is not a zip archive, or it is "
            "truncated. Model files are written by sampler.save(path); a pickle or joblib "
            "file loads with joblib.load, only if you trust where it came from."
        ) from None
    with archive:
        metadata = _read_metadata(archive, name, format_name)
        entries = _read_entries(archive, metadata, name)
    tensors = {}
    if _TENSORS in entries:
        tensors = _load_tensors(entries[_TENSORS], map_location, name, _TENSORS)
    reader = _Reader(
        lambda entry: np.load(io.BytesIO(entries[entry]), allow_pickle=False), tensors
    )
    with _read_back(name, metadata):
        if metadata["format_version"] == 1:
            content = _decode_version_1(metadata, reader)
        else:
            content = {
                key: reader.decode(value) for key, value in metadata.items() if key not in _HEADER
            }
    if metadata["format_version"] == 1 and _WEIGHTS_V1 in entries:
        content["weights.pt"] = _load_tensors(
            entries[_WEIGHTS_V1], map_location, name, _WEIGHTS_V1
        )
    header = {key: value for key, value in metadata.items() if key in _HEADER}
    return header, content


# -- the allow-lists ----------------------------------------------------------------------


def _object_classes():
    """Classes whose objects may sit in fitted attributes, rebuilt from their attributes.

    A sampler that keeps an object of another class in a fitted attribute cannot be
    saved (``save`` names the attribute) until the class is added here.
    """
    from sklearn import preprocessing

    from .preprocessing import TabularEncoder
    from .utils.validation import InputFormat, LabelInfo

    sklearn_names = [
        "LabelEncoder",
        "MaxAbsScaler",
        "MinMaxScaler",
        "OneHotEncoder",
        "OrdinalEncoder",
        "QuantileTransformer",
        "RobustScaler",
        "StandardScaler",
    ]
    classes = [
        InputFormat,
        LabelInfo,
        TabularEncoder,
        *(getattr(preprocessing, name) for name in sklearn_names),
    ]
    return {cls.__name__: cls for cls in classes}


# -- encoding -------------------------------------------------------------------------------


class _Writer:
    """Turns values into JSON; arrays go to ``arrays`` (entry name -> ndarray)."""

    def __init__(self):
        self.arrays = {}
        self.tensors = {}
        self.objects = _object_classes()

    def encode_named(self, value, where):
        """:meth:`encode`; with ``"{}"`` in ``where``, a dict's items are named by it."""
        if "{}" not in where and "{!r}" not in where:
            return self.encode(value, where)
        items = {key: self.encode(item, where.format(key)) for key, item in value.items()}
        return {"type": "dict", "value": items}

    def encode(self, value, where):
        if isinstance(value, np.generic):  # before the plain types: np.float64 is a float
            return self._scalar(value, where)
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is list:
            return [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if kind is tuple:
            items = [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
            return {"type": "tuple", "items": items}
        if isinstance(value, torch.Tensor):
            key = str(len(self.tensors))
            self.tensors[key] = value.detach().cpu().contiguous()
            return {"type": "tensor", "key": key}
        if kind is dict or kind is OrderedDict:  # (state dicts are ordered dicts)
            if all(type(key) is str for key in value):  # readable in the JSON
                items = {
                    key: self.encode(item, f"{where}[{key!r}]") for key, item in value.items()
                }
                return {"type": "dict", "value": items}
            items = [
                [self.encode(key, f"{where} (a key)"), self.encode(item, f"{where}[{key!r}]")]
                for key, item in value.items()
            ]
            return {"type": "dict", "items": items}
        if kind is np.ndarray:
            return self._array(value, where)
        if isinstance(value, np.dtype):
            text = "object" if value.kind == "O" else value.str  # pandas reads no "|O"
            return {"type": "dtype", "str": self._check_dtype(value, text, where)}
        if isinstance(value, pd.CategoricalDtype):  # its name alone forgets the levels
            categories = value.categories
            return {
                "type": "categorical_dtype",
                "categories": self.encode(categories.to_numpy(), f"{where} (categories)"),
                "categories_dtype": self.encode(categories.dtype, f"{where} (categories)"),
                "ordered": bool(value.ordered),
            }
        if isinstance(value, pd.api.extensions.ExtensionDtype):
            return {"type": "pandas_dtype", "name": self._check_dtype(value, str(value), where)}
        if kind is np.random.RandomState:
            return {"type": "RandomState", "state": self.encode(value.get_state(), where)}
        if kind is History:
            return {"type": "History", "items": self.encode(list(value), where)}
        if self.objects.get(kind.__name__) is kind:
            state = value.__getstate__() if isinstance(value, BaseEstimator) else vars(value)
            return {
                "type": "object",
                "class": kind.__name__,
                "state": self.encode(dict(state), f"{where} ({kind.__name__})"),
            }
        raise self._refuse(value, where)

    def _scalar(self, value, where):
        if value.dtype.kind not in _SCALAR_KINDS:
            raise self._refuse(value, where)
        return {"type": "scalar", "dtype": value.dtype.str, "value": value.item()}

    def _array(self, value, where):
        if value.dtype.kind != "O":
            entry = f"arrays/{len(self.arrays)}.npy"
            self.arrays[entry] = value
            return {"type": "ndarray", "entry": entry}
        items = [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value.ravel())]
        return {"type": "object_array", "shape": list(value.shape), "items": items}

    def _check_dtype(self, dtype, text, where):
        if _dtype_from(text) != dtype:
            raise self._refuse(dtype, where)
        return text

    @staticmethod
    def _refuse(value, where):
        hint = ""
        if where.startswith("classes_"):
            hint = (
                " Class labels must be str, int, float or bool to be saved: fit with "
                "encoded labels (e.g. sklearn.preprocessing.LabelEncoder)."
            )
        elif where.startswith("parameter"):
            hint = (
                " Set the parameter to a storable value first (for callbacks, "
                "set_params(callbacks=None): it does not change the fitted model)."
            )
        return ValueError(
            f"Cannot save {where}: a {type(value).__qualname__} ({value!r:.80}) is not a "
            "value the safe model format stores (None, bool, int, float, str, numpy "
            "numbers, arrays and dtypes, lists, tuples, dicts, and a few known classes)."
            f"{hint} Or use joblib or pickle, for files you trust."
        )


class _Reader:
    """Turns what :class:`_Writer` wrote back into values, constructing allow-listed types."""

    def __init__(self, read_array, tensors=None):
        self.read_array = read_array
        self.tensors = {} if tensors is None else tensors
        self.objects = _object_classes()

    def decode(self, value):
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is list:
            return [self.decode(item) for item in value]
        if kind is not dict:
            raise ValueError(f"unexpected JSON value of type {kind.__name__}")
        tag = value.get("type")
        if tag == "tuple":
            return tuple(self.decode(item) for item in value["items"])
        if tag == "dict":
            if "value" in value:
                return {key: self.decode(item) for key, item in value["value"].items()}
            return {self.decode(key): self.decode(item) for key, item in value["items"]}
        if tag == "scalar":
            dtype = _dtype_from(value["dtype"])
            if dtype.kind not in _SCALAR_KINDS:
                raise ValueError(f"a scalar of dtype {dtype} is not stored by this format")
            return np.asarray(value["value"], dtype=dtype)[()]
        if tag == "ndarray":
            return self.read_array(value["entry"])
        if tag == "tensor":
            tensor = self.tensors[value["key"]]
            if not isinstance(tensor, torch.Tensor):
                raise ValueError(f"the tensor {value['key']!r} is a {type(tensor).__name__}")
            return tensor
        if tag == "object_array":
            items = [self.decode(item) for item in value["items"]]
            array = np.empty(len(items), dtype=object)
            for i, item in enumerate(items):  # one by one: a tuple stays one item
                array[i] = item
            return array.reshape(value["shape"])
        if tag == "dtype":
            return _dtype_from(value["str"])
        if tag == "pandas_dtype":
            return _dtype_from(value["name"])
        if tag == "categorical_dtype":
            categories = pd.Index(
                self.decode(value["categories"]), dtype=self.decode(value["categories_dtype"])
            )
            return pd.CategoricalDtype(categories, ordered=bool(value["ordered"]))
        if tag == "RandomState":
            rng = np.random.RandomState()
            rng.set_state(self.decode(value["state"]))
            return rng
        if tag == "History":
            return History(self.decode(value["items"]))
        if tag == "object":
            cls = self.objects.get(value["class"])
            if cls is None:
                raise ModelFileError(
                    f"the file holds an object of class {value['class']!r}, which is not one "
                    "sktsgan stores; refused."
                )
            state = self.decode(value["state"])
            if type(state) is not dict or not all(type(key) is str for key in state):
                raise ValueError(f"the attributes of a {cls.__name__} are not a dict of names")
            obj = cls.__new__(cls)
            if isinstance(obj, BaseEstimator):
                obj.__setstate__(state)  # warns if scikit-learn's version differs
            else:
                obj.__dict__.update(state)
            return obj
        raise ValueError(f"unknown value type {tag!r}")


def _dtype_from(text):
    if type(text) is not str:
        raise ValueError(f"a dtype must be written as a string, got {type(text).__name__}")
    return pd.api.types.pandas_dtype(text)


# -- reading ----------------------------------------------------------------------------------


def _read_metadata(archive, name, format_name):
    try:
        raw = archive.read(_METADATA)
    except KeyError:
        raise ModelFileError(
            f"{name} is not an sktsgan {_KIND[format_name]}: the zip archive has no "
            f"{_METADATA} (a torch.save file is a zip archive too). Model files are "
            "written by sampler.save(path)."
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _damaged(name, _METADATA, exc) from exc
    try:
        metadata = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(name, _METADATA, exc) from exc
    if type(metadata) is not dict or metadata.get("format") != format_name:
        raise ModelFileError(
            f"{name} is not an sktsgan {_KIND[format_name]}: its {_METADATA} does not say "
            f"format {format_name!r}."
        )
    version = metadata.get("format_version")
    written_by = metadata.get("sktsgan_version")
    if type(version) is not int:
        raise _damaged(name, _METADATA, f"format_version is {version!r}, not an integer")
    if version not in _READABLE_VERSIONS[format_name]:
        readable = ", ".join(map(str, _READABLE_VERSIONS[format_name]))
        fix = (
            "Upgrade sktsgan (pip install --upgrade sktsgan) to load it."
            if version > FORMAT_VERSION
            else f"Load it with sktsgan {written_by}, which wrote it."
        )
        raise ModelFileError(
            f"{name} was written by sktsgan {written_by} in {_KIND[format_name]} format "
            f"version {version}; this sktsgan {__version__} reads format versions "
            f"{readable}. {fix}"
        )
    return metadata


def _read_entries(archive, metadata, name):
    """Every entry listed in the metadata, checked against its SHA-256."""
    listed = metadata.get("entries")
    if type(listed) is not dict:
        raise _damaged(name, _METADATA, "it lists no entries")
    entries = {}
    for entry, digest in listed.items():
        try:
            data = archive.read(entry)  # zipfile checks the entry's CRC-32 too
        except KeyError:
            raise ModelFileError(
                f"{name} is incomplete: the entry {entry!r} its {_METADATA} lists is missing."
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise _damaged(name, entry, exc) from exc
        if _sha256(data) != digest:
            raise _damaged(name, entry, "its SHA-256 differs from the one recorded at save")
        entries[entry] = data
    return entries


@contextlib.contextmanager
def _read_back(name, metadata):
    """Turn what a damaged or incompatible file raises while it is read into a
    :class:`ModelFileError` that says so."""
    try:
        yield
    except ModelFileError:
        raise
    except (AttributeError, IndexError, KeyError, RuntimeError, TypeError, ValueError) as exc:
        raise ModelFileError(
            f"{name} could not be read back ({type(exc).__name__}: {exc}). It was "
            f"written by sktsgan {metadata.get('sktsgan_version')!r} and this is "
            f"sktsgan {__version__}; the file is damaged or from an incompatible "
            "version."
        ) from exc


def _sampler_class(content, name, classes):
    estimator_name = content.get("estimator")
    cls = classes.get(estimator_name) if type(estimator_name) is str else None
    if cls is None:
        raise ModelFileError(
            f"{name} names the estimator class {estimator_name!r}, which is not an sktsgan "
            f"sampler; refused. Samplers this sktsgan loads: {', '.join(sorted(classes))}."
        )
    return cls


def _decode_version_1(metadata, reader):
    """A version 1 model file's metadata, decoded: its dicts of names were plain JSON."""
    engine = metadata["engine"]
    return {
        "estimator": metadata["estimator"],
        "params": {key: reader.decode(value) for key, value in metadata["params"].items()},
        "fitted": {key: reader.decode(value) for key, value in metadata["fitted"].items()},
        "engine": None
        if engine is None
        else {
            "batch_size": reader.decode(engine["batch_size"]),
            "device": engine["device"],
            "position": reader.decode(engine["position"]),
            "history": None if engine["history"] is None else reader.decode(engine["history"]),
        },
    }


def _version_1_state(content, name):
    """What a sampler's ``_get_state()`` returns, from a version 1 model file."""
    state = {key: content[key] for key in ("params", "fitted")}
    info = content["engine"]
    state["engine"] = None
    if info is not None:
        if _WEIGHTS_V1 not in content:
            raise ModelFileError(f"{name} is incomplete: it lists no {_WEIGHTS_V1} entry.")
        state["engine"] = {
            "weights": content[_WEIGHTS_V1],
            "batch_size": info["batch_size"],
            "device": info["device"],
            "position": info["position"],
            "history": info["history"],
        }
    return state


def _load_tensors(data, map_location, name, entry):
    try:
        return torch.load(io.BytesIO(data), map_location=map_location, weights_only=True)
    except Exception as exc:  # whatever torch refuses: the entry is not plain tensors
        raise ModelFileError(
            f"{name}: {entry} could not be read with torch's weights-only loading "
            f"({type(exc).__name__}: {str(exc)[:300]}); refused."
        ) from exc


# -- small helpers ----------------------------------------------------------------------------


def _damaged(name, entry, reason):
    return ModelFileError(
        f"{name} is damaged: its entry {entry!r} cannot be read ({reason}). Save the "
        "sampler again, or copy the file again from where it came from."
    )


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path, metadata, entries):
    """Write the zip next to ``path`` and move it into place once complete."""

    def write(file):
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _write_entry(archive, _METADATA, metadata)
            for entry, data in entries.items():
                _write_entry(archive, entry, data)

    write_atomically(path, write)


def _write_entry(archive, entry, data):
    # a fixed time stamp: the same model gives the same bytes
    info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
    # JSON shrinks several times; floats hardly at all, and compressing them made each
    # checkpoint write about 2.5 times slower (measured with benchmarks/checkpoint_writes.py)
    info.compress_type = zipfile.ZIP_DEFLATED if entry == _METADATA else zipfile.ZIP_STORED
    archive.writestr(info, data)
