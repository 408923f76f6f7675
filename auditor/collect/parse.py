"""Turns Salesforce's answers into snapshot parts, or into Unavailable with the reason.

Every parser is defensive: Salesforce's documented shapes are expected, anything else (HTML
where JSON was due, a missing key, a wrong type) becomes ``Unavailable(UNEXPECTED)`` with the
raw detail, never an exception and never an empty value that would read as "no access".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from auditor.collect.executor import NOT_SENT, Answer, not_json
from auditor.collect.plan import MUTING_SET_PREFIX, SYSTEM_PERMISSIONS
from auditor.errors import API_REFUSAL_CODES
from auditor.snapshot import (
    FailureKind,
    FieldDescribe,
    FieldPermissionRow,
    GroupComponent,
    HubSpotPackage,
    Limits,
    LimitValue,
    MutingRow,
    ObjectDescribe,
    ObjectPermissionRow,
    OrgInfo,
    PermissionSource,
    SourceKind,
    Trigger,
    Unavailable,
    UserInfo,
)

T = TypeVar("T")

API_DISABLED_CODES = API_REFUSAL_CODES  # defined once, in auditor/errors.py
_NO_ACCESS_CODES = frozenset({
    "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
    "INVALID_TYPE", "NOT_FOUND", "ENTITY_IS_DELETED",
})
_MAINTENANCE = re.compile(r"(?i)maintenance|service (is )?not available|temporarily unavailable|down for")


class Malformed(Exception):
    """An answer that does not have the documented shape (internal to this module)."""


def error_details(body: Any) -> tuple[str | None, str]:
    """(errorCode, message) from a REST error body: a JSON array of {message, errorCode} [C §3.1]."""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        code = body[0].get("errorCode")
        message = body[0].get("message")
        return (code if isinstance(code, str) else None, str(message) if message is not None else "")
    if isinstance(body, dict) and ("errorCode" in body or "message" in body):
        return (str(body.get("errorCode")) if body.get("errorCode") else None, str(body.get("message", "")))
    if isinstance(body, str):
        text = re.sub(r"<[^>]+>", " ", body)
        return (None, " ".join(text.split())[:200])
    return (None, str(body)[:200])


def classify(answer: Answer) -> Unavailable:
    """Why a failed answer failed, in the terms the checks use."""
    code, message = error_details(answer.body)
    status = answer.status or None
    if answer.status == NOT_SENT:
        return Unavailable(FailureKind.NOT_COLLECTED if "depends on" in message else FailureKind.UNEXPECTED,
                           message, None, None)
    if code in API_DISABLED_CODES:
        kind = FailureKind.API_DISABLED
    elif code == "REQUEST_LIMIT_EXCEEDED":
        kind = FailureKind.API_LIMIT
    elif code in _NO_ACCESS_CODES or answer.status == 404:
        kind = FailureKind.NO_ACCESS
    elif answer.status == 503 or code == "SERVER_UNAVAILABLE" or (
        answer.status >= 500 and isinstance(answer.body, str) and _MAINTENANCE.search(answer.body)
    ):
        kind = FailureKind.ORG_UNAVAILABLE
        if isinstance(answer.body, str) and not message:
            message = "maintenance or outage page"
    elif answer.status >= 500 or code == "UNKNOWN_EXCEPTION":
        kind = FailureKind.SERVER_ERROR
    else:
        kind = FailureKind.UNEXPECTED
    shown = f"HTTP {answer.status}" + (f" {code}" if code else "") + (f": {message}" if message else "")
    return Unavailable(kind, shown, code, status)


def parse_part(answer: Answer | None, what: str, parser: Callable[[Any], T]) -> T | Unavailable:
    """Parse one answer with ``parser``; failures and odd shapes become Unavailable."""
    if answer is None:
        return Unavailable(FailureKind.NOT_COLLECTED, f"{what}: not requested")
    if not answer.ok:
        failure = classify(answer)
        return Unavailable(failure.kind, f"{what}: {failure.reason}", failure.error_code, failure.http_status)
    try:
        return parser(answer.body)
    except (Malformed, KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = str(exc) or type(exc).__name__
        return Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer ({detail})", None, answer.status)


# ------------------------------------------------------------------------- field helpers


def _dict(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, str):  # parse_body keeps the text of a body that is not JSON
        raise Malformed(f"{what} is {not_json(value)}")
    if not isinstance(value, dict):
        raise Malformed(f"{what} is {type(value).__name__}, expected an object")
    return value


def _str(record: dict[str, Any], key: str) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise Malformed(f"'{key}' is {type(value).__name__}, expected text")
    return value


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Malformed(f"'{key}' is {type(value).__name__}, expected text")
    return value


def _bool(record: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = record.get(key, default)
    if not isinstance(value, bool):
        raise Malformed(f"'{key}' is {type(value).__name__}, expected true/false")
    return value


def _int(value: Any, what: str) -> int:
    # The v29 pilot returned some limit values as strings [C D-LIMITS-192].
    if isinstance(value, bool):
        raise Malformed(f"{what} is a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise Malformed(f"{what} is {value!r}, expected a number")


def query_records(body: Any) -> list[dict[str, Any]]:
    """Records of one query page, validating the documented envelope [C D-QUERY]."""
    page = _dict(body, "query result")
    records = page.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise Malformed("query result without a 'records' list")
    if not isinstance(page.get("done"), bool):
        raise Malformed("query result without 'done'")
    return records


def next_records_url(body: Any) -> str | None:
    """The next page's URL; raises Malformed for ``done: false`` without one."""
    page = _dict(body, "query result")
    if page.get("done") is True:
        return None
    url = page.get("nextRecordsUrl")
    if not isinstance(url, str) or not url.startswith("/services/data/"):
        raise Malformed("'done' is false but 'nextRecordsUrl' is missing")
    return url


