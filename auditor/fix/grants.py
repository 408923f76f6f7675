"""Object and field grant planning: for an object-access, lookup-access or field-access failure, the smallest
object, field or Edit Tasks/Events grant that clears it, recomputed from the snapshot with the checks' own
functions (:mod:`auditor.permissions`); what no set can grant (a licence ceiling, User, a custom object that
may not exist) becomes a manual step."""

from __future__ import annotations

from auditor.config import AuditConfig
from auditor.fix.builder import _Builder, _labels, _step, _who
from auditor.fix.values import with_dependencies
from auditor.model import Finding
from auditor.permissions import (
    OBJECT_PERMISSIONS,
    PERMISSION_LABELS,
    carrier_field_access,
    fls_carrier,
    object_access,
)
from auditor.snapshot import FieldDescribe, ObjectDescribe, OrgSnapshot

_BY_LABEL = {label.lower(): name for name, label in PERMISSION_LABELS.items()}


def _object_needs(finding: Finding, config: AuditConfig) -> tuple[str, ...]:
    """What the check asked for on the finding's object (attribute names)."""
    sobject = finding.object or ""
    if finding.check == "lookup-access":
        return ("read",) if sobject.lower() == "user" else ("read", "edit")
    requirement = config.requirement(sobject)
    labels = requirement.needed() if requirement is not None else ("Read", "Edit")
    return tuple(_BY_LABEL[label.lower()] for label in labels)


def _plan_object(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig) -> None:
    sobject = finding.object or ""
    lower = sobject.lower()
    access = object_access(snapshot, sobject)
    missing = tuple(name for name in _object_needs(finding, config) if not access.granted_by(name))
    if not missing:
        # Object permissions are all there, yet the check fails: something a set cannot change.
        builder.manual(_step(finding, finding.message, finding.remediation))
        return
    if lower in ("task", "event"):
        permission = "EditTask" if lower == "task" else "EditEvent"
        builder.grant_user_permission(permission, finding)
        return
    if lower == "user":
        builder.manual(_step(finding, finding.message,
                             f"Use an internal Salesforce user (User Type 'Standard') as the integration user: "
                             f"no permission set grants {_labels(missing)} on User."))
        return
    described = snapshot.describe(sobject)
    if (finding.check == "object-access" and sobject.endswith("__c") and not isinstance(described, ObjectDescribe)
            and not access.read):
        # A custom object in the scope that the audit could not describe, and that no set grants Read on, may
        # not exist: a grant on it would fail the whole deploy. (A lookup's target exists: a describe names it.)
        builder.manual(_step(finding, finding.message,
                             f"Check that {sobject} exists (Setup > Object Manager); if it does, grant "
                             f"{_labels(with_dependencies(missing))} on it: {finding.remediation}"))
        return
    denied = tuple(name for name in missing if name in access.not_licensed)
    # What the licence rules out cannot be granted, nor anything that depends on it.
    blocked = {name for name in missing if set(with_dependencies((name,))) & set(denied)}
    if blocked:
        licence = access.license or "the user's licence"
        who = _who(snapshot)
        builder.manual(_step(
            finding,
            f"{licence} does not allow {_labels(denied)} on {sobject}, so no permission set can grant "
            f"{_labels(sorted(blocked, key=OBJECT_PERMISSIONS.index))}.",
            f"Give {who} a user license that allows {sobject} (Setup > Users > Users > {who} > Edit > User "
            f"License, then a profile of that license), or stop syncing {sobject}; then run `auditor fix` again.",
        ))
    grantable = tuple(name for name in missing if name not in blocked)
    if grantable:
        builder.grant_object(sobject, grantable, finding)


def _mapped_on(config: AuditConfig, described: ObjectDescribe, target: FieldDescribe) -> list[tuple[str, bool]]:
    """(qualified mapped field, needs Edit) for every mapping whose field is governed by ``target``."""
    result = []
    for mapping in config.mappings:
        if mapping.sobject.lower() != described.name.lower():
            continue
        mapped = described.field(mapping.field)
        if mapped is None:
            continue
        if fls_carrier(described, mapped).name.lower() == target.name.lower():
            result.append((f"{described.name}.{mapped.name}", mapping.direction.needs_edit and not mapped.calculated))
    return result


def _grant_field_gap(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig,
                     described: ObjectDescribe, field_describe: FieldDescribe) -> bool:
    """Grant what the mappings need on the field carrying ``field_describe``'s field-level security (its
    compound for an address component). False when there is nothing a grant can do: not permissionable, no
    mapping reaches it, or its access is already complete."""
    target = fls_carrier(described, field_describe)
    if not target.permissionable:
        return False
    mapped = _mapped_on(config, described, target)
    if not mapped:
        # No mapping reaches this field, so what HubSpot needs on it is unknown here: never guess a grant.
        return False
    needs_edit = any(edit for _, edit in mapped) and not target.calculated
    access = carrier_field_access(snapshot, described, target)
    if access.read and (access.edit or not needs_edit):
        return False
    target_name = f"{described.name}.{target.name}"
    covers = tuple(q for q, _ in mapped if q.lower() != target_name.lower())
    builder.grant_field(target_name, needs_edit, finding, covers)
    return True


def _plan_field(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig) -> None:
    qualified = finding.field or ""
    sobject, _, name = qualified.partition(".")
    described = snapshot.describe(sobject)
    field_describe = described.field(name) if isinstance(described, ObjectDescribe) else None
    if not isinstance(described, ObjectDescribe) or field_describe is None:
        # Not in describe (hidden by field-level security): grant it as the mappings name it [U: it exists;
        # the check reports field-access only for fields that do].
        needs_edit = any(m.direction.needs_edit for m in config.mappings if m.qualified.lower() == qualified.lower())
        builder.grant_field(qualified, needs_edit, finding, ())
        return
    if not _grant_field_gap(builder, finding, snapshot, config, described, field_describe):
        builder.manual(_step(finding, finding.message, finding.remediation))


def _plan_fields_of_unreadable_object(builder: _Builder, finding: Finding, snapshot: OrgSnapshot,
                                      config: AuditConfig) -> None:
    """Field grants for an object object-access fails for lack of Read: field-access leaves its fields to
    that finding (one cause, one finding), so the gaps are recomputed here, each answering ``finding``."""
    sobject = finding.object or ""
    if object_access(snapshot, sobject).read:
        return  # field-access judged this object's fields itself
    described = snapshot.describe(sobject)
    if not isinstance(described, ObjectDescribe):
        if any(m.sobject.lower() == sobject.lower() for m in config.mappings):
            builder.manual(_step(
                finding, f"The describe of {sobject} could not be read, so its fields' access was not checked.",
                f"After deploying this set, run `auditor audit` and `auditor fix` again to check field-level "
                f"security on {sobject}'s mapped fields.", required=False))
        return
    for mapping in config.mappings:
        if mapping.sobject.lower() != sobject.lower():
            continue
        field_describe = described.field(mapping.field)
        if field_describe is not None:
            _grant_field_gap(builder, finding, snapshot, config, described, field_describe)
