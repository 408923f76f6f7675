"""The collector: the only code that talks to Salesforce's data API. Fills an OrgSnapshot.

Cost on a typical org (after login): ``GET /limits`` (which cannot go inside a composite
[C D-COMP]) and one ``POST /composite`` sent side by side, plus ``GET /services/oauth2/userinfo``
when the login did not say who the user is, plus one request per extra page of a query that
really exceeds a page. Conditional rounds, one composite each: permission set groups' muting sets
(and aggregate sets), and the user license's ceiling when a synced object gets no Read at all.
See auditor/collect/plan.py for what is asked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.collect.executor import Answer, Executor, Strategy
from auditor.collect.parse import (
    API_DISABLED_CODES,
    Malformed,
    classify,
    error_details,
    group_sources,
    next_records_url,
    parse_describe,
    parse_field_permissions,
    parse_group_components,
    parse_hubspot_package,
    parse_limits,
    parse_mutings,
    parse_object_permissions,
    parse_org,
    parse_part,
    parse_sources,
    parse_triggers,
    parse_user,
    query_records,
    UserLookup,
    audited_user_state,
    user_record,
)
from auditor.collect.plan import (
    plan_audit,
    plan_group_aggregates,
    plan_license_ceiling,
    plan_mutings,
    plan_whoami,
)
from auditor.collect.sync import collect_sync
from auditor.collect.trust import with_trust_status
from auditor.config import AuditConfig
from auditor.errors import AuditIncomplete, ReadOnlyViolation, UsageError, session_rejected
from auditor.permissions import field_permission_fields, objects_without_read
from auditor.snapshot import (
    ApiRefusal,
    ApiUsage,
    FailureKind,
    GroupComponent,
    MutingRow,
    ObjectPermissionRow,
    OrgInfo,
    OrgSnapshot,
    ServiceEvent,
    Unavailable,
    UserInfo,
)
from auditor.transport import GuardedSession, normalise_path

if TYPE_CHECKING:
    from auditor.connect.session import OrgSession

__all__ = ["CollectTarget", "Strategy", "collect", "collect_identity", "incomplete_snapshot", "login_refusal_snapshot",
           "refusal_snapshot"]

_EVENT_KINDS = frozenset({FailureKind.ORG_UNAVAILABLE, FailureKind.SERVER_ERROR, FailureKind.UNEXPECTED, FailureKind.API_LIMIT})


@dataclass(frozen=True)
class CollectTarget:
    """Where and as whom to collect (the collector's view of an OrgSession)."""

    session: GuardedSession
    instance_url: str
    headers: dict[str, str]  # including Authorization: Bearer ...
    api_version: str
    user_id: str | None = None  # the connected user, when the login said so
    org_id: str | None = None
    username: str | None = None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _target(session: OrgSession) -> CollectTarget:
    identity = session.identity
    return CollectTarget(
        session=session.http,
        instance_url=session.base_url,
        headers=dict(session.headers),
        api_version=session.api_version,
        user_id=identity.user_id if identity else None,
        org_id=identity.org_id if identity else None,
        username=identity.username if identity else None,
    )


def _usage(session: GuardedSession) -> ApiUsage:
    return session.stats.usage()


def refusal_snapshot(target: CollectTarget, code: str, message: str, *, at_login: bool) -> OrgSnapshot:
    """The snapshot of an audit Salesforce refused outright (API access disabled)."""
    skipped = Unavailable(FailureKind.NOT_COLLECTED, f"not collected: Salesforce refused API access ({code})", code)
    return OrgSnapshot(
        api_version=target.api_version, instance_url=target.instance_url, org=skipped, user=skipped,
        audited_connected_user=True, sources=skipped, object_permissions=skipped, field_permissions=skipped,
        describes=(), limits=skipped, triggers=skipped, hubspot_package=skipped,
        api_refusal=ApiRefusal(code, message, at_login), collected_at=_now(), api_usage=_usage(target.session),
    )


def login_refusal_snapshot(http: GuardedSession, instance_url: str, api_version: str, code: str,
                           message: str) -> OrgSnapshot:
    """The snapshot of an audit whose login Salesforce refused because API access is off."""
    return refusal_snapshot(CollectTarget(http, instance_url, {}, api_version), code, message, at_login=True)


def incomplete_snapshot(instance_url: str, api_version: str, reason: str, objects: tuple[str, ...],
                        usage: ApiUsage) -> OrgSnapshot:
    """The snapshot of an audit that stopped before it could read the org (login refused, session
    expired, host unreachable, --deadline): every part "not collected" with the reason, so each
    check reports that it could not be evaluated and why, in every format (exit 3)."""
    skipped = Unavailable(FailureKind.NOT_COLLECTED, f"not collected: the audit could not complete: {reason}")
    return OrgSnapshot(
        api_version=api_version, instance_url=instance_url, org=skipped, user=skipped, audited_connected_user=True,
        sources=skipped, object_permissions=skipped, field_permissions=skipped,
        describes=tuple((name, skipped) for name in objects), limits=skipped, triggers=skipped,
        hubspot_package=skipped, collected_at=_now(), api_usage=usage,
    )


def _is_login_host(host: str) -> bool:
    """The login hosts answer for the org too: login/test.salesforce.com and My Domain hosts."""
    return host in ("login.salesforce.com", "test.salesforce.com") or host.endswith(".my.salesforce.com")


def _api_refusal(answers: list[Answer]) -> tuple[str, str] | None:
    """(errorCode, message) of the first answer refusing API access outright, if any."""
    for answer in answers:
        code, message = error_details(answer.body)
        if not answer.ok and code in API_DISABLED_CODES:
            return code, message
    return None


class _OrgDown(Exception):
    """The very first request got a 5xx (after retries): nothing else can be read."""

    def __init__(self, failure: Unavailable) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def outage_snapshot(target: CollectTarget, failure: Unavailable, events: tuple[ServiceEvent, ...],
                    objects: tuple[str, ...]) -> OrgSnapshot:
    """The snapshot of an audit the org could not answer at all (outage, maintenance, 5xx).

    The availability checks report it as SF_ORG_UNAVAILABLE / SF_SERVER_ERROR (exit 1) rather
    than an incomplete audit: an outage is exactly what those suspensions are about.
    """
    skipped = Unavailable(FailureKind.NOT_COLLECTED, f"not collected: {failure.reason}", failure.error_code,
                          failure.http_status)
    return OrgSnapshot(
        api_version=target.api_version, instance_url=target.instance_url, org=skipped, user=skipped,
        audited_connected_user=True, sources=skipped, object_permissions=skipped, field_permissions=skipped,
        # Every describe is "not collected" (never empty: that would read as "no such object").
        describes=tuple((name, skipped) for name in objects), limits=skipped, triggers=skipped,
        hubspot_package=skipped, service_events=events, collected_at=_now(), api_usage=_usage(target.session),
    )


def _identify(executor: Executor, target: CollectTarget) -> tuple[str, str, str | None]:
    """(user id, org id, username) of the session: from the login, else from OAuth userinfo."""
    if target.user_id and target.org_id:
        return target.user_id, target.org_id, target.username
    # userinfo answers for the token's own user only [C help: remoteaccess_using_userinfo_endpoint];
    # keys user_id / organization_id / preferred_username per OpenID Connect [S].
    answer = executor.get("/services/oauth2/userinfo")
    if answer.status in (401, 403):
        raise session_rejected()
    if answer.status >= 500:
        raise _OrgDown(classify(answer))
    body = answer.body if isinstance(answer.body, dict) else {}
    user_id, org_id = body.get("user_id"), body.get("organization_id")
    if not answer.ok or not isinstance(user_id, str) or not isinstance(org_id, str):
        raise AuditIncomplete(f"could not tell which user the session belongs to (userinfo answered HTTP {answer.status})")
    username = body.get("preferred_username")
    return user_id, org_id, username if isinstance(username, str) else None


# Salesforce returns query results in batches of 200 to 2,000 records [C D-QUERYMORE]; so a query of
# totalSize N needs at most ceil(N / 200) pages. Beyond that, or past the absolute ceiling (a million
# rows at the smallest batch, more than any org's permission rows), the paging is not Salesforce's.
_SMALLEST_BATCH = 200
_QUERY_PAGE = re.compile(r"^/services/data/v\d+\.\d+/(?:tooling/)?query(?:All)?/[A-Za-z0-9-]+/?$")
MAX_PAGES = 5000


def page_limit(first_page: Any, first_count: int) -> int:
    """How many pages a query may take: its ``totalSize`` over the batch size, the smaller of 200 and
    the first page's record count (a page can be smaller for wide rows [U]); the ceiling when unknown."""
    total = first_page.get("totalSize") if isinstance(first_page, dict) else None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        return MAX_PAGES
    batch = min(_SMALLEST_BATCH, first_count) if first_count > 0 else _SMALLEST_BATCH
    return max(1, min(MAX_PAGES, -(-total // batch) + 1))


def _pagination_anomaly(url: str, seen: set[str], pages: int, limit: int) -> str | None:
    """Why the next page must not be fetched: a URL that leaves the query resource once normalised
    (the read-only guard would refuse it anyway), a repeated URL, more pages than the query can have."""
    try:
        path = normalise_path(urlsplit(url).path)
    except ReadOnlyViolation:
        path = ""
    if not _QUERY_PAGE.match(path) or urlsplit(url).netloc:
        return f"nextRecordsUrl {url[:120]!r} is not a page of the query resource"
    if url in seen:
        return f"pagination loops: nextRecordsUrl {url[:120]!r} was already fetched, after {pages} pages"
    if pages >= limit:
        return f"pagination did not end after {pages} pages, more than the query's totalSize allows"
    return None


class _Collection:
    """State of one collection run; collect() is the public entry point."""

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
        first = parse_part(answers.get(ref), what, query_records)
        if isinstance(first, Unavailable):
            return failed(what, first)
        records = list(first)
        body = answers[ref].body
        limit = page_limit(body, len(records))
        seen: set[str] = set()
        while True:
            try:
                url = next_records_url(body)
            except Malformed as exc:
                return failed(what, Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer ({exc})"))
            if url is None:
                return records
            pages = len(seen) + 1  # pages fetched so far, the first answer included
            loop = _pagination_anomaly(url, seen, pages, limit)
            if loop is not None:
                return failed(what, Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer ({loop})"))
            seen.add(url)
            page = self.executor.get(url)
            more = parse_part(page, f"{what} (next page)", query_records)
            if isinstance(more, Unavailable):
                return failed(what, more)
            if not more and isinstance(page.body, dict) and page.body.get("done") is False:
                # Only the last page can be short, let alone empty: an empty page that is not the last
                # is paging that makes no progress (each page costs an API call).
                return failed(what, Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer (pagination made "
                                                f"no progress: page {pages + 1} had no records and was not the last)"))
            records.extend(more)
            body = page.body

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

    def run(self, target_user: str | None) -> OrgSnapshot:
        try:
            user_id, org_id, username = _identify(self.executor, self.target)
        except _OrgDown as down:
            self._failed("/services/oauth2/userinfo", down.failure)
            return outage_snapshot(self.target, down.failure, self._service_events(), self.config.objects_in_scope())
        audited_self = target_user is None or target_user in (user_id, username)
        if audited_self:
            plan = plan_audit(self.config, self.target.api_version, org_id, user_id, None)
        elif target_user is not None and target_user.startswith("005") and len(target_user) in (15, 18):
            plan = plan_audit(self.config, self.target.api_version, org_id, target_user, None)
        else:
            plan = plan_audit(self.config, self.target.api_version, org_id, None, target_user)

        if self.strategy is Strategy.COMPOSITE:
            # /limits cannot ride in a composite; send it alongside so the audit waits for one round trip.
            with ThreadPoolExecutor(max_workers=2) as pool:
                limits_future = pool.submit(self.executor.get, f"/services/data/v{self.target.api_version}/limits")
                answers = self.executor.run(plan.subrequests)
                limits_answer = limits_future.result()
        else:
            limits_answer = self.executor.get(f"/services/data/v{self.target.api_version}/limits")
            answers = self.executor.run(plan.subrequests)

        refusal = self._refusal([limits_answer, *answers.values()])
        if refusal is not None:
            return refusal

        if target_user is not None and not audited_self and audited_user_state(answers.get("user")) is UserLookup.NO_SUCH_USER:
            raise UsageError(f"--user {target_user}: no such user in this org")
        user = self.part(answers, "user", "User", user_record)
        if not isinstance(user, Unavailable):
            user = self._user(user, answers)
            if target_user is not None and not audited_self and isinstance(user, UserInfo) and not user.is_active:
                raise UsageError(f"--user {target_user}: the user is inactive (Salesforce refuses its API sessions); "
                                 "activate it in Setup > Users > Users, or audit the user HubSpot will connect as")

        assignments = self.records(answers, "assignments", "PermissionSetAssignment")
        sources: Any = assignments
        object_rows: Any = self.records(answers, "object_permissions", "ObjectPermissions")
        field_rows: Any = (
            self.records(answers, "field_permissions", "FieldPermissions") if "field_permissions" in answers else []
        )
        mutings: tuple[MutingRow, ...] | Unavailable = ()
        components: tuple[GroupComponent, ...] | Unavailable = ()
        if not isinstance(assignments, Unavailable):
            sources = self.parsed(assignments, "PermissionSetAssignment", parse_sources)
            if not isinstance(sources, Unavailable):
                sources, object_rows, field_rows = self._group_fallback(assignments, sources, object_rows, field_rows)
                mutings, components = self._mutings(assignments)
        object_permissions = self.parsed(object_rows, "ObjectPermissions", parse_object_permissions)
        field_permissions = self.parsed(field_rows, "FieldPermissions", parse_field_permissions)
        triggers = self.parsed(self.records(answers, "triggers", "ApexTrigger"), "ApexTrigger", parse_triggers)
        package = self.parsed(self.records(answers, "hubspot_package", "HubSpot permission set"),
                              "HubSpot permission set", parse_hubspot_package)
        describes = tuple(
            (name, self.part(answers, f"describe_{name}", f"describe of {name}", parse_describe))
            for name in self.config.objects_in_scope()
        )
        snapshot = OrgSnapshot(
            api_version=self.target.api_version,
            instance_url=self.target.instance_url,
            org=self.part(answers, "org", "Organization", parse_org),
            user=user,
            audited_connected_user=audited_self,
            sources=sources,
            object_permissions=object_permissions,
            field_permissions=field_permissions,
            describes=describes,
            limits=self.part({"limits": limits_answer}, "limits", "/limits", parse_limits),
            triggers=triggers,
            hubspot_package=package,
            service_events=self._service_events(),
            collected_at=_now(),
            api_usage=_usage(self.target.session),
            mutings=mutings,
            group_components=components,
        )
        snapshot = self._with_sync(snapshot)
        ceiling = self._license_ceiling(snapshot, answers)
        if ceiling is not None:
            snapshot = dataclasses.replace(snapshot, license_ceiling=ceiling)
        return dataclasses.replace(snapshot, service_events=self._service_events(), api_usage=_usage(self.target.session))

    def _with_sync(self, snapshot: OrgSnapshot) -> OrgSnapshot:
        """The sync round (issue 15, auditor/collect/sync.py). Its queries ask for things whose shapes are
        partly unconfirmed, so a refusal is kept as Unavailable (the check says "not evaluated") without a
        service event."""
        parts = collect_sync(snapshot, self.config, self.executor.run,
                             lambda answers, ref, what: self.records(answers, ref, what, optional=True))
        return dataclasses.replace(snapshot, validation_rules=parts.validation_rules, duplicate_rules=parts.duplicate_rules,
                                   permission_set_licenses=parts.permission_set_licenses, record_flows=parts.record_flows)

    def _license_ceiling(self, snapshot: OrgSnapshot, answers: dict[str, Answer]) -> tuple[ObjectPermissionRow, ...] | Unavailable | None:
        """The user license's ObjectPermissions rows, read in one more round only when a synced object gets
        no Read from any of the user's sets (nor View/Modify All Data): then the finding can say whether the
        license rules the object out. None when not needed, so a healthy org pays nothing.

        What UserLicense-parented rows mean is [U] (reference §2.6): read as a ceiling. Tolerant: a failed
        answer is kept as Unavailable without a service event, and no answer ever turns into a claim.
        """
        if not objects_without_read(snapshot, (r.sobject for r in self.config.objects)):
            return None
        profile = answers.get("profile")
        license_id = profile.body.get("UserLicenseId") if profile is not None and profile.ok and isinstance(profile.body, dict) else None
        if not isinstance(license_id, str) or not re.fullmatch(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?", license_id):
            return Unavailable(FailureKind.NOT_COLLECTED, "user license ceiling: the profile did not name the license")
        what = "ObjectPermissions of the user license"
        rows = self.records(self.executor.run(plan_license_ceiling(self.target.api_version, license_id)),
                            "license_ceiling", what, optional=True)
        if isinstance(rows, Unavailable):
            return rows
        parsed: tuple[ObjectPermissionRow, ...] | Unavailable = parse_part(Answer(200, rows), what, parse_object_permissions)
        return parsed

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

    def _group_fallback(self, assignments: list[dict[str, Any]], sources: Any, object_rows: Any, field_rows: Any) -> tuple[Any, Any, Any]:
        missing = sorted({
            str(a["PermissionSetGroupId"]) for a in assignments
            if a.get("PermissionSetGroupId") and not a.get("PermissionSetId")
        })
        if not missing:
            return sources, object_rows, field_rows
        fields = list(field_permission_fields(m.qualified for m in self.config.mappings))
        answers = self.executor.run(plan_group_aggregates(self.target.api_version, missing, fields))
        group_sets = self.records(answers, "group_sets", "permission set group aggregates")
        more_objects = self.records(answers, "group_object_permissions", "ObjectPermissions (groups)")
        more_fields = self.records(answers, "group_field_permissions", "FieldPermissions (groups)") if fields else []
        if isinstance(group_sets, Unavailable):
            return group_sets, object_rows, field_rows
        extra = self.parsed(group_sets, "permission set group aggregates", lambda rows: group_sources(rows, assignments))
        if isinstance(extra, Unavailable):
            return extra, object_rows, field_rows
        combined_objects = more_objects if isinstance(more_objects, Unavailable) else (
            object_rows if isinstance(object_rows, Unavailable) else object_rows + more_objects)
        combined_fields = more_fields if isinstance(more_fields, Unavailable) else (
            field_rows if isinstance(field_rows, Unavailable) else field_rows + more_fields)
        return tuple(sources) + tuple(extra), combined_objects, combined_fields

    def _mutings(self, assignments: list[dict[str, Any]]
                 ) -> tuple[tuple[MutingRow, ...] | Unavailable, tuple[GroupComponent, ...] | Unavailable]:
        """The muting sets of the user's permission set groups, and the groups' permission sets: a second
        round, sent only when the user has group assignments (so an audit without groups costs nothing more)."""
        labels: dict[str, str] = {}
        for a in assignments:
            group_id = a.get("PermissionSetGroupId")
            if not isinstance(group_id, str) or not group_id:
                continue
            group = a.get("PermissionSetGroup")
            label = (group.get("MasterLabel") or group.get("DeveloperName")) if isinstance(group, dict) else None
            labels[group_id] = label if isinstance(label, str) else group_id
        if not labels:
            return (), ()
        fields = list(field_permission_fields(m.qualified for m in self.config.mappings))
        answers = self.executor.run(plan_mutings(self.target.api_version, sorted(labels), fields))
        components = self.records(answers, "muting_components", "PermissionSetGroupComponent")
        object_rows = self.records(answers, "muting_object_permissions", "ObjectPermissions (muting sets)")
        field_rows: list[dict[str, Any]] | Unavailable = (
            self.records(answers, "muting_field_permissions", "FieldPermissions (muting sets)") if fields else [])
        members: tuple[GroupComponent, ...] | Unavailable = (
            components if isinstance(components, Unavailable) else
            parse_part(Answer(200, components), "PermissionSetGroupComponent", parse_group_components))
        for part in (components, object_rows, field_rows):
            if isinstance(part, Unavailable):
                return part, members
        assert not isinstance(components, Unavailable) and not isinstance(object_rows, Unavailable)
        assert not isinstance(field_rows, Unavailable)
        result: tuple[MutingRow, ...] | Unavailable = parse_part(
            Answer(200, None), "muting permission sets",
            lambda _: parse_mutings(components, object_rows, field_rows, labels))
        if isinstance(result, Unavailable):
            self._failed("muting permission sets", result)
        return result, members

    def _refusal(self, answers: list[Answer]) -> OrgSnapshot | None:
        refused = _api_refusal(answers)
        return refusal_snapshot(self.target, *refused, at_login=False) if refused else None

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


def collect_identity(session: OrgSession) -> tuple[OrgInfo | Unavailable, UserInfo | Unavailable]:
    """The org and the connected user, for ``auditor whoami``: one identity request at most and one composite."""
    target = _target(session)
    run = _Collection(target, AuditConfig(objects=(), mappings=()), Strategy.COMPOSITE)
    try:
        user_id, org_id, _ = _identify(run.executor, target)
    except _OrgDown as down:
        raise AuditIncomplete(f"Salesforce did not answer: {down.failure.reason}") from None
    answers = run.executor.run(plan_whoami(target.api_version, org_id, user_id))
    refused = _api_refusal(list(answers.values()))
    if refused is not None:
        raise AuditIncomplete(f"Salesforce refused API access ({refused[0]}): {refused[1]}")
    user = run.part(answers, "user", "User", user_record)
    if not isinstance(user, Unavailable):
        user = run._user(user, answers)
    return run.part(answers, "org", "Organization", parse_org), user


def collect(session: OrgSession, config: AuditConfig, *, target_user: str | None = None,
            strategy: Strategy = Strategy.COMPOSITE, trust_status: bool = False) -> OrgSnapshot:
    """Read everything the checks need, in as few requests as Salesforce allows.

    With ``trust_status``, one more request, last and off the org: the instance's public Trust status
    (auditor/collect/trust.py; it never carries the org's token).

    Raises AuditIncomplete when the session is rejected, UsageError for an unknown ``--user``.
    Every other failure is recorded in the snapshot as Unavailable with its reason.
    """
    snapshot = _Collection(_target(session), config, strategy).run(target_user)
    return with_trust_status(snapshot, session.http) if trust_status else snapshot


# Used by classify-based callers (the CLI maps login-time errors with the same rules).
__all__ += ["classify"]
