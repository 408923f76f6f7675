"""A FixPlan as plain JSON data, and back: one shape for `auditor fix -f json`, for the ``fix`` key of
an `audit -f json` report, and for `auditor fix --from-report`.

Grants are one flat list, each with a ``type``::

    {"type": "object", "object": "Campaign", "permissions": ["Read", "Edit"], "because": [...]}
    {"type": "field", "field": "Contact.MailingAddress", "readable": true, "editable": true,
     "covers": ["Contact.MailingCity"], "because": [...]}
    {"type": "user_permission", "name": "ApiEnabled", "label": "API Enabled", "because": [...]}

``because`` lists the findings answered: ``{"check", "suspension", "object", "field", "message"}``.
Nothing here depends on the clock: the audit time stays out of the report (it is deterministic).
"""

from __future__ import annotations

from typing import Any

from auditor.fix.plan import (
    NEVER_GRANTED,
    Because,
    FieldGrant,
    FixPlan,
    ManualStep,
    ObjectGrant,
    UserPermissionGrant,
    user_permission_label,
    with_dependencies,
)
from auditor.permissions import PERMISSION_LABELS

FIX_DOCUMENT_VERSION = 1
_BY_LABEL = {label: name for name, label in PERMISSION_LABELS.items()}


class FixDocumentError(ValueError):
    """A ``fix`` document (from a report) does not have the expected shape."""


def _because(items: tuple[Because, ...]) -> list[dict[str, Any]]:
    return [{"check": b.check, "suspension": b.suspension, "object": b.object, "field": b.field,
             "message": b.message} for b in items]


def grants_document(plan: FixPlan) -> list[dict[str, Any]]:
    grants: list[dict[str, Any]] = []
    for grant in plan.objects:
        grants.append({"type": "object", "object": grant.sobject,
                       "permissions": [PERMISSION_LABELS[p] for p in grant.permissions],
                       "because": _because(grant.because)})
    for field_grant in plan.fields:
        grants.append({"type": "field", "field": field_grant.field, "readable": True,
                       "editable": field_grant.editable, "covers": list(field_grant.covers),
                       "because": _because(field_grant.because)})
    for permission in plan.user_permissions:
        grants.append({"type": "user_permission", "name": permission.name,
                       "label": user_permission_label(permission.name), "because": _because(permission.because)})
    return grants


def steps_document(steps: tuple[ManualStep, ...]) -> list[dict[str, Any]]:
    return [{"check": s.check, "suspension": s.suspension, "object": s.object, "field": s.field, "why": s.why,
             "how": s.how, "required": s.required} for s in steps]


def plan_document(plan: FixPlan) -> dict[str, Any]:
    """The plan as JSON-ready data (what a report's ``fix`` key holds)."""
    return {
        "version": FIX_DOCUMENT_VERSION,
        "grants": grants_document(plan),
        "manual_steps": steps_document(plan.manual_steps),
        "incomplete": list(plan.incomplete),
        "not_addressed": _because(plan.not_addressed),
    }


# ----------------------------------------------------------------------------- reading it back


def _str(value: Any, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise FixDocumentError(f"{where}: expected a string")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FixDocumentError(f"{where}: expected a list")
    return value


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FixDocumentError(f"{where}: expected an object")
    return value


def _read_because(value: Any, where: str) -> tuple[Because, ...]:
    items = []
    for index, raw in enumerate(_list(value, where)):
        item = _dict(raw, f"{where}[{index}]")
        items.append(Because(_str(item.get("check"), f"{where}[{index}].check"),
                             _str(item.get("suspension"), f"{where}[{index}].suspension"),
                             _str(item.get("object"), f"{where}[{index}].object", optional=True),
                             _str(item.get("field"), f"{where}[{index}].field", optional=True),
                             _str(item.get("message", ""), f"{where}[{index}].message")))
    return tuple(items)


def _read_grant(raw: Any, where: str, objects: list[ObjectGrant], fields: list[FieldGrant],
                permissions: list[UserPermissionGrant]) -> None:
    grant = _dict(raw, where)
    because = _read_because(grant.get("because", []), f"{where}.because")
    kind = grant.get("type")
    if kind == "object":
        labels = [_str(label, f"{where}.permissions[]") for label in _list(grant.get("permissions"), f"{where}.permissions")]
        unknown = [label for label in labels if label not in _BY_LABEL]
        if unknown:
            raise FixDocumentError(f"{where}.permissions: unknown permission {unknown[0]!r}")
        wanted = with_dependencies(_BY_LABEL[label] for label in labels)
        objects.append(ObjectGrant(_str(grant.get("object"), f"{where}.object"), wanted, because))
    elif kind == "field":
        editable = grant.get("editable")
        if not isinstance(editable, bool):
            raise FixDocumentError(f"{where}.editable: expected true or false")
        qualified = _str(grant.get("field"), f"{where}.field")
        if qualified.count(".") != 1:
            raise FixDocumentError(f"{where}.field: expected Object.Field, got {qualified!r}")
        covers = tuple(_str(c, f"{where}.covers[]") for c in _list(grant.get("covers", []), f"{where}.covers"))
        fields.append(FieldGrant(qualified, editable, because, covers))
    elif kind == "user_permission":
        name = _str(grant.get("name"), f"{where}.name")
        if name in NEVER_GRANTED:
            raise FixDocumentError(f"{where}: the fix never grants {name}")
        permissions.append(UserPermissionGrant(name, because))
    else:
        raise FixDocumentError(f"{where}.type: expected object, field or user_permission")


def plan_from_document(document: Any, *, username: str | None, org: str | None, api_version: str) -> FixPlan:
    """Rebuild a FixPlan from :func:`plan_document`'s data; raises FixDocumentError."""
    data = _dict(document, "fix")
    if data.get("version") != FIX_DOCUMENT_VERSION:
        raise FixDocumentError(f"fix.version: unsupported {data.get('version')!r}")
    objects: list[ObjectGrant] = []
    fields: list[FieldGrant] = []
    permissions: list[UserPermissionGrant] = []
    for index, raw in enumerate(_list(data.get("grants"), "fix.grants")):
        _read_grant(raw, f"fix.grants[{index}]", objects, fields, permissions)
    steps = []
    for index, raw in enumerate(_list(data.get("manual_steps"), "fix.manual_steps")):
        where = f"fix.manual_steps[{index}]"
        step = _dict(raw, where)
        required = step.get("required", True)
        if not isinstance(required, bool):
            raise FixDocumentError(f"{where}.required: expected true or false")
        steps.append(ManualStep(_str(step.get("check"), f"{where}.check"), _str(step.get("suspension"), f"{where}.suspension"),
                                _str(step.get("object"), f"{where}.object", optional=True),
                                _str(step.get("field"), f"{where}.field", optional=True),
                                _str(step.get("why"), f"{where}.why"), _str(step.get("how"), f"{where}.how"), required))
    incomplete = tuple(_str(item, "fix.incomplete[]") for item in _list(data.get("incomplete", []), "fix.incomplete"))
    return FixPlan(
        username=username, org=org, api_version=api_version, audited_at=None,
        objects=tuple(sorted(objects, key=lambda g: g.sobject.lower())),
        fields=tuple(sorted(fields, key=lambda g: g.field.lower())),
        user_permissions=tuple(sorted(permissions, key=lambda g: g.name)),
        manual_steps=tuple(steps), incomplete=incomplete,
        not_addressed=_read_because(data.get("not_addressed", []), "fix.not_addressed"),
    )


__all__ = ["FIX_DOCUMENT_VERSION", "FixDocumentError", "grants_document", "plan_document", "plan_from_document",
           "steps_document"]
