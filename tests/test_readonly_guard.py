"""The read-only guarantee, enforced in code by GuardedSession (auditor/transport.py).

Every forbidden request shape is tried through the session with a `responses` mock that would
answer anything: the guard must raise ReadOnlyViolation and the mock must see no call at all.
The allowed shapes (GET, SOAP login, OAuth token, POST /composite of GETs) must go through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
from simple_salesforce.api import Salesforce

from auditor.errors import ReadOnlyViolation
from auditor.transport import GuardedSession, RetryPolicy, check_read_only

BASE = "https://acme.my.salesforce.com"
DATA = f"{BASE}/services/data/v62.0"
COMPOSITE = f"{DATA}/composite"
SOAP_LOGIN = "https://login.salesforce.com/services/Soap/u/62.0"
TOKEN = "https://login.salesforce.com/services/oauth2/token"
SOAP_HEADERS = {"Content-Type": "text/xml", "charset": "UTF-8", "SOAPAction": "login"}


def soap_envelope(operation: str, inner: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8" ?>'
        '<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">'
        "<env:Header><urn:SessionHeader><urn:sessionId>x</urn:sessionId></urn:SessionHeader></env:Header>"
        f"<env:Body><urn:{operation}>{inner}</urn:{operation}></env:Body></env:Envelope>"
    )


LOGIN_BODY = soap_envelope("login", "<urn:username>u@example.com</urn:username><urn:password>pw</urn:password>")


def composite(*methods: str, url: str = "/services/data/v62.0/sobjects/Account/describe") -> dict[str, Any]:
    return {"allOrNone": False, "compositeRequest": [
        {"method": m, "url": url, "referenceId": f"r{i}", **({"body": {"Name": "x"}} if m != "GET" else {})}
        for i, m in enumerate(methods)
    ]}


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    """Answers every method on every URL, so a request that got past the guard would be seen."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"):
            rsps.add(method, re.compile(r"https?://.*"), json={}, status=200)
        yield rsps


def session() -> GuardedSession:
    return GuardedSession(retry=RetryPolicy(attempts=1), sleep=lambda _s: None)


