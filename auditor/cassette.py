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


def load_cassette(path: Path) -> list[dict[str, Any]]:
    """The recorded responses of ``path``; UsageError (exit 2) for an unreadable or malformed file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cassette {path}: cannot read ({exc.strerror or exc})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
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
        missing = [key for key in _REQUIRED_KEYS if key not in response]
        if missing:
            raise UsageError(f"cassette {path}: entry {number} lacks '{missing[0]}'")
        if not isinstance(response["status"], int) or not isinstance(response["url"], str):
            raise UsageError(f"cassette {path}: entry {number} has a malformed status or url")
        result.append(response)
    return result


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
