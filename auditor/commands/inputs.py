"""The audit's inputs (AuditConfig) from flags and the settings file: mappings, limits, skipped checks."""

from __future__ import annotations

from pathlib import Path

from auditor.commands.console import say
from auditor.config import AuditConfig
from auditor.errors import UsageError
from auditor.settings import Settings


def skipped_checks(skip: list[str] | None, settings: Settings) -> frozenset[str]:
    """Check ids to skip (flags, else the settings file); a family name (``sync``) stands for all of its
    checks; an unknown name is a usage error."""
    from auditor.checks import CHECKS_BY_ID, FAMILIES

    wanted = list(skip) if skip else list(settings.skip)
    unknown = [name for name in wanted if name not in CHECKS_BY_ID and name not in FAMILIES]
    if unknown:
        raise UsageError(f"--skip {unknown[0]}: no such check or family (see 'auditor checks')")
    return frozenset(check for name in wanted for check in FAMILIES.get(name, (name,)))


def audit_config(settings: Settings, mappings: Path | None, allocation: int | None = None,
                 expected_records: int | None = None, headroom: float | None = None,
                 skip: list[str] | None = None, expiry_days: int | None = None) -> AuditConfig:
    from auditor.mappings import MappingFileError, load_mapping_file, standard_mappings

    mapping_path = mappings or (Path(settings.mappings) if settings.mappings else None)
    try:
        loaded = load_mapping_file(mapping_path, warn=say) if mapping_path else standard_mappings()
    except MappingFileError as exc:
        raise UsageError(str(exc)) from None
    headroom_setting = settings.headroom_percent if settings.headroom_percent is not None else 10.0
    expiry_setting = settings.expiry_warning_days if settings.expiry_warning_days is not None else 14
    return AuditConfig(
        mappings=loaded,
        mappings_source=str(mapping_path) if mapping_path else "HubSpot standard mappings",
        headroom_percent=headroom if headroom is not None else headroom_setting,
        hubspot_allocation=allocation if allocation is not None else settings.hubspot_allocation,
        expected_records=expected_records if expected_records is not None else settings.expected_records,
        checks_disabled=skipped_checks(skip, settings),
        expiry_warning_days=expiry_days if expiry_days is not None else expiry_setting,
    )
