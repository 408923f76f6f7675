"""The sync round's parsers and the simulator's documented refusals (issue 15)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from auditor.collect.parse import Malformed
from auditor.collect.parse_sync import (
    parse_duplicate_rules,
    parse_permission_set_licenses,
    parse_record_flows,
    parse_validation_rule_rows,
    validation_rule_formula,
)
from auditor.collect.sync import VALIDATION_RULES_SOQL, tooling_query_url
from auditor.transport import check_read_only
from tests.simulator.scenarios import sync_risks

LABELS = {"account": "Account", "contact": "Contact", "lead": "Lead"}


def _row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {"attributes": {"type": "FlowDefinitionView", "url": "/x"}, "ApiName": "Rollup", "Label": "Rollup",
                              "TriggerType": "RecordAfterSave", "RecordTriggerType": "Update", "ActiveVersionId": "301000000000001",
                              "TriggerObjectOrEventId": "Account", "TriggerObjectOrEventLabel": "Account", "IsActive": True}
    row.update(changes)
    return row


@pytest.mark.parametrize(("changes", "sobject"), [
    ({}, "Account"),
    ({"TriggerObjectOrEventId": "01I5g000000AbCdEAF", "TriggerObjectOrEventLabel": "Contact"}, "Contact"),  # an id: use the label
    ({"TriggerObjectOrEventId": None, "TriggerObjectOrEventLabel": "Lead"}, "Lead"),
    ({"TriggerObjectOrEventId": None, "TriggerObjectOrEventLabel": None,
      "TriggerObjectOrEvent": {"attributes": {"type": "EntityDefinition", "url": "/y"}, "QualifiedApiName": "Invoice__c"}}, "Invoice__c"),
    ({"TriggerObjectOrEventId": "account"}, "Account"),  # case of the API name
    ({"TriggerObjectOrEventId": None, "TriggerObjectOrEventLabel": None}, None),
])
def test_record_flow_trigger_object_alternatives(changes: dict[str, object], sobject: str | None) -> None:
    (flow,) = parse_record_flows([_row(**changes)], LABELS)
    assert flow.sobject == sobject


def test_record_flows_active_means_an_active_version() -> None:
    rows = [_row(ApiName="A", IsActive=False), _row(ApiName="B", ActiveVersionId=None), _row(ApiName="C", TriggerType="Scheduled")]
    assert [f.api_name for f in parse_record_flows(rows, LABELS)] == ["A"]


def test_validation_rule_rows_and_formula() -> None:
    rows = [{"Id": "03d1", "ValidationName": "R", "Active": True, "ErrorMessage": "m", "ErrorDisplayField": None,
             "EntityDefinition": {"QualifiedApiName": "Lead"}},
            {"Id": "03d2", "ValidationName": "Off", "Active": False, "EntityDefinition": {"QualifiedApiName": "Lead"}}]
    assert [(r.sobject, r.name) for r in parse_validation_rule_rows(rows)] == [("Lead", "R")]
    assert validation_rule_formula({"Id": "03d1", "Metadata": {"errorConditionFormula": "ISBLANK(Email)"}}) == "ISBLANK(Email)"
    assert validation_rule_formula({"Id": "03d1", "Metadata": None}) is None
    with pytest.raises(Malformed):
        parse_validation_rule_rows([{"Id": "03d1", "ValidationName": "R", "Active": True}])


def test_duplicate_rules_shape() -> None:
    body = {"dedupeEnabled": True, "duplicateRules": [{"name": "Block", "active": True, "actionOnInsert": "Block",
                                                       "actionOnUpdate": "Allow"}]}
    (rule,) = parse_duplicate_rules(body)
    assert rule.blocks and rule.name == "Block"
    assert parse_duplicate_rules({"dedupeEnabled": False}) == ()
    for odd in ({"duplicateRules": {}}, {"duplicateRules": [{"name": "x"}]}, []):
        with pytest.raises(Malformed):
            parse_duplicate_rules(odd)


def test_permission_set_licence_maximum_permissions() -> None:
    rows = [{"PermissionSetLicenseId": "0PL1", "PermissionSetLicense": {
        "DeveloperName": "SalesforceAPIIntegrationPsl", "MasterLabel": "Salesforce API Integration",
        "MaximumPermissionsModifyAllData": False, "MaximumPermissionsApiEnabled": True}}]
    (grant,) = parse_permission_set_licenses(rows)
    assert grant.allows("ModifyAllData") is False and grant.allows("ApiEnabled") is True
    assert grant.allows("ModifyMetadata") is None  # not read: no claim


def test_simulator_refuses_metadata_in_a_multi_row_tooling_query() -> None:
    org = sync_risks()
    soql = VALIDATION_RULES_SOQL.replace("SELECT Id,", "SELECT Id, Metadata,")
    path = urllib.parse.urlsplit(tooling_query_url("62.0", soql))
    status, body = org.get(f"{path.path}?{path.query}")
    assert status == 400 and body[0]["errorCode"] == "MALFORMED_QUERY"
    assert "must specify no more than one row for retrieval. Result size: 3" in body[0]["message"]
    path = urllib.parse.urlsplit(tooling_query_url("62.0", VALIDATION_RULES_SOQL))
    status, body = org.get(f"{path.path}?{path.query}")
    assert status == 200 and "Metadata" not in body["records"][0]
    status, record = org.get("/services/data/v62.0/tooling/sobjects/ValidationRule/03d5g000000AbC1AAK")
    assert status == 200 and record["Metadata"]["errorConditionFormula"] == "AND(ISBLANK(Phone), ISBLANK(Email))"


def test_the_read_only_guard_lets_the_sync_round_through_and_nothing_more() -> None:
    subrequests = [{"method": "GET", "url": tooling_query_url("62.0", VALIDATION_RULES_SOQL), "referenceId": "a"},
                   {"method": "GET", "url": "/services/data/v62.0/ui-api/duplicates/Lead", "referenceId": "b"},
                   {"method": "GET", "url": "/services/data/v62.0/tooling/sobjects/ValidationRule/03d1", "referenceId": "c"}]
    check_read_only("POST", "https://acme.my.salesforce.com/services/data/v62.0/composite", {},
                    json.dumps({"compositeRequest": subrequests}))
    from auditor.errors import ReadOnlyViolation

    with pytest.raises(ReadOnlyViolation):
        check_read_only("POST", "https://acme.my.salesforce.com/services/data/v62.0/composite", {}, json.dumps(
            {"compositeRequest": [{"method": "GET", "url": "/services/data/v62.0/tooling/executeAnonymous?anonymousBody=x",
                                   "referenceId": "x"}]}))


def test_the_sync_parts_round_trip_through_a_saved_snapshot() -> None:
    from auditor.snapshot import (
        DuplicateRuleInfo,
        PermissionSetLicenseGrant,
        RecordFlow,
        ValidationRuleInfo,
        snapshot_from_json,
        snapshot_to_json,
    )
    from tests.factory import make_snapshot, unavailable

    snapshot = make_snapshot(
        validation_rules=(ValidationRuleInfo("03d1", "Lead", "R", "m", "Email", "ISBLANK(Email)"),),
        duplicate_rules=(("Lead", (DuplicateRuleInfo("D", True, "Block", "Allow"),)), ("Contact", unavailable())),
        permission_set_licenses=(PermissionSetLicenseGrant("SalesforceAPIIntegrationPsl", "Salesforce API Integration",
                                                           (("ModifyAllData", False),)),),
        record_flows=(RecordFlow("F", "F", "Account", "RecordAfterSave", None),),
    )
    assert snapshot_from_json(snapshot_to_json(snapshot)) == snapshot
    # A snapshot saved before issue 15 loads with the parts "not collected".
    document = json.loads(snapshot_to_json(make_snapshot()))
    for key in ("validation_rules", "duplicate_rules", "permission_set_licenses", "record_flows"):
        document.pop(key)
    old = snapshot_from_json(json.dumps(document))
    assert old.validation_rules is None and old.duplicate_rules is None and old.record_flows is None
