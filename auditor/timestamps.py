"""Timestamps as Salesforce and Salesforce Trust write them, parsed the same way everywhere.

``datetime.fromisoformat`` accepts a trailing ``Z`` only from Python 3.11, and never Salesforce's
``+0000``; this module is the one place that copes with both (the auditor supports 3.10).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
# Years a Salesforce or Trust time can sensibly carry. Outside them (year 1, 9999) the value is
# unknown: comparing or shifting it would overflow datetime's range.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def parse_timestamp(text: str) -> datetime | None:
    """Parse an ISO-8601 timestamp as Salesforce writes it; None when it cannot be parsed.

    Accepts a trailing ``Z``, ``+00:00`` or Salesforce's ``+0000``; a value without an offset
    (or a bare date) is taken as UTC. The result is in UTC; a year outside 1900-2999 is None.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    value = _COMPACT_OFFSET.sub(r"\1:\2", value) if "T" in value else value
    try:
        parsed = datetime.fromisoformat(value)
        parsed = parsed.astimezone(timezone.utc) if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError):
        return None
    return parsed if EARLIEST_YEAR <= parsed.year <= LATEST_YEAR else None
