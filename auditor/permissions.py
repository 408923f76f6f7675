"""The integration user's effective permissions, with attribution.

Pure functions of an :class:`~auditor.snapshot.OrgSnapshot`. Effective access is the OR over every
permission set that applies to the user (the profile's own set, assigned sets and the aggregate
sets of permission set groups), plus the system-permission overrides of reference §2.8. Every
grant is attributed: each permission maps to the display strings of the sources that grant it, so
a finding can say *where* access comes from, and an empty tuple means nothing grants it.

Callers must check the snapshot parts for :class:`~auditor.snapshot.Unavailable` first: these
functions raise :class:`PermissionDataUnavailable` rather than guess from missing data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from auditor.snapshot import (
    FieldDescribe,
    MutingRow,
    ObjectDescribe,
    ObjectPermissionRow,
    OrgSnapshot,
    PermissionSource,
    SourceKind,
    Unavailable,
    UserInfo,
)
from auditor.timestamps import parse_timestamp

# ObjectPermissions flags in the order Salesforce shows them, with their Setup labels.
OBJECT_PERMISSIONS: tuple[str, ...] = ("read", "create", "edit", "delete", "view_all", "modify_all")
PERMISSION_LABELS: dict[str, str] = {
    "read": "Read",
    "create": "Create",
    "edit": "Edit",
    "delete": "Delete",
    "view_all": "View All",
    "modify_all": "Modify All",
}
_BY_LABEL = {label.lower(): name for name, label in PERMISSION_LABELS.items()}

# Source strings for access that no permission set grants (reference §2.6, [U]).
ACTIVITIES_READABLE = "activities are readable by every user"
INTERNAL_USERS_READ_USERS = "every internal user can read users"
QUEUES_NOT_PERMISSION_CONTROLLED = "queues (Group) are not permission-controlled"
NOTHING_GRANTS_IT = "nothing grants it"

# Objects whose access no ObjectPermissions row decides (reference §2.6 [U]; queues are Group records):
# a license ceiling says nothing about them.
SPECIAL_OBJECTS = frozenset({"task", "event", "user", "group"})

# System permission (PermissionSet field without the "Permissions" prefix) -> Setup label.
SYSTEM_PERMISSION_LABELS: dict[str, str] = {
    "ApiEnabled": "API Enabled",
    "ModifyAllData": "Modify All Data",
    "ViewAllData": "View All Data",
    "EditTask": "Edit Tasks",
    "EditEvent": "Edit Events",
    "ManageUsers": "Manage Users",
    "ViewSetup": "View Setup and Configuration",
}


class PermissionDataUnavailable(ValueError):
    """A permission function was called although the snapshot part it needs is Unavailable."""


# ----------------------------------------------------------------------------- sources


def _why_ignored(source: PermissionSource, now: datetime | None) -> str | None:
    if source.activation_required and source.assignment_active is False:
        return "session-based assignment is not activated"
    if source.expiration_date is not None and now is not None:
        expires = parse_timestamp(source.expiration_date)
        if expires is None:
            # Unreadable expiry: counting the set could hide a suspension, so it does not grant,
            # and the finding says why.
            return f"assignment expiry date '{source.expiration_date}' could not be read"
        if expires < now:
            return f"assignment expired {source.expiration_date}"
    return None


def _classified(snapshot: OrgSnapshot) -> list[tuple[PermissionSource, str | None]]:
    sources = snapshot.sources
    if isinstance(sources, Unavailable):
        raise PermissionDataUnavailable(f"permission sources unavailable: {sources.reason}")
    now = parse_timestamp(snapshot.collected_at) if snapshot.collected_at else None
    return [(source, _why_ignored(source, now)) for source in sources]


def valid_sources(snapshot: OrgSnapshot) -> tuple[PermissionSource, ...]:
    """The sources that grant: expired and not-activated session-based assignments are dropped.

    Expiry is judged against ``snapshot.collected_at``; without it every assignment is kept.
    """
    return tuple(source for source, reason in _classified(snapshot) if reason is None)


def expiring_grants(snapshot: OrgSnapshot, granted_by: Iterable[str], days: int) -> tuple[tuple[str, str], ...]:
    """((source display, expiry date), ...) when EVERY one of ``granted_by`` is an assignment expiring within
    ``days`` of the collection time; () as soon as one grant does not expire soon (or is not an assignment at
    all, e.g. "activities are readable by every user"), or when the collection time is unknown."""
    now = parse_timestamp(snapshot.collected_at) if snapshot.collected_at else None
    grants = tuple(dict.fromkeys(granted_by))
    if now is None or not grants or isinstance(snapshot.sources, Unavailable):
        return ()
    by_display: dict[str, list[PermissionSource]] = {}
    for source in valid_sources(snapshot):
        by_display.setdefault(source.display(), []).append(source)
    found: list[tuple[str, str]] = []
    for grant in grants:
        holders = by_display.get(grant.split(" (", 1)[0] if grant not in by_display else grant, [])
        dates = [parse_timestamp(s.expiration_date) for s in holders if s.expiration_date]
        if not holders or len(dates) < len(holders) or any(d is None for d in dates):
            return ()
        latest = max(d for d in dates if d is not None)
        if (latest - now).total_seconds() > days * 86400:
            return ()
        found.append((grant, latest.date().isoformat()))
    return tuple(found)


def ignored_sources(snapshot: OrgSnapshot) -> tuple[tuple[PermissionSource, str], ...]:
    """The assigned sources that do not grant, each with the reason."""
    return tuple((source, reason) for source, reason in _classified(snapshot) if reason is not None)


def ignored_notes(snapshot: OrgSnapshot) -> tuple[str, ...]:
    """One line per ignored source, for a finding's ``sources``:
    "permission set 'HubSpot Sync' ignored: assignment expired 2024-01-31T00:00:00Z"."""
    return tuple(f"{source.display()} ignored: {reason}" for source, reason in ignored_sources(snapshot))


def _has(source: PermissionSource, system_permission: str) -> bool:
    wanted = system_permission.lower()
    return any(name.lower() == wanted for name in source.system_permissions)


def system_permission_sources(snapshot: OrgSnapshot, system_permission: str) -> tuple[str, ...]:
    """Display strings of the valid sources granting a system permission, e.g. "ApiEnabled"."""
    return tuple(s.display() for s in valid_sources(snapshot) if _has(s, system_permission))


# ----------------------------------------------------------------------------- muting

# What muting one permission also removes: the permissions that depend on it [C O-OP, O-FP].
_OBJECT_DEPENDENTS: dict[str, tuple[str, ...]] = {
    "read": OBJECT_PERMISSIONS,
    "create": ("create",),
    "edit": ("edit", "delete", "modify_all"),
    "delete": ("delete", "modify_all"),
    "view_all": ("view_all", "modify_all"),
    "modify_all": ("modify_all",),
}
_FIELD_DEPENDENTS: dict[str, tuple[str, ...]] = {"read": ("read", "edit"), "edit": ("edit",)}

# group id -> [(permission removed, note)]
_Mutes = dict[str, list[tuple[str, str]]]


def _mutes(snapshot: OrgSnapshot, sources: tuple[PermissionSource, ...], matches: Callable[[MutingRow], bool],
           dependents: dict[str, tuple[str, ...]]) -> _Mutes:
    """What the muting sets of the user's (valid) groups remove on one object or field.

    The group's aggregate set is assumed to have the muting applied already [U, reference §2.5]; removing
    the muted permissions from the group's grants again is then a no-op, and right if it is not applied.
    Muting never touches grants from outside the group. Unreadable mutings count as none: the verdict
    still comes from the aggregate set.
    """
    rows = snapshot.mutings
    if isinstance(rows, Unavailable):
        return {}
    groups = {s.group_id for s in sources if s.kind is SourceKind.GROUP and s.group_id}
    result: _Mutes = {}
    for row in rows:
        if row.group_id not in groups or not matches(row):
            continue
        note = f"muted by '{row.muting_set_name}' in permission set group '{row.group_label}'"
        for permission in row.permissions:
            for removed in dependents.get(permission, (permission,)):
                result.setdefault(row.group_id, []).append((removed, note))
    return result


def _muted_in(source: PermissionSource, mutes: _Mutes) -> set[str]:
    if source.kind is not SourceKind.GROUP or source.group_id is None:
        return set()
    return {permission for permission, _ in mutes.get(source.group_id, [])}


def _muted_pairs(mutes: _Mutes) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(pair for pairs in mutes.values() for pair in pairs))


# ----------------------------------------------------------------------------- object access


@dataclass(frozen=True)
class ObjectAccess:
    """Who grants each object permission on one object (empty tuple: nothing grants it)."""

    sobject: str
    read: tuple[str, ...] = ()
    create: tuple[str, ...] = ()
    edit: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    view_all: tuple[str, ...] = ()
    modify_all: tuple[str, ...] = ()
    # (permission attribute name, "muted by 'X' in permission set group 'Y'") for each permission a
    # muting set removes inside a group the user is assigned.
    muted: tuple[tuple[str, str], ...] = ()
    # Permissions (attribute names) that nothing grants and the user's license does not allow, and how
    # to name that license ("user license 'Salesforce Platform'"); empty when the ceiling is unknown.
    not_licensed: tuple[str, ...] = ()
    license: str | None = None

    def muted_notes(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """"Edit muted by 'X' in permission set group 'Y'" for each of ``labels`` that a muting set removes."""
        wanted = [(_BY_LABEL.get(label.lower(), label), label) for label in labels]
        return _unique(f"{label} {note}" for name, label in wanted for muted, note in self.muted if muted == name)

    def license_denied(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The labels among ``labels`` that nothing grants and the user's license does not allow."""
        return tuple(label for label in labels if _BY_LABEL.get(label.lower(), label) in self.not_licensed)

    def license_notes(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """"Read, Edit not allowed by user license 'X'" for those of ``labels`` the license rules out (or ())."""
        denied = self.license_denied(labels)
        return (f"{', '.join(denied)} not allowed by {self.license}",) if denied and self.license else ()

    def granted_by(self, permission: str) -> tuple[str, ...]:
        """Sources of one permission, by attribute name ("view_all") or label ("View All")."""
        name = _BY_LABEL.get(permission.lower(), permission)
        if name not in OBJECT_PERMISSIONS:
            raise ValueError(f"unknown object permission {permission!r}")
        result: tuple[str, ...] = getattr(self, name)
        return result

    def missing(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The labels ("Read", "Edit", ...) among ``labels`` that nothing grants."""
        return tuple(label for label in labels if not self.granted_by(label))

    def sources_of(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """Every source granting any of ``labels``, without repeats, in a stable order."""
        return _unique(source for label in labels for source in self.granted_by(label))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


class _Grants:
    """Accumulates attributed grants; a source counts once per permission (rows before overrides)."""

    def __init__(self) -> None:
        self._by_permission: dict[str, dict[str, str]] = {name: {} for name in OBJECT_PERMISSIONS}

    def add(self, permissions: tuple[str, ...], key: str, display: str) -> None:
        for permission in permissions:
            self._by_permission[permission].setdefault(key, display)

    def result(self, sobject: str, muted: tuple[tuple[str, str], ...] = (),
               ceiling: tuple[str, tuple[str, ...]] | None = None) -> ObjectAccess:
        """The attributed access; ``ceiling`` is (license display, permissions the license allows)."""
        values = {name: tuple(granted.values()) for name, granted in self._by_permission.items()}
        license_name: str | None = None
        denied: tuple[str, ...] = ()
        if ceiling is not None:
            license_name, allowed = ceiling
            # Only permissions nothing grants: a grant despite the ceiling means the ceiling reading is
            # wrong, and a pass is never turned into a fail on an unconfirmed reading [U].
            denied = tuple(name for name in OBJECT_PERMISSIONS if not values[name] and name not in allowed)
        return ObjectAccess(sobject, read=values["read"], create=values["create"], edit=values["edit"],
                            delete=values["delete"], view_all=values["view_all"], modify_all=values["modify_all"],
                            muted=muted, not_licensed=denied, license=license_name)


def _via(source: PermissionSource, system_permission: str) -> str:
    return f"{source.display()} ({SYSTEM_PERMISSION_LABELS.get(system_permission, system_permission)})"


def license_display(snapshot: OrgSnapshot, rows: tuple[ObjectPermissionRow, ...]) -> str:
    """How findings name the user's license: "user license 'Salesforce Platform'" (its Id if unnamed)."""
    user = snapshot.user
    if isinstance(user, UserInfo) and user.user_license:
        return f"user license '{user.user_license}'"
    return f"the user's license ({rows[0].source_id})" if rows else "the user's license"


def _ceiling(snapshot: OrgSnapshot, wanted: str) -> tuple[str, tuple[str, ...]] | None:
    """(license display, permissions the license allows on ``wanted``), or None when unknown.

    The license's ObjectPermissions rows are read as a ceiling: no row for an object = the license does
    not allow it [U, reference §2.6]. No rows at all, or rows that could not be read, mean "unknown":
    never claim a license restriction without a row set to compare with.
    """
    rows = snapshot.license_ceiling
    if not isinstance(rows, tuple) or not rows or wanted in SPECIAL_OBJECTS:
        return None
    row = next((r for r in rows if r.sobject.lower() == wanted), None)
    allowed = tuple(name for name in OBJECT_PERMISSIONS if row is not None and getattr(row, name))
    return license_display(snapshot, rows), allowed


def objects_without_read(snapshot: OrgSnapshot, sobjects: Iterable[str]) -> tuple[str, ...]:
    """The objects among ``sobjects`` that nothing grants Read on (no row of the user's sets, no View or
    Modify All Data), special objects aside; () when the permission data could not be read.

    The collector reads the license ceiling only when this is not empty, so healthy orgs pay nothing.
    """
    try:
        return tuple(s for s in sobjects if s.lower() not in SPECIAL_OBJECTS and not object_access(snapshot, s).read)
    except PermissionDataUnavailable:
        return ()


def object_access(snapshot: OrgSnapshot, sobject: str) -> ObjectAccess:
    """Effective object permissions on ``sobject`` (matched case-insensitively), attributed."""
    sources = valid_sources(snapshot)
    rows = snapshot.object_permissions
    if isinstance(rows, Unavailable):
        raise PermissionDataUnavailable(f"ObjectPermissions unavailable: {rows.reason}")
    by_id = {source.id: source for source in sources}
    wanted = sobject.lower()
    grants = _Grants()

    if wanted == "group":
        # Queues are Group records; no object permission controls them.
        grants.add(OBJECT_PERMISSIONS, "group", QUEUES_NOT_PERMISSION_CONTROLLED)
        return grants.result(sobject)

    mutes = _mutes(snapshot, sources, lambda m: m.field is None and m.sobject.lower() == wanted, _OBJECT_DEPENDENTS)
    for row in rows:
        source = by_id.get(row.source_id)
        if source is None or row.sobject.lower() != wanted:
            continue
        removed = _muted_in(source, mutes)
        granted = tuple(name for name in OBJECT_PERMISSIONS if getattr(row, name) and name not in removed)
        grants.add(granted, source.id, source.display())

    # Special objects (reference §2.6 [U]): no ObjectPermissions rows are expected for them.
    if wanted in ("task", "event"):
        grants.add(("read",), "activities", ACTIVITIES_READABLE)
        edit_permission = "EditTask" if wanted == "task" else "EditEvent"
        for source in sources:
            if _has(source, edit_permission):
                grants.add(("create", "edit"), source.id, _via(source, edit_permission))
    elif wanted == "user":
        user = snapshot.user
        if not isinstance(user, Unavailable) and user.user_type == "Standard":
            grants.add(("read",), "internal", INTERNAL_USERS_READ_USERS)
        for source in sources:
            # Manage Users is what lets a user create and edit other users.
            if _has(source, "ManageUsers"):
                grants.add(("create", "edit"), source.id, _via(source, "ManageUsers"))

    # System-permission overrides (reference §2.8): these bypass object permissions, not FLS.
    for source in sources:
        if _has(source, "ModifyAllData"):
            grants.add(OBJECT_PERMISSIONS, source.id, _via(source, "ModifyAllData"))
        elif _has(source, "ViewAllData"):
            grants.add(("read", "view_all"), source.id, _via(source, "ViewAllData"))
    return grants.result(sobject, _muted_pairs(mutes), _ceiling(snapshot, wanted))


# ----------------------------------------------------------------------------- field access


@dataclass(frozen=True)
class FieldAccess:
    """Who grants field-level Read and Edit on one qualified field (empty: nothing grants it)."""

    field: str  # qualified: "Contact.Email"
    read: tuple[str, ...] = ()
    edit: tuple[str, ...] = ()
    muted: tuple[tuple[str, str], ...] = ()  # ("read" or "edit", "muted by 'X' in permission set group 'Y'")

    def muted_notes(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """"Edit muted by 'X' in permission set group 'Y'" for each of ``labels`` ("Read", "Edit") muted."""
        return _unique(f"{label} {note}" for label in labels for muted, note in self.muted if muted == label.lower())


def field_access(snapshot: OrgSnapshot, qualified_field: str) -> FieldAccess:
    """Effective field-level security on ``qualified_field`` ("Contact.Email"), attributed.

    View All Data and Modify All Data do not bypass field-level security (reference §2.8 [C]),
    so only FieldPermissions rows count.
    """
    sources = valid_sources(snapshot)
    rows = snapshot.field_permissions
    if isinstance(rows, Unavailable):
        raise PermissionDataUnavailable(f"FieldPermissions unavailable: {rows.reason}")
    by_id = {source.id: source for source in sources}
    wanted = qualified_field.lower()
    read: dict[str, str] = {}
    edit: dict[str, str] = {}
    mutes = _mutes(snapshot, sources, lambda m: (m.field or "").lower() == wanted, _FIELD_DEPENDENTS)
    for row in rows:
        source = by_id.get(row.source_id)
        if source is None or row.field.lower() != wanted:
            continue
        removed = _muted_in(source, mutes)
        if row.read and "read" not in removed:
            read.setdefault(source.id, source.display())
        if row.edit and "edit" not in removed:
            edit.setdefault(source.id, source.display())
    return FieldAccess(qualified_field, tuple(read.values()), tuple(edit.values()), _muted_pairs(mutes))


# ----------------------------------------------------------------------------- compound fields

# Address components of standard objects, longest first so "CountryCode" wins over "Country".
_ADDRESS_PARTS = ("GeocodeAccuracy", "CountryCode", "StateCode", "PostalCode", "Longitude", "Latitude", "Country",
                  "Street", "State", "City")
# Compound types whose components carry no field-level security of their own [C real recordings, reference §2.7].
_FLS_COMPOUND_TYPES = frozenset({"address", "location"})


def likely_compound(field_name: str) -> str | None:
    """The compound a field is probably a component of, guessed from its name before any describe:
    "MailingCity" -> "MailingAddress", "City" -> "Address" (Lead), "Loc__Latitude__s" -> "Loc__c".

    Used only to widen the FieldPermissions query so the compound's rows come back in the same
    request; the verdict uses describe's ``compoundFieldName``, never this guess.
    """
    for suffix in ("__Latitude__s", "__Longitude__s"):
        if field_name.endswith(suffix):
            return field_name[: -len(suffix)] + "__c"
    if "__" in field_name:
        return None
    for part in _ADDRESS_PARTS:
        if field_name.endswith(part):
            return field_name[: -len(part)] + "Address"
    return None


def field_permission_fields(qualified_fields: Iterable[str]) -> tuple[str, ...]:
    """The ``Field`` values to read FieldPermissions for: every mapped field and its likely compound."""
    wanted: dict[str, None] = {}
    for qualified in qualified_fields:
        sobject, _, name = qualified.partition(".")
        wanted[qualified] = None
        compound = likely_compound(name)
        if compound is not None:
            wanted[f"{sobject}.{compound}"] = None
    return tuple(sorted(wanted))


def fls_carrier(described: ObjectDescribe, field: FieldDescribe) -> FieldDescribe:
    """The field whose FieldPermissions rows decide ``field``'s field-level security: the compound address
    (or geolocation) field for a component, the field itself otherwise.

    Salesforce keeps the FLS of an address on the compound only: FieldPermissions has rows for
    Contact.MailingAddress and none for MailingCity, while describe calls MailingCity permissionable and
    names its compound in compoundFieldName [C real recordings, reference §2.7]. Name components
    (FirstName, LastName, Salutation) are not permissionable and never reach this function.
    """
    if field.compound_field_name and field.compound_field_name.lower() != field.name.lower():
        compound = described.field(field.compound_field_name)
        if compound is not None and compound.type in _FLS_COMPOUND_TYPES:
            return compound
    return field


def carrier_field_access(snapshot: OrgSnapshot, described: ObjectDescribe, field: FieldDescribe) -> FieldAccess:
    """Field-level security of ``field`` as Salesforce applies it: its compound's rows (reference §2.7),
    plus any row on the component itself (none are expected; counted if a real org ever has one)."""
    carrier = fls_carrier(described, field)
    access = field_access(snapshot, f"{described.name}.{carrier.name}")
    if carrier is field:
        return access
    own = field_access(snapshot, f"{described.name}.{field.name}")
    return FieldAccess(access.field, _unique((*access.read, *own.read)), _unique((*access.edit, *own.edit)),
                       tuple(dict.fromkeys((*access.muted, *own.muted))))
