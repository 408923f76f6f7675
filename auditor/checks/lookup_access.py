"""SF_OBJECT_PERMISSIONS, check lookup-access: follows the synced lookups (breadth-first, shortest path) and
requires Read and Edit on every object they reach; warns on unmapped custom lookups to unreadable objects."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from auditor.checks.base import Check, join, missing_sources, user_name
from auditor.checks.object_remedies import _access_message, _inputs_error, _licensed, _muting, _object_fix
from auditor.config import AuditConfig, FieldMapping
from auditor.model import Finding, Status
from auditor.permissions import SPECIAL_OBJECTS, object_access
from auditor.snapshot import ObjectDescribe, OrgSnapshot, Unavailable
from auditor.suspensions import Suspension

@dataclass(frozen=True)
class _Reached:
    target: str
    path: tuple[str, ...]  # lookup fields followed, then the target: ("Contact.AccountId", "Account")


def _follow_lookups(
    snapshot: OrgSnapshot, config: AuditConfig
) -> tuple[list[_Reached], list[tuple[str, Unavailable | None]]]:
    """Every object reached through mapped lookup fields, each with its shortest path.

    Breadth-first from the synced objects (config.objects), then from any other mapped object not
    reached that way, so a mapped custom object reached through Contact.AccountId -> Account shows
    that chain. Returns the objects reached and the mapped objects whose describe could not be read
    (so their lookups could not be followed).
    """
    scope = {name.lower() for name in config.objects_in_scope()}
    mapped: dict[str, list[FieldMapping]] = {}
    for mapping in config.mappings:
        mapped.setdefault(mapping.sobject.lower(), []).append(mapping)

    reached: dict[str, _Reached] = {}
    expanded: set[str] = set()
    unreadable: list[tuple[str, Unavailable | None]] = []
    queue: deque[tuple[str, tuple[str, ...]]] = deque()

    def expand(sobject: str, prefix: tuple[str, ...]) -> None:
        mappings = mapped.get(sobject.lower(), [])
        if not mappings:
            return
        described = snapshot.describe(sobject)
        if not isinstance(described, ObjectDescribe):
            unreadable.append((sobject, described))
            return
        for mapping in mappings:
            field = described.field(mapping.field)
            if field is None or field.type != "reference":
                continue
            targets = field.reference_to
            if field.polymorphic or len(targets) > 1:
                # Product decision: a polymorphic lookup (Task.WhatId points at dozens of objects,
                # OwnerId at User and Group) is followed only to the objects HubSpot syncs; requiring
                # Read and Edit on every possible target would demand access HubSpot never uses.
                targets = tuple(t for t in targets if t.lower() in scope)
            step = f"{described.name}.{field.name}"
            for target in targets:
                key = target.lower()
                if key == "group":  # queues are not permission-controlled
                    continue
                reached.setdefault(key, _Reached(target, prefix + (step, target)))
                if key not in expanded:
                    expanded.add(key)
                    queue.append((target, prefix + (step,)))

    roots_by_phase = ([r.sobject for r in config.objects], [m.sobject for m in config.mappings])
    for roots in roots_by_phase:
        for root in roots:
            if root.lower() not in expanded:
                expanded.add(root.lower())
                queue.append((root, ()))
        while queue:
            expand(*queue.popleft())
    return list(reached.values()), unreadable


def _run_lookup_access(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    reached, unreadable = _follow_lookups(snapshot, config)
    findings: list[Finding] = []
    for sobject, part in unreadable:
        if part is None:
            message = f"the describe of {sobject} was not collected; lookups among its mapped fields were not followed"
            findings.append(LOOKUP_ACCESS.finding(Status.ERROR, message, object=sobject))
        else:
            what = f"the describe of {sobject} (its lookups were not followed)"
            findings.append(LOOKUP_ACCESS.unavailable(what, part, object=sobject))
    who = user_name(snapshot)
    for item in reached:
        error = _inputs_error(LOOKUP_ACCESS, snapshot, item.target)
        if error is not None:
            findings.append(error)
            continue
        via = " -> ".join(item.path[:-1])
        needed = ("Read",) if item.target.lower() == "user" else ("Read", "Edit")
        access = object_access(snapshot, item.target)
        missing = access.missing(needed)
        if missing:
            muted, fix, muted_by = _muting(access, item.target, missing, _object_fix(snapshot, item.target, missing))
            licensed, fix, license_sources = _licensed(snapshot, access, item.target, missing, fix,
                                               f"stop syncing the lookup {item.path[-2]}")
            findings.append(
                LOOKUP_ACCESS.finding(
                    Status.FAIL,
                    f"{item.target} is reached by the synced lookup {via}, but {who} lacks {join(missing)} on it"
                    f"{muted}{licensed}{_access_message(access, needed, missing)}. HubSpot needs {join(needed)} on "
                    "every object a synced lookup reaches.",
                    fix,
                    object=item.target,
                    lookup_path=item.path,
                    sources=(*license_sources, *muted_by, *missing_sources(snapshot)),
                )
            )
        else:
            granted_by = access.sources_of(needed)
            findings.append(
                LOOKUP_ACCESS.finding(
                    Status.PASS,
                    f"{item.target} (reached by {via}): {join(needed)} granted ({'; '.join(granted_by)}).",
                    object=item.target,
                    lookup_path=item.path,
                    sources=granted_by,
                )
            )
    findings += _unmapped_lookups(snapshot, config, {item.target.lower() for item in reached})
    if not findings:
        findings.append(LOOKUP_ACCESS.finding(Status.PASS, "No mapped field is a lookup to another object."))
    return findings


def _unmapped_lookups(snapshot: OrgSnapshot, config: AuditConfig, reached: set[str]) -> list[Finding]:
    """Custom lookups on synced objects that no mapping names, whose target nothing lets the user read: a warn
    (the mapped case fails above). HubSpot may still touch them: a record HubSpot writes can require its related
    records, the "interrelated object" case of HubSpot's object-permissions article [S hubspot-integration.md]."""
    mapped = {m.qualified.lower() for m in config.mappings}
    findings: list[Finding] = []
    who = user_name(snapshot)
    for requirement in config.objects:
        described = snapshot.describe(requirement.sobject)
        if not isinstance(described, ObjectDescribe):
            continue
        for field in described.fields:
            qualified = f"{described.name}.{field.name}"
            if (field.type != "reference" or not field.custom_name() or qualified.lower() in mapped
                    or field.polymorphic or len(field.reference_to) != 1):
                continue
            target = field.reference_to[0]
            if target.lower() in reached or target.lower() in SPECIAL_OBJECTS:
                continue
            if object_access(snapshot, target).read:
                continue
            findings.append(LOOKUP_ACCESS.finding(
                Status.WARN,
                f"{qualified} (not mapped) looks up {target}, which {who} cannot read: HubSpot does not sync this "
                f"lookup, but a record HubSpot writes on {described.name} may need its related {target} record (the "
                "'interrelated object' case of HubSpot's object permissions article).",
                f"{_object_fix(snapshot, target, ('Read',))} Or leave it if no HubSpot-synced record uses {field.name}.",
                object=target,
                lookup_path=(qualified, target),
                sources=missing_sources(snapshot),
            ))
    return findings


LOOKUP_ACCESS = Check(
    id="lookup-access",
    suspension=Suspension.SF_OBJECT_PERMISSIONS,
    title="Read and Edit on every object a synced lookup reaches",
    remediation=(
        "Setup > Users > Permission Sets > <set assigned to the integration user> > Object Settings > <related "
        "object> > Edit: enable Read and Edit."
    ),
    run=_run_lookup_access,
    requires=("sources", "object_permissions", "describes"),
)
