"""--trust-status end to end: the Trust request (no token, 5 s, retried, counted as HTTP not API), the parsing,
and what the CLI reports when Trust answers, answers oddly, or does not answer at all.

The check's verdicts on hand-built snapshots are in tests/test_checks_trust.py; the recorded scenarios
(trust-maintenance, trust-minor-incident) in tests/test_cli_scenarios.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import yaml

from auditor.collect.trust import (
    TRUST_TIMEOUT,
    fetch_trust,
    parse_trust,
    trust_status_url,
)
from auditor.snapshot import FailureKind, TrustStatus, Unavailable
from auditor.transport import GuardedSession, RetryPolicy, counts_as_api_call
from tests.clirun import run_cli
from tests.simulator.org import MAINTENANCE_PAGE, FakeOrg, Fault
from tests.simulator.scenarios import FAR_RELEASE, RUNNING_READ_ONLY, healthy_org
from tests.simulator.trust import (
    FakeTrust,
    impact,
    incident,
    instance_status,
    maintenance,
)
from tests.test_faults import ATTEMPTS, TOKEN, OrgRun, audit_org

ROOT = Path(__file__).resolve().parent.parent
TRUST_URL = trust_status_url("USA596")
HTML = "text/html;charset=UTF-8"


def trusted_org(status: str = "OK", **kwargs: Any) -> FakeOrg:
    org = healthy_org()
    org.trust = FakeTrust({org.instance_name: instance_status(org.instance_name, status, **kwargs)})
    return org


def trust_findings(run: OrgRun) -> list[dict[str, Any]]:
    return run.findings("trust-status")


def trust_calls(run: OrgRun) -> list[Any]:
    return [c for c in run.calls if c.request.url.startswith("https://api.status.salesforce.com/")]


# --------------------------------------------------------------------------- the request


def test_a_trust_request_is_not_an_api_call() -> None:
    assert TRUST_URL == "https://api.status.salesforce.com/v1/instances/USA596/status?childProducts=false"
    assert counts_as_api_call("GET", TRUST_URL) is False


def test_the_bearer_token_is_never_sent_to_the_trust_host(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, str]] = []

    def trust_answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        headers = dict(request.headers)
        seen.append(headers)
        assert not any(name.lower() == "authorization" for name in headers), headers
        assert not any(TOKEN in value or "SECRETTOKENVALUE" in value for value in headers.values()), headers
        return 200, {"Content-Type": "application/json"}, json.dumps(instance_status("USA596"))

    def setup(mock: responses.RequestsMock) -> None:
        mock.add_callback("GET", TRUST_URL, callback=trust_answer)

    run = audit_org(healthy_org(), "--trust-status", monkeypatch=monkeypatch, setup=setup)
    assert run.result.exit_code == 0, run.result.stderr
    assert len(seen) == 1
    # ...while the org itself did get the token (the callback above would have seen the same session).
    org_calls = [c for c in run.calls if "acme.my.salesforce.com" in c.request.url]
    assert org_calls and all(c.request.headers["Authorization"] == f"Bearer {TOKEN}" for c in org_calls)
    assert one_trust(run)["status"] == "pass"


def test_no_token_even_when_the_session_carries_a_default_authorization_header() -> None:
    trust = FakeTrust({"USA596": instance_status("USA596")})
    session = GuardedSession(sleep=lambda _s: None)
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    with responses.RequestsMock() as mock:
        trust.install(mock)
        result = fetch_trust(session, "USA596")
    assert isinstance(result, TrustStatus) and result.status == "OK"
    (request,) = trust.requests_seen
    assert "Authorization" not in request.headers and request.headers["Accept"] == "application/json"


def test_trust_is_asked_with_a_short_timeout_capped_by_timeout_and_deadline() -> None:
    def timeout_of(session: GuardedSession) -> Any:
        with responses.RequestsMock() as mock:
            mock.add("GET", TRUST_URL, json=instance_status("USA596"))
            fetch_trust(session, "USA596")
            return mock.calls[0].request.req_kwargs["timeout"]

    assert timeout_of(GuardedSession()) == TRUST_TIMEOUT == 5.0
    assert timeout_of(GuardedSession(timeout=2.0)) == 2.0
    assert timeout_of(GuardedSession(deadline=3.0)) <= 3.0


def test_trust_past_the_deadline_is_not_asked() -> None:
    session = GuardedSession(deadline=1.0)
    session.deadline_at = 0.0  # already past
    with responses.RequestsMock() as mock:
        result = fetch_trust(session, "USA596")
        assert len(mock.calls) == 0
    assert isinstance(result, Unavailable) and result.kind is FailureKind.NOT_COLLECTED
    assert "--deadline" in result.reason


def test_an_unreachable_trust_is_retried_then_unknown() -> None:
    sleeps: list[float] = []
    session = GuardedSession(sleep=sleeps.append, retry=RetryPolicy())
    with responses.RequestsMock() as mock:
        mock.add("GET", TRUST_URL, body=requests.ConnectionError("Name or service not known"))
        result = fetch_trust(session, "USA596")
        assert len(mock.calls) == ATTEMPTS  # the normal retries, no more
    assert len(sleeps) == ATTEMPTS - 1
    assert isinstance(result, Unavailable)
    assert result.reason.startswith("no answer from api.status.salesforce.com")
    assert "--instance-url" not in result.reason  # the session's wording is about the org, not Trust
    assert (session.stats.http_requests, session.stats.api_calls) == (ATTEMPTS, 0)


@pytest.mark.parametrize(("status", "body", "content_type", "reason"), [
    (404, '{"message": "Not Found"}', "application/json", "Trust answered HTTP 404 for instance USA596"),
    (410, "Gone", "text/plain", "Trust answered HTTP 410 for instance USA596"),
    (503, "<html>down</html>", HTML, "Trust answered HTTP 503 for instance USA596"),
    (200, "<html><title>My Trust Center</title></html>", HTML, "not JSON: '<html><title>My Trust Center</title></ht'"),
    (200, "[]", "application/json", "not a JSON object"),
    (200, '{"key": "USA596"}', "application/json", "no status"),
    (200, '{"status": "OK", "Maintenances": {"id": 1}}', "application/json", "Maintenances is not a list of objects"),
    (200, '{"status": "OK", "Maintenances": [{"id": 1, "plannedStartTime": "soon"}]}', "application/json",
     "plannedStartTime 'soon' is not a timestamp"),
    (200, '{"status": "OK", "Incidents": [{"id": 1, "IncidentImpacts": [7]}]}', "application/json",
     "IncidentImpacts is not a list of objects"),
])
def test_odd_or_failed_trust_answers_are_status_unknown(status: int, body: str, content_type: str, reason: str) -> None:
    with responses.RequestsMock() as mock:
        mock.add("GET", TRUST_URL, body=body, status=status, content_type=content_type)
        result = fetch_trust(GuardedSession(sleep=lambda _s: None), "USA596")
    assert isinstance(result, Unavailable) and result.kind is FailureKind.UNEXPECTED
    assert reason in result.reason


def test_an_odd_instance_name_is_not_put_in_a_url() -> None:
    with responses.RequestsMock() as mock:
        result = fetch_trust(GuardedSession(), "../incidents")
        assert len(mock.calls) == 0
    assert isinstance(result, Unavailable) and result.kind is FailureKind.NOT_COLLECTED


def test_parse_trust_keeps_what_matters() -> None:
    document = instance_status("USA596", "MINOR_INCIDENT_CORE", maintenances=(RUNNING_READ_ONLY, FAR_RELEASE),
                               incidents=(incident(27182, impact(31415, "2026-11-29T23:10:00.000Z"),
                                                   impact(31416, "2026-11-29T20:00:00.000Z", "2026-11-29T21:00:00Z",
                                                          severity="major")),))
    parsed = parse_trust(document, "USA596")
    assert (parsed.instance, parsed.status, parsed.is_active, parsed.release_version) == (
        "USA596", "MINOR_INCIDENT_CORE", True, "Winter '27 Patch 4.2")
    first = parsed.maintenances[0]
    assert (first.id, first.name, first.planned_start, first.planned_end, first.availability, first.maintenance_type,
            first.event_status) == ("918273", "USA596 Read-Only Database Maintenance", "2025-01-01T00:00:00+00:00",
                                    "2099-01-01T00:00:00+00:00", "readOnly", "scheduledMaintenance", "confirmed")
    (only,) = parsed.incidents
    assert only.id == "27182"
    assert [(i.severity, i.ongoing, i.start_time) for i in only.impacts] == [
        ("minor", True, "2026-11-29T23:10:00+00:00"), ("major", False, "2026-11-29T20:00:00+00:00")]


def test_parse_trust_tolerates_missing_lists_and_extra_keys() -> None:
    parsed = parse_trust({"key": "USA596", "status": "OK", "Products": [{"key": "Sales_Cloud"}], "isActive": "yes"},
                         "USA596")
    assert parsed.maintenances == () and parsed.incidents == () and parsed.is_active is None


# --------------------------------------------------------------------------- the CLI


def one_trust(run: OrgRun) -> dict[str, Any]:
    (finding,) = trust_findings(run)
    return finding


def test_off_by_default_nothing_is_asked_and_nothing_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(trusted_org("MAJOR_INCIDENT_CORE"), monkeypatch=monkeypatch)
    assert run.result.exit_code == 0
    assert trust_calls(run) == [] and trust_findings(run) == []
    assert run.report["api_usage"] == {"http_requests": 4, "api_calls": 3}  # with the sync round (issue 15)


def test_with_the_flag_trust_costs_one_http_request_and_no_api_call(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(trusted_org(), "--trust-status", "--debug", monkeypatch=monkeypatch)
    assert run.result.exit_code == 0, run.result.stderr
    assert run.report["api_usage"] == {"http_requests": 5, "api_calls": 3}  # Trust: one request, no API call
    assert len(trust_calls(run)) == 1
    assert one_trust(run)["status"] == "pass"
    assert ("[debug] GET api.status.salesforce.com/v1/instances/USA596/status?childProducts=false -> 200 in "
            in run.result.stderr)
    assert "0 api calls" in next(line for line in run.result.stderr.splitlines() if "api.status" in line)


def test_a_major_incident_is_exit_1_org_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(trusted_org("MAJOR_INCIDENT_CORE"), "--trust-status", monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["SF_ORG_UNAVAILABLE"]
    assert one_trust(run)["status"] == "fail"
    assert run.status("org-availability") == "pass"  # the org itself answered


@pytest.mark.parametrize("trust_answer", [
    {"body": requests.ConnectionError("Name or service not known")},
    {"status": 503, "body": "<html>Service Unavailable</html>", "content_type": HTML},
    {"status": 410, "body": "Gone", "content_type": "text/plain"},
    {"status": 401, "body": '{"message": "Unauthorized"}', "content_type": "application/json"},
], ids=["unreachable", "503", "410-retired", "401"])
def test_trust_failing_is_a_warn_never_org_unavailable(trust_answer: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Retried Trust failures stay out of the service events: org-availability must not read them as the
    org's, and a 401 from Trust is not the org's session expiring."""
    def setup(mock: responses.RequestsMock) -> None:
        mock.add("GET", TRUST_URL, **trust_answer)

    run = audit_org(healthy_org(), "--trust-status", "--hubspot-allocation", "20000", monkeypatch=monkeypatch,
                    setup=setup)
    assert run.result.exit_code == 0, run.result.stderr
    assert run.report["would_suspend"] == []
    finding = one_trust(run)
    assert finding["status"] == "warn" and finding["message"].startswith("Salesforce Trust status unknown for USA596")
    for check in ("org-availability", "server-errors", "unexpected-answers"):
        assert run.status(check) == "pass", check


