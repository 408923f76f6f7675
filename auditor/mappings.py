"""Field-mapping sets: HubSpot's standard mappings (shipped as data) and user files (CSV, TOML).

A file row is: HubSpot object, HubSpot property, Salesforce object, Salesforce field, direction.
A malformed file raises :class:`MappingFileError` naming the file, the line and the reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import locale
import re
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from auditor.config import Direction, FieldMapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

COLUMNS = ("hubspot_object", "hubspot_property", "salesforce_object", "salesforce_field", "direction")
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_DIRECTION_ALIASES = {
    "two_way": Direction.TWO_WAY,
    "two-way": Direction.TWO_WAY,
    "both": Direction.TWO_WAY,
    "bidirectional": Direction.TWO_WAY,
    "salesforce_to_hubspot": Direction.TO_HUBSPOT,
    "to_hubspot": Direction.TO_HUBSPOT,
    "sf_to_hs": Direction.TO_HUBSPOT,
    "hubspot_to_salesforce": Direction.TO_SALESFORCE,
    "to_salesforce": Direction.TO_SALESFORCE,
    "hs_to_sf": Direction.TO_SALESFORCE,
}


class MappingFileError(ValueError):
    """A mapping file that cannot be used; str() is the one-line message for the user."""


def _row_to_mapping(values: dict[str, Any], where: str) -> FieldMapping:
    missing = [c for c in COLUMNS[:4] if not str(values.get(c) or "").strip()]
    if missing:
        raise MappingFileError(f"{where}: missing {', '.join(missing)}")
    sobject = str(values["salesforce_object"]).strip()
    field_name = str(values["salesforce_field"]).strip()
    if "." in field_name:  # accept "Contact.Email" when it agrees with the object column
        prefix, _, field_name = field_name.partition(".")
        if prefix.lower() != sobject.lower():
            raise MappingFileError(f"{where}: field '{prefix}.{field_name}' is not on object '{sobject}'")
    for label, name in (("salesforce_object", sobject), ("salesforce_field", field_name)):
        if not _API_NAME.match(name):
            raise MappingFileError(f"{where}: {label} '{name}' is not a Salesforce API name")
    raw_direction = str(values.get("direction") or "two_way").strip().lower()
    direction = _DIRECTION_ALIASES.get(raw_direction)
    if direction is None:
        allowed = "two_way, salesforce_to_hubspot, hubspot_to_salesforce"
        raise MappingFileError(f"{where}: unknown direction '{raw_direction}' (use {allowed})")
    return FieldMapping(
        hubspot_object=str(values["hubspot_object"]).strip(),
        hubspot_property=str(values["hubspot_property"]).strip(),
        sobject=sobject,
        field=field_name,
        direction=direction,
    )


def _ignore(_warning: str) -> None:
    return None


def parse_csv(text: str, name: str, warn: Callable[[str], None] = _ignore) -> tuple[FieldMapping, ...]:
    """Parse CSV with a header row naming the columns; lines starting with '#' are comments.

    Columns other than COLUMNS (a spreadsheet's "notes", "owner") are ignored, each named once
    through ``warn``; a missing required column is an error that names the unknown ones (a typo?).
    """
    lines = text.splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        return ()
    header_line, header = numbered[0]
    columns = [c.strip().lower() for c in next(csv.reader([header]))]
    unknown = [c for c in columns if c not in COLUMNS]
    absent = [c for c in COLUMNS[:4] if c not in columns]
    if absent:
        also = f"unknown column '{unknown[0]}'; " if unknown else ""
        raise MappingFileError(f"{name}:{header_line}: missing column '{absent[0]}' ({also}expected {', '.join(COLUMNS)})")
    for column in unknown:
        warn(f"{name}:{header_line}: ignoring unknown column '{column[:60]}' (expected {', '.join(COLUMNS)})")
    mappings = []
    for number, line in numbered[1:]:
        try:
            cells = next(csv.reader(io.StringIO(line)))
        except csv.Error as exc:
            raise MappingFileError(f"{name}:{number}: {exc}") from None
        if len(cells) != len(columns):
            raise MappingFileError(f"{name}:{number}: expected {len(columns)} values, found {len(cells)}")
        mappings.append(_row_to_mapping(dict(zip(columns, cells)), f"{name}:{number}"))
    return tuple(mappings)


def parse_toml(text: str, name: str) -> tuple[FieldMapping, ...]:
    """Parse TOML: an array of tables ``[[mapping]]`` with the same keys as the CSV columns."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingFileError(f"{name}: {exc}") from None
    rows = document.get("mapping", [])
    unknown_keys = [k for k in document if k != "mapping"]
    if unknown_keys:
        raise MappingFileError(f"{name}: unknown key '{unknown_keys[0]}' (expected [[mapping]] tables)")
    if not isinstance(rows, list):
        raise MappingFileError(f"{name}: 'mapping' must be an array of tables ([[mapping]])")
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[mapping]]"]
    mappings = []
    for index, row in enumerate(rows):
        where = f"{name}:{starts[index]}" if index < len(starts) else f"{name}: mapping #{index + 1}"
        if not isinstance(row, dict):
            raise MappingFileError(f"{where}: each mapping must be a table")
        unknown = [k for k in row if k not in COLUMNS]
        if unknown:
            raise MappingFileError(f"{where}: unknown key '{unknown[0]}'")
        mappings.append(_row_to_mapping(row, where))
    return tuple(mappings)


def decode_text(data: bytes, name: str) -> str:
    """A mapping file's text. UTF-8 (its byte-order mark, which Excel writes, stripped), else the
    user's locale encoding when that is not UTF-8, else cp1252 (Excel's "CSV" on Western Windows);
    MappingFileError when none of them decodes it, naming the first undecodable byte's line."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise MappingFileError(f"{name}: cannot read (UTF-16 text that does not decode)") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    fallbacks = [locale.getpreferredencoding(False), "cp1252"]
    for encoding in dict.fromkeys(e for e in fallbacks if codecs.lookup(e).name not in ("utf-8", "ascii")):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    line = data[:first_bad].count(b"\n") + 1
    raise MappingFileError(f"{name}:{line}: cannot read: not UTF-8 nor cp1252 text (byte 0x{data[first_bad]:02x}); "
                           "save the file as CSV UTF-8")


def load_mapping_file(path: Path, warn: Callable[[str], None] = _ignore) -> tuple[FieldMapping, ...]:
    """Read a CSV or TOML mapping file (chosen by extension); ``warn`` receives non-fatal remarks."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MappingFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = decode_text(data, str(path))
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return parse_toml(text, str(path))
    if suffix in (".csv", ".txt"):
        return parse_csv(text, str(path), warn)
    raise MappingFileError(f"{path}: unsupported mapping file type '{suffix}' (use .csv or .toml)")


def standard_mappings() -> tuple[FieldMapping, ...]:
    """HubSpot's standard mappings, shipped with the package."""
    text = resources.files("auditor").joinpath("data/standard_mappings.csv").read_text(encoding="utf-8")
    return parse_csv(text, "standard_mappings.csv")
