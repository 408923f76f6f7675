"""Effective field-level security on one field, attributed, and the compound fields that carry it: an address
or geolocation component's FLS lives on its compound (reference §2.7)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.permissions.muting import _FIELD_DEPENDENTS, _muted_in, _muted_pairs, _mutes
from auditor.permissions.sources import PermissionDataUnavailable, _unique, valid_sources
from auditor.snapshot import FieldDescribe, ObjectDescribe, OrgSnapshot, Unavailable

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
