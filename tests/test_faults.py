"""Fault injection: the real CLI against simulated orgs that fail in the ways Salesforce fails.

Each test runs ``auditor audit --format json`` in-process against tests/simulator (installed
into a `responses` mock, as tests/regen_cassettes.py does) with one kind of failure injected,
and asserts the exact outcome: exit status, predicted suspensions, and the finding that says why.
Retries do not wait: the CLI's sleep is replaced by one that only records the delays.
"""

from __future__ import annotations

import json
import os
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import responses

from auditor.commands import session as cli  # where the retries sleep
from auditor.transport import RetryPolicy
from tests import connect_fixtures as fx
from tests.clirun import CliResult, run_cli
from tests.simulator.org import JSON, MAINTENANCE_PAGE, FakeOrg, Fault, error_body
from tests.simulator.scenarios import USER_ID, healthy_org

# Obviously fake, recognisable, and never expected anywhere in the output.
TOKEN = "00DFAKE000000000!SECRETTOKENVALUE"  # pragma: allowlist secret
HTML = "text/html;charset=UTF-8"
UNKNOWN_EXCEPTION = error_body("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if "
                                                    "you contact support: 1383407581-97434 (-1193852826)")
BUSY = error_body("SERVER_UNAVAILABLE", "Server too busy")
ATTEMPTS = RetryPolicy().attempts


@dataclass
class OrgRun:
    result: CliResult
    calls: list[Any]  # responses.Call: what reached the simulator (and the login mocks)
    sleeps: list[float] = field(default_factory=list)

    @property
    def report(self) -> dict[str, Any]:
        assert self.result.stdout.strip(), self.result.stderr
        document: dict[str, Any] = json.loads(self.result.stdout)
        return document

    def findings(self, check: str) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if f["check"] == check]

    def status(self, check: str) -> str:
        (finding,) = self.findings(check)
        return str(finding["status"])

    @property
    def paths(self) -> list[str]:
        return [c.request.path_url.split("?")[0] for c in self.calls]


def audit_org(
    org: FakeOrg,
    *args: str,
    monkeypatch: pytest.MonkeyPatch,
    command: str = "audit",
    before_answer: Callable[[requests.PreparedRequest], None] | None = None,
    setup: Callable[[responses.RequestsMock], None] | None = None,
    login: tuple[str, ...] | None = None,
    env: dict[str, str] | None = None,
) -> OrgRun:
    """Run the CLI against ``org``; ``before_answer`` may raise (a connection error) or move a clock.

    ``setup`` registers extra mocks (login endpoints) ahead of the org; ``login`` replaces the
    access-token flags (e.g. username and password); ``env`` is the only SF_* environment.
    """
    for name in list(os.environ):
        if name.startswith(("SF_", "AUDITOR_")):
            monkeypatch.delenv(name)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    sleeps: list[float] = []
    monkeypatch.setattr(cli, "time", types.SimpleNamespace(sleep=sleeps.append))
    if before_answer is not None:
        answer = org._callback

        def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
            before_answer(request)
            return answer(request)

        org._callback = callback  # type: ignore[method-assign]
    credentials = login if login is not None else ("--instance-url", org.base, "--access-token", TOKEN)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        if setup is not None:
            setup(mock)
        org.install(mock)
        result = run_cli(command, *credentials, "--format", "json", *args)
        calls = list(mock.calls)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return OrgRun(result, calls, sleeps)


