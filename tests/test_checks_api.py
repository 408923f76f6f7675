"""api-enabled and user-active (SF_API_DISABLED)."""

from __future__ import annotations

import dataclasses

from auditor.model import Status
from auditor.snapshot import ApiRefusal, OrgInfo, UserInfo
from auditor.suspensions import Suspension
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    make_snapshot,
    one,
    permission_set,
    permission_set_group,
    profile_source,
    run_check,
    unavailable,
)

ORG_REFUSED = ApiRefusal(
    error_code="API_DISABLED_FOR_ORG",
    message="The REST API is not enabled for this Organization.",
    at_login=False,
)
USER_REFUSED = ApiRefusal(error_code="API_CURRENTLY_DISABLED", message="API is disabled for this User", at_login=True)


def healthy_org() -> OrgInfo:
    org = make_snapshot().org
    assert isinstance(org, OrgInfo)
    return org


def healthy_user() -> UserInfo:
    user = make_snapshot().user
    assert isinstance(user, UserInfo)
    return user


# --------------------------------------------------------------------------- api-enabled


def test_api_enabled_passes_naming_the_profile() -> None:
    finding = one(run_check("api-enabled"), Status.PASS)
    assert finding.suspension is Suspension.SF_API_DISABLED
    assert finding.sources == ("profile 'Integration User'",)
    assert "API Enabled is granted by profile 'Integration User'" in finding.message


def test_api_enabled_only_via_a_permission_set_passes() -> None:
    snapshot = make_snapshot(
        sources=(
            profile_source("EditTask"),
            permission_set("HubSpot Sync", "ApiEnabled", source_id=HUBSPOT_SYNC_SET_ID),
        )
    )
    finding = one(run_check("api-enabled", snapshot), Status.PASS)
    assert finding.sources == ("permission set 'HubSpot Sync'",)


def test_api_enabled_only_via_a_permission_set_group_passes() -> None:
    snapshot = make_snapshot(sources=(profile_source(), permission_set_group("Sales Ops", "ApiEnabled")))
    finding = one(run_check("api-enabled", snapshot), Status.PASS)
    assert finding.sources == ("permission set group 'Sales Ops'",)


def test_api_enabled_fails_when_nothing_grants_it() -> None:
    snapshot = make_snapshot(sources=(profile_source("EditTask"), permission_set("HubSpot Sync")))
    finding = one(run_check("api-enabled", snapshot), Status.FAIL)
    assert finding.sources == ("nothing grants it",)
    assert "Nothing grants API Enabled to 'hubspot@acme.example'" in finding.message
    assert "Permission Sets > HubSpot Sync > System Permissions" in finding.remediation
    assert "enable API Enabled" in finding.remediation
    assert "re-enter the Salesforce credentials in HubSpot" in finding.remediation


def test_api_enabled_from_an_expired_assignment_does_not_count() -> None:
    expired = permission_set("API Access", "ApiEnabled", expiration_date="2026-02-28T23:59:59.000+0000")
    snapshot = make_snapshot(sources=(profile_source(), expired))
    finding = one(run_check("api-enabled", snapshot), Status.FAIL)
    assert finding.sources == (
        "nothing grants it",
        "permission set 'API Access' ignored: assignment expired 2026-02-28T23:59:59.000+0000",
    )
    # the fix does not send the admin to the expired set
    assert "Permission Sets > <a permission set assigned to 'hubspot@acme.example'> >" in finding.remediation


def test_api_enabled_user_refusal_blames_the_user() -> None:
    finding = one(run_check("api-enabled", make_snapshot(api_refusal=USER_REFUSED)), Status.FAIL)
    assert "API_CURRENTLY_DISABLED" in finding.message
    assert "'hubspot@acme.example' lacks API Enabled" in finding.message
    assert "enable API Enabled" in finding.remediation


