"""field-access (SF_FIELD_PERMISSIONS) and field-mappings (MISSING_FIELD_MAPPINGS)."""

from __future__ import annotations

from auditor.config import Direction, FieldMapping
from auditor.model import Status
from auditor.snapshot import FailureKind
from auditor.suspensions import Suspension
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    change_field_describe,
    field_row,
    make_config,
    make_snapshot,
    one,
    permission_set,
    profile_source,
    run_check,
    unavailable,
    with_describe,
    with_field_rows,
    with_sources,
    with_status,
    without_describe,
    without_field_describe,
    without_field_rows,
)

SYNC = "permission set 'HubSpot Sync'"


# --------------------------------------------------------------------------- field-access


def test_field_access_passes_with_one_summary_per_object() -> None:
    findings = run_check("field-access")
    assert {f.status for f in findings} == {Status.PASS}
    assert sorted(f.object or "" for f in findings) == ["Account", "Contact", "Lead", "Opportunity"]
    contact = one(findings, Status.PASS, object="Contact")
    assert contact.suspension is Suspension.SF_FIELD_PERMISSIONS
    # LastName and OwnerId are required: not permissionable, so never needing FLS rows.
    assert contact.message == (
        "Contact: 13 mapped fields readable and editable; 4 not permissionable (required, system or name fields)."
    )
    assert contact.sources == (SYNC,)


def test_field_access_fails_per_field_listing_what_is_missing() -> None:
    snapshot = with_field_rows(
        without_field_rows(make_snapshot(), "Contact.Email"),
        field_row(HUBSPOT_SYNC_SET_ID, "Contact.Email", edit=False),
    )
    findings = run_check("field-access", snapshot)
    finding = one(findings, Status.FAIL, field="Contact.Email")
    assert finding.object == "Contact"
    assert finding.message == (
        "'hubspot@acme.example' lacks field-level Edit on Contact.Email (HubSpot needs Read, Edit); "
        f"Read granted ({SYNC})."
    )
    assert finding.sources == ("nothing grants it",)
    assert finding.remediation == (
        "Setup > Users > Permission Sets > HubSpot Sync > Object Settings > Contact > Edit: under Field Permissions "
        "tick Edit Access for Email."
    )
    # the object with a failing field gets no summary pass; the others still do
    assert sorted(f.object or "" for f in with_status(findings, Status.PASS)) == ["Account", "Lead", "Opportunity"]


def test_field_access_modify_all_data_still_needs_field_level_security() -> None:
    admin = profile_source("ApiEnabled", "ModifyAllData", "ViewAllData", label="System Administrator")
    snapshot = make_snapshot(sources=(admin,), object_permissions=(), field_permissions=())
    # object checks pass on Modify All Data alone...
    assert {f.status for f in run_check("object-access", snapshot)} == {Status.PASS}
    # ...field checks do not
    findings = run_check("field-access", snapshot)
    email = one(findings, Status.FAIL, field="Contact.Email")
    assert "lacks field-level Read, Edit on Contact.Email" in email.message
    assert email.sources == ("nothing grants it",)
    failed_fields = {f.field for f in with_status(findings, Status.FAIL)}
    # One per field carrying FLS: an address's components share their compound's finding, and
    # FirstName/Salutation are not permissionable (Contact 9, Lead 13, Account 4, Opportunity 3).
    assert len(failed_fields) == 9 + 13 + 4 + 3
    assert "Contact.MailingAddress" in failed_fields and "Contact.MailingCity" not in failed_fields


def test_field_access_never_reports_non_permissionable_required_fields() -> None:
    snapshot = make_snapshot(field_permissions=())
    fields = {f.field for f in run_check("field-access", snapshot)}
    assert "Contact.Email" in fields
    required = {"Contact.LastName", "Lead.LastName", "Lead.Company", "Lead.Status", "Account.Name",
                "Opportunity.StageName", "Opportunity.CloseDate", "Contact.OwnerId"}
    assert fields.isdisjoint(required)


def test_field_access_one_way_mapping_needs_read_only() -> None:
    config = make_config(mappings=(FieldMapping("contacts", "email", "Contact", "Email", Direction.TO_HUBSPOT),))
    snapshot = with_field_rows(
        without_field_rows(make_snapshot(), "Contact.Email"),
        field_row(HUBSPOT_SYNC_SET_ID, "Contact.Email", edit=False),
    )
    finding = one(run_check("field-access", snapshot, config), Status.PASS)
    assert finding.message == "Contact: 1 mapped field readable (Salesforce -> HubSpot or formula)."


def test_field_access_one_way_mapping_fails_without_read() -> None:
    config = make_config(mappings=(FieldMapping("contacts", "email", "Contact", "Email", Direction.TO_HUBSPOT),))
    finding = one(run_check("field-access", without_field_rows(make_snapshot(), "Contact.Email"), config), Status.FAIL)
    assert "lacks field-level Read on Contact.Email (HubSpot needs Read)" in finding.message


def test_field_access_warns_that_a_written_formula_field_is_read_only() -> None:
    config = make_config(mappings=(FieldMapping("deals", "expected", "Opportunity", "ExpectedRevenue"),))
    read_only = field_row(HUBSPOT_SYNC_SET_ID, "Opportunity.ExpectedRevenue", edit=False)
    snapshot = with_field_rows(make_snapshot(), read_only)
    findings = run_check("field-access", snapshot, config)
    warning = one(findings, Status.WARN, field="Opportunity.ExpectedRevenue")
    assert "formula field" in warning.message and "HubSpot cannot write it" in warning.message
    # a formula needs Read only: no fail for the missing Edit
    assert with_status(findings, Status.FAIL) == []
    assert "1 mapped field readable" in one(findings, Status.PASS).message


