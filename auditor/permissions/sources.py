"""Which permission sources grant, and the permission vocabulary every part of :mod:`auditor.permissions` shares.

A source is the profile's own set, an assigned permission set or a group's aggregate set; expired and
not-activated session-based assignments do not grant, and each one ignored says why. Also: the object
permission names and labels, the source strings for access no set grants, system-permission lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from auditor.snapshot import OrgSnapshot, PermissionSource, Unavailable
from auditor.timestamps import parse_timestamp

# ObjectPermissions flags in the order Salesforce shows them, with their Setup labels.
OBJECT_PERMISSIONS: tuple[str, ...] = ("read", "create", "edit", "delete", "view_all", "modify_all")
PERMISSION_LABELS: dict[str, str] = {
    "read": "Read",
    "create": "Create",
    "edit": "Edit",
    "delete": "Delete",
    "view_all": "View All",
    "modify_all": "Modify All",
}
_BY_LABEL = {label.lower(): name for name, label in PERMISSION_LABELS.items()}

# Source strings for access that no permission set grants (reference §2.6, [U]).
ACTIVITIES_READABLE = "activities are readable by every user"
INTERNAL_USERS_READ_USERS = "every internal user can read users"
QUEUES_NOT_PERMISSION_CONTROLLED = "queues (Group) are not permission-controlled"
NOTHING_GRANTS_IT = "nothing grants it"

# Objects whose access no ObjectPermissions row decides (reference §2.6 [U]; queues are Group records):
# a license ceiling says nothing about them.
SPECIAL_OBJECTS = frozenset({"task", "event", "user", "group"})

# System permission (PermissionSet field without the "Permissions" prefix) -> Setup label.
SYSTEM_PERMISSION_LABELS: dict[str, str] = {
    "ApiEnabled": "API Enabled",
    "ModifyAllData": "Modify All Data",
    "ViewAllData": "View All Data",
    "EditTask": "Edit Tasks",
    "EditEvent": "Edit Events",
    "ManageUsers": "Manage Users",
    "ViewSetup": "View Setup and Configuration",
}


class PermissionDataUnavailable(ValueError):
    """A permission function was called although the snapshot part it needs is Unavailable."""


# ----------------------------------------------------------------------------- sources


def _why_ignored(source: PermissionSource, now: datetime | None) -> str | None:
    if source.activation_required and source.assignment_active is False:
        return "session-based assignment is not activated"
    if source.expiration_date is not None and now is not None:
        expires = parse_timestamp(source.expiration_date)
        if expires is None:
            # Unreadable expiry: counting the set could hide a suspension, so it does not grant,
            # and the finding says why.
            return f"assignment expiry date '{source.expiration_date}' could not be read"
        if expires < now:
            return f"assignment expired {source.expiration_date}"
    return None


def _classified(snapshot: OrgSnapshot) -> list[tuple[PermissionSource, str | None]]:
    sources = snapshot.sources
    if isinstance(sources, Unavailable):
        raise PermissionDataUnavailable(f"permission sources unavailable: {sources.reason}")
    now = parse_timestamp(snapshot.collected_at) if snapshot.collected_at else None
    return [(source, _why_ignored(source, now)) for source in sources]


def valid_sources(snapshot: OrgSnapshot) -> tuple[PermissionSource, ...]:
    """The sources that grant: expired and not-activated session-based assignments are dropped.

    Expiry is judged against ``snapshot.collected_at``; without it every assignment is kept.
    """
    return tuple(source for source, reason in _classified(snapshot) if reason is None)


def expiring_grants(snapshot: OrgSnapshot, granted_by: Iterable[str], days: int) -> tuple[tuple[str, str], ...]:
    """((source display, expiry date), ...) when EVERY one of ``granted_by`` is an assignment expiring within
    ``days`` of the collection time; () as soon as one grant does not expire soon (or is not an assignment at
    all, e.g. "activities are readable by every user"), or when the collection time is unknown."""
    now = parse_timestamp(snapshot.collected_at) if snapshot.collected_at else None
    grants = tuple(dict.fromkeys(granted_by))
    if now is None or not grants or isinstance(snapshot.sources, Unavailable):
        return ()
    by_display: dict[str, list[PermissionSource]] = {}
    for source in valid_sources(snapshot):
        by_display.setdefault(source.display(), []).append(source)
    found: list[tuple[str, str]] = []
    for grant in grants:
        holders = by_display.get(grant.split(" (", 1)[0] if grant not in by_display else grant, [])
        dates = [parse_timestamp(s.expiration_date) for s in holders if s.expiration_date]
        if not holders or len(dates) < len(holders) or any(d is None for d in dates):
            return ()
        latest = max(d for d in dates if d is not None)
        if (latest - now).total_seconds() > days * 86400:
            return ()
        found.append((grant, latest.date().isoformat()))
    return tuple(found)


def ignored_sources(snapshot: OrgSnapshot) -> tuple[tuple[PermissionSource, str], ...]:
    """The assigned sources that do not grant, each with the reason."""
    return tuple((source, reason) for source, reason in _classified(snapshot) if reason is not None)


def ignored_notes(snapshot: OrgSnapshot) -> tuple[str, ...]:
    """One line per ignored source, for a finding's ``sources``:
    "permission set 'HubSpot Sync' ignored: assignment expired 2024-01-31T00:00:00Z"."""
    return tuple(f"{source.display()} ignored: {reason}" for source, reason in ignored_sources(snapshot))


def _has(source: PermissionSource, system_permission: str) -> bool:
    wanted = system_permission.lower()
    return any(name.lower() == wanted for name in source.system_permissions)


def system_permission_sources(snapshot: OrgSnapshot, system_permission: str) -> tuple[str, ...]:
    """Display strings of the valid sources granting a system permission, e.g. "ApiEnabled"."""
    return tuple(s.display() for s in valid_sources(snapshot) if _has(s, system_permission))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