# (test id, method, url, keyword arguments for Session.request)
FORBIDDEN: list[tuple[str, str, str, dict[str, Any]]] = [
    ("PATCH sobject", "PATCH", f"{DATA}/sobjects/Account/0015g00000AbCdEAAV", {"json": {"Name": "x"}}),
    ("PUT sobject", "PUT", f"{DATA}/sobjects/Account/0015g00000AbCdEAAV", {"json": {"Name": "x"}}),
    ("DELETE sobject", "DELETE", f"{DATA}/sobjects/Account/0015g00000AbCdEAAV", {}),
    ("POST sobject (create)", "POST", f"{DATA}/sobjects/Account", {"json": {"Name": "x"}}),
    ("POST query", "POST", f"{DATA}/query", {"json": {"q": "SELECT Id FROM Account"}}),
    ("lower-case patch", "patch", f"{DATA}/sobjects/Contact/0035g00000AbCdEAAV", {"json": {}}),
    ("bytes method", b"DELETE", f"{DATA}/sobjects/Contact/0035g00000AbCdEAAV", {}),  # type: ignore[list-item]
    ("HEAD", "HEAD", f"{DATA}/limits", {}),
    ("composite with a PATCH subrequest", "POST", COMPOSITE, {"json": composite("GET", "PATCH")}),
    ("composite with a DELETE subrequest", "POST", COMPOSITE, {"json": composite("DELETE")}),
    ("composite with a POST subrequest", "POST", COMPOSITE, {"json": composite("GET", "POST")}),
    ("composite subrequest without method", "POST", COMPOSITE,
     {"json": {"compositeRequest": [{"url": "/services/data/v62.0/limits", "referenceId": "a"}]}}),
    ("composite subrequest method not text", "POST", COMPOSITE,
     {"json": {"compositeRequest": [{"method": ["GET"], "url": "/x", "referenceId": "a"}]}}),
    ("composite with an empty request list", "POST", COMPOSITE, {"json": {"compositeRequest": []}}),
    ("composite body not an object", "POST", COMPOSITE, {"json": [{"method": "GET", "url": "/x"}]}),
    ("composite body not JSON", "POST", COMPOSITE, {"data": "method=GET&url=/services/data/v62.0/limits"}),
    ("composite without a body", "POST", COMPOSITE, {}),
    ("composite form-encoded with a PATCH", "POST", COMPOSITE, {"data": {"compositeRequest": "PATCH"}}),
    ("PATCH to composite", "PATCH", COMPOSITE, {"json": composite("GET")}),
    ("composite/batch", "POST", f"{COMPOSITE}/batch",
     {"json": {"batchRequests": [{"method": "GET", "url": "v62.0/limits"}]}}),
    ("composite/tree", "POST", f"{COMPOSITE}/tree/Account",
     {"json": {"records": [{"attributes": {"type": "Account", "referenceId": "r"}, "Name": "x"}]}}),
    ("composite/sobjects", "POST", f"{COMPOSITE}/sobjects", {"json": {"allOrNone": False, "records": []}}),
    ("composite/graph", "POST", f"{COMPOSITE}/graph", {"json": {"graphs": []}}),
    ("tooling sobject create", "POST", f"{DATA}/tooling/sobjects/ApexClass", {"json": {"Body": "public class X {}"}}),
    ("tooling composite", "POST", f"{DATA}/tooling/composite", {"json": composite("GET")}),
    ("tooling executeAnonymous (a GET that runs Apex)", "GET",
     f"{DATA}/tooling/executeAnonymous/?anonymousBody=delete%20%5BSELECT%20Id%20FROM%20Account%5D%3B", {}),
    ("tooling runTestsAsynchronous", "GET", f"{DATA}/tooling/runTestsAsynchronous/?classids=01p5g000000AbCd", {}),
    ("Apex REST GET (custom code)", "GET", f"{BASE}/services/apexrest/acme/cleanup", {}),
    ("composite with an executeAnonymous GET", "POST", COMPOSITE,
     {"json": composite("GET", url="/services/data/v62.0/tooling/executeAnonymous/?anonymousBody=x")}),
    ("SOAP update", "POST", SOAP_LOGIN, {"data": soap_envelope("update"), "headers": {**SOAP_HEADERS, "SOAPAction": "update"}}),
    ("SOAP call without SOAPAction", "POST", SOAP_LOGIN, {"data": LOGIN_BODY, "headers": {"Content-Type": "text/xml"}}),
    ("SOAP update labelled login", "POST", SOAP_LOGIN, {"data": soap_envelope("update"), "headers": SOAP_HEADERS}),
    ("SOAP delete labelled login", "POST", SOAP_LOGIN, {"data": soap_envelope("delete"), "headers": SOAP_HEADERS}),
    ("SOAP login body not XML", "POST", SOAP_LOGIN, {"data": "login please", "headers": SOAP_HEADERS}),
    ("SOAP data endpoint (after login)", "POST", f"{SOAP_LOGIN}/00D5g000004SzXb",
     {"data": soap_envelope("update"), "headers": {**SOAP_HEADERS, "SOAPAction": "update"}}),
    ("SOAP login on the data endpoint", "POST", f"{SOAP_LOGIN}/00D5g000004SzXb", {"data": LOGIN_BODY, "headers": SOAP_HEADERS}),
    ("metadata API", "POST", f"{BASE}/services/Soap/m/62.0/00D5g000004SzXb",
     {"data": soap_envelope("deploy"), "headers": {**SOAP_HEADERS, "SOAPAction": "deploy"}}),
    ("OAuth revoke by GET", "GET", "https://login.salesforce.com/services/oauth2/revoke?token=x", {}),
    ("OAuth revoke", "POST", "https://login.salesforce.com/services/oauth2/revoke", {"data": {"token": "x"}}),
    ("bulk API 2.0 job", "POST", f"{DATA}/jobs/ingest", {"json": {"object": "Account", "operation": "delete"}}),
    ("bulk API 1.0 job", "POST", f"{BASE}/services/async/62.0/job", {"data": "<jobInfo/>"}),
    ("JSON says GET, the data sent says PATCH", "POST", COMPOSITE,
     {"json": composite("GET"), "data": json.dumps(composite("PATCH"))}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), [f[1:] for f in FORBIDDEN], ids=[f[0] for f in FORBIDDEN])
