"""A frozen picture of everything the audit read from the org.

The collector fills it in; checks only read it. Any part the collector could not read is an
:class:`Unavailable` carrying the reason, never an empty value that would look like "no
permissions" (an empty tuple means "read, and there was nothing").

Snapshots round-trip through JSON (:func:`snapshot_to_json` / :func:`snapshot_from_json`), so
an audit can be re-evaluated offline with ``auditor audit --snapshot FILE``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar, Union

SNAPSHOT_SCHEMA_VERSION = 1


class FailureKind(str, Enum):
    """Why a part of the snapshot could not be read. Checks map these to suspension codes."""

    API_DISABLED = "api_disabled"  # API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED
    API_LIMIT = "api_limit"  # 403 REQUEST_LIMIT_EXCEEDED
    NO_ACCESS = "no_access"  # INSUFFICIENT_ACCESS*, INVALID_TYPE on a setup object, 404
    ORG_UNAVAILABLE = "org_unavailable"  # 503, maintenance page, SERVER_UNAVAILABLE
    SERVER_ERROR = "server_error"  # 500 / UNKNOWN_EXCEPTION and other 5xx
    UNEXPECTED = "unexpected"  # an answer we do not understand (bad JSON, odd shape, ...)
    NOT_COLLECTED = "not_collected"  # skipped because something it depends on failed


@dataclass(frozen=True)
class Unavailable:
    """A part of the snapshot that could not be read, and why."""

    kind: FailureKind
    reason: str
    error_code: str | None = None
    http_status: int | None = None


T = TypeVar("T")
Part = Union[T, Unavailable]


@dataclass(frozen=True)
class OrgInfo:
    id: str
    name: str
    edition: str  # Organization.OrganizationType, e.g. "Enterprise Edition"
    instance_name: str | None
    is_sandbox: bool
    trial_expiration_date: str | None
    namespace_prefix: str | None = None


@dataclass(frozen=True)
class UserInfo:
    id: str
    username: str
    name: str
    is_active: bool
    user_type: str  # "Standard" for internal users
    profile_id: str
    profile_name: str | None
    user_license: str | None  # UserLicense.Name, e.g. "Salesforce"
    marketing_user: bool | None = None  # User.UserPermissionsMarketingUser (None: not read)


class SourceKind(str, Enum):
    PROFILE = "profile"
    PERMISSION_SET = "permission_set"
    GROUP = "permission_set_group"


@dataclass(frozen=True)
class PermissionSource:
    """One permission set that applies to the user: the profile's own set, an assigned set, or
    a permission set group's aggregate set."""

    id: str  # PermissionSet Id: the ParentId of ObjectPermissions / FieldPermissions rows
    kind: SourceKind
    name: str  # API name (or profile name for a profile's set, group API name for a group)
    label: str
    namespace_prefix: str | None
    system_permissions: frozenset[str]  # e.g. {"ApiEnabled", "ModifyAllData"}
    group_id: str | None = None
    group_status: str | None = None  # PermissionSetGroup.Status: Updated, Outdated, ...
    expiration_date: str | None = None  # ISO datetime of the assignment's expiry, if any
    assignment_active: bool | None = None  # PermissionSetAssignment.IsActive (None: unknown)
    # PermissionSet.HasActivationRequired: session-based sets grant only while activated, so
    # IsActive matters only for them [U: IsActive semantics, reference §2.4].
    activation_required: bool = False

    def display(self) -> str:
        kinds = {
            SourceKind.PROFILE: "profile",
            SourceKind.PERMISSION_SET: "permission set",
            SourceKind.GROUP: "permission set group",
        }
        return f"{kinds[self.kind]} '{self.label}'"


@dataclass(frozen=True)
class ObjectPermissionRow:
    source_id: str
    sobject: str
    read: bool
    create: bool
    edit: bool
    delete: bool
    view_all: bool
    modify_all: bool


@dataclass(frozen=True)
class FieldPermissionRow:
    source_id: str
    sobject: str
    field: str  # qualified, as Salesforce returns it: "Contact.Email"
    read: bool
    edit: bool


