"""Sends the planned subrequests: packed into ``/composite`` requests, or one by one (naive).

Composite packing respects Salesforce's limits: at most 25 subrequests, at most 5 of them
queries [C D-COMP, D-COMP-JA]. The top-level status of a composite is 200 even when subrequests
fail, so each subrequest's own ``httpStatusCode`` is read [C D-COMPRESP].
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import requests

from auditor.collect.plan import SubRequest
from auditor.errors import session_rejected

MAX_SUBREQUESTS = 25
MAX_QUERIES = 5
_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])+)\}")


class Strategy(str, Enum):
    COMPOSITE = "composite"  # the default: as few requests as Salesforce allows
    NAIVE = "naive"  # one request per describe and per query: the baseline bench/ compares with


@dataclass(frozen=True)
class Answer:
    """Salesforce's answer to one subrequest: HTTP status and body (parsed JSON, or raw text)."""

    status: int
    body: Any
    content_type: str = "application/json"

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


NOT_SENT = 0  # status of an answer synthesised for a subrequest that could not be sent


def pack(subrequests: Sequence[SubRequest]) -> list[list[SubRequest]]:
    """Split into composite-sized chunks, keeping order (references point backwards)."""
    chunks: list[list[SubRequest]] = []
    current: list[SubRequest] = []
    queries = 0
    for sub in subrequests:
        if len(current) == MAX_SUBREQUESTS or (sub.is_query and queries == MAX_QUERIES):
            chunks.append(current)
            current, queries = [], 0
        current.append(sub)
        queries += sub.is_query
    if current:
        chunks.append(current)
    return chunks


def _lookup(value: Any, path: str) -> Any:
    for step in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", path):
        key, index = step
        if key:
            value = value.get(key) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        if value is None:
            return None
    return value


def resolve_references(url: str, answers: dict[str, Answer]) -> str | None:
    """Substitute ``@{ref.path}`` from earlier answers; None when a referenced value is missing."""
    missing = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal missing
        answer = answers.get(match.group(1))
        value = _lookup(answer.body, match.group(2)) if answer is not None and answer.ok else None
        if not isinstance(value, str):
            missing = True
            return ""
        return value

    resolved = _REFERENCE.sub(substitute, url)
    return None if missing else resolved


# Bounds on what a JSON answer may be. Salesforce's deepest answers (a describe inside a composite)
# nest about 8 levels and its largest (25 describes) are tens of MB; its numbers are record counts,
# megabytes and API calls. Anything beyond is not an answer the parsers can trust: it becomes an
# unreadable body (an UNKNOWN_ERROR finding saying what was wrong), never a RecursionError, an
# OverflowError or an inf that a check then trips over.
MAX_DEPTH = 64
MAX_BODY_CHARS = 64 * 1024 * 1024
MAX_NUMBER = 10**18


class UnreadableBody(str):
    """The text of a JSON answer that could not be read safely, with ``problem`` saying why."""

    problem: str

    def __new__(cls, text: str, problem: str) -> UnreadableBody:
        body = super().__new__(cls, text)
        body.problem = problem
        return body


class _OutOfBounds(ValueError):
    pass


def not_json(text: str) -> str:
    """How to name a body that should have been JSON and is not (cut short, an HTML page, ...)."""
    if isinstance(text, UnreadableBody):
        return f"unreadable JSON ({text.problem})"
    return f"not valid JSON ({len(text)} characters starting {' '.join(text[:40].split())!r})"


def _number(text: str) -> int | float:
    if len(text) > 40:  # also keeps int() clear of Python's 4,300-digit conversion limit
        raise _OutOfBounds(f"a number out of range ({text[:20]}...)")
    value: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
    if not -MAX_NUMBER <= value <= MAX_NUMBER:  # inf and nan fail both comparisons
        raise _OutOfBounds(f"a number out of range ({text[:20]}{'...' if len(text) > 20 else ''})")
    return value


def _constant(name: str) -> float:
    raise _OutOfBounds(f"a number out of range ({name})")


def _check_depth(value: Any) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _OutOfBounds(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if isinstance(child, (dict, list)))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))


