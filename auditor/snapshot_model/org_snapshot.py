"""The frozen :class:`OrgSnapshot` itself: every part the collector read, each a value or an ``Unavailable``.

Every type its fields name is imported here at module level: the JSON loader resolves these annotations with
``typing.get_type_hints``, in this module's namespace."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.snapshot_model.describes import ObjectDescribe
from auditor.snapshot_model.failures import Part
from auditor.snapshot_model.org_parts import (
    ApiRefusal,
    ApiUsage,
    HubSpotPackage,
    Limits,
    OrgInfo,
    ServiceEvent,
    Trigger,
    TrustStatus,
    UserInfo,
)
from auditor.snapshot_model.permission_data import (
    FieldPermissionRow,
    GroupComponent,
    MutingRow,
    ObjectPermissionRow,
    PermissionSource,
)
from auditor.snapshot_model.sync_risks import (
    DuplicateRuleInfo,
    PermissionSetLicenseGrant,
    RecordFlow,
    ValidationRuleInfo,
)


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
