"""Timestamps as Salesforce and Salesforce Trust write them, parsed the same way everywhere.

``datetime.fromisoformat`` accepts a trailing ``Z`` only from Python 3.11, and never Salesforce's
``+0000``; this module is the one place that copes with both (the auditor supports 3.10).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_timestamp(text: str) -> datetime | None:
    """Parse an ISO-8601 timestamp as Salesforce writes it; None when it cannot be parsed.

    Accepts a trailing ``Z``, ``+00:00`` or Salesforce's ``+0000``; a value without an offset
    (or a bare date) is taken as UTC.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    value = _COMPACT_OFFSET.sub(r"\1:\2", value) if "T" in value else value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