def test_an_unknown_instance_is_status_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    org = healthy_org()
    org.trust = FakeTrust({"NA45": instance_status("NA45")})  # Trust does not know USA596
    run = audit_org(org, "--trust-status", monkeypatch=monkeypatch)
    assert "HTTP 404 for instance USA596" in one_trust(run)["message"]
    assert one_trust(run)["status"] == "warn"


def test_an_org_that_is_down_is_not_looked_up_on_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    org = trusted_org()
    org.faults.append(Fault(r"^/services/", 503, MAINTENANCE_PAGE, HTML))
    run = audit_org(org, "--trust-status", monkeypatch=monkeypatch)
    assert run.result.exit_code == 1 and run.status("org-availability") == "fail"
    assert trust_calls(run) == []
    assert one_trust(run)["status"] == "warn" and "instance is unknown" in one_trust(run)["message"]


def test_an_api_refusal_is_not_looked_up_on_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.simulator.scenarios import API_DISABLED

    org = trusted_org()
    org.faults.append(Fault(r"^/services/data/", 403, API_DISABLED))
    run = audit_org(org, "--trust-status", monkeypatch=monkeypatch)
    assert run.result.exit_code == 1 and run.status("api-enabled") == "fail"
    assert trust_calls(run) == []
    assert one_trust(run)["status"] == "warn" and "refused API access" in one_trust(run)["message"]


