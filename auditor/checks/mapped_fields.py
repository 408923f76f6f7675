"""The mapped fields as field-access and field-mappings see them: grouped by object, whether one missing
from describe is known to exist (hidden by field-level security), and whether object-access already reports
its object (one cause, one finding)."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.config import AuditConfig, FieldMapping
from auditor.permissions import PermissionDataUnavailable, object_access
from auditor.snapshot import FailureKind, OrgSnapshot, Unavailable

@dataclass(frozen=True)
class _MappedField:
    sobject: str
    field: str
    needs_edit: bool  # any mapping of it writes to Salesforce


def _mapped_fields(mappings: tuple[FieldMapping, ...]) -> dict[str, list[_MappedField]]:
    """Mapped fields grouped by object (keys lower-case, in mapping order); a field mapped twice
    appears once and needs Edit if any of its mappings writes to Salesforce."""
    fields: dict[tuple[str, str], _MappedField] = {}
    for mapping in mappings:
        key = (mapping.sobject.lower(), mapping.field.lower())
        previous = fields.get(key)
        needs_edit = mapping.direction.needs_edit or (previous is not None and previous.needs_edit)
        fields[key] = _MappedField(mapping.sobject, mapping.field, needs_edit)
    grouped: dict[str, list[_MappedField]] = {}
    for (sobject, _), mapped in fields.items():
        grouped.setdefault(sobject, []).append(mapped)
    return grouped


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def known_to_exist(snapshot: OrgSnapshot, sobject: str, field: str) -> bool:
    """Whether a mapped field missing from describe is known to exist: a standard field (HubSpot's standard
    mappings name fields every org has), or one FieldPermissions lists. Then the user's describe left it
    out because field-level security hides it [S Z-FLS]. A custom field with no such evidence may not
    exist at all. (Tooling FieldDefinition would tell for sure, reference admin-and-sync-facts §3.7 [U];
    not read, to keep the audit to one composite.)"""
    if not field.lower().endswith(("__c", "__s")):
        return True
    rows = snapshot.field_permissions
    wanted = f"{sobject}.{field}".lower()
    return isinstance(rows, tuple) and any(r.field.lower() == wanted for r in rows)


def hidden_from_user(snapshot: OrgSnapshot, sobject: str, field: str) -> bool:
    """A mapped field absent from describe because FLS hides it from the audited user. Only the user's own
    describe can hide it: with --user the describes are the auditing session's, and a field missing
    there does not exist (or is hidden from the auditor too; field-mappings says so)."""
    return snapshot.audited_connected_user and known_to_exist(snapshot, sobject, field)


def covered_by_object_finding(snapshot: OrgSnapshot, config: AuditConfig, sobject: str) -> bool:
    """One cause, one finding: a synced object the user cannot reach (describe refused, or nothing grants
    Read) is reported by object-access; its fields are not reported again, in either audit mode."""
    if config.requirement(sobject) is None:
        return False
    described = snapshot.describe(sobject)
    if isinstance(described, Unavailable) and described.kind is FailureKind.NO_ACCESS:
        return True
    try:
        return not object_access(snapshot, sobject).read
    except PermissionDataUnavailable:
        return False
