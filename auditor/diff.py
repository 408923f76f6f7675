"""``auditor diff BASELINE.json CURRENT.json``: what changed between two JSON audit reports.

Findings are matched by (check, object, field) (and their order among equals, for the rare
check with two findings on one subject), the identity SARIF fingerprints use too. A finding's
status in a diff is its JSON ``status``, or ``ignored`` when an ``[[ignore]]`` entry accepted it.

- new failure: now ``fail``, and was not (or did not exist): this is a regression (exit 1);
- fixed: was ``fail``, now is not (or the subject is gone);
- changed: any other status change (``pass -> warn``, ``warn -> error``, ``fail -> ignored`` is
  "fixed", ``ignored -> fail`` a new failure), and non-passing subjects that appeared or went;
- new / removed checks: check ids present in only one of the two reports.

Pure: two parsed documents in, an :class:`AuditDiff` out; the formatters are pure too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from tabulate import tabulate

from auditor.errors import UsageError
from auditor.model import REPORT_SCHEMA_VERSION

Key = tuple[str, str, str, int]


@dataclass(frozen=True)
class Change:
    check: str
    object: str | None
    field: str | None
    before: str | None  # status in the baseline; None: not there
    after: str | None  # status now; None: not there any more
    message: str  # the current message (the baseline's when the finding is gone)

    @property
    def subject(self) -> str:
        return self.field or self.object or ""


@dataclass(frozen=True)
class AuditDiff:
    baseline: str
    current: str
    new_failures: tuple[Change, ...]
    fixed: tuple[Change, ...]
    changed: tuple[Change, ...]
    new_checks: tuple[str, ...]
    removed_checks: tuple[str, ...]

    @property
    def regressed(self) -> bool:
        return bool(self.new_failures)


def load_report(path: Path) -> dict[str, Any]:
    """A JSON report written by ``audit -f json``; anything else is a usage error naming the file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not JSON ({exc})") from None
    if isinstance(document, dict) and "orgs" in document:
        raise UsageError(f"{path}: a combined report of several orgs; diff each org's DIR/<org>/audit.json")
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise UsageError(f"{path}: not an auditor JSON report (no 'findings' list; write one with 'audit -f json')")
    if document.get("schema_version") != REPORT_SCHEMA_VERSION:
        raise UsageError(f"{path}: schema_version {document.get('schema_version')!r} is not supported "
                         f"(this auditor reads {REPORT_SCHEMA_VERSION})")
    for number, finding in enumerate(document["findings"], start=1):
        if not isinstance(finding, dict) or not isinstance(finding.get("check"), str) \
                or not isinstance(finding.get("status"), str):
            raise UsageError(f"{path}: findings[{number}] has no check or status")
    return document


