"""integration-license (SF_OBJECT_PERMISSIONS) and integration-user-posture (CONNECTION_RISK), issue 15."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.model import Category, Status
from auditor.snapshot import OrgSnapshot, PermissionSetLicenseGrant, UserInfo
from auditor.suspensions import Suspension
from tests.factory import (
    SYNCED_SOBJECTS,
    make_snapshot,
    one,
    permission_set,
    profile_source,
    run_check,
    unavailable,
    without_object_rows,
)

API_PSL = PermissionSetLicenseGrant("SalesforceAPIIntegrationPsl", "Salesforce API Integration",
                                    (("ApiEnabled", True), ("ModifyAllData", True)))


def on_integration_licence(snapshot: OrgSnapshot, *, licence: str | None = "Salesforce Integration",
                           profile: str = "Minimum Access - API Only Integrations") -> OrgSnapshot:
    assert isinstance(snapshot.user, UserInfo)
    user = dataclasses.replace(snapshot.user, user_license=licence, profile_name=profile)
    return dataclasses.replace(snapshot, user=user)


# --------------------------------------------------------------------------- integration-license


@pytest.mark.parametrize(("licence", "profile", "grants", "expected"), [
    ("Salesforce", "Integration User", None, Status.PASS),  # not the Integration licence: nothing to check
    ("Salesforce Integration", "Minimum Access - API Only Integrations", (API_PSL,), Status.PASS),
    ("Salesforce Integration", "Minimum Access - API Only Integrations", (), Status.FAIL),
    # The deprecated profile name is recognised too, and the profile alone is enough (licence name unread).
    (None, "Salesforce API Only System Integrations", (), Status.FAIL),
    ("Salesforce Integration", "Custom Integration Profile", (PermissionSetLicenseGrant(None, "Salesforce API Integration"),), Status.PASS),
    # A similarly named PSL is not it [S X29].
    ("Salesforce Integration", "Minimum Access - API Only Integrations",
     (PermissionSetLicenseGrant("SalesforceIntegrationPsl", "Salesforce Integration Extension"),), Status.FAIL),
])
def test_integration_license_cases(licence: str | None, profile: str,
                                   grants: tuple[PermissionSetLicenseGrant, ...] | None, expected: Status) -> None:
    snapshot = dataclasses.replace(on_integration_licence(make_snapshot(), licence=licence, profile=profile),
                                   permission_set_licenses=grants)
    findings = run_check("integration-license", snapshot)
    assert [f.status for f in findings] == [expected]
    assert findings[0].suspension is Suspension.SF_OBJECT_PERMISSIONS


def test_integration_license_fail_names_the_psl_as_the_cause_of_the_object_failures() -> None:
    snapshot = on_integration_licence(make_snapshot(permission_set_licenses=()))
    for sobject in SYNCED_SOBJECTS:
        snapshot = without_object_rows(snapshot, sobject)
    fail = one(run_check("integration-license", snapshot), Status.FAIL)
    assert "has no 'Salesforce API Integration' permission set licence (SalesforceAPIIntegrationPsl)" in fail.message
    assert "This is why Lead, Contact, Account, Opportunity, Campaign cannot be read" in fail.message
    assert fail.remediation.startswith(
        "Setup > Users > hubspot@acme.example > Permission Set License Assignments > Edit Assignments: tick "
        "'Salesforce API Integration'")
    assert "License = 'Salesforce API Integration'" in fail.remediation


def test_integration_license_warns_when_the_psl_rules_out_modify_all_data_for_deal_sync() -> None:
    no_mad = PermissionSetLicenseGrant("SalesforceAPIIntegrationPsl", "Salesforce API Integration", (("ModifyAllData", False),))
    findings = run_check("integration-license", on_integration_licence(make_snapshot(permission_set_licenses=(no_mad,))))
    one(findings, Status.PASS)
    warn = one(findings, Status.WARN, object="Opportunity")
    assert "MaximumPermissionsModifyAllData is false" in warn.message
    # Unknown (not read) is no claim: a valid set-up audits clean.
    unknown = PermissionSetLicenseGrant("SalesforceAPIIntegrationPsl", "Salesforce API Integration")
    assert [f.status for f in run_check("integration-license", on_integration_licence(
        make_snapshot(permission_set_licenses=(unknown,))))] == [Status.PASS]


def test_integration_license_errors_when_the_psl_assignments_are_unreadable() -> None:
    refused = on_integration_licence(make_snapshot(permission_set_licenses=unavailable()))
    error = one(run_check("integration-license", refused), Status.ERROR)
    assert error.message.startswith("could not read the user's permission set licences (PermissionSetLicenseAssign)")
    old = on_integration_licence(make_snapshot(permission_set_licenses=None))
    assert "not collected" in one(run_check("integration-license", old), Status.ERROR).message
    no_user = make_snapshot(user=unavailable())
    one(run_check("integration-license", no_user), Status.ERROR)


# --------------------------------------------------------------------------- integration-user-posture


@pytest.mark.parametrize(("profile", "permissions", "expected"), [
    ("Integration User", (), Status.PASS),
    ("Integration User", ("ViewSetup", "ApiEnabled"), Status.PASS),
    ("Integration User", ("ModifyAllData",), Status.WARN),
    ("Integration User", ("AuthorApex",), Status.WARN),
    ("Integration User", ("CustomizeApplication",), Status.WARN),
    ("System Administrator", (), Status.WARN),
])
def test_integration_user_posture_cases(profile: str, permissions: tuple[str, ...], expected: Status) -> None:
    snapshot = make_snapshot(sources=(profile_source("ApiEnabled", label=profile), permission_set("Extra", *permissions)))
    assert isinstance(snapshot.user, UserInfo)
    snapshot = dataclasses.replace(snapshot, user=dataclasses.replace(snapshot.user, profile_name=profile))
    findings = run_check("integration-user-posture", snapshot)
    assert [f.status for f in findings] == [expected]
    assert findings[0].category is Category.CONNECTION_RISK and findings[0].suspension is None


def test_integration_user_posture_names_what_and_where() -> None:
    snapshot = make_snapshot(sources=(profile_source("ApiEnabled"), permission_set("Admin Extras", "ModifyAllData", "ViewAllData")))
    warn = one(run_check("integration-user-posture", snapshot), Status.WARN)
    assert warn.message.startswith("'hubspot@acme.example' holds ModifyAllData, ViewAllData: from July 2026 Salesforce "
                                   "requires phishing-resistant MFA")
    assert warn.sources == ("permission set 'Admin Extras'",)


def test_integration_user_posture_errors_without_permission_sets() -> None:
    one(run_check("integration-user-posture", make_snapshot(sources=unavailable())), Status.ERROR)
