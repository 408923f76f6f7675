"""Non-secret settings from ``auditor.toml`` or ``[tool.auditor]`` in ``pyproject.toml``.

Precedence: command-line flags, then environment variables, then this file. Secrets never
belong here: a file that holds one is refused (exit 2) so it cannot end up committed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import UsageError
from auditor.model import FailOn, Ignore

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_TYPES: dict[str, type | tuple[type, ...]] = {
    "instance_url": str, "username": str, "domain": str, "client_id": str, "private_key_file": str,
    "target_org": str, "api_version": (str, float), "mappings": str, "hubspot_allocation": int,
    "expected_records": int, "headroom_percent": (int, float), "trust_status": bool,
    "skip": list, "fail_on": str, "ignore": list, "orgs": list, "jobs": int, "expiry_warning_days": int,
}
FAIL_ON_CHOICES = tuple(choice.value for choice in FailOn)
_SECRETS = {"password", "access_token", "security_token", "client_secret", "private_key", "token", "secret"}


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"config {path}: cannot read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config {path}: {exc}") from None


def load_settings(explicit: Path | None, cwd: Path | None = None) -> dict[str, Any]:
    """The settings in force: from ``explicit``, else ./auditor.toml, else ./pyproject.toml."""
    here = cwd or Path.cwd()
    if explicit is not None:
        document = _read(explicit)
        table = document.get("tool", {}).get("auditor", document) if explicit.name == "pyproject.toml" else document
        source = str(explicit)
    elif (here / "auditor.toml").is_file():
        table, source = _read(here / "auditor.toml"), "auditor.toml"
    elif (here / "pyproject.toml").is_file():
        table = _read(here / "pyproject.toml").get("tool", {}).get("auditor", {})
        source = "pyproject.toml [tool.auditor]"
    else:
        return {}
    if not isinstance(table, dict):
        raise UsageError(f"config {source}: expected a table of settings")
    settings = {key.replace("-", "_"): value for key, value in table.items()}
    for key, value in settings.items():
        if key in _SECRETS:
            raise UsageError(f"config {source}: '{key}' is a secret and is not read from files; use the environment")
        if key not in _TYPES:
            raise UsageError(f"config {source}: unknown setting '{key}' (known: {', '.join(sorted(_TYPES))})")
        expected = _TYPES[key]
        # bool is a subclass of int: "hubspot_allocation = true" must not pass as 1. Only bool keys take one.
        if (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected):
            raise UsageError(f"config {source}: '{key}' has the wrong type")
    if "skip" in settings and not all(isinstance(item, str) for item in settings["skip"]):
        raise UsageError(f"config {source}: 'skip' must be a list of check ids")
    if "api_version" in settings:
        settings["api_version"] = str(settings["api_version"])
    if "fail_on" in settings and settings["fail_on"] not in FAIL_ON_CHOICES:
        raise UsageError(f"config {source}: 'fail_on' must be one of {', '.join(FAIL_ON_CHOICES)}")
    if "orgs" in settings and not all(isinstance(item, str) and item for item in settings["orgs"]):
        raise UsageError(f"config {source}: 'orgs' must be a list of Salesforce CLI aliases or usernames")
    if "jobs" in settings and settings["jobs"] < 1:
        raise UsageError(f"config {source}: 'jobs' must be at least 1")
    if "ignore" in settings:
        from auditor.checks import CHECKS_BY_ID
        from auditor.ignores import parse_ignores

        settings["ignore"] = parse_ignores(settings["ignore"], source, CHECKS_BY_ID)
    return settings


@dataclass(frozen=True)
class ConnectionFlags:
    """The connection flags of one command as given (flag, else its environment variable, as Typer
    resolves them); None where neither was given. Secrets among them are never read from a file."""

    instance_url: str | None = None
    access_token: str | None = None
    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    domain: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    private_key_file: str | None = None
    target_org: str | None = None
    api_version: str | None = None


@dataclass(frozen=True)
class Settings:
    """The settings file, typed: what :func:`load_settings` checked, read once per command.
    None (or empty) where the file says nothing; flags win over every field."""

    instance_url: str | None = None
    username: str | None = None
    domain: str | None = None
    client_id: str | None = None
    private_key_file: str | None = None
    target_org: str | None = None
    api_version: str | None = None
    mappings: str | None = None
    hubspot_allocation: int | None = None
    expected_records: int | None = None
    headroom_percent: float | None = None
    trust_status: bool = False
    skip: tuple[str, ...] = ()
    fail_on: FailOn | None = None
    ignore: tuple[Ignore, ...] = ()
    orgs: tuple[str, ...] = ()
    jobs: int | None = None
    expiry_warning_days: int | None = None

    def connection_value(self, name: str) -> str | None:
        """The file's value of a non-secret connection setting (``instance_url``, ``domain``, ...)."""
        value = getattr(self, name, None)
        return value if isinstance(value, str) else None


def read_settings(explicit: Path | None, cwd: Path | None = None) -> Settings:
    """The settings in force as a typed :class:`Settings` (see :func:`load_settings`)."""
    found = load_settings(explicit, cwd)
    return Settings(
        instance_url=found.get("instance_url"),
        username=found.get("username"),
        domain=found.get("domain"),
        client_id=found.get("client_id"),
        private_key_file=found.get("private_key_file"),
        target_org=found.get("target_org"),
        api_version=found.get("api_version"),
        mappings=found.get("mappings"),
        hubspot_allocation=found.get("hubspot_allocation"),
        expected_records=found.get("expected_records"),
        headroom_percent=float(found["headroom_percent"]) if "headroom_percent" in found else None,
        trust_status=bool(found.get("trust_status", False)),
        skip=tuple(found.get("skip", ())),
        fail_on=FailOn(found["fail_on"]) if "fail_on" in found else None,
        ignore=tuple(found.get("ignore", ())),
        orgs=tuple(found.get("orgs", ())),
        jobs=found.get("jobs"),
        expiry_warning_days=found.get("expiry_warning_days"),
    )
