"""The permission sources and grant rows read for the audited user: its profile, permission sets and groups
(:class:`PermissionSource`), ObjectPermissions / FieldPermissions rows, muting rows and group components."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SourceKind(str, Enum):
    PROFILE = "profile"
    PERMISSION_SET = "permission_set"
    GROUP = "permission_set_group"


@dataclass(frozen=True)
class PermissionSource:
    """One permission set that applies to the user: the profile's own set, an assigned set, or
    a permission set group's aggregate set."""

    id: str  # PermissionSet Id: the ParentId of ObjectPermissions / FieldPermissions rows
    kind: SourceKind
    name: str  # API name (or profile name for a profile's set, group API name for a group)
    label: str
    namespace_prefix: str | None
    system_permissions: frozenset[str]  # e.g. {"ApiEnabled", "ModifyAllData"}
    group_id: str | None = None
    group_status: str | None = None  # PermissionSetGroup.Status: Updated, Outdated, ...
    expiration_date: str | None = None  # ISO datetime of the assignment's expiry, if any
    assignment_active: bool | None = None  # PermissionSetAssignment.IsActive (None: unknown)
    # PermissionSet.HasActivationRequired: session-based sets grant only while activated, so
    # IsActive matters only for them [U: IsActive semantics, reference §2.4].
    activation_required: bool = False

    def display(self) -> str:
        kinds = {
            SourceKind.PROFILE: "profile",
            SourceKind.PERMISSION_SET: "permission set",
            SourceKind.GROUP: "permission set group",
        }
        return f"{kinds[self.kind]} '{self.label}'"


@dataclass(frozen=True)
class ObjectPermissionRow:
    source_id: str
    sobject: str
    read: bool
    create: bool
    edit: bool
    delete: bool
    view_all: bool
    modify_all: bool


@dataclass(frozen=True)
class FieldPermissionRow:
    source_id: str
    sobject: str
    field: str  # qualified, as Salesforce returns it: "Contact.Email"
    read: bool
    edit: bool


@dataclass(frozen=True)
class MutingRow:
    """What one muting permission set removes inside a permission set group, on one object or field.

    ``permissions`` are ObjectPermissions attribute names ("read", "edit", ...) for an object row, or
    "read"/"edit" for a field row. In a muting set an enabled flag means the permission is muted
    [S Salesforce Help, muting permission sets; U: the row shape is that of ObjectPermissions and
    FieldPermissions with ParentId = the MutingPermissionSet, reference §2.5-2.7].
    """

    muting_set_id: str  # MutingPermissionSet Id (0QM... [U: prefix])
    muting_set_name: str
    group_id: str
    group_label: str
    sobject: str
    field: str | None  # qualified ("Contact.Email") for a FieldPermissions row; None for an object row
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class GroupComponent:
    """One permission set inside a permission set group the user is assigned (PermissionSetGroupComponent,
    muting sets left out)."""

    group_id: str
    permission_set_id: str
    permission_set_name: str | None = None
