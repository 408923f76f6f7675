"""Where the user's access comes from: the permission sources (profile, permission sets, groups' aggregate
sets) from PermissionSetAssignment, and their ObjectPermissions and FieldPermissions rows."""

from __future__ import annotations

from typing import Any

from auditor.collect.parse.fields import Malformed, _bool, _opt_str, _str
from auditor.collect.plan import SYSTEM_PERMISSIONS
from auditor.snapshot import FieldPermissionRow, ObjectPermissionRow, PermissionSource, SourceKind


def parse_sources(records: list[dict[str, Any]]) -> tuple[PermissionSource, ...]:
    """PermissionSetAssignment rows (with PermissionSet.* and PermissionSetGroup.*) -> sources."""
    if not records:
        # The rows include the profile's own permission set [reference §2.4], so there is always
        # one: none means the answer is incomplete (hidden rows), not that nothing is granted.
        raise Malformed("no assignment at all, not even the profile's permission set")
    sources = []
    for record in records:
        permission_set = record.get("PermissionSet")
        set_id = _opt_str(record, "PermissionSetId")
        group = record.get("PermissionSetGroup")
        group_id = _opt_str(record, "PermissionSetGroupId")
        if set_id is None or not isinstance(permission_set, dict):
            if group_id is None:
                raise Malformed("assignment without PermissionSetId")
            continue  # a group assignment without its aggregate set: resolved in a later round
        granted = frozenset(p for p in SYSTEM_PERMISSIONS if permission_set.get(f"Permissions{p}") is True)
        profile = permission_set.get("Profile")
        if _bool(permission_set, "IsOwnedByProfile", False):
            profile_name = profile.get("Name") if isinstance(profile, dict) else None
            name = profile_name if isinstance(profile_name, str) else _str(permission_set, "Name")
            kind, label = SourceKind.PROFILE, name
        elif group_id is not None:
            group = group if isinstance(group, dict) else {}
            kind = SourceKind.GROUP
            name = _opt_str(group, "DeveloperName") or _str(permission_set, "Name")
            label = _opt_str(group, "MasterLabel") or name
        else:
            kind = SourceKind.PERMISSION_SET
            name = _str(permission_set, "Name")
            label = _opt_str(permission_set, "Label") or name
        sources.append(PermissionSource(
            id=set_id,
            kind=kind,
            name=name,
            label=label,
            namespace_prefix=_opt_str(permission_set, "NamespacePrefix"),
            system_permissions=granted,
            group_id=group_id,
            group_status=_opt_str(group, "Status") if kind is SourceKind.GROUP and isinstance(group, dict) else None,
            expiration_date=_opt_str(record, "ExpirationDate"),
            assignment_active=record.get("IsActive") if isinstance(record.get("IsActive"), bool) else None,
            activation_required=permission_set.get("HasActivationRequired") is True,
        ))
    return tuple(sources)


def group_sources(records: list[dict[str, Any]], assignments: list[dict[str, Any]]) -> tuple[PermissionSource, ...]:
    """Aggregate sets of permission set groups read in the fallback round."""
    by_group = {a.get("PermissionSetGroupId"): a for a in assignments if a.get("PermissionSetGroupId")}
    sources = []
    for record in records:
        group_id = _str(record, "PermissionSetGroupId")
        assignment: dict[str, Any] = by_group.get(group_id) or {}
        raw_group = assignment.get("PermissionSetGroup")
        group: dict[str, Any] = raw_group if isinstance(raw_group, dict) else {}
        name = _opt_str(group, "DeveloperName") or _str(record, "Name")
        sources.append(PermissionSource(
            id=_str(record, "Id"),
            kind=SourceKind.GROUP,
            name=name,
            label=_opt_str(group, "MasterLabel") or name,
            namespace_prefix=_opt_str(record, "NamespacePrefix"),
            system_permissions=frozenset(p for p in SYSTEM_PERMISSIONS if record.get(f"Permissions{p}") is True),
            group_id=group_id,
            group_status=_opt_str(group, "Status"),
            expiration_date=_opt_str(assignment, "ExpirationDate"),
            assignment_active=assignment.get("IsActive") if isinstance(assignment.get("IsActive"), bool) else None,
        ))
    return tuple(sources)


def parse_object_permissions(records: list[dict[str, Any]]) -> tuple[ObjectPermissionRow, ...]:
    return tuple(
        ObjectPermissionRow(
            source_id=_str(r, "ParentId"),
            sobject=_str(r, "SobjectType"),
            read=_bool(r, "PermissionsRead", False),
            create=_bool(r, "PermissionsCreate", False),
            edit=_bool(r, "PermissionsEdit", False),
            delete=_bool(r, "PermissionsDelete", False),
            view_all=_bool(r, "PermissionsViewAllRecords", False),
            modify_all=_bool(r, "PermissionsModifyAllRecords", False),
        )
        for r in records
    )


def parse_field_permissions(records: list[dict[str, Any]]) -> tuple[FieldPermissionRow, ...]:
    return tuple(
        FieldPermissionRow(
            source_id=_str(r, "ParentId"),
            sobject=_str(r, "SobjectType"),
            field=_str(r, "Field"),
            read=_bool(r, "PermissionsRead", False),
            edit=_bool(r, "PermissionsEdit", False),
        )
        for r in records
    )
