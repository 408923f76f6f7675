"""The one HTTP session every request goes through (login, REST, identity).

It enforces the read-only guarantee in code, retries transient failures with backoff, counts
HTTP requests and Salesforce API calls, writes the ``--debug`` request log (secrets redacted),
and keeps the exchanges for ``--record``. simple-salesforce is handed this session, so the
guard also covers the library's own calls.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from auditor.errors import AuditIncomplete, ReadOnlyViolation
from auditor.redact import Redactor
from auditor.snapshot import ApiUsage

_DATA_PATH = re.compile(r"^/services/data/v\d+\.\d+(/.*)?$")
_COMPOSITE_PATH = re.compile(r"^/services/data/v\d+\.\d+/composite/?$")
_SOAP_LOGIN_PATH = re.compile(r"^/services/Soap/[uc]/\d+\.\d+/?$")
_TOKEN_PATH = "/services/oauth2/token"
# GETs that act rather than read: Tooling's executeAnonymous runs Apex and runTests* start test
# runs [Tooling API REST resources], Apex REST runs custom code, oauth2/revoke ends a session.
_ACTING_GET = re.compile(r"(?i)/tooling/(?:executeAnonymous|runTests)|/services/apexrest(?:/|$)|/services/oauth2/revoke")
# Where the auditor may go at all: the data API (versions list and vNN.N/...), OAuth token and
# userinfo, SOAP login, and the public Trust status API on its own host. Judged on the normalised
# path (see normalise_path), so neither dot segments nor percent-encoding can step out of them.
_ALLOWED_ROOTS = (
    re.compile(r"^/services/data/?$"),
    _DATA_PATH,
    re.compile(r"^/services/oauth2/(?:token|userinfo)/?$"),
    _SOAP_LOGIN_PATH,
)
TRUST_ROOT = ("api.status.salesforce.com", re.compile(r"^/v1/"))
# RFC 3986 §2.3: percent-encoded unreserved characters are equivalent to the characters themselves.
_ENCODED_UNRESERVED = re.compile(r"%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])")
# Login endpoints answer a refused login with HTTP 500 (SOAP fault): retry only gateway errors
# there. Data requests are all reads, so any 5xx is safe to retry.
LOGIN_RETRY_STATUSES = frozenset({502, 503, 504})


def _is_retryable(url: str, status: int) -> bool:
    path = urlsplit(url).path
    if path == _TOKEN_PATH or _SOAP_LOGIN_PATH.match(path):
        return status in LOGIN_RETRY_STATUSES
    return status >= 500


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # total tries per request, first included
    base_delay: float = 0.5  # seconds; doubled each retry, with jitter
    max_delay: float = 8.0
    # Retry-After is honoured up to this; a server asking for longer is having an outage, which
    # the audit reports rather than waits out.
    max_retry_after: float = 30.0


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, kept for --record (request bodies are never kept)."""

    method: str
    url: str
    status: int
    content_type: str
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class RetriedFailure:
    """An attempt that failed (5xx or no answer) before the request was tried again."""

    path: str
    status: int | None  # None: no answer (connection error, timeout)
    note: str
    recovered: bool  # a later attempt of the same request succeeded
    host: str = ""  # so a failure of another host (Salesforce Trust) never reads as the org's


@dataclass
class TransportStats:
    http_requests: int = 0
    api_calls: int = 0
    exchanges: list[Exchange] = field(default_factory=list)

    def usage(self) -> ApiUsage:
        return ApiUsage(http_requests=self.http_requests, api_calls=self.api_calls)


def counts_as_api_call(method: str, url: str) -> bool:
    """Whether Salesforce counts this request against DailyApiRequests.

    Every REST data request counts once (a /composite of up to 25 subrequests counts once, every
    query page counts once) [C D-COMP, D-LIMITINFO]. The versions list does not count
    [C D-LIMITINFO]. OAuth token, userinfo and SOAP login requests carry no Sforce-Limit-Info /
    LimitInfoHeader, so we count them as free [U: shared/reference/salesforce-api.md §1.7].
    """
    path = urlsplit(url).path
    if not _DATA_PATH.match(path):
        return False
    return path.rstrip("/") != "/services/data"


