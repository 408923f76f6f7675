"""What is installed in the org: its Apex triggers (with their events) and the HubSpot package's
permission sets."""

from __future__ import annotations

from typing import Any

from auditor.collect.parse.fields import _opt_str, _str
from auditor.snapshot import HubSpotPackage, Trigger


_TRIGGER_EVENTS = (
    ("UsageBeforeInsert", "before insert"), ("UsageAfterInsert", "after insert"),
    ("UsageBeforeUpdate", "before update"), ("UsageAfterUpdate", "after update"),
)


def parse_triggers(records: list[dict[str, Any]]) -> tuple[Trigger, ...]:
    return tuple(
        Trigger(
            name=_str(r, "Name"),
            sobject=_str(r, "TableEnumOrId"),
            namespace_prefix=_opt_str(r, "NamespacePrefix"),
            events=tuple(label for key, label in _TRIGGER_EVENTS if r.get(key) is True),
        )
        for r in records
    )


def parse_hubspot_package(records: list[dict[str, Any]]) -> HubSpotPackage:
    if not records:
        return HubSpotPackage(installed=False)
    labels = [_opt_str(r, "Label") for r in records]
    return HubSpotPackage(
        installed=True,
        permission_set_ids=tuple(_str(r, "Id") for r in records),
        permission_set_label=next((label for label in labels if label), None),
    )
