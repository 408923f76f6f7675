"""The one value a login produces and every later layer takes: :class:`OrgSession`.

Imports nothing heavy at run time, so the collector can name the type without loading a login.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditor.connect.options import AuthMethod

if TYPE_CHECKING:
    from auditor.transport import GuardedSession


@dataclass(frozen=True)
class Identity:
    """Who the session belongs to."""

    user_id: str  # 005...
    org_id: str  # 00D...
    username: str | None


@dataclass(frozen=True)
class OrgSession:
    """A ready session on one org: what the collector needs, and nothing it could change.

    ``http`` is the guarded session every request goes through (read-only guard, retries,
    deadline, redaction, statistics). ``identity`` is None when the login did not say who the user
    is (access token, sf CLI): the collector then asks ``/services/oauth2/userinfo``.
    """

    http: GuardedSession
    base_url: str  # https://host, no trailing slash
    api_version: str  # "62.0", already normalised
    auth_method: AuthMethod
    identity: Identity | None
    headers: Mapping[str, str] = field(repr=False)  # Authorization: Bearer <token>, and the JSON ones

    @property
    def access_token(self) -> str:
        """The session id (a secret: the redactor of ``http`` knows it)."""
        return self.headers["Authorization"].removeprefix("Bearer ")
