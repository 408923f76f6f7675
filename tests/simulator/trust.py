"""A stand-in for the public Salesforce Trust API (``api.status.salesforce.com/v1``), over `responses`.

It answers ``GET /v1/instances/{key}/status`` with the shape of reference §5: ``key``, ``location``,
``environment``, ``releaseVersion``, ``releaseNumber``, ``status``, ``isActive``, ``Incidents`` (with
``IncidentImpacts``) and ``Maintenances`` (with ``message.availability``). The documents are composed,
not recorded from the live API: the field set follows the reference, the values are invented.

The real API is public and ignores credentials; this one refuses a request that carries an
``Authorization`` header (HTTP 400), so a leak of the org's bearer token to the Trust host cannot go
unnoticed in any recording. It also keeps every request's headers for tests to inspect.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import requests
import responses

TRUST_BASE = "https://api.status.salesforce.com"
JSON = "application/json; charset=utf-8"


def maintenance(maintenance_id: int, name: str, start: str, end: str, *, availability: str = "readOnly",
                maintenance_type: str = "release", event_status: str = "confirmed") -> dict[str, Any]:
    """One entry of ``Maintenances`` (times like "2026-12-05T04:00:00.000Z")."""
    return {
        "id": maintenance_id, "name": name, "externalId": f"{maintenance_id}-ext",
        "plannedStartTime": start, "plannedEndTime": end,
        "additionalInformation": "During this window the instance is read-only.",
        "message": {"maintenanceType": maintenance_type, "availability": availability, "eventStatus": event_status},
    }


def incident(incident_id: int, *impacts: dict[str, Any]) -> dict[str, Any]:
    """One entry of ``Incidents``; ``impacts`` from :func:`impact`."""
    return {
        "id": incident_id, "externalId": f"{incident_id}-ext",
        "message": {"pathToResolution": "Engineers are rerouting traffic.", "actionPlan": "Monitoring.",
                    "rootCause": None},
        "IncidentImpacts": list(impacts),
    }


def impact(impact_id: int, start: str, end: str | None = None, *, severity: str = "minor",
           impact_type: str = "performanceDegradation") -> dict[str, Any]:
    return {"id": impact_id, "type": impact_type, "severity": severity, "startTime": start, "endTime": end}


def instance_status(key: str, status: str = "OK", *, maintenances: tuple[dict[str, Any], ...] = (),
                    incidents: tuple[dict[str, Any], ...] = (), is_active: bool = True) -> dict[str, Any]:
    """The answer of ``/v1/instances/{key}/status`` (reference §5)."""
    return {
        "key": key, "location": "NA", "environment": "production", "releaseVersion": "Winter '27 Patch 4.2",
        "releaseNumber": "252.4.2", "status": status, "isActive": is_active,
        "Incidents": list(incidents), "Maintenances": list(maintenances),
    }


@dataclass
class FakeTrust:
    """Trust's answers by instance key; an unknown key is a 404 (the body's shape is [U])."""

    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests_seen: list[requests.PreparedRequest] = field(default_factory=list)

    def install(self, mock: responses.RequestsMock) -> None:
        mock.add_callback("GET", re.compile(re.escape(TRUST_BASE) + r"/.*"), callback=self._callback)

    def _callback(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.requests_seen.append(request)
        if "Authorization" in request.headers:
            return 400, {"Content-Type": JSON}, json.dumps(
                {"message": "simulator: the public Trust API must not be sent an Authorization header"})
        path = urllib.parse.urlsplit(request.url or "").path
        found = re.fullmatch(r"/v1/instances/([^/]+)/status", path)
        if found is None or found.group(1) not in self.instances:
            return 404, {"Content-Type": JSON}, json.dumps({"message": "Not Found"})
        return 200, {"Content-Type": JSON}, json.dumps(self.instances[found.group(1)])
