"""A small factory of hand-built snapshots for check tests (and anyone else who needs one).

``make_snapshot()`` returns a *healthy* org: with ``make_config()`` (HubSpot's standard mappings,
an allocation and an expected initial load) every check passes. Tests then break exactly one
thing with ``make_snapshot(field=...)`` overrides or the ``with_*`` / ``without_*`` helpers,
which all return a new snapshot (snapshots are frozen).

The healthy org:

* Enterprise Edition production org ``ACME Corp``; integration user ``hubspot@acme.example`` (active,
  internal "Standard" user, profile "Integration User").
* Profile "Integration User" (its own permission set ``PROFILE_SET_ID``): system permissions
  API Enabled, Edit Tasks, Edit Events, View Setup and Configuration; no object rows.
* Permission set "HubSpot Sync" (``HUBSPOT_SYNC_SET_ID``): Read, Create, Edit, Delete, View All and
  Modify All on Lead, Contact, Account, Opportunity and Campaign, and field Read+Edit on every
  *permissionable* field of the standard mappings (required fields such as Contact.LastName and
  OwnerId are not permissionable, exactly as in Salesforce).
* Describes of Lead, Contact, Account, Opportunity, Campaign, Task and User with realistic types:
  Contact.AccountId -> Account, Contact/Account/Opportunity.OwnerId -> User, Lead.OwnerId ->
  Group and User (polymorphic), Opportunity.CampaignId -> Campaign, Task.WhoId/WhatId
  polymorphic, Opportunity.ExpectedRevenue a calculated field.
* /limits with plenty of headroom, no triggers, legacy HubSpot package not installed, no
  service events.

Tests import it as ``from tests.factory import ...`` (``tests`` is a package).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from typing import Any, TypeVar

from auditor.checks import CHECKS_BY_ID
from auditor.checks import run_check as engine_run_check
from auditor.config import AuditConfig
from auditor.mappings import standard_mappings
from auditor.model import Finding, Status
from auditor.permissions import fls_carrier
from auditor.snapshot import (
    FailureKind,
    FieldDescribe,
    FieldPermissionRow,
    HubSpotPackage,
    Limits,
    LimitValue,
    ObjectDescribe,
    ObjectPermissionRow,
    OrgInfo,
    OrgSnapshot,
    Part,
    PermissionSource,
    SourceKind,
    Unavailable,
    UserInfo,
)

T = TypeVar("T")

# --------------------------------------------------------------------------- ids and constants

ORG_ID = "00D5g00000A1bCdEAF"
USER_ID = "0055g00000B2cDeAAF"
PROFILE_ID = "00e5g00000C3dEfAAF"
PROFILE_SET_ID = "0PS5g00000D4eFgGAF"  # the profile's own permission set (IsOwnedByProfile)
HUBSPOT_SYNC_SET_ID = "0PS5g00000E5fGhHAF"
USERNAME = "hubspot@acme.example"
COLLECTED_AT = "2026-03-02T09:30:00Z"

SYNCED_SOBJECTS = ("Lead", "Contact", "Account", "Opportunity", "Campaign")
ALL_OBJECT_PERMISSIONS = ("read", "create", "edit", "delete", "view_all", "modify_all")


def fake_id(prefix: str, seed: str) -> str:
    """A deterministic 18-character Salesforce-style id with the given key prefix ("0PS", "0PG")."""
    digest = hashlib.sha1(seed.encode()).hexdigest().upper()
    return (prefix + "5g00000" + digest)[:18]


def unavailable(
    reason: str = "INSUFFICIENT_ACCESS: insufficient access rights on object id",
    kind: FailureKind = FailureKind.NO_ACCESS,
    error_code: str | None = "INSUFFICIENT_ACCESS",
    http_status: int | None = 403,
) -> Unavailable:
    """An Unavailable part; by default the auditing user was refused access."""
    return Unavailable(kind=kind, reason=reason, error_code=error_code, http_status=http_status)


# --------------------------------------------------------------------------- permission sources


def profile_source(
    *system_permissions: str, label: str = "Integration User", source_id: str = PROFILE_SET_ID
) -> PermissionSource:
    """The profile's own permission set."""
    return PermissionSource(
        id=source_id,
        kind=SourceKind.PROFILE,
        name=label,
        label=label,
        namespace_prefix=None,
        system_permissions=frozenset(system_permissions),
    )