@dataclass(frozen=True)
class MutingRow:
    """What one muting permission set removes inside a permission set group, on one object or field.

    ``permissions`` are ObjectPermissions attribute names ("read", "edit", ...) for an object row, or
    "read"/"edit" for a field row. In a muting set an enabled flag means the permission is muted
    [S Salesforce Help, muting permission sets; U: the row shape is that of ObjectPermissions and
    FieldPermissions with ParentId = the MutingPermissionSet, reference §2.5-2.7].
    """

    muting_set_id: str  # MutingPermissionSet Id (0QM... [U: prefix])
    muting_set_name: str
    group_id: str
    group_label: str
    sobject: str
    field: str | None  # qualified ("Contact.Email") for a FieldPermissions row; None for an object row
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class GroupComponent:
    """One permission set inside a permission set group the user is assigned (PermissionSetGroupComponent,
    muting sets left out)."""

    group_id: str
    permission_set_id: str
    permission_set_name: str | None = None


@dataclass(frozen=True)
class FieldDescribe:
    name: str
    label: str
    type: str
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    permissionable: bool = True
    calculated: bool = False
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    defaulted_on_create: bool = False
    polymorphic: bool = False
    # describe's compoundFieldName: "MailingAddress" for MailingCity, "Name" for FirstName [C real describes,
    # reference §2.7]. Field-level security of an address component lives on its compound only.
    compound_field_name: str | None = None
    # Issue 15 (sync-error risks): describe's restrictedPicklist and the active picklistValues [C §3.4].
    restricted_picklist: bool = False
    picklist_values: tuple[str, ...] = ()  # active values only, in describe order

    def custom_name(self) -> bool:
        """A custom field (API name ending in __c)."""
        return self.name.lower().endswith("__c")


@dataclass(frozen=True)
class ObjectDescribe:
    name: str
    label: str
    custom: bool
    queryable: bool
    createable: bool
    updateable: bool
    fields: tuple[FieldDescribe, ...]

    def field(self, name: str) -> FieldDescribe | None:
        wanted = name.lower()
        for candidate in self.fields:
            if candidate.name.lower() == wanted:
                return candidate
        return None


@dataclass(frozen=True)
class LimitValue:
    max: int
    remaining: int

    @property
    def used(self) -> int:
        return self.max - self.remaining


@dataclass(frozen=True)
class Limits:
    """The subset of ``/limits`` the audit needs. A key Salesforce left out is ``None``."""

    daily_api_requests: LimitValue | None
    data_storage_mb: LimitValue | None
    file_storage_mb: LimitValue | None


@dataclass(frozen=True)
class Trigger:
    name: str
    sobject: str
    namespace_prefix: str | None
    events: tuple[str, ...]  # e.g. ("after insert", "after update")


@dataclass(frozen=True)
class HubSpotPackage:
    """The legacy HubSpot managed package (namespace ``HubSpot_Inc``) and its permission set."""

    installed: bool
    permission_set_ids: tuple[str, ...] = ()
    permission_set_label: str | None = None


@dataclass(frozen=True)
class ServiceEvent:
    """An error answer Salesforce gave during the audit (kept even when a retry succeeded)."""

    kind: FailureKind
    path: str
    http_status: int | None
    error_code: str | None
    message: str
    recovered: bool  # a retry later succeeded


@dataclass(frozen=True)
class ApiRefusal:
    """Salesforce refused API access outright (at login or on the first request)."""

    error_code: str  # API_DISABLED_FOR_ORG or API_CURRENTLY_DISABLED
    message: str
    at_login: bool


@dataclass(frozen=True)
class TrustMaintenance:
    """One maintenance Salesforce Trust lists for the instance (reference §5). Times are ISO-8601 UTC."""

    id: str
    name: str | None
    planned_start: str | None  # plannedStartTime
    planned_end: str | None  # plannedEndTime
    availability: str | None  # message.availability: fullyAvailable, available, readOnly, unavailable
    maintenance_type: str | None  # message.maintenanceType: release, scheduledMaintenance, emergencyMaintenance
    event_status: str | None = None  # message.eventStatus (values [U])


@dataclass(frozen=True)
class TrustIncidentImpact:
    type: str | None  # e.g. performanceDegradation, featureServiceDisruption
    severity: str | None  # minor / major
    start_time: str | None
    end_time: str | None  # null while ongoing [U]

    @property
    def ongoing(self) -> bool:
        return self.end_time is None


@dataclass(frozen=True)
class TrustIncident:
    id: str
    impacts: tuple[TrustIncidentImpact, ...]


