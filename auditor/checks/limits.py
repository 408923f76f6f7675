"""SF_API_LIMIT_EXCEEDED, SF_STORAGE_LIMIT and HUBSPOT_API_LIMIT: the org's limits against what the
HubSpot sync will use.

Thresholds are product decisions, all in AuditConfig: warn below ``headroom_percent`` of a limit;
the initial sync costs ``expected_records * calls_per_record`` API calls and
``expected_records * record_size_kb`` of data storage.
"""

from __future__ import annotations

from auditor.checks.base import Check, describe_event, not_evaluated, percent
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import FailureKind, LimitValue, OrgSnapshot, Unavailable
from auditor.suspensions import Suspension

_LIMITS_HINT = (
    "/limits needs View Setup and Configuration: audit with a user who has it (Setup > Users > Permission Sets "
    "> <set> > System Permissions), then re-run the audit."
)
_SET_ALLOCATION = (
    "In HubSpot's Salesforce integration settings (Sync Health tab), set 'Allocated to HubSpot'; during the "
    "initial sync or a migration ask Salesforce Support for a temporary API limit increase."
)


def _initial_load(config: AuditConfig) -> int | None:
    """API calls the initial sync needs (HubSpot's rule of thumb: up to 4 per record), if known."""
    return config.expected_records * config.calls_per_record if config.expected_records else None


def _load_basis(config: AuditConfig) -> str:
    return f"{config.expected_records:,} records x {config.calls_per_record} calls"


def _left(value: LimitValue, unit: str = "") -> str:
    return f"{value.remaining:,}{unit} of {value.max:,}{unit} remaining ({percent(value.remaining, value.max):.1f}%)"


def _read_limit(check: Check, snapshot: OrgSnapshot, key: str, when_absent: str, hint: str) -> LimitValue | Finding:
    """One /limits entry (``DailyApiRequests``, ``DataStorageMB`` or ``FileStorageMB``), or the error
    finding saying why it is not known."""
    limits = snapshot.limits
    if isinstance(limits, Unavailable):
        return check.unavailable("/limits", limits, _LIMITS_HINT)
    value = {
        "DailyApiRequests": limits.daily_api_requests,
        "DataStorageMB": limits.data_storage_mb,
        "FileStorageMB": limits.file_storage_mb,
    }[key]
    if value is None:
        return check.finding(Status.ERROR, f"Salesforce left {key} out of /limits; {when_absent}", hint)
    return value


# --------------------------------------------------------------------------- daily-api-headroom


