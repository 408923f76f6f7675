"""MISSING_FIELD_MAPPINGS, check field-mappings: the mapping set is not empty and every mapped field exists
(a field hidden by field-level security is field-access's to report)."""

from __future__ import annotations

from auditor.checks.base import Check, user_name
from auditor.checks.mapped_fields import _mapped_fields, _plural, covered_by_object_finding, hidden_from_user
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import FailureKind, OrgSnapshot, Unavailable
from auditor.suspensions import Suspension

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
