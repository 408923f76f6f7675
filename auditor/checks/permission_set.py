"""SF_OBJECT_PERMISSIONS, check hubspot-permission-set: when the legacy HubSpot package is installed, its
HubSpot Integration Permissions set is assigned to the integration user (directly or through a group)."""

from __future__ import annotations

from auditor.checks.base import Check, join, missing_sources, user_name
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.permissions import ignored_sources, valid_sources
from auditor.snapshot import OrgSnapshot, SourceKind, Unavailable
from auditor.suspensions import Suspension

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
