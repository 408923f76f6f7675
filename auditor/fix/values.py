"""The fix plan's value types and the rules they carry: what a :class:`FixPlan` holds (object, field and
user-permission grants, manual steps, each with the findings it answers), which suspensions a permission set
can clear, what it must never grant, and Salesforce's object-permission dependencies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.model import Finding
from auditor.permissions import OBJECT_PERMISSIONS, SYSTEM_PERMISSION_LABELS
from auditor.suspensions import Suspension

# The suspensions a permission set can clear.
FIXABLE_SUSPENSIONS = frozenset({Suspension.SF_API_DISABLED, Suspension.SF_OBJECT_PERMISSIONS,
                                 Suspension.SF_FIELD_PERMISSIONS})

# System permissions a generated set must never hold: they give far more than HubSpot needs.
NEVER_GRANTED = frozenset({"ModifyAllData", "ViewAllData", "ManageUsers", "AuthorApex", "CustomizeApplication",
                           "ModifyMetadata"})

# Salesforce's object-permission dependencies: what each permission needs in the same set
# [C Object Reference ObjectPermissions: "Create/Edit need Read; Delete needs Read and Edit;
# ModifyAllRecords needs Read, Edit, Delete and ViewAllRecords"; View All needs Read, same source].
OBJECT_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "read": (),
    "create": ("read",),
    "edit": ("read",),
    "delete": ("read", "edit"),
    "view_all": ("read",),
    "modify_all": ("read", "edit", "delete", "view_all"),
}



@dataclass(frozen=True)
class Because:
    """The finding a grant or a manual step answers."""

    check: str
    suspension: str
    object: str | None
    field: str | None
    message: str

    @staticmethod
    def of(finding: Finding) -> Because:
        return Because(finding.check, finding.code, finding.object, finding.field, finding.message)


@dataclass(frozen=True)
class ObjectGrant:
    sobject: str
    permissions: tuple[str, ...]  # attribute names, in OBJECT_PERMISSIONS order, dependencies included
    because: tuple[Because, ...]


@dataclass(frozen=True)
class FieldGrant:
    field: str  # qualified: "Contact.MailingAddress"
    editable: bool  # readable is always true (Edit requires Read)
    because: tuple[Because, ...]
    covers: tuple[str, ...] = ()  # mapped components a compound grant stands for ("Contact.MailingCity", ...)


@dataclass(frozen=True)
class UserPermissionGrant:
    name: str  # PermissionSet field without "Permissions": "ApiEnabled"
    because: tuple[Because, ...]


@dataclass(frozen=True)
class ManualStep:
    """Something no permission set can do. ``required``: the failure stays until it is done."""

    check: str
    suspension: str
    object: str | None
    field: str | None
    why: str
    how: str
    required: bool = True


@dataclass(frozen=True)
class FixPlan:
    """Everything the fix grants and everything it cannot, for one audited user."""

    username: str | None
    org: str | None  # "ACME Corp (00D...)"
    api_version: str
    audited_at: str | None  # the snapshot's collection time, ISO-8601 UTC
    objects: tuple[ObjectGrant, ...] = ()
    fields: tuple[FieldGrant, ...] = ()
    user_permissions: tuple[UserPermissionGrant, ...] = ()
    manual_steps: tuple[ManualStep, ...] = ()
    # Error findings of permission checks: the audit could not say what is missing (exit 3).
    incomplete: tuple[str, ...] = ()
    # Failures no permission set addresses (limits, storage, mappings, outages): see `auditor audit`.
    not_addressed: tuple[Because, ...] = ()

    @property
    def grants_anything(self) -> bool:
        return bool(self.objects or self.fields or self.user_permissions)

    @property
    def required_steps(self) -> tuple[ManualStep, ...]:
        return tuple(step for step in self.manual_steps if step.required)


def with_dependencies(permissions: Iterable[str]) -> tuple[str, ...]:
    """``permissions`` plus what Salesforce requires beside them in one set, in OBJECT_PERMISSIONS order."""
    wanted: set[str] = set()
    pending = list(permissions)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(OBJECT_DEPENDENCIES[name])
    return tuple(name for name in OBJECT_PERMISSIONS if name in wanted)



def user_permission_label(name: str) -> str:
    return SYSTEM_PERMISSION_LABELS.get(name, name)

