"""The muting round's answers: the permission sets inside the user's permission set groups, and what the
groups' muting permission sets take away (rows whose ParentId is a muting set)."""

from __future__ import annotations

from typing import Any

from auditor.collect.parse.fields import _str
from auditor.collect.plan import MUTING_SET_PREFIX
from auditor.snapshot import GroupComponent, MutingRow


_OBJECT_FLAGS = (
    ("PermissionsRead", "read"), ("PermissionsCreate", "create"), ("PermissionsEdit", "edit"),
    ("PermissionsDelete", "delete"), ("PermissionsViewAllRecords", "view_all"), ("PermissionsModifyAllRecords", "modify_all"),
)
_FIELD_FLAGS = (("PermissionsRead", "read"), ("PermissionsEdit", "edit"))


def _is_muting(component: dict[str, Any]) -> bool:
    """Whether a PermissionSetGroupComponent's PermissionSetId is a MutingPermissionSet: the polymorphic
    relationship's ``attributes.type`` [S: SOQL polymorphic answers], else the key prefix [U: 0QM]."""
    related = component.get("PermissionSet")
    attributes = related.get("attributes") if isinstance(related, dict) else None
    kind = attributes.get("type") if isinstance(attributes, dict) else None
    if isinstance(kind, str):
        return kind == "MutingPermissionSet"
    set_id = component.get("PermissionSetId")
    return isinstance(set_id, str) and set_id.startswith(MUTING_SET_PREFIX)


def parse_group_components(components: list[dict[str, Any]]) -> tuple[GroupComponent, ...]:
    """The permission sets (not muting sets) inside the user's groups, from PermissionSetGroupComponent."""
    result = []
    for component in components:
        if _is_muting(component):
            continue
        related = component.get("PermissionSet")
        name = related.get("Name") if isinstance(related, dict) else None
        result.append(GroupComponent(_str(component, "PermissionSetGroupId"), _str(component, "PermissionSetId"),
                                     name if isinstance(name, str) else None))
    return tuple(result)


def parse_mutings(components: list[dict[str, Any]], object_rows: list[dict[str, Any]], field_rows: list[dict[str, Any]],
                  group_labels: dict[str, str]) -> tuple[MutingRow, ...]:
    """MutingRows from the muting round: rows whose ParentId is a muting set of one of the groups.

    A muting set's name comes through the polymorphic ``PermissionSet.Name``; whether Salesforce fills
    it for a MutingPermissionSet is [U], so a missing name falls back to the set's Id.
    """
    muting: dict[str, tuple[str, str]] = {}  # muting set id -> (name, group id)
    for component in components:
        if not _is_muting(component):
            continue
        set_id = _str(component, "PermissionSetId")
        related = component.get("PermissionSet")
        name = related.get("Name") if isinstance(related, dict) else None
        muting[set_id] = (name if isinstance(name, str) and name else set_id, _str(component, "PermissionSetGroupId"))
    rows: list[MutingRow] = []
    for records, flags, is_field in ((object_rows, _OBJECT_FLAGS, False), (field_rows, _FIELD_FLAGS, True)):
        for record in records:
            parent = _str(record, "ParentId")
            if parent not in muting:
                continue
            muted = tuple(name for key, name in flags if record.get(key) is True)
            if not muted:
                continue
            name, group_id = muting[parent]
            rows.append(MutingRow(
                muting_set_id=parent, muting_set_name=name, group_id=group_id,
                group_label=group_labels.get(group_id, group_id), sobject=_str(record, "SobjectType"),
                field=_str(record, "Field") if is_field else None, permissions=muted,
            ))
    return tuple(rows)
