"""Borrow a session from the Salesforce CLI (`sf`) for ``--target-org ALIAS``.

We never read the CLI's auth files (their secrets are encrypted with a key in the OS keychain,
shared/reference/salesforce-api.md §6.2): we run the CLI and read its ``--json`` answer.

* ``sf org display --target-org ALIAS --json`` gives ``result.instanceUrl``,
  ``result.accessToken``, ``result.username`` and ``result.id`` (the org id) [C plugin-org
  display.ts]. The command refreshes the token first.
* Since plugin-org's change of 2026-05-18 ``accessToken`` reads
  ``"[REDACTED] Use 'sf org auth show-access-token' to view"`` unless ``SF_TEMP_SHOW_SECRETS``
  is set; ``sf org auth show-access-token --target-org ALIAS --json`` then gives
  ``result.accessToken`` [C plugin-org show-access-token.ts]. Which ``@salesforce/cli``
  release bundles the change is [U], so both answers are handled.
* Envelopes: success ``{"status": 0, "result": {...}, "warnings": [...]}`` [S]; failure
  ``{"status": 1, "name": "NamedOrgNotFoundError", "message": "...", "exitCode": ..., ...}``
  [S]. Older CLIs name the unknown-org error ``NamedOrgNotFound`` or ``NoOrgFound`` [S]; and
  whether a failure's JSON goes to stdout or stderr depends on the CLI version [U], so we read
  stdout first and fall back to stderr.

A session borrowed this way cannot refresh itself: when it expires the fix is to re-run
``sf org login`` (:data:`EXPIRED_HINT`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.errors import AuditIncomplete, UsageError
from auditor.redact import Redactor

SF_TIMEOUT_SECONDS = 60.0
REDACTED_PREFIX = "[REDACTED]"
EXPIRED_HINT = "re-run sf org login"
NOT_INSTALLED = (
    "the Salesforce CLI (sf) is not installed or not on PATH: install it, or use --instance-url/--access-token"
)

# Error names meaning "this alias or username has no stored authorization" [S: NamedOrgNotFoundError
# in current CLIs; NamedOrgNotFound / NoOrgFound in older ones]. The message check is the fallback.
_UNKNOWN_ORG_NAMES = frozenset({"NamedOrgNotFoundError", "NamedOrgNotFound", "NoOrgFound", "NoAuthInfoFound"})
_UNKNOWN_ORG_MESSAGE = re.compile(r"no authori[sz]ation information found|no org configuration found", re.I)


@dataclass(frozen=True)
class SfOrgSession:
    """What `sf` told us about one authorised org. The token is kept out of repr()."""

    alias: str
    instance_url: str
    access_token: str = field(repr=False)
    username: str | None
    org_id: str | None
    connected_status: str | None  # "Connected", or the CLI's description of what is wrong [S]


def unknown_org_message(alias: str) -> str:
    return f"sf knows no org '{alias}': run 'sf org login web --alias {alias}' first"


def org_session(
    alias: str,
    *,
    timeout: float = SF_TIMEOUT_SECONDS,
    redactor: Redactor | None = None,
) -> SfOrgSession:
    """Ask `sf` for the instance URL and a fresh access token of ``alias``.

    Raises UsageError (exit 2) when `sf` is missing or the alias is unusable as an argument, and
    AuditIncomplete (exit 3) when `sf` knows no such org, fails, times out or prints something
    we cannot read. No message ever contains the token.
    """
    if not alias or alias.startswith("-") or any(ch in alias for ch in "\r\n\0"):
        raise UsageError(f"--target-org {alias!r} is not a usable sf alias or username")
    executable = shutil.which("sf")
    if executable is None:
        raise UsageError(NOT_INSTALLED)
    scrub = redactor or Redactor()

    display = _run_sf(executable, ["org", "display", "--target-org", alias, "--json"], alias, timeout, scrub)
    result = _result_object(display, "sf org display", scrub)

    instance_url = _text(result.get("instanceUrl"))
    if not instance_url or not instance_url.startswith("https://"):
        raise AuditIncomplete(
            f"sf org display gave no usable instance URL for '{alias}': run 'sf org login web --alias {alias}' again"
        )
    token = _text(result.get("accessToken"))
    if token:
        scrub.add(token)
    if not token or token.startswith(REDACTED_PREFIX):
        # plugin-org >= 2026-05-18 redacts the token in `org display` [C]; ask for it explicitly.
        shown = _run_sf(
            executable, ["org", "auth", "show-access-token", "--target-org", alias, "--json"], alias, timeout, scrub
        )
        token = _text(_result_object(shown, "sf org auth show-access-token", scrub).get("accessToken"))
        if token:
            scrub.add(token)
    if not token or token.startswith(REDACTED_PREFIX):
        raise AuditIncomplete(
            f"sf did not hand out an access token for '{alias}': {EXPIRED_HINT} (sf org login web --alias {alias})"
        )
    return SfOrgSession(
        alias=alias,
        instance_url=instance_url.rstrip("/"),
        access_token=token,
        username=_text(result.get("username")),
        org_id=_text(result.get("id")),
        connected_status=_text(result.get("connectedStatus")),
    )


# --------------------------------------------------------------------------- helpers


def _run_sf(executable: str, args: Sequence[str], alias: str, timeout: float, scrub: Redactor) -> Mapping[str, Any]:
    """Run one sf command (no shell) and return its parsed JSON envelope, or raise a one-line error."""
    command = "sf " + " ".join(args[:2] if args[1] != "auth" else args[:3])
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [executable, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise AuditIncomplete(f"{command} did not answer within {timeout:.0f} s: check the sf CLI and the network") from None
    except OSError as exc:
        raise AuditIncomplete(f"could not run {command}: {exc.strerror or type(exc).__name__}") from None

    envelope = _parse_json(completed.stdout) or _parse_json(completed.stderr)
    if envelope is None:
        raw = (completed.stdout or completed.stderr or "").strip()
        first = raw.splitlines()[0][:80] if raw else "(no output)"
        raise AuditIncomplete(
            scrub.redact(f"{command} printed something that is not JSON (exit status {completed.returncode}): {first}")
        )
    status = envelope.get("status")
    failed = (isinstance(status, int) and status != 0) or ("result" not in envelope and "name" in envelope)
    if failed:
        raise _failure(envelope, command, alias, scrub)
    return envelope


def _parse_json(text: str | None) -> dict[str, Any] | None:
    if not text or not text.strip():
        return None
    candidates = [text.strip()]
    # Tolerate a stray line (an update notice, a warning) around the JSON document.
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            document = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(document, dict):
            return document
    return None


def _failure(envelope: Mapping[str, Any], command: str, alias: str, scrub: Redactor) -> AuditIncomplete:
    name = _text(envelope.get("name")) or "error"
    message = " ".join((_text(envelope.get("message")) or "").split())
    if name in _UNKNOWN_ORG_NAMES or _UNKNOWN_ORG_MESSAGE.search(message):
        return AuditIncomplete(unknown_org_message(alias))
    detail = f"{name}: {message}" if message else name
    return AuditIncomplete(
        scrub.redact(f"{command} failed for '{alias}' ({detail[:200]}): {EXPIRED_HINT} (sf org login web --alias {alias})")
    )


def _result_object(envelope: Mapping[str, Any], command: str, scrub: Redactor) -> Mapping[str, Any]:
    result = envelope.get("result")
    if not isinstance(result, dict):
        raise AuditIncomplete(scrub.redact(f"{command} answered JSON without a 'result' object"))
    return result


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
