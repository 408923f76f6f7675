"""What the muting permission sets of the user's permission set groups remove, on one object or one field,
with the permissions that depend on a muted one."""

from __future__ import annotations

from collections.abc import Callable

from auditor.permissions.sources import OBJECT_PERMISSIONS
from auditor.snapshot import MutingRow, OrgSnapshot, PermissionSource, SourceKind, Unavailable

# What muting one permission also removes: the permissions that depend on it [C O-OP, O-FP].
_OBJECT_DEPENDENTS: dict[str, tuple[str, ...]] = {
    "read": OBJECT_PERMISSIONS,
    "create": ("create",),
    "edit": ("edit", "delete", "modify_all"),
    "delete": ("delete", "modify_all"),
    "view_all": ("view_all", "modify_all"),
    "modify_all": ("modify_all",),
}
_FIELD_DEPENDENTS: dict[str, tuple[str, ...]] = {"read": ("read", "edit"), "edit": ("edit",)}

# group id -> [(permission removed, note)]
_Mutes = dict[str, list[tuple[str, str]]]


def _mutes(snapshot: OrgSnapshot, sources: tuple[PermissionSource, ...], matches: Callable[[MutingRow], bool],
           dependents: dict[str, tuple[str, ...]]) -> _Mutes:
    """What the muting sets of the user's (valid) groups remove on one object or field.

    The group's aggregate set is assumed to have the muting applied already [U, reference §2.5]; removing
    the muted permissions from the group's grants again is then a no-op, and right if it is not applied.
    Muting never touches grants from outside the group. Unreadable mutings count as none: the verdict
    still comes from the aggregate set.
    """
    rows = snapshot.mutings
    if isinstance(rows, Unavailable):
        return {}
    groups = {s.group_id for s in sources if s.kind is SourceKind.GROUP and s.group_id}
    result: _Mutes = {}
    for row in rows:
        if row.group_id not in groups or not matches(row):
            continue
        note = f"muted by '{row.muting_set_name}' in permission set group '{row.group_label}'"
        for permission in row.permissions:
            for removed in dependents.get(permission, (permission,)):
                result.setdefault(row.group_id, []).append((removed, note))
    return result


def _muted_in(source: PermissionSource, mutes: _Mutes) -> set[str]:
    if source.kind is not SourceKind.GROUP or source.group_id is None:
        return set()
    return {permission for permission, _ in mutes.get(source.group_id, [])}


def _muted_pairs(mutes: _Mutes) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(pair for pairs in mutes.values() for pair in pairs))
