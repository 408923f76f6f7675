"""The JSON report: the machine-readable contract (``schema_version`` 1).

Keys are sorted, the document is indented by two spaces and ends with a newline, and nothing
in it depends on when the audit ran, so the same Report always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.model import REPORT_SCHEMA_VERSION, Finding, Ignore, Report, Status
from auditor.version import TOOL_NAME, tool_version


def _org(report: Report) -> dict[str, Any] | None:
    if report.org is None:
        return None
    return {
        "id": report.org.id,
        "name": report.org.name,
        "edition": report.org.edition,
        "instance_name": report.org.instance_name,
        "is_sandbox": report.org.is_sandbox,
    }


def _user(report: Report) -> dict[str, Any] | None:
    if report.user is None:
        return None
    return {
        "id": report.user.id,
        "username": report.user.username,
        "name": report.user.name,
        "profile": report.user.profile_name,
        "user_license": report.user.user_license,
        "is_active": report.user.is_active,
    }


def _ignore(ignore: Ignore) -> dict[str, Any]:
    return {"reason": ignore.reason, "until": ignore.until.isoformat() if ignore.until else None}


def _expired(ignore: Ignore) -> dict[str, Any]:
    return {"check": ignore.check, "object": ignore.object, "field": ignore.field, **_ignore(ignore)}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "suspension": finding.suspension.value if finding.suspension is not None else None,
        "category": finding.category.value,
        "status": finding.status.value,
        "object": finding.object,
        "field": finding.field,
        "message": finding.message,
        "remediation": finding.remediation,
        "lookup_path": list(finding.lookup_path),
        "sources": list(finding.sources),
        "ignored": _ignore(finding.ignored) if finding.ignored else None,
        "not_evaluated": finding.not_evaluated,
    }


def report_document(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data (the schema documented in the README).

    ``fix`` (added in schema_version 1, present when the audit planned a fix): what `auditor fix` would
    grant and the manual steps, in the shape of :func:`auditor.fix.document.plan_document`; `auditor fix
    --from-report` reads it back.
    """
    document = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "org": _org(report),
        "user": _user(report),
        # who the verdicts are about: "connected_user" (the session's own user) or "user_option" (--user)
        "audited": "connected_user" if report.audited_connected_user else "user_option",
        "api_version": report.api_version,
        "instance_url": report.instance_url,
        "would_suspend": [code.value for code in report.would_suspend],
        "summary": {**{status.value: report.count(status) for status in Status}, "ignored": report.ignored_count},
        "findings": [_finding(f) for f in report.findings],
        "api_usage": {
            "http_requests": report.api_usage.http_requests,
            "api_calls": report.api_usage.api_calls,
        },
        "expired_ignores": [_expired(ignore) for ignore in report.expired_ignores],
    }
    if report.fix is not None:
        from auditor.fix.document import plan_document

        document["fix"] = plan_document(report.fix)
    return document


def format_json(report: Report) -> str:
    """Render ``report`` as the schema-version-1 JSON document."""
    return json.dumps(report_document(report), indent=2, sort_keys=True) + "\n"