@dataclass(frozen=True)
class TrustStatus:
    """The instance's status on the public Trust API (``--trust-status``; reference §5)."""

    instance: str  # the "key" Trust answered for, e.g. "USA596"
    status: str  # OK, MAINTENANCE_CORE, MINOR_INCIDENT_CORE, MAJOR_INCIDENT_CORE, ... (kept as sent)
    is_active: bool | None
    release_version: str | None
    maintenances: tuple[TrustMaintenance, ...]
    incidents: tuple[TrustIncident, ...]


@dataclass(frozen=True)
class ApiUsage:
    http_requests: int = 0
    api_calls: int = 0  # calls counted against DailyApiRequests (composite = 1)


@dataclass(frozen=True)
class OrgSnapshot:
    api_version: str
    instance_url: str
    org: Part[OrgInfo]
    user: Part[UserInfo]
    audited_connected_user: bool  # False when --user audits someone else via setup objects
    sources: Part[tuple[PermissionSource, ...]]
    object_permissions: Part[tuple[ObjectPermissionRow, ...]]
    field_permissions: Part[tuple[FieldPermissionRow, ...]]
    describes: tuple[tuple[str, Part[ObjectDescribe]], ...]  # (object name, describe)
    limits: Part[Limits]
    triggers: Part[tuple[Trigger, ...]]
    hubspot_package: Part[HubSpotPackage]
    api_refusal: ApiRefusal | None = None
    collected_at: str | None = None  # ISO-8601 UTC; the reference time for assignment expiry
    service_events: tuple[ServiceEvent, ...] = ()
    api_usage: ApiUsage = field(default_factory=ApiUsage)
    # Muting permission sets of the user's permission set groups (read only when the user has group
    # assignments). Absent from snapshots saved before issue 4: they load with no mutings.
    mutings: Part[tuple[MutingRow, ...]] = ()
    # The permission sets inside the user's permission set groups, read in the same round as the mutings
    # (only when the user has group assignments): a set inside an assigned group counts as assigned.
    group_components: Part[tuple[GroupComponent, ...]] = ()
    # The object permissions the user's license allows at most: ObjectPermissions rows whose ParentId is
    # the UserLicense (reference §2.6; what such rows mean is [U], read as a ceiling). Read only when a
    # synced object gets no Read from any of the user's sets, so None = not needed (and absent from
    # snapshots saved before issue 4). An empty tuple or Unavailable means the ceiling is unknown.
    license_ceiling: Part[tuple[ObjectPermissionRow, ...]] | None = None
    # The instance's Salesforce Trust status, read only with --trust-status: None = not requested (and absent
    # from snapshots saved before it existed). Unavailable = requested but unknown (no answer, odd answer).
    trust: Part[TrustStatus] | None = None
    # Issue 15, read in the sync round (auditor/collect/sync.py). None = not collected (the check that needs
    # it was skipped, or the snapshot was saved before issue 15); the checks say "not evaluated" then.
    validation_rules: Part[tuple[ValidationRuleInfo, ...]] | None = None
    duplicate_rules: tuple[tuple[str, Part[tuple[DuplicateRuleInfo, ...]]], ...] | None = None  # per object
    permission_set_licenses: Part[tuple[PermissionSetLicenseGrant, ...]] | None = None
    # Active record-triggered flows (row-lock-risk, next to the Apex triggers): a part of its own.
    record_flows: Part[tuple[RecordFlow, ...]] | None = None

    def describe(self, sobject: str) -> Part[ObjectDescribe] | None:
        """The describe of ``sobject``; None when the collector never asked for it."""
        wanted = sobject.lower()
        for name, described in self.describes:
            if name.lower() == wanted:
                return described
        return None


# --------------------------------------------------------------------------- sync-error risks (issue 15)


@dataclass(frozen=True)
class ValidationRuleInfo:
    """An active validation rule on a synced object (Tooling ``ValidationRule`` [C F5])."""

    id: str
    sobject: str  # EntityDefinition.QualifiedApiName
    name: str  # ValidationName
    error_message: str | None
    error_display_field: str | None  # a field API name, or None (top of page)
    formula: str | None  # Metadata.errorConditionFormula; None when that record's GET failed
    namespace_prefix: str | None = None


@dataclass(frozen=True)
class DuplicateRuleInfo:
    """One duplicate rule of an object, from the UI API duplicates resource [C F6b/F6c]."""

    name: str
    active: bool
    action_on_insert: str | None  # "Allow" or "Block"
    action_on_update: str | None

    @property
    def blocks(self) -> bool:
        return self.active and any((a or "").lower() == "block" for a in (self.action_on_insert, self.action_on_update))