# ------------------------------------------------------------------------------ parsers


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


def parse_limits(body: Any) -> Limits:
    document = _dict(body, "limits")

    def value(name: str) -> LimitValue | None:
        entry = document.get(name)
        if entry is None:
            return None  # e.g. DataStorageMB without Manage Users [C D-LIMITS-202]
        entry = _dict(entry, name)
        # DailyApiRequests also nests one {Max, Remaining} per connected app: ignore dict children.
        return LimitValue(max=_int(entry.get("Max"), f"{name}.Max"), remaining=_int(entry.get("Remaining"), f"{name}.Remaining"))

    return Limits(
        daily_api_requests=value("DailyApiRequests"),
        data_storage_mb=value("DataStorageMB"),
        file_storage_mb=value("FileStorageMB"),
    )


def _active_picklist_values(item: dict[str, Any]) -> tuple[str, ...]:
    """The active values of a picklist field (issue 15); an entry without a text value is skipped."""
    values = item.get("picklistValues") or []
    if not isinstance(values, list):
        raise Malformed(f"field {item.get('name')!r}: 'picklistValues' is not a list")
    return tuple(v["value"] for v in values
                 if isinstance(v, dict) and isinstance(v.get("value"), str) and v.get("active", True) is not False)


def parse_describe(body: Any) -> ObjectDescribe:
    document = _dict(body, "describe")
    raw_fields = document.get("fields")
    if not isinstance(raw_fields, list):
        raise Malformed("describe without a 'fields' list")
    fields = []
    for raw in raw_fields:
        item = _dict(raw, "field")
        reference_to = item.get("referenceTo") or []
        if not isinstance(reference_to, list) or not all(isinstance(r, str) for r in reference_to):
            raise Malformed(f"field {item.get('name')!r}: 'referenceTo' is not a list of names")
        fields.append(FieldDescribe(
            name=_str(item, "name"),
            label=_opt_str(item, "label") or _str(item, "name"),
            type=_str(item, "type"),
            reference_to=tuple(reference_to),
            relationship_name=_opt_str(item, "relationshipName"),
            # Older API versions may omit 'permissionable'; assume FLS applies (the safe side).
            permissionable=_bool(item, "permissionable", True),
            calculated=_bool(item, "calculated", False),
            createable=_bool(item, "createable", True),
            updateable=_bool(item, "updateable", True),
            nillable=_bool(item, "nillable", True),
            defaulted_on_create=_bool(item, "defaultedOnCreate", False),
            polymorphic=_bool(item, "polymorphicForeignKey", False),
            compound_field_name=_opt_str(item, "compoundFieldName"),
            restricted_picklist=_bool(item, "restrictedPicklist", False),
            picklist_values=_active_picklist_values(item),
        ))
    return ObjectDescribe(
        name=_str(document, "name"),
        label=_opt_str(document, "label") or _str(document, "name"),
        custom=_bool(document, "custom", False),
        queryable=_bool(document, "queryable", True),
        createable=_bool(document, "createable", False),
        updateable=_bool(document, "updateable", False),
        fields=tuple(fields),
    )


