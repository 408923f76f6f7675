"""What a fix must grant: findings + snapshot -> a pure :class:`FixPlan`.

The plan answers each permission failure of an audit (suspensions ``SF_API_DISABLED``,
``SF_OBJECT_PERMISSIONS``, ``SF_FIELD_PERMISSIONS``) with the smallest grant that clears it, or with
a manual step when no permission set can (a licence ceiling, the HubSpot package's own set, the
org's edition, an inactive user). It recomputes what is missing from the snapshot with the same
functions the checks use (:mod:`auditor.permissions`), so a grant never rests on a message's wording.

Rules (each a product decision, tested):
- object permissions carry Salesforce's dependencies *inside the new set*: Create, Edit and View All
  need Read; Delete needs Read and Edit; Modify All needs Read, Edit, Delete and View All
  [C Object Reference, ObjectPermissions; reference salesforce-api.md §2.6];
- field permissions only on permissionable fields; an address component is granted on its compound
  field (describe's ``compoundFieldName``, resolved by :func:`auditor.permissions.fls_carrier`, the one
  definition the checks use), never on the component [C real recordings, reference §2.7];
- an object the user cannot read gets its fields' grants too: field-access does not report the fields of
  such an object (one cause, one finding), yet the new set must carry them or the next audit fails;
  Edit always comes with Read (Edit requires Read, §2.7); a calculated field never gets Edit;
- Task/Event Create and Edit come from the Edit Tasks / Edit Events user permissions (no object
  permission grants them, §2.6 [U]); Read on User comes from being an internal user: a manual step;
- never Modify All Data, View All Data, Manage Users, Author Apex, Customize Application or Modify
  Metadata (:data:`NEVER_GRANTED`; the writer refuses them too).

The plan is built in :mod:`auditor.fix.values` (the types), :mod:`auditor.fix.builder` (merging),
:mod:`auditor.fix.grants` (object and field grants) and :mod:`auditor.fix.manual` (manual steps); this module
routes each finding and is the entry point, re-exporting the names the rest of the code imports from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.checks import CHECKS_BY_ID
from auditor.checks.base import SnapshotPart, describe_unavailable, unmet_requirement
from auditor.config import AuditConfig
from auditor.fix.builder import _Builder, _step
from auditor.fix.grants import _plan_field, _plan_fields_of_unreadable_object, _plan_object
from auditor.fix.manual import _plan_api, _plan_hubspot_set, _view_setup_needed
from auditor.fix.values import (
    FIXABLE_SUSPENSIONS,
    NEVER_GRANTED,
    OBJECT_DEPENDENCIES,
    Because,
    FieldGrant,
    FixPlan,
    ManualStep,
    ObjectGrant,
    UserPermissionGrant,
    user_permission_label,
    with_dependencies,
)
from auditor.model import Finding, Status
from auditor.permissions import PermissionDataUnavailable
from auditor.snapshot import OrgInfo, OrgSnapshot, UserInfo

# How the plan names a snapshot part it could not plan without (the Salesforce object read for it).
_PART_NAMES: dict[str, str] = {
    "org": "Organization",
    "user": "the integration user (User)",
    "sources": "the user's permission sets (PermissionSetAssignment)",
    "object_permissions": "ObjectPermissions",
    "field_permissions": "FieldPermissions",
    "describes": "the object describes",
    "limits": "/limits",
    "triggers": "ApexTrigger",
    "hubspot_package": "the HubSpot package (PackageLicense)",
}

# The checks that read /limits: their error is the finding a View Setup grant answers (chosen by check, never
# by a message's wording). daily-api-headroom and hubspot-allocation guard /limits themselves, so they do not
# declare it in ``requires``.
_LIMITS_CHECKS = frozenset({check.id for check in CHECKS_BY_ID.values() if "limits" in check.requires}
                           | {"daily-api-headroom", "hubspot-allocation"})


def _plan_finding(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig) -> None:
    if finding.check in ("object-access", "lookup-access") and finding.object:
        _plan_object(builder, finding, snapshot, config)
        if finding.check == "object-access" and config.requirement(finding.object) is not None:
            _plan_fields_of_unreadable_object(builder, finding, snapshot, config)
    elif finding.check == "field-access" and finding.field:
        _plan_field(builder, finding, snapshot, config)
    elif finding.check == "api-enabled":
        _plan_api(builder, finding, snapshot)
    elif finding.check == "hubspot-permission-set":
        _plan_hubspot_set(builder, finding, snapshot)
    else:  # user-active, and any permission check this module does not know: its own remediation
        builder.manual(_step(finding, finding.message, finding.remediation))

# ----------------------------------------------------------------------------- entry point


def _unreadable_parts(snapshot: OrgSnapshot, requires: tuple[SnapshotPart, ...]) -> list[tuple[str, str]]:
    """(part, why) for each part among ``requires`` that the snapshot could not read (the engine's own test)."""
    result: list[tuple[str, str]] = []
    for part in requires:
        unmet = unmet_requirement(snapshot, (part,))
        if unmet is not None:
            result.append((part, describe_unavailable(unmet)))
    return result


def _incomplete(errors: list[Finding], snapshot: OrgSnapshot) -> list[str]:
    """Why the plan cannot be trusted, from the error findings of permission checks: one line per snapshot
    part that could not be read (naming it and the checks it kept from running, so one outage is one line),
    then one per other error. Decided from the snapshot's Unavailable parts and the checks' ``requires``,
    never from a message's wording."""
    by_part: dict[tuple[str, str], list[str]] = {}
    others: list[str] = []
    for finding in errors:
        check = CHECKS_BY_ID.get(finding.check)
        parts = _unreadable_parts(snapshot, check.requires) if check is not None else []
        for part in parts:
            checks = by_part.setdefault(part, [])
            if finding.check not in checks:
                checks.append(finding.check)
        if not parts:
            others.append(f"{finding.check}: {finding.message}")
    lines = [f"{_PART_NAMES.get(part, part)} could not be read ({why}), so {', '.join(checks)} "
             f"{'was' if len(checks) == 1 else 'were'} not evaluated"
             for (part, why), checks in by_part.items()]
    return lines + list(dict.fromkeys(others))


def plan_fix(findings: Iterable[Finding], snapshot: OrgSnapshot, config: AuditConfig) -> FixPlan:
    """The fix for ``findings`` (an audit's, of ``snapshot`` under ``config``). Pure."""
    findings = tuple(findings)
    org = snapshot.org
    user = snapshot.user
    base = FixPlan(
        username=user.username if isinstance(user, UserInfo) else None,
        org=f"{org.name} ({org.id})" if isinstance(org, OrgInfo) else None,
        api_version=snapshot.api_version,
        audited_at=snapshot.collected_at,
    )
    builder = _Builder()
    incomplete: list[str] = []
    errors: list[Finding] = []
    not_addressed: list[Because] = []
    for finding in findings:
        fixable = finding.suspension in FIXABLE_SUSPENSIONS
        if finding.status is Status.FAIL and fixable:
            try:
                _plan_finding(builder, finding, snapshot, config)
            except PermissionDataUnavailable as exc:
                incomplete.append(f"{finding.check}: {exc}")
        elif finding.status is Status.FAIL:
            not_addressed.append(Because.of(finding))
        elif finding.status is Status.ERROR and fixable and snapshot.api_refusal is None:
            errors.append(finding)
        elif finding.status is Status.WARN and finding.check == "object-access" and "Permission set group" in finding.message:
            builder.manual(_step(finding, finding.message, finding.remediation, required=False))
    if snapshot.api_refusal is not None:
        first = next((f for f in findings if f.check == "api-enabled"), None)
        if first is not None:
            builder.manual(_step(first, "Salesforce refused API access, so no other permission could be checked.",
                                 "Once API access works, run `auditor audit` and `auditor fix` again: the other "
                                 "permission checks have not run yet."))
    if _view_setup_needed(snapshot):
        cause = next((f for f in findings if f.status is Status.ERROR and f.check in _LIMITS_CHECKS), None)
        if cause is not None:
            builder.grant_user_permission("ViewSetup", cause)
    return builder.plan(base, _incomplete(errors, snapshot) + incomplete, not_addressed)


__all__ = [
    "FIXABLE_SUSPENSIONS", "NEVER_GRANTED", "OBJECT_DEPENDENCIES", "Because", "FieldGrant", "FixPlan",
    "ManualStep", "ObjectGrant", "UserPermissionGrant", "_Builder", "_plan_field", "plan_fix",
    "user_permission_label", "with_dependencies",
]