def one_line(result: CliResult) -> str:
    """The single error line on stderr (the 'auditing ... as ...' progress line aside)."""
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("auditor: auditing ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def with_faults(*faults: Fault) -> FakeOrg:
    org = healthy_org()
    org.faults.extend(faults)
    return org


# ------------------------------------------------------------------------------- outages


def test_maintenance_page_on_every_data_call_is_org_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(with_faults(Fault(r"^/services/data/", 503, MAINTENANCE_PAGE, HTML)), monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["SF_ORG_UNAVAILABLE"]
    (finding,) = run.findings("org-availability")
    assert finding["status"] == "fail"
    assert "HTTP 503" in finding["message"] and "maintenance" in finding["message"].lower()
    # An HTML page is an outage, not an answer the auditor failed to understand.
    assert run.status("unexpected-answers") == "pass"
    assert "JSON" not in finding["message"]
    # userinfo once, then /limits and /composite each tried ATTEMPTS times.
    assert len(run.calls) == 1 + 2 * ATTEMPTS and len(run.sleeps) == 2 * (ATTEMPTS - 1)


def test_maintenance_page_on_everything_is_org_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even the identity request (userinfo) answers the maintenance page."""
    run = audit_org(with_faults(Fault(r".*", 503, MAINTENANCE_PAGE, HTML)), monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["SF_ORG_UNAVAILABLE"]
    (finding,) = run.findings("org-availability")
    assert finding["status"] == "fail" and "/services/oauth2/userinfo" in finding["message"]
    assert run.status("unexpected-answers") == "pass"
    assert run.paths == ["/services/oauth2/userinfo"] * ATTEMPTS  # nothing more is asked of an org that is down


def test_persistent_unknown_exception_is_server_error(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(with_faults(Fault(r"^/services/data/", 500, UNKNOWN_EXCEPTION)), monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["SF_SERVER_ERROR"]
    (finding,) = run.findings("server-errors")
    assert finding["status"] == "fail"
    assert "UNKNOWN_EXCEPTION" in finding["message"] and "1383407581-97434" in finding["message"]
    assert run.status("org-availability") == "pass"
    assert len(run.calls) == 1 + 2 * ATTEMPTS


def test_unknown_exception_inside_the_composite_is_server_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subrequest's own 500 (the composite itself says 200) is not retried but still reported."""
    run = audit_org(with_faults(Fault(r"FROM\+ApexTrigger|FROM%20ApexTrigger", 500, UNKNOWN_EXCEPTION, subrequest=True)),
                    monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["SF_SERVER_ERROR"]
    assert run.status("server-errors") == "fail"
    # The Apex triggers could not be read; the record-triggered flows (issue 15, the sync round) could.
    assert [f["status"] for f in run.findings("row-lock-risk")] == ["error", "pass"]
    assert len(run.calls) == 4


# ------------------------------------------------------------------------------- session


def test_session_rejected_mid_audit_is_exit_3_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    org = with_faults(Fault(r"/composite", 401, error_body("INVALID_SESSION_ID", "Session expired or invalid")))
    run = audit_org(org, monkeypatch=monkeypatch)
    assert run.result.exit_code == 3
    assert run.result.stdout == ""
    assert one_line(run.result) == (
        "auditor: Salesforce rejected the session (INVALID_SESSION_ID): it expired or was revoked; log in again "
        "(a new access token, or 'sf org login web' for --target-org)")
    assert run.paths[0] == "/services/oauth2/userinfo"
    assert "/services/data/v62.0/composite" in run.paths
    assert run.sleeps == []  # a 401 is not retried


def test_token_refused_at_userinfo_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    org = with_faults(Fault(r"/userinfo", 403, "Forbidden", "text/plain"))
    run = audit_org(org, monkeypatch=monkeypatch)
    assert run.result.exit_code == 3
    assert "rejected the session" in one_line(run.result)
    assert len(run.calls) == 1


# ------------------------------------------------------------------------------- transient


def test_flaky_start_recovers_with_an_availability_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    healthy = audit_org(healthy_org(), "--hubspot-allocation", "20000", monkeypatch=monkeypatch)
    org = with_faults(Fault(r"^/services/data/", 503, BUSY, times=2))  # /limits and /composite, once each
    run = audit_org(org, "--hubspot-allocation", "20000", monkeypatch=monkeypatch)
    assert run.result.exit_code == 0, run.result.stderr
    assert run.report["would_suspend"] == []
    (finding,) = run.findings("org-availability")
    assert finding["status"] == "warn"
    assert "recovered" in finding["message"] and "a retry succeeded" in finding["message"]
    assert len(run.sleeps) == 2
    others = [f for f in run.report["findings"] if f["check"] != "org-availability"]
    assert others == [f for f in healthy.report["findings"] if f["check"] != "org-availability"]
    # Two more HTTP requests than the healthy run; a refused (5xx) request costs no API call.
    assert run.report["api_usage"]["http_requests"] == healthy.report["api_usage"]["http_requests"] + 2
    assert run.report["api_usage"]["api_calls"] == healthy.report["api_usage"]["api_calls"]


def test_connection_error_then_success(monkeypatch: pytest.MonkeyPatch) -> None:
    failures = {"left": 1}

    def reset_once(request: requests.PreparedRequest) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise requests.ConnectionError("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))")

    run = audit_org(healthy_org(), "--hubspot-allocation", "20000", monkeypatch=monkeypatch, before_answer=reset_once)
    assert run.result.exit_code == 0, run.result.stderr
    assert run.status("org-availability") == "warn"
    assert "/services/oauth2/userinfo" in run.findings("org-availability")[0]["message"]
    assert len(run.sleeps) == 1
    assert run.report["would_suspend"] == []


def test_unknown_host_is_exit_3_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def unresolvable(request: requests.PreparedRequest) -> None:
        raise requests.ConnectionError(
            "HTTPSConnectionPool(host='acme.my.salesforce.com', port=443): Max retries exceeded with url: "
            "/services/oauth2/userinfo (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection>: "
            "Failed to resolve 'acme.my.salesforce.com' ([Errno -2] Name or service not known)\"))")

    run = audit_org(healthy_org(), monkeypatch=monkeypatch, before_answer=unresolvable)
    assert run.result.exit_code == 3
    assert run.result.stdout == ""
    assert one_line(run.result) == "auditor: unknown host acme.my.salesforce.com: check --instance-url / --domain"
    assert len(run.calls) == ATTEMPTS  # userinfo only, retried; nothing after it


def test_timeout_on_every_request_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_slow(request: requests.PreparedRequest) -> None:
        raise requests.ReadTimeout("HTTPSConnectionPool(host='acme.my.salesforce.com', port=443): Read timed out.")

    run = audit_org(healthy_org(), "--timeout", "5", monkeypatch=monkeypatch, before_answer=too_slow)
    assert run.result.exit_code == 3
    assert one_line(run.result) == (
        "auditor: no answer from acme.my.salesforce.com before the timeout; check the network or raise --timeout")
    assert len(run.calls) == ATTEMPTS
    assert {c.request.req_kwargs["timeout"] for c in run.calls} == {5.0}


def test_one_timeout_then_success_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def slow_limits_once(request: requests.PreparedRequest) -> None:
        if request.path_url.endswith("/limits") and "limits" not in seen:
            seen.append("limits")
            raise requests.ReadTimeout("Read timed out.")

    run = audit_org(healthy_org(), "--hubspot-allocation", "20000", monkeypatch=monkeypatch,
                    before_answer=slow_limits_once)
    assert run.result.exit_code == 0, run.result.stderr
    assert run.status("org-availability") == "warn"
    assert run.status("daily-api-headroom") == "pass"


# ------------------------------------------------------------------------------- odd answers


def test_malformed_json_is_unknown_error(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(with_faults(Fault(r"/composite", 200, '{"compositeResponse": [{"body": {"Id": "005')),
                    monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert "UNKNOWN_ERROR" in run.report["would_suspend"]
    failing = [f for f in run.findings("unexpected-answers") if f["status"] == "fail"]
    assert failing and all("compositeResponse" in f["message"] for f in failing)
    # Every part the composite carried is an error, never a silent pass.
    assert run.status("api-enabled") == "error"
    assert run.status("daily-api-headroom") == "pass"  # /limits came separately and was fine


def test_html_where_json_was_due_is_unknown_error(monkeypatch: pytest.MonkeyPatch) -> None:
    page = "<html><body><h1>Welcome to the proxy</h1></body></html>"
    run = audit_org(with_faults(Fault(r"/limits", 200, page, HTML)), monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["UNKNOWN_ERROR"]
    (finding,) = [f for f in run.findings("unexpected-answers") if f["status"] == "fail"]
    assert "/limits" in finding["message"]
    assert run.status("daily-api-headroom") == "error"


def test_soap_login_fault_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    def login_refused(mock: responses.RequestsMock) -> None:
        mock.add("POST", "https://login.salesforce.com/services/Soap/u/62.0", body=fx.soap_login_fault("INVALID_LOGIN"),
                 status=500, content_type="text/xml")

    run = audit_org(healthy_org(), monkeypatch=monkeypatch, setup=login_refused,
                    login=("--username", "hubspot.sync@acme.example.com", "--password", "Hunter2-SECRET-pw"))
    assert run.result.exit_code == 3
    assert "INVALID_LOGIN" in one_line(run.result)
    assert len(run.calls) == 1 and run.sleeps == []


def test_soap_login_through_a_busy_gateway_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    org = healthy_org()

    def busy_then_ok(mock: responses.RequestsMock) -> None:
        url = "https://login.salesforce.com/services/Soap/u/62.0"
        mock.add("POST", url, body="<html>503 Service Temporarily Unavailable</html>", status=503, content_type=HTML)
        mock.add("POST", url, body=fx.soap_login_success(server_host=org.host, user_id=USER_ID, org_id=org.org_id),
                 content_type="text/xml")

    run = audit_org(org, "--hubspot-allocation", "20000", monkeypatch=monkeypatch, setup=busy_then_ok,
                    login=("--username", "hubspot.sync@acme.example.com", "--password", "Hunter2-SECRET-pw"))
    assert run.result.exit_code == 0, run.result.stderr
    assert len(run.sleeps) == 1
    assert run.status("org-availability") == "warn"


def test_json_error_body_on_a_503_is_still_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(with_faults(Fault(r"^/services/data/", 503, BUSY, JSON)), monkeypatch=monkeypatch)
    assert run.result.exit_code == 1
    assert run.report["would_suspend"] == ["SF_ORG_UNAVAILABLE"]
    assert "SERVER_UNAVAILABLE" in run.findings("org-availability")[0]["message"]


def test_retried_failures_of_another_host_are_not_the_orgs() -> None:
    """A retried 503 from Salesforce Trust (or any other host) must never read as the org being down."""
    from types import SimpleNamespace

    from auditor.collect import CollectTarget, Strategy, _Collection
    from auditor.config import AuditConfig
    from auditor.snapshot import FailureKind
    from auditor.transport import RetriedFailure

    session = SimpleNamespace(failures=[
        RetriedFailure("/v1/instances/USA596/status", 503, "Service Unavailable", False, "api.status.salesforce.com"),
        RetriedFailure("/services/data/v62.0/limits", 503, "Service Unavailable", True, "acme.my.salesforce.com"),
        RetriedFailure("/services/Soap/u/62.0", 503, "Service Unavailable", True, "login.salesforce.com"),
    ])
    target = CollectTarget(session, "https://acme.my.salesforce.com", {}, "62.0")  # type: ignore[arg-type]
    events = _Collection(target, AuditConfig(), Strategy.COMPOSITE)._service_events()
    assert sorted(e.path for e in events) == ["/services/Soap/u/62.0", "/services/data/v62.0/limits"]
    assert all(e.kind is FailureKind.ORG_UNAVAILABLE and e.recovered for e in events)
