"""SF_ORG_LOCKED, SF_ORG_UNAVAILABLE, SF_SERVER_ERROR and UNKNOWN_ERROR: risks from other automation,
and how Salesforce answered during the audit."""

from __future__ import annotations

from auditor.checks.base import Check, by_synced_object, describe_event, join, not_evaluated
from auditor.checks.flows import record_flow_findings
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import FailureKind, OrgInfo, OrgSnapshot, ServiceEvent, Trigger, Unavailable
from auditor.suspensions import Suspension

# --------------------------------------------------------------------------- row-lock-risk


def _trigger_text(trigger: Trigger) -> str:
    return f"{trigger.name} on {trigger.sobject} ({join(trigger.events) or 'no events listed'})"


def _run_row_lock_risk(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    """A risk, never a certainty: row locks happen only when writes collide, so this never fails."""
    triggers = snapshot.triggers
    assert not isinstance(triggers, Unavailable)  # _run_row_lock_risk_with_flows reports it once
    scope = config.objects_in_scope()
    by_object = by_synced_object(triggers, lambda trigger: trigger.sobject, scope)
    if not by_object:
        return [ROW_LOCK_RISK.finding(Status.PASS, f"No active Apex triggers on the synced objects ({join(scope)}).")]
    return [
        ROW_LOCK_RISK.finding(
            Status.WARN,
            f"{len(found)} active trigger{'s' if len(found) > 1 else ''} on {sobject} may lock rows while HubSpot "
            f"writes: {'; '.join(_trigger_text(t) for t in found)}.",
            f"Setup > Custom Code > Apex Triggers: review these triggers on {sobject} for updates of related "
            "records, and schedule other integrations' bulk jobs away from HubSpot's sync.",
            object=sobject,
        )
        for sobject, found in by_object.items()
    ]


def _run_row_lock_risk_with_flows(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    """Apex triggers (above) plus active record-triggered flows (auditor/checks/flows.py, issue 15).

    Two inputs, so not ``requires``: unreadable triggers give the engine's single "not evaluated: <cause>"
    finding, and the flows are still judged when they could be read (the sync round is a request of its
    own). When both are unreadable (an outage), that one finding stands for both: one cause, one finding.
    """
    triggers = snapshot.triggers
    if isinstance(triggers, Unavailable):
        skipped = [not_evaluated(ROW_LOCK_RISK, snapshot, triggers)]
        if isinstance(snapshot.record_flows, Unavailable):
            return skipped
        return skipped + record_flow_findings(ROW_LOCK_RISK, snapshot, config)
    return _run_row_lock_risk(snapshot, config) + record_flow_findings(ROW_LOCK_RISK, snapshot, config)


ROW_LOCK_RISK = Check(
    id="row-lock-risk",
    suspension=Suspension.SF_ORG_LOCKED,
    title="Other automation writing to synced objects (row-lock risk)",
    remediation=(
        "Review active triggers and record-triggered flows on the synced objects (Setup > Custom Code > Apex "
        "Triggers); if HubSpot reports the org locked, clear the suspension once the other update finishes."
    ),
    run=_run_row_lock_risk_with_flows,  # two inputs: it guards the triggers itself (see there)
)


# --------------------------------------------------------------------------- answers during the audit


def _outage_check(check: Check, snapshot: OrgSnapshot, kind: FailureKind, what: str, fix: str) -> list[Finding]:
    """Fail on answers of ``kind`` that never recovered; warn when every one recovered on retry."""
    events = [e for e in snapshot.service_events if e.kind is kind]
    if not events:
        return [check.finding(Status.PASS, f"No {what} during the audit.")]
    # One cause, one finding: an outage answers every request alike, so each distinct answer is quoted once
    # (the most telling one, e.g. the maintenance page over a bare status) and the rest counted.
    groups: dict[tuple[int | None, str | None, bool], list[ServiceEvent]] = {}
    for event in events:
        groups.setdefault((event.http_status, event.error_code, event.recovered), []).append(event)
    quoted = "; ".join(
        describe_event(max(group, key=lambda e: len(e.message)))
        + (" (a retry succeeded)" if recovered else "")
        + (f" ({len(group) - 1} more answer{'s' if len(group) > 2 else ''} like it)" if len(group) > 1 else "")
        for (_, _, recovered), group in groups.items()
    )
    if any(not e.recovered for e in events):
        return [check.finding(Status.FAIL, f"Salesforce gave {what} during the audit: {quoted}.", fix)]
    return [check.finding(Status.WARN, f"Salesforce gave {what} during the audit, then recovered: {quoted}.", fix)]


def _instance(snapshot: OrgSnapshot) -> str:
    org = snapshot.org
    return f"instance {org.instance_name}" if isinstance(org, OrgInfo) and org.instance_name else "the org's instance"


def _run_org_availability(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    fix = f"Check status.salesforce.com for {_instance(snapshot)}; re-run the audit once it is available."
    return _outage_check(ORG_AVAILABILITY, snapshot, FailureKind.ORG_UNAVAILABLE, "unavailable answers", fix)


ORG_AVAILABILITY = Check(
    id="org-availability",
    suspension=Suspension.SF_ORG_UNAVAILABLE,
    title="The org answered during the audit (no outage or maintenance)",
    remediation="Check status.salesforce.com for the org's instance.",
    run=_run_org_availability,
)


def _run_server_errors(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    fix = (
        f"Re-run the audit; if it persists, check status.salesforce.com for {_instance(snapshot)} or contact "
        "Salesforce support quoting the ErrorId."
    )
    return _outage_check(SERVER_ERRORS, snapshot, FailureKind.SERVER_ERROR, "server errors", fix)


SERVER_ERRORS = Check(
    id="server-errors",
    suspension=Suspension.SF_SERVER_ERROR,
    title="No Salesforce server errors during the audit",
    remediation="Clear Suspension; check status.salesforce.com or contact Salesforce support.",
    run=_run_server_errors,
)


def _run_unexpected_answers(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    events = [e for e in snapshot.service_events if e.kind is FailureKind.UNEXPECTED]
    if not events:
        return [UNEXPECTED_ANSWERS.finding(Status.PASS, "Every answer from Salesforce was understood.")]
    return [
        UNEXPECTED_ANSWERS.finding(
            Status.FAIL,
            f"Salesforce answered something unexpected: {describe_event(e)}"
            + (" (a retry succeeded)." if e.recovered else "."),
        )
        for e in events
    ]


UNEXPECTED_ANSWERS = Check(
    id="unexpected-answers",
    suspension=Suspension.UNKNOWN_ERROR,
    title="Salesforce gave no answers the auditor does not understand",
    remediation=(
        "Re-run the audit; if the answer persists, report it (with the saved snapshot) and contact HubSpot "
        "support: HubSpot suspends on errors it does not recognise."
    ),
    run=_run_unexpected_answers,
)
