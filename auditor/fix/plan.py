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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from auditor.checks import CHECKS_BY_ID
from auditor.checks.base import SnapshotPart, describe_unavailable, unmet_requirement
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.permissions import (
    OBJECT_PERMISSIONS,
    PERMISSION_LABELS,
    SYSTEM_PERMISSION_LABELS,
    PermissionDataUnavailable,
    carrier_field_access,
    fls_carrier,
    object_access,
    system_permission_sources,
)
from auditor.snapshot import (
    FailureKind,
    FieldDescribe,
    ObjectDescribe,
    OrgInfo,
    OrgSnapshot,
    Unavailable,
    UserInfo,
)
from auditor.suspensions import Suspension

# The suspensions a permission set can clear.
FIXABLE_SUSPENSIONS = frozenset({Suspension.SF_API_DISABLED, Suspension.SF_OBJECT_PERMISSIONS,
                                 Suspension.SF_FIELD_PERMISSIONS})

# System permissions a generated set must never hold: they give far more than HubSpot needs.
NEVER_GRANTED = frozenset({"ModifyAllData", "ViewAllData", "ManageUsers", "AuthorApex", "CustomizeApplication",
                           "ModifyMetadata"})

# Salesforce's object-permission dependencies: what each permission needs in the same set
# [C Object Reference ObjectPermissions: "Create/Edit need Read; Delete needs Read and Edit;
# ModifyAllRecords needs Read, Edit, Delete and ViewAllRecords"; View All needs Read, same source].
OBJECT_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "read": (),
    "create": ("read",),
    "edit": ("read",),
    "delete": ("read", "edit"),
    "view_all": ("read",),
    "modify_all": ("read", "edit", "delete", "view_all"),
}

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

HUBSPOT_PERMISSION_SET_NAME = "HubSpot_Integration_Permissions"  # [U: API name, reference hubspot-integration.md]
_BY_LABEL = {label.lower(): name for name, label in PERMISSION_LABELS.items()}


@dataclass(frozen=True)
class Because:
    """The finding a grant or a manual step answers."""

    check: str
    suspension: str
    object: str | None
    field: str | None
    message: str

    @staticmethod
    def of(finding: Finding) -> Because:
        return Because(finding.check, finding.code, finding.object, finding.field, finding.message)


@dataclass(frozen=True)
class ObjectGrant:
    sobject: str
    permissions: tuple[str, ...]  # attribute names, in OBJECT_PERMISSIONS order, dependencies included
    because: tuple[Because, ...]


@dataclass(frozen=True)
class FieldGrant:
    field: str  # qualified: "Contact.MailingAddress"
    editable: bool  # readable is always true (Edit requires Read)
    because: tuple[Because, ...]
    covers: tuple[str, ...] = ()  # mapped components a compound grant stands for ("Contact.MailingCity", ...)


@dataclass(frozen=True)
class UserPermissionGrant:
    name: str  # PermissionSet field without "Permissions": "ApiEnabled"
    because: tuple[Because, ...]


@dataclass(frozen=True)
class ManualStep:
    """Something no permission set can do. ``required``: the failure stays until it is done."""

    check: str
    suspension: str
    object: str | None
    field: str | None
    why: str
    how: str
    required: bool = True


@dataclass(frozen=True)
class FixPlan:
    """Everything the fix grants and everything it cannot, for one audited user."""

    username: str | None
    org: str | None  # "ACME Corp (00D...)"
    api_version: str
    audited_at: str | None  # the snapshot's collection time, ISO-8601 UTC
    objects: tuple[ObjectGrant, ...] = ()
    fields: tuple[FieldGrant, ...] = ()
    user_permissions: tuple[UserPermissionGrant, ...] = ()
    manual_steps: tuple[ManualStep, ...] = ()
    # Error findings of permission checks: the audit could not say what is missing (exit 3).
    incomplete: tuple[str, ...] = ()
    # Failures no permission set addresses (limits, storage, mappings, outages): see `auditor audit`.
    not_addressed: tuple[Because, ...] = ()

    @property
    def grants_anything(self) -> bool:
        return bool(self.objects or self.fields or self.user_permissions)

    @property
    def required_steps(self) -> tuple[ManualStep, ...]:
        return tuple(step for step in self.manual_steps if step.required)