def normalise_path(path: str) -> str:
    """The path as the server will read it: percent-encoded unreserved characters decoded and dot
    segments removed (RFC 3986 §6.2.2.2 and §5.2.4). urllib3 removes literal dot segments before
    sending and Salesforce decodes ``%2e``, so the guard judges this form, not the raw one.

    Raises ReadOnlyViolation for a path whose meaning depends on the server (an encoded ``/`` or
    backslash, a backslash, a NUL): the auditor never builds one.
    """
    decoded = _ENCODED_UNRESERVED.sub(lambda m: unquote(m.group()), path)
    if re.search(r"(?i)%(?:2f|5c|00)|\\|\x00", decoded):
        raise ReadOnlyViolation(f"refused {decoded[:200]!r}: an encoded separator in the path is not allowed")
    output: list[str] = []
    segments = decoded.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
            continue
        output.append(segment)
    normalised = "/".join(output)
    return normalised if normalised.startswith("/") or not normalised else "/" + normalised


def _check_root(host: str, path: str) -> None:
    if any(root.match(path) for root in _ALLOWED_ROOTS):
        return
    if host == TRUST_ROOT[0] and TRUST_ROOT[1].match(path):
        return
    raise ReadOnlyViolation(f"refused {path[:200]}: outside the Salesforce APIs the auditor reads")


def check_read_only(method: str, url: str, headers: Mapping[str, str], body: Any) -> None:
    """Raise ReadOnlyViolation unless the request cannot change the org.

    The path judged is the normalised one (normalise_path), and it must lie under an allowed root
    (_ALLOWED_ROOTS). Allowed: GET but the few resources that act (_ACTING_GET); POST to the SOAP
    login call (SOAPAction login and a login Body) and the OAuth token endpoint; POST /composite
    whose subrequests are all such GETs. Everything else is refused before it is sent.
    """
    verb = method.upper()
    parts = urlsplit(url)
    path = normalise_path(parts.path)
    _check_no_method_override(url)
    _check_root((parts.hostname or "").lower(), path)
    if verb == "GET":
        _check_get(path)
        return
    if verb == "POST":
        if path == _TOKEN_PATH:
            return
        if _SOAP_LOGIN_PATH.match(path):
            action = next((v for k, v in headers.items() if k.lower() == "soapaction"), "")
            operation = _soap_operation(body)
            # Salesforce dispatches on the Body's element, not on SOAPAction: check both.
            if action.strip('"') == "login" and operation == "login":
                return
            shown = operation if action.strip('"') == "login" else action
            raise ReadOnlyViolation(f"refused SOAP call '{shown or '?'}' to {path}: only login is allowed")
        if _COMPOSITE_PATH.match(path):
            _check_composite_body(body, path)
            return
    raise ReadOnlyViolation(f"refused {verb} {path}: the auditor only reads from the org")


def _check_no_method_override(url: str) -> None:
    """Salesforce REST honours ``?_HttpMethod=PATCH`` (or DELETE) on a POST as the real verb
    [S: REST API "Using the _HttpMethod parameter"]; the auditor never needs it, so refuse any URL
    that carries it rather than reason about which verbs it could turn into."""
    query = urlsplit(url).query
    if any(name.lower() == "_httpmethod" for name, _ in parse_qsl(query, keep_blank_values=True)):
        raise ReadOnlyViolation(f"refused {urlsplit(url).path}: the _HttpMethod override is not allowed")


def _soap_operation(body: Any) -> str | None:
    """Local name of the first element in the SOAP Body (the call), or None if there is none."""
    if not isinstance(body, (bytes, str)):
        return None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    envelope_body = next((el for el in root if el.tag.rsplit("}", 1)[-1] == "Body"), None)
    call = next(iter(envelope_body), None) if envelope_body is not None else None
    return call.tag.rsplit("}", 1)[-1] if call is not None else None


