"""row-lock-risk, org-availability, server-errors and unexpected-answers."""

from __future__ import annotations

from auditor.checks import evaluate
from auditor.config import FieldMapping
from auditor.model import Finding, Status
from auditor.snapshot import ApiRefusal, FailureKind, ServiceEvent, Trigger
from auditor.suspensions import Suspension
from tests.factory import make_config, make_snapshot, one, run_check, unavailable


def event(
    kind: FailureKind,
    recovered: bool = False,
    *,
    path: str = "/services/data/v62.0/composite",
    http_status: int | None = 503,
    error_code: str | None = "SERVER_UNAVAILABLE",
    message: str = "Server too busy",
) -> ServiceEvent:
    return ServiceEvent(kind, path, http_status, error_code, message, recovered)


# --------------------------------------------------------------------------- row-lock-risk


def test_row_lock_risk_passes_without_triggers_on_synced_objects() -> None:
    other = Trigger("InvoiceRollup", "Invoice__c", None, ("after insert",))
    # record_flows=None: the Apex triggers alone (the flows' findings: tests/test_checks_flows.py).
    finding = one(run_check("row-lock-risk", make_snapshot(triggers=(other,), record_flows=None)), Status.PASS)
    assert finding.suspension is Suspension.SF_ORG_LOCKED
    assert finding.message.startswith("No active Apex triggers on the synced objects (Lead, Contact, Account")


def test_row_lock_risk_warns_per_object_listing_triggers() -> None:
    triggers = (
        Trigger("ContactRollup", "Contact", None, ("after insert", "after update")),
        Trigger("ContactDedupe", "contact", "dupeco", ("before insert",)),
        Trigger("AccountScore", "Account", None, ("after update",)),
    )
    findings = run_check("row-lock-risk", make_snapshot(triggers=triggers, record_flows=None))
    assert {f.status for f in findings} == {Status.WARN}  # a risk: never a fail
    contact = one(findings, Status.WARN, object="Contact")
    assert contact.message == (
        "2 active triggers on Contact may lock rows while HubSpot writes: ContactRollup on Contact (after insert, "
        "after update); ContactDedupe on contact (before insert)."
    )
    assert "Setup > Custom Code > Apex Triggers" in contact.remediation
    assert "1 active trigger on Account may lock rows" in one(findings, Status.WARN, object="Account").message


def test_row_lock_risk_covers_mapped_objects_outside_the_default_scope() -> None:
    config = make_config(mappings=(FieldMapping("companies", "region", "Region__c", "Name"),))
    trigger = Trigger("RegionSync", "Region__c", None, ("after update",))
    one(run_check("row-lock-risk", make_snapshot(triggers=(trigger,)), config), Status.WARN, object="Region__c")


def test_row_lock_risk_errors_when_triggers_unavailable() -> None:
    snapshot = make_snapshot(triggers=unavailable(reason="sObject type 'ApexTrigger' is not supported"))
    finding = one(run_check("row-lock-risk", snapshot), Status.ERROR)
    assert finding.message.startswith("not evaluated: the auditing user cannot read it (sObject type 'ApexTrigger' is not supported")


# --------------------------------------------------------------------------- org-availability


def test_org_availability_passes_without_outage_answers() -> None:
    finding = one(run_check("org-availability"), Status.PASS)
    assert finding.suspension is Suspension.SF_ORG_UNAVAILABLE
    assert finding.message == "No unavailable answers during the audit."


def test_org_availability_fails_on_an_unrecovered_outage() -> None:
    down = event(FailureKind.ORG_UNAVAILABLE, http_status=503, error_code=None, message="We are down for maintenance")
    finding = one(run_check("org-availability", make_snapshot(service_events=(down,))), Status.FAIL)
    assert "/services/data/v62.0/composite answered HTTP 503: 'We are down for maintenance'" in finding.message
    assert "status.salesforce.com for instance NA224" in finding.remediation


