"""`auditor explain OBJECT[.FIELD]`: what the audited user can do on one object or field, and why.

A pure formatter over an :class:`~auditor.snapshot.OrgSnapshot` (the same snapshot an audit collects):
each permission with the sources that grant it, or "nothing grants it"; for a field, field-level Read
and Edit plus describe's permissionable/calculated flags; for an object, whether it is in the sync scope
and what HubSpot needs on it.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.config import AuditConfig
from auditor.model import STATUS_ORDER, Category, Finding, Status
from auditor.permissions import (
    NOTHING_GRANTS_IT,
    OBJECT_PERMISSIONS,
    PERMISSION_LABELS,
    PermissionDataUnavailable,
    carrier_field_access,
    fls_carrier,
    ignored_notes,
    object_access,
)
from auditor.snapshot import ObjectDescribe, OrgSnapshot, Unavailable, UserInfo
from auditor.suspensions import Suspension

# An API name: letters, digits and underscores (custom names end in __c, namespaced ones carry ns__).
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class UnknownTarget(ValueError):
    """The object or field is not known to the snapshot (str(error) says why)."""


def _who(snapshot: OrgSnapshot) -> str:
    user = snapshot.user
    return f"'{user.username}'" if isinstance(user, UserInfo) else "the integration user"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _grants(label: str, sources: tuple[str, ...], muted: tuple[str, ...] = ()) -> str:
    granted = f"granted by {'; '.join(sources)}" if sources else NOTHING_GRANTS_IT
    return f"  {label + ':':<12}{granted}" + (f" ({'; '.join(muted)})" if muted else "")


def _object_names(snapshot: OrgSnapshot, config: AuditConfig) -> dict[str, str]:
    """Every object the snapshot knows, lower-case -> API name as Salesforce spells it."""
    names: dict[str, str] = {}
    for name, described in snapshot.describes:
        names[name.lower()] = described.name if isinstance(described, ObjectDescribe) else name
    if not isinstance(snapshot.object_permissions, Unavailable):
        for row in snapshot.object_permissions:
            names.setdefault(row.sobject.lower(), row.sobject)
    for sobject in config.objects_in_scope():
        names.setdefault(sobject.lower(), sobject)
    return names


def _needs(config: AuditConfig, sobject: str) -> str:
    requirement = config.requirement(sobject)
    if requirement is not None:
        return f"in the sync scope; HubSpot needs {', '.join(requirement.needed())}"
    if any(m.sobject.lower() == sobject.lower() for m in config.mappings):
        return "not a synced object, but mapped fields are on it; HubSpot needs Read and Edit"
    return "not in the sync scope (HubSpot needs nothing on it unless a synced lookup reaches it)"


def _object_lines(snapshot: OrgSnapshot, config: AuditConfig, sobject: str) -> list[str]:
    lines = [f"Object {sobject}: {_needs(config, sobject)}."]
    try:
        access = object_access(snapshot, sobject)
    except PermissionDataUnavailable as exc:
        return lines + [f"  object permissions unavailable: {exc}"]
    for name in OBJECT_PERMISSIONS:
        label = PERMISSION_LABELS[name]
        license_notes = (f"not allowed by {access.license}",) if name in access.not_licensed else ()
        lines.append(_grants(label, access.granted_by(name), access.muted_notes((label,)) + license_notes))
    if access.not_licensed:
        denied = ", ".join(PERMISSION_LABELS[n] for n in access.not_licensed)
        them = "it" if len(access.not_licensed) == 1 else "them"
        lines.append(f"  {access.license} does not allow {denied} on {sobject}, so no permission set can grant {them}.")
    return lines


def _field_lines(snapshot: OrgSnapshot, config: AuditConfig, described: ObjectDescribe, field_name: str) -> list[str]:
    field = described.field(field_name)
    if field is None:
        raise UnknownTarget(
            f"{described.name}.{field_name}: no such field in the describe of {described.name} "
            "(it does not exist, or field-level security hides it from the auditing session)"
        )
    qualified = f"{described.name}.{field.name}"
    mappings = [m for m in config.mappings if m.qualified.lower() == qualified.lower()]
    if mappings:
        needs_edit = any(m.direction.needs_edit for m in mappings)
        directions = "; ".join(f"{m.hubspot_object}.{m.hubspot_property}, {m.direction.value}" for m in mappings)
        mapped = f"mapped to {directions}; HubSpot needs Read{', Edit' if needs_edit else ''}"
    else:
        mapped = "not mapped (HubSpot does not sync it)"
    lines = [
        f"Field {qualified} ({field.label}, {field.type}): {mapped}.",
        f"  permissionable: {_yes(field.permissionable)}; calculated: {_yes(field.calculated)}; "
        f"createable: {_yes(field.createable)}; updateable: {_yes(field.updateable)} (describe"
        f"{' as the audited user' if snapshot.audited_connected_user else ' as the auditing session'})",
    ]
    if not field.permissionable:
        lines.append("  field-level security does not apply (required, system or name field): object access decides.")
        return lines
    if not mappings:
        lines.append("  FieldPermissions are read for mapped fields only: field-level access not collected.")
        return lines
    carrier = fls_carrier(described, field)
    if carrier is not field:
        # Address components have no FieldPermissions rows of their own (reference §2.7).
        lines.append(f"  field-level security lives on the compound field {described.name}.{carrier.name} "
                     f"({carrier.label}); grant it there.")
    try:
        access = carrier_field_access(snapshot, described, field)
    except PermissionDataUnavailable as exc:
        return lines + [f"  field permissions unavailable: {exc}"]
    lines.append(_grants("FLS Read", access.read, access.muted_notes(("Read",))))
    lines.append(_grants("FLS Edit", access.edit, access.muted_notes(("Edit",))))
    if field.calculated:
        lines.append("  a formula field is read-only whatever the permissions say.")
    return lines


def parse_target(target: str) -> tuple[str, str | None]:
    """(object, field or None) from "Contact" or "Contact.MailingCountry"; UnknownTarget when malformed.

    Needs no snapshot, so the CLI checks the argument before connecting.
    """
    object_part, dot, field_part = target.strip().partition(".")
    if not _API_NAME.match(object_part) or (dot and not _API_NAME.match(field_part)):
        raise UnknownTarget(f"{target!r}: expected OBJECT or OBJECT.FIELD (API names, e.g. Contact.MailingCountry)")
    return object_part, field_part or None


def explain(snapshot: OrgSnapshot, config: AuditConfig, target: str) -> str:
    """The explanation of ``target`` ("Contact" or "Contact.MailingCountry"), with the audit's verdict on it
    and its fix; raises UnknownTarget."""
    return str(explain_document(snapshot, config, target)["text"])


def _explanation(snapshot: OrgSnapshot, config: AuditConfig, target: str) -> str:
    object_part, field_name = parse_target(target)
    field_part = field_name or ""
    sobject = _object_names(snapshot, config).get(object_part.lower())
    if sobject is None:
        raise UnknownTarget(
            f"{object_part}: not an object this audit read (objects: {', '.join(config.objects_in_scope())}); "
            "map a field on it with --mappings to include it"
        )
    described = snapshot.describe(sobject)
    lines = [f"{target.strip()} for {_who(snapshot)}"]
    if field_part:
        if isinstance(described, Unavailable):
            raise UnknownTarget(f"{sobject}.{field_part}: the describe of {sobject} could not be read ({described.reason})")
        if described is None:
            raise UnknownTarget(f"{sobject}.{field_part}: {sobject} was not described by this audit")
        lines += _field_lines(snapshot, config, described, field_part)
    elif isinstance(described, Unavailable):
        lines.append(f"  describe of {sobject} unavailable: {described.reason}")
    lines += _object_lines(snapshot, config, sobject)
    if not isinstance(snapshot.sources, Unavailable):
        notes = ignored_notes(snapshot)
        lines += [f"  {note}" for note in notes]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- verdict and fix


def _subject_findings(snapshot: OrgSnapshot, config: AuditConfig, sobject: str, field_name: str | None) -> list[Finding]:
    """The audit's findings about the object (object-level checks) or the field (its compound's included)."""
    from auditor.checks import evaluate

    # Suspension findings only: explain judges access (what HubSpot would suspend for); the sync-error and
    # connection risks (issue 15) are the audit report's own sections.
    findings = [f for f in evaluate(snapshot, config) if f.category is Category.SUSPENSION]
    if field_name is None:
        return [f for f in findings if f.field is None and (f.object or "").lower() == sobject.lower()]
    names = {f"{sobject}.{field_name}".lower()}
    described = snapshot.describe(sobject)
    if isinstance(described, ObjectDescribe):
        field_describe = described.field(field_name)
        if field_describe is not None:
            names.add(f"{described.name}.{fls_carrier(described, field_describe).name}".lower())
    named = [f for f in findings if (f.field or "").lower() in names]
    if named or not any(m.qualified.lower() == f"{sobject}.{field_name}".lower() for m in config.mappings):
        return named
    # A mapped field no finding names: field-access reports problems per field and passes per object, so the
    # object's field-access findings (a pass, or an error saying why it could not be checked) decide.
    on_object = [f for f in findings if f.check == "field-access" and f.field is None
                 and (f.object or "").lower() == sobject.lower()]
    return on_object or [Finding("field-access", Suspension.SF_FIELD_PERMISSIONS, Status.PASS,
                                 f"{sobject}.{field_name}: field-level access as HubSpot needs it.", "",
                                 object=sobject, field=f"{sobject}.{field_name}")]


def _verdict(findings: list[Finding]) -> tuple[str, str]:
    """(status or "not checked", one line)."""
    if not findings:
        return "not checked", "Verdict: not checked by the audit (HubSpot does not need it as configured)."
    worst = min(findings, key=lambda f: STATUS_ORDER[f.status])
    if worst.status is Status.PASS:
        return "pass", "Verdict: pass (HubSpot has what it needs here)."
    return worst.status.value, f"Verdict: {worst.status.value} ({worst.code}): {worst.message}"


def explain_document(snapshot: OrgSnapshot, config: AuditConfig, target: str) -> dict[str, Any]:
    """What `explain --format json` prints: the explanation, the verdict, the findings and the fix."""
    from auditor.fix.document import grants_document, steps_document
    from auditor.fix.plan import plan_fix

    text = _explanation(snapshot, config, target)
    sobject_part, field_name = parse_target(target)
    sobject = _object_names(snapshot, config).get(sobject_part.lower(), sobject_part)
    findings = _subject_findings(snapshot, config, sobject, field_name)
    status, verdict = _verdict(findings)
    plan = plan_fix(findings, snapshot, config)
    fix_lines = []
    for grant in plan.objects:
        fix_lines.append(f"  grant on {grant.sobject}: {', '.join(PERMISSION_LABELS[p] for p in grant.permissions)}")
    for field_grant in plan.fields:
        fix_lines.append(f"  grant field {field_grant.field}: Read{', Edit' if field_grant.editable else ''}")
    for permission in plan.user_permissions:
        fix_lines.append(f"  grant user permission {permission.name}")
    if plan.grants_anything:
        fix_lines.append("  (`auditor fix --out DIR` writes these into a deployable permission set)")
    for step in plan.manual_steps:
        fix_lines.append(f"  manual: {step.how}")
    lines = [verdict, "Fix:" + ("" if fix_lines else " nothing to do."), *fix_lines]
    return {
        "target": target.strip(),
        "object": sobject,
        "field": f"{sobject}.{field_name}" if field_name else None,
        "verdict": status,
        "findings": [{"check": f.check, "suspension": f.suspension.value if f.suspension else None, "status": f.status.value,
                      "object": f.object, "field": f.field, "message": f.message, "remediation": f.remediation}
                     for f in findings],
        "fix": {"grants": grants_document(plan), "manual_steps": steps_document(plan.manual_steps)},
        "text": text + "\n".join(lines) + "\n",
    }
