"""trust-status: Salesforce Trust's view of the org's instance (opt-in, --trust-status), on hand-built snapshots.

"Now" is the snapshot's collected_at (tests.factory.COLLECTED_AT = 2026-03-02 09:30 UTC), never the wall
clock, so every verdict here is fixed.
"""

from __future__ import annotations

import dataclasses

from auditor.checks import evaluate
from auditor.model import Status
from auditor.snapshot import (
    ApiRefusal,
    FailureKind,
    OrgSnapshot,
    TrustIncident,
    TrustIncidentImpact,
    TrustMaintenance,
    TrustStatus,
    Unavailable,
    snapshot_from_json,
    snapshot_to_json,
)
from auditor.suspensions import Suspension
from tests.factory import make_config, make_snapshot, one, run_check

# COLLECTED_AT is 2026-03-02T09:30:00Z.
RUNNING = ("2026-03-02T06:00:00+00:00", "2026-03-02T12:00:00+00:00")
IN_3_HOURS = ("2026-03-02T12:30:00+00:00", "2026-03-02T14:30:00+00:00")
IN_24_HOURS = ("2026-03-03T09:30:00+00:00", "2026-03-03T11:00:00+00:00")
IN_25_HOURS = ("2026-03-03T10:30:00+00:00", "2026-03-03T12:00:00+00:00")
ENDED = ("2026-03-01T06:00:00+00:00", "2026-03-01T08:00:00+00:00")


def maintenance(window: tuple[str | None, str | None], availability: str | None = "readOnly", *,
                name: str = "NA224 Winter '27 Major Release", kind: str = "release",
                event_status: str | None = "confirmed") -> TrustMaintenance:
    return TrustMaintenance(id="918273", name=name, planned_start=window[0], planned_end=window[1],
                            availability=availability, maintenance_type=kind, event_status=event_status)


def trust(status: str = "OK", *maintenances: TrustMaintenance, incidents: tuple[TrustIncident, ...] = (),
          is_active: bool | None = True) -> TrustStatus:
    return TrustStatus(instance="NA224", status=status, is_active=is_active, release_version="Winter '27 Patch 4.2",
                       maintenances=maintenances, incidents=incidents)


def with_trust(part: TrustStatus | Unavailable | None, **overrides: object) -> OrgSnapshot:
    return make_snapshot(trust=part, **overrides)


ONGOING = TrustIncident("27182", (TrustIncidentImpact("performanceDegradation", "major", "2026-03-02T08:10:00+00:00", None),))


# --------------------------------------------------------------------------- not requested


def test_trust_status_emits_nothing_when_not_requested() -> None:
    """No --trust-status: no finding at all (not a pass): the audit read nothing to judge."""
    assert run_check("trust-status", make_snapshot()) == []
    assert not [f for f in evaluate(make_snapshot(), make_config()) if f.check == "trust-status"]


def test_trust_status_emits_nothing_on_an_api_refusal_when_not_requested() -> None:
    refused = make_snapshot(api_refusal=ApiRefusal("API_DISABLED_FOR_ORG", "The REST API is not enabled", at_login=True))
    assert not [f for f in evaluate(refused, make_config()) if f.check == "trust-status"]


# --------------------------------------------------------------------------- pass


def test_trust_status_passes_when_trust_says_ok() -> None:
    finding = one(run_check("trust-status", with_trust(trust("OK"))), Status.PASS)
    assert finding.suspension is Suspension.SF_ORG_UNAVAILABLE
    assert finding.message == (
        "Salesforce Trust reports instance NA224 OK, with no read-only or unavailable maintenance running or "
        "starting within 24 hours.")


def test_trust_status_passes_and_names_the_next_maintenance_beyond_24_hours() -> None:
    later = maintenance(IN_25_HOURS, "unavailable")
    finding = one(run_check("trust-status", with_trust(trust("OK", later))), Status.PASS)
    assert finding.message.endswith(
        "; next: maintenance 'NA224 Winter '27 Major Release' (release, unavailable), 2026-03-03 10:30 UTC to "
        "2026-03-03 12:00 UTC.")


def test_trust_status_passes_on_maintenance_that_keeps_the_org_writable() -> None:
    for availability in ("available", "fullyAvailable", None):
        one(run_check("trust-status", with_trust(trust("OK", maintenance(RUNNING, availability)))), Status.PASS)


