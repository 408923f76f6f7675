"""evaluate(): every check runs, crashes become error findings, refusals stop the rest, order is stable."""

from __future__ import annotations

import pytest

import auditor.checks as checks_module
from auditor.checks import CHECKS, Check, evaluate
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import ApiRefusal, Limits, LimitValue, OrgSnapshot, TrustStatus
from auditor.suspensions import Suspension
from tests.factory import make_config, make_snapshot, permission_set, profile_source


def test_healthy_org_passes_every_check() -> None:
    # trust-status speaks only when Trust was asked (--trust-status): here Trust says OK.
    trust = TrustStatus("NA224", "OK", True, "Winter '27 Patch 4.2", (), ())
    findings = evaluate(make_snapshot(trust=trust), make_config())
    assert [f for f in findings if f.status is not Status.PASS] == []
    assert {f.check for f in findings} == {c.id for c in CHECKS}


def test_findings_are_sorted_by_sort_key() -> None:
    snapshot = make_snapshot(
        sources=(profile_source(), permission_set("Nothing")),
        limits=Limits(LimitValue(15_000, 100), None, LimitValue(20, 20)),
    )
    findings = evaluate(snapshot, make_config())
    assert list(findings) == sorted(findings, key=Finding.sort_key)
    statuses = {f.status for f in findings}
    assert {Status.FAIL, Status.ERROR, Status.PASS} <= statuses


def test_disabled_checks_do_not_run() -> None:
    config = make_config(checks_disabled=frozenset({"row-lock-risk", "hubspot-allocation"}))
    ran = {f.check for f in evaluate(make_snapshot(), config)}
    assert "row-lock-risk" not in ran and "hubspot-allocation" not in ran
    assert "api-enabled" in ran


def _crash(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    raise KeyError("DailyApiRequests")


def test_a_crashing_check_yields_an_error_finding_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    crashing = Check("crashes", Suspension.SF_STORAGE_LIMIT, "Always crashes", "Nothing to do.", _crash)
    monkeypatch.setattr(checks_module, "CHECKS", CHECKS + (crashing,))
    findings = [f for f in evaluate(make_snapshot(), make_config()) if f.check == "crashes"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.status is Status.ERROR
    assert finding.suspension is Suspension.SF_STORAGE_LIMIT
    assert finding.message == "check crashed: KeyError: 'DailyApiRequests'"
    assert "bug in the auditor" in finding.remediation


def test_api_refusal_fails_api_enabled_and_stops_every_other_check() -> None:
    refusal = ApiRefusal("API_CURRENTLY_DISABLED", "API is disabled for this User", at_login=True)
    findings = evaluate(make_snapshot(api_refusal=refusal), make_config())
    by_check = {f.check: f for f in findings}
    # trust-status reads nothing through the org's API, so it runs; not requested, it says nothing.
    assert "trust-status" not in by_check
    assert len(by_check) == len(findings) == len(CHECKS) - 1
    assert by_check.pop("api-enabled").status is Status.FAIL
    for finding in by_check.values():
        assert finding.status is Status.ERROR
        assert finding.message == "not evaluated: Salesforce refused API access (API_CURRENTLY_DISABLED)"
