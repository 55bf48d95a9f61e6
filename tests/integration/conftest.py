"""Fixtures the integration tests share."""
import pytest


@pytest.fixture
def procs():
    """A list for the processes and peers a test starts (netlab's Testd,
    Vpcs, UdpPeer ...): each is closed (or stopped), the last first, when
    the test is done."""
    started = []
    yield started
    for p in reversed(started):
        p.close() if hasattr(p, "close") else p.stop()
