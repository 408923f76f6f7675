"""SF_OBJECT_PERMISSIONS, check object-access: Read, Create and Edit on every synced object (and View All /
Modify All on the sharing-sensitive ones), the Marketing User gate on Campaign, stale permission set groups."""

from __future__ import annotations

from auditor.checks.base import Check, expiry_warning, join, missing_sources, user_name
from auditor.checks.object_remedies import _access_message, _inputs_error, _licensed, _muting, _object_fix
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.permissions import object_access
from auditor.snapshot import FailureKind, OrgSnapshot, SourceKind, Unavailable, UserInfo
from auditor.suspensions import Suspension

# HubSpot's install guide asks for View All and Modify All on these: without them, records that are
# not shared with the integration user are invisible to it and silently do not sync.
_SHARING_SENSITIVE = ("lead", "contact", "account", "opportunity")


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