def test_trust_status_passes_on_ended_or_cancelled_maintenance() -> None:
    ended = maintenance(ENDED, "unavailable")
    cancelled = maintenance(RUNNING, "unavailable", event_status="Cancelled")
    one(run_check("trust-status", with_trust(trust("OK", ended, cancelled))), Status.PASS)


def test_trust_status_passes_on_non_core_and_informational_statuses() -> None:
    for status in ("INFORMATIONAL_CORE", "INFORMATIONAL_NONCORE", "MAINTENANCE_NONCORE", "MINOR_INCIDENT_NONCORE",
                   "MAJOR_INCIDENT_NONCORE"):
        finding = one(run_check("trust-status", with_trust(trust(status))), Status.PASS)
        assert f"NA224 {status} (nothing affecting core services)" in finding.message


# --------------------------------------------------------------------------- fail


def test_trust_status_fails_on_a_major_core_incident() -> None:
    finding = one(run_check("trust-status", with_trust(trust("MAJOR_INCIDENT_CORE", incidents=(ONGOING,)))), Status.FAIL)
    assert finding.suspension is Suspension.SF_ORG_UNAVAILABLE
    assert finding.message == (
        "Salesforce Trust reports a major incident on instance NA224 (MAJOR_INCIDENT_CORE); ongoing: incident 27182 "
        "(major performanceDegradation since 2026-03-02 08:10 UTC).")
    assert finding.remediation.startswith("Check status.salesforce.com for instance NA224")


def test_trust_status_fails_on_a_read_only_or_unavailable_maintenance_running_now() -> None:
    for availability, shown in (("readOnly", "read-only"), ("unavailable", "unavailable"), ("READONLY", "read-only")):
        snapshot = with_trust(trust("MAINTENANCE_CORE", maintenance(RUNNING, availability)))
        finding = one(run_check("trust-status", snapshot), Status.FAIL)
        assert finding.message == (
            f"Maintenance 'NA224 Winter '27 Major Release' (release, {shown}) on instance NA224 is running now: "
            "2026-03-02 06:00 UTC to 2026-03-02 12:00 UTC.")
        assert finding.remediation == (
            "Check status.salesforce.com for instance NA224; schedule the first sync outside the maintenance window "
            "(2026-03-02 06:00 UTC to 2026-03-02 12:00 UTC).")
        # MAINTENANCE_CORE itself is a warn beside the fail.
        assert "(MAINTENANCE_CORE)" in one(run_check("trust-status", snapshot), Status.WARN).message


def test_trust_status_fails_even_when_the_status_lags_behind_a_running_maintenance() -> None:
    one(run_check("trust-status", with_trust(trust("OK", maintenance(RUNNING, "unavailable")))), Status.FAIL)


# --------------------------------------------------------------------------- warn


def test_trust_status_warns_on_a_disruptive_maintenance_starting_within_24_hours() -> None:
    soon = maintenance(IN_3_HOURS, "unavailable", name="NA224 Emergency Maintenance", kind="emergencyMaintenance")
    finding = one(run_check("trust-status", with_trust(trust("OK", soon))), Status.WARN)
    assert finding.message == (
        "Maintenance 'NA224 Emergency Maintenance' (emergencyMaintenance, unavailable) on instance NA224 starts "
        "within 24 hours of the audit: 2026-03-02 12:30 UTC to 2026-03-02 14:30 UTC.")
    assert "schedule the first sync outside the maintenance window (2026-03-02 12:30 UTC" in finding.remediation


def test_trust_status_warns_at_exactly_24_hours_and_passes_beyond() -> None:
    one(run_check("trust-status", with_trust(trust("OK", maintenance(IN_24_HOURS)))), Status.WARN)
    one(run_check("trust-status", with_trust(trust("OK", maintenance(IN_25_HOURS)))), Status.PASS)


def test_trust_status_warns_on_minor_core_incident_and_core_maintenance() -> None:
    minor_impact = TrustIncidentImpact("performanceDegradation", "minor", "2026-03-02T08:10:00+00:00", None)
    resolved = TrustIncidentImpact("featureServiceDisruption", "minor", "2026-03-01T08:10:00+00:00", "2026-03-01T09:00:00+00:00")
    minor = trust("MINOR_INCIDENT_CORE", incidents=(TrustIncident("31415", (minor_impact, resolved)),))
    finding = one(run_check("trust-status", with_trust(minor)), Status.WARN)
    assert finding.message == (
        "Salesforce Trust reports a minor incident on instance NA224 (MINOR_INCIDENT_CORE): the org may be degraded; "
        "ongoing: incident 31415 (minor performanceDegradation since 2026-03-02 08:10 UTC).")
    maintenance_core = one(run_check("trust-status", with_trust(trust("MAINTENANCE_CORE"))), Status.WARN)
    assert maintenance_core.message.startswith("Salesforce Trust reports maintenance on instance NA224 (MAINTENANCE_CORE)")


