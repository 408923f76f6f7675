"""object-access, lookup-access and hubspot-permission-set (SF_OBJECT_PERMISSIONS)."""

from __future__ import annotations

import dataclasses
import pytest

from auditor.config import AuditConfig, FieldMapping, ObjectRequirement
from auditor.model import Status
from auditor.snapshot import FailureKind, HubSpotPackage, OrgSnapshot, UserInfo
from auditor.suspensions import Suspension
from tests.factory import (
    ALL_OBJECT_PERMISSIONS,
    HUBSPOT_SYNC_SET_ID,
    SYNCED_SOBJECTS,
    lookup_field,
    make_config,
    make_snapshot,
    object_describe,
    object_row,
    one,
    permission_set,
    permission_set_group,
    profile_source,
    run_check,
    text_field,
    unavailable,
    with_describe,
    with_field_describe,
    with_object_rows,
    with_sources,
    with_status,
    without_object_rows,
    without_source,
)

SYNC = "permission set 'HubSpot Sync'"

# --------------------------------------------------------------------------- object-access


def test_object_access_passes_on_every_synced_object() -> None:
    findings = run_check("object-access")
    assert {f.status for f in findings} == {Status.PASS}
    assert sorted(f.object or "" for f in findings) == sorted(SYNCED_SOBJECTS + ("Task", "User"))
    contact = one(findings, Status.PASS, object="Contact")
    assert contact.suspension is Suspension.SF_OBJECT_PERMISSIONS
    assert contact.message == f"Contact: Read, Create, Edit granted ({SYNC})."
    assert contact.sources == (SYNC,)
    task = one(findings, Status.PASS, object="Task")
    assert task.sources == ("activities are readable by every user", "profile 'Integration User' (Edit Tasks)")


def test_object_access_only_via_a_permission_set_group_passes() -> None:
    group = permission_set_group("Sales Ops")
    snapshot = with_sources(without_source(make_snapshot(), HUBSPOT_SYNC_SET_ID), group)
    snapshot = with_object_rows(snapshot, *(object_row(group.id, o, *ALL_OBJECT_PERMISSIONS) for o in SYNCED_SOBJECTS))
    findings = run_check("object-access", snapshot)
    assert with_status(findings, Status.FAIL) == []
    assert one(findings, Status.PASS, object="Opportunity").sources == ("permission set group 'Sales Ops'",)


def test_object_access_warns_when_a_group_is_not_recalculated() -> None:
    group = permission_set_group("Sales Ops", status="Outdated")
    snapshot = with_sources(without_source(make_snapshot(), HUBSPOT_SYNC_SET_ID), group)
    snapshot = with_object_rows(snapshot, *(object_row(group.id, o, *ALL_OBJECT_PERMISSIONS) for o in SYNCED_SOBJECTS))
    findings = run_check("object-access", snapshot)
    warning = one(findings, Status.WARN, object=None)
    assert "'Sales Ops' has status Outdated" in warning.message
    assert "Permission Set Groups > Sales Ops" in warning.remediation
    assert with_status(findings, Status.FAIL) == []


def test_object_access_says_nothing_of_an_updated_group() -> None:
    group = permission_set_group("Sales Ops")
    snapshot = with_sources(make_snapshot(), group)
    assert not [f for f in run_check("object-access", snapshot) if "status" in f.message]


def test_object_access_passes_with_modify_all_data_and_no_object_rows() -> None:
    snapshot = make_snapshot(
        sources=(profile_source("ApiEnabled", "ModifyAllData", "EditTask", label="System Administrator"),),
        object_permissions=(),
    )
    findings = run_check("object-access", snapshot)
    assert {f.status for f in findings} == {Status.PASS}
    assert one(findings, Status.PASS, object="Lead").sources == ("profile 'System Administrator' (Modify All Data)",)


def test_object_access_fails_listing_missing_permissions_and_who_grants_the_rest() -> None:
    snapshot = with_object_rows(
        without_object_rows(make_snapshot(), "Contact"), object_row(HUBSPOT_SYNC_SET_ID, "Contact", "read")
    )
    findings = run_check("object-access", snapshot)
    finding = one(findings, Status.FAIL, object="Contact")
    assert finding.message == (
        "'hubspot@acme.example' lacks Create, Edit on Contact (HubSpot needs Read, Create, Edit); "
        f"Read granted ({SYNC})."
    )
    assert finding.sources == ("nothing grants it",)
    assert finding.remediation == (
        "Setup > Users > Permission Sets > HubSpot Sync > Object Settings > Contact > Edit: enable Create, Edit."
    )
    # and the sharing warning, because View All / Modify All went too
    assert "records not shared with 'hubspot@acme.example' will not sync" in one(findings, Status.WARN).message