def test_a_saved_snapshot_re_evaluates_trust_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    saved = tmp_path / "snapshot.json"
    live = audit_org(trusted_org("MINOR_INCIDENT_CORE"), "--trust-status", "--save-snapshot", str(saved),
                     monkeypatch=monkeypatch)
    assert json.loads(saved.read_text())["trust"]["status"] == "MINOR_INCIDENT_CORE"
    offline = run_cli("audit", "--snapshot", str(saved), "--format", "json")
    assert json.loads(offline.stdout)["findings"] == live.report["findings"]


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(("setting", "flags", "asked"), [
    ("trust_status = true\n", (), True),
    ("trust-status = true\n", (), True),
    ("trust_status = true\n", ("--no-trust-status",), False),
    ("trust_status = false\n", ("--trust-status",), True),
    ("", (), False),
])
def test_the_trust_status_setting(setting: str, flags: tuple[str, ...], asked: bool, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(setting, encoding="utf-8")
    run = audit_org(trusted_org(), "--config", str(config), *flags, monkeypatch=monkeypatch)
    assert run.result.exit_code == 0, run.result.stderr
    assert bool(trust_calls(run)) is asked and bool(trust_findings(run)) is asked


@pytest.mark.parametrize("setting", ['trust_status = "yes"\n', "trust_status = 1\n", "hubspot_allocation = true\n"])
def test_a_setting_of_the_wrong_type_is_refused(setting: str, tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(setting, encoding="utf-8")
    result = run_cli("audit", "--config", str(config), "--replay", str(ROOT / "cassettes" / "healthy.yaml"))
    assert result.exit_code == 2
    assert "has the wrong type" in result.stderr


# --------------------------------------------------------------------------- the recorded cassettes


@pytest.mark.parametrize("name", ["trust-maintenance", "trust-minor-incident"])
def test_the_recordings_hold_the_trust_answer_and_replay_without_the_flag_too(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cassette = ROOT / "cassettes" / f"{name}.yaml"
    entries = [item["response"] for item in yaml.safe_load(cassette.read_text(encoding="utf-8"))["responses"]]
    assert [e["url"] for e in entries if "api.status" in e["url"]] == [TRUST_URL]
    # Without the flag the Trust answer is simply not asked for.
    result = run_cli("audit", "--replay", str(cassette), "--format", "json", "--hubspot-allocation", "20000")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert not [f for f in document["findings"] if f["check"] == "trust-status"]
    assert document["api_usage"] == {"http_requests": 4, "api_calls": 3}  # with the sync round (issue 15)


def test_maintenance_helper_matches_the_reference_shape() -> None:
    entry = maintenance(1, "NA45 Maintenance", "2026-12-05T04:00:00.000Z", "2026-12-05T08:00:00.000Z")
    assert {"id", "name", "externalId", "plannedStartTime", "plannedEndTime", "additionalInformation", "message"} <= set(entry)
    assert {"maintenanceType", "availability", "eventStatus"} <= set(entry["message"])
    assert {"key", "location", "environment", "releaseVersion", "releaseNumber", "status", "isActive", "Incidents",
            "Maintenances"} <= set(instance_status("NA45"))
