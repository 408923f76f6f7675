"""The CI-facing CLI: --version, --fail-on, [[ignore]] entries, several formats into --output-dir."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

from tests.clirun import run_cli
from tests.test_report_schemas import assert_valid_junit, assert_valid_sarif

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "cassettes" / "demo.yaml")  # 4 fail, 3 warn
HEALTHY = str(ROOT / "cassettes" / "healthy.yaml")  # 1 warn (no HubSpot allocation given)
NO_SETUP = str(ROOT / "cassettes" / "no-setup-access.yaml")  # errors only: exit 3


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"auditor {importlib.metadata.version('hubspot-sf-auditor')}\n"


@pytest.mark.parametrize(("cassette", "fail_on", "expected"), [
    (DEMO, None, 1), (DEMO, "fail", 1), (DEMO, "warn", 1), (DEMO, "never", 0),
    (HEALTHY, None, 0), (HEALTHY, "fail", 0), (HEALTHY, "warn", 1), (HEALTHY, "never", 0),
    (NO_SETUP, "never", 3), (NO_SETUP, None, 3),
    (NO_SETUP, "warn", 1),  # a breach of the threshold outranks "incomplete", as a fail does by default
])
def test_fail_on_decides_exit_1_and_leaves_exit_3(cassette: str, fail_on: str | None, expected: int) -> None:
    args = ["audit", "--replay", cassette, "-f", "json"] + (["--fail-on", fail_on] if fail_on else [])
    assert run_cli(*args).exit_code == expected


def test_fail_on_from_settings_and_flag_wins(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('fail_on = "never"\n', encoding="utf-8")
    assert run_cli("audit", "--replay", DEMO, "--config", str(config)).exit_code == 0
    assert run_cli("audit", "--replay", DEMO, "--config", str(config), "--fail-on", "fail").exit_code == 1
    config.write_text('fail_on = "sometimes"\n', encoding="utf-8")
    result = run_cli("audit", "--replay", DEMO, "--config", str(config))
    assert result.exit_code == 2 and "fail_on" in result.stderr
    assert run_cli("audit", "--replay", DEMO, "--fail-on", "sometimes").exit_code == 2


IGNORES = '''
[[ignore]]
check = "field-access"
field = "Contact.MailingAddress"
reason = "country arrives from HubSpot only from Q2"
until = 2999-03-31

[[ignore]]
check = "field-access"
object = "Lead"
field = "Fax"
reason = "fax dropped from the mappings"

[[ignore]]
check = "lookup-access"
reason = "campaigns come later"

[[ignore]]
check = "object-access"
object = "Campaign"
reason = "campaigns come later"
until = 2000-01-31
'''


def _audit_with(tmp_path: Path, settings: str, *extra: str) -> tuple[int, dict[str, object], str]:
    config = tmp_path / "auditor.toml"
    config.write_text(settings, encoding="utf-8")
    result = run_cli("audit", "--replay", DEMO, "--config", str(config), "-f", "json", *extra)
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


def test_ignored_findings_are_reported_with_reason_and_do_not_fail(tmp_path: Path) -> None:
    everything = IGNORES.replace("until = 2000-01-31", "until = 2999-01-31")
    code, document, _ = _audit_with(tmp_path, everything)
    assert code == 0  # every fail is accepted; the warnings do not fail by default
    findings = document["findings"]
    assert isinstance(findings, list)
    ignored = {(f["check"], f["field"] or f["object"]): f["ignored"] for f in findings if f["ignored"]}
    assert ignored == {
        ("field-access", "Contact.MailingAddress"): {"reason": "country arrives from HubSpot only from Q2",
                                                     "until": "2999-03-31"},
        ("field-access", "Lead.Fax"): {"reason": "fax dropped from the mappings", "until": None},
        ("lookup-access", "Campaign"): {"reason": "campaigns come later", "until": None},
        ("object-access", "Campaign"): {"reason": "campaigns come later", "until": "2999-01-31"},
    }
    assert all(f["status"] == "fail" for f in findings if f["ignored"])  # statuses keep their meaning
    assert document["would_suspend"] == [] and document["summary"]["ignored"] == 4
    # --fail-on warn still fails on the warnings, which no entry covers
    assert _audit_with(tmp_path, everything, "--fail-on", "warn")[0] == 1


def test_an_ignore_does_not_cover_other_subjects(tmp_path: Path) -> None:
    code, document, _ = _audit_with(tmp_path, IGNORES.split("[[ignore]]\ncheck = \"field-access\"\nobject")[0])
    findings = document["findings"]
    assert isinstance(findings, list)
    fax = next(f for f in findings if f["field"] == "Lead.Fax")
    assert fax["ignored"] is None and code == 1


def test_an_expired_ignore_is_a_warning_naming_it_and_no_longer_applies(tmp_path: Path) -> None:
    code, document, stderr = _audit_with(tmp_path, IGNORES)
    assert code == 1  # object-access Campaign counts again
    assert "warning: " in stderr and "ignore[4] (object-access Campaign) expired on 2000-01-31" in stderr
    assert document["would_suspend"] == ["SF_OBJECT_PERMISSIONS"]
    assert document["expired_ignores"] == [{"check": "object-access", "object": "Campaign", "field": None,
                                            "reason": "campaigns come later", "until": "2000-01-31"}]


@pytest.mark.parametrize(("entry", "message"), [
    ('check = "field-access"', "ignore[1].reason: required"),
    ('reason = "x"', "ignore[1].check: required"),
    ('check = "no-such-check"\nreason = "x"', "ignore[1].check: no such check 'no-such-check'"),
    ('check = "field-access"\nreason = "x"\nuntil = "next year"', "ignore[1].until: expected a date"),
    ('check = "field-access"\nreason = "x"\nuntil = 2027-03-31T10:00:00', "ignore[1].until: expected a date"),
    ('check = "field-access"\nreason = ""', "ignore[1].reason: expected a non-empty string"),
    ('check = "field-access"\nreason = "x"\nfield = "Fax"', "ignore[1].field: qualify it"),
    ('check = "field-access"\nreason = "x"\nobject = "Lead"\nfield = "Contact.Fax"', "ignore[1].field:"),
    ('check = "field-access"\nreason = "x"\nexpires = 2027-01-01', "ignore[1].expires: unknown key"),
])
def test_a_bad_ignore_entry_is_exit_2_naming_file_and_key(tmp_path: Path, entry: str, message: str) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(f"[[ignore]]\n{entry}\n", encoding="utf-8")
    result = run_cli("audit", "--replay", DEMO, "--config", str(config))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == f"auditor: config {config}: " + result.stderr.split(
        f"config {config}: ", 1)[1].strip()
    assert message in result.stderr and str(config) in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_ignore_must_be_tables(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('ignore = ["field-access"]\n', encoding="utf-8")
    result = run_cli("audit", "--replay", DEMO, "--config", str(config))
    assert result.exit_code == 2 and "ignore[1]: expected a table" in result.stderr


# --------------------------------------------------------------------------- several outputs


def test_several_formats_into_an_output_dir(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run_cli("audit", "--replay", DEMO, "-f", "json", "-f", "sarif", "-f", "junit", "-f", "markdown",
                     "-f", "csv", "-f", "table", "--output-dir", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.csv", "audit.json", "audit.md", "audit.sarif", "audit.txt", "audit.xml"]
    assert json.loads((out / "audit.json").read_text())["would_suspend"] == [
        "SF_FIELD_PERMISSIONS", "SF_OBJECT_PERMISSIONS"]
    assert_valid_sarif((out / "audit.sarif").read_text())
    assert_valid_junit((out / "audit.xml").read_text())
    assert (out / "audit.md").read_text().startswith("## HubSpot-Salesforce integration audit")


def test_output_dir_without_format_writes_every_format_even_on_exit_3(tmp_path: Path) -> None:
    result = run_cli("audit", "--replay", NO_SETUP, "--output-dir", str(tmp_path / "o"))
    assert result.exit_code == 3
    assert len(list((tmp_path / "o").iterdir())) == 6
    assert json.loads((tmp_path / "o" / "audit.json").read_text())["summary"]["error"] > 0
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.startswith(".")]  # no temporary left


def test_junit_from_the_cli_has_a_real_timestamp() -> None:
    root = assert_valid_junit(run_cli("audit", "--replay", DEMO, "-f", "junit").stdout)
    assert all(s.get("timestamp", "").startswith("20") for s in root.iter("testsuite"))


def test_without_output_dir_the_last_format_wins() -> None:
    result = run_cli("audit", "--replay", DEMO, "-f", "csv", "-f", "json")
    assert json.loads(result.stdout)["schema_version"] == 1


def test_output_and_output_dir_exclude_each_other(tmp_path: Path) -> None:
    result = run_cli("audit", "--replay", DEMO, "-o", str(tmp_path / "x.json"), "--output-dir", str(tmp_path / "d"))
    assert result.exit_code == 2 and result.stdout == "" and "--output-dir" in result.stderr
    assert not (tmp_path / "d").exists() and not (tmp_path / "x.json").exists()