# ----------------------------------------------------------------------------- helpers


def with_dependencies(permissions: Iterable[str]) -> tuple[str, ...]:
    """``permissions`` plus what Salesforce requires beside them in one set, in OBJECT_PERMISSIONS order."""
    wanted: set[str] = set()
    pending = list(permissions)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(OBJECT_DEPENDENCIES[name])
    return tuple(name for name in OBJECT_PERMISSIONS if name in wanted)


def _who(snapshot: OrgSnapshot) -> str:
    user = snapshot.user
    return user.username if isinstance(user, UserInfo) else "<integration user's username>"


def _labels(permissions: Iterable[str]) -> str:
    return ", ".join(PERMISSION_LABELS[name] for name in permissions)


def _step(finding: Finding, why: str, how: str, *, required: bool = True) -> ManualStep:
    return ManualStep(finding.check, finding.code, finding.object, finding.field, why, how, required)


class _Builder:
    """Accumulates grants and steps, merging repeats (one grant per object, field and permission)."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[str, set[str], list[Because]]] = {}
        self.fields: dict[str, tuple[str, bool, list[Because], list[str]]] = {}
        self.user_permissions: dict[str, list[Because]] = {}
        self.steps: dict[tuple[str | None, str | None, str], ManualStep] = {}

    def grant_object(self, sobject: str, permissions: Iterable[str], finding: Finding) -> None:
        name, held, reasons = self.objects.setdefault(sobject.lower(), (sobject, set(), []))
        held.update(permissions)
        if Because.of(finding) not in reasons:
            reasons.append(Because.of(finding))

    def grant_field(self, qualified: str, editable: bool, finding: Finding, covers: Iterable[str]) -> None:
        name, was_editable, reasons, covered = self.fields.get(qualified.lower(), (qualified, False, [], []))
        if Because.of(finding) not in reasons:
            reasons.append(Because.of(finding))
        covered.extend(c for c in covers if c not in covered)
        self.fields[qualified.lower()] = (name, was_editable or editable, reasons, covered)

    def grant_user_permission(self, name: str, finding: Finding) -> None:
        if name in NEVER_GRANTED:
            raise ValueError(f"the fix never grants {name}")
        reasons = self.user_permissions.setdefault(name, [])
        if Because.of(finding) not in reasons:
            reasons.append(Because.of(finding))

    def manual(self, step: ManualStep) -> None:
        # One step per thing to do: object-access and lookup-access on the same object share it.
        self.steps.setdefault((step.object, step.field, step.how), step)

    def plan(self, base: FixPlan, incomplete: list[str], not_addressed: list[Because]) -> FixPlan:
        return replace(
            base,
            objects=tuple(ObjectGrant(name, with_dependencies(held), tuple(reasons))
                          for _, (name, held, reasons) in sorted(self.objects.items()) if held),
            fields=tuple(FieldGrant(name, editable, tuple(reasons), tuple(covered))
                         for _, (name, editable, reasons, covered) in sorted(self.fields.items())),
            user_permissions=tuple(UserPermissionGrant(name, tuple(reasons))
                                   for name, reasons in sorted(self.user_permissions.items())),
            manual_steps=tuple(sorted(self.steps.values(), key=lambda s: (not s.required, s.suspension, s.check,
                                                                           s.object or "", s.field or "", s.how))),
            incomplete=tuple(incomplete),
            not_addressed=tuple(not_addressed),
        )


# ----------------------------------------------------------------------------- per finding


def _object_needs(finding: Finding, config: AuditConfig) -> tuple[str, ...]:
    """What the check asked for on the finding's object (attribute names)."""
    sobject = finding.object or ""
    if finding.check == "lookup-access":
        return ("read",) if sobject.lower() == "user" else ("read", "edit")
    requirement = config.requirement(sobject)
    labels = requirement.needed() if requirement is not None else ("Read", "Edit")
    return tuple(_BY_LABEL[label.lower()] for label in labels)