@dataclass(frozen=True)
class PermissionSetLicenseGrant:
    """A permission set licence assigned to the user (``PermissionSetLicenseAssign`` [U object name])."""

    developer_name: str | None  # e.g. SalesforceAPIIntegrationPsl [S]
    label: str | None  # MasterLabel, e.g. "Salesforce API Integration"
    # PermissionSetLicense.MaximumPermissions<Name> [C field existence F10; values U]: True/False as read,
    # a name absent = not read.
    maximum_permissions: tuple[tuple[str, bool], ...] = ()

    def allows(self, permission: str) -> bool | None:
        return dict(self.maximum_permissions).get(permission)


@dataclass(frozen=True)
class RecordFlow:
    """An active record-triggered flow (``FlowDefinitionView`` [C object; S trigger fields, §3.1])."""

    api_name: str
    label: str
    sobject: str | None  # the trigger object (by id/API name, else label); None when not said
    trigger_type: str  # RecordBeforeSave, RecordAfterSave, RecordBeforeDelete
    record_trigger_type: str | None  # Create, Update, CreateAndUpdate, Delete
    namespace_prefix: str | None = None


# --------------------------------------------------------------------------- serialisation


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Unavailable):
            plain["__unavailable__"] = True
        return plain
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_to_plain(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(_to_plain(item) for item in value)
    return value


def snapshot_to_json(snapshot: OrgSnapshot) -> str:
    document = {"snapshot_schema_version": SNAPSHOT_SCHEMA_VERSION, **_to_plain(snapshot)}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


class SnapshotFormatError(ValueError):
    """A saved snapshot does not have the expected shape."""


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    # get_type_hints re-evaluates string annotations on every call; a large snapshot has thousands of rows.
    return typing.get_type_hints(cls)


def _from_plain(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        if isinstance(value, dict) and value.get("__unavailable__"):
            return _from_plain(Unavailable, value, where)
        candidates = [a for a in args if a is not type(None) and a is not Unavailable]
        errors = []
        for candidate in candidates:
            try:
                return _from_plain(candidate, value, where)
            except SnapshotFormatError as exc:
                errors.append(str(exc))
        raise SnapshotFormatError(errors[0] if errors else f"{where}: unexpected value")
    if origin is tuple:
        if not isinstance(value, list):
            raise SnapshotFormatError(f"{where}: expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_plain(args[0], item, f"{where}[]") for item in value)
        if len(args) != len(value):
            raise SnapshotFormatError(f"{where}: expected {len(args)} items")
        return tuple(_from_plain(a, item, f"{where}[]") for a, item in zip(args, value))
    if origin is frozenset:
        if not isinstance(value, list):
            raise SnapshotFormatError(f"{where}: expected a list")
        return frozenset(_from_plain(args[0], item, f"{where}[]") for item in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise SnapshotFormatError(f"{where}: expected an object for {hint.__name__}")
        hints = _type_hints(hint)
        kwargs = {}
        for f in dataclasses.fields(hint):
            if f.name in value:
                kwargs[f.name] = _from_plain(hints[f.name], value[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise SnapshotFormatError(f"{where}: missing key '{f.name}'")
        return hint(**kwargs)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError as exc:
            raise SnapshotFormatError(f"{where}: {exc}") from None
    if hint is Any:
        return value
    if hint in (str, int, bool, float):
        if hint is int and isinstance(value, bool) or not isinstance(value, hint):
            raise SnapshotFormatError(f"{where}: expected {hint.__name__}")
        return value
    if hint is type(None):
        if value is not None:
            raise SnapshotFormatError(f"{where}: expected null")
        return None
    raise SnapshotFormatError(f"{where}: unsupported type {hint!r}")


def snapshot_from_json(text: str) -> OrgSnapshot:
    """Load a snapshot saved by :func:`snapshot_to_json`; raises SnapshotFormatError."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotFormatError(f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(document, dict):
        raise SnapshotFormatError("expected a JSON object")
    version = document.pop("snapshot_schema_version", None)
    if version != SNAPSHOT_SCHEMA_VERSION:
        raise SnapshotFormatError(f"unsupported snapshot_schema_version {version!r}")
    result: OrgSnapshot = _from_plain(OrgSnapshot, document, "snapshot")
    return result
