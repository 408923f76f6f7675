"""row-lock-risk's second input (issue 15): active record-triggered flows on the synced objects."""

from __future__ import annotations

import pytest

from auditor.model import Status
from auditor.snapshot import RecordFlow
from tests.factory import make_snapshot, one, run_check, unavailable


def flow(label: str, sobject: str | None, trigger: str = "RecordAfterSave", record_trigger: str | None = "CreateAndUpdate") -> RecordFlow:
    return RecordFlow(label.replace(" ", "_"), label, sobject, trigger, record_trigger)


@pytest.mark.parametrize(("flows", "warned"), [
    ((), {}),
    ((flow("Invoice Sync", "Invoice__c"),), {}),  # not a synced object
    ((flow("Unknown Object", None),), {}),  # the row named no object: nothing claimed
    ((flow("Account Rollup", "Account"),), {"Account": 1}),
    ((flow("Enrich", "contact", "RecordBeforeSave"), flow("Score", "Contact", "RecordAfterSave", "Update")), {"Contact": 2}),
])
def test_row_lock_risk_flow_cases(flows: tuple[RecordFlow, ...], warned: dict[str, int]) -> None:
    findings = [f for f in run_check("row-lock-risk", make_snapshot(record_flows=flows)) if "flow" in f.message]
    if not warned:
        finding = one(findings, Status.PASS)
        assert finding.message.startswith("No active record-triggered flows on the synced objects (Lead, Contact")
        return
    assert {f.object: f.message.count("'") // 2 for f in findings if f.status is Status.WARN} == warned
    for f in findings:
        assert "Setup > Process Automation > Flows" in f.remediation


def test_row_lock_risk_flow_message_names_the_flow_and_its_trigger() -> None:
    findings = run_check("row-lock-risk", make_snapshot(record_flows=(flow("Account Rollup", "Account"),)))
    warn = one(findings, Status.WARN, object="Account")
    assert warn.message == ("1 active record-triggered flow runs on Account on every HubSpot write and may lock related "
                            "rows or reject the record: 'Account Rollup' (RecordAfterSave, CreateAndUpdate).")
    one(findings, Status.PASS)  # the Apex triggers: none


def test_row_lock_risk_errors_when_flows_unavailable() -> None:
    findings = run_check("row-lock-risk", make_snapshot(record_flows=unavailable(reason="sObject type 'FlowDefinitionView' is not supported")))
    error = one(findings, Status.ERROR)
    assert error.message.startswith("could not read the record-triggered flows (FlowDefinitionView): sObject type")


def test_row_lock_risk_says_nothing_of_flows_in_a_snapshot_saved_before_them() -> None:
    findings = run_check("row-lock-risk", make_snapshot(record_flows=None))
    assert [f.message for f in findings] == ["No active Apex triggers on the synced objects (Lead, Contact, Account, "
                                             "Opportunity, Campaign, Task, User)."]