def _indexed(document: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    seen: dict[tuple[str, str, str], int] = {}
    indexed: dict[Key, dict[str, Any]] = {}
    for finding in document["findings"]:
        base = (finding["check"], finding.get("object") or "", finding.get("field") or "")
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        indexed[(*base, occurrence)] = finding
    return indexed


def _status(finding: dict[str, Any] | None) -> str | None:
    if finding is None:
        return None
    return "ignored" if finding.get("ignored") else str(finding["status"])


def diff_reports(baseline: dict[str, Any], current: dict[str, Any], *, baseline_name: str = "baseline",
                 current_name: str = "current") -> AuditDiff:
    """What changed from ``baseline`` to ``current`` (two parsed JSON reports)."""
    before, after = _indexed(baseline), _indexed(current)
    new_failures, fixed, changed = [], [], []
    for key in sorted(set(before) | set(after)):
        old, new = _status(before.get(key)), _status(after.get(key))
        if old == new:
            continue
        shown = after.get(key) or before[key]
        change = Change(key[0], shown.get("object"), shown.get("field"), old, new, str(shown.get("message", "")))
        if new == "fail":
            new_failures.append(change)
        elif old == "fail":
            fixed.append(change)
        elif not ({old, new} <= {None, "pass"}):  # a passing subject appearing or going is noise
            changed.append(change)
    checks_before = {f["check"] for f in baseline["findings"]}
    checks_after = {f["check"] for f in current["findings"]}
    return AuditDiff(baseline_name, current_name, tuple(new_failures), tuple(fixed), tuple(changed),
                     tuple(sorted(checks_after - checks_before)), tuple(sorted(checks_before - checks_after)))


# ----------------------------------------------------------------------------- formats


class DiffFormat(str, Enum):
    """The formats ``auditor diff --format`` accepts; each has exactly one entry in DIFF_FORMATTERS."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def _was(status: str | None) -> str:
    return status if status is not None else "absent"


def _verdict(result: AuditDiff) -> str:
    if result.regressed:
        count = len(result.new_failures)
        return f"regressed: {count} new failure{'s' if count != 1 else ''}"
    return "no regression" + (f", {len(result.fixed)} fixed" if result.fixed else "")


_GROUPS: tuple[tuple[str, Callable[[AuditDiff], tuple[Change, ...]]], ...] = (
    ("New failures", lambda d: d.new_failures),
    ("Fixed", lambda d: d.fixed),
    ("Changed", lambda d: d.changed),
)


def format_diff_table(result: AuditDiff) -> str:
    lines = [f"auditor diff: {result.baseline} -> {result.current}"]
    for title, pick in _GROUPS:
        changes = pick(result)
        lines.append("")
        lines.append(f"{title} ({len(changes)})" + (":" if changes else ""))
        if changes:
            rows = [[c.check, c.subject, f"{_was(c.before)} -> {_was(c.after)}", c.message] for c in changes]
            table = tabulate(rows, headers=["check", "object / field", "status", "message"], tablefmt="simple",
                             maxcolwidths=[None, None, None, 70], disable_numparse=True)
            lines.extend(f"  {line}" for line in table.splitlines())
    lines.append("")
    lines.append(f"New checks: {', '.join(result.new_checks) or 'none'}")
    lines.append(f"Removed checks: {', '.join(result.removed_checks) or 'none'}")
    lines.append(f"Verdict: {_verdict(result)}")
    return "\n".join(lines) + "\n"


def _change_document(change: Change) -> dict[str, Any]:
    return {"check": change.check, "object": change.object, "field": change.field, "before": change.before,
            "after": change.after, "message": change.message}


def format_diff_json(result: AuditDiff) -> str:
    document = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "baseline": result.baseline,
        "current": result.current,
        "regressed": result.regressed,
        "new_failures": [_change_document(c) for c in result.new_failures],
        "fixed": [_change_document(c) for c in result.fixed],
        "changed": [_change_document(c) for c in result.changed],
        "new_checks": list(result.new_checks),
        "removed_checks": list(result.removed_checks),
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", "<br>")


def format_diff_markdown(result: AuditDiff) -> str:
    icon = ":x:" if result.regressed else ":white_check_mark:"
    blocks = [f"## Audit drift: `{_cell(result.baseline)}` → `{_cell(result.current)}`", f"{icon} **{_verdict(result)}**"]
    for title, pick in _GROUPS:
        changes = pick(result)
        if not changes:
            continue
        rows = [f"| `{c.check}` | {_cell(c.subject) or '—'} | {_was(c.before)} → {_was(c.after)} | {_cell(c.message)} |"
                for c in changes]
        blocks.append("\n".join([f"### {title} ({len(changes)})", "", "| check | object / field | status | message |",
                                 "|---|---|---|---|", *rows]))
    if result.new_checks or result.removed_checks:
        blocks.append(f"New checks: {', '.join(result.new_checks) or 'none'}; "
                      f"removed checks: {', '.join(result.removed_checks) or 'none'}")
    return "\n\n".join(blocks) + "\n"


DIFF_FORMATTERS: dict[DiffFormat, Callable[[AuditDiff], str]] = {
    DiffFormat.TABLE: format_diff_table,
    DiffFormat.JSON: format_diff_json,
    DiffFormat.MARKDOWN: format_diff_markdown,
}
