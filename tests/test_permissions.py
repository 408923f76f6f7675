"""The effective-permission model: OR over valid sources, overrides, special objects, attribution."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.permissions import (
    ACTIVITIES_READABLE,
    INTERNAL_USERS_READ_USERS,
    QUEUES_NOT_PERMISSION_CONTROLLED,
    PermissionDataUnavailable,
    field_access,
    ignored_notes,
    ignored_sources,
    object_access,
    parse_timestamp,
    system_permission_sources,
    valid_sources,
)
from auditor.snapshot import OrgSnapshot, UserInfo
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    PROFILE_SET_ID,
    field_row,
    make_snapshot,
    object_row,
    permission_set,
    permission_set_group,
    profile_source,
    unavailable,
    with_field_rows,
    with_object_rows,
    with_sources,
    without_source,
)

SYNC = "permission set 'HubSpot Sync'"
PROFILE = "profile 'Integration User'"


def bare_snapshot(*sources: object) -> OrgSnapshot:
    """Only the given sources, and no object or field rows."""
    return make_snapshot(sources=sources, object_permissions=(), field_permissions=())


# --------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    "text",
    ["2026-03-01T00:00:00Z", "2026-03-01T00:00:00.000+0000", "2026-03-01T00:00:00+00:00", "2026-03-01T00:00:00"],
)
def test_parse_timestamp_accepts_salesforce_spellings(text: str) -> None:
    parsed = parse_timestamp(text)
    assert parsed is not None
    assert parsed.isoformat() == "2026-03-01T00:00:00+00:00"


def test_parse_timestamp_keeps_non_utc_offsets() -> None:
    parsed = parse_timestamp("2026-03-01T02:00:00.000+0200")
    assert parsed == parse_timestamp("2026-03-01T00:00:00Z")


def test_parse_timestamp_rejects_garbage() -> None:
    assert parse_timestamp("next tuesday") is None


# --------------------------------------------------------------------------- valid sources


def test_expired_assignment_is_not_a_valid_source_and_is_explained() -> None:
    expired = permission_set("Old Sync", "ApiEnabled", expiration_date="2026-03-01T00:00:00.000+0000")
    snapshot = with_sources(make_snapshot(), expired)  # collected 2026-03-02T09:30:00Z
    assert expired not in valid_sources(snapshot)
    assert ignored_sources(snapshot) == ((expired, "assignment expired 2026-03-01T00:00:00.000+0000"),)
    assert ignored_notes(snapshot) == (
        "permission set 'Old Sync' ignored: assignment expired 2026-03-01T00:00:00.000+0000",
    )


def test_assignment_expiring_after_collection_still_grants() -> None:
    later = permission_set("Temp Sync", "ApiEnabled", expiration_date="2026-03-02T10:00:00Z")
    snapshot = with_sources(bare_snapshot(profile_source()), later)
    assert system_permission_sources(snapshot, "ApiEnabled") == ("permission set 'Temp Sync'",)


def test_without_collection_time_expiry_cannot_be_judged_so_sources_are_kept() -> None:
    expired = permission_set("Old Sync", expiration_date="2001-01-01T00:00:00Z")
    snapshot = with_sources(make_snapshot(collected_at=None), expired)
    assert expired in valid_sources(snapshot)
    assert ignored_sources(snapshot) == ()


def test_unreadable_expiry_does_not_grant_and_says_why() -> None:
    odd = permission_set("Odd", "ApiEnabled", expiration_date="soon")
    snapshot = with_sources(bare_snapshot(profile_source()), odd)
    assert system_permission_sources(snapshot, "ApiEnabled") == ()
    assert ignored_notes(snapshot) == ("permission set 'Odd' ignored: assignment expiry date 'soon' could not be read",)


def test_session_based_set_grants_only_while_activated() -> None:
    inactive = permission_set("Session Sync", "ApiEnabled", activation_required=True, assignment_active=False)
    active = permission_set("Session Sync 2", "ApiEnabled", activation_required=True, assignment_active=True)
    # IsActive only matters for sets that require activation.
    plain = permission_set("Plain", "ApiEnabled", assignment_active=False)
    snapshot = with_sources(bare_snapshot(profile_source()), inactive, active, plain)
    granted = system_permission_sources(snapshot, "ApiEnabled")
    assert granted == ("permission set 'Session Sync 2'", "permission set 'Plain'")
    assert [reason for _, reason in ignored_sources(snapshot)] == ["session-based assignment is not activated"]


def test_unavailable_sources_raise_instead_of_guessing() -> None:
    snapshot = make_snapshot(sources=unavailable("no View Setup"))
    with pytest.raises(PermissionDataUnavailable, match="no View Setup"):
        valid_sources(snapshot)
    with pytest.raises(PermissionDataUnavailable):
        object_access(snapshot, "Contact")


def test_unavailable_object_permissions_raise() -> None:
    with pytest.raises(PermissionDataUnavailable, match="ObjectPermissions"):
        object_access(make_snapshot(object_permissions=unavailable()), "Contact")


def test_unavailable_field_permissions_raise() -> None:
    with pytest.raises(PermissionDataUnavailable, match="FieldPermissions"):
        field_access(make_snapshot(field_permissions=unavailable()), "Contact.Email")


# --------------------------------------------------------------------------- system permissions


def test_system_permission_is_or_over_profile_sets_and_groups() -> None:
    group = permission_set_group("Sales Ops", "ApiEnabled")
    snapshot = with_sources(bare_snapshot(profile_source("ApiEnabled"), permission_set("API", "ApiEnabled")), group)
    assert system_permission_sources(snapshot, "ApiEnabled") == (
        PROFILE,
        "permission set 'API'",
        "permission set group 'Sales Ops'",
    )
    assert system_permission_sources(snapshot, "ModifyAllData") == ()


# --------------------------------------------------------------------------- object access


def test_object_access_is_or_over_rows_with_attribution() -> None:
    snapshot = with_object_rows(
        bare_snapshot(profile_source(), permission_set("HubSpot Sync", source_id=HUBSPOT_SYNC_SET_ID)),
        object_row(PROFILE_SET_ID, "Contact", "read"),
        object_row(HUBSPOT_SYNC_SET_ID, "contact", "read", "edit"),  # sobject compared case-insensitively
        object_row(HUBSPOT_SYNC_SET_ID, "Account", "read", "create", "edit"),
    )
    access = object_access(snapshot, "Contact")
    assert access.read == (PROFILE, SYNC)
    assert access.edit == (SYNC,)
    assert access.create == () and access.delete == () and access.view_all == () and access.modify_all == ()
    assert access.missing(("Read", "Create", "Edit")) == ("Create",)
    assert access.sources_of(("Read", "Edit")) == (PROFILE, SYNC)


def test_rows_of_sources_not_assigned_to_the_user_do_not_count() -> None:
    snapshot = with_object_rows(bare_snapshot(profile_source()), object_row("0PS000000000000XXX", "Lead", "read"))
    assert object_access(snapshot, "Lead").read == ()


def test_rows_of_expired_assignment_do_not_count() -> None:
    expired = permission_set("Old Sync", expiration_date="2026-01-01T00:00:00Z")
    snapshot = with_sources(bare_snapshot(profile_source()), expired)
    snapshot = with_object_rows(snapshot, object_row(expired.id, "Lead", "read", "edit"))
    assert object_access(snapshot, "Lead").read == ()


def test_access_through_permission_set_group() -> None:
    group = permission_set_group("Sales Ops")
    snapshot = with_sources(bare_snapshot(profile_source()), group)
    snapshot = with_object_rows(snapshot, object_row(group.id, "Opportunity", "read", "edit"))
    assert object_access(snapshot, "Opportunity").edit == ("permission set group 'Sales Ops'",)


def test_modify_all_data_grants_everything_on_every_object() -> None:
    snapshot = bare_snapshot(profile_source("ModifyAllData", label="System Administrator"))
    access = object_access(snapshot, "Region__c")
    expected = ("profile 'System Administrator' (Modify All Data)",)
    for permission in ("read", "create", "edit", "delete", "view_all", "modify_all"):
        assert access.granted_by(permission) == expected


def test_view_all_data_grants_read_and_view_all_only() -> None:
    snapshot = bare_snapshot(profile_source(), permission_set("Auditors", "ViewAllData"))
    access = object_access(snapshot, "Account")
    assert access.read == access.view_all == ("permission set 'Auditors' (View All Data)",)
    assert access.edit == access.create == access.modify_all == ()


def test_a_source_granting_by_row_is_not_repeated_for_its_override() -> None:
    admin = profile_source("ModifyAllData", label="System Administrator")
    snapshot = with_object_rows(bare_snapshot(admin), object_row(admin.id, "Lead", "read"))
    access = object_access(snapshot, "Lead")
    assert access.read == ("profile 'System Administrator'",)
    assert access.edit == ("profile 'System Administrator' (Modify All Data)",)


def test_task_is_readable_by_everyone_and_edited_through_edit_tasks() -> None:
    access = object_access(bare_snapshot(profile_source("EditTask")), "Task")
    assert access.read == (ACTIVITIES_READABLE,)
    assert access.create == access.edit == (f"{PROFILE} (Edit Tasks)",)
    assert object_access(bare_snapshot(profile_source()), "Task").edit == ()


def test_event_edit_comes_from_edit_events_not_edit_tasks() -> None:
    snapshot = bare_snapshot(profile_source("EditTask"))
    assert object_access(snapshot, "Event").edit == ()
    assert object_access(bare_snapshot(profile_source("EditEvent")), "Event").edit == (f"{PROFILE} (Edit Events)",)


def test_user_is_readable_by_internal_users_and_edited_with_manage_users() -> None:
    snapshot = bare_snapshot(profile_source("ManageUsers"))
    access = object_access(snapshot, "User")
    assert access.read == (INTERNAL_USERS_READ_USERS,)
    assert access.edit == (f"{PROFILE} (Manage Users)",)


def test_external_user_cannot_read_users() -> None:
    snapshot = bare_snapshot(profile_source())
    user = snapshot.user
    assert isinstance(user, UserInfo)
    external = dataclasses.replace(snapshot, user=dataclasses.replace(user, user_type="PowerPartner"))
    assert object_access(external, "User").read == ()


def test_group_is_not_permission_controlled() -> None:
    access = object_access(bare_snapshot(profile_source()), "Group")
    assert access.read == access.edit == (QUEUES_NOT_PERMISSION_CONTROLLED,)


def test_unknown_permission_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown object permission"):
        object_access(bare_snapshot(profile_source()), "Lead").granted_by("Transfer")


# --------------------------------------------------------------------------- field access


def test_field_access_is_or_over_rows_case_insensitive() -> None:
    snapshot = with_field_rows(
        bare_snapshot(profile_source(), permission_set("HubSpot Sync", source_id=HUBSPOT_SYNC_SET_ID)),
        field_row(PROFILE_SET_ID, "Contact.Email", edit=False),
        field_row(HUBSPOT_SYNC_SET_ID, "contact.email"),
    )
    access = field_access(snapshot, "Contact.Email")
    assert access.read == (PROFILE, SYNC)
    assert access.edit == (SYNC,)


def test_modify_all_data_does_not_bypass_field_level_security() -> None:
    snapshot = bare_snapshot(profile_source("ModifyAllData", "ViewAllData"))
    access = field_access(snapshot, "Contact.Email")
    assert access.read == () and access.edit == ()


def test_removing_the_sync_set_removes_its_grants() -> None:
    snapshot = without_source(make_snapshot(), HUBSPOT_SYNC_SET_ID)
    assert field_access(snapshot, "Contact.Email").read == ()
    assert object_access(snapshot, "Contact").read == ()
