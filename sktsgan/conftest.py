"""Test settings for the whole package: a non-interactive matplotlib backend,
reproducible hypothesis settings, and a Ctrl-C that tests can send to a fit."""

import os

import pytest

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


@pytest.fixture(scope="session")
def at_batch():
    """A skorch callback class: ``AtBatch(epoch, after, action)`` calls ``action(net)``
    in epoch ``epoch`` (counted over all phases) after ``after`` of its batches."""
    from skorch.callbacks import Callback

    class AtBatch(Callback):
        def __init__(self, epoch, after, action):
            self.epoch = epoch
            self.after = after
            self.action = action

        def on_epoch_begin(self, net, **kwargs):
            self.seen_ = 0

        def on_batch_end(self, net, **kwargs):
            self.seen_ += 1
            if len(net.history) == self.epoch and self.seen_ == self.after:
                self.action(net)

    return AtBatch


def _interrupt(net):
    raise KeyboardInterrupt


@pytest.fixture(scope="session")
def interrupt_at(at_batch):
    """``interrupt_at(epoch, after=2)``: a callback that presses Ctrl-C there."""

    def make(epoch, after=2):
        return at_batch(epoch, after, _interrupt)

    return make
