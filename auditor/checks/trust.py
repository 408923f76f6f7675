"""SF_ORG_UNAVAILABLE from Salesforce Trust: an incident or a maintenance on the org's instance (opt-in).

The rule (reference §5, design suggestion): ``MAJOR_INCIDENT_CORE``, or a maintenance running now with
availability ``unavailable`` or ``readOnly``, fails; ``MINOR_INCIDENT_CORE``, ``MAINTENANCE_CORE``, or such a
maintenance starting within the next 24 hours warns, naming the window. "Now" is the snapshot's
``collected_at``, never the wall clock, so re-evaluating a saved snapshot gives the same verdict.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from auditor.checks.base import Check
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import (
    OrgInfo,
    OrgSnapshot,
    TrustIncident,
    TrustMaintenance,
    TrustStatus,
    Unavailable,
)
from auditor.suspensions import Suspension
from auditor.timestamps import parse_timestamp

FORECAST = timedelta(hours=24)
# Trust's availability values that stop HubSpot's writes (reference §5), compared case-insensitively.
_DISRUPTIVE = {"unavailable": "unavailable", "readonly": "read-only"}
# Values of message.eventStatus meaning the maintenance will not happen [U: the values are undocumented].
_CANCELLED = frozenset({"canceled", "cancelled"})
_KNOWN_STATUSES = frozenset({
    "OK", "INFORMATIONAL_NONCORE", "MAINTENANCE_NONCORE", "MINOR_INCIDENT_NONCORE", "MAJOR_INCIDENT_NONCORE",
    "INFORMATIONAL_CORE", "MAINTENANCE_CORE", "MINOR_INCIDENT_CORE", "MAJOR_INCIDENT_CORE",
})
_DEPRECATION = (
    "The public Trust API the auditor reads is being replaced by My Trust Center (which needs a personal "
    "access token); an unanswered Trust request says nothing about the org itself."
)


def _instance(snapshot: OrgSnapshot, trust: TrustStatus | None = None) -> str:
    if trust is not None:
        return trust.instance
    org = snapshot.org
    return org.instance_name if isinstance(org, OrgInfo) and org.instance_name else "the org's instance"


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _parse(value: str | None) -> datetime | None:
    return parse_timestamp(value) if value is not None else None


def _window(maintenance: TrustMaintenance) -> str:
    start, end = _parse(maintenance.planned_start), _parse(maintenance.planned_end)
    return f"{_when(start) if start else 'an unknown start'} to {_when(end) if end else 'an unknown end'}"


def _describe(maintenance: TrustMaintenance) -> str:
    """"maintenance 'NA45 Winter '27 Major Release' (release, read-only)"."""
    name = f"'{maintenance.name}'" if maintenance.name else maintenance.id
    kinds = [k for k in (maintenance.maintenance_type, _DISRUPTIVE[(maintenance.availability or "").lower()]) if k]
    return f"maintenance {name} ({', '.join(kinds)})"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _incidents(incidents: tuple[TrustIncident, ...]) -> str:
    """"; ongoing: incident 12345 (major performanceDegradation since 2026-11-30 01:10 UTC)", or ""."""
    texts = []
    for incident in incidents:
        for impact in incident.impacts:
            if impact.ongoing:
                start = _parse(impact.start_time)
                what = " ".join(part for part in (impact.severity, impact.type) if part) or "impact"
                texts.append(f"incident {incident.id} ({what}{f' since {_when(start)}' if start else ''})")
    return f"; ongoing: {', '.join(texts)}" if texts else ""


def _run_trust_status(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    """Emits nothing when Trust was not asked (no ``--trust-status``: ``snapshot.trust`` is None). That is
    not a silent pass: without the flag there is no finding of this check at all, pass or otherwise,
    because the audit read nothing it could judge. Opting in always yields at least one finding.
    """
    trust = snapshot.trust
    if trust is None:
        return []
    if isinstance(trust, Unavailable):
        # Deliberately warn, not error. "error" means the audit could not complete (exit 3); this input is
        # an opt-in, best-effort reading of a public endpoint Salesforce is retiring (reference §5), and its
        # failure says nothing about the org. As an error, every --trust-status audit in CI would start
        # failing the day the legacy API goes away. The warn is never a silent pass: it says "unknown".
        return [TRUST_STATUS.finding(
            Status.WARN, f"Salesforce Trust status unknown for {_instance(snapshot)}: {trust.reason}.",
            f"Check status.salesforce.com for {_instance(snapshot)} yourself before the first sync. {_DEPRECATION}")]

    instance = _instance(snapshot, trust)
    site = f"Check status.salesforce.com for instance {instance}"
    status = trust.status.upper()
    findings: list[Finding] = []
    if status not in _KNOWN_STATUSES:
        findings.append(TRUST_STATUS.finding(
            Status.WARN, f"Salesforce Trust status unknown for instance {instance}: it reported {trust.status!r}, "
            "which the auditor does not know.", f"{site} yourself before the first sync. {_DEPRECATION}"))
    elif status == "MAJOR_INCIDENT_CORE":
        findings.append(TRUST_STATUS.finding(
            Status.FAIL, f"Salesforce Trust reports a major incident on instance {instance} ({status})"
            f"{_incidents(trust.incidents)}.",
            f"{site}; start the first sync only once the incident is resolved (until then HubSpot would "
            "suspend the sync with SF_ORG_UNAVAILABLE)."))
    elif status in ("MINOR_INCIDENT_CORE", "MAINTENANCE_CORE"):
        what = "a minor incident" if status == "MINOR_INCIDENT_CORE" else "maintenance"
        findings.append(TRUST_STATUS.finding(
            Status.WARN, f"Salesforce Trust reports {what} on instance {instance} ({status}): the org may be "
            f"degraded{_incidents(trust.incidents)}.",
            f"{site}; start the first sync once the instance is back to OK."))
    if trust.is_active is False:
        findings.append(TRUST_STATUS.finding(
            Status.WARN, f"Salesforce Trust lists instance {instance} as inactive: its status may not be the "
            "org's (the org may have moved).", f"{site}, and check the org's instance under Setup > Company Information."))

    disruptive = [m for m in trust.maintenances if (m.availability or "").lower() in _DISRUPTIVE
                  and (m.event_status or "").lower() not in _CANCELLED]
    now = _parse(snapshot.collected_at)
    if disruptive and now is None:
        # Only a hand-made or damaged snapshot has Trust data but no collection time. The wall clock would
        # make the verdict change with the day the snapshot is re-evaluated, so the check says it cannot tell.
        return findings + [TRUST_STATUS.finding(
            Status.ERROR, f"could not place Trust's maintenance windows for instance {instance} in time: the snapshot "
            f"has no valid collection time ({snapshot.collected_at!r}).",
            "Re-run the audit with --trust-status to collect a fresh snapshot.")]
    later: list[tuple[datetime, TrustMaintenance]] = []
    for maintenance in disruptive:
        assert now is not None
        start, end = _parse(maintenance.planned_start), _parse(maintenance.planned_end)
        window = _window(maintenance)
        schedule = f"{site}; schedule the first sync outside the maintenance window ({window})."
        if start is None or end is None:
            if end is not None and end <= now:
                continue
            findings.append(TRUST_STATUS.finding(
                Status.WARN, f"Salesforce Trust lists {_describe(maintenance)} on instance {instance} without a "
                f"complete window ({window}).", schedule))
        elif start <= now < end:
            findings.append(TRUST_STATUS.finding(
                Status.FAIL, f"{_capital(_describe(maintenance))} on instance {instance} is running now: "
                f"{window}.", schedule))
        elif now < start <= now + FORECAST:
            findings.append(TRUST_STATUS.finding(
                Status.WARN, f"{_capital(_describe(maintenance))} on instance {instance} starts within 24 hours "
                f"of the audit: {window}.", schedule))
        elif start > now:
            later.append((start, maintenance))
    if findings:
        return findings
    message = f"Salesforce Trust reports instance {instance} {status}"
    if status != "OK":
        message += " (nothing affecting core services)"
    message += ", with no read-only or unavailable maintenance running or starting within 24 hours"
    if later:
        _, first = min(later, key=lambda item: item[0])
        message += f"; next: {_describe(first)}, {_window(first)}"
    return [TRUST_STATUS.finding(Status.PASS, message + ".")]


TRUST_STATUS = Check(
    id="trust-status",
    suspension=Suspension.SF_ORG_UNAVAILABLE,
    title="No incident or maintenance on the org's instance (Salesforce Trust, with --trust-status)",
    remediation=(
        "Check status.salesforce.com for the org's instance; schedule the first sync outside any maintenance "
        "window, and start it once incidents are resolved."
    ),
    run=_run_trust_status,
)
