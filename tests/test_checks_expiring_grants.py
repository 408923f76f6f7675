"""Expiring assignments: a needed permission whose EVERY grant expires within N days (default 14) is a warn
naming the set and the date; one grant that lasts is enough for a pass."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.model import Status
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    PROFILE_SET_ID,
    make_config,
    make_snapshot,
    one,
    permission_set,
    profile_source,
    run_check,
)

# collected 2026-03-02T09:30:00Z (tests/factory.py)
SOON, LATER = "2026-03-09T00:00:00Z", "2026-06-01T00:00:00Z"


def _api_from(expires: str | None, *, profile_has_it: bool = False) -> object:
    perms = ("ApiEnabled", "ViewSetup") if profile_has_it else ("ViewSetup",)
    return make_snapshot(sources=(
        profile_source(*perms, source_id=PROFILE_SET_ID),
        permission_set("HubSpot Sync", "ApiEnabled", source_id=HUBSPOT_SYNC_SET_ID, expiration_date=expires),
    ))


@pytest.mark.parametrize(
    ("expires", "profile_has_it", "days", "expected"),
    [
        (SOON, False, 14, Status.WARN),  # the only grant expires in 7 days
        (SOON, False, 5, Status.PASS),  # outside a 5-day window
        (LATER, False, 14, Status.PASS),
        (None, False, 14, Status.PASS),  # no expiry
        (SOON, True, 14, Status.PASS),  # the profile grants it too: it survives
    ],
)
def test_api_enabled_expiry(expires: str | None, profile_has_it: bool, days: int, expected: Status) -> None:
    snapshot = _api_from(expires, profile_has_it=profile_has_it)
    finding = one(run_check("api-enabled", snapshot, make_config(expiry_warning_days=days)), expected)  # type: ignore[arg-type]
    if expected is Status.WARN:
        assert "permission set 'HubSpot Sync' expires 2026-03-09" in finding.message
        assert "within 14 days" in finding.message


def test_object_and_field_grants_from_an_expiring_set_warn_once_per_object() -> None:
    snapshot = make_snapshot()
    sources = tuple(dataclasses.replace(s, expiration_date=SOON) if s.id == HUBSPOT_SYNC_SET_ID else s
                    for s in snapshot.sources)  # type: ignore[union-attr]
    snapshot = dataclasses.replace(snapshot, sources=sources)
    contact = one(run_check("object-access", snapshot), Status.WARN, object="Contact")
    assert "on Contact" in contact.message and "expires 2026-03-09" in contact.message
    fields = [f for f in run_check("field-access", snapshot) if f.object == "Contact"]
    assert [f.status for f in fields] == [Status.WARN]  # one per object, Read and Edit together
    assert fields[0].message.startswith("Field-level Read, Edit on Contact.")
