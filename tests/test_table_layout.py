"""The terminal table adapts to the width and colours statuses, as a pure function of its inputs.

The exact text at the default (unbounded) width is locked by the golden files
(tests/test_report_formats.py); tests/test_terminal_screenshots.py captures the real CLI through a
pseudo terminal.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from auditor.model import Finding, Report, Status
from auditor.report import OutputFormat, render
from auditor.report._common import printable, usage_line, wrap
from auditor.report.table import GRID_MIN_WIDTH, format_table
from auditor.snapshot import ApiUsage
from auditor.suspensions import Suspension

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _load_regen():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parent / "regen_golden.py"
    spec = importlib.util.spec_from_file_location("auditor_regen_golden_layout", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SAMPLES: dict[str, Report] = {name: build() for name, build in _load_regen().SAMPLES.items()}
WIDTHS = (40, 60, 80, 100, 119, 120, 140, 200)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9_]+", text)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("verbose", [False, True])
def test_no_line_is_wider_than_the_terminal(name: str, width: int, verbose: bool) -> None:
    text = format_table(SAMPLES[name], verbose=verbose, width=width, color=True)
    too_wide = [line for line in ANSI.sub("", text).splitlines() if len(line) > width]
    assert not too_wide, too_wide[:3]


@pytest.mark.parametrize("width", [80, 100, 119])
def test_narrow_terminals_get_one_block_per_finding(width: int) -> None:
    report = SAMPLES["failing"]
    text = format_table(report, width=width)
    assert "+----" not in text and "| FAIL" not in text
    shown = [f for f in report.findings if f.status is not Status.PASS]
    # Each finding opens its block with its status and check, and says its fix and source.
    for finding in shown:
        assert re.search(rf"^  {finding.status.name} +{finding.check}\b", text, re.M), finding
    assert text.count("Fix:") == len(shown)
    assert text.count("Source:") == sum(1 for f in shown if f.sources)


@pytest.mark.parametrize("width", [GRID_MIN_WIDTH, 140, None])
def test_wide_terminals_get_the_grid(width: int | None) -> None:
    text = format_table(SAMPLES["failing"], width=width)
    assert "| status" in text and "| FAIL" in text


def test_unbounded_width_is_the_full_grid() -> None:
    report = SAMPLES["failing"]
    assert format_table(report, width=None) == format_table(report) == render(report, OutputFormat.TABLE)
    assert max(len(line) for line in format_table(report).splitlines()) > 140  # not narrowed


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("width", [40, 60, 80, 119])
def test_no_word_is_lost_when_wrapping(name: str, width: int) -> None:
    report = SAMPLES[name]
    # Compare as one stream of characters: wrapping may split a long word across lines (the
    # compact layout keeps each text in one run; the grid interleaves cells).
    laid_out = "".join(_words(format_table(report, width=width, verbose=True)))
    for finding in report.findings:
        for text in (finding.message, finding.remediation, *finding.sources):
            assert "".join(_words(printable(text))) in laid_out, (width, text)


def test_colour_marks_statuses_and_changes_no_text() -> None:
    report = SAMPLES["failing"]
    for width in (80, 140, None):
        plain = format_table(report, width=width)
        coloured = format_table(report, width=width, color=True)
        assert not ANSI.search(plain)
        assert ANSI.search(coloured)
        assert ANSI.sub("", coloured) == plain
    coloured = format_table(report, width=80, color=True)
    assert "\x1b[1;31mFAIL\x1b[0m" in coloured  # bold red
    assert "\x1b[33mWARN\x1b[0m" in coloured  # yellow
    assert "\x1b[1;31m[WOULD SUSPEND]\x1b[0m" in coloured


def test_only_the_table_takes_width_and_colour() -> None:
    report = SAMPLES["failing"]
    for fmt in OutputFormat:
        if fmt is not OutputFormat.TABLE:
            assert render(report, fmt, width=40, color=True) == render(report, fmt)


def test_passing_groups_are_one_line_each_in_the_compact_layout() -> None:
    report = SAMPLES["all_pass"]
    lines = format_table(report, width=80).splitlines()
    start = lines.index("Passed (no problem found):")
    passed = lines[start + 1:lines.index("", start)]
    codes = {f.suspension.value for f in report.findings}
    assert len(passed) == len(codes)
    assert {line.split()[1] for line in passed} == codes
    assert any("object-access (7)" in line for line in passed)


def test_sections_are_laid_out_by_code_label_and_verdict() -> None:
    findings = (
        Finding("some-check", Suspension.SF_ORG_LOCKED, Status.WARN, "a risk", "do this", object="Contact"),
    )
    report = Report(findings=findings, org=None, user=None, api_version="62.0",
                    instance_url="https://example.my.salesforce.com")
    text = format_table(report, width=80)
    assert "SF_ORG_LOCKED: Salesforce org locked [at risk]" in text
    assert "  WARN  some-check  Contact\n        a risk\n        Fix:    do this\n" in text


def test_long_words_are_split_but_check_ids_are_not_split_at_hyphens() -> None:
    assert wrap("hubspot-permission-set is assigned", 24) == ["hubspot-permission-set", "is assigned"]
    assert wrap("x" * 30, 10, indent="  ") == ["  xxxxxxxx", "  xxxxxxxx", "  xxxxxxxx", "  xxxxxx"]
    assert wrap("one\ntwo", None, indent="> ", hang="  ") == ["> one", "  two"]


def test_offline_runs_do_not_claim_requests_they_never_sent() -> None:
    usage = ApiUsage(http_requests=3, api_calls=2)
    assert usage_line(usage) == "This audit used 3 HTTP requests, 2 counted API calls."
    line = usage_line(usage, "cassette cassettes/demo.yaml")
    assert line.startswith("Offline run from cassette cassettes/demo.yaml: no request was sent")
    assert "This audit used" not in line