def test_trust_status_warns_when_a_disruptive_window_is_incomplete() -> None:
    finding = one(run_check("trust-status", with_trust(trust("OK", maintenance((None, RUNNING[1]))))), Status.WARN)
    assert "without a complete window (an unknown start to 2026-03-02 12:00 UTC)" in finding.message


def test_trust_status_warns_when_trust_lists_the_instance_as_inactive() -> None:
    finding = one(run_check("trust-status", with_trust(trust("OK", is_active=False))), Status.WARN)
    assert "lists instance NA224 as inactive" in finding.message


def test_trust_status_unknown_is_a_warn_never_a_fail() -> None:
    """Trust unreachable, unknown instance, odd answer: "status unknown" (the endpoint is being retired)."""
    for part in (
        Unavailable(FailureKind.UNEXPECTED, "Trust answered HTTP 404 for instance NA224 (an unknown instance, or the "
                    "legacy Trust API has been retired)", None, 404),
        Unavailable(FailureKind.UNEXPECTED, "no answer from api.status.salesforce.com (DNS, connection refused, ...)"),
        Unavailable(FailureKind.NOT_COLLECTED, "not read: the org's instance is unknown (not collected: HTTP 503)"),
    ):
        findings = run_check("trust-status", with_trust(part))
        finding = one(findings, Status.WARN)
        assert finding.message == f"Salesforce Trust status unknown for NA224: {part.reason}."
        assert "My Trust Center" in finding.remediation
        assert finding.suspension is Suspension.SF_ORG_UNAVAILABLE


def test_trust_status_warns_status_unknown_on_a_status_it_does_not_know() -> None:
    finding = one(run_check("trust-status", with_trust(trust("DEGRADED_SOMEHOW"))), Status.WARN)
    assert finding.message.startswith("Salesforce Trust status unknown for instance NA224: it reported 'DEGRADED_SOMEHOW'")


def test_trust_status_warns_status_unknown_after_an_api_refusal() -> None:
    """Requested, but the API was refused so the instance is unknown: trust-status still speaks (a warn)."""
    refused = make_snapshot(
        api_refusal=ApiRefusal("API_DISABLED_FOR_ORG", "The REST API is not enabled", at_login=True),
        trust=Unavailable(FailureKind.NOT_COLLECTED, "not read: Salesforce refused API access, so the org's "
                          "instance is unknown"))
    (finding,) = [f for f in evaluate(refused, make_config()) if f.check == "trust-status"]
    assert finding.status is Status.WARN and "refused API access" in finding.message


# --------------------------------------------------------------------------- error


def test_trust_status_errors_when_the_snapshot_has_no_collection_time() -> None:
    """Trust data but no collected_at (a hand-made or damaged snapshot): the windows cannot be placed, and the
    wall clock would make the verdict depend on the day of re-evaluation."""
    for collected_at in (None, "yesterday"):
        snapshot = with_trust(trust("OK", maintenance(RUNNING)), collected_at=collected_at)
        finding = one(run_check("trust-status", snapshot), Status.ERROR)
        assert finding.message.startswith("could not place Trust's maintenance windows for instance NA224 in time")
    # Without a disruptive maintenance, no time is needed.
    one(run_check("trust-status", with_trust(trust("OK"), collected_at=None)), Status.PASS)


# --------------------------------------------------------------------------- the snapshot part


def test_trust_status_part_round_trips_through_a_saved_snapshot() -> None:
    for part in (trust("MAJOR_INCIDENT_CORE", maintenance(RUNNING), incidents=(ONGOING,)),
                 Unavailable(FailureKind.UNEXPECTED, "Trust answered HTTP 410", None, 410), None):
        snapshot = with_trust(part)
        assert snapshot_from_json(snapshot_to_json(snapshot)) == snapshot


def test_trust_status_is_absent_from_older_snapshots() -> None:
    text = snapshot_to_json(make_snapshot()).replace('  "trust": null,\n', "")
    assert '"trust"' not in text
    assert snapshot_from_json(text).trust is None
    assert dataclasses.replace(make_snapshot()).trust is None
