"""SF_OBJECT_PERMISSIONS: object access on synced objects, on every object a synced lookup reaches,
and the legacy package's permission set."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from auditor.checks.base import (
    Check,
    expiry_warning,
    join,
    missing_sources,
    permission_set_to_edit,
    user_name,
)
from auditor.config import AuditConfig, FieldMapping
from auditor.model import Finding, Status
from auditor.permissions import (
    SPECIAL_OBJECTS,
    ObjectAccess,
    ignored_sources,
    object_access,
    valid_sources,
)
from auditor.snapshot import (
    FailureKind,
    ObjectDescribe,
    OrgSnapshot,
    SourceKind,
    Unavailable,
    UserInfo,
)
from auditor.suspensions import Suspension

# HubSpot's install guide asks for View All and Modify All on these: without them, records that are
# not shared with the integration user are invisible to it and silently do not sync.
_SHARING_SENSITIVE = ("lead", "contact", "account", "opportunity")


def _inputs_error(check: Check, snapshot: OrgSnapshot, sobject: str) -> Finding | None:
    """The error finding when an input that object access on ``sobject`` depends on could not be read (the
    permission parts are the check's ``requires``: the engine reports those once)."""
    if sobject.lower() == "user" and isinstance(snapshot.user, Unavailable):
        # Whether the integration user is an internal user decides Read on User.
        return check.unavailable("the integration user", snapshot.user, object=sobject)
    return None


def _object_fix(snapshot: OrgSnapshot, sobject: str, missing: tuple[str, ...]) -> str:
    """The Setup path that grants ``missing`` on ``sobject``."""
    where = f"Setup > Users > Permission Sets > {permission_set_to_edit(snapshot)}"
    lower = sobject.lower()
    if lower in ("task", "event"):
        permission = "Edit Tasks" if lower == "task" else "Edit Events"
        return f"{where} > System Permissions > Edit: enable {permission} (activities have no object settings)."
    if lower == "user":
        if "Read" in missing:
            return "Use an internal Salesforce user (User Type 'Standard') as the integration user."
        return f"{where} > System Permissions > Edit: enable Manage Users."
    return f"{where} > Object Settings > {sobject} > Edit: enable {join(missing)}."


def _muting(access: ObjectAccess, sobject: str, missing: tuple[str, ...], fix: str) -> tuple[str, str, tuple[str, ...]]:
    """(message part, remediation, sources) naming the muting sets that remove ``missing`` inside a group."""
    notes = access.muted_notes(missing)
    if not notes:
        return "", fix, ()
    unmute = (
        f"Setup > Users > Permission Set Groups > <group> > Muting Permission Set > Object Settings > {sobject} > "
        f"Edit: untick {join(missing)} ({'; '.join(notes)}). Or grant it outside the group: {fix}"
    )
    return f" ({'; '.join(notes)})", unmute, notes


def _licensed(snapshot: OrgSnapshot, access: ObjectAccess, sobject: str, missing: tuple[str, ...], fix: str,
              alternative: str) -> tuple[str, str, tuple[str, ...]]:
    """(message part, remediation, sources) when the user's license rules out some of ``missing``, read from
    the license's ObjectPermissions ceiling [U, reference §2.6]; ("", fix, ()) when it does not or is unknown."""
    notes = access.license_notes(missing)
    if not notes:
        return "", fix, ()
    denied = access.license_denied(missing)
    who = user_name(snapshot)
    current = snapshot.user.user_license if isinstance(snapshot.user, UserInfo) else None
    example = "" if (current or "").lower() == "salesforce" else " (for example a 'Salesforce' license)"
    wanted = f"includes {sobject}" if "Read" in denied else f"allows {join(denied)} on {sobject}"
    remedy = (
        f"Give {who} a user license that {wanted}{example}: Setup > Users > Users > {who} > Edit > User License, "
        f"then a profile of that license. Or {alternative}."
    )
    rest = tuple(label for label in missing if label not in denied)
    if rest:
        remedy += f" Then grant {join(rest)}: {_object_fix(snapshot, sobject, rest)}"
    them = "it" if len(denied) == 1 else "them"
    return f": {notes[0]}, so no permission set can grant {them}", remedy, notes


def _access_message(access: ObjectAccess, needed: tuple[str, ...], missing: tuple[str, ...]) -> str:
    """"; Read granted (profile 'X')" for the part of ``needed`` that is granted (empty when none is)."""
    have = tuple(label for label in needed if label not in missing)
    return f"; {join(have)} granted ({'; '.join(access.sources_of(have))})" if have else ""


# --------------------------------------------------------------------------- object-access


def _run_object_access(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    findings: list[Finding] = []
    who = user_name(snapshot)
    for requirement in config.objects:
        sobject = requirement.sobject
        error = _inputs_error(OBJECT_ACCESS, snapshot, sobject)
        if error is not None:
            findings.append(error)
            continue
        access = object_access(snapshot, sobject)
        needed = requirement.needed()
        described = snapshot.describe(sobject)
        drop = f"drop {sobject} from the sync"
        if isinstance(described, Unavailable) and described.kind is FailureKind.NO_ACCESS and not access.read:
            licensed, fix, license_sources = _licensed(snapshot, access, sobject, needed, _object_fix(snapshot, sobject, needed), drop)
            findings.append(
                OBJECT_ACCESS.finding(
                    Status.FAIL,
                    f"{sobject} is not accessible to {who} (or does not exist in this org): describing it "
                    f"answered '{described.reason}' and nothing grants Read{licensed}.",
                    fix,
                    object=sobject,
                    sources=(*license_sources, *missing_sources(snapshot)),
                )
            )
            continue
        marketing = _marketing_user_gate(snapshot, sobject, needed)
        if marketing is not None:
            findings.append(marketing)
            continue
        missing = access.missing(needed)
        if missing:
            muted, fix, muted_by = _muting(access, sobject, missing, _object_fix(snapshot, sobject, missing))
            licensed, fix, license_sources = _licensed(snapshot, access, sobject, missing, fix, drop)
            findings.append(
                OBJECT_ACCESS.finding(
                    Status.FAIL,
                    f"{who} lacks {join(missing)} on {sobject} (HubSpot needs {join(needed)}){muted}{licensed}"
                    f"{_access_message(access, needed, missing)}.",
                    fix,
                    object=sobject,
                    sources=(*license_sources, *muted_by, *missing_sources(snapshot)),
                )
            )
        else:
            granted_by = access.sources_of(needed)
            # Every needed permission must survive: warn when any one of them is held only by expiring grants.
            expiring = next((w for label in needed if (w := expiry_warning(
                OBJECT_ACCESS, snapshot, config, f"{label} on {sobject}", access.granted_by(label), object=sobject))), None)
            findings.append(expiring or
                OBJECT_ACCESS.finding(
                    Status.PASS,
                    f"{sobject}: {join(needed)} granted ({'; '.join(granted_by)}).",
                    object=sobject,
                    sources=granted_by,
                )
            )
        sharing_gaps = access.missing(("View All", "Modify All"))
        if sobject.lower() in _SHARING_SENSITIVE and access.read and sharing_gaps:
            licensed, fix, license_sources = _licensed(snapshot, access, sobject, sharing_gaps,
                                               _object_fix(snapshot, sobject, sharing_gaps), "share the records with it")
            findings.append(
                OBJECT_ACCESS.finding(
                    Status.WARN,
                    f"{join(sharing_gaps)} missing on {sobject}: records not shared with {who} will not sync "
                    f"(HubSpot's install guide asks for View All and Modify All){licensed}.",
                    fix,
                    object=sobject,
                    sources=(*license_sources, *missing_sources(snapshot)),
                )
            )
    return findings + _stale_groups(snapshot)


def _marketing_user_gate(snapshot: OrgSnapshot, sobject: str, needed: tuple[str, ...]) -> Finding | None:
    """Campaign Create/Edit need the user's Marketing User checkbox: without it Salesforce lets no user create
    or edit campaigns, whatever the object permissions say [S admin-and-sync-facts §3.8]. Read from the User
    record, so the user's own session and an admin's --user audit agree. Unknown (not read): no claim."""
    user = snapshot.user
    gated = tuple(label for label in needed if label in ("Create", "Edit"))
    if sobject.lower() != "campaign" or not gated or not isinstance(user, UserInfo) or user.marketing_user is not False:
        return None
    access = object_access(snapshot, sobject)
    also = access.missing(needed)
    extra = f" Object permissions lack {join(also)} too: {_object_fix(snapshot, sobject, also)}" if also else ""
    return OBJECT_ACCESS.finding(
        Status.FAIL,
        f"{user_name(snapshot)} is not a Marketing User: Salesforce lets no user without the Marketing User checkbox "
        f"create or edit campaigns, whatever the object permissions say, so HubSpot cannot {join(gated)} Campaign "
        "records or add campaign members.",
        f"Setup > Users > Users > {user.name} > Edit: tick Marketing User (General Information), then Save.{extra}",
        object=sobject,
        sources=(f"User.UserPermissionsMarketingUser is false for {user_name(snapshot)}",),
    )


def _stale_groups(snapshot: OrgSnapshot) -> list[Finding]:
    """A permission set group whose Status is not Updated (Outdated, Updating, Failed) may grant
    what its aggregate set held before the last change [S/U reference §2.5]: the verdicts above
    rest on that aggregate, so say so."""
    if isinstance(snapshot.sources, Unavailable):
        return []
    stale = sorted({(s.label, s.group_status) for s in snapshot.sources
                    if s.kind is SourceKind.GROUP and s.group_status not in (None, "Updated")})
    return [
        OBJECT_ACCESS.finding(
            Status.WARN,
            f"Permission set group '{label}' has status {status}: its aggregate permissions may not reflect "
            "recent changes, so the access it grants may differ from what this audit read.",
            f"Setup > Users > Permission Set Groups > {label}: wait for the recalculation to finish, or "
            "recalculate it, then run the audit again.",
            sources=(f"permission set group '{label}'",),
        )
        for label, status in stale
    ]


OBJECT_ACCESS = Check(
    id="object-access",
    suspension=Suspension.SF_OBJECT_PERMISSIONS,
    title="Read, Create and Edit on every synced object",
    remediation=(
        "Setup > Users > Permission Sets > <set assigned to the integration user> > Object Settings > <object> "
        "> Edit: enable the missing permissions."
    ),
    run=_run_object_access,
    requires=("sources", "object_permissions"),
)


# --------------------------------------------------------------------------- lookup-access


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


# --------------------------------------------------------------------------- hubspot-permission-set

_HUBSPOT_SET = "HubSpot Integration Permissions"


def _via_groups(snapshot: OrgSnapshot, set_ids: tuple[str, ...], label: str) -> tuple[str, ...]:
    """"permission set 'HubSpot Integration Permissions' via permission set group 'X'" for each valid group
    assignment whose group contains one of ``set_ids``: a component of an assigned group is assigned
    [C Salesforce Help, permission set groups]. Muting does not matter here: it removes permissions, and
    object-access and field-access judge those from the group's aggregate set."""
    components = snapshot.group_components
    if isinstance(components, Unavailable):
        return ()
    groups = {s.group_id: s for s in valid_sources(snapshot) if s.kind is SourceKind.GROUP and s.group_id}
    return tuple(dict.fromkeys(
        f"permission set '{label}' via {groups[c.group_id].display()}"
        for c in components if c.permission_set_id in set_ids and c.group_id in groups
    ))


def _run_hubspot_permission_set(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    package = snapshot.hubspot_package
    assert not isinstance(package, Unavailable)  # required: the engine reports it once
    if not package.installed:
        return [
            HUBSPOT_PERMISSION_SET.finding(
                Status.PASS, "Legacy HubSpot package not installed; no permission set to assign."
            )
        ]
    if isinstance(snapshot.sources, Unavailable):
        return [HUBSPOT_PERMISSION_SET.unavailable("the user's permission sets", snapshot.sources)]
    label = package.permission_set_label or _HUBSPOT_SET
    assigned = tuple(s.display() for s in valid_sources(snapshot) if s.id in package.permission_set_ids)
    assigned += _via_groups(snapshot, package.permission_set_ids, label)
    if assigned:
        return [
            HUBSPOT_PERMISSION_SET.finding(
                Status.PASS,
                f"The legacy HubSpot package is installed and {join(assigned)} is assigned to {user_name(snapshot)}.",
                sources=assigned,
            )
        ]
    ignored = [
        f"{source.display()} is assigned but ignored: {reason}"
        for source, reason in ignored_sources(snapshot)
        if source.id in package.permission_set_ids
    ]
    found = "" if package.permission_set_ids else f" (no permission set labelled '{label}' was found in the org)"
    groups = [src for src in valid_sources(snapshot) if src.kind is SourceKind.GROUP]
    if isinstance(snapshot.group_components, Unavailable) and groups and package.permission_set_ids:
        # It may sit inside one of the user's groups: do not cry wolf on an unreadable answer.
        return [HUBSPOT_PERMISSION_SET.finding(
            Status.WARN,
            f"The '{label}' permission set is not assigned to {user_name(snapshot)} directly, and the components of "
            f"{join([g.display() for g in groups])} could not be read ({snapshot.group_components.reason}): it may "
            "be assigned through a group.",
            f"Setup > Users > Permission Set Groups > <group> > Permission Sets in Group: check that '{label}' is "
            f"there, or assign it directly (Setup > Users > Permission Sets > {label} > Manage Assignments).",
        )]
    return [
        HUBSPOT_PERMISSION_SET.finding(
            Status.FAIL,
            f"The legacy HubSpot package (namespace HubSpot_Inc) is installed but its '{label}' permission set is "
            f"not assigned to {user_name(snapshot)}{found}."
            + (f" {'; '.join(ignored)}." if ignored else ""),
            f"Assign the '{label}' permission set (namespace HubSpot_Inc): Setup > Users > Permission Sets > "
            f"{label} > Manage Assignments > Add Assignment > {user_name(snapshot)}.",
            sources=missing_sources(snapshot),
        )
    ]


HUBSPOT_PERMISSION_SET = Check(
    id="hubspot-permission-set",
    suspension=Suspension.SF_OBJECT_PERMISSIONS,
    title="The legacy package's HubSpot Integration Permissions set is assigned",
    remediation=(
        "Assign the 'HubSpot Integration Permissions' permission set (namespace HubSpot_Inc) to the integration "
        "user: Setup > Users > Permission Sets > HubSpot Integration Permissions > Manage Assignments."
    ),
    run=_run_hubspot_permission_set,
    requires=("hubspot_package",),
)