def permission_set(
    label: str,
    *system_permissions: str,
    source_id: str | None = None,
    namespace_prefix: str | None = None,
    expiration_date: str | None = None,
    activation_required: bool = False,
    assignment_active: bool | None = None,
) -> PermissionSource:
    """An assigned permission set; the id is derived from the label unless given."""
    return PermissionSource(
        id=source_id or fake_id("0PS", label),
        kind=SourceKind.PERMISSION_SET,
        name=label.replace(" ", "_"),
        label=label,
        namespace_prefix=namespace_prefix,
        system_permissions=frozenset(system_permissions),
        expiration_date=expiration_date,
        activation_required=activation_required,
        assignment_active=assignment_active,
    )


def permission_set_group(
    label: str, *system_permissions: str, source_id: str | None = None, status: str = "Updated"
) -> PermissionSource:
    """The aggregate permission set of an assigned permission set group."""
    return PermissionSource(
        id=source_id or fake_id("0PS", "group " + label),
        kind=SourceKind.GROUP,
        name=label.replace(" ", "_"),
        label=label,
        namespace_prefix=None,
        system_permissions=frozenset(system_permissions),
        group_id=fake_id("0PG", label),
        group_status=status,
    )


def object_row(source_id: str, sobject: str, *permissions: str) -> ObjectPermissionRow:
    """An ObjectPermissions row granting ``permissions`` (names from ALL_OBJECT_PERMISSIONS)."""
    unknown = set(permissions) - set(ALL_OBJECT_PERMISSIONS)
    if unknown:
        raise ValueError(f"unknown object permissions {sorted(unknown)}")
    flags = {name: name in permissions for name in ALL_OBJECT_PERMISSIONS}
    return ObjectPermissionRow(source_id=source_id, sobject=sobject, **flags)


def field_row(source_id: str, qualified: str, *, edit: bool = True) -> FieldPermissionRow:
    """A FieldPermissions row: Read, plus Edit unless ``edit=False`` (Edit implies Read)."""
    sobject = qualified.split(".", 1)[0]
    return FieldPermissionRow(source_id=source_id, sobject=sobject, field=qualified, read=True, edit=edit)


# --------------------------------------------------------------------------- describes


def text_field(name: str, type_: str = "string", **changes: Any) -> FieldDescribe:
    """An ordinary, permissionable, nillable field."""
    return dataclasses.replace(FieldDescribe(name=name, label=name, type=type_), **changes)


def required_field(name: str, type_: str = "string", **changes: Any) -> FieldDescribe:
    """A required field: Salesforce keeps required fields out of FLS (permissionable false)."""
    return text_field(name, type_, nillable=False, permissionable=False, **changes)


def system_field(name: str, type_: str = "datetime") -> FieldDescribe:
    """A system or audit field (Id, CreatedDate): not permissionable, not writable."""
    return text_field(name, type_, nillable=False, permissionable=False, createable=False, updateable=False)


def lookup_field(
    name: str, *targets: str, required: bool = False, polymorphic: bool | None = None
) -> FieldDescribe:
    """A reference (lookup) field; polymorphic defaults to "more than one target"."""
    relationship = name[:-2] if name.endswith("Id") else name.replace("__c", "__r")
    make = required_field if required else text_field
    return make(
        name,
        "reference",
        reference_to=tuple(targets),
        relationship_name=relationship,
        polymorphic=len(targets) > 1 if polymorphic is None else polymorphic,
        defaulted_on_create=required,
    )


def object_describe(name: str, *fields: FieldDescribe, custom: bool | None = None) -> ObjectDescribe:
    return ObjectDescribe(
        name=name,
        label=name,
        custom=name.endswith("__c") if custom is None else custom,
        queryable=True,
        createable=True,
        updateable=True,
        fields=(system_field("Id", "id"), *fields, system_field("CreatedDate"), system_field("LastModifiedDate")),
    )


