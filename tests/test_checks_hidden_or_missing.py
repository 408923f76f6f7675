"""Hidden vs missing: a mapped field absent from describe is SF_FIELD_PERMISSIONS when it exists (standard
field, or listed by FieldPermissions) and MISSING_FIELD_MAPPINGS only when nothing shows it exists; fields
of a synced object the user cannot reach are covered by the object's finding, in both audit modes."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.config import FieldMapping
from auditor.model import Status
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    field_row,
    make_config,
    make_snapshot,
    permission_set,
    run_check,
    text_field,
    with_field_describe,
    with_field_rows,
    with_sources,
    without_field_describe,
    without_object_rows,
)

CUSTOM = FieldMapping("contacts", "tier", "Contact", "Tier__c")


@pytest.mark.parametrize(
    ("own_session", "field", "evidence", "expected"),
    [
        # standard field absent from the user's own describe: hidden by FLS
        (True, "Title", False, {"field-access": "fail", "field-mappings": "pass"}),
        # custom field FieldPermissions lists (an expired set's row): it exists, so hidden
        (True, "Tier__c", True, {"field-access": "fail", "field-mappings": "pass"}),
        # custom field nothing shows to exist: missing
        (True, "Tier__c", False, {"field-access": "pass", "field-mappings": "fail"}),
        # --user: the describe is the auditor's; absent there = does not exist
        (False, "Tier__c", False, {"field-access": "pass", "field-mappings": "fail"}),
    ],
)
def test_hidden_or_missing(own_session: bool, field: str, evidence: bool, expected: dict[str, str]) -> None:
    config = make_config(mappings=(*make_config().mappings, CUSTOM))
    snapshot = with_field_describe(make_snapshot(), "Contact", text_field("Tier__c"))
    snapshot = with_field_rows(snapshot, field_row(HUBSPOT_SYNC_SET_ID, "Contact.Tier__c"))
    snapshot = without_field_describe(snapshot, f"Contact.{field}")
    if field == "Tier__c" and not evidence:
        snapshot = dataclasses.replace(snapshot, field_permissions=tuple(
            r for r in snapshot.field_permissions if r.field != "Contact.Tier__c"))  # type: ignore[union-attr]
    if evidence:  # the only row is from a set whose assignment expired: it proves the field exists
        expired = permission_set("Old", expiration_date="2020-01-01T00:00:00Z")
        snapshot = with_sources(snapshot, expired)
        snapshot = dataclasses.replace(snapshot, field_permissions=tuple(
            r for r in snapshot.field_permissions if r.field != "Contact.Tier__c")  # type: ignore[union-attr]
            + (field_row(expired.id, "Contact.Tier__c"),))
    snapshot = dataclasses.replace(snapshot, audited_connected_user=own_session)
    for check, status in expected.items():
        statuses = {f.status.value for f in run_check(check, snapshot, config)}
        worst = "fail" if "fail" in statuses else "pass"
        assert worst == status, (check, statuses)
    if expected["field-access"] == "fail":
        failed = [f for f in run_check("field-access", snapshot, config) if f.status is Status.FAIL]
        assert [f.field for f in failed] == [f"Contact.{field}"]


@pytest.mark.parametrize("own_session", (True, False))
def test_an_unreachable_object_gives_only_the_object_finding(own_session: bool) -> None:
    """Nothing grants Read on Lead: object-access fails; neither field check reports Lead again."""
    snapshot = dataclasses.replace(without_object_rows(make_snapshot(), "Lead"), audited_connected_user=own_session)
    object_fail = [f for f in run_check("object-access", snapshot) if f.status is Status.FAIL and f.object == "Lead"]
    assert len(object_fail) == 1
    for check in ("field-access", "field-mappings"):
        assert not [f for f in run_check(check, snapshot) if f.object == "Lead" and f.status is not Status.PASS]
