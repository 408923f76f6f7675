"""An object's describe: the object's flags and each field's type, references, FLS and picklist values."""

from __future__ import annotations

from typing import Any

from auditor.collect.parse.fields import Malformed, _bool, _dict, _opt_str, _str
from auditor.snapshot import FieldDescribe, ObjectDescribe


def _active_picklist_values(item: dict[str, Any]) -> tuple[str, ...]:
    """The active values of a picklist field (issue 15); an entry without a text value is skipped."""
    values = item.get("picklistValues") or []
    if not isinstance(values, list):
        raise Malformed(f"field {item.get('name')!r}: 'picklistValues' is not a list")
    return tuple(v["value"] for v in values
                 if isinstance(v, dict) and isinstance(v.get("value"), str) and v.get("active", True) is not False)


def parse_describe(body: Any) -> ObjectDescribe:
    document = _dict(body, "describe")
    raw_fields = document.get("fields")
    if not isinstance(raw_fields, list):
        raise Malformed("describe without a 'fields' list")
    fields = []
    for raw in raw_fields:
        item = _dict(raw, "field")
        reference_to = item.get("referenceTo") or []
        if not isinstance(reference_to, list) or not all(isinstance(r, str) for r in reference_to):
            raise Malformed(f"field {item.get('name')!r}: 'referenceTo' is not a list of names")
        fields.append(FieldDescribe(
            name=_str(item, "name"),
            label=_opt_str(item, "label") or _str(item, "name"),
            type=_str(item, "type"),
            reference_to=tuple(reference_to),
            relationship_name=_opt_str(item, "relationshipName"),
            # Older API versions may omit 'permissionable'; assume FLS applies (the safe side).
            permissionable=_bool(item, "permissionable", True),
            calculated=_bool(item, "calculated", False),
            createable=_bool(item, "createable", True),
            updateable=_bool(item, "updateable", True),
            nillable=_bool(item, "nillable", True),
            defaulted_on_create=_bool(item, "defaultedOnCreate", False),
            polymorphic=_bool(item, "polymorphicForeignKey", False),
            compound_field_name=_opt_str(item, "compoundFieldName"),
            restricted_picklist=_bool(item, "restrictedPicklist", False),
            picklist_values=_active_picklist_values(item),
        ))
    return ObjectDescribe(
        name=_str(document, "name"),
        label=_opt_str(document, "label") or _str(document, "name"),
        custom=_bool(document, "custom", False),
        queryable=_bool(document, "queryable", True),
        createable=_bool(document, "createable", False),
        updateable=_bool(document, "updateable", False),
        fields=tuple(fields),
    )
