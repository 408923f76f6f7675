"""Evidence tests: answers real orgs gave (tests/real_samples/, each with its source note) go through the
parser, and the simulator must answer in the same shapes, so it cannot drift from Salesforce again.

The samples are copies of the project's shared real-samples folder (see tests/real_samples/README.md);
the suite reads only the copies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from auditor.collect.executor import Answer
from auditor.collect.parse import (
    classify,
    error_details,
    parse_describe,
    parse_limits,
    parse_object_permissions,
    parse_org,
    parse_triggers,
    query_records,
)
from auditor.permissions import fls_carrier, likely_compound, object_access
from auditor.snapshot import FailureKind, ObjectDescribe
from tests.factory import make_snapshot, permission_set
from tests.simulator.describes import describe as simulated_describe
from tests.simulator.org import MAINTENANCE_PAGE, error_body
from tests.simulator.scenarios import REQUEST_LIMIT, healthy_org

SAMPLES = Path(__file__).resolve().parent / "real_samples"
DESCRIBED = ("Account", "Contact", "Lead", "Opportunity")


def _json(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def _real_describe(sobject: str) -> dict[str, Any]:
    document: dict[str, Any] = _json(f"describe__{sobject}__cumulusci.json")
    return document


def test_every_sample_has_its_source_note() -> None:
    samples = [p for p in SAMPLES.iterdir() if not p.name.endswith(".source.txt") and p.name != "README.md"]
    assert len(samples) >= 24
    for sample in samples:
        notes = [SAMPLES / f"{sample.name}.source.txt", SAMPLES / f"{sample.stem}.source.txt"]
        assert any(n.exists() for n in notes), f"{sample.name} has no source note"


# --------------------------------------------------------------------------- describes


@pytest.mark.parametrize("sobject", (*DESCRIBED, "Event"))
def test_real_describes_parse(sobject: str) -> None:
    described = parse_describe(_real_describe(sobject))
    assert described.name == sobject
    assert len(described.fields) > 30


@pytest.mark.parametrize("sobject", DESCRIBED)
def test_address_components_carry_their_compounds_fls_in_real_describes(sobject: str) -> None:
    described = parse_describe(_real_describe(sobject))
    components = [f for f in described.fields if f.compound_field_name and f.compound_field_name != "Name"
                  and described.field(f.compound_field_name) is not None
                  and described.field(f.compound_field_name).type == "address"]  # type: ignore[union-attr]
    if sobject == "Opportunity":
        assert not components
        return
    assert components
    for component in components:
        assert component.permissionable  # describe says so, yet the FLS rows are the compound's
        carrier = fls_carrier(described, component)
        assert carrier.name == component.compound_field_name
        assert carrier.type == "address" and carrier.permissionable and not carrier.updateable
        assert likely_compound(component.name) == carrier.name  # the planner's guess matches the real compound


@pytest.mark.parametrize("sobject", ("Contact", "Lead"))
def test_name_components_are_not_permissionable_in_real_describes(sobject: str) -> None:
    described = parse_describe(_real_describe(sobject))
    for name in ("FirstName", "LastName", "Salutation"):
        field = described.field(name)
        assert field is not None and not field.permissionable and field.compound_field_name == "Name"


@pytest.mark.parametrize("sobject", DESCRIBED)
def test_simulator_describe_has_the_real_key_sets(sobject: str) -> None:
    real = _real_describe(sobject)
    simulated = simulated_describe(sobject, "62.0")
    assert set(simulated["fields"][0]) == set(real["fields"][0])
    # Keys real describes send on some objects only (associate* on Contact, not Account) or from later API
    # versions than the recordings' (sobjectDescribeOption, dataTranslationEnabled).
    optional = {"dataTranslationEnabled", "sobjectDescribeOption", "associateEntityType", "associateParentEntity"}
    assert set(simulated) - set(real) <= optional, set(simulated) - set(real)
    assert set(real) - set(simulated) <= optional, set(real) - set(simulated)


@pytest.mark.parametrize("sobject", DESCRIBED)
def test_simulator_fields_agree_with_real_fields(sobject: str) -> None:
    """Every field both describe: same type, permissionable, compoundFieldName and updateable."""
    real = {f["name"]: f for f in _real_describe(sobject)["fields"]}
    simulated = {f["name"]: f for f in simulated_describe(sobject, "62.0")["fields"]}
    shared = sorted(set(real) & set(simulated))
    assert len(shared) >= 8
    for name in shared:
        for key in ("type", "permissionable", "compoundFieldName", "createable", "updateable"):
            assert simulated[name][key] == real[name][key], (sobject, name, key)
    for name, field in real.items():  # every address the simulator models is complete, compound included
        compound = field["compoundFieldName"]
        if compound and compound in simulated and real[compound]["type"] == "address":
            assert name in simulated or name.endswith(("StateCode", "CountryCode")), (sobject, name)


# --------------------------------------------------------------------------- FieldPermissions and ObjectPermissions


def test_real_field_permissions_have_rows_for_compounds_only() -> None:
    text = (SAMPLES / "query__FieldPermissions__semijoin_v49__mohan.txt").read_text(encoding="utf-8")
    fields = set(re.findall(r'"(Account\.[A-Za-z_]+)"', text))
    assert {"Account.BillingAddress", "Account.ShippingAddress"} <= fields
    assert not fields & {"Account.BillingCity", "Account.BillingStreet", "Account.ShippingCity"}


def test_simulator_field_permissions_are_shaped_like_the_real_ones() -> None:
    """The healthy simulated org has rows for compounds, none for address components or name parts."""
    org = healthy_org()
    fields = {row["Field"] for row in org.field_perms}
    assert {"Contact.MailingAddress", "Lead.Address", "Account.BillingAddress"} <= fields
    components = {f"{o}.{f['name']}" for o in DESCRIBED for f in simulated_describe(o, "62.0")["fields"]
                  if f["compoundFieldName"]}
    assert not fields & components


def test_two_object_rows_for_one_set_are_merged_not_double_counted() -> None:
    """A real org returned two ObjectPermissions rows for one set and object (one with a synthetic id)."""
    text = (SAMPLES / "query__ObjectPermissions__semijoin_v49__mohan.txt").read_text(encoding="utf-8")
    ids = re.findall(r"ObjectPermissions/(\w+)\},\1,Account,", text)
    assert len(ids) == 2
    source = permission_set("Real Profile", source_id="0PS3h000002PwNZGA0")
    records = [{"ParentId": source.id, "SobjectType": "Account", "PermissionsRead": True, "PermissionsEdit": True,
                "PermissionsCreate": True} for _ in ids]
    snapshot = make_snapshot(sources=(source,), object_permissions=parse_object_permissions(records))
    assert object_access(snapshot, "Account").read == (source.display(),)


# --------------------------------------------------------------------------- other answers


def test_real_organization_parses_and_the_simulator_sends_a_subset_of_its_keys() -> None:
    real = _json("organization__retrieve__cumulusci.json")
    org = parse_org(real)
    assert org.id == real["Id"] and org.edition == real["OrganizationType"]
    fake = healthy_org()
    status, simulated = fake.retrieve("Organization", fake.org_id, [])
    assert status == 200 and set(simulated) <= set(real)


def test_real_limits_parse_and_the_simulator_uses_the_same_entry_shape() -> None:
    real = _json("limits__mohan-cli-dx__v50.json")
    limits = parse_limits(real)
    assert limits.daily_api_requests is not None and limits.daily_api_requests.max > 0
    simulated = healthy_org().limits
    for key in ("DailyApiRequests", "DataStorageMB", "FileStorageMB"):
        assert {"Max", "Remaining"} <= set(real[key]) and {"Max", "Remaining"} <= set(simulated[key])


def test_real_query_answers_parse() -> None:
    for name in ("query__RecordType__cumulusci.json", "query__Event_TYPEOF_polymorphic__cumulusci.json"):
        records = query_records(_json(name))
        assert all("attributes" in r for r in records)


def test_real_composite_answers_have_the_simulators_envelope() -> None:
    org = healthy_org()
    body = json.dumps({"compositeRequest": [
        {"referenceId": "one", "method": "GET", "url": "/services/data/v62.0/query?q=SELECT+Id+FROM+Nothing"},
        {"referenceId": "two", "method": "GET", "url": "/services/data/v62.0/sobjects/Foo/describe"}]})
    _, _, text = org._composite("/services/data/v62.0/composite", body)
    simulated = json.loads(text)["compositeResponse"]
    for name in ("composite__query_200_and_400_INVALID_TYPE__cumulusci.json",
                 "composite__subrequest_404_NOT_FOUND__cumulusci.json", "composite__two_queries__cumulusci.json"):
        for entry in _json(name)["compositeResponse"]:
            assert set(entry) == set(simulated[0])
            if entry["httpStatusCode"] >= 400:
                assert set(entry["body"][0]) == set(simulated[1]["body"][0]) == {"errorCode", "message"}
    assert simulated[1]["httpStatusCode"] == 404 and simulated[1]["body"] == _json(
        "composite__subrequest_404_NOT_FOUND__cumulusci.json")["compositeResponse"][0]["body"]


@pytest.mark.parametrize(
    ("name", "status", "code", "kind"),
    [
        ("error__403_API_DISABLED_FOR_ORG.json", 403, "API_DISABLED_FOR_ORG", FailureKind.API_DISABLED),
        ("error__401_INVALID_SESSION_ID.json", 401, "INVALID_SESSION_ID", FailureKind.UNEXPECTED),
        ("error__400_INVALID_FIELD.json", 400, "INVALID_FIELD", FailureKind.UNEXPECTED),
    ],
)
def test_real_error_bodies_classify_and_match_the_simulators_shape(name: str, status: int, code: str,
                                                                     kind: FailureKind) -> None:
    body = _json(name)
    assert error_details(body)[0] == code
    assert classify(Answer(status, body)).kind is kind
    simulated = json.loads(error_body(code, "x"))
    assert [set(e) for e in simulated] == [set(e) for e in body]


def test_request_limit_text_matches_the_simulators_body() -> None:
    code, message = (SAMPLES / "error__403_REQUEST_LIMIT_EXCEEDED.txt").read_text(encoding="utf-8").strip().split(": ", 1)
    assert error_details(json.loads(REQUEST_LIMIT)) == (code, message)
    assert classify(Answer(403, json.loads(REQUEST_LIMIT))).kind is FailureKind.API_LIMIT


@pytest.mark.parametrize("status", (503, 500))
def test_real_and_simulated_maintenance_pages_mean_org_unavailable(status: int) -> None:
    real = (SAMPLES / "error__maintenance_page__ForceToolkit160.html").read_text(encoding="utf-8")
    assert classify(Answer(status, real, "text/html")).kind is FailureKind.ORG_UNAVAILABLE
    assert classify(Answer(status, MAINTENANCE_PAGE, "text/html")).kind is FailureKind.ORG_UNAVAILABLE


def test_real_trigger_listing_names_custom_objects_by_api_name() -> None:
    text = (SAMPLES / "query__ApexTrigger_tooling__v49__mohan.txt").read_text(encoding="utf-8")
    records = [{"Name": name, "TableEnumOrId": table, "NamespacePrefix": None}
               for name, table in re.findall(r"Name: '(\w+)',\s+Status: '\w+',[^}]*?TableEnumOrId: '(\w+)'", text, re.S)]
    assert records
    triggers = parse_triggers(records)
    assert any(t.sobject.endswith("__c") for t in triggers)
    assert all(not re.fullmatch(r"01I\w{12,15}", t.sobject) for t in triggers)  # names, never object ids


def test_simulator_userinfo_keys_are_real_keys() -> None:
    real = _json("userinfo__convey_docs__partly_elided.json")
    status, simulated = healthy_org().get("/services/oauth2/userinfo")
    assert status == 200 and set(simulated) <= set(real) | {"active", "is_app_installed", "updated_at", "utcOffset",
                                                            "user_type", "language", "locale"}


def test_parsed_describe_is_an_object_describe() -> None:
    assert isinstance(parse_describe(_real_describe("Lead")), ObjectDescribe)
