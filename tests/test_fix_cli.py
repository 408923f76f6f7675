"""`auditor fix` and `auditor explain` end to end over recorded orgs: files, outputs, exit statuses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
NS = "{http://soap.sforce.com/2006/04/metadata}"
SET_FILE = "force-app/main/default/permissionsets/HubSpot_Integration_Preflight_Fix.permissionset-meta.xml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) if out.exists() else []


def test_demo_writes_a_deployable_fragment(tmp_path: Path) -> None:
    out = tmp_path / "fix"
    result = run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert _files(out) == [SET_FILE, "manifest/package.xml", "sfdx-project.json"]
    root = ET.parse(out / SET_FILE).getroot()
    fields = {e.findtext(f"{NS}field"): e.findtext(f"{NS}editable") for e in root.iter(f"{NS}fieldPermissions")}
    assert fields == {"Contact.MailingAddress": "true", "Lead.Fax": "true"}
    objects = {e.findtext(f"{NS}object"): (e.findtext(f"{NS}allowRead"), e.findtext(f"{NS}allowEdit"),
                                           e.findtext(f"{NS}allowCreate")) for e in root.iter(f"{NS}objectPermissions")}
    assert objects == {"Campaign": ("true", "true", "false")}
    assert root.findtext(f"{NS}label") == "HubSpot Integration Preflight Fix"
    assert "hubspot.sync@acme.example.com" in (root.findtext(f"{NS}description") or "")
    manifest = ET.parse(out / "manifest/package.xml").getroot()
    assert manifest.findtext(f"{NS}version") == "62.0"
    assert "sf org assign permset --name HubSpot_Integration_Preflight_Fix --on-behalf-of hubspot.sync@acme.example.com" in result.stdout
    assert "sf project deploy start --manifest manifest/package.xml" in result.stdout
    assert "field-access Lead.Fax" in result.stdout  # why, finding by finding
    assert "3 grants, 0 manual steps" in result.stderr


def test_healthy_org_gets_no_file_and_exit_0(tmp_path: Path) -> None:
    out = tmp_path / "fix"
    result = run_cli("fix", "--replay", "cassettes/healthy.yaml", "--out", str(out), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert _files(out) == []
    document = json.loads(result.stdout)
    assert document["permission_set"] is None and document["grants"] == [] and document["manual_steps"] == []
    assert "nothing to fix" in result.stderr


def test_manual_steps_remaining_is_exit_1(tmp_path: Path) -> None:
    result = run_cli("fix", "--replay", "cassettes/hubspot-package-unassigned.yaml", "-f", "json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    step = document["manual_steps"][0]
    assert set(step) >= {"check", "suspension", "object", "field", "why", "how"}
    assert step["check"] == "hubspot-permission-set"
    assert "sf org assign permset --name HubSpot_Integration_Permissions --on-behalf-of hubspot.sync@acme.example.com" in step["how"]
    assert document["covers_every_permission_failure"] is False
    assert _files(tmp_path / "o") == []  # nothing to grant: no file


def test_licence_ceiling_is_a_manual_step_naming_the_licence() -> None:
    result = run_cli("fix", "--replay", "cassettes/license-without-campaign.yaml", "-f", "json")
    assert result.exit_code == 1, result.stderr
    steps = json.loads(result.stdout)["manual_steps"]
    assert len(steps) == 1 and steps[0]["object"] == "Campaign" and "Salesforce Platform" in steps[0]["why"]


def test_api_disabled_for_org_grants_api_enabled_and_says_what_else() -> None:
    result = run_cli("fix", "--replay", "cassettes/api-disabled.yaml", "-f", "json")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert [g["name"] for g in document["grants"]] == ["ApiEnabled"]
    assert any("Edition" in s["how"] for s in document["manual_steps"])


def test_audit_that_could_not_complete_is_exit_3_and_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("fix", "--replay", "cassettes/no-setup-access.yaml", "--out", str(tmp_path / "o"))
    assert result.exit_code == 3
    assert "could not complete" in result.stderr and "Traceback" not in result.stderr
    assert _files(tmp_path / "o") == []


@pytest.mark.parametrize("fmt, marker", [("table", "Grants (and the findings they answer):"), ("markdown", "| Grant |"),
                                         ("json", '"grants"')])
def test_formats(fmt: str, marker: str) -> None:
    result = run_cli("fix", "--replay", "cassettes/demo.yaml", "-f", fmt)
    assert result.exit_code == 0 and marker in result.stdout


def test_from_report_gives_the_same_files(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    audited = run_cli("audit", "--replay", "cassettes/demo.yaml", "-f", "json", "-o", str(report))
    assert audited.exit_code == 1
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["schema_version"] == 1 and "fix" in document  # only a new key
    direct = run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(tmp_path / "a"), "-f", "json")
    offline = run_cli("fix", "--from-report", str(report), "--out", str(tmp_path / "b"), "-f", "json")
    assert offline.exit_code == direct.exit_code == 0, offline.stderr
    assert json.loads(offline.stdout)["grants"] == json.loads(direct.stdout)["grants"]

    def fields(out: Path) -> list[ET.Element]:
        root = ET.parse(out / SET_FILE).getroot()
        return [child for child in root if child.tag != f"{NS}description"]

    assert [ET.tostring(e) for e in fields(tmp_path / "a")] == [ET.tostring(e) for e in fields(tmp_path / "b")]
    assert (tmp_path / "a/manifest/package.xml").read_text() == (tmp_path / "b/manifest/package.xml").read_text()


@pytest.mark.parametrize("content, message", [
    ("not json", "not a JSON report"),
    ('{"schema_version": 2, "findings": []}', "schema_version 1"),
    ('{"schema_version": 1, "findings": [], "api_version": "62.0"}', "no 'fix' key"),
    ('{"schema_version": 1, "findings": [], "api_version": "62.0", "fix": {"version": 1, "grants": '
     '[{"type": "user_permission", "name": "ModifyAllData"}], "manual_steps": []}}', "never grants ModifyAllData"),
    ('{"schema_version": 1, "findings": [], "api_version": "62.0", "fix": {"version": 1, "grants": '
     '[{"type": "field", "field": "Email", "editable": true}], "manual_steps": []}}', "expected Object.Field"),
])
def test_bad_reports_are_usage_errors(tmp_path: Path, content: str, message: str) -> None:
    report = tmp_path / "r.json"
    report.write_text(content, encoding="utf-8")
    result = run_cli("fix", "--from-report", str(report), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert _files(tmp_path / "o") == []


@pytest.mark.parametrize("args, message", [
    (("--from-report", "x.json", "--replay", "cassettes/demo.yaml"), "cannot be combined with --replay"),
    (("--replay", "cassettes/demo.yaml", "--name", "bad name"), "--name 'bad name'"),
    (("--replay", "cassettes/demo.yaml", "--format", "xml"), "use table, json or markdown"),
    (("--from-report", "missing.json"), "cannot read"),
])
def test_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = run_cli("fix", *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_conflicting_existing_file_is_refused_then_forced(tmp_path: Path) -> None:
    out = tmp_path / "fix"
    assert run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(out)).exit_code == 0
    assert run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(out)).exit_code == 0  # same content
    (out / SET_FILE).write_text("<edited/>", encoding="utf-8")
    refused = run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert (out / SET_FILE).read_text(encoding="utf-8") == "<edited/>"
    assert run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(out), "--force").exit_code == 0
    assert "<PermissionSet" in (out / SET_FILE).read_text(encoding="utf-8")


def test_name_and_label_options(tmp_path: Path) -> None:
    result = run_cli("fix", "--replay", "cassettes/demo.yaml", "--out", str(tmp_path), "--name", "My_Fix", "--label", "My Fix")
    assert result.exit_code == 0
    root = ET.parse(tmp_path / "force-app/main/default/permissionsets/My_Fix.permissionset-meta.xml").getroot()
    assert root.findtext(f"{NS}label") == "My Fix"
    assert "<members>My_Fix</members>" in (tmp_path / "manifest/package.xml").read_text()


# --------------------------------------------------------------------------- explain


def test_explain_field_has_verdict_and_fix() -> None:
    result = run_cli("explain", "Contact.MailingCountry", "--replay", "cassettes/demo.yaml")
    assert result.exit_code == 0, result.stderr
    assert "Verdict: fail (SF_FIELD_PERMISSIONS)" in result.stdout
    assert "grant field Contact.MailingAddress: Read, Edit" in result.stdout


def test_explain_json() -> None:
    result = run_cli("explain", "Campaign", "--replay", "cassettes/demo.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["verdict"] == "fail" and document["object"] == "Campaign" and document["field"] is None
    assert document["fix"]["grants"][0]["permissions"] == ["Read", "Edit"]
    assert {f["check"] for f in document["findings"]} == {"object-access", "lookup-access"}


def test_explain_passing_field() -> None:
    result = run_cli("explain", "Lead.Email", "--replay", "cassettes/demo.yaml", "-f", "json")
    document = json.loads(result.stdout)
    assert document["verdict"] == "pass" and document["fix"] == {"grants": [], "manual_steps": []}


@pytest.mark.parametrize("target", ["Contact..Email", ".Email", "Contact.", "Con tact", "Contact.Email.X"])
def test_explain_validates_its_argument_before_connecting(target: str) -> None:
    # no replay, no credentials: a malformed argument must be refused before any login is attempted
    result = run_cli("explain", target)
    assert result.exit_code == 2 and "expected OBJECT or OBJECT.FIELD" in result.stderr, result.stderr


def test_the_grants_read_as_short_lines_not_one_wide_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = run_cli("fix", "--replay", "cassettes/demo.yaml").stdout
    grants = text.split("Grants (and the findings they answer):\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert grants and all(len(line) <= 100 for line in grants)
    assert any(line.startswith("  field Contact.MailingAddress (covers Contact.MailingStreet,") for line in grants)
