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
     "bad-header.csv:1: missing column 'hubspot_property' (unknown column 'property';"),
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


# ------------------------------------------------------------------------------- files saved by Excel

ROWS = "contacts,email,Contact,Email,two_way\ncontacts,ville,Contact,MailingCity,two_way\n"


@pytest.mark.parametrize(("name", "data"), [
    ("utf-8 with a byte-order mark (Excel's CSV UTF-8)", b"\xef\xbb\xbf" + (HEADER + ROWS).encode()),
    ("cp1252 (Excel's CSV on Windows)", (HEADER + ROWS.replace("ville", "soci\u00e9t\u00e9")).encode("cp1252")),
    ("utf-16 with a byte-order mark (Excel's Unicode text)", (HEADER + ROWS).encode("utf-16")),
    ("windows line ends", (HEADER + ROWS).replace("\n", "\r\n").encode()),
])
def test_excel_saved_files_load(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / "mappings.csv"
    path.write_bytes(data)
    mappings = load_mapping_file(path)
    assert [m.qualified for m in mappings] == ["Contact.Email", "Contact.MailingCity"]
    assert mappings[0].hubspot_object == "contacts"


def test_a_file_no_encoding_decodes_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "mappings.csv"
    path.write_bytes((HEADER + ROWS).encode() + b"contacts,x\x81\x8d,Contact,Phone,two_way\n")
    with pytest.raises(MappingFileError) as raised:
        load_mapping_file(path)
    assert str(raised.value).startswith(f"{path}:4: cannot read: not UTF-8 nor cp1252 text (byte 0x81)")


def test_unknown_extra_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", HEADER.rstrip("\n") + ",notes,owner\n" + "contacts,email,Contact,Email,two_way,keep,ann\n")
    warnings: list[str] = []
    assert [m.qualified for m in load_mapping_file(path, warnings.append)] == ["Contact.Email"]
    assert [w.split(": ", 1)[1] for w in warnings] == [
        f"ignoring unknown column '{c}' (expected hubspot_object, hubspot_property, salesforce_object, "
        "salesforce_field, direction)" for c in ("notes", "owner")]
    result = run_cli("audit", "--replay", str(ROOT / "cassettes" / "healthy.yaml"), "--mappings", str(path), "-f", "json")
    assert f"auditor: {path}:1: ignoring unknown column 'notes'" in result.stderr
    assert result.exit_code in (0, 1)
