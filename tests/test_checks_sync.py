"""The sync-error risk family (issue 15): case tables on hand-built snapshots.

Every finding of the family is a risk: category SYNC_ERROR_RISK, no suspension, never a fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from auditor.config import Direction, FieldMapping
from auditor.model import Category, Finding, Status
from auditor.snapshot import DuplicateRuleInfo, FieldDescribe, ValidationRuleInfo
from tests.factory import (
    change_field_describe,
    make_config,
    make_snapshot,
    one,
    required_field,
    run_check,
    text_field,
    unavailable,
    with_describe,
    with_field_describe,
)

SYNC_CHECKS = ("sync-required-fields", "sync-restricted-picklists", "sync-state-country-picklists",
               "sync-validation-rules", "sync-duplicate-rules")


@pytest.mark.parametrize("check_id", SYNC_CHECKS)
def test_the_family_is_risks_never_suspensions(check_id: str) -> None:
    snapshot = make_snapshot(validation_rules=(rule("Lead", "R", "ISBLANK(Email)"),))
    for finding in run_check(check_id, snapshot):
        assert finding.category is Category.SYNC_ERROR_RISK and finding.suspension is None
        assert finding.status is not Status.FAIL


def _statuses(findings: list[Finding]) -> dict[str | None, Status]:
    return {f.field or f.object: f.status for f in findings}


# --------------------------------------------------------------------------- sync-required-fields


@pytest.mark.parametrize(("field", "mapped", "expected"), [
    (required_field("Region__c"), False, Status.WARN),  # required, no default, nothing fills it
    (required_field("Region__c"), True, Status.PASS),  # a two-way mapping fills it
    (required_field("Region__c", defaulted_on_create=True), False, Status.PASS),  # Salesforce defaults it
    (required_field("Region__c", createable=False), False, Status.PASS),  # not writable on create anyway
    (required_field("Opt_In__c", "boolean"), False, Status.PASS),  # a checkbox is never null
    (text_field("Region__c"), False, Status.PASS),  # nillable
])
def test_sync_required_fields_cases(field: FieldDescribe, mapped: bool, expected: Status) -> None:
    snapshot = with_field_describe(make_snapshot(), "Lead", field)
    mappings = make_config().mappings + ((FieldMapping("contacts", "region", "Lead", field.name),) if mapped else ())
    findings = run_check("sync-required-fields", snapshot, make_config(mappings=mappings))
    lead = [f for f in findings if f.object == "Lead"]
    assert {f.status for f in lead} == {expected}
    if expected is Status.WARN:
        warn = one(lead, Status.WARN, field=f"Lead.{field.name}")
        assert "no HubSpot property is mapped to it" in warn.message
        assert "Map a HubSpot property to Lead.Region__c" in warn.remediation


def test_sync_required_fields_ignores_a_mapping_that_only_reads() -> None:
    snapshot = with_field_describe(make_snapshot(), "Account", required_field("Tier__c"))
    mappings = make_config().mappings + (FieldMapping("companies", "tier", "Account", "Tier__c", Direction.TO_HUBSPOT),)
    one(run_check("sync-required-fields", snapshot, make_config(mappings=mappings)), Status.WARN, field="Account.Tier__c")


def test_sync_required_fields_errors_per_unreadable_describe() -> None:
    snapshot = with_describe(make_snapshot(), "Contact", unavailable())
    findings = run_check("sync-required-fields", snapshot)
    error = one(findings, Status.ERROR, object="Contact")
    assert error.message.startswith("could not read the describe of Contact")
    one(findings, Status.PASS, object="Lead")


# --------------------------------------------------------------------------- sync-restricted-picklists


@pytest.mark.parametrize(("changes", "expected"), [
    ({"type": "picklist", "restricted_picklist": True, "picklist_values": ("Web", "Partner")}, Status.WARN),
    ({"type": "picklist", "restricted_picklist": False, "picklist_values": ("Web",)}, Status.PASS),
    ({"type": "multipicklist", "restricted_picklist": True, "picklist_values": ("A",)}, Status.WARN),
    ({"type": "string", "restricted_picklist": True}, Status.PASS),  # only picklists are restricted picklists
])
def test_sync_restricted_picklists_cases(changes: dict[str, Any], expected: Status) -> None:
    snapshot = with_field_describe(make_snapshot(), "Lead", text_field("LeadSource", **changes))
    mappings = (FieldMapping("contacts", "leadsource", "Lead", "LeadSource"),)
    findings = run_check("sync-restricted-picklists", snapshot, make_config(mappings=mappings))
    assert [f.status for f in findings] == [expected]
    if expected is Status.WARN:
        assert findings[0].field == "Lead.LeadSource"
        assert "HubSpot's 'leadsource' sends" in findings[0].message
        assert findings[0].message.endswith(f"active values: {', '.join(changes['picklist_values'])}.")


def test_sync_restricted_picklists_skips_fields_hubspot_only_reads() -> None:
    snapshot = with_field_describe(make_snapshot(), "Lead", text_field(
        "LeadSource", type="picklist", restricted_picklist=True, picklist_values=("Web",)))
    mappings = (FieldMapping("contacts", "leadsource", "Lead", "LeadSource", Direction.TO_HUBSPOT),)
    one(run_check("sync-restricted-picklists", snapshot, make_config(mappings=mappings)), Status.PASS)


def test_sync_restricted_picklists_lists_at_most_25_values() -> None:
    values = tuple(f"V{i}" for i in range(30))
    snapshot = with_field_describe(make_snapshot(), "Lead", text_field(
        "LeadSource", type="picklist", restricted_picklist=True, picklist_values=values))
    config = make_config(mappings=(FieldMapping("contacts", "leadsource", "Lead", "LeadSource"),))
    warn = one(run_check("sync-restricted-picklists", snapshot, config), Status.WARN)
    assert warn.message.endswith("V23, V24 and 5 more.")


def test_sync_restricted_picklists_errors_when_the_describe_is_unreadable() -> None:
    snapshot = with_describe(make_snapshot(), "Lead", unavailable())
    config = make_config(mappings=(FieldMapping("contacts", "leadsource", "Lead", "LeadSource"),))
    # One cause, one finding: one error for the object, not one per mapped field on it.
    error = one(run_check("sync-restricted-picklists", snapshot, config), Status.ERROR, object="Lead")
    assert error.field is None


# --------------------------------------------------------------------------- sync-state-country-picklists


@pytest.mark.parametrize(("sobject", "fields", "expected"), [
    ("Lead", ("StateCode", "CountryCode"), Status.WARN),
    ("Account", ("BillingCountryCode",), Status.WARN),
    ("Contact", ("MailingStateCode",), Status.WARN),
    ("Lead", (), Status.PASS),
    ("Lead", ("PostalCode",), Status.PASS),
])
def test_sync_state_country_picklists_cases(sobject: str, fields: tuple[str, ...], expected: Status) -> None:
    snapshot = make_snapshot()
    for name in fields:
        snapshot = with_field_describe(snapshot, sobject, text_field(name, "picklist"))
    findings = run_check("sync-state-country-picklists", snapshot)
    assert [f.status for f in findings] == [expected]  # one org-wide finding
    if expected is Status.WARN:
        assert all(f"{sobject}.{name}" in findings[0].message for name in fields)
        assert "always send a country with a state" in findings[0].remediation


def test_sync_state_country_picklists_a_text_code_field_is_not_the_feature() -> None:
    snapshot = with_field_describe(make_snapshot(), "Lead", text_field("CountryCode", "string"))
    one(run_check("sync-state-country-picklists", snapshot), Status.PASS)


def test_sync_state_country_picklists_errors_only_when_no_describe_was_read() -> None:
    snapshot = make_snapshot()
    for name in ("Lead", "Contact", "Account"):
        snapshot = with_describe(snapshot, name, unavailable())
    one(run_check("sync-state-country-picklists", snapshot), Status.ERROR)


# --------------------------------------------------------------------------- sync-validation-rules


def rule(sobject: str, name: str, formula: str | None, *, display: str | None = None) -> ValidationRuleInfo:
    return ValidationRuleInfo(f"03d{name[:12]:0<12}AAA", sobject, name, "Fix the record.", display, formula)


@pytest.mark.parametrize(("rules", "expected"), [
    ((), {None: Status.PASS}),
    ((rule("Case", "Other", "ISBLANK(Subject)"),), {None: Status.PASS}),  # not a synced object
    ((rule("Lead", "Email_Required", "ISBLANK(Email)", display="Email"),), {"Lead.Email": Status.WARN}),
    ((rule("Opportunity", "Amount_Positive", None),), {"Opportunity": Status.WARN}),  # formula unread: still a risk
])
def test_sync_validation_rules_cases(rules: tuple[ValidationRuleInfo, ...], expected: dict[str | None, Status]) -> None:
    assert _statuses(run_check("sync-validation-rules", make_snapshot(validation_rules=rules))) == expected


def test_sync_validation_rules_names_the_mapped_fields_its_formula_uses() -> None:
    snapshot = make_snapshot(validation_rules=(rule("Lead", "Phone_or_Email", "AND(ISBLANK(Phone), ISBLANK(Email), Owner.Email != '')"),))
    config = make_config(mappings=(FieldMapping("contacts", "email", "Lead", "Email"), FieldMapping("contacts", "phone", "Lead", "Phone"),
                                   FieldMapping("contacts", "mobile", "Lead", "MobilePhone")))
    warn = one(run_check("sync-validation-rules", snapshot, config), Status.WARN)
    assert "Its formula uses mapped fields Lead.Email (HubSpot 'email'), Lead.Phone (HubSpot 'phone')." in warn.message
    assert "MobilePhone" not in warn.message  # Phone inside MobilePhone is no match; Owner.Email is not Lead.Email
    assert warn.message.endswith("Formula: AND(ISBLANK(Phone), ISBLANK(Email), Owner.Email != '')")
    assert "Setup > Object Manager > Lead > Validation Rules > Phone_or_Email" in warn.remediation


def test_sync_validation_rules_not_evaluated_when_unreadable_or_not_collected() -> None:
    refused = one(run_check("sync-validation-rules", make_snapshot(validation_rules=unavailable())), Status.ERROR)
    # Declared in ``requires``: the engine's single "not evaluated: <cause>" finding (issue 9).
    assert refused.message.startswith("not evaluated: the auditing user cannot read it")
    assert "View Setup and Configuration" in refused.remediation
    old = one(run_check("sync-validation-rules", make_snapshot(validation_rules=None)), Status.ERROR)
    assert "not collected" in old.message


# --------------------------------------------------------------------------- sync-duplicate-rules


def dup(name: str, insert: str | None = "Allow", update: str | None = "Allow", *, active: bool = True) -> DuplicateRuleInfo:
    return DuplicateRuleInfo(name, active, insert, update)


@pytest.mark.parametrize(("contact_rules", "expected"), [
    ((), Status.PASS),
    ((dup("Alert_Only"),), Status.PASS),  # alert-only rules are not risks
    ((dup("Inactive_Block", "Block", "Block", active=False),), Status.PASS),
    ((dup("Email_Block", "Block"),), Status.WARN),
    ((dup("Edit_Block", "Allow", "block"),), Status.WARN),  # case of the action tolerated
])
def test_sync_duplicate_rules_cases(contact_rules: tuple[DuplicateRuleInfo, ...], expected: Status) -> None:
    snapshot = make_snapshot(duplicate_rules=(("Lead", ()), ("Contact", contact_rules), ("Account", ())))
    findings = run_check("sync-duplicate-rules", snapshot)
    assert {f.object: f.status for f in findings} == {"Lead": Status.PASS, "Contact": expected, "Account": Status.PASS}


def test_sync_duplicate_rules_says_when_it_blocks() -> None:
    snapshot = make_snapshot(duplicate_rules=(("Contact", (dup("Email_Block", "Block", "Block"),)),))
    warn = one(run_check("sync-duplicate-rules", snapshot), Status.WARN, object="Contact")
    assert warn.message.startswith("Active duplicate rule 'Email_Block' on Contact blocks a create, edit that matches")
    assert "Setup > Duplicate Management > Duplicate Rules > Email_Block" in warn.remediation


def test_sync_duplicate_rules_unavailable_ui_api_is_one_not_evaluated_finding() -> None:
    refused = unavailable("UI API duplicates of Lead: HTTP 404 NOT_FOUND", error_code="NOT_FOUND", http_status=404)
    snapshot = make_snapshot(duplicate_rules=(("Lead", refused), ("Contact", refused), ("Account", (dup("A"),))))
    findings = run_check("sync-duplicate-rules", snapshot)
    error = one(findings, Status.ERROR)
    assert error.message.startswith("could not read the duplicate rules of Lead, Contact (UI API ui-api/duplicates, API v50+)")
    assert error.remediation.startswith("Not evaluated: check Setup > Duplicate Management > Duplicate Rules by hand")
    one(findings, Status.PASS, object="Account")
    assert one(run_check("sync-duplicate-rules", make_snapshot(duplicate_rules=None)), Status.ERROR)


def test_sync_family_inputs_unaffected_by_other_objects() -> None:
    snapshot = change_field_describe(make_snapshot(), "Lead.LastName", nillable=True)
    assert not [f for f in run_check("sync-required-fields", snapshot) if f.status is not Status.PASS]
