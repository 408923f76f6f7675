"""A progress line on stderr while the audit collects: which steps Salesforce has answered.

It observes the HTTP session from the outside (a ``requests`` response hook the CLI attaches),
so the collector knows nothing of it and runs the same with or without a terminal. The CLI only
shows it on a terminal, never with ``--quiet``, ``--debug`` or in CI.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import urlsplit

import requests
from rich.console import Console
from rich.status import Status
from rich.text import Text

# The steps of an audit in the order they happen, recognised from the path answered.
STEPS = ("login", "identity", "limits", "composite", "pages", "trust status")


def step_of(url: str) -> str | None:
    """The step an answer from ``url`` belongs to, or ``None`` for anything else."""
    parts = urlsplit(url)
    path = parts.path
    if parts.hostname == "api.status.salesforce.com":
        return "trust status"
    if path.startswith("/services/Soap/") or path.startswith("/services/oauth2/token"):
        return "login"
    if path.startswith("/services/oauth2/userinfo"):
        return "identity"
    if path.rstrip("/").endswith("/limits"):
        return "limits"
    if path.rstrip("/").endswith("/composite"):
        return "composite"
    if "/query/" in path:  # a nextRecordsUrl: the next page of a query
        return "pages"
    return None


class CollectProgress:
    """A transient spinner line: "collecting from acme.my.salesforce.com: login ✓  limits ✓ ...".

    Use as a context manager around the collection; :meth:`start` shows it (the CLI calls it
    once any prompt for a secret is answered) and leaving the context removes the line.
    """

    def __init__(self, stream: TextIO, host: str) -> None:
        self._console = Console(file=stream, stderr=True)
        self._host = host
        self._done: dict[str, int] = {}
        self._lock = threading.Lock()
        self._status: Status | None = None

    def attach(self, session: requests.Session) -> None:
        """Observe every answer ``session`` receives."""
        session.hooks.setdefault("response", []).append(self.on_response)

    def start(self) -> None:
        # Shown as rich.text.Text: no Rich markup is ever parsed out of a host name.
        if self._status is None:
            self._status = self._console.status(Text(self._text()), spinner="dots")
            self._status.start()

    def on_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        step = step_of(response.url or "")
        if step is None:
            return
        with self._lock:
            self._done[step] = self._done.get(step, 0) + 1
            if self._status is not None:
                self._status.update(Text(self._text()))

    def _text(self) -> str:
        if not self._done:
            return f"connecting to {self._host}…"
        steps = "  ".join(
            f"{step} ✓" if self._done[step] == 1 else f"{step} ✓×{self._done[step]}"
            for step in STEPS if step in self._done
        )
        return f"collecting from {self._host}: {steps}"

    def __enter__(self) -> CollectProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
