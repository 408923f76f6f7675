"""`auditor whoami`: the org, instance, user and profile an audit would run as, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditor.report.text_or_json import TextOrJson
from auditor.snapshot import OrgInfo, Unavailable, UserInfo


@dataclass(frozen=True)
class Whoami:
    """What whoami shows: the session's facts and the org and user as read (or why not)."""

    instance_url: str
    auth_method: str
    api_version: str
    org: OrgInfo | Unavailable
    user: UserInfo | Unavailable


def whoami_facts(who: Whoami) -> dict[str, Any]:
    """The JSON document (keys sorted when dumped); ``org``/``user`` null when unreadable."""
    org, user = who.org, who.user
    return {
        "instance_url": who.instance_url,
        "auth_method": who.auth_method,
        "api_version": who.api_version,
        "org": None if isinstance(org, Unavailable) else {"id": org.id, "name": org.name, "edition": org.edition,
                                                           "instance_name": org.instance_name, "is_sandbox": org.is_sandbox},
        "user": None if isinstance(user, Unavailable) else {"id": user.id, "username": user.username, "name": user.name,
                                                             "profile": user.profile_name, "user_license": user.user_license,
                                                             "is_active": user.is_active},
    }


def format_whoami_json(who: Whoami) -> str:
    return json.dumps(whoami_facts(who), indent=2, sort_keys=True)


def format_whoami_text(who: Whoami) -> str:
    org, user = who.org, who.user
    lines = [f"Instance:   {who.instance_url} (API v{who.api_version}, {who.auth_method})"]
    if isinstance(org, Unavailable):
        lines.append(f"Org:        unknown ({org.reason})")
    else:
        kind = "sandbox" if org.is_sandbox else "production"
        lines.append(f"Org:        {org.name} ({org.id}), {org.edition}, {kind}, instance {org.instance_name or '?'}")
    if isinstance(user, Unavailable):
        lines.append(f"User:       unknown ({user.reason})")
    else:
        state = "" if user.is_active else ", INACTIVE"
        lines.append(f"User:       {user.username} ({user.id}), {user.name}{state}")
        lines.append(f"Profile:    {user.profile_name or '?'} (license {user.user_license or '?'})")
    return "\n".join(lines)


WHOAMI_FORMATTERS: dict[TextOrJson, Callable[[Whoami], str]] = {
    TextOrJson.TEXT: format_whoami_text,
    TextOrJson.JSON: format_whoami_json,
}
