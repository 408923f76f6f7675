"""The other parts read from the org and about the run: the org and user records, /limits, Apex triggers, the
HubSpot package, Salesforce's error answers and API refusal, the Trust status, and the API usage counters."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.snapshot_model.failures import FailureKind


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
