"""End to end: the real CLI over every recorded org, asserting what a user sees.

Each row: cassette, extra flags, exit status, predicted suspensions, and findings that must be
there (check, status, object or field). The cassettes come from tests/regen_cassettes.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clirun import run_cli
from tests.regen_cassettes import scenario_args
from tests.simulator.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"

Expected = tuple[str, str, str | None]  # (check, status, object or field or None)

CASES: list[tuple[str, tuple[str, ...], int, list[str], list[Expected]]] = [
    ("healthy", (), 0, [], [("api-enabled", "pass", None), ("object-access", "pass", "Campaign"),
                            ("field-access", "pass", "Contact"), ("hubspot-allocation", "pass", None)]),
    ("demo", (), 1, ["SF_FIELD_PERMISSIONS", "SF_OBJECT_PERMISSIONS"],
     [("object-access", "fail", "Campaign"), ("field-access", "fail", "Contact.MailingAddress"),
      ("field-access", "fail", "Lead.Fax"), ("data-storage", "warn", None), ("row-lock-risk", "warn", "Contact"),
      ("api-enabled", "pass", None)]),
    ("api-via-permission-set", (), 0, [], [("api-enabled", "pass", None)]),
    ("expired-assignment", (), 1, ["SF_API_DISABLED"], [("api-enabled", "fail", None)]),
    ("expiring-assignment", (), 0, [], [("api-enabled", "warn", None)]),
    ("expiring-assignment-admin", (), 0, [], [("api-enabled", "warn", None)]),
    # The same recording with a 14-day window: 2099 is not soon.
    ("expiring-assignment", ("--expiry-warning-days", "14"), 0, [], [("api-enabled", "pass", None)]),
    ("access-via-group", (), 0, [], [("object-access", "pass", "Lead"), ("object-access", "pass", "Opportunity")]),
    ("group-without-aggregate-id", (), 0, [], [("object-access", "pass", "Contact")]),
    ("group-muting-edit", (), 1, ["SF_OBJECT_PERMISSIONS"], [("object-access", "fail", "Contact"),
                                                            ("object-access", "pass", "Lead")]),
    ("modify-all-data", (), 0, [], [("object-access", "pass", "Lead"), ("field-access", "pass", "Lead")]),
    ("fls-second-page", (), 1, ["SF_FIELD_PERMISSIONS"], [("field-access", "fail", "Opportunity.Amount")]),
    ("api-disabled", (), 1, ["SF_API_DISABLED"], [("api-enabled", "fail", None)]),
    ("request-limit-refused", (), 1, ["SF_API_LIMIT_EXCEEDED"], [("daily-api-headroom", "fail", None)]),
    ("api-limit-exhausted", (), 1, ["SF_API_LIMIT_EXCEEDED"], [("daily-api-headroom", "fail", None)]),
    ("storage-full", (), 1, ["SF_STORAGE_LIMIT"], [("data-storage", "fail", None)]),
    ("org-unavailable", (), 1, ["SF_ORG_UNAVAILABLE"], [("org-availability", "fail", None)]),
    ("server-error", (), 1, ["SF_SERVER_ERROR"], [("server-errors", "fail", None)]),
    ("flaky", (), 0, [], [("org-availability", "warn", None), ("object-access", "pass", "Lead")]),
    ("unknown-error", (), 1, ["UNKNOWN_ERROR"], [("unexpected-answers", "fail", None), ("daily-api-headroom", "error", None)]),
    ("row-lock-risk", (), 0, [], [("row-lock-risk", "warn", "Lead"), ("row-lock-risk", "warn", "Contact")]),
    ("hubspot-package-unassigned", (), 1, ["SF_OBJECT_PERMISSIONS"], [("hubspot-permission-set", "fail", None)]),
    ("hubspot-set-via-group", (), 0, [], [("hubspot-permission-set", "pass", None)]),
    ("hubspot-set-via-group-admin", (), 0, [], [("hubspot-permission-set", "pass", None)]),
    ("not-marketing-user", (), 1, ["SF_OBJECT_PERMISSIONS"], [("object-access", "fail", "Campaign"),
                                                            ("object-access", "pass", "Lead")]),
    ("not-marketing-user-admin", (), 1, ["SF_OBJECT_PERMISSIONS"], [("object-access", "fail", "Campaign")]),
    ("no-setup-access", (), 3, [], [("object-access", "error", None), ("daily-api-headroom", "error", None)]),
    ("lookup-chain", (), 1, ["SF_OBJECT_PERMISSIONS"], [("lookup-access", "fail", "Territory__c"),
                                                       ("lookup-access", "pass", "Region__c")]),
    ("custom-object-trigger", (), 1, ["SF_OBJECT_PERMISSIONS"], [("row-lock-risk", "warn", "Region__c")]),
    ("unmapped-lookup", (), 0, [], [("lookup-access", "warn", "Region__c")]),
    ("unmapped-lookup-admin", (), 0, [], [("lookup-access", "warn", "Region__c")]),
    ("missing-field-mapping", (), 1, ["MISSING_FIELD_MAPPINGS"], [("field-mappings", "fail", "Contact.Favorite_Color__c")]),
    ("admin-audits-integration-user", (), 0, [], [("api-enabled", "pass", None), ("object-access", "pass", "Campaign"),
                                                  ("field-access", "pass", "Contact")]),
    ("hidden-field", (), 1, ["SF_FIELD_PERMISSIONS"], [("field-access", "fail", "Contact.Title"),
                                                      ("field-mappings", "pass", None)]),
    ("describe-disagrees", (), 0, [], [("field-access", "warn", "Contact.Email")]),
    ("admin-own-session", (), 1, ["SF_FIELD_PERMISSIONS"], [("user-active", "warn", None)]),
    ("license-without-campaign", (), 1, ["SF_OBJECT_PERMISSIONS"], [("object-access", "fail", "Campaign"),
                                                                  ("lookup-access", "fail", "Campaign"),
                                                                  ("object-access", "pass", "Lead")]),
    # --trust-status (in the scenarios' arguments): the recordings hold Trust's answer. Windows are chosen so
    # the verdict does not depend on the day of the replay (tests/simulator/scenarios.py).
    ("trust-maintenance", (), 1, ["SF_ORG_UNAVAILABLE"], [("trust-status", "fail", None), ("trust-status", "warn", None),
                                                         ("org-availability", "pass", None)]),
    ("trust-minor-incident", (), 0, [], [("trust-status", "warn", None), ("org-availability", "pass", None)]),
    # Same recorded org, different inputs: the planned HubSpot allocation.
    ("healthy", ("--hubspot-allocation", "1000", "--expected-records", "5000"), 1, ["HUBSPOT_API_LIMIT"],
     [("hubspot-allocation", "fail", None)]),
    ("healthy", ("--hubspot-allocation", "200000"), 0, [], [("hubspot-allocation", "warn", None)]),
]


def audit_json(name: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    scenario = SCENARIOS[name]
    result = run_cli("audit", "--replay", str(CASSETTES / f"{name}.yaml"), "--format", "json",
                     *scenario_args(scenario), *extra)
    document = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, document, result.stderr


def _matches(finding: dict[str, Any], check: str, status: str, where: str | None) -> bool:
    return (finding["check"] == check and finding["status"] == status
            and (where is None or where in (finding["object"], finding["field"])))


@pytest.mark.parametrize(("name", "extra", "exit_code", "suspensions", "expected"), CASES,
                         ids=[f"{c[0]}{'+' + '+'.join(c[1]) if c[1] else ''}" for c in CASES])
def test_scenario(monkeypatch: pytest.MonkeyPatch, name: str, extra: tuple[str, ...], exit_code: int,
                  suspensions: list[str], expected: list[Expected]) -> None:
    monkeypatch.chdir(ROOT)
    code, document, stderr = audit_json(name, *extra)
    assert code == exit_code, stderr
    assert document["would_suspend"] == suspensions
    for check, status, where in expected:
        assert any(_matches(f, check, status, where) for f in document["findings"]), (check, status, where)
    # stderr carries the one-line summary; stdout stays pure JSON.
    assert stderr.strip().splitlines()[-1].startswith("auditor: ")


def test_api_disabled_says_which_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("api-disabled")
    finding = next(f for f in document["findings"] if f["check"] == "api-enabled")
    assert "API_DISABLED_FOR_ORG" in finding["message"]
    assert "API Enabled" in finding["remediation"]


def test_demo_names_the_compound_and_the_mapped_components(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real orgs keep address FLS on the compound only (reference §2.7): one finding for the compound."""
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("demo")
    failing = [f for f in document["findings"] if f["check"] == "field-access" and f["status"] == "fail"]
    address = next(f for f in failing if f["field"] == "Contact.MailingAddress")
    assert ("Contact.MailingAddress (mapped: MailingCity, MailingCountry, MailingPostalCode, MailingState, "
            "MailingStreet)") in address["message"]
    assert "for Mailing Address (MailingAddress)." in address["remediation"]
    assert not any((f["field"] or "").startswith("Contact.Mailing") and f["field"] != "Contact.MailingAddress"
                   for f in failing)