def name_parts() -> tuple[FieldDescribe, ...]:
    """Lead/Contact name parts as real describes answer them: not permissionable, compound "Name"."""
    return (
        text_field("FirstName", permissionable=False, compound_field_name="Name"),
        required_field("LastName", compound_field_name="Name"),
        text_field("Salutation", "picklist", permissionable=False, compound_field_name="Name"),
        required_field("Name", createable=False, updateable=False),
    )


def address(prefix: str) -> tuple[FieldDescribe, ...]:
    """An address's components (permissionable, compoundFieldName set) and its compound field (type address,
    not createable or updateable), as real describes answer them; FLS rows belong on the compound."""
    compound = f"{prefix}Address"
    parts = tuple(
        text_field(f"{prefix}{part}", type_, compound_field_name=compound)
        for part, type_ in (("Street", "textarea"), ("City", "string"), ("State", "string"),
                            ("PostalCode", "string"), ("Country", "string"))
    )
    return parts + (text_field(compound, "address", createable=False, updateable=False),)


def _standard_describes() -> tuple[tuple[str, Part[ObjectDescribe]], ...]:
    owner_user = lookup_field("OwnerId", "User", required=True)
    describes = (
        object_describe(
            "Lead",
            *name_parts(),
            text_field("Email", "email"),
            text_field("Title"),
            required_field("Company"),
            lookup_field("OwnerId", "Group", "User", required=True),
            text_field("Phone", "phone"),
            text_field("Fax", "phone"),
            *address(""),
            text_field("Website", "url"),
            text_field("Industry", "picklist"),
            text_field("AnnualRevenue", "currency"),
            text_field("NumberOfEmployees", "int"),
            text_field("LeadSource", "picklist"),
            required_field("Status", "picklist", defaulted_on_create=True),
            text_field("Rating", "picklist"),
            text_field("Description", "textarea"),
            text_field("HasOptedOutOfEmail", "boolean", nillable=False, defaulted_on_create=True),
        ),
        object_describe(
            "Contact",
            lookup_field("AccountId", "Account"),
            *name_parts(),
            text_field("Email", "email"),
            text_field("Title"),
            owner_user,
            text_field("Phone", "phone"),
            text_field("Fax", "phone"),
            *address("Mailing"),
            text_field("LeadSource", "picklist"),
            text_field("Description", "textarea"),
            text_field("HasOptedOutOfEmail", "boolean", nillable=False, defaulted_on_create=True),
        ),
        object_describe(
            "Account",
            required_field("Name"),
            text_field("Website", "url"),
            text_field("Phone", "phone"),
            text_field("Industry", "picklist"),
            owner_user,
            *address("Billing"),
            lookup_field("ParentId", "Account"),
        ),
        object_describe(
            "Opportunity",
            required_field("Name"),
            required_field("StageName", "picklist"),
            required_field("CloseDate", "date"),
            text_field("Amount", "currency"),
            owner_user,
            lookup_field("AccountId", "Account"),
            lookup_field("CampaignId", "Campaign"),
            text_field("ExpectedRevenue", "currency", calculated=True, createable=False, updateable=False),
        ),
        object_describe(
            "Campaign",
            required_field("Name"),
            text_field("Status", "picklist"),
            text_field("IsActive", "boolean", nillable=False, defaulted_on_create=True),
            owner_user,
            lookup_field("ParentId", "Campaign"),
        ),
        object_describe(
            "Task",
            text_field("Subject", "combobox"),
            text_field("Type", "picklist"),
            required_field("Status", "picklist", defaulted_on_create=True),
            lookup_field("WhoId", "Contact", "Lead"),
            lookup_field("WhatId", "Account", "Opportunity", "Campaign", "Case", "Contract", "Asset"),
            lookup_field("OwnerId", "Group", "User", required=True),
            text_field("ActivityDate", "date"),
        ),
        object_describe(
            "User",
            required_field("Username"),
            required_field("Email", "email"),
            text_field("IsActive", "boolean", nillable=False),
            lookup_field("ProfileId", "Profile", required=True),
        ),
    )
    return tuple((d.name, d) for d in describes)


