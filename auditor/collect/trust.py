"""The instance's status on Salesforce Trust (``--trust-status``): one public, unauthenticated GET.

``GET https://api.status.salesforce.com/v1/instances/{InstanceName}/status?childProducts=false``
(reference §5). It goes through the guarded session, so it is logged by ``--debug``, retried like any
request, recorded by ``--record`` and counted as an HTTP request; it is not a Salesforce API call
(``counts_as_api_call`` counts only ``/services/data/vNN.N/...`` paths).

Two rules shape this module:

* **The org's bearer token never goes to the Trust host.** The request is built here with its own
  headers, never with the collector's (``CollectTarget.headers`` carries ``Authorization``), so
  ``Executor.get`` is not used; ``Authorization: None`` also drops one a session default might carry.
* **A Trust failure is "status unknown", never "org unavailable".** The legacy API is being replaced by
  My Trust Center (reference §5), so DNS errors, 404 and 410 are expected one day. Failures become an
  ``Unavailable`` part and are kept out of the snapshot's service events, which the availability checks
  read as the org's own answers.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timezone
from typing import Any
from urllib.parse import quote

import requests

from auditor.collect.executor import parse_body
from auditor.errors import AuditIncomplete
from auditor.snapshot import (
    ApiUsage,
    FailureKind,
    OrgInfo,
    OrgSnapshot,
    Part,
    TrustIncident,
    TrustIncidentImpact,
    TrustMaintenance,
    TrustStatus,
    Unavailable,
)
from auditor.timestamps import parse_timestamp

TRUST_HOST = "api.status.salesforce.com"
TRUST_API = f"https://{TRUST_HOST}/v1"
TRUST_TIMEOUT = 5.0  # seconds per attempt: Trust is a nicety, not worth the audit's 30 s per request
# Public API, no auth [C reference §5]. None removes the header should a session default carry one.
_HEADERS: dict[str, str | None] = {"Accept": "application/json", "Authorization": None}
_INSTANCE = re.compile(r"[A-Za-z0-9]{2,20}")  # NA45, USA596, CS123, EU12S


class _Odd(ValueError):
    """Trust answered something whose shape we do not understand."""


def trust_status_url(instance: str) -> str:
    return f"{TRUST_API}/instances/{quote(instance, safe='')}/status?childProducts=false"


def _unknown(reason: str, kind: FailureKind = FailureKind.UNEXPECTED, http_status: int | None = None) -> Unavailable:
    return Unavailable(kind, reason, None, http_status)


def fetch_trust(session: requests.Session, instance: str) -> Part[TrustStatus]:
    """The Trust status of ``instance``, or Unavailable saying why it is unknown. Never raises for
    anything Trust does (no answer, an error status, an odd body)."""
    if not _INSTANCE.fullmatch(instance):
        return _unknown(f"'{instance}' does not look like a Salesforce instance name, so Trust was not asked",
                        FailureKind.NOT_COLLECTED)
    try:
        response = session.request("GET", trust_status_url(instance), headers=_HEADERS, timeout=TRUST_TIMEOUT)
    except AuditIncomplete as exc:  # no answer after the retries, or past --deadline
        if "--deadline" in str(exc):
            return _unknown("Trust was not asked: the audit ran past its --deadline", FailureKind.NOT_COLLECTED)
        # Not the session's own wording: it would suggest --instance-url or --timeout, which are the org's.
        return _unknown(f"no answer from {TRUST_HOST} (DNS, connection refused, or no answer within "
                        f"{TRUST_TIMEOUT:.0f} s, after retries)")
    except requests.RequestException as exc:  # a redirect loop, an invalid answer, ...
        return _unknown(f"no usable answer from {TRUST_HOST} ({type(exc).__name__})")
    if response.status_code != 200:
        return _unknown(f"Trust answered HTTP {response.status_code} for instance {instance} (an unknown instance, "
                        "or the legacy Trust API has been retired)", http_status=response.status_code)
    body = parse_body(response)
    try:
        return parse_trust(body, instance)
    except _Odd as exc:
        return _unknown(f"Trust answered something unexpected for instance {instance} ({exc})",
                        http_status=response.status_code)


# --------------------------------------------------------------------------- parsing


def _text(value: Any, where: str, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Odd(f"{where} is {type(value).__name__}")
    return str(value)


def _time(value: Any, where: str) -> str | None:
    """ISO-8601 UTC to the second; Trust sends e.g. "2026-11-30T04:00:00.000Z"."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Odd(f"{where} is not a timestamp")
    parsed = parse_timestamp(value)
    if parsed is None:
        raise _Odd(f"{where} {value[:40]!r} is not a timestamp")
    return parsed.astimezone(timezone.utc).isoformat(timespec="seconds")


