"""GuardedSession's retries, backoff, timeouts, deadline, counting and --debug log.

Delays are observed through the injected ``sleep``; the clock is a fake one where time matters,
so nothing here waits for real.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses

from auditor import transport
from auditor.errors import AuditIncomplete
from auditor.redact import Redactor
from auditor.transport import GuardedSession, RetryPolicy, parse_retry_after
from tests import connect_fixtures as fx
from tests.simulator.scenarios import healthy_org
from tests.test_faults import TOKEN, audit_org

BASE = "https://acme.my.salesforce.com"
LIMITS = f"{BASE}/services/data/v62.0/limits"
SOAP_LOGIN = "https://login.salesforce.com/services/Soap/u/62.0"
TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"
BUSY = '[{"errorCode": "SERVER_UNAVAILABLE", "message": "Server too busy"}]'


class Sleeps(list[float]):
    """An injected sleep that records every delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class FakeClock:
    """time.monotonic for auditor.transport: advances only when told (or when an answer 'takes' time)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(transport, "time", fake)  # only auditor.transport's view of time
    return fake


def make(sleeps: Sleeps | None = None, **kwargs: Any) -> GuardedSession:
    return GuardedSession(sleep=sleeps if sleeps is not None else Sleeps(), **kwargs)


# ----------------------------------------------------------------------------- backoff


def test_delays_grow_with_jitter_and_are_bounded(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=BUSY, status=503)
    policy = RetryPolicy(attempts=7, base_delay=0.5, max_delay=4.0)
    for _ in range(20):  # jitter is random: look at many runs
        sleeps = Sleeps()
        answer = make(sleeps, retry=policy).request("GET", LIMITS)
        assert answer.status_code == 503  # the last answer is returned for the collector to report
        assert len(sleeps) == policy.attempts - 1
        ceilings = [min(policy.max_delay, policy.base_delay * 2**n) for n in range(len(sleeps))]
        for delay, ceiling in zip(sleeps, ceilings):
            assert ceiling / 2 <= delay <= ceiling  # "equal jitter": half fixed, half random
        assert max(sleeps) <= policy.max_delay
    # Each retry's window is twice the previous one until the cap: the delays grow.
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(mock.calls) == 20 * policy.attempts


def test_jitter_spreads_the_delays(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=BUSY, status=503)
    firsts = set()
    for _ in range(10):
        sleeps = Sleeps()
        make(sleeps, retry=RetryPolicy(attempts=2)).request("GET", LIMITS)
        firsts.add(sleeps[0])
    assert len(firsts) > 1


def test_attempts_are_bounded_and_the_last_answer_is_returned(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=BUSY, status=500)
    session = make(retry=RetryPolicy(attempts=3))
    assert session.request("GET", LIMITS).status_code == 500
    assert len(mock.calls) == 3
    # The two earlier failures are kept for the availability checks; the last one is the answer.
    assert [(f.status, f.recovered) for f in session.failures] == [(500, False), (500, False)]
    assert session.stats.http_requests == 3 and session.stats.api_calls == 0  # a 5xx is not counted


def test_a_retry_that_succeeds_is_recorded_as_recovered(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=BUSY, status=503)
    mock.add("GET", LIMITS, json={}, status=200)
    sleeps = Sleeps()
    session = make(sleeps)
    assert session.request("GET", LIMITS).status_code == 200
    assert len(mock.calls) == 2 and len(sleeps) == 1
    assert [(f.path, f.status, f.recovered) for f in session.failures] == [("/services/data/v62.0/limits", 503, True)]
    assert session.stats.api_calls == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429])
def test_client_errors_are_not_retried(mock: responses.RequestsMock, status: int) -> None:
    mock.add("GET", LIMITS, json=[{"errorCode": "X", "message": "no"}], status=status)
    sleeps = Sleeps()
    assert make(sleeps).request("GET", LIMITS).status_code == status
    assert len(mock.calls) == 1 and sleeps == []


def test_retry_after_is_honoured(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=BUSY, status=503, headers={"Retry-After": "7"})
    mock.add("GET", LIMITS, json={}, status=200)
    sleeps = Sleeps()
    assert make(sleeps, retry=RetryPolicy(max_delay=2.0)).request("GET", LIMITS).status_code == 200
    assert sleeps == [7.0]  # the server's wish, even above our own cap


def test_a_retry_after_too_long_to_wait_is_not_waited(mock: responses.RequestsMock) -> None:
    """'Come back in an hour' is an outage, not a blip: report it rather than hang the audit."""
    mock.add("GET", LIMITS, body=BUSY, status=503, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    assert make(sleeps).request("GET", LIMITS).status_code == 503
    assert sleeps == [] and len(mock.calls) == 1


@pytest.mark.parametrize(("header", "expected"), [
    (None, None), ("", None), ("12", 12.0), (" 3 ", 3.0), ("1.5", 1.5), ("-4", 0.0),
    ("Wed, 21 Oct 2026 07:28:00 GMT", None), ("soon", None),
])
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_connection_errors_are_retried_then_reported(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=requests.ConnectionError("Connection reset by peer"))
    sleeps = Sleeps()
    session = make(sleeps, retry=RetryPolicy(attempts=4))
    with pytest.raises(AuditIncomplete, match=r"^cannot reach acme.my.salesforce.com: connection failed$"):
        session.request("GET", LIMITS)
    assert len(mock.calls) == 4 and len(sleeps) == 3
    assert all(f.status is None and not f.recovered for f in session.failures)
    assert session.stats.api_calls == 0


def test_connection_error_then_success(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, body=requests.ConnectionError("Connection reset by peer"))
    mock.add("GET", LIMITS, json={}, status=200)
    session = make()
    assert session.request("GET", LIMITS).status_code == 200
    assert [(f.status, f.note, f.recovered) for f in session.failures] == [(None, "ConnectionError", True)]


@pytest.mark.parametrize(("error", "message"), [
    (requests.ConnectionError("Failed to resolve 'acme.my.salesforce.com' ([Errno -2] Name or service not known)"),
     "unknown host acme.my.salesforce.com: check --instance-url / --domain"),
    (requests.ReadTimeout("read timed out"),
     "no answer from acme.my.salesforce.com before the timeout; check the network or raise --timeout"),
    (requests.ConnectTimeout("connect timed out"),
     "no answer from acme.my.salesforce.com before the timeout; check the network or raise --timeout"),
    (requests.exceptions.SSLError("certificate verify failed"),
     "TLS error talking to acme.my.salesforce.com: the certificate could not be verified (proxy or clock?)"),
])
def test_connection_failures_are_one_clear_line(mock: responses.RequestsMock, error: Exception, message: str) -> None:
    mock.add("GET", LIMITS, body=error)
    with pytest.raises(AuditIncomplete) as failed:
        make(retry=RetryPolicy(attempts=2)).request("GET", LIMITS)
    assert str(failed.value) == message


# ------------------------------------------------------------------------------ login endpoints


def test_soap_login_fault_500_is_not_retried(mock: responses.RequestsMock) -> None:
    """A refused login is an HTTP 500 SOAP fault: retrying it only risks locking the user out."""
    mock.add("POST", SOAP_LOGIN, body=fx.soap_login_fault("INVALID_LOGIN"), status=500, content_type="text/xml")
    sleeps = Sleeps()
    session = make(sleeps)
    headers = {"SOAPAction": "login", "Content-Type": "text/xml"}
    body = ('<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
            "<n1:login xmlns:n1='urn:partner.soap.sforce.com'/></env:Body></env:Envelope>")
    assert session.post(SOAP_LOGIN, body, headers=headers).status_code == 500
    assert len(mock.calls) == 1 and sleeps == []


def test_token_endpoint_500_is_not_retried_but_503_is(mock: responses.RequestsMock) -> None:
    mock.add("POST", TOKEN_URL, json={"error": "unknown_error"}, status=500)
    sleeps = Sleeps()
    assert make(sleeps).post(TOKEN_URL, {"grant_type": "x"}).status_code == 500
    assert len(mock.calls) == 1
    mock.replace("POST", TOKEN_URL, body="<html>Service Unavailable</html>", status=503)
    assert make(sleeps).post(TOKEN_URL, {"grant_type": "x"}).status_code == 503
    assert len(mock.calls) == 1 + RetryPolicy().attempts


def test_soap_login_gateway_errors_are_retried(mock: responses.RequestsMock) -> None:
    mock.add("POST", SOAP_LOGIN, body="<html>Bad Gateway</html>", status=502)
    mock.add("POST", SOAP_LOGIN, body=fx.soap_login_success(), status=200, content_type="text/xml")
    from simple_salesforce.api import Salesforce

    sleeps = Sleeps()
    sf = Salesforce(username="u@example.com", password="pw", security_token="", version="62.0", session=make(sleeps))
    assert sf.session_id == fx.FAKE_SESSION_ID
    assert len(mock.calls) == 2 and len(sleeps) == 1


# ------------------------------------------------------------------------------ timeout and deadline


def test_timeout_is_sent_with_every_request(mock: responses.RequestsMock) -> None:
    mock.add("GET", LIMITS, json={})
    make(timeout=12.5).request("GET", LIMITS)
    make().request("GET", LIMITS)
    assert [c.request.req_kwargs["timeout"] for c in mock.calls] == [12.5, 30.0]


def test_deadline_caps_the_timeout_of_each_attempt(mock: responses.RequestsMock, clock: FakeClock) -> None:
    """Each attempt may only wait for what is left of the deadline, retries included."""

    def slow_busy(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        clock.now += 4.0  # the answer took 4 s
        return 503, {"Content-Type": "application/json"}, BUSY

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += seconds

    mock.add_callback("GET", LIMITS, callback=slow_busy)
    sleeps = Sleeps()
    session = GuardedSession(sleep=sleep, timeout=30.0, deadline=10.0,
                             retry=RetryPolicy(attempts=5, base_delay=0.5, max_delay=0.5))
    session.request("GET", LIMITS)
    timeouts = [c.request.req_kwargs["timeout"] for c in mock.calls]
    elapsed = [0.0] + [4.0 * n + sum(sleeps[:n]) for n in range(1, len(timeouts))]
    assert timeouts == pytest.approx([10.0 - e for e in elapsed])
    assert len(timeouts) == 3  # at 0 s, ~4.4 s and ~8.8 s; a fourth would start past the deadline


def test_past_the_deadline_nothing_more_is_sent(mock: responses.RequestsMock, clock: FakeClock) -> None:
    mock.add("GET", LIMITS, json={})
    session = make(deadline=5.0)
    session.request("GET", LIMITS)
    clock.now += 5.0
    with pytest.raises(AuditIncomplete, match="--deadline; nothing more was sent"):
        session.request("GET", LIMITS)
    assert len(mock.calls) == 1


def test_no_retry_when_the_delay_would_cross_the_deadline(mock: responses.RequestsMock, clock: FakeClock) -> None:
    mock.add("GET", LIMITS, body=BUSY, status=503, headers={"Retry-After": "6"})
    sleeps = Sleeps()
    assert make(sleeps, deadline=5.0).request("GET", LIMITS).status_code == 503
    assert sleeps == [] and len(mock.calls) == 1


def test_cli_timeout_reaches_each_request(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(healthy_org(), "--timeout", "7", monkeypatch=monkeypatch)
    assert run.result.exit_code == 0, run.result.stderr
    assert {c.request.req_kwargs["timeout"] for c in run.calls} == {7.0}


def test_cli_deadline_stops_the_audit_with_exit_3(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    def slow(request: requests.PreparedRequest) -> None:
        clock.now += 2.5  # every answer takes 2.5 s

    run = audit_org(healthy_org(), "--deadline", "2", monkeypatch=monkeypatch, before_answer=slow)
    assert run.result.exit_code == 3
    assert run.result.stdout == ""
    assert run.result.stderr.strip().splitlines()[-1] == (
        "auditor: the audit ran past its --deadline; nothing more was sent")
    # userinfo took the whole deadline: /limits and /composite were never sent.
    assert run.paths == ["/services/oauth2/userinfo"]


# ------------------------------------------------------------------------------ counting


def test_what_counts_as_an_api_call(mock: responses.RequestsMock) -> None:
    mock.add("GET", re.compile(r"https://acme\.my\.salesforce\.com/.*"), json={})
    mock.add("POST", re.compile(r"https://acme\.my\.salesforce\.com/.*"), json={})
    session = make()
    session.request("GET", f"{BASE}/services/data")  # versions list: free
    session.request("GET", f"{BASE}/services/data/")  # free
    session.request("GET", f"{BASE}/services/oauth2/userinfo")  # free
    session.request("GET", LIMITS)  # 1
    session.request("GET", f"{BASE}/services/data/v62.0/query/01g5g0000000001-2000")  # next page: 1
    session.request("POST", f"{BASE}/services/data/v62.0/composite",
                    json={"compositeRequest": [{"method": "GET", "url": "/services/data/v62.0/limits",
                                                "referenceId": f"r{i}"} for i in range(25)]})  # 25 subrequests: 1
    assert (session.stats.http_requests, session.stats.api_calls) == (6, 3)
    assert session.stats.usage().api_calls == 3


# ------------------------------------------------------------------------------ --debug log

_DEBUG_LINE = re.compile(
    r"^\[debug\] (GET|POST) (?P<host>[\w.-]+)(?P<path>/\S*) -> (?P<outcome>\d{3}|no answer \(\w+\)) "
    r"in \d+ ms, (?P<calls>[01]) api calls?$"
)


def test_debug_log_has_a_line_per_attempt_without_secrets(mock: responses.RequestsMock) -> None:
    secret = "00DFAKE000000000!SECRETTOKENVALUE"
    mock.add("GET", LIMITS, body=BUSY, status=503)
    mock.add("GET", LIMITS, json={}, status=200)
    mock.add("GET", f"{BASE}/services/data/v62.0/query", json={"done": True, "records": []})
    mock.add("GET", f"{BASE}/services/oauth2/userinfo", body=requests.ConnectionError("reset"))
    log = io.StringIO()
    session = make(debug=log, redactor=Redactor([secret]), retry=RetryPolicy(attempts=2))
    session.headers["Authorization"] = f"Bearer {secret}"
    session.request("GET", LIMITS)
    session.request("GET", f"{BASE}/services/data/v62.0/query?q=SELECT+Id+FROM+User+WHERE+Name='{secret}'")
    with pytest.raises(AuditIncomplete):
        session.request("GET", f"{BASE}/services/oauth2/userinfo?access_token={secret}")
    lines = log.getvalue().splitlines()
    assert len(lines) == 5 == session.stats.http_requests
    parsed = [_DEBUG_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["path"].split("?")[0], m["outcome"], m["calls"]) for m in parsed if m] == [
        ("/services/data/v62.0/limits", "503", "0"),
        ("/services/data/v62.0/limits", "200", "1"),
        ("/services/data/v62.0/query", "200", "1"),
        ("/services/oauth2/userinfo", "no answer (ConnectionError)", "0"),
        ("/services/oauth2/userinfo", "no answer (ConnectionError)", "0"),
    ]
    assert secret not in log.getvalue() and "SECRETTOKENVALUE" not in log.getvalue()


def test_cli_debug_logs_every_request_without_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    run = audit_org(healthy_org(), "--debug", monkeypatch=monkeypatch)
    assert run.result.exit_code == 0, run.result.stderr
    lines = [line for line in run.result.stderr.splitlines() if line.startswith("[debug] ")]
    assert len(lines) == len(run.calls) == 4
    seen = sorted((m["path"], m["outcome"], m["calls"]) for m in map(_DEBUG_LINE.match, lines) if m)
    assert seen == [
        ("/services/data/v62.0/composite", "200", "1"),
        ("/services/data/v62.0/composite", "200", "1"),  # the sync round (issue 15)
        ("/services/data/v62.0/limits", "200", "1"),
        ("/services/oauth2/userinfo", "200", "0"),
    ]
    assert TOKEN not in run.result.stderr + run.result.stdout
    # Without --debug there is no request log.
    quiet = audit_org(healthy_org(), monkeypatch=monkeypatch)
    assert "[debug]" not in quiet.result.stderr
