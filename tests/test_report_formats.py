"""Reporters: completeness, golden files, and what each format promises.

Golden files live in tests/golden and are rewritten only by tests/regen_golden.py (which also
holds the sample Reports). After an intended formatter change: run
``/tmp/venv/bin/python tests/regen_golden.py`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import csv
import difflib
import importlib.metadata
import importlib.util
import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from auditor.model import REPORT_SCHEMA_VERSION, Finding, Report, Status
from auditor.report import FORMATTERS, OutputFormat, render, summary_line
from auditor.report.csv import HEADER, format_csv
from auditor.report.json import format_json
from auditor.report.junit import format_junit
from auditor.report.markdown import format_markdown
from auditor.report.table import format_table
from auditor.snapshot import ApiUsage
from auditor.suspensions import SUSPENSIONS, Suspension

REGEN_COMMAND = "/tmp/venv/bin/python tests/regen_golden.py"


def _load_regen() -> ModuleType:
    # Loaded by path so the tests work whether or not tests/ is a package.
    path = Path(__file__).resolve().parent / "regen_golden.py"
    spec = importlib.util.spec_from_file_location("auditor_regen_golden", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
SAMPLES: dict[str, Report] = {name: build() for name, build in regen.SAMPLES.items()}


def _finding(
    suspension: Suspension, status: Status, check: str = "some-check", **kwargs: object
) -> Finding:
    return Finding(check, suspension, status, f"{check} {status.value}", "fix it", **kwargs)  # type: ignore[arg-type]


def _bare_report(*findings: Finding) -> Report:
    return Report(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        org=None,
        user=None,
        api_version="62.0",
        instance_url="https://example.my.salesforce.com",
    )


# --------------------------------------------------------------------------- completeness


def test_every_output_format_has_exactly_one_formatter() -> None:
    assert set(FORMATTERS) == set(OutputFormat)
    assert len(set(FORMATTERS.values())) == len(OutputFormat), "two formats share a formatter"
    assert [f.value for f in OutputFormat] == ["table", "json", "markdown", "junit", "csv", "sarif"]


def test_every_format_has_a_golden_extension() -> None:
    assert set(regen.EXTENSIONS) == set(OutputFormat)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_render_dispatches_to_the_formatter(fmt: OutputFormat) -> None:
    report = SAMPLES["failing"]
    assert render(report, fmt) == FORMATTERS[fmt](report)


def test_verbose_only_changes_the_table() -> None:
    report = SAMPLES["failing"]
    assert render(report, OutputFormat.TABLE, verbose=True) == format_table(report, verbose=True)
    assert render(report, OutputFormat.TABLE, verbose=True) != render(report, OutputFormat.TABLE)
    for fmt in OutputFormat:
        if fmt is not OutputFormat.TABLE:
            assert render(report, fmt, verbose=True) == render(report, fmt)


# --------------------------------------------------------------------------- golden files

EXPECTED = regen.expected_outputs()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_file(name: str) -> None:
    path = regen.GOLDEN_DIR / name
    assert path.exists(), f"missing golden file tests/golden/{name}: run {REGEN_COMMAND}"
    expected = path.read_bytes().decode("utf-8")
    actual = EXPECTED[name]
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"tests/golden/{name}",
                "formatter output",
            )
        )
        pytest.fail(
            f"tests/golden/{name} differs from the formatter output. If the change is "
            f"intended, run {REGEN_COMMAND} and review the diff.\n{diff}",
            pytrace=False,
        )


def test_no_stale_golden_files() -> None:
    stale = regen.golden_files() - set(EXPECTED)
    assert not stale, f"golden files nothing produces: {sorted(stale)}; run {REGEN_COMMAND}"


def test_samples_cover_what_the_golden_files_promise() -> None:
    failing, all_pass, errors = SAMPLES["failing"], SAMPLES["all_pass"], SAMPLES["errors"]
    assert len(failing.would_suspend) >= 2
    assert any(f.lookup_path for f in failing.findings if f.status is Status.FAIL)
    assert any(f.sources for f in failing.findings if f.status is Status.FAIL)
    assert {f.status for f in failing.findings} == {Status.FAIL, Status.WARN, Status.PASS}
    assert {f.status for f in all_pass.findings} == {Status.PASS}
    assert errors.org is None and errors.user is None
    assert errors.count(Status.ERROR) >= 2 and not errors.would_suspend


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_deterministic(fmt: OutputFormat, name: str) -> None:
    # A Report rebuilt from scratch (new objects) renders to the same bytes.
    assert render(SAMPLES[name], fmt) == render(regen.SAMPLES[name](), fmt)
    assert render(SAMPLES[name], fmt).endswith("\n")


# --------------------------------------------------------------------------- summary line


def test_summary_line_with_suspensions() -> None:
    assert summary_line(SAMPLES["failing"]) == (
        "auditor: 2 suspensions predicted (SF_FIELD_PERMISSIONS, SF_OBJECT_PERMISSIONS): "
        "4 fail, 4 warn, 0 error, 8 pass"
    )


def test_summary_line_singular() -> None:
    report = _bare_report(
        _finding(Suspension.SF_API_DISABLED, Status.FAIL),
        _finding(Suspension.SF_API_DISABLED, Status.FAIL, "other"),
        _finding(Suspension.SF_ORG_LOCKED, Status.WARN),
    )
    assert summary_line(report) == (
        "auditor: 1 suspension predicted (SF_API_DISABLED): 2 fail, 1 warn, 0 error, 0 pass"
    )


def test_summary_line_without_suspension() -> None:
    assert summary_line(SAMPLES["errors"]) == (
        "auditor: audit incomplete, no suspension found in what could be checked: 0 fail, 1 warn, 3 error, 0 pass"
    )
    assert summary_line(_bare_report()) == (
        "auditor: no suspension predicted: 0 fail, 0 warn, 0 error, 0 pass"
    )


# --------------------------------------------------------------------------- JSON

FINDING_KEYS = {
    "check", "suspension", "status", "object", "field", "message", "remediation",
    "lookup_path", "sources", "ignored", "not_evaluated", "category",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_json_schema(name: str) -> None:
    report = SAMPLES[name]
    text = format_json(report)
    document = json.loads(text)
    assert set(document) == {
        "schema_version", "tool", "org", "user", "audited", "api_version", "instance_url", "would_suspend",
        "summary", "findings", "api_usage", "expired_ignores",
    }
    assert document["tool"] == {"name": "auditor", "version": importlib.metadata.version("hubspot-sf-auditor")}
    assert document["schema_version"] == REPORT_SCHEMA_VERSION == 1
    assert document["api_version"] == "62.0"
    assert document["instance_url"] == report.instance_url
    assert document["summary"] == {**{s.value: report.count(s) for s in Status}, "ignored": report.ignored_count}
    assert document["api_usage"] == {
        "http_requests": report.api_usage.http_requests,
        "api_calls": report.api_usage.api_calls,
    }
    assert len(document["findings"]) == len(report.findings)
    for plain, finding in zip(document["findings"], report.findings):  # Report order kept
        assert set(plain) == FINDING_KEYS
        assert plain["check"] == finding.check
        assert plain["suspension"] == (finding.suspension.value if finding.suspension is not None else None)
        assert plain["category"] == finding.category.value
        assert plain["status"] == finding.status.value
        assert plain["object"] == finding.object
        assert plain["field"] == finding.field
        assert plain["lookup_path"] == list(finding.lookup_path)
        assert plain["sources"] == list(finding.sources)
    # sorted keys, two-space indent, trailing newline, nothing else
    assert text == json.dumps(document, indent=2, sort_keys=True) + "\n"


def test_json_org_and_user() -> None:
    document = json.loads(format_json(SAMPLES["failing"]))
    assert document["org"] == {
        "id": "00D5g000004XyZaEAK",
        "name": "Acme, Inc.",
        "edition": "Enterprise Edition",
        "instance_name": "NA139",
        "is_sandbox": False,
    }
    assert document["user"] == {
        "id": "0055g00000AbCdEAAV",
        "username": "hubspot@acme.example",
        "name": "HubSpot Integration",
        "profile": "HubSpot Integration User",
        "user_license": "Salesforce",
        "is_active": True,
    }
    errors = json.loads(format_json(SAMPLES["errors"]))
    assert errors["org"] is None and errors["user"] is None


def test_json_would_suspend_lists_only_codes_with_a_fail() -> None:
    report = _bare_report(
        _finding(Suspension.SF_ORG_LOCKED, Status.WARN),
        _finding(Suspension.UNKNOWN_ERROR, Status.ERROR),
        _finding(Suspension.SF_STORAGE_LIMIT, Status.FAIL),
        _finding(Suspension.SF_STORAGE_LIMIT, Status.PASS, "other"),
        _finding(Suspension.SF_API_DISABLED, Status.FAIL),
        _finding(Suspension.MISSING_FIELD_MAPPINGS, Status.PASS),
    )
    document = json.loads(format_json(report))
    assert document["would_suspend"] == ["SF_API_DISABLED", "SF_STORAGE_LIMIT"]
    assert json.loads(format_json(SAMPLES["errors"]))["would_suspend"] == []
    assert json.loads(format_json(SAMPLES["failing"]))["would_suspend"] == [
        "SF_FIELD_PERMISSIONS",
        "SF_OBJECT_PERMISSIONS",
    ]


# --------------------------------------------------------------------------- JUnit


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_junit_parses_and_counts(name: str) -> None:
    report = SAMPLES[name]
    text = format_junit(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert len(root.findall(".//failure")) == report.count(Status.FAIL)
    assert len(root.findall(".//error")) == report.count(Status.ERROR)
    assert len(root.findall(".//testcase")) == len(report.findings)
    assert len(root.findall(".//skipped")) == report.count(Status.WARN) + report.ignored_count
    assert sum(int(s.get("tests", "")) for s in root) == len(report.findings)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == list(
        dict.fromkeys(f.code for f in report.findings)
    )
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("errors", "")) == len(suite.findall("testcase/error"))
        assert int(suite.get("skipped", "")) == len(suite.findall("testcase/skipped"))
        assert {c.get("classname") for c in cases} == {f"auditor.{suite.get('name')}"}


def test_junit_testcases_carry_the_findings() -> None:
    report = SAMPLES["failing"]
    root = ET.fromstring(format_junit(report))
    cases = root.findall(".//testcase")
    by_suite = [f for code in dict.fromkeys(f.suspension for f in report.findings)
                for f in report.findings if f.suspension is code]
    for case, finding in zip(cases, by_suite):
        where = finding.field or finding.object
        assert case.get("name") == (f"{finding.check}[{where}]" if where else finding.check)
        failure, error = case.find("failure"), case.find("error")
        warn = case.find("skipped")
        if finding.status is Status.FAIL:
            assert failure is not None and error is None
            assert failure.get("message") == finding.message
            assert (failure.text or "").startswith(finding.remediation)
            if finding.lookup_path:
                assert " → ".join(finding.lookup_path) in (failure.text or "")
        elif finding.status is Status.WARN:
            assert failure is None and error is None
            assert warn is not None and warn.get("message") == f"WARN: {finding.message}"
            assert (warn.text or "").startswith(f"Fix: {finding.remediation}")
        else:
            assert failure is None and error is None and warn is None


def test_junit_escapes_markup_and_control_characters() -> None:
    nasty = 'a <b> & "c" \x07 ]]> \x1b[31m'
    report = _bare_report(
        Finding("odd", Suspension.UNKNOWN_ERROR, Status.ERROR, nasty, nasty, object="<X>"),
        Finding("odd", Suspension.SF_ORG_LOCKED, Status.WARN, nasty, "fix"),
    )
    root = ET.fromstring(format_junit(report))
    error = root.find(".//error")
    assert error is not None
    assert error.get("message") == 'a <b> & "c" \\x07 ]]> \\x1b[31m'
    assert error.text == 'a <b> & "c" \\x07 ]]> \\x1b[31m'
    assert root.find(".//testcase[@name='odd[<X>]']") is not None
    assert 'WARN: a <b> & "c"' in (root.findtext(".//system-out") or "")
    skipped = root.find(".//skipped")
    assert skipped is not None and (skipped.get("message") or "").startswith('WARN: a <b> & "c" \\x07')


# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_csv_parses_back(name: str) -> None:
    report = SAMPLES[name]
    rows = list(csv.reader(io.StringIO(format_csv(report))))
    assert rows[0] == list(HEADER) == [
        "check", "suspension", "status", "object", "field", "message", "remediation",
        "lookup_path", "sources", "ignored", "category",
    ]
    assert len(rows) == len(report.findings) + 1
    for row, f in zip(rows[1:], report.findings):
        assert row == [
            f.check, f.suspension.value if f.suspension is not None else "", f.status.value, f.object or "",
            f.field or "", f.message, f.remediation, " > ".join(f.lookup_path), "; ".join(f.sources),
            f.ignored.reason if f.ignored else "", f.category.value,
        ]


def test_csv_joins_lists() -> None:
    rows = list(csv.DictReader(io.StringIO(format_csv(SAMPLES["failing"]))))
    region = next(r for r in rows if r["field"] == "Account.Region__c")
    assert region["lookup_path"] == "Contact.AccountId > Account.Region__c"
    account = next(r for r in rows if r["object"] == "Account" and r["check"] == "object-access")
    assert account["sources"] == (
        "profile 'HubSpot Integration User'; permission set 'HubSpot Integration'"
    )


# --------------------------------------------------------------------------- table


def _section_titles(text: str) -> list[str]:
    codes = {c.value for c in Suspension}
    return [line.split(":")[0] for line in text.splitlines() if line.split(":")[0] in codes]


def test_table_sections_worst_first() -> None:
    report = _bare_report(
        _finding(Suspension.SF_API_LIMIT_EXCEEDED, Status.PASS),
        _finding(Suspension.SF_ORG_LOCKED, Status.WARN),
        _finding(Suspension.UNKNOWN_ERROR, Status.ERROR),
        _finding(Suspension.MISSING_FIELD_MAPPINGS, Status.FAIL),
        _finding(Suspension.SF_STORAGE_LIMIT, Status.PASS),
        _finding(Suspension.SF_STORAGE_LIMIT, Status.FAIL, "other"),
    )
    text = format_table(report)
    # fails first (HubSpot's order between equals), then error, warn, pass-only
    assert _section_titles(text) == [
        "SF_STORAGE_LIMIT", "MISSING_FIELD_MAPPINGS", "UNKNOWN_ERROR", "SF_ORG_LOCKED",
        "SF_API_LIMIT_EXCEEDED",
    ]
    assert "SF_STORAGE_LIMIT: Salesforce org storage limits exceeded [WOULD SUSPEND]" in text
    assert "UNKNOWN_ERROR: Unknown error [could not check]" in text
    assert "SF_ORG_LOCKED: Salesforce org locked [at risk]" in text
    assert "SF_API_LIMIT_EXCEEDED: Salesforce org API limit exceeded [ok]" in text
    assert "SUSPENSION" not in text and "SF_API_DISABLED" not in text  # no empty sections


def test_table_header_block() -> None:
    text = format_table(SAMPLES["failing"])
    head = text.split("\n\n")[0]
    for expected in ("Acme, Inc.", "Enterprise Edition", "NA139", "production",
                     "hubspot@acme.example", "HubSpot Integration User", "v62.0"):
        assert expected in head
    assert "sandbox" in format_table(SAMPLES["all_pass"]).split("\n\n")[0]
    assert "not read" in format_table(SAMPLES["errors"]).split("\n\n")[0]


def test_table_rows_show_path_sources_and_fix() -> None:
    text = format_table(SAMPLES["failing"])
    assert "| FAIL " in text and "| WARN " in text
    assert "Contact.AccountId →" in text  # lookup path, wrapped at the arrow
    assert "permission set" in text and "'HubSpot Integration'" in text
    assert "Give Read and Edit on" in text
    assert text.rstrip("\n").splitlines()[-2:] == [
        "This audit used 14 HTTP requests, 11 counted API calls.",
        summary_line(SAMPLES["failing"]),
    ]


def test_table_collapses_passes_unless_verbose() -> None:
    report = SAMPLES["all_pass"]
    short, verbose = format_table(report), format_table(report, verbose=True)
    assert "| PASS " not in short
    assert "[ok]  passed: object-access (7)" in short
    assert verbose.count("| PASS ") == len(report.findings)
    failing = SAMPLES["failing"]
    assert "| PASS " not in format_table(failing)
    assert "also passed: hubspot-permission-set, object-access (2)" in format_table(failing)
    assert format_table(failing, verbose=True).count("| PASS ") == failing.count(Status.PASS)


@pytest.mark.parametrize("verbose", [False, True])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_table_fits_160_columns_without_ansi(name: str, verbose: bool) -> None:
    text = format_table(SAMPLES[name], verbose=verbose)
    table_lines = [line for line in text.splitlines() if line.startswith(("|", "+"))]
    assert max((len(line) for line in table_lines), default=0) <= 160
    assert "\x1b" not in text


def test_table_wraps_long_cells_to_160_columns() -> None:
    long = "word " * 80 + "x" * 90  # long text and an unbreakable token
    report = _bare_report(
        Finding(
            "a-very-long-check-identifier-that-keeps-going", Suspension.SF_FIELD_PERMISSIONS,
            Status.FAIL, long, long, object="Account",
            field="Account.An_Extremely_Long_Custom_Field_Name_For_Testing__c",
            lookup_path=("Contact.AccountId", "Account.Parent_Territory_Lookup__c",
                         "Territory__c.Another_Long_Field_Name__c"),
            sources=(f"permission set '{long}'", "profile 'Integration'"),
        )
    )
    lines = format_table(report).splitlines()
    table_lines = [line for line in lines if line.startswith(("|", "+"))]
    assert len(table_lines) > 10  # it wrapped instead of growing sideways
    assert max(len(line) for line in table_lines) <= 160


def test_table_neutralises_control_characters() -> None:
    report = _bare_report(
        Finding("odd", Suspension.UNKNOWN_ERROR, Status.ERROR, "red \x1b[31m bell \x07", "fix")
    )
    text = format_table(report)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[31m" in text and "\\x07" in text


def test_table_without_findings() -> None:
    text = format_table(_bare_report())
    assert "No findings" in text
    assert "This audit used 0 HTTP requests, 0 counted API calls." in text


def test_table_singular_usage() -> None:
    assert "This audit used 1 HTTP request, 1 counted API call." in format_table(
        SAMPLES["all_pass"]
    )


# --------------------------------------------------------------------------- markdown


def _cells(row: str) -> list[str]:
    """Split a GFM table row on unescaped pipes."""
    cells, current, escaped = [], "", False
    for ch in row.strip()[1:-1]:
        if ch == "|" and not escaped:
            cells.append(current)
            current = ""
        else:
            current += ch
        escaped = ch == "\\" and not escaped
    return [*cells, current]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_markdown_tables_are_well_formed(name: str) -> None:
    text = format_markdown(SAMPLES[name])
    assert text.startswith("## HubSpot-Salesforce integration audit\n")
    blocks = [b for b in text.split("\n\n") if b.startswith("| ")]
    assert blocks
    for block in blocks:
        header, rule, *rows = block.splitlines()
        width = len(_cells(header))
        assert rule == "|" + "---|" * width
        for row in rows:
            assert len(_cells(row)) == width, row


def test_markdown_escapes_cells() -> None:
    report = _bare_report(
        Finding("odd", Suspension.UNKNOWN_ERROR, Status.ERROR, "a | b <script> *x*\nnext", "fix")
    )
    text = format_markdown(report)
    assert "a \\| b \\<script\\> \\*x\\*<br>next" in text
    assert "<script>" not in text


def test_markdown_verdict_and_sections() -> None:
    failing = format_markdown(SAMPLES["failing"])
    assert ":x: **2 suspensions predicted:** `SF_FIELD_PERMISSIONS`" in failing
    assert "### `SF_OBJECT_PERMISSIONS` Salesforce object permissions missing: WOULD SUSPEND" in (
        failing
    )
    assert "`Contact.AccountId` → `Account.Region__c`" in failing
    assert "### `SF_API_DISABLED`" not in failing  # pass-only: folded
    assert "<details>" in failing and "| `SF_API_DISABLED` |" in failing
    assert "**No suspension predicted, but 3 checks could not be completed**" in format_markdown(
        SAMPLES["errors"]
    )
    assert ":white_check_mark: **No suspension predicted.**" in format_markdown(
        SAMPLES["all_pass"]
    )
    assert f"`{summary_line(SAMPLES['failing'])}`" in failing


def test_labels_come_from_the_suspension_table() -> None:
    text = format_markdown(SAMPLES["failing"])
    for code in SAMPLES["failing"].would_suspend:
        assert SUSPENSIONS[code].label in text


def test_api_usage_is_reported_everywhere_it_fits() -> None:
    report = Report((), None, None, "62.0", "https://x", ApiUsage(http_requests=7, api_calls=5))
    assert "This audit used 7 HTTP requests, 5 counted API calls." in format_table(report)
    assert "This audit used 7 HTTP requests, 5 counted API calls." in format_markdown(report)
    assert json.loads(format_json(report))["api_usage"] == {"http_requests": 7, "api_calls": 5}