def _list(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = body.get(key)
    if items is None:
        return []
    # A malformed entry could hide a maintenance that matters: the whole answer is then "unknown".
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise _Odd(f"{key} is not a list of objects")
    return items


def _maintenance(item: dict[str, Any]) -> TrustMaintenance:
    raw = item.get("message")
    if raw is not None and not isinstance(raw, dict):
        raise _Odd("Maintenances[].message is not an object")
    message: dict[str, Any] = raw or {}
    return TrustMaintenance(
        id=_text(item.get("id"), "Maintenances[].id", required=True) or "",
        name=_text(item.get("name"), "Maintenances[].name"),
        planned_start=_time(item.get("plannedStartTime"), "plannedStartTime"),
        planned_end=_time(item.get("plannedEndTime"), "plannedEndTime"),
        availability=_text(message.get("availability"), "message.availability"),
        maintenance_type=_text(message.get("maintenanceType"), "message.maintenanceType"),
        event_status=_text(message.get("eventStatus"), "message.eventStatus"),
    )


def _incident(item: dict[str, Any]) -> TrustIncident:
    return TrustIncident(
        id=_text(item.get("id"), "Incidents[].id", required=True) or "",
        impacts=tuple(
            TrustIncidentImpact(
                type=_text(impact.get("type"), "IncidentImpacts[].type"),
                severity=_text(impact.get("severity"), "IncidentImpacts[].severity"),
                start_time=_time(impact.get("startTime"), "IncidentImpacts[].startTime"),
                end_time=_time(impact.get("endTime"), "IncidentImpacts[].endTime"),
            )
            for impact in _list(item, "IncidentImpacts")
        ),
    )


def parse_trust(body: Any, instance: str) -> TrustStatus:
    """The parts of Trust's instance status that matter to the check; raises _Odd on an odd shape."""
    if not isinstance(body, dict):
        raise _Odd("not a JSON object" if not isinstance(body, str) else f"not JSON: {body[:40]!r}")
    status = body.get("status")
    if not isinstance(status, str) or not status:
        raise _Odd("no status")
    is_active = body.get("isActive")
    return TrustStatus(
        instance=_text(body.get("key"), "key") or instance,
        status=status,
        is_active=is_active if isinstance(is_active, bool) else None,
        release_version=body.get("releaseVersion") if isinstance(body.get("releaseVersion"), str) else None,
        maintenances=tuple(_maintenance(item) for item in _list(body, "Maintenances")),
        incidents=tuple(_incident(item) for item in _list(body, "Incidents")),
    )


# --------------------------------------------------------------------------- the collector's step


def with_trust_status(snapshot: OrgSnapshot, session: requests.Session) -> OrgSnapshot:
    """``snapshot`` with its ``trust`` part filled in: the last step of a ``--trust-status`` audit.

    Only the API usage is brought up to date. Service events are deliberately not recomputed, so a
    Trust request the session retried (5xx, no answer) never reads as the org being unavailable.
    """
    org = snapshot.org
    if snapshot.api_refusal is not None:
        trust: Part[TrustStatus] = _unknown("not read: Salesforce refused API access, so the org's instance is "
                                            "unknown", FailureKind.NOT_COLLECTED)
    elif not isinstance(org, OrgInfo):
        trust = _unknown(f"not read: the org's instance is unknown ({org.reason})", FailureKind.NOT_COLLECTED)
    elif not org.instance_name:
        trust = _unknown("not read: Salesforce did not name the org's instance", FailureKind.NOT_COLLECTED)
    else:
        trust = fetch_trust(session, org.instance_name)
    stats = getattr(session, "stats", None)
    usage: ApiUsage = stats.usage() if stats is not None else snapshot.api_usage
    return dataclasses.replace(snapshot, trust=trust, api_usage=usage)