def _plan_object(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig) -> None:
    sobject = finding.object or ""
    lower = sobject.lower()
    access = object_access(snapshot, sobject)
    missing = tuple(name for name in _object_needs(finding, config) if not access.granted_by(name))
    if not missing:
        # Object permissions are all there, yet the check fails: something a set cannot change.
        builder.manual(_step(finding, finding.message, finding.remediation))
        return
    if lower in ("task", "event"):
        permission = "EditTask" if lower == "task" else "EditEvent"
        builder.grant_user_permission(permission, finding)
        return
    if lower == "user":
        builder.manual(_step(finding, finding.message,
                             f"Use an internal Salesforce user (User Type 'Standard') as the integration user: "
                             f"no permission set grants {_labels(missing)} on User."))
        return
    described = snapshot.describe(sobject)
    if (finding.check == "object-access" and sobject.endswith("__c") and not isinstance(described, ObjectDescribe)
            and not access.read):
        # A custom object in the scope that the audit could not describe, and that no set grants Read on, may
        # not exist: a grant on it would fail the whole deploy. (A lookup's target exists: a describe names it.)
        builder.manual(_step(finding, finding.message,
                             f"Check that {sobject} exists (Setup > Object Manager); if it does, grant "
                             f"{_labels(with_dependencies(missing))} on it: {finding.remediation}"))
        return
    denied = tuple(name for name in missing if name in access.not_licensed)
    # What the licence rules out cannot be granted, nor anything that depends on it.
    blocked = {name for name in missing if set(with_dependencies((name,))) & set(denied)}
    if blocked:
        licence = access.license or "the user's licence"
        who = _who(snapshot)
        builder.manual(_step(
            finding,
            f"{licence} does not allow {_labels(denied)} on {sobject}, so no permission set can grant "
            f"{_labels(sorted(blocked, key=OBJECT_PERMISSIONS.index))}.",
            f"Give {who} a user license that allows {sobject} (Setup > Users > Users > {who} > Edit > User "
            f"License, then a profile of that license), or stop syncing {sobject}; then run `auditor fix` again.",
        ))
    grantable = tuple(name for name in missing if name not in blocked)
    if grantable:
        builder.grant_object(sobject, grantable, finding)


def _mapped_on(config: AuditConfig, described: ObjectDescribe, target: FieldDescribe) -> list[tuple[str, bool]]:
    """(qualified mapped field, needs Edit) for every mapping whose field is governed by ``target``."""
    result = []
    for mapping in config.mappings:
        if mapping.sobject.lower() != described.name.lower():
            continue
        mapped = described.field(mapping.field)
        if mapped is None:
            continue
        if fls_carrier(described, mapped).name.lower() == target.name.lower():
            result.append((f"{described.name}.{mapped.name}", mapping.direction.needs_edit and not mapped.calculated))
    return result


def _grant_field_gap(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig,
                     described: ObjectDescribe, field_describe: FieldDescribe) -> bool:
    """Grant what the mappings need on the field carrying ``field_describe``'s field-level security (its
    compound for an address component). False when there is nothing a grant can do: not permissionable, no
    mapping reaches it, or its access is already complete."""
    target = fls_carrier(described, field_describe)
    if not target.permissionable:
        return False
    mapped = _mapped_on(config, described, target)
    if not mapped:
        # No mapping reaches this field, so what HubSpot needs on it is unknown here: never guess a grant.
        return False
    needs_edit = any(edit for _, edit in mapped) and not target.calculated
    access = carrier_field_access(snapshot, described, target)
    if access.read and (access.edit or not needs_edit):
        return False
    target_name = f"{described.name}.{target.name}"
    covers = tuple(q for q, _ in mapped if q.lower() != target_name.lower())
    builder.grant_field(target_name, needs_edit, finding, covers)
    return True


def _plan_field(builder: _Builder, finding: Finding, snapshot: OrgSnapshot, config: AuditConfig) -> None:
    qualified = finding.field or ""
    sobject, _, name = qualified.partition(".")
    described = snapshot.describe(sobject)
    field_describe = described.field(name) if isinstance(described, ObjectDescribe) else None
    if not isinstance(described, ObjectDescribe) or field_describe is None:
        # Not in describe (hidden by field-level security): grant it as the mappings name it [U: it exists;
        # the check reports field-access only for fields that do].
        needs_edit = any(m.direction.needs_edit for m in config.mappings if m.qualified.lower() == qualified.lower())
        builder.grant_field(qualified, needs_edit, finding, ())
        return
    if not _grant_field_gap(builder, finding, snapshot, config, described, field_describe):
        builder.manual(_step(finding, finding.message, finding.remediation))


