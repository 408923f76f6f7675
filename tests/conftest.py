"""Test-wide guards: no test may reach the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


class NetworkAccessInTest(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any real connection attempt fails loudly: every answer must come from a cassette or mock."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkAccessInTest(f"a test tried to open a network connection: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
