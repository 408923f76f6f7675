"""Why a part of the snapshot is missing: :class:`FailureKind`, :class:`Unavailable` and the ``Part[T]`` alias
(a value that was read, or the reason it could not be)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeVar, Union


class FailureKind(str, Enum):
    """Why a part of the snapshot could not be read. Checks map these to suspension codes."""

    API_DISABLED = "api_disabled"  # API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED
    API_LIMIT = "api_limit"  # 403 REQUEST_LIMIT_EXCEEDED
    NO_ACCESS = "no_access"  # INSUFFICIENT_ACCESS*, INVALID_TYPE on a setup object, 404
    ORG_UNAVAILABLE = "org_unavailable"  # 503, maintenance page, SERVER_UNAVAILABLE
    SERVER_ERROR = "server_error"  # 500 / UNKNOWN_EXCEPTION and other 5xx
    UNEXPECTED = "unexpected"  # an answer we do not understand (bad JSON, odd shape, ...)
    NOT_COLLECTED = "not_collected"  # skipped because something it depends on failed


@dataclass(frozen=True)
class Unavailable:
    """A part of the snapshot that could not be read, and why."""

    kind: FailureKind
    reason: str
    error_code: str | None = None
    http_status: int | None = None


T = TypeVar("T")
Part = Union[T, Unavailable]
