"""Snapshots to and from JSON (:func:`snapshot_to_json` / :func:`snapshot_from_json`), so an audit can be
re-evaluated offline with ``auditor audit --snapshot FILE``; a malformed file is a :class:`SnapshotFormatError`.

Generic over the dataclasses: fields are written by name, types are read back from each dataclass's own
annotations, so moving a type between modules does not change the saved JSON."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from enum import Enum
from typing import Any, Union

from auditor.snapshot_model.failures import Unavailable
from auditor.snapshot_model.org_snapshot import OrgSnapshot

SNAPSHOT_SCHEMA_VERSION = 1


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Unavailable):
            plain["__unavailable__"] = True
        return plain
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_to_plain(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(_to_plain(item) for item in value)
    return value


def snapshot_to_json(snapshot: OrgSnapshot) -> str:
    document = {"snapshot_schema_version": SNAPSHOT_SCHEMA_VERSION, **_to_plain(snapshot)}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


class SnapshotFormatError(ValueError):
    """A saved snapshot does not have the expected shape."""


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    # get_type_hints re-evaluates string annotations on every call; a large snapshot has thousands of rows.
    return typing.get_type_hints(cls)


def _from_plain(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        if isinstance(value, dict) and value.get("__unavailable__"):
            return _from_plain(Unavailable, value, where)
        candidates = [a for a in args if a is not type(None) and a is not Unavailable]
        errors = []
        for candidate in candidates:
            try:
                return _from_plain(candidate, value, where)
            except SnapshotFormatError as exc:
                errors.append(str(exc))
        raise SnapshotFormatError(errors[0] if errors else f"{where}: unexpected value")
    if origin is tuple:
        if not isinstance(value, list):
            raise SnapshotFormatError(f"{where}: expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_plain(args[0], item, f"{where}[]") for item in value)
        if len(args) != len(value):
            raise SnapshotFormatError(f"{where}: expected {len(args)} items")
        return tuple(_from_plain(a, item, f"{where}[]") for a, item in zip(args, value))
    if origin is frozenset:
        if not isinstance(value, list):
            raise SnapshotFormatError(f"{where}: expected a list")
        return frozenset(_from_plain(args[0], item, f"{where}[]") for item in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise SnapshotFormatError(f"{where}: expected an object for {hint.__name__}")
        hints = _type_hints(hint)
        kwargs = {}
        for f in dataclasses.fields(hint):
            if f.name in value:
                kwargs[f.name] = _from_plain(hints[f.name], value[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise SnapshotFormatError(f"{where}: missing key '{f.name}'")
        return hint(**kwargs)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError as exc:
            raise SnapshotFormatError(f"{where}: {exc}") from None
    if hint is Any:
        return value
    if hint in (str, int, bool, float):
        if hint is int and isinstance(value, bool) or not isinstance(value, hint):
            raise SnapshotFormatError(f"{where}: expected {hint.__name__}")
        return value
    if hint is type(None):
        if value is not None:
            raise SnapshotFormatError(f"{where}: expected null")
        return None
    raise SnapshotFormatError(f"{where}: unsupported type {hint!r}")


def snapshot_from_json(text: str) -> OrgSnapshot:
    """Load a snapshot saved by :func:`snapshot_to_json`; raises SnapshotFormatError."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotFormatError(f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(document, dict):
        raise SnapshotFormatError("expected a JSON object")
    version = document.pop("snapshot_schema_version", None)
    if version != SNAPSHOT_SCHEMA_VERSION:
        raise SnapshotFormatError(f"unsupported snapshot_schema_version {version!r}")
    result: OrgSnapshot = _from_plain(OrgSnapshot, document, "snapshot")
    return result
