"""Reading one collection run's answers into snapshot parts: records (paged), parsed rows, whole parts, the
user with its profile and license names; every failed part is remembered, and the run's service events
(retried failures of the org's hosts, failed parts that signal trouble) are derived from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from auditor.collect.executor import Answer, Executor, Strategy
from auditor.collect.paging import paged_records
from auditor.collect.parse import parse_part, parse_user
from auditor.collect.target import CollectTarget
from auditor.config import AuditConfig
from auditor.snapshot import FailureKind, ServiceEvent, Unavailable, UserInfo

_EVENT_KINDS = frozenset({FailureKind.ORG_UNAVAILABLE, FailureKind.SERVER_ERROR, FailureKind.UNEXPECTED, FailureKind.API_LIMIT})


def _is_login_host(host: str) -> bool:
    """The login hosts answer for the org too: login/test.salesforce.com and My Domain hosts."""
    return host in ("login.salesforce.com", "test.salesforce.com") or host.endswith(".my.salesforce.com")


class _Reader:
    """State of one collection run and its answers read into parts; collect() is the public entry point."""

    def __init__(self, target: CollectTarget, config: AuditConfig, strategy: Strategy) -> None:
        self.target = target
        self.config = config
        self.executor = Executor(target.session, target.instance_url, target.headers, target.api_version, strategy)
        self.strategy = strategy
        self.failed_parts: list[tuple[str, Unavailable]] = []

    def records(self, answers: dict[str, Answer], ref: str, what: str, *, optional: bool = False) -> list[dict[str, Any]] | Unavailable:
        """All records of a query answer, following nextRecordsUrl page by page [C D-QUERYMORE].

        An ``optional`` part's failure is returned but not reported as a service event: the query asks
        for something whose very shape is unconfirmed, so an error answer is no sign of trouble.
        """
        failed = (lambda _what, failure: failure) if optional else self._failed
        return paged_records(answers.get(ref), what, self.executor.get, failed)

    def _failed(self, what: str, failure: Unavailable) -> Unavailable:
        self.failed_parts.append((what, failure))
        return failure

    def parsed(self, rows: list[dict[str, Any]] | Unavailable, what: str, parser: Callable[[Any], Any]) -> Any:
        """Parse rows already fetched; rows of the wrong shape are an unexpected answer like any other."""
        if isinstance(rows, Unavailable):
            return rows
        result = parse_part(Answer(200, rows), what, parser)
        if isinstance(result, Unavailable):
            self._failed(what, result)
        return result

    def part(self, answers: dict[str, Answer], ref: str, what: str, parser: Callable[[Any], Any]) -> Any:
        result = parse_part(answers.get(ref), what, parser)
        if isinstance(result, Unavailable):
            self._failed(what, result)
        return result

    def _user(self, record: dict[str, Any], answers: dict[str, Answer]) -> UserInfo | Unavailable:
        profile = answers.get("profile")
        license_answer = answers.get("license")
        profile_body = profile.body if profile is not None and profile.ok and isinstance(profile.body, dict) else {}
        license_body = license_answer.body if license_answer is not None and license_answer.ok and isinstance(license_answer.body, dict) else {}
        user: UserInfo | Unavailable = parse_part(
            Answer(200, record), "User", lambda body: parse_user(body, profile_body, license_body))
        if isinstance(user, Unavailable):
            self._failed("User", user)
        return user

    def _service_events(self) -> tuple[ServiceEvent, ...]:
        events: list[ServiceEvent] = []
        org_host = urlsplit(self.target.instance_url).netloc
        for failure in self.target.session.failures:
            if failure.host and failure.host != org_host and not _is_login_host(failure.host):
                continue  # another service (Salesforce Trust): its outages are not the org's
            kind = FailureKind.ORG_UNAVAILABLE if failure.status in (503, None) else FailureKind.SERVER_ERROR
            message = failure.note or (f"HTTP {failure.status}" if failure.status else "no answer")
            events.append(ServiceEvent(kind, failure.path, failure.status, None, message, failure.recovered))
        for what, unavailable in self.failed_parts:
            if unavailable.kind in _EVENT_KINDS:
                events.append(ServiceEvent(unavailable.kind, what, unavailable.http_status, unavailable.error_code,
                                           unavailable.reason, recovered=False))
        unique = {(e.kind, e.path, e.http_status, e.error_code, e.message, e.recovered): e for e in events}
        return tuple(unique.values())
