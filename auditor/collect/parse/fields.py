"""Typed reads of one record's fields: a value of the wrong type raises Malformed, never passes as text.

Salesforce's documented shapes are expected; a missing key, a wrong type or a text body where JSON
was due raises ``Malformed`` with the detail, which ``parse_part`` (answer.py) turns into
``Unavailable(UNEXPECTED)``, never an exception and never an empty value that would read as "no access".
"""

from __future__ import annotations

import re
from typing import Any

from auditor.collect.executor import not_json


class Malformed(Exception):
    """An answer that does not have the documented shape (internal to the parsers)."""


def _dict(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, str):  # parse_body keeps the text of a body that is not JSON
        raise Malformed(f"{what} is {not_json(value)}")
    if not isinstance(value, dict):
        raise Malformed(f"{what} is {type(value).__name__}, expected an object")
    return value


def _str(record: dict[str, Any], key: str) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise Malformed(f"'{key}' is {type(value).__name__}, expected text")
    return value


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Malformed(f"'{key}' is {type(value).__name__}, expected text")
    return value


def _bool(record: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = record.get(key, default)
    if not isinstance(value, bool):
        raise Malformed(f"'{key}' is {type(value).__name__}, expected true/false")
    return value


def _int(value: Any, what: str) -> int:
    # The v29 pilot returned some limit values as strings [C D-LIMITS-192].
    if isinstance(value, bool):
        raise Malformed(f"{what} is a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise Malformed(f"{what} is {value!r}, expected a number")
