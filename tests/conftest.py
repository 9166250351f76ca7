"""Shared fixtures. The whole suite runs with network connections blocked: ptcode must never
reach out, and a test that tried would fail loudly."""

from __future__ import annotations

import socket

import pytest


class NetworkBlocked(RuntimeError):
    pass


_ATTEMPTS: list[object] = []


def _guard(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    _ATTEMPTS.append(args[1] if len(args) > 1 else args)
    raise NetworkBlocked("network access attempted during tests")


@pytest.fixture(scope="session", autouse=True)
def block_network():
    """Block outbound connections for every test (AF_UNIX is left alone for multiprocessing)."""
    mp = pytest.MonkeyPatch()
    original = socket.socket.connect

    def connect(self, address):  # noqa: ANN001, ANN202
        if self.family == getattr(socket, "AF_UNIX", None):
            return original(self, address)
        return _guard(self, address)

    mp.setattr(socket.socket, "connect", connect)
    mp.setattr(socket.socket, "connect_ex", connect)
    mp.setattr(socket, "create_connection", _guard)
    mp.setattr(socket, "getaddrinfo", _guard)
    yield _ATTEMPTS
    mp.undo()


@pytest.fixture(scope="session")
def nlp():
    from classifier.pipeline import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def parse():
    from classifier.evidence import parse as run

    return run


@pytest.fixture(scope="session")
def model():
    from classifier.model import cached_model

    m = cached_model(None)
    assert m is not None, "the shipped model is missing: run `ptcode train`"
    return m


def pytest_sessionfinish(session, exitstatus):  # noqa: ANN001, ANN201
    """Fail the run if anything tried to reach the network (the guard test removes its own)."""
    if _ATTEMPTS:
        session.exitstatus = 1
        print(f"\n{len(_ATTEMPTS)} network connection attempt(s) were blocked during the tests")