def _check_composite_body(body: Any, path: str) -> None:
    document = body
    if isinstance(body, (bytes, str)):
        try:
            document = json.loads(body)
        except ValueError:
            raise ReadOnlyViolation(f"refused POST {path}: body is not JSON") from None
    requests_list = document.get("compositeRequest") if isinstance(document, dict) else None
    if not isinstance(requests_list, list) or not requests_list:
        raise ReadOnlyViolation(f"refused POST {path}: not a composite request")
    for sub in requests_list:
        method = sub.get("method") if isinstance(sub, dict) else None
        if not isinstance(method, str) or method.upper() != "GET":
            raise ReadOnlyViolation(f"refused POST {path}: subrequest method {method!r} is not GET")
        sub_url = sub.get("url")
        if not isinstance(sub_url, str):
            raise ReadOnlyViolation(f"refused POST {path}: a subrequest has no url")
        _check_no_method_override(sub_url)
        sub_path = normalise_path(urlsplit(sub_url).path)
        _check_get(sub_path)
        if not _DATA_PATH.match(sub_path):
            raise ReadOnlyViolation(f"refused POST {path}: subrequest {sub_path[:200]} is outside the data API")


def _check_get(path: str) -> None:
    if _ACTING_GET.search(path):
        raise ReadOnlyViolation(f"refused GET {path}: this resource acts on the org rather than reading it")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form only; Salesforce rarely sends it)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


