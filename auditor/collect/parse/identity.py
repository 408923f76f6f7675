"""Who is audited: the Organization record, the User record (by id or by username) with its profile and
license names, and whether the audited-user lookup found that user."""

from __future__ import annotations

from enum import Enum
from typing import Any

from auditor.collect.executor import Answer
from auditor.collect.parse.answer import query_records
from auditor.collect.parse.fields import Malformed, _bool, _dict, _opt_str, _str
from auditor.snapshot import OrgInfo, UserInfo


def parse_org(body: Any) -> OrgInfo:
    record = _dict(body, "Organization")
    return OrgInfo(
        id=_str(record, "Id"),
        name=_str(record, "Name"),
        edition=_str(record, "OrganizationType"),
        instance_name=_opt_str(record, "InstanceName"),
        is_sandbox=_bool(record, "IsSandbox", False),
        trial_expiration_date=_opt_str(record, "TrialExpirationDate"),
        namespace_prefix=_opt_str(record, "NamespacePrefix"),
    )


def user_record(body: Any) -> dict[str, Any]:
    """The User record, from a retrieve (an object) or a query by username (records[0])."""
    record = _dict(body, "User")
    if "records" in record:
        records = query_records(record)
        if not records:
            raise Malformed("no such user")
        return records[0]
    return record


class UserLookup(str, Enum):
    """What the answer to the audited-user subrequest says about that user."""

    FOUND = "found"
    NO_SUCH_USER = "no_such_user"  # the query by username found no record, or the retrieve by id is 404
    UNKNOWN = "unknown"  # the answer failed for another reason (outage, refusal): not the user's fault


def audited_user_state(answer: Answer | None) -> UserLookup:
    """Typed reading of the ``user`` subrequest's answer, so an unknown --user is a usage error (exit 2)
    rather than a screen of errors from the subrequests that depend on it."""
    if answer is None:
        return UserLookup.UNKNOWN
    if answer.status == 404:
        return UserLookup.NO_SUCH_USER
    body = answer.body
    if answer.ok and isinstance(body, dict) and "records" in body:
        return UserLookup.FOUND if body.get("records") else UserLookup.NO_SUCH_USER
    return UserLookup.FOUND if answer.ok else UserLookup.UNKNOWN


def parse_user(record: Any, profile: dict[str, Any], user_license: dict[str, Any]) -> UserInfo:
    """The User record plus the names from the profile and license answers (those may be missing:
    a user without access to Profile still gets audited, with the names unknown)."""
    user = _dict(record, "User")
    profile_name = profile.get("Name")
    license_name = user_license.get("Name")
    return UserInfo(
        id=_str(user, "Id"),
        username=_str(user, "Username"),
        name=_opt_str(user, "Name") or _str(user, "Username"),
        is_active=_bool(user, "IsActive"),
        user_type=_str(user, "UserType"),
        profile_id=_str(user, "ProfileId"),
        profile_name=profile_name if isinstance(profile_name, str) else None,
        user_license=license_name if isinstance(license_name, str) else None,
        marketing_user=user.get("UserPermissionsMarketingUser") if isinstance(
            user.get("UserPermissionsMarketingUser"), bool) else None,
    )
