"""Field-level security of address components lives on their compound field (reference §2.7).

Real orgs keep FieldPermissions rows for Contact.MailingAddress and none for MailingCity, while describe
calls MailingCity permissionable and names the compound in compoundFieldName
(tests/real_samples/query__FieldPermissions__semijoin_v49__mohan.txt, describe__Contact__cumulusci.json).
"""

from __future__ import annotations

import dataclasses

import pytest

from auditor.config import Direction
from auditor.model import Status
from auditor.permissions import field_permission_fields, likely_compound
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    field_row,
    make_config,
    make_snapshot,
    one,
    run_check,
    with_field_rows,
    with_status,
    without_field_rows,
)

SYNC = "permission set 'HubSpot Sync'"


@pytest.mark.parametrize(
    ("name", "compound"),
    [
        ("MailingCity", "MailingAddress"),
        ("MailingStreet", "MailingAddress"),
        ("BillingCountryCode", "BillingAddress"),
        ("City", "Address"),  # Lead
        ("OtherGeocodeAccuracy", "OtherAddress"),
        ("Store__Latitude__s", "Store__c"),
        ("Email", None),
        ("Region__c", None),
        ("Status", None),
    ],
)
def test_likely_compound_guesses_address_compounds_from_names(name: str, compound: str | None) -> None:
    assert likely_compound(name) == compound


def test_field_permissions_query_asks_for_the_compound_beside_its_components() -> None:
    fields = field_permission_fields(["Contact.MailingCity", "Contact.Email", "Lead.Street"])
    assert fields == ("Contact.Email", "Contact.MailingAddress", "Contact.MailingCity", "Lead.Address", "Lead.Street")


def test_healthy_org_with_rows_only_on_compounds_passes() -> None:
    snapshot = make_snapshot()
    rows = snapshot.field_permissions
    assert not isinstance(rows, tuple) or not any(r.field == "Contact.MailingCity" for r in rows)
    assert {f.status for f in run_check("field-access", snapshot)} == {Status.PASS}


@pytest.mark.parametrize(
    ("compound", "mapped"),
    [
        ("Contact.MailingAddress", "MailingCity, MailingCountry, MailingPostalCode, MailingState, MailingStreet"),
        ("Lead.Address", "City, Country, PostalCode, State, Street"),
        ("Account.BillingAddress", "BillingCity, BillingCountry, BillingState"),
    ],
)
def test_missing_compound_row_is_one_finding_naming_the_compound_and_its_mapped_components(
    compound: str, mapped: str
) -> None:
    findings = run_check("field-access", without_field_rows(make_snapshot(), compound))
    failed = one(findings, Status.FAIL, field=compound)
    assert f"lacks field-level Read, Edit on {compound} (mapped: {mapped})" in failed.message
    sobject, name = compound.split(".")
    assert f"Object Settings > {sobject} > Edit" in failed.remediation
    assert f"for {name}." in failed.remediation
    assert len(with_status(findings, Status.FAIL)) == 1


def test_read_only_compound_fails_edit_for_two_way_components() -> None:
    snapshot = with_field_rows(
        without_field_rows(make_snapshot(), "Contact.MailingAddress"),
        field_row(HUBSPOT_SYNC_SET_ID, "Contact.MailingAddress", edit=False),
    )
    failed = one(run_check("field-access", snapshot), Status.FAIL, field="Contact.MailingAddress")
    assert "lacks field-level Edit on Contact.MailingAddress (mapped:" in failed.message
    assert f"Read granted ({SYNC})" in failed.message
    assert "tick Edit Access for MailingAddress" in failed.remediation


def test_read_only_compound_passes_when_components_sync_one_way() -> None:
    config = make_config()
    one_way = tuple(
        dataclasses.replace(m, direction=Direction.TO_HUBSPOT) if m.field.startswith("Mailing") else m
        for m in config.mappings
    )
    snapshot = with_field_rows(
        without_field_rows(make_snapshot(), "Contact.MailingAddress"),
        field_row(HUBSPOT_SYNC_SET_ID, "Contact.MailingAddress", edit=False),
    )
    findings = run_check("field-access", snapshot, dataclasses.replace(config, mappings=one_way))
    assert {f.status for f in findings} == {Status.PASS}


def test_a_row_on_the_component_itself_still_counts() -> None:
    """No real org has one; tolerate it if one ever does (never a false fail)."""
    snapshot = with_field_rows(
        without_field_rows(make_snapshot(), "Lead.Address"),
        *(field_row(HUBSPOT_SYNC_SET_ID, f"Lead.{name}") for name in ("Street", "City", "State", "PostalCode", "Country")),
    )
    assert {f.status for f in run_check("field-access", snapshot)} == {Status.PASS}


def test_name_components_are_never_looked_up() -> None:
    """FirstName and Salutation are not permissionable: no row, no finding."""
    snapshot = make_snapshot(field_permissions=())
    fields = {f.field for f in run_check("field-access", snapshot)}
    assert not fields & {"Contact.FirstName", "Contact.Salutation", "Lead.FirstName", "Lead.LastName"}