def test_object_access_fails_when_only_an_expired_assignment_grants() -> None:
    expired = permission_set("Old Campaigns", expiration_date="2025-12-31T00:00:00Z")
    snapshot = with_sources(without_object_rows(make_snapshot(), "Campaign"), expired)
    snapshot = with_object_rows(snapshot, object_row(expired.id, "Campaign", "read", "edit"))
    finding = one(run_check("object-access", snapshot), Status.FAIL, object="Campaign")
    assert "lacks Read, Edit on Campaign" in finding.message
    assert finding.sources == (
        "nothing grants it",
        "permission set 'Old Campaigns' ignored: assignment expired 2025-12-31T00:00:00Z",
    )


def test_object_access_warns_when_view_all_or_modify_all_is_missing_on_lead() -> None:
    snapshot = with_object_rows(
        without_object_rows(make_snapshot(), "Lead"),
        object_row(HUBSPOT_SYNC_SET_ID, "Lead", "read", "create", "edit", "view_all"),
    )
    findings = run_check("object-access", snapshot)
    one(findings, Status.PASS, object="Lead")
    warning = one(findings, Status.WARN, object="Lead")
    assert warning.message.startswith("Modify All missing on Lead: records not shared")
    assert "Object Settings > Lead > Edit: enable Modify All" in warning.remediation


def test_object_access_does_not_warn_about_view_all_on_campaign() -> None:
    snapshot = with_object_rows(
        without_object_rows(make_snapshot(), "Campaign"), object_row(HUBSPOT_SYNC_SET_ID, "Campaign", "read", "edit")
    )
    assert with_status(run_check("object-access", snapshot), Status.WARN) == []


def test_object_access_fails_on_an_object_that_is_not_accessible() -> None:
    config = make_config(objects=(ObjectRequirement("Invoice__c", edit=True),))
    missing = unavailable(reason="NOT_FOUND: The requested resource does not exist", error_code="NOT_FOUND")
    snapshot = with_describe(make_snapshot(), "Invoice__c", missing)
    finding = one(run_check("object-access", snapshot, config), Status.FAIL, object="Invoice__c")
    assert "Invoice__c is not accessible to 'hubspot@acme.example' (or does not exist in this org)" in finding.message
    assert "NOT_FOUND" in finding.message


def test_object_access_task_without_edit_tasks_points_at_the_system_permission() -> None:
    snapshot = make_snapshot(
        sources=(profile_source("ApiEnabled"), permission_set("HubSpot Sync", source_id=HUBSPOT_SYNC_SET_ID))
    )
    finding = one(run_check("object-access", snapshot), Status.FAIL, object="Task")
    assert "lacks Create, Edit on Task" in finding.message
    assert "Read granted (activities are readable by every user)" in finding.message
    assert "System Permissions > Edit: enable Edit Tasks" in finding.remediation


def test_object_access_external_user_cannot_read_users() -> None:
    user = make_snapshot().user
    assert isinstance(user, UserInfo)
    snapshot = make_snapshot(user=dataclasses.replace(user, user_type="PowerPartner"))
    finding = one(run_check("object-access", snapshot), Status.FAIL, object="User")
    assert "lacks Read on User" in finding.message
    assert "internal Salesforce user" in finding.remediation


def test_object_access_is_not_evaluated_once_when_object_permissions_unavailable() -> None:
    """One cause, one finding: not one error per synced object."""
    snapshot = make_snapshot(object_permissions=unavailable(reason="sObject type 'ObjectPermissions' is not supported"))
    finding = one(run_check("object-access", snapshot), Status.ERROR)
    assert finding.message.startswith(
        "not evaluated: the auditing user cannot read it (sObject type 'ObjectPermissions' is not supported"
    )
    assert "View Setup and Configuration" in finding.remediation


def test_object_access_errors_on_user_when_the_user_is_unavailable() -> None:
    snapshot = make_snapshot(user=unavailable(reason="User query refused"))
    finding = one(run_check("object-access", snapshot), Status.ERROR, object="User")
    assert "User query refused" in finding.message


# --------------------------------------------------------------------------- lookup-access


