"""The snapshots of audits that stopped before reading the org: Salesforce refused API access (at login or
on the first answers), the audit could not complete (login refused, session expired, --deadline), or the
org could not answer at all (outage). Every part is "not collected" with the reason, so each check says
why it could not be evaluated."""

from __future__ import annotations

from auditor.collect.executor import Answer
from auditor.collect.parse import API_DISABLED_CODES, error_details
from auditor.collect.target import CollectTarget, _now, _usage
from auditor.snapshot import ApiRefusal, ApiUsage, FailureKind, OrgSnapshot, ServiceEvent, Unavailable
from auditor.transport import GuardedSession


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


def _api_refusal(answers: list[Answer]) -> tuple[str, str] | None:
    """(errorCode, message) of the first answer refusing API access outright, if any."""
    for answer in answers:
        code, message = error_details(answer.body)
        if not answer.ok and code in API_DISABLED_CODES:
            return code, message
    return None


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
