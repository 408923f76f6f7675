"""Answers are parsed strictly: a wrong type is an odd answer, never quietly coerced."""

from __future__ import annotations

import pytest

from auditor.collect.parse import Malformed, parse_user

USER = {"attributes": {"type": "User", "url": "/services/data/v62.0/sobjects/User/0055g00000DxZzCAAV"},
        "Id": "0055g00000DxZzCAAV", "Username": "hubspot.sync@acme.example.com", "Name": "HubSpot Sync",
        "IsActive": True, "UserType": "Standard", "ProfileId": "00e5g000001Q8nOAAS"}


def test_a_user_record_with_profile_and_license_names() -> None:
    user = parse_user(USER, {"Name": "HubSpot Integration"}, {"Name": "Salesforce"})
    assert (user.is_active, user.user_type, user.profile_name, user.user_license) == (
        True, "Standard", "HubSpot Integration", "Salesforce")


def test_names_may_be_missing_when_profile_or_license_could_not_be_read() -> None:
    user = parse_user(USER, {}, {})
    assert user.profile_name is None and user.user_license is None


@pytest.mark.parametrize(("key", "value"), [("IsActive", "false"), ("Id", None), ("UserType", None), ("ProfileId", 5)])
def test_wrong_types_are_odd_answers(key: str, value: object) -> None:
    with pytest.raises(Malformed):
        parse_user({**USER, key: value}, {}, {})