def test_org_availability_warns_when_every_outage_recovered() -> None:
    blip = event(FailureKind.ORG_UNAVAILABLE, recovered=True)
    finding = one(run_check("org-availability", make_snapshot(service_events=(blip,))), Status.WARN)
    assert "then recovered" in finding.message and "(a retry succeeded)" in finding.message


def test_org_availability_ignores_other_kinds_of_answers() -> None:
    snapshot = make_snapshot(service_events=(event(FailureKind.SERVER_ERROR),))
    one(run_check("org-availability", snapshot), Status.PASS)


# --------------------------------------------------------------------------- server-errors


def test_server_errors_passes_without_server_errors() -> None:
    finding = one(run_check("server-errors"), Status.PASS)
    assert finding.suspension is Suspension.SF_SERVER_ERROR


def test_server_errors_fails_quoting_the_error() -> None:
    boom = event(
        FailureKind.SERVER_ERROR,
        http_status=500,
        error_code="UNKNOWN_EXCEPTION",
        message="An unexpected error occurred. Please include this ErrorId if you contact support: 12-34 (56)",
    )
    blip = event(FailureKind.SERVER_ERROR, recovered=True)
    finding = one(run_check("server-errors", make_snapshot(service_events=(boom, blip))), Status.FAIL)
    assert "HTTP 500 UNKNOWN_EXCEPTION: 'An unexpected error occurred." in finding.message
    assert "HTTP 503 SERVER_UNAVAILABLE: 'Server too busy' (a retry succeeded)" in finding.message


def test_server_errors_warns_when_recovered() -> None:
    snapshot = make_snapshot(service_events=(event(FailureKind.SERVER_ERROR, recovered=True),))
    one(run_check("server-errors", snapshot), Status.WARN)


# --------------------------------------------------------------------------- unexpected-answers


def test_unexpected_answers_passes_when_everything_was_understood() -> None:
    finding = one(run_check("unexpected-answers"), Status.PASS)
    assert finding.suspension is Suspension.UNKNOWN_ERROR


def test_unexpected_answers_fails_quoting_the_raw_answer() -> None:
    odd = event(
        FailureKind.UNEXPECTED,
        path="/services/data/v62.0/limits",
        http_status=200,
        error_code=None,
        message="body is not JSON: '<html>Login</html>'",
    )
    finding = one(run_check("unexpected-answers", make_snapshot(service_events=(odd,))), Status.FAIL)
    assert finding.message == (
        "Salesforce answered something unexpected: /services/data/v62.0/limits answered HTTP 200: "
        "'body is not JSON: '<html>Login</html>''."
    )


# --------------------------------------------------------------------------- error cases
# These checks read only what happened during the audit, which is always known; the one way they
# cannot be evaluated is when Salesforce refused API access outright.

REFUSED = ApiRefusal("API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.", at_login=False)


def refused_findings(check_id: str) -> list[Finding]:
    findings = evaluate(make_snapshot(api_refusal=REFUSED), make_config())
    return [f for f in findings if f.check == check_id]


def test_row_lock_risk_errors_when_api_refused() -> None:
    finding = one(refused_findings("row-lock-risk"), Status.ERROR)
    assert finding.message == "not evaluated: Salesforce refused API access (API_DISABLED_FOR_ORG)"


def test_org_availability_errors_when_api_refused() -> None:
    finding = one(refused_findings("org-availability"), Status.ERROR)
    assert finding.message == "not evaluated: Salesforce refused API access (API_DISABLED_FOR_ORG)"


def test_server_errors_errors_when_api_refused() -> None:
    finding = one(refused_findings("server-errors"), Status.ERROR)
    assert finding.message == "not evaluated: Salesforce refused API access (API_DISABLED_FOR_ORG)"


def test_unexpected_answers_errors_when_api_refused() -> None:
    finding = one(refused_findings("unexpected-answers"), Status.ERROR)
    assert finding.message == "not evaluated: Salesforce refused API access (API_DISABLED_FOR_ORG)"
