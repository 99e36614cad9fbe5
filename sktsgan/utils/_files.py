"""Writing files so that a crash never leaves half of one: checkpoints and model files."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path, write):
    """Call ``write(file)`` on a temporary file beside ``path``, then move it into place.

    The data reaches the disk (``fsync``) before the rename, so a process or machine
    that stops mid-write leaves the previous file whole and no partial one under
    ``path``; the temporary file is removed on any error.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from sktsgan.utils._files import write_atomically
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> write_atomically(path, lambda file: file.write(b"saved"))
    >>> path.read_bytes()
    b'saved'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(temporary, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