def test_api_enabled_org_refusal_gives_both_causes_and_the_edition() -> None:
    org = dataclasses.replace(healthy_org(), edition="Professional Edition")
    finding = one(run_check("api-enabled", make_snapshot(api_refusal=ORG_REFUSED, org=org)), Status.FAIL)
    assert "API_DISABLED_FOR_ORG" in finding.message
    assert "cannot tell" in finding.message
    assert "Professional without the API add-on, Group, Essentials" in finding.message
    assert "The org is Professional Edition." in finding.message
    assert "enable API Enabled" in finding.remediation
    assert "API add-on" in finding.remediation


def test_api_enabled_org_refusal_without_org_info_does_not_guess_the_edition() -> None:
    snapshot = make_snapshot(api_refusal=ORG_REFUSED, org=unavailable(reason="not collected: API refused"))
    finding = one(run_check("api-enabled", snapshot), Status.FAIL)
    assert "The org is" not in finding.message


def test_api_enabled_errors_when_sources_unavailable() -> None:
    snapshot = make_snapshot(sources=unavailable(reason="INVALID_TYPE: sObject type 'PermissionSetAssignment'"))
    finding = one(run_check("api-enabled", snapshot), Status.ERROR)
    assert finding.message.startswith("not evaluated: the auditing user cannot read it")
    assert "INVALID_TYPE: sObject type 'PermissionSetAssignment'" in finding.message
    assert "View Setup and Configuration" in finding.remediation


# --------------------------------------------------------------------------- user-active


def test_user_active_passes_for_active_user_in_production() -> None:
    findings = run_check("user-active")
    finding = one(findings, Status.PASS)
    assert len(findings) == 1
    assert "'hubspot@acme.example' is active" in finding.message
    assert "not a trial" in finding.message


def test_user_active_fails_for_inactive_user() -> None:
    snapshot = make_snapshot(user=dataclasses.replace(healthy_user(), is_active=False))
    findings = run_check("user-active", snapshot)
    finding = one(findings, Status.FAIL)
    assert len(findings) == 1
    assert "'hubspot@acme.example' is inactive" in finding.message
    assert "Setup > Users > Users > HubSpot Integration > Edit: tick Active" in finding.remediation


def test_user_active_warns_on_trial_org() -> None:
    org = dataclasses.replace(healthy_org(), trial_expiration_date="2026-03-30T00:00:00.000+0000")
    findings = run_check("user-active", make_snapshot(org=org))
    finding = one(findings, Status.WARN)
    assert len(findings) == 1
    assert "is a trial" in finding.message and "2026-03-30" in finding.message
    assert "HubSpot does not support" in finding.message


def test_user_active_treats_scratch_org_as_no_trial() -> None:
    scratch = dataclasses.replace(healthy_org(), is_sandbox=True, trial_expiration_date="2026-03-30T00:00:00Z")
    finding = one(run_check("user-active", make_snapshot(org=scratch)), Status.PASS)
    assert "sandbox" in finding.message


def test_user_active_inactive_user_in_trial_org_reports_both() -> None:
    org = dataclasses.replace(healthy_org(), trial_expiration_date="2026-03-30T00:00:00Z")
    user = dataclasses.replace(healthy_user(), is_active=False)
    findings = run_check("user-active", make_snapshot(org=org, user=user))
    assert sorted(f.status.value for f in findings) == ["fail", "warn"]


def test_user_active_errors_when_user_unavailable() -> None:
    snapshot = make_snapshot(user=unavailable(reason="no User row for hubspot@acme.example"))
    finding = one(run_check("user-active", snapshot), Status.ERROR)
    assert finding.message.startswith("not evaluated: the auditing user cannot read it (no User row for hubspot@acme.example")


def test_user_active_errors_when_org_unavailable() -> None:
    snapshot = make_snapshot(org=unavailable(reason="Organization query refused"))
    finding = one(run_check("user-active", snapshot), Status.ERROR)
    assert "trial status unknown" in finding.message
    assert "Organization query refused" in finding.message