def test_lookup_access_passes_on_every_object_the_standard_lookups_reach() -> None:
    findings = run_check("lookup-access")
    assert {f.status for f in findings} == {Status.PASS}
    paths = {f.object: f.lookup_path for f in findings}
    # Lead.OwnerId points at Group and User: queues are skipped.
    assert paths == {
        "User": ("Lead.OwnerId", "User"),
        "Account": ("Contact.AccountId", "Account"),
        "Campaign": ("Opportunity.CampaignId", "Campaign"),
    }
    assert one(findings, Status.PASS, object="User").sources == ("every internal user can read users",)
    assert one(findings, Status.PASS, object="Campaign").message == (
        f"Campaign (reached by Opportunity.CampaignId): Read, Edit granted ({SYNC})."
    )


def region_setup(grant: tuple[str, ...] = ()) -> tuple[OrgSnapshot, AuditConfig]:
    """Contact syncs; Contact.AccountId -> Account; Account.Region__c -> Region__c (custom)."""
    snapshot = with_field_describe(make_snapshot(), "Account", lookup_field("Region__c", "Region__c"))
    snapshot = with_describe(snapshot, "Region__c", object_describe("Region__c", text_field("Name")))
    if grant:
        snapshot = with_object_rows(snapshot, object_row(HUBSPOT_SYNC_SET_ID, "Region__c", *grant))
    config = make_config(
        objects=(ObjectRequirement("Contact", create=True, edit=True),),
        mappings=(
            FieldMapping("contacts", "associatedcompanyid", "Contact", "AccountId"),
            FieldMapping("companies", "region", "Account", "Region__c"),
        ),
    )
    return snapshot, config


def test_lookup_access_two_level_chain_to_custom_object_fails_with_path() -> None:
    snapshot, config = region_setup(grant=("read",))
    findings = run_check("lookup-access", snapshot, config)
    finding = one(findings, Status.FAIL, object="Region__c")
    assert finding.lookup_path == ("Contact.AccountId", "Account.Region__c", "Region__c")
    assert "reached by the synced lookup Contact.AccountId -> Account.Region__c" in finding.message
    assert "lacks Edit on it; Read granted (permission set 'HubSpot Sync')" in finding.message
    assert "Object Settings > Region__c > Edit: enable Edit" in finding.remediation
    assert finding.sources == ("nothing grants it",)
    assert one(findings, Status.PASS, object="Account").lookup_path == ("Contact.AccountId", "Account")


def test_lookup_access_two_level_chain_passes_once_granted() -> None:
    snapshot, config = region_setup(grant=("read", "edit"))
    finding = one(run_check("lookup-access", snapshot, config), Status.PASS, object="Region__c")
    assert finding.lookup_path == ("Contact.AccountId", "Account.Region__c", "Region__c")
    assert finding.sources == (SYNC,)


def test_lookup_access_reports_the_shortest_path() -> None:
    snapshot, config = region_setup()
    # Account synced itself: Region__c is one lookup away from it.
    config = dataclasses.replace(config, objects=config.objects + (ObjectRequirement("Account", edit=True),))
    finding = one(run_check("lookup-access", snapshot, config), Status.FAIL, object="Region__c")
    assert finding.lookup_path == ("Account.Region__c", "Region__c")


def test_lookup_access_polymorphic_lookup_follows_only_synced_targets() -> None:
    config = make_config(mappings=(FieldMapping("engagements", "what", "Task", "WhatId"),))
    findings = run_check("lookup-access", make_snapshot(), config)
    assert sorted(f.object or "" for f in findings) == ["Account", "Campaign", "Opportunity"]  # not Case, Contract


def test_lookup_access_user_target_needs_read_only() -> None:
    config = make_config(mappings=(FieldMapping("contacts", "hubspot_owner_id", "Contact", "OwnerId"),))
    finding = one(run_check("lookup-access", make_snapshot(), config), Status.PASS, object="User")
    assert "Read granted" in finding.message and "Edit" not in finding.message


def test_lookup_access_fails_when_a_synced_target_lacks_edit() -> None:
    snapshot = with_object_rows(
        without_object_rows(make_snapshot(), "Account"), object_row(HUBSPOT_SYNC_SET_ID, "Account", "read")
    )
    finding = one(run_check("lookup-access", snapshot), Status.FAIL, object="Account")
    assert finding.lookup_path == ("Contact.AccountId", "Account")
    assert "lacks Edit on it" in finding.message


