"""The simulator's answers for the sync round (issue 15), in the documented shapes.

Sources (shared/reference/admin-and-sync-facts.md): Tooling ValidationRule and its one-row rule for
``Metadata``/``FullName`` (MALFORMED_QUERY otherwise) §3.2 [C F5; S message G3]; FlowDefinitionView
§3.1 [C object, S trigger fields]; the UI API Duplicates Configuration §3.3 [C F6b/F6c];
PermissionSetLicenseAssign / PermissionSetLicense.MaximumPermissions* §1.1 [C fields F10; U values].
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.simulator.org import FakeOrg

NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


def _select(soql: str) -> list[str]:
    found = re.search(r"SELECT\s+(.*?)\s+FROM\s", soql, re.S | re.I)
    return [c.strip() for c in found.group(1).split(",")] if found else []


def _validation_rule_record(org: FakeOrg, rule: dict[str, Any], *, with_metadata: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "attributes": {"type": "ValidationRule", "url": f"/services/data/v{org.version}/tooling/sobjects/ValidationRule/{rule['Id']}"},
        "Id": rule["Id"], "ValidationName": rule["ValidationName"], "Active": rule.get("Active", True),
        "ErrorMessage": rule.get("ErrorMessage"), "ErrorDisplayField": rule.get("ErrorDisplayField"),
        "NamespacePrefix": rule.get("NamespacePrefix"), "Description": rule.get("Description"),
        "EntityDefinitionId": rule["Object"],
        "EntityDefinition": {"attributes": {"type": "EntityDefinition", "url": f"/services/data/v{org.version}/tooling/sobjects/EntityDefinition/{rule['Object']}"},
                             "QualifiedApiName": rule["Object"]},
    }
    if with_metadata:
        record["FullName"] = f"{rule['Object']}.{rule['ValidationName']}"
        record["Metadata"] = {"active": rule.get("Active", True), "description": rule.get("Description"),
                              "errorConditionFormula": rule["Formula"], "errorDisplayField": rule.get("ErrorDisplayField"),
                              "errorMessage": rule.get("ErrorMessage"), "urls": None}
    return record


def _tooling_query(org: FakeOrg, soql: str) -> tuple[int, Any]:
    if not re.search(r"\bFROM\s+ValidationRule\b", soql):
        return 400, [{"errorCode": "MALFORMED_QUERY", "message": f"unexpected tooling query: {soql[:80]}"}]
    rows = list(org.validation_rules)
    if re.search(r"\bActive\s*=\s*true\b", soql, re.I):
        rows = [r for r in rows if r.get("Active", True)]
    selected = _select(soql)
    if {"Metadata", "FullName"} & set(selected) and len(rows) > 1:
        return 400, [{"errorCode": "MALFORMED_QUERY", "message": (
            "When retrieving results with Metadata or FullName fields, the query qualifications must specify no more "
            f"than one row for retrieval. Result size: {len(rows)}")}]
    records = [_validation_rule_record(org, r, with_metadata=False) for r in rows]
    projected = [{"attributes": r["attributes"], **{c.split(".")[0]: r[c.split(".")[0]] for c in selected}} for r in records]
    return 200, {"size": len(projected), "totalSize": len(projected), "done": True, "queryLocator": None,
                 "entityTypeName": "ValidationRule", "records": projected}


def answer_sync(org: FakeOrg, rest: str, params: dict[str, list[str]]) -> tuple[int, Any]:
    if rest == "tooling/query":
        return _tooling_query(org, params.get("q", [""])[0])
    record = re.fullmatch(r"tooling/sobjects/ValidationRule/(\w+)", rest)
    if record:
        rule = next((r for r in org.validation_rules if r["Id"] == record.group(1)), None)
        return (200, _validation_rule_record(org, rule, with_metadata=True)) if rule else (404, NOT_FOUND)
    duplicates = re.fullmatch(r"ui-api/duplicates/(\w+)", rest)
    if duplicates and org.ui_api_duplicates:
        sobject = duplicates.group(1)
        rules = org.duplicate_rules.get(sobject, [])
        return 200, {"dedupeEnabled": bool(rules), "dedupeFields": ["Email"] if rules else [],
                     "duplicateRules": rules, "predupeEnabled": False}
    return 404, NOT_FOUND


def flow_rows(org: FakeOrg, soql: str) -> list[dict[str, Any]]:
    wanted = set(re.findall(r"'(Record\w+)'", soql))
    rows = []
    for flow in org.flows:
        if "ActiveVersionId != null" in soql and flow.get("ActiveVersionId") is None:
            continue
        if wanted and flow.get("TriggerType") not in wanted:
            continue
        rows.append({"attributes": {"type": "FlowDefinitionView", "url": f"/services/data/v{org.version}/sobjects/FlowDefinitionView/{flow['DurableId']}"},
                     "NamespacePrefix": None, "RecordTriggerType": None, **flow})
    return rows


def psl_rows(org: FakeOrg, soql: str) -> list[dict[str, Any]]:
    user = re.search(r"AssigneeId\s*=\s*'(\w+)'", soql)
    rows = []
    for user_id, psl in org.psl_assignments:
        if user is None or user.group(1) != user_id:
            continue
        psl_id = psl["Id"]
        rows.append({"attributes": {"type": "PermissionSetLicenseAssign", "url": f"/services/data/v{org.version}/sobjects/PermissionSetLicenseAssign/2LA{psl_id[3:]}"},
                     "PermissionSetLicenseId": psl_id,
                     "PermissionSetLicense": {"attributes": {"type": "PermissionSetLicense", "url": f"/services/data/v{org.version}/sobjects/PermissionSetLicense/{psl_id}"},
                                              **{k: v for k, v in psl.items() if k != "Id"}}})
    return rows
