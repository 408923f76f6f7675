"""Keep secrets out of everything the auditor writes: logs, errors, reports, cassettes, snapshots.

One Redactor per run knows this run's exact secrets (tokens, passwords, keys, the session ids the
login handed back) and masks any secret-shaped text whatever its origin (a session id an org's
proxy or Apex REST handler quoted in an error message). ``cli.main`` makes it the *active*
redactor for the run (:func:`redacting`): standard output and standard error pass through it, and
the report, the snapshot and every file written go through :func:`active` before they leave.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import Any, TextIO, TypeVar

REDACTED = "***REDACTED***"

# Shapes that are secrets whatever their value. A Salesforce session id / access token is
# "<15 or 18 char org id>!<long token>".
_PATTERNS = (
    re.compile(r"00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{16,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._!\-]{16,}"),
    re.compile(r'(?i)("?(?:access_token|refresh_token|id_token|signature|client_secret|password|assertion)"?\s*[:=]\s*"?)[^"&\s,}]+'),
    re.compile(r"(?i)(<(?:\w+:)?sessionId>)[^<]+(</(?:\w+:)?sessionId>)"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
)

# Text none of the patterns can match skips them: a snapshot holds tens of thousands of strings.
_MAYBE_SECRET = re.compile(r"(?i)00D|bearer|token|signature|secret|password|assertion|sessionid|PRIVATE KEY")

T = TypeVar("T")


class Redactor:
    """Replaces known secret values and secret-shaped text with a placeholder."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        # Very short values (an empty security token, "1") would redact ordinary text.
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def absorb(self, other: Redactor) -> None:
        """Know every secret ``other`` knows too (one redactor for the whole run)."""
        if other is not self:
            self._secrets |= other._secrets

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        if not _MAYBE_SECRET.search(text):
            return text
        for pattern in _PATTERNS:
            if pattern.groups == 2:
                text = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(2)}", text)
            elif pattern.groups == 1:
                text = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
            else:
                text = pattern.sub(REDACTED, text)
        return text

    def redact_values(self, value: T) -> T:
        """``value`` with every string inside it redacted: frozen dataclasses (a Report, an
        OrgSnapshot), tuples, lists and dicts are rebuilt; enums and other values are kept."""
        return self._walk(value)  # type: ignore[no-any-return]

    def _walk(self, value: Any) -> Any:
        if isinstance(value, Enum):
            return value
        if isinstance(value, str):
            return self.redact(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self._walk(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
            return dataclasses.replace(value, **changes)
        if isinstance(value, tuple):
            return tuple(self._walk(item) for item in value)
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        if isinstance(value, dict):
            return {self._walk(k): self._walk(v) for k, v in value.items()}
        return value


_ACTIVE: ContextVar[Redactor | None] = ContextVar("auditor_redactor", default=None)


def active() -> Redactor:
    """The run's redactor (see :func:`redacting`); outside a run, a fresh one knowing only shapes."""
    return _ACTIVE.get() or Redactor()


class RedactingStream:
    """A text stream that redacts every write before passing it on (stdout and stderr of a run)."""

    def __init__(self, stream: TextIO, redactor: Redactor) -> None:
        self._stream = stream
        self.redactor = redactor

    def write(self, text: str) -> int:
        self._stream.write(self.redactor.redact(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, ...
        if name == "buffer":  # writing bytes underneath would bypass the redaction: click then uses write()
            raise AttributeError(name)
        return getattr(self._stream, name)


@contextmanager
def redacting(redactor: Redactor) -> Iterator[Redactor]:
    """Make ``redactor`` the active one and pass standard output and error through it."""
    token = _ACTIVE.set(redactor)
    saved = sys.stdout, sys.stderr
    sys.stdout = RedactingStream(saved[0], redactor)
    sys.stderr = RedactingStream(saved[1], redactor)
    try:
        yield redactor
    finally:
        sys.stdout, sys.stderr = saved
        _ACTIVE.reset(token)
