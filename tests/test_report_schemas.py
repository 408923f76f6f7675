"""SARIF validates against the official 2.1.0 schema, JUnit against the Ant XSD, and both say
what code scanning and CI test views need (tests/schemas holds the copies, with their sources)."""

from __future__ import annotations

import importlib.metadata
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from auditor.checks import CHECKS
from auditor.model import Finding, Ignore, Report, Status
from auditor.report.junit import format_junit
from auditor.report.sarif import FINGERPRINT_KEY, format_sarif
from auditor.suspensions import Suspension
from tests.test_report_formats import SAMPLES

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@lru_cache(maxsize=1)
def _sarif_validator() -> Any:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


@lru_cache(maxsize=1)
def _junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-ant.xsd")))


def assert_valid_sarif(text: str) -> dict[str, Any]:
    document = json.loads(text)
    errors = sorted(_sarif_validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return document  # type: ignore[no-any-return]


def assert_valid_junit(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    schema = _junit_schema()
    assert schema.validate(root), str(schema.error_log)
    return root


def _report(*findings: Finding) -> Report:
    return Report(tuple(sorted(findings, key=Finding.sort_key)), None, None, "62.0", "https://x.my.salesforce.com")


# --------------------------------------------------------------------------- SARIF


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sarif_validates_against_the_schema(name: str) -> None:
    assert_valid_sarif(format_sarif(SAMPLES[name]))


def test_sarif_schema_rejects_a_broken_log() -> None:
    # The validator is not vacuous: a log without a version, or with a bad level, is refused.
    document = json.loads(format_sarif(SAMPLES["failing"]))
    del document["version"]
    assert list(_sarif_validator().iter_errors(document))
    document = json.loads(format_sarif(SAMPLES["failing"]))
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert list(_sarif_validator().iter_errors(document))


def test_sarif_one_rule_per_check_with_metadata() -> None:
    run = json.loads(format_sarif(SAMPLES["failing"]))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "auditor"
    assert driver["version"] == importlib.metadata.version("hubspot-sf-auditor")
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert ids[: len(CHECKS)] == [c.id for c in CHECKS]
    field_access = next(r for r in driver["rules"] if r["id"] == "field-access")
    check = next(c for c in CHECKS if c.id == "field-access")
    assert field_access["name"] == "FieldAccess"
    assert field_access["shortDescription"]["text"] == check.title
    assert check.remediation in field_access["help"]["text"]
    assert field_access["properties"]["suspension"] == "SF_FIELD_PERMISSIONS"
    assert "SF_FIELD_PERMISSIONS" in field_access["properties"]["tags"]
    # every result points at its rule
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_one_result_per_finding_that_did_not_pass() -> None:
    report = SAMPLES["failing"]
    results = json.loads(format_sarif(report))["runs"][0]["results"]
    not_passed = [f for f in report.findings if f.status is not Status.PASS]
    assert len(results) == len(not_passed)
    assert [r["level"] for r in results] == [
        {"fail": "error", "warn": "warning", "error": "note"}[f.status.value] for f in not_passed]
    errors = json.loads(format_sarif(SAMPLES["errors"]))["runs"][0]["results"]
    assert {r["level"] for r in errors} == {"note", "warning"}
    assert all(r["message"]["text"].startswith("Could not be evaluated") for r in errors if r["level"] == "note")


def test_sarif_locations_are_logical_and_accepted_by_code_scanning() -> None:
    results = json.loads(format_sarif(SAMPLES["failing"]))["runs"][0]["results"]
    for result in results:
        (location,) = result["locations"]
        # code scanning refuses a result without a repository-relative file location
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "auditor.toml"
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("00D5g000004XyZaEAK")
    email = next(r for r in results if r["properties"]["field"] == "Contact.Email")
    assert email["locations"][0]["logicalLocations"][0] == {
        "name": "Email", "fullyQualifiedName": "00D5g000004XyZaEAK/Contact/Email", "kind": "member"}


def test_sarif_fingerprints_stable_per_check_object_field() -> None:
    base = Finding("field-access", Suspension.SF_FIELD_PERMISSIONS, Status.FAIL, "5 of 10 left", "fix",
                   object="Contact", field="Contact.Email")
    changed = Finding("field-access", Suspension.SF_FIELD_PERMISSIONS, Status.WARN, "7 of 10 left", "other fix",
                      object="Contact", field="Contact.Email")
    other = Finding("field-access", Suspension.SF_FIELD_PERMISSIONS, Status.FAIL, "5 of 10 left", "fix",
                    object="Contact", field="Contact.Phone")

    def prints(*findings: Finding) -> list[str]:
        results = json.loads(format_sarif(_report(*findings)))["runs"][0]["results"]
        return [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]

    assert prints(base) == prints(changed)  # message and status do not move the identity
    assert prints(base) != prints(other)
    twice = prints(base, base)
    assert len(set(twice)) == 2  # two findings on one subject are still two alerts


def test_sarif_ignored_finding_is_suppressed_with_its_reason() -> None:
    results = json.loads(format_sarif(SAMPLES["ignored"]))["runs"][0]["results"]
    fax = next(r for r in results if r["properties"]["field"] == "Lead.Fax")
    assert fax["suppressions"] == [{"kind": "external", "status": "accepted",
                                    "justification": "Fax is not synced any more; mapping removed next sprint (until 2027-03-31)"}]
    campaign = next(r for r in results if r["properties"]["object"] == "Campaign")
    assert "suppressions" not in campaign


# --------------------------------------------------------------------------- JUnit


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_junit_validates_against_the_ant_xsd(name: str) -> None:
    assert_valid_junit(format_junit(SAMPLES[name]))


def test_junit_xsd_rejects_a_document_without_timestamp() -> None:
    root = etree.fromstring(format_junit(SAMPLES["failing"]).encode("utf-8"))
    del root[0].attrib["timestamp"]
    assert not _junit_schema().validate(root)


def test_junit_names_do_not_depend_on_the_result() -> None:
    def names(status: Status) -> list[str]:
        report = _report(
            Finding("field-access", Suspension.SF_FIELD_PERMISSIONS, status, "m", "f", object="Contact",
                    field="Contact.MailingCountry"),
            Finding("object-access", Suspension.SF_OBJECT_PERMISSIONS, status, "m", "f", object="Account"),
            Finding("api-enabled", Suspension.SF_API_DISABLED, status, "m", "f"),
        )
        return sorted(c.get("name") for c in assert_valid_junit(format_junit(report)).iter("testcase"))

    expected = ["api-enabled", "field-access[Contact.MailingCountry]", "object-access[Account]"]
    for status in Status:
        assert names(status) == expected


def test_junit_time_timestamp_and_warnings() -> None:
    root = assert_valid_junit(format_junit(SAMPLES["failing"]))
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("timestamp") == "2026-12-02T14:05:09" and suite.get("time") == "1.250"
    assert suite.get("hostname") == "acme.my.salesforce.com"
    rating = root.find(".//testcase[@name='field-access[Lead.Rating]']")
    assert rating is not None
    skipped = rating.find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("WARN: Lead.Rating is readable")
    # the suite's system-out repeats the warning, so it is visible in viewers that hide skips
    assert "field-access[Lead.Rating]: WARN" in "".join(root.itertext())


def test_junit_ignored_finding_is_skipped_with_its_reason_and_does_not_fail() -> None:
    root = assert_valid_junit(format_junit(SAMPLES["ignored"]))
    fax = root.find(".//testcase[@name='field-access[Lead.Fax]']")
    assert fax is not None and fax.find("failure") is None
    skipped = fax.find("skipped")
    assert skipped is not None and "Fax is not synced any more" in skipped.get("message", "")
    fields = root.find("testsuite[@name='SF_FIELD_PERMISSIONS']")
    assert fields is not None and fields.get("failures") == "0" and fields.get("skipped") == "1"


def test_ignored_reason_in_every_format() -> None:
    from auditor.report import OutputFormat, render

    for fmt in OutputFormat:
        if fmt is not OutputFormat.TABLE:  # the table wraps the reason inside its cell
            assert "Fax is not synced any more" in render(SAMPLES["ignored"], fmt), fmt
    assert "[ignored until 2027-03-31: Fax is" in render(SAMPLES["ignored"], OutputFormat.TABLE)
    document = json.loads(render(SAMPLES["ignored"], OutputFormat.JSON))
    fax = next(f for f in document["findings"] if f["field"] == "Lead.Fax")
    assert fax["status"] == "fail"  # the status keeps its meaning
    assert fax["ignored"] == {"reason": "Fax is not synced any more; mapping removed next sprint", "until": "2027-03-31"}
    assert document["summary"]["fail"] == 1 and document["summary"]["ignored"] == 2
    assert document["would_suspend"] == ["SF_OBJECT_PERMISSIONS"]
    assert document["expired_ignores"] == [{"check": "object-access", "object": "Campaign", "field": None,
                                            "reason": "Campaigns come later", "until": "2026-01-31"}]
    assert Ignore("x", "r", until=date(2027, 1, 1)).describe() == "x"