def parse_sources(records: list[dict[str, Any]]) -> tuple[PermissionSource, ...]:
    """PermissionSetAssignment rows (with PermissionSet.* and PermissionSetGroup.*) -> sources."""
    if not records:
        # The rows include the profile's own permission set [reference §2.4], so there is always
        # one: none means the answer is incomplete (hidden rows), not that nothing is granted.
        raise Malformed("no assignment at all, not even the profile's permission set")
    sources = []
    for record in records:
        permission_set = record.get("PermissionSet")
        set_id = _opt_str(record, "PermissionSetId")
        group = record.get("PermissionSetGroup")
        group_id = _opt_str(record, "PermissionSetGroupId")
        if set_id is None or not isinstance(permission_set, dict):
            if group_id is None:
                raise Malformed("assignment without PermissionSetId")
            continue  # a group assignment without its aggregate set: resolved in a later round
        granted = frozenset(p for p in SYSTEM_PERMISSIONS if permission_set.get(f"Permissions{p}") is True)
        profile = permission_set.get("Profile")
        if _bool(permission_set, "IsOwnedByProfile", False):
            profile_name = profile.get("Name") if isinstance(profile, dict) else None
            name = profile_name if isinstance(profile_name, str) else _str(permission_set, "Name")
            kind, label = SourceKind.PROFILE, name
        elif group_id is not None:
            group = group if isinstance(group, dict) else {}
            kind = SourceKind.GROUP
            name = _opt_str(group, "DeveloperName") or _str(permission_set, "Name")
            label = _opt_str(group, "MasterLabel") or name
        else:
            kind = SourceKind.PERMISSION_SET
            name = _str(permission_set, "Name")
            label = _opt_str(permission_set, "Label") or name
        sources.append(PermissionSource(
            id=set_id,
            kind=kind,
            name=name,
            label=label,
            namespace_prefix=_opt_str(permission_set, "NamespacePrefix"),
            system_permissions=granted,
            group_id=group_id,
            group_status=_opt_str(group, "Status") if kind is SourceKind.GROUP and isinstance(group, dict) else None,
            expiration_date=_opt_str(record, "ExpirationDate"),
            assignment_active=record.get("IsActive") if isinstance(record.get("IsActive"), bool) else None,
            activation_required=permission_set.get("HasActivationRequired") is True,
        ))
    return tuple(sources)


def group_sources(records: list[dict[str, Any]], assignments: list[dict[str, Any]]) -> tuple[PermissionSource, ...]:
    """Aggregate sets of permission set groups read in the fallback round."""
    by_group = {a.get("PermissionSetGroupId"): a for a in assignments if a.get("PermissionSetGroupId")}
    sources = []
    for record in records:
        group_id = _str(record, "PermissionSetGroupId")
        assignment: dict[str, Any] = by_group.get(group_id) or {}
        raw_group = assignment.get("PermissionSetGroup")
        group: dict[str, Any] = raw_group if isinstance(raw_group, dict) else {}
        name = _opt_str(group, "DeveloperName") or _str(record, "Name")
        sources.append(PermissionSource(
            id=_str(record, "Id"),
            kind=SourceKind.GROUP,
            name=name,
            label=_opt_str(group, "MasterLabel") or name,
            namespace_prefix=_opt_str(record, "NamespacePrefix"),
            system_permissions=frozenset(p for p in SYSTEM_PERMISSIONS if record.get(f"Permissions{p}") is True),
            group_id=group_id,
            group_status=_opt_str(group, "Status"),
            expiration_date=_opt_str(assignment, "ExpirationDate"),
            assignment_active=assignment.get("IsActive") if isinstance(assignment.get("IsActive"), bool) else None,
        ))
    return tuple(sources)


def parse_object_permissions(records: list[dict[str, Any]]) -> tuple[ObjectPermissionRow, ...]:
    return tuple(
        ObjectPermissionRow(
            source_id=_str(r, "ParentId"),
            sobject=_str(r, "SobjectType"),
            read=_bool(r, "PermissionsRead", False),
            create=_bool(r, "PermissionsCreate", False),
            edit=_bool(r, "PermissionsEdit", False),
            delete=_bool(r, "PermissionsDelete", False),
            view_all=_bool(r, "PermissionsViewAllRecords", False),
            modify_all=_bool(r, "PermissionsModifyAllRecords", False),
        )
        for r in records
    )


def parse_field_permissions(records: list[dict[str, Any]]) -> tuple[FieldPermissionRow, ...]:
    return tuple(
        FieldPermissionRow(
            source_id=_str(r, "ParentId"),
            sobject=_str(r, "SobjectType"),
            field=_str(r, "Field"),
            read=_bool(r, "PermissionsRead", False),
            edit=_bool(r, "PermissionsEdit", False),
        )
        for r in records
    )


