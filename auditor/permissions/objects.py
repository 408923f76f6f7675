"""Effective object permissions on one object, attributed to the sources that grant them: ObjectPermissions
rows, the special objects (activities, User, queues), the system-permission overrides, muting and the user
license's ceiling."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.permissions.muting import _OBJECT_DEPENDENTS, _muted_in, _muted_pairs, _mutes
from auditor.permissions.sources import (
    _BY_LABEL,
    ACTIVITIES_READABLE,
    INTERNAL_USERS_READ_USERS,
    OBJECT_PERMISSIONS,
    QUEUES_NOT_PERMISSION_CONTROLLED,
    SPECIAL_OBJECTS,
    SYSTEM_PERMISSION_LABELS,
    PermissionDataUnavailable,
    _has,
    _unique,
    valid_sources,
)
from auditor.snapshot import ObjectPermissionRow, OrgSnapshot, PermissionSource, Unavailable, UserInfo

@dataclass(frozen=True)
class ObjectAccess:
    """Who grants each object permission on one object (empty tuple: nothing grants it)."""

    sobject: str
    read: tuple[str, ...] = ()
    create: tuple[str, ...] = ()
    edit: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    view_all: tuple[str, ...] = ()
    modify_all: tuple[str, ...] = ()
    # (permission attribute name, "muted by 'X' in permission set group 'Y'") for each permission a
    # muting set removes inside a group the user is assigned.
    muted: tuple[tuple[str, str], ...] = ()
    # Permissions (attribute names) that nothing grants and the user's license does not allow, and how
    # to name that license ("user license 'Salesforce Platform'"); empty when the ceiling is unknown.
    not_licensed: tuple[str, ...] = ()
    license: str | None = None

    def muted_notes(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """"Edit muted by 'X' in permission set group 'Y'" for each of ``labels`` that a muting set removes."""
        wanted = [(_BY_LABEL.get(label.lower(), label), label) for label in labels]
        return _unique(f"{label} {note}" for name, label in wanted for muted, note in self.muted if muted == name)

    def license_denied(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The labels among ``labels`` that nothing grants and the user's license does not allow."""
        return tuple(label for label in labels if _BY_LABEL.get(label.lower(), label) in self.not_licensed)

    def license_notes(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """"Read, Edit not allowed by user license 'X'" for those of ``labels`` the license rules out (or ())."""
        denied = self.license_denied(labels)
        return (f"{', '.join(denied)} not allowed by {self.license}",) if denied and self.license else ()

    def granted_by(self, permission: str) -> tuple[str, ...]:
        """Sources of one permission, by attribute name ("view_all") or label ("View All")."""
        name = _BY_LABEL.get(permission.lower(), permission)
        if name not in OBJECT_PERMISSIONS:
            raise ValueError(f"unknown object permission {permission!r}")
        result: tuple[str, ...] = getattr(self, name)
        return result

    def missing(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The labels ("Read", "Edit", ...) among ``labels`` that nothing grants."""
        return tuple(label for label in labels if not self.granted_by(label))

    def sources_of(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """Every source granting any of ``labels``, without repeats, in a stable order."""
        return _unique(source for label in labels for source in self.granted_by(label))


class _Grants:
    """Accumulates attributed grants; a source counts once per permission (rows before overrides)."""

    def __init__(self) -> None:
        self._by_permission: dict[str, dict[str, str]] = {name: {} for name in OBJECT_PERMISSIONS}

    def add(self, permissions: tuple[str, ...], key: str, display: str) -> None:
        for permission in permissions:
            self._by_permission[permission].setdefault(key, display)

    def result(self, sobject: str, muted: tuple[tuple[str, str], ...] = (),
               ceiling: tuple[str, tuple[str, ...]] | None = None) -> ObjectAccess:
        """The attributed access; ``ceiling`` is (license display, permissions the license allows)."""
        values = {name: tuple(granted.values()) for name, granted in self._by_permission.items()}
        license_name: str | None = None
        denied: tuple[str, ...] = ()
        if ceiling is not None:
            license_name, allowed = ceiling
            # Only permissions nothing grants: a grant despite the ceiling means the ceiling reading is
            # wrong, and a pass is never turned into a fail on an unconfirmed reading [U].
            denied = tuple(name for name in OBJECT_PERMISSIONS if not values[name] and name not in allowed)
        return ObjectAccess(sobject, read=values["read"], create=values["create"], edit=values["edit"],
                            delete=values["delete"], view_all=values["view_all"], modify_all=values["modify_all"],
                            muted=muted, not_licensed=denied, license=license_name)


def _via(source: PermissionSource, system_permission: str) -> str:
    return f"{source.display()} ({SYSTEM_PERMISSION_LABELS.get(system_permission, system_permission)})"


def license_display(snapshot: OrgSnapshot, rows: tuple[ObjectPermissionRow, ...]) -> str:
    """How findings name the user's license: "user license 'Salesforce Platform'" (its Id if unnamed)."""
    user = snapshot.user
    if isinstance(user, UserInfo) and user.user_license:
        return f"user license '{user.user_license}'"
    return f"the user's license ({rows[0].source_id})" if rows else "the user's license"


def _ceiling(snapshot: OrgSnapshot, wanted: str) -> tuple[str, tuple[str, ...]] | None:
    """(license display, permissions the license allows on ``wanted``), or None when unknown.

    The license's ObjectPermissions rows are read as a ceiling: no row for an object = the license does
    not allow it [U, reference §2.6]. No rows at all, or rows that could not be read, mean "unknown":
    never claim a license restriction without a row set to compare with.
    """
    rows = snapshot.license_ceiling
    if not isinstance(rows, tuple) or not rows or wanted in SPECIAL_OBJECTS:
        return None
    row = next((r for r in rows if r.sobject.lower() == wanted), None)
    allowed = tuple(name for name in OBJECT_PERMISSIONS if row is not None and getattr(row, name))
    return license_display(snapshot, rows), allowed


def objects_without_read(snapshot: OrgSnapshot, sobjects: Iterable[str]) -> tuple[str, ...]:
    """The objects among ``sobjects`` that nothing grants Read on (no row of the user's sets, no View or
    Modify All Data), special objects aside; () when the permission data could not be read.

    The collector reads the license ceiling only when this is not empty, so healthy orgs pay nothing.
    """
    try:
        return tuple(s for s in sobjects if s.lower() not in SPECIAL_OBJECTS and not object_access(snapshot, s).read)
    except PermissionDataUnavailable:
        return ()


def object_access(snapshot: OrgSnapshot, sobject: str) -> ObjectAccess:
    """Effective object permissions on ``sobject`` (matched case-insensitively), attributed."""
    sources = valid_sources(snapshot)
    rows = snapshot.object_permissions
    if isinstance(rows, Unavailable):
        raise PermissionDataUnavailable(f"ObjectPermissions unavailable: {rows.reason}")
    by_id = {source.id: source for source in sources}
    wanted = sobject.lower()
    grants = _Grants()

    if wanted == "group":
        # Queues are Group records; no object permission controls them.
        grants.add(OBJECT_PERMISSIONS, "group", QUEUES_NOT_PERMISSION_CONTROLLED)
        return grants.result(sobject)

    mutes = _mutes(snapshot, sources, lambda m: m.field is None and m.sobject.lower() == wanted, _OBJECT_DEPENDENTS)
    for row in rows:
        source = by_id.get(row.source_id)
        if source is None or row.sobject.lower() != wanted:
            continue
        removed = _muted_in(source, mutes)
        granted = tuple(name for name in OBJECT_PERMISSIONS if getattr(row, name) and name not in removed)
        grants.add(granted, source.id, source.display())

    # Special objects (reference §2.6 [U]): no ObjectPermissions rows are expected for them.
    if wanted in ("task", "event"):
        grants.add(("read",), "activities", ACTIVITIES_READABLE)
        edit_permission = "EditTask" if wanted == "task" else "EditEvent"
        for source in sources:
            if _has(source, edit_permission):
                grants.add(("create", "edit"), source.id, _via(source, edit_permission))
    elif wanted == "user":
        user = snapshot.user
        if not isinstance(user, Unavailable) and user.user_type == "Standard":
            grants.add(("read",), "internal", INTERNAL_USERS_READ_USERS)
        for source in sources:
            # Manage Users is what lets a user create and edit other users.
            if _has(source, "ManageUsers"):
                grants.add(("create", "edit"), source.id, _via(source, "ManageUsers"))

    # System-permission overrides (reference §2.8): these bypass object permissions, not FLS.
    for source in sources:
        if _has(source, "ModifyAllData"):
            grants.add(OBJECT_PERMISSIONS, source.id, _via(source, "ModifyAllData"))
        elif _has(source, "ViewAllData"):
            grants.add(("read", "view_all"), source.id, _via(source, "ViewAllData"))
    return grants.result(sobject, _muted_pairs(mutes), _ceiling(snapshot, wanted))
