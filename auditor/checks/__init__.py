"""The registry of checks, and evaluation of a snapshot against them.

Every check is listed here explicitly (nothing registers itself on import). Check ids are a public,
stable contract: they appear in every report, in ``--disable`` style options and in CI baselines.
"""

from __future__ import annotations

from auditor.checks.api import API_ENABLED, USER_ACTIVE
from auditor.checks.base import Check, not_evaluated, unmet_requirement
from auditor.checks.field_access import FIELD_ACCESS
from auditor.checks.field_mappings import FIELD_MAPPINGS
from auditor.checks.license import INTEGRATION_LICENSE, INTEGRATION_USER_POSTURE
from auditor.checks.limits import (
    DAILY_API_HEADROOM,
    DATA_STORAGE,
    FILE_STORAGE,
    HUBSPOT_ALLOCATION,
)
from auditor.checks.lookup_access import LOOKUP_ACCESS
from auditor.checks.object_access import OBJECT_ACCESS
from auditor.checks.org import (
    ORG_AVAILABILITY,
    ROW_LOCK_RISK,
    SERVER_ERRORS,
    UNEXPECTED_ANSWERS,
)
from auditor.checks.permission_set import HUBSPOT_PERMISSION_SET
from auditor.checks.sync import (
    SYNC_DUPLICATE_RULES,
    SYNC_REQUIRED_FIELDS,
    SYNC_RESTRICTED_PICKLISTS,
    SYNC_STATE_COUNTRY,
    SYNC_VALIDATION_RULES,
)
from auditor.checks.trust import TRUST_STATUS
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.snapshot import OrgSnapshot

CHECKS: tuple[Check, ...] = (
    API_ENABLED,
    USER_ACTIVE,
    OBJECT_ACCESS,
    LOOKUP_ACCESS,
    HUBSPOT_PERMISSION_SET,
    FIELD_ACCESS,
    FIELD_MAPPINGS,
    DAILY_API_HEADROOM,
    DATA_STORAGE,
    FILE_STORAGE,
    HUBSPOT_ALLOCATION,
    ROW_LOCK_RISK,
    ORG_AVAILABILITY,
    TRUST_STATUS,
    SERVER_ERRORS,
    UNEXPECTED_ANSWERS,
    # issue 15: the Integration licence (a suspension check), then the risk family 'sync'
    INTEGRATION_LICENSE,
    SYNC_REQUIRED_FIELDS,
    SYNC_RESTRICTED_PICKLISTS,
    SYNC_STATE_COUNTRY,
    SYNC_VALIDATION_RULES,
    SYNC_DUPLICATE_RULES,
    INTEGRATION_USER_POSTURE,
)

CHECKS_BY_ID: dict[str, Check] = {check.id: check for check in CHECKS}

# Family name -> its check ids: ``--skip sync`` skips the whole sync-error-risk family.
FAMILIES: dict[str, tuple[str, ...]] = {}
for _check in CHECKS:
    if _check.family is not None:
        FAMILIES.setdefault(_check.family, ())
        FAMILIES[_check.family] += (_check.id,)

# Checks that mean something when Salesforce refused API access: api-enabled explains the refusal;
# trust-status reads nothing through the org's API (and emits nothing unless --trust-status was given).
_RUNS_WITHOUT_API = frozenset({API_ENABLED.id, TRUST_STATUS.id})


def run_check(check: Check, snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    """One check's findings: a single "not evaluated: <cause>" error when an input it requires could not
    be read (or Salesforce refused API access), else what it finds; a crash is an error, never a pass."""
    if snapshot.api_refusal is not None:
        if check.id not in _RUNS_WITHOUT_API:
            message = f"not evaluated: Salesforce refused API access ({snapshot.api_refusal.error_code})"
            return [check.finding(Status.ERROR, message, "Fix the api-enabled finding, then re-run the audit.",
                                  not_evaluated="Salesforce refused API access")]
    else:
        unmet = unmet_requirement(snapshot, check.requires)
        if unmet is not None:
            return [not_evaluated(check, snapshot, unmet)]
    try:
        return check.run(snapshot, config)
    except Exception as exc:  # a crashed check must never count as a pass
        return [
            check.finding(
                Status.ERROR,
                f"check crashed: {type(exc).__name__}: {exc}",
                "This is a bug in the auditor: please report it with the saved snapshot.",
            )
        ]


def evaluate(snapshot: OrgSnapshot, config: AuditConfig) -> tuple[Finding, ...]:
    """Run every check not in ``config.checks_disabled``; findings sorted by Finding.sort_key()."""
    findings = [
        finding
        for check in CHECKS
        if check.id not in config.checks_disabled
        for finding in run_check(check, snapshot, config)
    ]
    return tuple(sorted(findings, key=Finding.sort_key))


__all__ = ["CHECKS", "CHECKS_BY_ID", "FAMILIES", "Check", "evaluate", "run_check"]
