"""Test settings for the whole package: a non-interactive matplotlib backend."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

try:
    from hypothesis import settings
except ImportError:  # hypothesis is a test extra
    pass
else:
    # Reproducible in CI: the same examples every run, no example database, no deadline
    # (the first fit of a run pays torch's start-up). SKTSGAN_FUZZ_EXAMPLES raises the
    # number of examples of every property-based test, for a long run.
    settings.register_profile(
        "sktsgan",
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=int(os.environ.get("SKTSGAN_FUZZ_EXAMPLES", "25")),
        print_blob=True,
    )
    settings.load_profile("sktsgan")
