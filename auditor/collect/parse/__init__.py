"""Turns Salesforce's answers into snapshot parts, or into Unavailable with the reason.

Every parser is defensive: Salesforce's documented shapes are expected, anything else (HTML
where JSON was due, a missing key, a wrong type) becomes ``Unavailable(UNEXPECTED)`` with the
raw detail, never an exception and never an empty value that would read as "no access".

One module per job: fields.py (typed reads of a record's fields, Malformed), answer.py (classify,
parse_part, the query envelope), and one per snapshot part: identity.py (org, user), access.py
(sources, object and field permissions), mutings.py (groups' components and muting sets),
describes.py, limits.py, installed.py (triggers, HubSpot package). This package re-exports them.
"""

from __future__ import annotations

from auditor.collect.parse.access import (
    group_sources,
    parse_field_permissions,
    parse_object_permissions,
    parse_sources,
)
from auditor.collect.parse.answer import (
    API_DISABLED_CODES,
    classify,
    error_details,
    next_records_url,
    parse_part,
    query_records,
)
from auditor.collect.parse.describes import parse_describe
from auditor.collect.parse.fields import Malformed
from auditor.collect.parse.identity import UserLookup, audited_user_state, parse_org, parse_user, user_record
from auditor.collect.parse.installed import parse_hubspot_package, parse_triggers
from auditor.collect.parse.limits import parse_limits
from auditor.collect.parse.mutings import parse_group_components, parse_mutings

__all__ = [
    "API_DISABLED_CODES", "Malformed", "UserLookup", "audited_user_state", "classify", "error_details",
    "group_sources", "next_records_url", "parse_describe", "parse_field_permissions", "parse_group_components",
    "parse_hubspot_package", "parse_limits", "parse_mutings", "parse_object_permissions", "parse_org",
    "parse_part", "parse_sources", "parse_triggers", "parse_user", "query_records", "user_record",
]
