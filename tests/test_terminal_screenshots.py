"""What a person at a terminal sees: the demo report captured through a pseudo terminal.

The screenshots in tests/golden/terminal/ are rewritten by ``python tests/regen_golden.py``;
review ``git diff tests/golden`` after an intended change (finding texts, the demo cassette).
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import pytest

from tests.clirun import run_cli
from tests.ptyrun import DEMO, SCREENSHOT_DIR, SCREENSHOTS, demo_run, screenshot

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="pseudo terminals are POSIX"),
              pytest.mark.slow]  # real pseudo terminals: quick loop: pytest -m "not slow"

SGR = re.compile(r"\x1b\[[0-9;]*m")
ANY_ESCAPE = "\x1b"
SUMMARY = "auditor: 2 suspensions predicted (SF_FIELD_PERMISSIONS, SF_OBJECT_PERMISSIONS)"


@pytest.mark.parametrize(("name", "columns"), SCREENSHOTS)
def test_screenshot(name: str, columns: int) -> None:
    expected = (SCREENSHOT_DIR / name).read_text(encoding="utf-8")
    actual = screenshot(columns)
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), name, "now"))
        pytest.fail(f"the {columns}-column screen changed (python tests/regen_golden.py if intended):\n{diff}")


@pytest.mark.parametrize("columns", [80, 100, 140])
def test_no_line_is_wider_than_the_terminal(columns: int) -> None:
    run = demo_run(columns, stderr_on_terminal=True)
    assert run.exit_code == 1
    assert max(len(row) for row in run.rows) <= columns, [row for row in run.rows if len(row) > columns][:3]


def test_the_screenshots_read_top_to_bottom() -> None:
    narrow = (SCREENSHOT_DIR / "demo-80.txt").read_text(encoding="utf-8")
    wide = (SCREENSHOT_DIR / "demo-140.txt").read_text(encoding="utf-8")
    assert "+---" not in narrow and "  FAIL  field-access  Lead.Fax" in narrow  # one block per finding
    assert "| FAIL     | field-access" in wide  # the grid
    for screen in (narrow, wide):
        assert screen.index("[WOULD SUSPEND]") < screen.index("[at risk]") < screen.index(SUMMARY[9:])


def test_no_color_means_no_escape_codes_and_a_terminal_gets_colour() -> None:
    plain = demo_run(80, no_color=True)
    assert ANY_ESCAPE not in plain.screen
    coloured = demo_run(80)
    assert "\x1b[1;31mFAIL\x1b[0m" in coloured.screen
    assert SGR.sub("", coloured.screen) == plain.screen  # colour changes no text


def test_a_pipe_gets_the_full_grid_uncoloured_unless_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # a pipe has no width: COLUMNS does not narrow it
    piped = run_cli(*DEMO)
    assert ANY_ESCAPE not in piped.stdout and "| FAIL     |" in piped.stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = run_cli(*DEMO)
    assert "\x1b[1;31mFAIL\x1b[0m" in forced.stdout
    monkeypatch.setenv("NO_COLOR", "1")  # NO_COLOR wins
    assert ANY_ESCAPE not in run_cli(*DEMO).stdout


def test_the_summary_is_said_once_on_a_terminal() -> None:
    both = demo_run(140, stderr_on_terminal=True)
    assert both.plain.count(SUMMARY) == 1
    # With stderr apart (2>log), the log keeps its summary line.
    apart = demo_run(140, no_color=True)
    assert apart.screen.count(SUMMARY) == 1 and apart.stderr.count(SUMMARY) == 1


def test_progress_shows_on_a_terminal_only() -> None:
    shown = demo_run(100, stderr_on_terminal=True)
    assert any("collecting from acme.my.salesforce.com: identity ✓  limits ✓  composite ✓" in row for row in shown.rows)
    for quiet in (demo_run(100, stderr_on_terminal=True, quiet=True),
                  demo_run(100, stderr_on_terminal=True, ci=True)):
        assert "collecting from" not in quiet.plain
    piped = demo_run(80, no_color=True)  # stderr is a pipe: no spinner in the log
    assert "collecting" not in piped.stderr and ANY_ESCAPE not in piped.stderr


def test_quiet_keeps_only_the_report_and_errors() -> None:
    quiet = run_cli(*DEMO, "--quiet")
    assert quiet.exit_code == 1 and quiet.stderr == ""
    assert SUMMARY in quiet.stdout
    assert run_cli(*DEMO, "--quiet", "--format", "nope").stderr  # errors still said


def test_a_replay_says_what_it_is_and_claims_no_requests() -> None:
    result = run_cli(*DEMO)
    assert result.stderr.startswith("auditor: replaying cassettes/demo.yaml, recorded from acme.my.salesforce.com")
    assert "auditing https://" not in result.stderr
    assert "This audit used" not in result.stdout
    assert "Offline run from cassette cassettes/demo.yaml: no request was sent (the recorded audit used 5 HTTP" \
        in result.stdout


def test_a_snapshot_run_says_what_it_is(tmp_path: Path) -> None:
    saved = tmp_path / "org.json"
    assert run_cli(*DEMO, "--save-snapshot", str(saved)).exit_code == 1
    result = run_cli("audit", "--snapshot", str(saved))
    assert result.exit_code == 1
    assert re.match(rf"auditor: evaluating snapshot {re.escape(str(saved))}, collected \S+ from "
                    r"https://acme\.my\.salesforce\.com; nothing is sent to Salesforce", result.stderr)
    assert f"Offline run from snapshot {saved}: no request was sent" in result.stdout
