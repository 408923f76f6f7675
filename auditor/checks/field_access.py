"""SF_FIELD_PERMISSIONS, check field-access: field-level Read (and Edit where HubSpot writes) on every mapped
field, judged on the field that carries its FLS (an address component's compound)."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.checks.base import (
    Check,
    expiry_warning,
    join,
    missing_sources,
    permission_set_to_edit,
    user_name,
)
from auditor.checks.mapped_fields import (
    _MappedField,
    _mapped_fields,
    _plural,
    covered_by_object_finding,
    hidden_from_user,
)
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.permissions import (
    carrier_field_access,
    expiring_grants,
    field_permission_fields,
    fls_carrier,
)
from auditor.snapshot import FieldDescribe, ObjectDescribe, OrgSnapshot, Unavailable
from auditor.suspensions import Suspension

def _fls_fix(snapshot: OrgSnapshot, sobject: str, carrier: FieldDescribe, missing: tuple[str, ...]) -> str:
    boxes = " and ".join(f"{label} Access" for label in missing)
    named = carrier.name if carrier.label in (carrier.name, "") else f"{carrier.label} ({carrier.name})"
    return (
        f"Setup > Users > Permission Sets > {permission_set_to_edit(snapshot)} > Object Settings > {sobject} > "
        f"Edit: under Field Permissions tick {boxes} for {named}."
    )


@dataclass(frozen=True)
class _FlsTarget:
    """One field that carries field-level security, and the mapped fields it decides (several for a compound)."""

    carrier: FieldDescribe
    members: tuple[tuple[_MappedField, FieldDescribe], ...]

    def shown(self, sobject: str) -> str:
        """"Contact.Email", or "Contact.MailingAddress (mapped: MailingCity, MailingStreet)" for a compound."""
        names = sorted({field.name for _, field in self.members})
        if names == [self.carrier.name]:
            return f"{sobject}.{self.carrier.name}"
        return f"{sobject}.{self.carrier.name} (mapped: {join(names)})"


def fls_targets(described: ObjectDescribe, mapped: list[_MappedField]
                ) -> tuple[list[_FlsTarget], int, list[_MappedField]]:
    """(targets, count of mapped fields not permissionable, mapped fields not in describe), in mapping order."""
    grouped: dict[str, tuple[FieldDescribe, list[tuple[_MappedField, FieldDescribe]]]] = {}
    not_permissionable = 0
    not_described: list[_MappedField] = []
    for item in mapped:
        field = described.field(item.field)
        if field is None:
            not_described.append(item)
            continue
        if not field.permissionable:
            # Required, system and name-component fields carry no FLS: object access is enough (reference §2.7).
            not_permissionable += 1
            continue
        carrier = fls_carrier(described, field)
        grouped.setdefault(carrier.name.lower(), (carrier, []))[1].append((item, field))
    targets = [_FlsTarget(carrier, tuple(members)) for carrier, members in grouped.values()]
    return targets, not_permissionable, not_described


def _object_field_access(snapshot: OrgSnapshot, config: AuditConfig, described: ObjectDescribe,
                         mapped: list[_MappedField]) -> list[Finding]:
    who = user_name(snapshot)
    findings: list[Finding] = []
    read_write = read_only = 0
    granted_by: dict[str, None] = {}
    expiring_fields: dict[str, list[str]] = {}  # "Read"/"Edit" -> fields whose every grant expires soon
    expiring_by: dict[str, dict[str, None]] = {}  # "Read"/"Edit" -> those fields' (expiring) grants
    failed = False
    queried = {name.lower() for name in field_permission_fields(m.qualified for m in config.mappings)}
    targets, not_permissionable, absent = fls_targets(described, mapped)
    hidden = [item for item in absent if hidden_from_user(snapshot, described.name, item.field)]
    not_described = len(absent) - len(hidden)  # reported by field-mappings
    for item in hidden:
        failed = True
        needed = ("Read", "Edit") if item.needs_edit else ("Read",)
        qualified = f"{described.name}.{item.field}"
        findings.append(
            FIELD_ACCESS.finding(
                Status.FAIL,
                f"Mapped field {qualified} is not in {who}'s describe of {described.name}: field-level security "
                f"hides it (HubSpot needs {join(needed)}).",
                f"Setup > Object Manager > {described.name} > Fields & Relationships > {item.field} > Set Field-Level "
                f"Security: make it visible (and, if HubSpot writes it, editable) for the integration user's profile, "
                f"or grant it in a permission set: Setup > Users > Permission Sets > {permission_set_to_edit(snapshot)} "
                f"> Object Settings > {described.name} > Edit.",
                object=described.name,
                field=qualified,
                sources=missing_sources(snapshot),
            )
        )
    for target in targets:
        carrier = target.carrier
        qualified = f"{described.name}.{carrier.name}"
        shown = target.shown(described.name)
        for item, field in target.members:
            if field.calculated and item.needs_edit:
                findings.append(
                    FIELD_ACCESS.finding(
                        Status.WARN,
                        f"{described.name}.{field.name} is a formula field: it is read-only, so HubSpot cannot write "
                        "it although the mapping syncs HubSpot -> Salesforce.",
                        f"Make the mapping of {described.name}.{field.name} one-way (Salesforce -> HubSpot), or map "
                        "a writable field.",
                        object=described.name,
                        field=f"{described.name}.{field.name}",
                    )
                )
        needs_edit = any(item.needs_edit and not field.calculated for item, field in target.members)
        needed = ("Read", "Edit") if needs_edit else ("Read",)
        if qualified.lower() not in queried:
            # The compound was not guessed before the describe, so its rows were not read: say so, never guess.
            failed = True
            findings.append(
                FIELD_ACCESS.finding(
                    Status.WARN,
                    f"Field-level security of {shown} lives on the compound field {qualified}, which this audit "
                    "did not read; its access was not checked.",
                    _fls_fix(snapshot, described.name, carrier, needed) + " Then re-run the audit with "
                    f"{qualified} in the mappings to check it.",
                    object=described.name,
                    field=qualified,
                )
            )
            continue
        access = carrier_field_access(snapshot, described, target.members[0][1])
        grants = {"Read": access.read, "Edit": access.edit}
        missing = tuple(label for label in needed if not grants[label])
        if missing:
            failed = True
            have = tuple(label for label in needed if label not in missing)
            partly = "".join(f"; {label} granted ({'; '.join(grants[label])})" for label in have)
            muted_by = access.muted_notes(missing)
            muted = f" ({'; '.join(muted_by)})" if muted_by else ""
            fix = _fls_fix(snapshot, described.name, carrier, missing)
            if muted_by:
                fix = (
                    f"Setup > Users > Permission Set Groups > <group> > Muting Permission Set > Object Settings > "
                    f"{described.name}: under Field Permissions untick the muted {join(missing)} Access for "
                    f"{carrier.name} ({'; '.join(muted_by)}). Or grant it outside the group: {fix}"
                )
            findings.append(
                FIELD_ACCESS.finding(
                    Status.FAIL,
                    f"{who} lacks field-level {join(missing)} on {shown} (HubSpot needs {join(needed)}){muted}{partly}.",
                    fix,
                    object=described.name,
                    field=qualified,
                    sources=(*muted_by, *missing_sources(snapshot)),
                )
            )
            continue
        for label in needed:
            granted_by.update(dict.fromkeys(grants[label]))
            if expiring_grants(snapshot, grants[label], config.expiry_warning_days):
                expiring_fields.setdefault(label, []).append(shown)
                expiring_by.setdefault(label, {}).update(dict.fromkeys(grants[label]))
        for item, field in target.members:
            if item.needs_edit and not field.calculated:
                read_write += 1
            else:
                read_only += 1
            if snapshot.audited_connected_user and access.edit and not field.updateable and not field.calculated:
                consequence = "HubSpot's writes to it will fail" if item.needs_edit else "HubSpot only reads it"
                component = f"{described.name}.{field.name}"
                findings.append(
                    FIELD_ACCESS.finding(
                        Status.WARN,
                        f"FieldPermissions grant Edit on {qualified} ({join(access.edit)}) but describe says "
                        f"{component} is not updateable for {who}; {consequence}. A muting permission set or a field "
                        "that is read-only by design can cause this.",
                        f"Setup > Object Manager > {described.name} > Fields & Relationships > {field.name}: check why "
                        "the field is read-only for the integration user (Set Field-Level Security, muting permission "
                        "sets).",
                        object=described.name,
                        field=component,
                        sources=tuple(access.edit),
                    )
                )
    # One finding per object for soon-expiring field grants, not one per field or per permission.
    if expiring_fields:
        labels = join(list(expiring_fields))
        fields = join(list(dict.fromkeys(f for names in expiring_fields.values() for f in names)))
        expiring = tuple(dict.fromkeys(g for by in expiring_by.values() for g in by))
        warning = expiry_warning(FIELD_ACCESS, snapshot, config, f"Field-level {labels} on {fields}", expiring,
                                 object=described.name)
        if warning is not None:
            failed = True
            findings.append(warning)
    if not failed and read_write + read_only + not_permissionable:
        parts = []
        if read_write:
            parts.append(f"{_plural(read_write, 'mapped field')} readable and editable")
        if read_only:
            parts.append(f"{_plural(read_only, 'mapped field')} readable (Salesforce -> HubSpot or formula)")
        if not_permissionable:
            parts.append(f"{not_permissionable} not permissionable (required, system or name fields)")
        if not_described:
            parts.append(f"{not_described} not in describe (see field-mappings)")
        findings.append(
            FIELD_ACCESS.finding(
                Status.PASS,
                f"{described.name}: {'; '.join(parts)}.",
                object=described.name,
                sources=tuple(granted_by),
            )
        )
    return findings


def _run_field_access(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    findings: list[Finding] = []
    for mapped in _mapped_fields(config.mappings).values():
        sobject = mapped[0].sobject
        described = snapshot.describe(sobject)
        if covered_by_object_finding(snapshot, config, sobject):
            continue
        if isinstance(described, Unavailable):
            findings.append(FIELD_ACCESS.unavailable(f"the describe of {sobject}", described, object=sobject))
        elif described is None:
            findings.append(
                FIELD_ACCESS.finding(
                    Status.ERROR,
                    f"the describe of {sobject} was not collected; its mapped fields were not checked.",
                    object=sobject,
                )
            )
        else:
            findings.extend(_object_field_access(snapshot, config, described, mapped))
    return findings


FIELD_ACCESS = Check(
    id="field-access",
    suspension=Suspension.SF_FIELD_PERMISSIONS,
    title="Field-level Read (and Edit where HubSpot writes) on every mapped field",
    remediation=(
        "Setup > Users > Permission Sets > <set assigned to the integration user> > Object Settings > <object> > "
        "Edit: tick Read Access and Edit Access for each mapped field."
    ),
    run=_run_field_access,
    requires=("sources", "field_permissions", "describes"),
)
