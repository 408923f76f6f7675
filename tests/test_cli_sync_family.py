"""End to end over the recorded orgs (issue 15): the sync-error risk family and the Integration licence.

What a user sees: risks in their own section of every format, never in would_suspend, never exit 1;
a valid Integration-licence set-up audits clean; one without the PSL fails naming it. Harmless twins
(inactive validation rules, alert-only or inactive duplicate rules, flows without an active version)
are never reported.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.clirun import CliResult, run_cli
from tests.regen_cassettes import scenario_args
from tests.simulator.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
FAMILY = {"sync-required-fields", "sync-restricted-picklists", "sync-state-country-picklists",
          "sync-validation-rules", "sync-duplicate-rules", "integration-user-posture"}


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def replay(name: str, *extra: str, fmt: str = "json") -> CliResult:
    return run_cli("audit", "--replay", f"cassettes/{name}.yaml", "--format", fmt, *scenario_args(SCENARIOS[name]), *extra)


def findings(result: CliResult) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return found


def not_passing(result: CliResult, check: str) -> list[dict[str, Any]]:
    return [f for f in findings(result) if f["check"] == check and f["status"] != "pass"]


def test_sync_risks_are_warnings_in_their_own_category_and_never_exit_1() -> None:
    result = replay("sync-risks")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["would_suspend"] == []
    risky = [f for f in document["findings"] if f["check"] in FAMILY and f["status"] != "pass"]
    assert risky and all(f["status"] == "warn" and f["suspension"] is None and f["category"] == "SYNC_ERROR_RISK"
                         for f in risky)
    suspension_findings = [f for f in document["findings"] if f["check"] not in FAMILY]
    assert all(f["category"] == "SUSPENSION" and f["suspension"] for f in suspension_findings)


def test_sync_risks_name_each_rule_field_and_property() -> None:
    result = replay("sync-risks")
    rules = not_passing(result, "sync-validation-rules")
    assert sorted(f["object"] for f in rules) == ["Lead", "Opportunity"]  # the inactive and the Case rule: not reported
    lead = next(f for f in rules if f["object"] == "Lead")
    assert lead["field"] == "Lead.Phone"
    assert "'Phone_or_Email'" in lead["message"] and "Enter a phone number or an e-mail address." in lead["message"]
    assert "Lead.Email (HubSpot 'email'), Lead.Phone (HubSpot 'phone')" in lead["message"]
    assert lead["message"].endswith("Formula: AND(ISBLANK(Phone), ISBLANK(Email))")
    (duplicate,) = not_passing(result, "sync-duplicate-rules")
    assert duplicate["object"] == "Contact" and "'Contact_Email_Block'" in duplicate["message"]  # alert-only: not a risk
    (picklist,) = not_passing(result, "sync-restricted-picklists")
    assert picklist["field"] == "Lead.LeadSource" and "Web, Phone Inquiry, Partner Referral." in picklist["message"]
    assert "Trade Show" not in picklist["message"]  # inactive value
    (state_country,) = not_passing(result, "sync-state-country-picklists")
    assert "Lead.StateCode, Lead.CountryCode, Account.BillingStateCode, Account.BillingCountryCode" in state_country["message"]
    (required,) = not_passing(result, "sync-required-fields")
    assert required["field"] == "Lead.Region__c"
    flows = [f for f in not_passing(result, "row-lock-risk")]
    assert sorted(f["object"] for f in flows) == ["Account", "Contact"]  # Lead's flow has no active version


def test_harmless_twins_audit_clean() -> None:
    result = replay("sync-clean")
    assert result.exit_code == 0, result.stderr
    assert [f for f in findings(result) if f["status"] != "pass"] == []


def test_the_ui_api_refusing_is_said_once_and_changes_no_exit_status() -> None:
    result = replay("ui-api-unavailable")
    assert result.exit_code == 0, result.stderr
    (error,) = not_passing(result, "sync-duplicate-rules")
    assert error["status"] == "error" and error["message"].startswith(
        "could not read the duplicate rules of Lead, Contact, Account (UI API ui-api/duplicates, API v50+)")
    assert result.stderr.strip().splitlines()[-1] == "auditor: no suspension predicted: 0 fail, 0 warn, 1 error, 36 pass"


def test_a_valid_integration_licence_set_up_audits_clean() -> None:
    result = replay("integration-licence")
    assert result.exit_code == 0, result.stderr
    assert [f for f in findings(result) if f["status"] != "pass"] == []
    (licence,) = [f for f in findings(result) if f["check"] == "integration-license"]
    assert "with the 'Salesforce API Integration' permission set licence assigned" in licence["message"]


def test_an_integration_licence_without_the_psl_fails_naming_it() -> None:
    result = replay("integration-licence-without-psl")
    assert result.exit_code == 1
    assert "SF_OBJECT_PERMISSIONS" in json.loads(result.stdout)["would_suspend"]
    (licence,) = not_passing(result, "integration-license")
    assert licence["status"] == "fail" and licence["suspension"] == "SF_OBJECT_PERMISSIONS"
    assert "no 'Salesforce API Integration' permission set licence (SalesforceAPIIntegrationPsl)" in licence["message"]
    assert "This is why Lead, Contact, Account, Opportunity, Campaign cannot be read" in licence["message"]
    assert "Permission Set License Assignments > Edit Assignments" in licence["remediation"]


def test_a_privileged_integration_user_is_a_connection_risk() -> None:
    result = replay("modify-all-data")
    assert result.exit_code == 0
    (posture,) = not_passing(result, "integration-user-posture")
    assert posture["category"] == "CONNECTION_RISK" and posture["status"] == "warn"
    assert "phishing-resistant MFA" in posture["message"]


def test_skip_sync_leaves_the_family_out() -> None:
    result = replay("sync-risks", "--skip", "sync")
    assert result.exit_code == 0
    assert not [f for f in findings(result) if f["check"] in FAMILY]
    assert [f for f in findings(result) if f["check"] == "integration-license"]  # not in the family
    assert run_cli("audit", "--replay", "cassettes/demo.yaml", "--skip", "synced").exit_code == 2


def test_every_format_shows_the_risks_in_their_own_section() -> None:
    table = replay("sync-risks", fmt="table").stdout
    assert "SYNC_ERROR_RISK: Sync error risks (records Salesforce would reject; not a suspension) [at risk]" in table
    markdown = replay("sync-risks", fmt="markdown").stdout
    assert "### `SYNC_ERROR_RISK` Sync error risks" in markdown
    junit = replay("sync-risks", fmt="junit").stdout
    assert '<testsuite name="SYNC_ERROR_RISK"' in junit
    rows = list(csv.DictReader(io.StringIO(replay("sync-risks", fmt="csv").stdout)))
    risk = next(r for r in rows if r["check"] == "sync-validation-rules")
    assert risk["suspension"] == "" and risk["category"] == "SYNC_ERROR_RISK"


def test_the_checks_list_shows_the_category() -> None:
    listed = json.loads(run_cli("checks", "--format", "json").stdout)
    posture = next(c for c in listed if c["check"] == "integration-user-posture")
    assert posture["suspension"] is None and posture["category"] == "CONNECTION_RISK" and posture["family"] == "sync"


def test_risk_warnings_count_only_with_fail_on_warn() -> None:
    """Issue 13's threshold meets issue 15's risks: by default they never make exit 1, with
    ``--fail-on warn`` they do, and ``--fail-on never`` still reports them."""
    assert replay("sync-risks").exit_code == 0
    warned = replay("sync-risks", "--fail-on", "warn")
    assert warned.exit_code == 1, warned.stderr
    assert json.loads(warned.stdout)["would_suspend"] == []  # still no suspension predicted
    assert replay("sync-risks", "--fail-on", "never").exit_code == 0


def test_a_risk_check_that_could_not_be_evaluated_is_not_exit_3() -> None:
    result = replay("ui-api-unavailable")
    assert result.exit_code == 0, result.stderr
    assert [f["status"] for f in findings(result) if f["check"] == "sync-duplicate-rules"] == ["error"]