def test_field_access_warns_when_field_permissions_and_describe_disagree() -> None:
    snapshot = change_field_describe(make_snapshot(), "Contact.Email", updateable=False)
    warning = one(run_check("field-access", snapshot), Status.WARN)
    assert warning.field == "Contact.Email"
    assert "FieldPermissions grant Edit on Contact.Email (permission set 'HubSpot Sync')" in warning.message
    assert "not updateable" in warning.message and "HubSpot's writes to it will fail" in warning.message


def test_field_access_does_not_compare_with_describe_of_another_user() -> None:
    snapshot = change_field_describe(make_snapshot(audited_connected_user=False), "Contact.Email", updateable=False)
    assert with_status(run_check("field-access", snapshot), Status.WARN) == []


def test_field_access_fails_a_standard_field_hidden_from_the_users_describe() -> None:
    """A standard field exists in every org: absent from the user's own describe means FLS hides it."""
    snapshot = without_field_describe(make_snapshot(), "Contact.Fax")
    finding = one(run_check("field-access", snapshot), Status.FAIL)
    assert finding.field == "Contact.Fax"
    assert "field-level security hides it" in finding.message
    assert "Set Field-Level Security" in finding.remediation


def test_field_access_from_an_expired_assignment_does_not_count() -> None:
    expired = permission_set("Field Access", expiration_date="2026-03-01T00:00:00Z")
    snapshot = with_sources(without_field_rows(make_snapshot(), "Lead.Email"), expired)
    snapshot = with_field_rows(snapshot, field_row(expired.id, "Lead.Email"))
    finding = one(run_check("field-access", snapshot), Status.FAIL)
    assert finding.field == "Lead.Email"
    assert finding.sources == (
        "nothing grants it",
        "permission set 'Field Access' ignored: assignment expired 2026-03-01T00:00:00Z",
    )


def test_field_access_is_not_evaluated_once_when_field_permissions_unavailable() -> None:
    """One cause, one finding: not one error per object."""
    snapshot = make_snapshot(field_permissions=unavailable(reason="INVALID_TYPE: FieldPermissions"))
    finding = one(run_check("field-access", snapshot), Status.ERROR)
    assert finding.object is None
    assert finding.message.startswith("not evaluated: the auditing user cannot read it (INVALID_TYPE: FieldPermissions")


def test_field_access_errors_when_the_describe_is_unavailable() -> None:
    failed = unavailable(reason="HTTP 500 UNKNOWN_EXCEPTION", kind=FailureKind.SERVER_ERROR)
    finding = one(run_check("field-access", with_describe(make_snapshot(), "Account", failed)), Status.ERROR)
    assert finding.object == "Account"
    assert "could not read the describe of Account: HTTP 500 UNKNOWN_EXCEPTION" in finding.message


# --------------------------------------------------------------------------- field-mappings


def test_field_mappings_passes_when_every_field_exists() -> None:
    finding = one(run_check("field-mappings"), Status.PASS)
    assert finding.suspension is Suspension.MISSING_FIELD_MAPPINGS
    assert finding.message == "55 mappings from HubSpot standard mappings, every field exists."


def test_field_mappings_fails_when_there_are_none() -> None:
    config = make_config(mappings=(), mappings_source="mappings.csv")
    finding = one(run_check("field-mappings", config=config), Status.FAIL)
    assert "No field mappings (mappings.csv is empty)" in finding.message
    assert "Restore HubSpot's standard field mappings" in finding.remediation


def test_field_mappings_fails_on_a_custom_field_missing_from_describe() -> None:
    config = make_config(mappings=(FieldMapping("contacts", "tier", "Contact", "Tier__c"),))
    finding = one(run_check("field-mappings", config=config), Status.FAIL)
    assert finding.field == "Contact.Tier__c"
    assert "does not exist, or field-level security hides it from 'hubspot@acme.example'" in finding.message
    assert "Salesforce leaves hidden fields out of describe" in finding.message


def test_field_mappings_leaves_a_hidden_standard_field_to_field_access() -> None:
    """Hidden is not missing: one finding, SF_FIELD_PERMISSIONS, not MISSING_FIELD_MAPPINGS as well."""
    findings = run_check("field-mappings", without_field_describe(make_snapshot(), "Lead.Rating"))
    assert {f.status for f in findings} == {Status.PASS}


def test_field_mappings_fails_on_an_inaccessible_object() -> None:
    config = make_config(mappings=(FieldMapping("tickets", "subject", "Case", "Subject"),))
    refused = unavailable(reason="INVALID_TYPE: sObject type 'Case' is not supported", error_code="INVALID_TYPE")
    snapshot = with_describe(make_snapshot(), "Case", refused)
    finding = one(run_check("field-mappings", snapshot, config), Status.FAIL)
    assert finding.object == "Case"
    assert finding.message.startswith("Object Case does not exist or is not accessible to 'hubspot@acme.example'")


def test_field_mappings_fails_when_the_object_was_never_described() -> None:
    finding = one(run_check("field-mappings", without_describe(make_snapshot(), "Opportunity")), Status.FAIL)
    assert "Object Opportunity does not exist or is not accessible" in finding.message
    assert "7 mapped fields cannot sync" in finding.message


def test_field_mappings_errors_when_a_describe_failed_for_another_reason() -> None:
    failed = unavailable(reason="503 Service Unavailable", kind=FailureKind.ORG_UNAVAILABLE, http_status=503)
    finding = one(run_check("field-mappings", with_describe(make_snapshot(), "Lead", failed)), Status.ERROR)
    assert "could not read the describe of Lead: 503 Service Unavailable" in finding.message
    assert "status.salesforce.com" in finding.remediation
