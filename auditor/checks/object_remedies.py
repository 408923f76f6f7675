"""The pieces object-access and lookup-access findings share: why an object's access could not be judged,
the Setup path that grants what is missing, and the message parts naming muting sets and license ceilings."""

from __future__ import annotations

from auditor.checks.base import Check, join, permission_set_to_edit, user_name
from auditor.model import Finding
from auditor.permissions import ObjectAccess
from auditor.snapshot import OrgSnapshot, Unavailable, UserInfo

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