def decode_json(text: str) -> Any:
    """JSON within the bounds above; the text itself when it is not JSON, an UnreadableBody when it
    is JSON beyond the bounds. The one JSON-decoding edge for answers from the org."""
    if len(text) > MAX_BODY_CHARS:
        return UnreadableBody(text[:200], f"{len(text)} characters, more than {MAX_BODY_CHARS}")
    try:
        value = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
        _check_depth(value)
    except _OutOfBounds as exc:
        return UnreadableBody(text[:200], str(exc))
    except RecursionError:
        return UnreadableBody(text[:200], f"nested deeper than {MAX_DEPTH} levels")
    except ValueError:
        return text
    return value


def parse_body(response: requests.Response) -> Any:
    content_type = response.headers.get("Content-Type", "")
    text = response.text
    if "json" in content_type or text[:1] in ("{", "["):
        return decode_json(text)
    return text


def _check_session(status: int, body: Any) -> None:
    if status == 401:
        code = body[0].get("errorCode") if isinstance(body, list) and body and isinstance(body[0], dict) else None
        raise session_rejected(code if isinstance(code, str) else None)


class Executor:
    """Runs subrequests against one org over the guarded session."""

    def __init__(self, session: requests.Session, instance_url: str, headers: dict[str, str], version: str,
                 strategy: Strategy = Strategy.COMPOSITE) -> None:
        self.session = session
        self.instance_url = instance_url.rstrip("/")
        self.headers = headers
        self.version = version
        self.strategy = strategy

    def get(self, path_or_url: str) -> Answer:
        url = path_or_url if path_or_url.startswith("http") else self.instance_url + path_or_url
        response = self.session.request("GET", url, headers=self.headers)
        answer = Answer(response.status_code, parse_body(response), response.headers.get("Content-Type", ""))
        _check_session(answer.status, answer.body)
        return answer

    def run(self, subrequests: Sequence[SubRequest], known: dict[str, Answer] | None = None) -> dict[str, Answer]:
        answers: dict[str, Answer] = dict(known or {})
        if self.strategy is Strategy.NAIVE:
            for sub in subrequests:
                url = resolve_references(sub.url, answers)
                answers[sub.reference_id] = self.get(url) if url else _unresolved(sub)
            return answers
        for chunk in pack(subrequests):
            answers.update(self._composite(chunk, answers))
        return answers

    def _composite(self, chunk: list[SubRequest], earlier: dict[str, Answer]) -> dict[str, Answer]:
        in_chunk = {sub.reference_id for sub in chunk}
        body_requests = []
        answers: dict[str, Answer] = {}
        for sub in chunk:
            url: str | None = sub.url
            # References to answers of an earlier request are substituted here; references
            # within this chunk are left for Salesforce to resolve.
            if any(ref not in in_chunk for ref, _ in _REFERENCE.findall(sub.url)):
                url = resolve_references(sub.url, earlier)
            if url is None:
                answers[sub.reference_id] = _unresolved(sub)
                continue
            body_requests.append({"method": "GET", "url": url, "referenceId": sub.reference_id})
        if not body_requests:
            return answers
        url = f"{self.instance_url}/services/data/v{self.version}/composite"
        response = self.session.request(
            "POST", url, headers=self.headers, json={"allOrNone": False, "compositeRequest": body_requests}
        )
        top = Answer(response.status_code, parse_body(response), response.headers.get("Content-Type", ""))
        _check_session(top.status, top.body)
        results = top.body.get("compositeResponse") if top.ok and isinstance(top.body, dict) else None
        if not isinstance(results, list):
            # The whole composite failed (or answered something we do not understand): every
            # subrequest gets that answer, so each part of the snapshot says why it is missing.
            odd = f"is {not_json(top.body)}" if isinstance(top.body, str) else f"without compositeResponse: {str(top.body)[:200]}"
            failed = top if not top.ok else Answer(NOT_SENT, f"composite answer {odd}")
            for item in body_requests:
                answers[item["referenceId"]] = failed
            return answers
        # A referenceId of another type (a list, a number) names no subrequest of ours.
        by_reference = {r["referenceId"]: r for r in results if isinstance(r, dict) and isinstance(r.get("referenceId"), str)}
        for item in body_requests:
            result = by_reference.get(item["referenceId"])
            status = result.get("httpStatusCode") if result else None
            if result is None or not isinstance(status, int):
                answers[item["referenceId"]] = Answer(NOT_SENT, "subrequest missing from the composite response")
                continue
            answers[item["referenceId"]] = Answer(status, result.get("body"))
        return answers


def _unresolved(sub: SubRequest) -> Answer:
    return Answer(NOT_SENT, f"not sent: '{sub.reference_id}' depends on an answer that failed")
