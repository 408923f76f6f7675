"""Parsers for the sync round (issue 15): Salesforce's answers -> snapshot parts.

Same contract as parse/: documented shapes expected, anything else raises ``Malformed`` (which the
collector turns into Unavailable), never an empty value that would read as "nothing found".
"""

from __future__ import annotations

import re
from typing import Any

from auditor.collect.parse import Malformed
from auditor.collect.parse.fields import _opt_str as _text
from auditor.snapshot import DuplicateRuleInfo, PermissionSetLicenseGrant, RecordFlow, ValidationRuleInfo

_SALESFORCE_ID = re.compile(r"[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?")
RECORD_TRIGGER_TYPES = ("RecordBeforeSave", "RecordAfterSave", "RecordBeforeDelete")  # [S G22]


def _required(record: dict[str, Any], key: str) -> str:
    value = _text(record, key)
    if value is None:
        raise Malformed(f"'{key}' is missing")
    return value


def _relationship(record: dict[str, Any], name: str, key: str) -> str | None:
    child = record.get(name)
    return _text(child, key) if isinstance(child, dict) else None


def parse_validation_rule_rows(records: list[dict[str, Any]]) -> tuple[ValidationRuleInfo, ...]:
    """Rows of the Tooling ValidationRule query (no Metadata: it is readable one row at a time [C F5]).

    Inactive rows are dropped here as well as in the query: an inactive rule is not a risk.
    """
    rules = []
    for r in records:
        if not isinstance(r, dict):
            raise Malformed("a ValidationRule row is not an object")
        if r.get("Active") is False:
            continue
        sobject = _relationship(r, "EntityDefinition", "QualifiedApiName")
        if sobject is None:
            raise Malformed("ValidationRule row without EntityDefinition.QualifiedApiName")
        rules.append(ValidationRuleInfo(
            id=_required(r, "Id"), sobject=sobject, name=_required(r, "ValidationName"),
            error_message=_text(r, "ErrorMessage"), error_display_field=_text(r, "ErrorDisplayField"),
            formula=None, namespace_prefix=_text(r, "NamespacePrefix"),
        ))
    return tuple(rules)


def validation_rule_formula(body: Any) -> str | None:
    """``Metadata.errorConditionFormula`` of one ``GET tooling/sobjects/ValidationRule/{Id}`` answer [U shape]."""
    if not isinstance(body, dict):
        raise Malformed("ValidationRule record is not an object")
    metadata = body.get("Metadata")
    if not isinstance(metadata, dict):
        return None
    formula = metadata.get("errorConditionFormula")
    return formula if isinstance(formula, str) else None


def parse_duplicate_rules(body: Any) -> tuple[DuplicateRuleInfo, ...]:
    """The UI API Duplicates Configuration: ``duplicateRules[]`` with ``name``, ``active``,
    ``actionOnInsert`` / ``actionOnUpdate`` (Allow or Block) [C F6c]."""
    if not isinstance(body, dict):
        raise Malformed("duplicates configuration is not an object")
    rules = body.get("duplicateRules", [])
    if not isinstance(rules, list):
        raise Malformed("'duplicateRules' is not a list")
    parsed = []
    for rule in rules:
        if not isinstance(rule, dict):
            raise Malformed("a duplicate rule is not an object")
        active = rule.get("active", rule.get("isActive"))
        if not isinstance(active, bool):
            raise Malformed(f"duplicate rule {rule.get('name')!r}: 'active' is not true/false")
        parsed.append(DuplicateRuleInfo(
            name=_text(rule, "name") or _text(rule, "developerName") or "(unnamed rule)",
            active=active, action_on_insert=_text(rule, "actionOnInsert"), action_on_update=_text(rule, "actionOnUpdate"),
        ))
    return tuple(parsed)


MAXIMUM_PERMISSIONS = ("ApiEnabled", "ModifyAllData", "ModifyMetadata")  # [C field existence F10]


def parse_permission_set_licenses(records: list[dict[str, Any]]) -> tuple[PermissionSetLicenseGrant, ...]:
    grants = []
    for r in records:
        psl = r.get("PermissionSetLicense") if isinstance(r, dict) else None
        if not isinstance(psl, dict):
            raise Malformed("PermissionSetLicenseAssign row without PermissionSetLicense")
        maximum = tuple((name, value) for name in MAXIMUM_PERMISSIONS
                        if isinstance(value := psl.get(f"MaximumPermissions{name}"), bool))
        grants.append(PermissionSetLicenseGrant(_text(psl, "DeveloperName"), _text(psl, "MasterLabel"), maximum))
    return tuple(grants)


def _flow_object(record: dict[str, Any], labels: dict[str, str]) -> str | None:
    """The trigger object of a FlowDefinitionView row. Which field holds it is [S]/[U] (§3.1): an API name in
    ``TriggerObjectOrEventId`` or ``TriggerObjectOrEvent.QualifiedApiName``, else the (localisable) label
    mapped back through the describes' labels."""
    known = {name.lower(): name for name in labels.values()}
    for candidate in (_relationship(record, "TriggerObjectOrEvent", "QualifiedApiName"), _text(record, "TriggerObjectOrEventId")):
        if candidate is None:
            continue
        if candidate.lower() in known:
            return known[candidate.lower()]
        if not _SALESFORCE_ID.fullmatch(candidate):  # an API name we did not describe
            return candidate
    label = _text(record, "TriggerObjectOrEventLabel")
    if label is not None:
        return labels.get(label.lower(), label)
    return None


def parse_record_flows(records: list[dict[str, Any]], labels: dict[str, str]) -> tuple[RecordFlow, ...]:
    """Active record-triggered flows. ``labels`` maps an object's lower-case label to its API name.

    "Active" is ``ActiveVersionId`` not null: ``IsActive`` speaks of the latest version only [C doc; U reading].
    """
    flows = []
    for r in records:
        if not isinstance(r, dict):
            raise Malformed("a FlowDefinitionView row is not an object")
        trigger = _text(r, "TriggerType")
        if r.get("ActiveVersionId") is None or trigger not in RECORD_TRIGGER_TYPES:
            continue
        flows.append(RecordFlow(
            api_name=_text(r, "ApiName") or _text(r, "DurableId") or "(unnamed flow)",
            label=_text(r, "Label") or _text(r, "ApiName") or "(unnamed flow)",
            sobject=_flow_object(r, labels), trigger_type=trigger,
            record_trigger_type=_text(r, "RecordTriggerType"), namespace_prefix=_text(r, "NamespacePrefix"),
        ))
    return tuple(flows)