def _standard_field_rows(describes: tuple[tuple[str, Part[ObjectDescribe]], ...]) -> tuple[FieldPermissionRow, ...]:
    by_name = {name: d for name, d in describes if isinstance(d, ObjectDescribe)}
    rows = []
    for mapping in standard_mappings():
        describe = by_name[mapping.sobject]
        described = describe.field(mapping.field)
        assert described is not None, f"factory describe lacks {mapping.qualified}"
        if described.permissionable:
            # An address component's row is its compound's, as in a real org (reference §2.7).
            carrier = fls_carrier(describe, described)
            rows.append(field_row(HUBSPOT_SYNC_SET_ID, f"{mapping.sobject}.{carrier.name}"))
    return tuple(dict.fromkeys(rows))


# --------------------------------------------------------------------------- snapshot and config


def make_snapshot(**overrides: Any) -> OrgSnapshot:
    """A healthy snapshot; keyword arguments replace OrgSnapshot fields."""
    describes = _standard_describes()
    base = OrgSnapshot(
        api_version="62.0",
        instance_url="https://acme.my.salesforce.com",
        org=OrgInfo(
            id=ORG_ID,
            name="ACME Corp",
            edition="Enterprise Edition",
            instance_name="NA224",
            is_sandbox=False,
            trial_expiration_date=None,
        ),
        user=UserInfo(
            id=USER_ID,
            username=USERNAME,
            name="HubSpot Integration",
            is_active=True,
            user_type="Standard",
            profile_id=PROFILE_ID,
            profile_name="Integration User",
            user_license="Salesforce",
            marketing_user=True,
        ),
        audited_connected_user=True,
        sources=(
            profile_source("ApiEnabled", "EditTask", "EditEvent", "ViewSetup"),
            permission_set("HubSpot Sync", source_id=HUBSPOT_SYNC_SET_ID),
        ),
        object_permissions=tuple(
            object_row(HUBSPOT_SYNC_SET_ID, sobject, *ALL_OBJECT_PERMISSIONS) for sobject in SYNCED_SOBJECTS
        ),
        field_permissions=_standard_field_rows(describes),
        describes=describes,
        limits=Limits(
            daily_api_requests=LimitValue(max=150_000, remaining=142_000),
            data_storage_mb=LimitValue(max=11_264, remaining=9_800),
            file_storage_mb=LimitValue(max=112_640, remaining=100_000),
        ),
        triggers=(),
        hubspot_package=HubSpotPackage(installed=False),
        collected_at=COLLECTED_AT,
        # Issue 15's sync round: read, nothing found (the PSL part is read only for the Integration licence).
        validation_rules=(),
        duplicate_rules=(("Lead", ()), ("Contact", ()), ("Account", ())),
        record_flows=(),
    )
    return dataclasses.replace(base, **overrides)


def make_config(**overrides: Any) -> AuditConfig:
    """HubSpot's standard mappings and default scope, a 20,000-call allocation and 1,000 records."""
    base = AuditConfig(mappings=standard_mappings(), hubspot_allocation=20_000, expected_records=1_000)
    return dataclasses.replace(base, **overrides)


def _available(part: Part[tuple[T, ...]], what: str) -> tuple[T, ...]:
    assert not isinstance(part, Unavailable), f"{what} is Unavailable in this snapshot"
    return part


def with_sources(snapshot: OrgSnapshot, *sources: PermissionSource) -> OrgSnapshot:
    """Add permission sources (their rows are added separately)."""
    return dataclasses.replace(snapshot, sources=_available(snapshot.sources, "sources") + sources)


def without_source(snapshot: OrgSnapshot, source_id: str) -> OrgSnapshot:
    """Remove a source and every object and field row that hangs off it."""
    return dataclasses.replace(
        snapshot,
        sources=tuple(s for s in _available(snapshot.sources, "sources") if s.id != source_id),
        object_permissions=tuple(
            r for r in _available(snapshot.object_permissions, "object_permissions") if r.source_id != source_id
        ),
        field_permissions=tuple(
            r for r in _available(snapshot.field_permissions, "field_permissions") if r.source_id != source_id
        ),
    )


def with_object_rows(snapshot: OrgSnapshot, *rows: ObjectPermissionRow) -> OrgSnapshot:
    return dataclasses.replace(
        snapshot, object_permissions=_available(snapshot.object_permissions, "object_permissions") + rows
    )