def _plan_fields_of_unreadable_object(builder: _Builder, finding: Finding, snapshot: OrgSnapshot,
                                      config: AuditConfig) -> None:
    """Field grants for an object object-access fails for lack of Read: field-access leaves its fields to
    that finding (one cause, one finding), so the gaps are recomputed here, each answering ``finding``."""
    sobject = finding.object or ""
    if object_access(snapshot, sobject).read:
        return  # field-access judged this object's fields itself
    described = snapshot.describe(sobject)
    if not isinstance(described, ObjectDescribe):
        if any(m.sobject.lower() == sobject.lower() for m in config.mappings):
            builder.manual(_step(
                finding, f"The describe of {sobject} could not be read, so its fields' access was not checked.",
                f"After deploying this set, run `auditor audit` and `auditor fix` again to check field-level "
                f"security on {sobject}'s mapped fields.", required=False))
        return
    for mapping in config.mappings:
        if mapping.sobject.lower() != sobject.lower():
            continue
        field_describe = described.field(mapping.field)
        if field_describe is not None:
            _grant_field_gap(builder, finding, snapshot, config, described, field_describe)


def _plan_api(builder: _Builder, finding: Finding, snapshot: OrgSnapshot) -> None:
    refusal = snapshot.api_refusal
    if refusal is None or refusal.error_code in ("API_CURRENTLY_DISABLED", "API_DISABLED_FOR_ORG"):
        builder.grant_user_permission("ApiEnabled", finding)
    if refusal is not None and refusal.error_code != "API_CURRENTLY_DISABLED":
        edition = f" (the org is {snapshot.org.edition})" if isinstance(snapshot.org, OrgInfo) else ""
        builder.manual(_step(
            finding,
            f"Salesforce refused API access for the whole org ({refusal.error_code}){edition}: if the edition has "
            "no API, no permission set helps.",
            "Check Setup > Company Settings > Company Information > Organization Edition: Professional Edition needs "
            "the API add-on (ask your Salesforce account executive), Group and Essentials editions cannot use the "
            "integration; Enterprise, Unlimited, Performance and Developer editions include the API.",
        ))


def _plan_hubspot_set(builder: _Builder, finding: Finding, snapshot: OrgSnapshot) -> None:
    package = snapshot.hubspot_package
    who = _who(snapshot)
    assign = (f"sf org assign permset --name {HUBSPOT_PERMISSION_SET_NAME} --on-behalf-of {who} "
              "--target-org <admin-alias>")
    if not isinstance(package, Unavailable) and not package.permission_set_ids:
        how = ("Reinstall or upgrade the HubSpot managed package (namespace HubSpot_Inc) so its permission set "
               f"exists, then assign it: {assign}")
    else:
        how = (f"{assign} (or Setup > Users > Permission Sets > HubSpot Integration Permissions > Manage "
               f"Assignments > Add Assignment > {who}). A managed package's set cannot be copied into this one.")
    builder.manual(_step(finding, finding.message, how))


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


def _view_setup_needed(snapshot: OrgSnapshot) -> bool:
    """The audit could not read /limits for lack of View Setup and Configuration, which HubSpot also needs
    [C hubspot-integration.md], and nothing grants it: only known in an own-session audit."""
    limits = snapshot.limits
    if not snapshot.audited_connected_user or isinstance(snapshot.sources, Unavailable):
        return False
    if not (isinstance(limits, Unavailable) and limits.kind is FailureKind.NO_ACCESS):
        return False
    return not system_permission_sources(snapshot, "ViewSetup")


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


def user_permission_label(name: str) -> str:
    return SYSTEM_PERMISSION_LABELS.get(name, name)


__all__ = [
    "FIXABLE_SUSPENSIONS", "NEVER_GRANTED", "OBJECT_DEPENDENCIES", "Because", "FieldGrant", "FixPlan",
    "ManualStep", "ObjectGrant", "UserPermissionGrant", "plan_fix", "with_dependencies",
]
