"""write_atomically: the one writer of checkpoints and model files."""

import os

import pytest

from sktsgan.utils._files import write_atomically


def test_a_failed_write_leaves_the_old_file_whole_and_nothing_beside_it(tmp_path):
    path = tmp_path / "model.sktsgan"
    write_atomically(path, lambda file: file.write(b"first"))

    def fail_halfway(file):
        file.write(b"seco")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, fail_halfway)
    assert path.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["model.sktsgan"]


def test_the_data_reaches_the_disk_before_the_rename(tmp_path, monkeypatch):
    events = []
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync"))
    real_replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1]
    )
    write_atomically(tmp_path / "deeper" / "file", lambda file: file.write(b"x"))
    assert events == ["fsync", "replace"]
    assert (tmp_path / "deeper" / "file").read_bytes() == b"x"
