"""Record and replay audits in `responses`' cassette file format.

Format (reference §6.3): ``{"responses": [{"response": {method, url, body, status, headers,
content_type, auto_calculate_content_length}}]}``. Request bodies and headers are never stored,
so the bearer token never reaches a file; response bodies are scrubbed of secrets before writing.
On replay, answers for the same method and URL are served in recorded order (responses'
first-match registry uses up earlier entries and then keeps returning the last one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import responses
import yaml

from auditor.anonymize import Anonymizer
from auditor.errors import UsageError
from auditor.output import write_output
from auditor.redact import Redactor
from auditor.transport import Exchange

_REQUIRED_KEYS = ("method", "url", "body", "status", "content_type")
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# libyaml's C loader when PyYAML was built with it (several times faster on our cassettes; see
# bench/mutations.py --loader), else the pure-Python one. Both are safe loaders: no Python objects.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _AliasFound(Exception):
    """The document uses an alias: a recording never does, and an alias bomb is how YAML explodes."""


def _reject_aliases(root: yaml.Node) -> None:
    """Walk the node graph once; a node reached twice is an alias (``*name``). Done before
    construction, so a 'billion laughs' document costs its size, never its expansion."""
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _AliasFound(node.start_mark.line + 1 if node.start_mark else 0)
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def _parse_yaml(text: str) -> Any:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _reject_aliases(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def load_cassette(path: Path) -> list[dict[str, Any]]:
    """The recorded responses of ``path``; UsageError (exit 2) for an unreadable or malformed file,
    naming the entry and what is wrong with it, so replay never fails later with an internal error."""
    try:
        document = _parse_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cassette {path}: cannot read ({exc.strerror or exc})") from None
    except _AliasFound as exc:
        raise UsageError(f"cassette {path}: YAML aliases are not allowed (line {exc.args[0]})") from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise UsageError(f"cassette {path}: not valid YAML{line}") from None
    entries = document.get("responses") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"cassette {path}: expected a top-level 'responses' list (responses' file format)")
    result = []
    for number, entry in enumerate(entries, start=1):
        response = entry.get("response") if isinstance(entry, dict) else None
        if not isinstance(response, dict):
            raise UsageError(f"cassette {path}: entry {number} has no 'response' mapping")
        problem = _entry_problem(response)
        if problem:
            raise UsageError(f"cassette {path}: entry {number} {problem}")
        result.append(response)
    return result


def _entry_problem(response: dict[str, Any]) -> str | None:
    """What is wrong with one recorded response, or None (the checks responses would trip on later)."""
    missing = [key for key in _REQUIRED_KEYS if key not in response]
    if missing:
        return f"lacks '{missing[0]}'"
    method, url, status = response["method"], response["url"], response["status"]
    if not isinstance(method, str) or method.upper() not in _METHODS:
        return f"has a malformed method ({str(method)[:40]!r})"
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return f"has a malformed status ({str(status)[:40]!r}; expected an HTTP status 100-599)"
    if not isinstance(url, str):
        return "has a malformed url (not text)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"has a malformed url ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"has a malformed url ({url[:80]!r}; expected http(s)://host/path)"
    if not isinstance(response["body"], (str, int, float)) or isinstance(response["body"], bool):
        return "has a body that is not text"
    if not isinstance(response["content_type"], str):
        return "has a content_type that is not text"
    headers = response.get("headers")
    if headers is not None and (not isinstance(headers, dict)
                                or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
        return "has headers that are not a mapping of text to text"
    if not isinstance(response.get("auto_calculate_content_length", False), bool):
        return "has an auto_calculate_content_length that is not true/false"
    return None


def cassette_instance_url(entries: list[dict[str, Any]]) -> str:
    """The org's base URL: the host that answered the first data-API request."""
    for entry in entries:
        parts = urlsplit(entry["url"])
        if parts.path.startswith("/services/data/") or parts.path.startswith("/services/oauth2/userinfo"):
            return f"{parts.scheme}://{parts.netloc}"
    return f"{urlsplit(entries[0]['url']).scheme}://{urlsplit(entries[0]['url']).netloc}"


@contextmanager
def replaying(entries: list[dict[str, Any]]) -> Iterator[responses.RequestsMock]:
    """Serve the recorded answers; any request the cassette does not answer fails loudly."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for entry in entries:
            mock.add(
                method=str(entry["method"]).upper(),
                url=entry["url"],
                body=entry["body"] if isinstance(entry["body"], str) else str(entry["body"]),
                status=entry["status"],
                headers=entry.get("headers") or None,
                content_type=entry["content_type"],
                auto_calculate_content_length=bool(entry.get("auto_calculate_content_length", False)),
            )
        yield mock


def write_cassette(path: Path, exchanges: list[Exchange], redactor: Redactor, anonymizer: Anonymizer | None = None) -> None:
    """Write the recorded exchanges, scrubbed (and anonymised), atomically."""
    entries = []
    for exchange in exchanges:
        # Redact first: anonymising could rewrite part of a secret (an id or e-mail inside a
        # password) so that the redactor no longer recognises the rest of it.
        url, body = redactor.redact(exchange.url), redactor.redact(exchange.body)
        if anonymizer is not None:
            url, body = anonymizer.apply(url), anonymizer.apply(body)
        headers = {k: redactor.redact(v) for k, v in sorted(exchange.headers.items())}
        response: dict[str, Any] = {
            "method": exchange.method,
            "url": url,
            "body": body,
            "status": exchange.status,
            "content_type": exchange.content_type,
            "auto_calculate_content_length": False,
        }
        if headers:
            response["headers"] = headers
        entries.append({"response": response})
    text = yaml.safe_dump({"responses": entries}, sort_keys=False, allow_unicode=True, width=120)
    write_output(path, text)