def _run_daily_api_headroom(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    # One cause, one finding: every refused request of the audit is the same exhausted allocation.
    refused = [event for event in snapshot.service_events if event.kind is FailureKind.API_LIMIT]
    findings = []
    if refused:
        more = f" ({len(refused) - 1} more request{'s' if len(refused) > 2 else ''} refused the same way)" if len(refused) > 1 else ""
        findings.append(DAILY_API_HEADROOM.finding(
            Status.FAIL,
            f"During the audit {describe_event(refused[0])}{more}: the org is over its API limits.",
            _SET_ALLOCATION,
        ))
    if isinstance(snapshot.limits, Unavailable):
        # Refused for the same reason: already said. Otherwise the one "not evaluated" of every limits check.
        return findings or [not_evaluated(DAILY_API_HEADROOM, snapshot, snapshot.limits)]
    daily = _read_limit(DAILY_API_HEADROOM, snapshot, "DailyApiRequests", "the API headroom is unknown.", _LIMITS_HINT)
    if isinstance(daily, Finding):
        return findings + [daily]
    load = _initial_load(config)
    if daily.remaining <= 0:
        message = f"The org's daily API allocation is used up: {_left(daily)}; every integration is blocked."
        findings.append(DAILY_API_HEADROOM.finding(Status.FAIL, message, _SET_ALLOCATION))
    elif load is not None and load > daily.remaining:
        message = (
            f"Initial sync needs ~{load:,} calls ({_load_basis(config)}), only {daily.remaining:,} remain of the "
            f"org's {daily.max:,} per 24 hours."
        )
        findings.append(DAILY_API_HEADROOM.finding(Status.FAIL, message, _SET_ALLOCATION))
    elif percent(daily.remaining, daily.max) < config.headroom_percent:
        message = f"Daily API requests: {_left(daily)}, below the {config.headroom_percent:g}% headroom."
        findings.append(DAILY_API_HEADROOM.finding(Status.WARN, message, _SET_ALLOCATION))
    else:
        need = f"; initial sync needs ~{load:,} ({_load_basis(config)})" if load is not None else ""
        findings.append(DAILY_API_HEADROOM.finding(Status.PASS, f"Daily API requests: {_left(daily)}{need}."))
    return findings


DAILY_API_HEADROOM = Check(
    id="daily-api-headroom",
    suspension=Suspension.SF_API_LIMIT_EXCEEDED,
    title="The org's daily API allocation has headroom for the sync",
    remediation=_SET_ALLOCATION,
    run=_run_daily_api_headroom,
)


# --------------------------------------------------------------------------- storage

_FREE_STORAGE = (
    "Setup > Company Settings > Storage Usage shows what uses it: free storage (e.g. bulk-delete unneeded "
    "records) or buy more before HubSpot creates records."
)


def _storage(check: Check, snapshot: OrgSnapshot, config: AuditConfig, key: str) -> list[Finding]:
    """Storage headroom for /limits key ``DataStorageMB`` or ``FileStorageMB``; the initial sync's
    projected records count against data storage only."""
    storage = _read_limit(
        check,
        snapshot,
        key,
        "older orgs return it only when the user also has Manage Users.",
        "Audit with a user who also has Manage Users, then re-run.",
    )
    if isinstance(storage, Finding):
        return [storage]
    kind = "data" if key == "DataStorageMB" else "file"
    if storage.remaining <= 0:
        message = f"The org's {kind} storage is full: {_left(storage, ' MB')}; Salesforce refuses new records."
        return [check.finding(Status.FAIL, message, _FREE_STORAGE)]
    if key == "DataStorageMB" and config.expected_records:
        projected = config.expected_records * config.record_size_kb / 1024
        if projected > storage.remaining:
            message = (
                f"Initial sync would create ~{projected:,.1f} MB of records ({config.expected_records:,} x "
                f"{config.record_size_kb} KB), only {storage.remaining:,} MB of {kind} storage remain."
            )
            return [check.finding(Status.FAIL, message, _FREE_STORAGE)]
    if percent(storage.remaining, storage.max) < config.headroom_percent:
        below = f"below the {config.headroom_percent:g}% headroom"
        message = f"{kind.capitalize()} storage: {_left(storage, ' MB')}, {below}."
        return [check.finding(Status.WARN, message, _FREE_STORAGE)]
    return [check.finding(Status.PASS, f"{kind.capitalize()} storage: {_left(storage, ' MB')}.")]


def _run_data_storage(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    return _storage(DATA_STORAGE, snapshot, config, "DataStorageMB")


def _run_file_storage(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    return _storage(FILE_STORAGE, snapshot, config, "FileStorageMB")


DATA_STORAGE = Check(
    id="data-storage",
    suspension=Suspension.SF_STORAGE_LIMIT,
    title="Data storage has room for the records the sync creates",
    remediation=_FREE_STORAGE,
    run=_run_data_storage,
    requires=("limits",),
)

FILE_STORAGE = Check(
    id="file-storage",
    suspension=Suspension.SF_STORAGE_LIMIT,
    title="File storage is not full",
    remediation=_FREE_STORAGE,
    run=_run_file_storage,
    requires=("limits",),
)


# --------------------------------------------------------------------------- hubspot-allocation


def _run_hubspot_allocation(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    allocation = config.hubspot_allocation
    if allocation is None:
        return [
            HUBSPOT_ALLOCATION.finding(
                Status.WARN,
                "No allocation given (--hubspot-allocation): HubSpot may use the org's whole allocation; "
                "set one in HubSpot.",
            )
        ]
    findings: list[Finding] = []
    load = _initial_load(config)
    if load is not None and load > allocation:
        message = (
            f"Initial sync needs ~{load:,} calls ({_load_basis(config)}) but HubSpot is allocated {allocation:,} "
            "per 24 hours: HubSpot will exhaust its own allocation and pause syncing."
        )
        fix = f"Raise 'Allocated to HubSpot' to at least {load:,} for the initial sync, or sync fewer records at once."
        findings.append(HUBSPOT_ALLOCATION.finding(Status.FAIL, message, fix))
    when_absent = "the allocation cannot be compared with the org's."
    daily = _read_limit(HUBSPOT_ALLOCATION, snapshot, "DailyApiRequests", when_absent, _LIMITS_HINT)
    if isinstance(daily, Finding):
        return findings + [daily]
    if allocation > daily.max:
        message = f"HubSpot's allocation of {allocation:,} calls cannot be honoured: the org's max is {daily.max:,}."
        fix = f"Set 'Allocated to HubSpot' below {daily.max:,}, leaving room for the org's other integrations."
        findings.append(HUBSPOT_ALLOCATION.finding(Status.WARN, message, fix))
    elif allocation > daily.remaining:
        message = (
            f"HubSpot's allocation of {allocation:,} calls exceeds the {daily.remaining:,} the org has left: the "
            "org's limit would stop HubSpot first."
        )
        findings.append(HUBSPOT_ALLOCATION.finding(Status.WARN, message, _SET_ALLOCATION))
    if not findings:
        need = f"; initial sync needs ~{load:,}" if load is not None else ""
        message = (
            f"HubSpot's allocation of {allocation:,} calls fits the org (max {daily.max:,}, "
            f"{daily.remaining:,} remaining){need}."
        )
        findings.append(HUBSPOT_ALLOCATION.finding(Status.PASS, message))
    return findings


HUBSPOT_ALLOCATION = Check(
    id="hubspot-allocation",
    suspension=Suspension.HUBSPOT_API_LIMIT,
    title="HubSpot's API allocation fits the sync and the org",
    remediation="Review 'Allocated to HubSpot' in HubSpot's Salesforce integration settings (Sync Health tab).",
    run=_run_hubspot_allocation,
)
