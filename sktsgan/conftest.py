"""Test settings for the whole package: a non-interactive matplotlib backend."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