def without_object_rows(snapshot: OrgSnapshot, sobject: str, source_id: str | None = None) -> OrgSnapshot:
    """Remove the ObjectPermissions rows of ``sobject`` (of one source, or of every source)."""
    kept = tuple(
        r
        for r in _available(snapshot.object_permissions, "object_permissions")
        if not (r.sobject == sobject and source_id in (None, r.source_id))
    )
    return dataclasses.replace(snapshot, object_permissions=kept)


def with_field_rows(snapshot: OrgSnapshot, *rows: FieldPermissionRow) -> OrgSnapshot:
    return dataclasses.replace(
        snapshot, field_permissions=_available(snapshot.field_permissions, "field_permissions") + rows
    )


def without_field_rows(snapshot: OrgSnapshot, *qualified: str, source_id: str | None = None) -> OrgSnapshot:
    """Remove the FieldPermissions rows of the given fields ("Contact.Email")."""
    kept = tuple(
        r
        for r in _available(snapshot.field_permissions, "field_permissions")
        if not (r.field in qualified and source_id in (None, r.source_id))
    )
    return dataclasses.replace(snapshot, field_permissions=kept)


def with_describe(snapshot: OrgSnapshot, name: str, describe: Part[ObjectDescribe]) -> OrgSnapshot:
    """Add or replace the describe of ``name`` (an ObjectDescribe or an Unavailable)."""
    others = tuple((n, d) for n, d in snapshot.describes if n != name)
    return dataclasses.replace(snapshot, describes=others + ((name, describe),))


def without_describe(snapshot: OrgSnapshot, name: str) -> OrgSnapshot:
    """Drop a describe, as if the collector never asked for it."""
    return dataclasses.replace(snapshot, describes=tuple((n, d) for n, d in snapshot.describes if n != name))


def _describe_of(snapshot: OrgSnapshot, sobject: str) -> ObjectDescribe:
    described = snapshot.describe(sobject)
    assert isinstance(described, ObjectDescribe), f"no describe of {sobject} in this snapshot"
    return described


def with_field_describe(snapshot: OrgSnapshot, sobject: str, field: FieldDescribe) -> OrgSnapshot:
    """Add a field to a describe, or replace the field of the same name."""
    described = _describe_of(snapshot, sobject)
    fields = tuple(f for f in described.fields if f.name != field.name) + (field,)
    return with_describe(snapshot, described.name, dataclasses.replace(described, fields=fields))


def change_field_describe(snapshot: OrgSnapshot, qualified: str, **changes: Any) -> OrgSnapshot:
    """Change attributes of one described field: ``change_field_describe(s, "Contact.Email", calculated=True)``."""
    sobject, name = qualified.split(".", 1)
    current = _describe_of(snapshot, sobject).field(name)
    assert current is not None, f"{qualified} is not in the describe"
    return with_field_describe(snapshot, sobject, dataclasses.replace(current, **changes))


def without_field_describe(snapshot: OrgSnapshot, qualified: str) -> OrgSnapshot:
    """Drop a field from a describe (as Salesforce does for a field FLS hides)."""
    sobject, name = qualified.split(".", 1)
    described = _describe_of(snapshot, sobject)
    fields = tuple(f for f in described.fields if f.name != name)
    return with_describe(snapshot, described.name, dataclasses.replace(described, fields=fields))


# --------------------------------------------------------------------------- running checks


def run_check(check_id: str, snapshot: OrgSnapshot | None = None, config: AuditConfig | None = None) -> list[Finding]:
    """Run one registered check as the engine does (its ``requires`` and crash guard included; defaults: the
    healthy snapshot and config)."""
    return engine_run_check(CHECKS_BY_ID[check_id], snapshot or make_snapshot(), config or make_config())


def with_status(findings: Iterable[Finding], status: Status) -> list[Finding]:
    return [f for f in findings if f.status is status]


def one(findings: Iterable[Finding], status: Status, *, object: str | None = None, field: str | None = None) -> Finding:
    """The single finding with ``status`` (and object/field when given); fails the test otherwise."""
    findings = list(findings)
    matching = [f for f in findings if f.status is status and object in (None, f.object) and field in (None, f.field)]
    assert len(matching) == 1, f"expected one {status.value} finding ({object=}, {field=}), got {findings!r}"
    return matching[0]
