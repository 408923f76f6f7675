"""``[[ignore]]`` entries: parsing them from the settings file and applying them to findings.

An entry names a ``check``, optionally narrows it to an ``object`` and/or ``field``, must give
a ``reason``, and may end on ``until`` (a date, inclusive). Applying is pure: an ignored finding
keeps its status and gains ``ignored``; it no longer counts towards the exit status. An entry
past its date is not applied and is returned, so the CLI can warn about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from auditor.errors import UsageError
from auditor.model import Finding, Ignore, Status

_KEYS = ("check", "object", "field", "reason", "until")


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise UsageError(f"{where}.{key}: required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}.{key}: expected a non-empty string")
    return value.strip()


def _until(entry: dict[str, Any], where: str) -> date | None:
    value = entry.get("until")
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):  # a TOML date, not a date-time
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(f"{where}.until: expected a date like 2027-03-31, got {value!r}")


def parse_ignores(raw: object, source: str, known_checks: Iterable[str]) -> tuple[Ignore, ...]:
    """The ``ignore`` array of tables from the file ``source``; a bad entry is a UsageError naming
    the file and the key, e.g. ``config auditor.toml: ignore[2].reason: required``."""
    known = set(known_checks)
    if not isinstance(raw, list):
        raise UsageError(f"config {source}: 'ignore' must be an array of tables ([[ignore]])")
    ignores = []
    for number, entry in enumerate(raw, start=1):
        where = f"config {source}: ignore[{number}]"
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: expected a table ([[ignore]])")
        unknown = sorted(set(entry) - set(_KEYS))
        if unknown:
            raise UsageError(f"{where}.{unknown[0]}: unknown key (known: {', '.join(_KEYS)})")
        check = _text(entry, "check", where, required=True)
        assert check is not None
        if check not in known:
            raise UsageError(f"{where}.check: no such check '{check}' (see 'auditor checks')")
        reason = _text(entry, "reason", where, required=True)
        assert reason is not None
        obj, field = _text(entry, "object", where), _text(entry, "field", where)
        if field is not None and "." not in field:
            if obj is None:
                raise UsageError(f"{where}.field: qualify it (Object.Field) or give 'object'")
            field = f"{obj}.{field}"
        if field is not None and obj is not None and field.split(".", 1)[0].lower() != obj.lower():
            raise UsageError(f"{where}.field: '{field}' is not a field of object '{obj}'")
        if field is not None and obj is None:
            obj = field.split(".", 1)[0]
        ignores.append(Ignore(check=check, reason=reason, object=obj, field=field,
                              until=_until(entry, where), source=f"{source}: ignore[{number}]"))
    return tuple(ignores)


def _covers(ignore: Ignore, finding: Finding) -> bool:
    if finding.status is Status.PASS or ignore.check != finding.check:
        return False
    if ignore.object is not None and ignore.object.lower() != (finding.object or "").lower():
        return False
    return ignore.field is None or ignore.field.lower() == (finding.field or "").lower()


def apply_ignores(findings: Sequence[Finding], ignores: Sequence[Ignore],
                  today: date) -> tuple[tuple[Finding, ...], tuple[Ignore, ...]]:
    """``findings`` with the first live entry that covers each one attached; and the entries past
    their ``until`` date (those are not applied)."""
    expired = tuple(i for i in ignores if i.until is not None and i.until < today)
    live = [i for i in ignores if i not in expired]
    applied = []
    for finding in findings:
        match = next((i for i in live if _covers(i, finding)), None)
        applied.append(replace(finding, ignored=match) if match else finding)
    return tuple(applied), expired
