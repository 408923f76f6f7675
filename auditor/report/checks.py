"""`auditor checks`: the registered checks, their stable ids and suspension codes, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from auditor.model import CATEGORY_LABELS
from auditor.report.text_or_json import TextOrJson
from auditor.suspensions import SUSPENSIONS

if TYPE_CHECKING:
    from auditor.checks.base import Check


def format_checks_json(checks: Sequence[Check]) -> str:
    rows = [{"check": c.id, "suspension": c.suspension.value if c.suspension is not None else None,
             "category": c.category.value, "family": c.family,
             "label": SUSPENSIONS[c.suspension].label if c.suspension is not None else CATEGORY_LABELS[c.category],
             "title": c.title, "remediation": c.remediation} for c in checks]
    return json.dumps(rows, indent=2, sort_keys=True)


def format_checks_text(checks: Sequence[Check]) -> str:
    width = max(len(c.id) for c in checks)
    code_width = max(len(c.code) for c in checks)
    return "\n".join(f"{check.id:<{width}}  {check.code:<{code_width}}  {check.title}" for check in checks)


CHECKS_FORMATTERS: dict[TextOrJson, Callable[[Sequence[Check]], str]] = {
    TextOrJson.TEXT: format_checks_text,
    TextOrJson.JSON: format_checks_json,
}