class GuardedSession(requests.Session):
    """requests.Session with the read-only guard, retries, counting, debug log and recording."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        deadline: float | None = None,
        retry: RetryPolicy = RetryPolicy(),
        redactor: Redactor | None = None,
        debug: TextIO | None = None,
        record: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.deadline_at = time.monotonic() + deadline if deadline else None
        self.retry = retry
        self.redactor = redactor or Redactor()
        self.debug = debug
        self.record = record
        self.stats = TransportStats()
        self._sleep = sleep
        self._lock = threading.Lock()
        # Attempts that failed and were retried, for the availability checks.
        self.failures: list[RetriedFailure] = []

    # requests.Session.request has a long signature; we only need to see method, url and body.
    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        method_s = method.decode() if isinstance(method, bytes) else method
        url_s = url.decode() if isinstance(url, bytes) else url
        headers = dict(kwargs.get("headers") or {})
        headers.update({k: v for k, v in self.headers.items() if k not in headers})
        # requests sends ``data`` when given and ``json`` only otherwise: check what will be sent.
        body = kwargs.get("data") or kwargs.get("json")
        check_read_only(method_s, url_s, headers, body)
        # A caller's own timeout in seconds (the Trust request's 5 s) is one more cap: --timeout and the
        # deadline still apply. A (connect, read) tuple is sent as given.
        given = kwargs.get("timeout")
        cap = float(given) if isinstance(given, (int, float)) and not isinstance(given, bool) else None
        fixed_timeout = "timeout" in kwargs and cap is None

        attempt = 0
        failed_attempts: list[tuple[int | None, str]] = []
        while True:
            attempt += 1
            if not fixed_timeout:  # each attempt may wait only for what is left of the deadline
                kwargs["timeout"] = self._remaining_timeout(cap)
            started = time.monotonic()
            try:
                response = super().request(method_s, url_s, *args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._count(method_s, url_s, answered=False)
                self._log(method_s, url_s, None, started, note=type(exc).__name__)
                failed_attempts.append((None, type(exc).__name__))
                delay = self._backoff(attempt)
                if attempt < self.retry.attempts and self._time_left(delay):
                    self._sleep(delay)
                    continue
                self._note_failures(url_s, failed_attempts, recovered=False)
                raise AuditIncomplete(_describe_connection_error(url_s, exc, self.redactor)) from None
            self._count(method_s, url_s, answered=response.status_code < 500)
            self._log(method_s, url_s, response.status_code, started)
            if self.record:
                self._keep(method_s, url_s, response)
            if _is_retryable(url_s, response.status_code):
                failed_attempts.append((response.status_code, response.reason or ""))
                delay = parse_retry_after(response.headers.get("Retry-After")) or self._backoff(attempt)
                if attempt < self.retry.attempts and delay <= self.retry.max_retry_after and self._time_left(delay):
                    self._sleep(delay)
                    continue
                # The final answer is itself an error: the collector reports it; keep the earlier ones.
                self._note_failures(url_s, failed_attempts[:-1], recovered=False)
                return response
            self._note_failures(url_s, failed_attempts, recovered=True)
            return response

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Check every prepared request again: redirects and direct send() calls skip request()."""
        check_read_only(request.method or "", request.url or "", request.headers, request.body)
        return super().send(request, **kwargs)

    # ------------------------------------------------------------------ helpers

    def _remaining_timeout(self, cap: float | None = None) -> float:
        limit = self.timeout if cap is None else min(self.timeout, cap)
        if self.deadline_at is None:
            return limit
        left = self.deadline_at - time.monotonic()
        if left <= 0:
            raise AuditIncomplete("the audit ran past its --deadline; nothing more was sent")
        return min(limit, left)

    def _time_left(self, delay: float) -> bool:
        return self.deadline_at is None or time.monotonic() + delay < self.deadline_at

    def _backoff(self, attempt: int) -> float:
        ceiling = float(min(self.retry.max_delay, self.retry.base_delay * 2.0 ** (attempt - 1)))
        jitter: float = random.uniform(0, ceiling / 2)
        return ceiling / 2 + jitter  # "equal jitter": never less than half the ceiling

    def _count(self, method: str, url: str, *, answered: bool) -> None:
        with self._lock:
            self.stats.http_requests += 1
            # A request that never reached Salesforce, or that a 5xx refused, is not counted.
            if answered and counts_as_api_call(method, url):
                self.stats.api_calls += 1

    def _note_failures(self, url: str, attempts: list[tuple[int | None, str]], *, recovered: bool) -> None:
        with self._lock:
            for status, note in attempts:
                parts = urlsplit(url)
                self.failures.append(RetriedFailure(parts.path, status, note, recovered, parts.netloc))

    def _log(self, method: str, url: str, status: int | None, started: float, note: str = "") -> None:
        if self.debug is None:
            return
        elapsed_ms = (time.monotonic() - started) * 1000
        parts = urlsplit(url)
        shown = parts.path + (f"?{parts.query}" if parts.query else "")
        counted = "1 api call" if counts_as_api_call(method, url) and (status or 500) < 500 else "0 api calls"
        outcome = str(status) if status is not None else f"no answer ({note})"
        line = f"[debug] {method} {parts.netloc}{shown} -> {outcome} in {elapsed_ms:.0f} ms, {counted}"
        self.debug.write(self.redactor.redact(line) + "\n")
        self.debug.flush()

    def _keep(self, method: str, url: str, response: requests.Response) -> None:
        kept_headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() in ("sforce-limit-info", "retry-after", "location")
        }
        exchange = Exchange(
            method=method.upper(),
            url=url,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", "text/plain"),
            headers=kept_headers,
            body=response.text,
        )
        with self._lock:
            self.stats.exchanges.append(exchange)


def _describe_connection_error(url: str, exc: Exception, redactor: Redactor) -> str:
    host = urlsplit(url).netloc or url
    text = str(exc)
    if isinstance(exc, requests.Timeout):
        return f"no answer from {host} before the timeout; check the network or raise --timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error talking to {host}: the certificate could not be verified (proxy or clock?)"
    if "Name or service not known" in text or "getaddrinfo" in text or "NameResolutionError" in text:
        return f"unknown host {host}: check --instance-url / --domain"
    if text.startswith("Connection refused by Responses"):  # --replay: not in the recording
        return redactor.redact(f"cannot reach {host}: the recording has no answer for {urlsplit(url).path}")
    return redactor.redact(f"cannot reach {host}: connection failed")
