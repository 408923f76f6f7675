"""SF_FIELD_PERMISSIONS and MISSING_FIELD_MAPPINGS: field-level security on mapped fields, and
whether the mapped fields exist at all."""

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
from auditor.config import AuditConfig, FieldMapping
from auditor.model import Finding, Status
from auditor.permissions import (
    PermissionDataUnavailable,
    carrier_field_access,
    expiring_grants,
    field_permission_fields,
    fls_carrier,
    object_access,
)
from auditor.snapshot import (
    FailureKind,
    FieldDescribe,
    ObjectDescribe,
    OrgSnapshot,
    Unavailable,
)
from auditor.suspensions import Suspension


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


# --------------------------------------------------------------------------- field-access


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


# --------------------------------------------------------------------------- field-mappings


def _absent_field(snapshot: OrgSnapshot, sobject: str, field: str) -> Finding:
    qualified = f"{sobject}.{field}"
    who = user_name(snapshot)
    if not snapshot.audited_connected_user:
        # --user: the describes come from the auditing session, not from the audited user, so a
        # field missing here is not hidden by the audited user's FLS (field-access judges that from
        # FieldPermissions); it does not exist, or is hidden from the auditing session as well.
        message = (
            f"Mapped field {qualified} is not in the describe of {sobject} as seen by the auditing session: it "
            f"does not exist in this org (or is hidden from the auditing user too), so it cannot sync for {who}."
        )
        fix = (
            f"Setup > Object Manager > {sobject} > Fields & Relationships: create {field} or remove the mapping; "
            "if it exists, re-run the audit with a session that can see it."
        )
    else:
        # Own session, a custom field nothing shows to exist (standard fields and fields FieldPermissions
        # lists are judged hidden, by field-access).
        message = (
            f"Mapped field {qualified} is not in the describe of {sobject}: it does not exist, or field-level "
            f"security hides it from {who} (Salesforce leaves hidden fields out of describe)."
        )
        fix = (
            f"Setup > Object Manager > {sobject} > Fields & Relationships: if {field} exists, use Set Field-Level "
            "Security to make it visible to the integration user; otherwise create it or remove the mapping."
        )
    return FIELD_MAPPINGS.finding(Status.FAIL, message, fix, object=sobject, field=qualified)


def _run_field_mappings(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    if not config.mappings:
        return [
            FIELD_MAPPINGS.finding(
                Status.FAIL,
                f"No field mappings ({config.mappings_source} is empty): HubSpot suspends the integration "
                "with 'Missing field mappings'.",
                "Restore HubSpot's standard field mappings in HubSpot's Salesforce integration settings, or give "
                "the auditor the mapping set you plan to use.",
            )
        ]
    findings: list[Finding] = []
    for mapped in _mapped_fields(config.mappings).values():
        sobject = mapped[0].sobject
        described = snapshot.describe(sobject)
        if covered_by_object_finding(snapshot, config, sobject):
            continue  # object-access reports the object; its fields cannot sync for the same reason
        if described is None or (isinstance(described, Unavailable) and described.kind is FailureKind.NO_ACCESS):
            why = "it was not described" if described is None else f"describing it answered '{described.reason}'"
            findings.append(
                FIELD_MAPPINGS.finding(
                    Status.FAIL,
                    f"Object {sobject} does not exist or is not accessible to {user_name(snapshot)} ({why}); "
                    f"{_plural(len(mapped), 'mapped field')} cannot sync.",
                    f"Check the object's API name in Setup > Object Manager; grant Read on {sobject} to the "
                    "integration user, or remove its mappings.",
                    object=sobject,
                )
            )
        elif isinstance(described, Unavailable):
            findings.append(FIELD_MAPPINGS.unavailable(f"the describe of {sobject}", described, object=sobject))
        else:
            absent = [item.field for item in mapped if described.field(item.field) is None
                      and not hidden_from_user(snapshot, described.name, item.field)]  # hidden: field-access
            findings.extend(_absent_field(snapshot, described.name, field) for field in absent)
    if not findings:
        findings.append(
            FIELD_MAPPINGS.finding(
                Status.PASS,
                f"{len(config.mappings)} mappings from {config.mappings_source}, every field exists.",
            )
        )
    return findings


FIELD_MAPPINGS = Check(
    id="field-mappings",
    suspension=Suspension.MISSING_FIELD_MAPPINGS,
    title="Field mappings are present and every mapped field exists",
    remediation=(
        "Restore HubSpot's standard mappings; make every mapped field exist and be visible to the integration user."
    ),
    run=_run_field_mappings,
    requires=("describes",),
)