@pytest.mark.parametrize("name", ("hubspot-set-via-group", "hubspot-set-via-group-admin"))
def test_hubspot_set_via_a_group_is_attributed_to_the_group(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json(name)
    finding = next(f for f in document["findings"] if f["check"] == "hubspot-permission-set")
    assert finding["sources"] == ["permission set 'HubSpot Integration Permissions' via permission set group "
                                  "'HubSpot Access'"]


@pytest.mark.parametrize("name", ("not-marketing-user", "not-marketing-user-admin"))
def test_marketing_user_fix_says_where_to_tick_it(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json(name)
    finding = next(f for f in document["findings"] if f["check"] == "object-access" and f["object"] == "Campaign")
    assert "is not a Marketing User" in finding["message"]
    assert "Setup > Users > Users > HubSpot Sync > Edit: tick Marketing User" in finding["remediation"]


def test_expiring_assignment_names_the_set_and_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("expiring-assignment")
    finding = next(f for f in document["findings"] if f["check"] == "api-enabled")
    assert "permission set 'HubSpot Sync' expires 2099-01-31" in finding["message"]


@pytest.mark.parametrize(("name", "said"), [("unknown-user", "--user nobody@acme.example.com: no such user in this org"),
                                           ("inactive-user", "--user hubspot.sync@acme.example.com: the user is inactive")])
def test_a_user_that_cannot_be_audited_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, name: str,
                                                              said: str) -> None:
    monkeypatch.chdir(ROOT)
    code, document, stderr = audit_json(name)
    assert code == 2 and document == {}
    lines = [line for line in stderr.strip().splitlines()
             if not line.startswith(("auditor: auditing", "auditor: replaying"))]
    assert len(lines) == 1 and said in lines[0] and "Traceback" not in stderr


def test_an_admin_auditing_their_own_session_is_told_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("admin-own-session")
    note = next(f for f in document["findings"] if f["check"] == "user-active" and f["status"] == "warn")
    assert "This audit is of your own session, 'admin@acme.example.com', an administrator" in note["message"]
    assert "--user" in note["remediation"]


def test_lookup_chain_names_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("lookup-chain")
    failing = next(f for f in document["findings"] if f["check"] == "lookup-access" and f["status"] == "fail")
    assert failing["lookup_path"] == ["Account.Region__c", "Region__c.Territory__c", "Territory__c"]


def test_session_expired_is_exit_3_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("audit", "--replay", str(CASSETTES / "session-expired.yaml"))
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("auditor: Salesforce rejected the session")
    assert "Traceback" not in result.stderr


def test_demo_costs_five_requests_and_four_api_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default audit on a typical org: userinfo, /limits and one /composite, plus the sync round (issue 15):
    one composite of queries and UI API GETs, one of the active validation rules' records (target: <= 4 calls)."""
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("demo")
    assert document["api_usage"] == {"http_requests": 5, "api_calls": 4}


def test_trust_status_costs_one_http_request_and_no_api_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("trust-maintenance")
    assert document["api_usage"] == {"http_requests": 5, "api_calls": 3}  # 3: /limits, composite, sync round
    running = next(f for f in document["findings"] if f["check"] == "trust-status" and f["status"] == "fail")
    assert running["message"] == (
        "Maintenance 'USA596 Read-Only Database Maintenance' (scheduledMaintenance, read-only) on instance USA596 is "
        "running now: 2025-01-01 00:00 UTC to 2099-01-01 00:00 UTC.")
    assert "schedule the first sync outside the maintenance window" in running["remediation"]


def test_second_page_costs_one_more_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, document, _ = audit_json("fls-second-page")
    # 2 extra pages of FieldPermissions (page size 20 in this recording) plus ObjectPermissions' extra pages.
    assert document["api_usage"]["http_requests"] > 3
    assert document["api_usage"]["api_calls"] == document["api_usage"]["http_requests"] - 1


def test_table_is_the_default_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("audit", "--replay", str(CASSETTES / "demo.yaml"))
    assert result.exit_code == 1
    assert "SF_OBJECT_PERMISSIONS" in result.stdout and "WOULD SUSPEND" in result.stdout
    assert "Lead.Fax" in result.stdout


def test_output_file_gets_the_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "report.json"
    result = run_cli("audit", "--replay", str(CASSETTES / "healthy.yaml"), "-f", "json", "-o", str(target),
                     "--hubspot-allocation", "20000")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["schema_version"] == 1


def test_an_incomplete_audit_says_why_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, stderr = audit_json("no-setup-access")
    assert code == 3
    reason = stderr.strip().splitlines()[-1]
    assert reason.startswith("auditor: could not complete: not evaluated: the auditing user cannot read it "
                             "(PermissionSetAssignment: HTTP 400 INVALID_TYPE")
    assert "View Setup and Configuration" in reason
