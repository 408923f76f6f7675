"""The integration user's effective permissions, with attribution.

Pure functions of an :class:`~auditor.snapshot.OrgSnapshot`. Effective access is the OR over every
permission set that applies to the user (the profile's own set, assigned sets and the aggregate
sets of permission set groups), plus the system-permission overrides of reference §2.8. Every
grant is attributed: each permission maps to the display strings of the sources that grant it, so
a finding can say *where* access comes from, and an empty tuple means nothing grants it.

Callers must check the snapshot parts for :class:`~auditor.snapshot.Unavailable` first: these
functions raise :class:`PermissionDataUnavailable` rather than guess from missing data.

This package's public names are imported from here; its modules each do one job:
:mod:`~auditor.permissions.sources` (which sources grant: expiry, activation, system permissions, the shared
vocabulary), :mod:`~auditor.permissions.muting` (what group muting sets remove),
:mod:`~auditor.permissions.objects` (effective object access, license ceiling) and
:mod:`~auditor.permissions.fields` (field-level security and the compound fields that carry it).
"""

from __future__ import annotations

from auditor.permissions.fields import (
    FieldAccess,
    carrier_field_access,
    field_access,
    field_permission_fields,
    fls_carrier,
    likely_compound,
)
from auditor.permissions.objects import ObjectAccess, license_display, object_access, objects_without_read
from auditor.permissions.sources import (
    ACTIVITIES_READABLE,
    INTERNAL_USERS_READ_USERS,
    NOTHING_GRANTS_IT,
    OBJECT_PERMISSIONS,
    PERMISSION_LABELS,
    QUEUES_NOT_PERMISSION_CONTROLLED,
    SPECIAL_OBJECTS,
    SYSTEM_PERMISSION_LABELS,
    PermissionDataUnavailable,
    expiring_grants,
    ignored_notes,
    ignored_sources,
    system_permission_sources,
    valid_sources,
)
from auditor.timestamps import parse_timestamp  # re-exported: tests/test_permissions.py imports it from here

__all__ = [
    "ACTIVITIES_READABLE",
    "INTERNAL_USERS_READ_USERS",
    "NOTHING_GRANTS_IT",
    "OBJECT_PERMISSIONS",
    "PERMISSION_LABELS",
    "QUEUES_NOT_PERMISSION_CONTROLLED",
    "SPECIAL_OBJECTS",
    "SYSTEM_PERMISSION_LABELS",
    "FieldAccess",
    "ObjectAccess",
    "PermissionDataUnavailable",
    "carrier_field_access",
    "expiring_grants",
    "field_access",
    "field_permission_fields",
    "fls_carrier",
    "ignored_notes",
    "ignored_sources",
    "license_display",
    "likely_compound",
    "object_access",
    "objects_without_read",
    "parse_timestamp",
    "system_permission_sources",
    "valid_sources",
]
