"""``sktsgan.load``: read a model file back, with every sampler of the package allowed.

The top of the package: it imports the samplers (defining them registers them, see
:func:`sktsgan.base.sampler_classes`) and the format layer, which knows neither.
"""

from . import augment, models  # noqa: F401  (defining the classes registers them)
from ._persistence import read_sampler
from .base import sampler_classes


def load(path, *, device="cpu"):
    """Load a sampler saved with ``sampler.save(path)``, without running code from the file.

    The parameters and fitted attributes are read from JSON and ``.npy`` entries
    (``allow_pickle=False``), the networks are rebuilt from the parameters and their
    weights read with ``torch.load(weights_only=True)``: nothing in the file is
    unpickled, so a file from an untrusted source cannot run code. Every entry is
    checked against its SHA-256, so a damaged file is refused rather than loaded.

    Parameters
    ----------
    path : str or path-like
        A file written by ``save``.
    device : {"cpu", "cuda", "auto"} or str, default="cpu"
        Where to put the networks. A sampler trained on a GPU loads on a CPU-only
        machine with the default. The ``device`` parameter is restored as saved
        (``set_params(device="cpu")`` before refitting on a machine without the GPU).

    Returns
    -------
    sampler : estimator
        The fitted sampler. It gives the same samples as the saved one and continues
        its stream of draws: ``sample(n)`` after loading returns what ``sample(n)``
        on the saved sampler would have returned next (on the same device). The
        optimiser states are restored too.

    Raises
    ------
    ModelFileError
        A ``ValueError`` for a file that is not an sktsgan model, is truncated or
        damaged, names a class that is not an sktsgan sampler, holds anything but
        tensors where the weights are, or comes from an incompatible format version.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import sktsgan
    >>> from sktsgan import RCGANSampler
    >>> from sktsgan.datasets import make_sines
    >>> X = make_sines(32, n_timesteps=8, random_state=0)
    >>> sampler = RCGANSampler(hidden_size=4, n_epochs=1, random_state=0).fit(X)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rcgan.sktsgan"
    >>> sampler.save(path)
    >>> loaded = sktsgan.load(path)
    >>> bool((loaded.sample(4) == sampler.sample(4)).all())
    True
    """
    return read_sampler(path, sampler_classes(), device=device)
