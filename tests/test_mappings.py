"""Field-mapping files: good ones load, every bad one is refused naming file, line and reason,
and the sync direction decides what field-level access is required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.config import Direction
from auditor.mappings import MappingFileError, load_mapping_file, standard_mappings
from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
HEADER = "hubspot_object,hubspot_property,salesforce_object,salesforce_field,direction\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_standard_mappings_cover_lead_and_contact_both() -> None:
    fields = {m.qualified for m in standard_mappings()}
    for field in ("FirstName", "LastName", "Email", "Phone"):
        assert f"Lead.{field}" in fields and f"Contact.{field}" in fields
    assert "Contact.AccountId" in fields and "Opportunity.CampaignId" in fields


def test_good_csv_with_comments_aliases_and_qualified_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "# our mappings\n" + HEADER +
                 "contacts,email,Contact,Email,two-way\n"
                 "contacts,score,Contact,Contact.Score__c,salesforce_to_hubspot\n"
                 "\n"
                 "contacts,optin,Lead,Opt_In__c,hs_to_sf\n")
    mappings = load_mapping_file(path)
    assert [(m.qualified, m.direction) for m in mappings] == [
        ("Contact.Email", Direction.TWO_WAY),
        ("Contact.Score__c", Direction.TO_HUBSPOT),
        ("Lead.Opt_In__c", Direction.TO_SALESFORCE),
    ]


def test_good_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "m.toml", '[[mapping]]\nhubspot_object = "contacts"\nhubspot_property = "email"\n'
                 'salesforce_object = "Contact"\nsalesforce_field = "Email"\n\n'
                 '[[mapping]]\nhubspot_object = "deals"\nhubspot_property = "amount"\n'
                 'salesforce_object = "Opportunity"\nsalesforce_field = "Amount"\ndirection = "salesforce_to_hubspot"\n')
    assert [m.qualified for m in load_mapping_file(path)] == ["Contact.Email", "Opportunity.Amount"]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bad-direction.csv", HEADER + "contacts,email,Contact,Email,two_way\ncontacts,x,Contact,Phone,sideways\n",
     "bad-direction.csv:3: unknown direction 'sideways'"),
    ("missing-value.csv", HEADER + "contacts,email,,Email,two_way\n", "missing-value.csv:2: missing salesforce_object"),
    ("extra-column.csv", HEADER + "contacts,email,Contact,Email,two_way,extra\n",
     "extra-column.csv:2: expected 5 values, found 6"),
    ("bad-name.csv", HEADER + "contacts,email,Contact,E-mail,two_way\n",
     "bad-name.csv:2: salesforce_field 'E-mail' is not a Salesforce API name"),
    ("wrong-object.csv", HEADER + "contacts,email,Contact,Lead.Email,two_way\n",
     "wrong-object.csv:2: field 'Lead.Email' is not on object 'Contact'"),
    ("bad-header.csv", "hubspot_object,property,salesforce_object,salesforce_field\n",
     "bad-header.csv:1: unknown column 'property'"),
    ("bad-key.toml", '[[mapping]]\nhubspot_object = "contacts"\nhubspot_property = "email"\n'
     'salesforce_object = "Contact"\nsalesforce_field = "Email"\n\n[[mapping]]\nhubspot_object = "c"\n'
     'hubspot_property = "p"\nsalesforce_object = "Contact"\nfield = "Phone"\n',
     "bad-key.toml:7: unknown key 'field'"),
    ("broken.toml", "[[mapping]\n", "broken.toml: "),
    ("mappings.json", "{}", "unsupported mapping file type '.json'"),
])
def test_bad_files_name_file_line_and_reason(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(MappingFileError) as raised:
        load_mapping_file(path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_empty_mapping_file_is_the_missing_mappings_suspension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "empty.csv", HEADER)
    result = run_cli("audit", "--replay", str(ROOT / "cassettes" / "healthy.yaml"), "--mappings", str(path), "-f", "json")
    assert result.exit_code == 1
    assert "MISSING_FIELD_MAPPINGS" in json.loads(result.stdout)["would_suspend"]


def test_direction_decides_whether_edit_is_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the demo org Contact.MailingAddress (the compound carrying MailingCountry's FLS) is read-only:
    a Salesforce -> HubSpot mapping of MailingCountry is fine, a two-way one is not."""
    monkeypatch.chdir(tmp_path)
    demo = str(ROOT / "cassettes" / "demo.yaml")
    one_way = write(tmp_path, "one-way.csv", HEADER + "contacts,country,Contact,MailingCountry,salesforce_to_hubspot\n")
    two_way = write(tmp_path, "two-way.csv", HEADER + "contacts,country,Contact,MailingCountry,two_way\n")

    def field_status(path: Path) -> str:
        report = json.loads(run_cli("audit", "--replay", demo, "--mappings", str(path), "-f", "json").stdout)
        return next(f["status"] for f in report["findings"]
                    if f["check"] == "field-access" and f["field"] in ("Contact.MailingAddress", None)
                    and f["object"] == "Contact")

    assert field_status(one_way) == "pass"
    assert field_status(two_way) == "fail"
