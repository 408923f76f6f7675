"""Where and as whom the collector reads: CollectTarget (the collector's view of an OrgSession), built from
the session, plus the two facts every snapshot carries besides the org's answers (when it was collected,
and the API calls it cost)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from auditor.snapshot import ApiUsage
from auditor.transport import GuardedSession

if TYPE_CHECKING:
    from auditor.connect.session import OrgSession



@dataclass(frozen=True)
class CollectTarget:
    """Where and as whom to collect (the collector's view of an OrgSession)."""

    session: GuardedSession
    instance_url: str
    headers: dict[str, str]  # including Authorization: Bearer ...
    api_version: str
    user_id: str | None = None  # the connected user, when the login said so
    org_id: str | None = None
    username: str | None = None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _target(session: OrgSession) -> CollectTarget:
    identity = session.identity
    return CollectTarget(
        session=session.http,
        instance_url=session.base_url,
        headers=dict(session.headers),
        api_version=session.api_version,
        user_id=identity.user_id if identity else None,
        org_id=identity.org_id if identity else None,
        username=identity.username if identity else None,
    )


def _usage(session: GuardedSession) -> ApiUsage:
    return session.stats.usage()
