"""A frozen picture of everything the audit read from the org.

The collector fills it in; checks only read it. Any part the collector could not read is an
:class:`Unavailable` carrying the reason, never an empty value that would look like "no
permissions" (an empty tuple means "read, and there was nothing").

Snapshots round-trip through JSON (:func:`snapshot_to_json` / :func:`snapshot_from_json`), so
an audit can be re-evaluated offline with ``auditor audit --snapshot FILE``.

This module is the one place to import the snapshot's names from; they are defined in
:mod:`auditor.snapshot_model`, one module per job: ``failures`` (Unavailable, FailureKind, Part),
``permission_data`` (permission sources and grant rows), ``describes``, ``org_parts`` (org, user,
limits, triggers, package, Trust, service events), ``sync_risks`` (issue 15), ``org_snapshot``
(OrgSnapshot) and ``json_io`` (the JSON (de)serialisation).
"""

from __future__ import annotations

from auditor.snapshot_model.describes import FieldDescribe, ObjectDescribe
from auditor.snapshot_model.failures import FailureKind, Part, T, Unavailable
from auditor.snapshot_model.json_io import (
    SNAPSHOT_SCHEMA_VERSION,
    SnapshotFormatError,
    snapshot_from_json,
    snapshot_to_json,
)
from auditor.snapshot_model.org_parts import (
    ApiRefusal,
    ApiUsage,
    HubSpotPackage,
    Limits,
    LimitValue,
    OrgInfo,
    ServiceEvent,
    Trigger,
    TrustIncident,
    TrustIncidentImpact,
    TrustMaintenance,
    TrustStatus,
    UserInfo,
)
from auditor.snapshot_model.org_snapshot import OrgSnapshot
from auditor.snapshot_model.permission_data import (
    FieldPermissionRow,
    GroupComponent,
    MutingRow,
    ObjectPermissionRow,
    PermissionSource,
    SourceKind,
)
from auditor.snapshot_model.sync_risks import (
    DuplicateRuleInfo,
    PermissionSetLicenseGrant,
    RecordFlow,
    ValidationRuleInfo,
)

__all__ = [
    "SNAPSHOT_SCHEMA_VERSION", "ApiRefusal", "ApiUsage", "DuplicateRuleInfo", "FailureKind", "FieldDescribe",
    "FieldPermissionRow", "GroupComponent", "HubSpotPackage", "LimitValue", "Limits", "MutingRow",
    "ObjectDescribe", "ObjectPermissionRow", "OrgInfo", "OrgSnapshot", "Part", "PermissionSetLicenseGrant",
    "PermissionSource", "RecordFlow", "ServiceEvent", "SnapshotFormatError", "SourceKind", "T", "Trigger",
    "TrustIncident", "TrustIncidentImpact", "TrustMaintenance", "TrustStatus", "Unavailable", "UserInfo",
    "ValidationRuleInfo", "snapshot_from_json", "snapshot_to_json",
]
