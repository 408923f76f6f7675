"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

- one rule (``reportingDescriptor``) per registered check, plus one for any other check id a
  finding names: id, name, short/full description, help with the remediation and HubSpot's
  remedy, and the suspension code as a property and a tag;
- one result per finding that did not pass: fail -> level ``error``, warn -> ``warning``,
  error (could not be evaluated) -> ``note``; an ignored finding carries a ``suppressions``
  entry with its reason (code scanning shows it as dismissed, not as an open alert);
- ``partialFingerprints`` derived from (check, object, field) only, so an alert keeps its
  identity between runs while the numbers in its message change;
- a logical location ``org/object/field`` for what the finding is about, and a physical one
  (``auditor.toml``, line 1) because code scanning refuses a result without a file location;
  the settings file is where an ``[[ignore]]`` for the result would be written.
- ``automationDetails.id`` names the org, so several orgs' runs can share one upload.

Deterministic: no timestamps, keys sorted.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from auditor.checks import CHECKS
from auditor.model import CATEGORY_LABELS, Category, Finding, Report, Status
from auditor.suspensions import SUSPENSIONS
from auditor.version import TOOL_NAME, information_uri, tool_version

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ARTIFACT_URI = "auditor.toml"
FINGERPRINT_KEY = "auditorFinding/v1"
LEVELS: dict[Status, str] = {Status.FAIL: "error", Status.WARN: "warning", Status.ERROR: "note"}


def _rule_name(check_id: str) -> str:
    """"field-access" -> "FieldAccess" (SARIF's rule name is an identifier-like word)."""
    return "".join(part.capitalize() for part in check_id.replace("_", "-").split("-"))


def _rule(check_id: str, finding: Finding | None) -> dict[str, Any]:
    registered = next((c for c in CHECKS if c.id == check_id), None)
    suspension = registered.suspension if registered else finding.suspension if finding else None
    category = registered.category if registered else finding.category if finding else Category.SUSPENSION
    title = registered.title if registered else check_id
    remediation = registered.remediation if registered else (finding.remediation if finding else "")
    if suspension is not None:
        info = SUSPENSIONS[suspension]
        code, label = suspension.value, info.label
        full = f"{title}. A failure predicts HubSpot's suspension {code} ({label})."
        help_text = f"Fix: {remediation}\n\nHubSpot's remedy for {code}: {info.remedy}"
        help_markdown = f"**Fix:** {remediation}\n\n**HubSpot's remedy for `{code}`** ({label}): {info.remedy}"
    else:  # a risk check (issue 15): no suspension, its category instead
        code, label = category.value, CATEGORY_LABELS[category]
        full = f"{title}. {label}."
        help_text = f"Fix: {remediation}"
        help_markdown = f"**Fix:** {remediation}"
    return {
        "id": check_id,
        "name": _rule_name(check_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": "error" if suspension is not None else "warning"},
        "properties": {
            "suspension": suspension.value if suspension is not None else None,
            "category": category.value,
            "hubspot_label": label,
            "tags": ["hubspot-salesforce", code],
        },
    }


def _org_name(report: Report) -> str:
    """The org in logical locations: its id, else the instance's host."""
    if report.org is not None:
        return report.org.id
    return urlsplit(report.instance_url).hostname or report.instance_url or "org"


def fingerprint(finding: Finding, occurrence: int = 0) -> str:
    """Stable per (check, object, field); ``occurrence`` tells apart two findings that share them."""
    key = "\x1f".join((finding.check, finding.object or "", finding.field or ""))
    if occurrence:
        key += f"\x1f{occurrence}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _logical_location(report: Report, finding: Finding) -> dict[str, Any]:
    org = _org_name(report)
    if finding.field:
        name = finding.field.split(".", 1)[-1]
        obj = finding.object or finding.field.split(".", 1)[0]
        return {"name": name, "fullyQualifiedName": f"{org}/{obj}/{name}", "kind": "member"}
    if finding.object:
        return {"name": finding.object, "fullyQualifiedName": f"{org}/{finding.object}", "kind": "type"}
    return {"name": org, "fullyQualifiedName": org, "kind": "namespace"}


def _message(finding: Finding) -> str:
    prefix = "Could not be evaluated: " if finding.status is Status.ERROR else ""
    text = f"{prefix}{finding.message}"
    return f"{text} Fix: {finding.remediation}" if finding.remediation else text


def _result(report: Report, finding: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.status],
        "message": {"text": _message(finding)},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": ARTIFACT_URI}, "region": {"startLine": 1}},
            "logicalLocations": [_logical_location(report, finding)],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, occurrence)},
        "properties": {
            "status": finding.status.value,
            "suspension": finding.suspension.value if finding.suspension is not None else None,
            "category": finding.category.value,
            "object": finding.object,
            "field": finding.field,
            "lookup_path": list(finding.lookup_path),
            "sources": list(finding.sources),
        },
    }
    if finding.ignored is not None:
        until = f" (until {finding.ignored.until.isoformat()})" if finding.ignored.until else ""
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f"{finding.ignored.reason}{until}"}]
    return result


def sarif_run(report: Report) -> dict[str, Any]:
    """One SARIF ``run`` for one org's report (several orgs give several runs in one log)."""
    first_of: dict[str, Finding] = {}
    for finding in report.findings:
        first_of.setdefault(finding.check, finding)
    rule_ids = [c.id for c in CHECKS] + sorted(set(first_of) - {c.id for c in CHECKS})
    index = {rule_id: n for n, rule_id in enumerate(rule_ids)}
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    for finding in report.findings:
        if finding.status is Status.PASS:
            continue
        key = (finding.check, finding.object or "", finding.field or "")
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        results.append(_result(report, finding, index[finding.check], occurrence))
    return {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "version": tool_version(),
            "informationUri": information_uri(),
            "rules": [_rule(rule_id, first_of.get(rule_id)) for rule_id in rule_ids],
        }},
        "automationDetails": {"id": f"{TOOL_NAME}/{_org_name(report)}/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "instance_url": report.instance_url,
            "api_version": report.api_version,
            "would_suspend": [code.value for code in report.would_suspend],
        },
    }


def sarif_log(runs: list[dict[str, Any]]) -> str:
    return json.dumps({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": runs},
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def format_sarif(report: Report) -> str:
    """Render ``report`` as a SARIF 2.1.0 log with one run."""
    return sarif_log([sarif_run(report)])
