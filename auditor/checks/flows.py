"""Active record-triggered flows on the synced objects: row-lock-risk's second input (issue 15), next to
the Apex triggers it reports (auditor/checks/org.py). Kept apart so each input has its own helper."""

from __future__ import annotations

from auditor.checks.base import Check, by_synced_object, join
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import OrgSnapshot, RecordFlow, Unavailable


def _flow_text(flow: RecordFlow) -> str:
    when = join([part for part in (flow.trigger_type, flow.record_trigger_type) if part])
    return f"'{flow.label}' ({when})"


def record_flow_findings(check: Check, snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    """One warn per synced object with active record-triggered flows, a pass when there are none.

    Nothing when the snapshot has no flow part (saved before issue 15): the trigger findings never speak
    for flows, so that is no false pass.
    """
    flows = snapshot.record_flows
    if flows is None:
        return []
    if isinstance(flows, Unavailable):
        return [check.unavailable("the record-triggered flows (FlowDefinitionView)", flows)]
    scope = config.objects_in_scope()
    by_object = by_synced_object(flows, lambda flow: flow.sobject, scope)
    if not by_object:
        return [check.finding(Status.PASS, f"No active record-triggered flows on the synced objects ({join(scope)}).")]
    return [
        check.finding(
            Status.WARN,
            f"{len(found)} active record-triggered flow{'s run' if len(found) > 1 else ' runs'} on {sobject} on every "
            f"HubSpot write and may lock related rows or reject the record: {'; '.join(_flow_text(f) for f in found)}.",
            f"Setup > Process Automation > Flows: review these flows on {sobject} (entry conditions that skip the "
            "integration user, no updates of parent records in bulk), and schedule other bulk jobs away from HubSpot's sync.",
            object=sobject,
        )
        for sobject, found in sorted(by_object.items())
    ]
