"""One answer as a whole: why a failed answer failed (classify), parsing with a part's parser
(parse_part: failures and odd shapes become Unavailable with the reason), and the query envelope
(records of a page, the next page's URL)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from auditor.collect.executor import NOT_SENT, Answer
from auditor.collect.parse.fields import Malformed, _dict
from auditor.errors import API_REFUSAL_CODES
from auditor.snapshot import FailureKind, Unavailable

T = TypeVar("T")

API_DISABLED_CODES = API_REFUSAL_CODES  # defined once, in auditor/errors.py
_NO_ACCESS_CODES = frozenset({
    "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
    "INVALID_TYPE", "NOT_FOUND", "ENTITY_IS_DELETED",
})
_MAINTENANCE = re.compile(r"(?i)maintenance|service (is )?not available|temporarily unavailable|down for")


def error_details(body: Any) -> tuple[str | None, str]:
    """(errorCode, message) from a REST error body: a JSON array of {message, errorCode} [C §3.1]."""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        code = body[0].get("errorCode")
        message = body[0].get("message")
        return (code if isinstance(code, str) else None, str(message) if message is not None else "")
    if isinstance(body, dict) and ("errorCode" in body or "message" in body):
        return (str(body.get("errorCode")) if body.get("errorCode") else None, str(body.get("message", "")))
    if isinstance(body, str):
        text = re.sub(r"<[^>]+>", " ", body)
        return (None, " ".join(text.split())[:200])
    return (None, str(body)[:200])


def classify(answer: Answer) -> Unavailable:
    """Why a failed answer failed, in the terms the checks use."""
    code, message = error_details(answer.body)
    status = answer.status or None
    if answer.status == NOT_SENT:
        return Unavailable(FailureKind.NOT_COLLECTED if "depends on" in message else FailureKind.UNEXPECTED,
                           message, None, None)
    if code in API_DISABLED_CODES:
        kind = FailureKind.API_DISABLED
    elif code == "REQUEST_LIMIT_EXCEEDED":
        kind = FailureKind.API_LIMIT
    elif code in _NO_ACCESS_CODES or answer.status == 404:
        kind = FailureKind.NO_ACCESS
    elif answer.status == 503 or code == "SERVER_UNAVAILABLE" or (
        answer.status >= 500 and isinstance(answer.body, str) and _MAINTENANCE.search(answer.body)
    ):
        kind = FailureKind.ORG_UNAVAILABLE
        if isinstance(answer.body, str) and not message:
            message = "maintenance or outage page"
    elif answer.status >= 500 or code == "UNKNOWN_EXCEPTION":
        kind = FailureKind.SERVER_ERROR
    else:
        kind = FailureKind.UNEXPECTED
    shown = f"HTTP {answer.status}" + (f" {code}" if code else "") + (f": {message}" if message else "")
    return Unavailable(kind, shown, code, status)


def parse_part(answer: Answer | None, what: str, parser: Callable[[Any], T]) -> T | Unavailable:
    """Parse one answer with ``parser``; failures and odd shapes become Unavailable."""
    if answer is None:
        return Unavailable(FailureKind.NOT_COLLECTED, f"{what}: not requested")
    if not answer.ok:
        failure = classify(answer)
        return Unavailable(failure.kind, f"{what}: {failure.reason}", failure.error_code, failure.http_status)
    try:
        return parser(answer.body)
    except (Malformed, KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = str(exc) or type(exc).__name__
        return Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer ({detail})", None, answer.status)


def query_records(body: Any) -> list[dict[str, Any]]:
    """Records of one query page, validating the documented envelope [C D-QUERY]."""
    page = _dict(body, "query result")
    records = page.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise Malformed("query result without a 'records' list")
    if not isinstance(page.get("done"), bool):
        raise Malformed("query result without 'done'")
    return records


def next_records_url(body: Any) -> str | None:
    """The next page's URL; raises Malformed for ``done: false`` without one."""
    page = _dict(body, "query result")
    if page.get("done") is True:
        return None
    url = page.get("nextRecordsUrl")
    if not isinstance(url, str) or not url.startswith("/services/data/"):
        raise Malformed("'done' is false but 'nextRecordsUrl' is missing")
    return url