def test_lookup_access_self_lookup_cycle_terminates() -> None:
    config = make_config(mappings=(FieldMapping("companies", "parent", "Account", "ParentId"),))
    findings = run_check("lookup-access", make_snapshot(), config)
    assert [(f.status, f.lookup_path) for f in findings] == [(Status.PASS, ("Account.ParentId", "Account"))]


def test_lookup_access_errors_when_a_mapped_object_cannot_be_described() -> None:
    failed = unavailable(reason="describe timed out", kind=FailureKind.SERVER_ERROR)
    snapshot = with_describe(make_snapshot(), "Contact", failed)
    finding = one(run_check("lookup-access", snapshot), Status.ERROR, object="Contact")
    assert "could not read the describe of Contact (its lookups were not followed): describe timed out" in (
        finding.message
    )


def test_lookup_access_is_not_evaluated_once_when_object_permissions_unavailable() -> None:
    findings = run_check("lookup-access", make_snapshot(object_permissions=unavailable(reason="no View Setup")))
    finding = one(findings, Status.ERROR)
    assert finding.message.startswith("not evaluated: the auditing user cannot read it (no View Setup")


def test_lookup_access_without_lookups_passes_saying_so() -> None:
    config = make_config(mappings=(FieldMapping("contacts", "email", "Contact", "Email"),))
    finding = one(run_check("lookup-access", make_snapshot(), config), Status.PASS)
    assert finding.message == "No mapped field is a lookup to another object."


# --------------------------------------------------------------------------- hubspot-permission-set

HUBSPOT_SET = permission_set("HubSpot Integration Permissions", namespace_prefix="HubSpot_Inc")
INSTALLED = HubSpotPackage(
    installed=True, permission_set_ids=(HUBSPOT_SET.id,), permission_set_label="HubSpot Integration Permissions"
)


def test_hubspot_permission_set_passes_when_package_not_installed() -> None:
    finding = one(run_check("hubspot-permission-set"), Status.PASS)
    assert finding.message == "Legacy HubSpot package not installed; no permission set to assign."


def test_hubspot_permission_set_passes_when_assigned() -> None:
    snapshot = with_sources(make_snapshot(hubspot_package=INSTALLED), HUBSPOT_SET)
    finding = one(run_check("hubspot-permission-set", snapshot), Status.PASS)
    assert finding.sources == ("permission set 'HubSpot Integration Permissions'",)


def test_hubspot_permission_set_fails_when_not_assigned() -> None:
    finding = one(run_check("hubspot-permission-set", make_snapshot(hubspot_package=INSTALLED)), Status.FAIL)
    assert finding.suspension is Suspension.SF_OBJECT_PERMISSIONS
    assert "'HubSpot Integration Permissions' permission set is not assigned to 'hubspot@acme.example'" in (
        finding.message
    )
    assert "Assign the 'HubSpot Integration Permissions' permission set (namespace HubSpot_Inc)" in (
        finding.remediation
    )


def test_hubspot_permission_set_expired_assignment_fails_and_says_so() -> None:
    expired = dataclasses.replace(HUBSPOT_SET, expiration_date="2026-01-01T00:00:00Z")
    snapshot = with_sources(make_snapshot(hubspot_package=INSTALLED), expired)
    finding = one(run_check("hubspot-permission-set", snapshot), Status.FAIL)
    assert "is assigned but ignored: assignment expired 2026-01-01T00:00:00Z" in finding.message


def test_hubspot_permission_set_errors_when_packages_unreadable() -> None:
    snapshot = make_snapshot(hubspot_package=unavailable(reason="PackageLicense not queryable"))
    finding = one(run_check("hubspot-permission-set", snapshot), Status.ERROR)
    assert finding.message.startswith("not evaluated: the auditing user cannot read it (PackageLicense not queryable")


# --------------------------------------------------------------------------- Marketing User (Campaign)


@pytest.mark.parametrize(
    ("marketing_user", "expected"),
    [(True, Status.PASS), (None, Status.PASS), (False, Status.FAIL)],  # None: not read, so no claim
)
def test_campaign_edit_needs_the_marketing_user_checkbox(marketing_user: bool | None, expected: Status) -> None:
    snapshot = make_snapshot()
    user = snapshot.user
    assert isinstance(user, UserInfo)
    snapshot = dataclasses.replace(snapshot, user=dataclasses.replace(user, marketing_user=marketing_user))
    finding = one(run_check("object-access", snapshot), expected, object="Campaign")
    if expected is Status.FAIL:
        assert "tick Marketing User" in finding.remediation