def test_forbidden_request_is_refused_before_it_is_sent(
    mock: responses.RequestsMock, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    guarded = session()
    with pytest.raises(ReadOnlyViolation) as refused:
        guarded.request(method, url, **kwargs)
    assert len(mock.calls) == 0  # nothing reached the wire
    assert guarded.stats.http_requests == 0 and guarded.stats.api_calls == 0
    assert refused.value.exit_status == 3
    assert "\n" not in str(refused.value)


def test_refusal_message_never_quotes_the_body(mock: responses.RequestsMock) -> None:
    body = soap_envelope("update", "<urn:password>Hunter2-SECRET-pw</urn:password>")
    with pytest.raises(ReadOnlyViolation) as refused:
        session().request("POST", SOAP_LOGIN, data=body, headers=SOAP_HEADERS)
    assert "Hunter2" not in str(refused.value)


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete", "head", "options"])
def test_session_shortcuts_go_through_the_guard(mock: responses.RequestsMock, verb: str) -> None:
    """requests' get/post/... helpers all funnel into request(), so they are guarded too."""
    guarded = session()
    url = f"{DATA}/sobjects/Account/0015g00000AbCdEAAV"
    if verb == "get":
        assert guarded.get(url).status_code == 200
        assert len(mock.calls) == 1
        return
    with pytest.raises(ReadOnlyViolation):
        getattr(guarded, verb)(url)
    assert len(mock.calls) == 0


def test_prepared_request_sent_directly_is_guarded(mock: responses.RequestsMock) -> None:
    """Session.send() skips request(): the guard must sit on what is actually sent."""
    guarded = session()
    prepared = guarded.prepare_request(requests.Request("DELETE", f"{DATA}/sobjects/Account/0015g00000AbCdEAAV"))
    with pytest.raises(ReadOnlyViolation):
        guarded.send(prepared)
    assert len(mock.calls) == 0


def test_redirect_to_a_write_endpoint_is_refused() -> None:
    """A 307 keeps the method and body: a redirected composite POST must be checked again."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add("POST", COMPOSITE, status=307, headers={"Location": f"{DATA}/sobjects/Account"})
        rsps.add("POST", f"{DATA}/sobjects/Account", json={"id": "0015g00000AbCdEAAV", "success": True}, status=201)
        with pytest.raises(ReadOnlyViolation):
            session().request("POST", COMPOSITE, json=composite("GET"))
        assert [c.request.url for c in rsps.calls] == [COMPOSITE]


def test_simple_salesforce_writes_are_refused(mock: responses.RequestsMock) -> None:
    """The library is handed the guarded session, so its own write helpers cannot get through."""
    sf = Salesforce(instance_url=BASE, session_id="00DFAKE000000000!FAKE", version="62.0", session=session())
    attempts = [
        lambda: sf.Account.create({"Name": "x"}),
        lambda: sf.Account.update("0015g00000AbCdEAAV", {"Name": "x"}),
        lambda: sf.Account.upsert("Ext__c/1", {"Name": "x"}),
        lambda: sf.Account.delete("0015g00000AbCdEAAV"),
        lambda: sf.restful("composite/tree/Account", method="POST", json={"records": []}),
        lambda: sf.restful("tooling/executeAnonymous", params={"anonymousBody": "delete [SELECT Id FROM Account];"}),
        lambda: sf.toolingexecute("sobjects/ApexClass", method="POST", data=json.dumps({"Body": "x"})),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyViolation):
            attempt()
    assert len(mock.calls) == 0


# ------------------------------------------------------------------------------- allowed


def test_get_is_sent(mock: responses.RequestsMock) -> None:
    guarded = session()
    assert guarded.request("GET", f"{DATA}/limits").status_code == 200
    assert guarded.request("GET", f"{DATA}/query?q=SELECT+Id+FROM+User").status_code == 200
    assert guarded.request("GET", f"{DATA}/tooling/query?q=SELECT+Id+FROM+ApexClass").status_code == 200
    assert len(mock.calls) == 3


def test_composite_of_gets_is_sent(mock: responses.RequestsMock) -> None:
    guarded = session()
    for kwargs in ({"json": composite("GET", "GET")}, {"data": json.dumps(composite("get"))},
                   {"data": json.dumps(composite("GET")).encode()}):
        assert guarded.request("POST", COMPOSITE, **kwargs).status_code == 200
    assert guarded.request("POST", COMPOSITE + "/", json=composite("GET")).status_code == 200
    assert len(mock.calls) == 4


def test_soap_login_and_token_endpoints_are_sent(mock: responses.RequestsMock) -> None:
    guarded = session()
    guarded.post(SOAP_LOGIN, LOGIN_BODY, headers=SOAP_HEADERS)
    guarded.post("https://acme.my.salesforce.com/services/Soap/c/62.0", LOGIN_BODY.encode(), headers=SOAP_HEADERS)
    guarded.post(TOKEN, {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"})
    assert len(mock.calls) == 3


def test_simple_salesforce_password_login_passes_the_guard() -> None:
    """The library's real SOAP login body must be recognised as a login."""
    from tests import connect_fixtures as fx

    with responses.RequestsMock() as rsps:
        rsps.add("POST", SOAP_LOGIN, body=fx.soap_login_success(), content_type="text/xml")
        sf = Salesforce(username="u@example.com", password="a<b&c", security_token="TOKEN", version="62.0",
                        session=session())
        assert sf.session_id == fx.FAKE_SESSION_ID
        assert len(rsps.calls) == 1


def test_check_read_only_is_usable_on_its_own() -> None:
    check_read_only("GET", f"{DATA}/limits", {}, None)
    check_read_only("POST", COMPOSITE, {}, composite("GET"))
    with pytest.raises(ReadOnlyViolation, match="only reads"):
        check_read_only("DELETE", f"{DATA}/sobjects/Account/001", {}, None)


@pytest.mark.parametrize("url", [
    "https://acme.my.salesforce.com/services/data/v62.0/sobjects/Account/0015g00000AbCdEAAA?_HttpMethod=PATCH",
    "https://acme.my.salesforce.com/services/data/v62.0/composite?_HttpMethod=DELETE",
    "https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+User&_httpmethod=DELETE",
])
def test_the_http_method_override_parameter_is_refused(url: str) -> None:
    from auditor.errors import ReadOnlyViolation
    from auditor.transport import check_read_only

    method = "GET" if "/query" in url else "POST"
    body = {"compositeRequest": [{"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": "a"}]}
    with pytest.raises(ReadOnlyViolation, match="_HttpMethod"):
        check_read_only(method, url, {}, body)


def test_a_composite_subrequest_with_the_override_is_refused() -> None:
    from auditor.errors import ReadOnlyViolation
    from auditor.transport import check_read_only

    body = {"compositeRequest": [{"method": "GET", "referenceId": "a",
                                  "url": "/services/data/v62.0/sobjects/Account/0015g00000AbCdEAAA?_HttpMethod=DELETE"}]}
    with pytest.raises(ReadOnlyViolation, match="_HttpMethod"):
        check_read_only("POST", "https://acme.my.salesforce.com/services/data/v62.0/composite", {}, body)


# ------------------------------------------------------------------------------- normalised paths

ESCAPES = [
    ("encoded dot segments to Apex REST", f"{DATA}/%2e%2e/%2e%2e/apexrest/Cleanup"),
    ("upper-case encoded dots", f"{DATA}/%2E%2E/%2E%2E/apexrest/Cleanup"),
    ("mixed dots", f"{DATA}/.%2e/%2e./apexrest/Cleanup"),
    ("literal dot segments", f"{DATA}/../../apexrest/Cleanup"),
    ("encoded letters", f"{BASE}/services/%61pexrest/Cleanup"),
    ("encoded slash", f"{DATA}/..%2f..%2fapexrest/Cleanup"),
    ("backslash", f"{DATA}/..\\..\\apexrest/Cleanup"),
    ("dots to executeAnonymous", f"{DATA}/sobjects/%2e%2e/tooling/executeAnonymous/?anonymousBody=x"),
    ("out of the APIs", f"{BASE}/secur/frontdoor.jsp?sid=x"),
    ("dots out of the APIs", f"{DATA}/%2e%2e/%2e%2e/%2e%2e/home/home.jsp"),
    ("revoke through dots", f"{BASE}/services/oauth2/userinfo/%2e%2e/revoke?token=x"),
]


@pytest.mark.parametrize("url", [u for _, u in ESCAPES], ids=[n for n, _ in ESCAPES])
def test_the_guard_judges_the_path_that_will_be_sent(mock: responses.RequestsMock, url: str) -> None:
    with pytest.raises(ReadOnlyViolation):
        session().request("GET", url)
    assert len(mock.calls) == 0


def test_a_composite_subrequest_cannot_escape_through_dots(mock: responses.RequestsMock) -> None:
    with pytest.raises(ReadOnlyViolation):
        session().request("POST", COMPOSITE, json=composite("GET", url="/services/data/v62.0/%2e%2e/%2e%2e/apexrest/X"))
    assert len(mock.calls) == 0


def test_harmless_dots_and_encodings_stay_allowed(mock: responses.RequestsMock) -> None:
    guarded = session()
    assert guarded.request("GET", f"{DATA}/sobjects/./Account/describe").status_code == 200
    assert guarded.request("GET", f"{DATA}/sobjects/%41ccount/describe").status_code == 200
    assert guarded.request("GET", "https://api.status.salesforce.com/v1/instances/NA1/status").status_code == 200
    assert len(mock.calls) == 3
