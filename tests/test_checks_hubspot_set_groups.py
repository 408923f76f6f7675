"""hubspot-permission-set: the legacy package's set counts as assigned when it is a component of an assigned
permission set group (attributed "via permission set group X"), never when the group's assignment does
not grant (expired) or the set sits in a group the user does not have."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.model import Status
from auditor.snapshot import GroupComponent, HubSpotPackage, PermissionSource
from tests.factory import fake_id, make_snapshot, permission_set_group, run_check, unavailable, with_sources

HUBSPOT = fake_id("0PS", "HubSpot Integration Permissions")
PACKAGE = HubSpotPackage(installed=True, permission_set_ids=(HUBSPOT,),
                         permission_set_label="HubSpot Integration Permissions")


def _group(expired: bool = False) -> PermissionSource:
    group = permission_set_group("HubSpot Access")
    return dataclasses.replace(group, expiration_date="2020-01-01T00:00:00Z") if expired else group


@pytest.mark.parametrize(
    ("assigned_group", "expired", "component_group", "expected"),
    [
        (True, False, "own", Status.PASS),  # in the user's group
        (True, True, "own", Status.FAIL),  # the group's assignment expired
        (True, False, "other", Status.FAIL),  # in some other group
        (False, False, "own", Status.FAIL),  # the group is not assigned at all
    ],
)
def test_set_inside_a_group(assigned_group: bool, expired: bool, component_group: str, expected: Status) -> None:
    group = _group(expired)
    snapshot = make_snapshot(hubspot_package=PACKAGE)
    if assigned_group:
        snapshot = with_sources(snapshot, group)
    group_id = group.group_id if component_group == "own" else fake_id("0PG", "other")
    assert group_id is not None
    snapshot = dataclasses.replace(snapshot, group_components=(GroupComponent(group_id, HUBSPOT),))
    findings = run_check("hubspot-permission-set", snapshot)
    assert [f.status for f in findings] == [expected]
    if expected is Status.PASS:
        assert findings[0].sources == (
            "permission set 'HubSpot Integration Permissions' via permission set group 'HubSpot Access'",)


def test_unreadable_components_warn_rather_than_fail() -> None:
    """The set may be inside the user's group: a warn that explains, not a false fail."""
    snapshot = dataclasses.replace(with_sources(make_snapshot(hubspot_package=PACKAGE), _group()),
                                   group_components=unavailable())
    finding, = run_check("hubspot-permission-set", snapshot)
    assert finding.status is Status.WARN and "may be assigned through a group" in finding.message