_TRIGGER_EVENTS = (
    ("UsageBeforeInsert", "before insert"), ("UsageAfterInsert", "after insert"),
    ("UsageBeforeUpdate", "before update"), ("UsageAfterUpdate", "after update"),
)


def parse_triggers(records: list[dict[str, Any]]) -> tuple[Trigger, ...]:
    return tuple(
        Trigger(
            name=_str(r, "Name"),
            sobject=_str(r, "TableEnumOrId"),
            namespace_prefix=_opt_str(r, "NamespacePrefix"),
            events=tuple(label for key, label in _TRIGGER_EVENTS if r.get(key) is True),
        )
        for r in records
    )


def parse_hubspot_package(records: list[dict[str, Any]]) -> HubSpotPackage:
    if not records:
        return HubSpotPackage(installed=False)
    labels = [_opt_str(r, "Label") for r in records]
    return HubSpotPackage(
        installed=True,
        permission_set_ids=tuple(_str(r, "Id") for r in records),
        permission_set_label=next((label for label in labels if label), None),
    )


_OBJECT_FLAGS = (
    ("PermissionsRead", "read"), ("PermissionsCreate", "create"), ("PermissionsEdit", "edit"),
    ("PermissionsDelete", "delete"), ("PermissionsViewAllRecords", "view_all"), ("PermissionsModifyAllRecords", "modify_all"),
)
_FIELD_FLAGS = (("PermissionsRead", "read"), ("PermissionsEdit", "edit"))


def _is_muting(component: dict[str, Any]) -> bool:
    """Whether a PermissionSetGroupComponent's PermissionSetId is a MutingPermissionSet: the polymorphic
    relationship's ``attributes.type`` [S: SOQL polymorphic answers], else the key prefix [U: 0QM]."""
    related = component.get("PermissionSet")
    attributes = related.get("attributes") if isinstance(related, dict) else None
    kind = attributes.get("type") if isinstance(attributes, dict) else None
    if isinstance(kind, str):
        return kind == "MutingPermissionSet"
    set_id = component.get("PermissionSetId")
    return isinstance(set_id, str) and set_id.startswith(MUTING_SET_PREFIX)


def parse_group_components(components: list[dict[str, Any]]) -> tuple[GroupComponent, ...]:
    """The permission sets (not muting sets) inside the user's groups, from PermissionSetGroupComponent."""
    result = []
    for component in components:
        if _is_muting(component):
            continue
        related = component.get("PermissionSet")
        name = related.get("Name") if isinstance(related, dict) else None
        result.append(GroupComponent(_str(component, "PermissionSetGroupId"), _str(component, "PermissionSetId"),
                                     name if isinstance(name, str) else None))
    return tuple(result)


def parse_mutings(components: list[dict[str, Any]], object_rows: list[dict[str, Any]], field_rows: list[dict[str, Any]],
                  group_labels: dict[str, str]) -> tuple[MutingRow, ...]:
    """MutingRows from the muting round: rows whose ParentId is a muting set of one of the groups.

    A muting set's name comes through the polymorphic ``PermissionSet.Name``; whether Salesforce fills
    it for a MutingPermissionSet is [U], so a missing name falls back to the set's Id.
    """
    muting: dict[str, tuple[str, str]] = {}  # muting set id -> (name, group id)
    for component in components:
        if not _is_muting(component):
            continue
        set_id = _str(component, "PermissionSetId")
        related = component.get("PermissionSet")
        name = related.get("Name") if isinstance(related, dict) else None
        muting[set_id] = (name if isinstance(name, str) and name else set_id, _str(component, "PermissionSetGroupId"))
    rows: list[MutingRow] = []
    for records, flags, is_field in ((object_rows, _OBJECT_FLAGS, False), (field_rows, _FIELD_FLAGS, True)):
        for record in records:
            parent = _str(record, "ParentId")
            if parent not in muting:
                continue
            muted = tuple(name for key, name in flags if record.get(key) is True)
            if not muted:
                continue
            name, group_id = muting[parent]
            rows.append(MutingRow(
                muting_set_id=parent, muting_set_name=name, group_id=group_id,
                group_label=group_labels.get(group_id, group_id), sobject=_str(record, "SobjectType"),
                field=_str(record, "Field") if is_field else None, permissions=muted,
            ))
    return tuple(rows)
