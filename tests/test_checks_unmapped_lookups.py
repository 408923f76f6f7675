"""Unmapped custom lookups on synced objects: an unreadable target is a warn (HubSpot may touch it: the
"interrelated object" case); a mapped one is a fail (lookup-access's synced-lookup rule)."""

from __future__ import annotations

import pytest

from auditor.config import FieldMapping
from auditor.model import Status
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    field_row,
    lookup_field,
    make_config,
    make_snapshot,
    object_row,
    run_check,
    with_field_describe,
    with_field_rows,
    with_object_rows,
)


@pytest.mark.parametrize(
    ("mapped", "readable", "expected"),
    [
        (False, False, Status.WARN),
        (False, True, None),  # readable: nothing to say
        (True, False, Status.FAIL),
        (True, True, Status.PASS),
    ],
)
def test_custom_lookup_to_region(mapped: bool, readable: bool, expected: Status | None) -> None:
    snapshot = with_field_describe(make_snapshot(), "Account", lookup_field("Region__c", "Region__c"))
    config = make_config()
    if mapped:
        config = make_config(mappings=(*config.mappings, FieldMapping("companies", "region", "Account", "Region__c")))
        snapshot = with_field_rows(snapshot, field_row(HUBSPOT_SYNC_SET_ID, "Account.Region__c"))
    if readable:
        snapshot = with_object_rows(snapshot, object_row(HUBSPOT_SYNC_SET_ID, "Region__c", "read", "edit"))
    found = [f for f in run_check("lookup-access", snapshot, config) if f.object == "Region__c"]
    assert [f.status for f in found] == ([expected] if expected else [])
    if expected is Status.WARN:
        assert "Account.Region__c (not mapped) looks up Region__c" in found[0].message
        assert "interrelated object" in found[0].message
